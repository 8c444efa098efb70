#!/usr/bin/env bash
# `make schemathesis`: runs every schemathesis check (openapi.yaml) against the function under `make local`.
# Starts scripts/local.sh with every port 0 in its own process group, reads the `Listening:` URL, switches
# the emulator's StartChatContact quota off (schemathesis sends many requests a second), runs schemathesis,
# and always stops the whole process group. Extra schemathesis arguments pass through: scripts/schemathesis.sh -n 10
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS=${SCHEMATHESIS:-.venv-schemathesis/bin/schemathesis}
STARTUP_SECONDS=${STARTUP_SECONDS:-900}

workdir=$(mktemp -d)
local_pid=
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$local_pid" ]; then
    kill -TERM -- "-$local_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 -- "-$local_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$local_pid" 2>/dev/null || true
    wait "$local_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FUNCTION_PORT=0 EMULATOR_PORT=0 PARTICIPANT_PORT=0 DEMO_PORT=0 LOG_LEVEL=warn \
  setsid scripts/local.sh >"$workdir/stdout" 2>"$workdir/stderr" &
local_pid=$!

function_url=
for _ in $(seq $((STARTUP_SECONDS * 5))); do
  function_url=$(sed -n 's/^Listening: //p' "$workdir/stdout")
  [ -n "$function_url" ] && break
  if ! kill -0 "$local_pid" 2>/dev/null; then
    echo "schemathesis: scripts/local.sh exited early:" >&2
    tail -30 "$workdir/stderr" >&2
    exit 1
  fi
  sleep 0.2
done
if [ -z "$function_url" ]; then
  echo "schemathesis: scripts/local.sh printed no Listening: line in ${STARTUP_SECONDS}s" >&2
  tail -30 "$workdir/stderr" >&2
  exit 1
fi
emulator_url=$(sed -n 's/^\[emulator\] Connect emulator listening: //p' "$workdir/stderr" | head -1)
if [ -n "$emulator_url" ]; then
  # An emulator without a quota answers 404 here; then there is nothing to switch off.
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
    -d '{"enabled": false}' "$emulator_url/_emulator/quota" || true)
  echo "schemathesis: emulator quota switch-off answered $status" >&2
fi

echo "schemathesis: testing $function_url" >&2
# Hypothesis's caches go to target/: `cargo lambda watch` restarts the function on any change outside
# .gitignore, which would drop the request in flight.
SCHEMATHESIS_HOOKS=hooks PYTHONPATH=tests/schemathesis PYTHONDONTWRITEBYTECODE=1 \
  HYPOTHESIS_STORAGE_DIRECTORY=target/schemathesis/hypothesis \
  "$SCHEMATHESIS" --config-file tests/schemathesis/schemathesis.toml run openapi.yaml \
  --url "${function_url%/}" --checks all --workers 2 --seed 9 \
  --report junit --report-dir target/schemathesis "$@"
