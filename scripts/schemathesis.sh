#!/usr/bin/env bash
# `make schemathesis`: runs every schemathesis check (openapi.yaml) against the function under `make local`,
# with no hook and a new random seed each run (schemathesis prints it). Starts scripts/local.sh with every
# port 0 in its own process group, reads the `Listening:` URL, switches the emulator's StartChatContact
# quota off (schemathesis sends many requests a second), puts tests/schemathesis/front_door.py in front of
# the function URL (cargo lambda answers a body that is not UTF-8 itself; Lambda passes it on base64-encoded),
# runs schemathesis, and always stops everything it started. Extra schemathesis arguments pass through:
# scripts/schemathesis.sh --seed 9 replays a run, scripts/schemathesis.sh -n 10 makes a short one.
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS=${SCHEMATHESIS:-.venv-schemathesis/bin/schemathesis}
STARTUP_SECONDS=${STARTUP_SECONDS:-900}

workdir=$(mktemp -d)
local_pid=
relay_pid=
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$relay_pid" ]; then
    kill -TERM "$relay_pid" 2>/dev/null || true
    wait "$relay_pid" 2>/dev/null || true
  fi
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

: >"$workdir/relay"
python3 tests/schemathesis/front_door.py "$function_url" >>"$workdir/relay" 2>&1 &
relay_pid=$!
relay_url=
for _ in $(seq 50); do
  relay_url=$(sed -n 's/^Listening: //p' "$workdir/relay")
  [ -n "$relay_url" ] && break
  kill -0 "$relay_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$relay_url" ]; then
  echo "schemathesis: tests/schemathesis/front_door.py did not start:" >&2
  cat "$workdir/relay" >&2
  exit 1
fi

echo "schemathesis: testing $function_url through $relay_url" >&2
# Hypothesis's caches go to target/: `cargo lambda watch` restarts the function on any change outside
# .gitignore, which would drop the request in flight.
PYTHONDONTWRITEBYTECODE=1 HYPOTHESIS_STORAGE_DIRECTORY=target/schemathesis/hypothesis \
  "$SCHEMATHESIS" --config-file tests/schemathesis/schemathesis.toml run openapi.yaml \
  --url "${relay_url%/}" --checks all --workers 2 \
  --report junit --report-dir target/schemathesis "$@"
