#!/usr/bin/env bash
# `make local`: the whole service on this machine, no AWS account needed.
#   1. the Connect emulator (connect-emulator), on 127.0.0.1;
#   2. the function under `cargo lambda watch` (rebuilt on every change), its SDK pointed at the emulator
#      with the fixed local credentials below;
#   3. the demo chat page, when the demo folder exists: demo/ with its ChatJS from npm (`npm ci` on first use)
#      and a generated config.js holding the two URLs below, on a static server.
# It prints `Listening: <url>` (POST chat requests there), `Participant endpoint: <url>` and `Demo: <url>`,
# then runs until interrupted, stopping everything it started.
#
# Ports: FUNCTION_PORT (9000), EMULATOR_PORT (9001), PARTICIPANT_PORT (9002), DEMO_PORT (9003); 0 picks a free one.
# EXTRA_ALLOWED_ORIGINS: more page origins for the function to allow (comma-separated), e.g. a test's own page.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$root/.venv/bin:$PATH"
target_dir=${CARGO_TARGET_DIR:-$root/target}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port() { if [ "${1:-0}" = 0 ]; then free_port; else echo "$1"; fi; }
FUNCTION_PORT=$(port "${FUNCTION_PORT-9000}")
EMULATOR_PORT=$(port "${EMULATOR_PORT-9001}")
PARTICIPANT_PORT=$(port "${PARTICIPANT_PORT-9002}")
DEMO_PORT=$(port "${DEMO_PORT-9003}")

# The documented local identity of the emulator: not AWS credentials, never valid anywhere else.
LOCAL_ACCESS_KEY_ID=AKIAEMULATORLOCAL001
LOCAL_SECRET_ACCESS_KEY=emulator/local/secret/key/not/for/aws/0000
LOCAL_INSTANCE_ID=3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c
LOCAL_DEFAULT_FLOW_ID=6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
LOCAL_SALES_FLOW_ID=7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e

workdir=$(mktemp -d)
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" in its own process group (so cleanup stops its children too). Its output goes to stderr,
# prefixed with its name; stdout is also kept in $workdir/<name>.out to read the URLs it prints.
start() {
  local name=$1; shift
  setsid "$@" > >(tee "$workdir/$name.out" | sed -u "s/^/[$name] /" >&2) 2> >(sed -u "s/^/[$name] /" >&2) &
  pids+=($!)
}

wait_for() { # wait_for <what> <seconds> <command...>
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "local: $what: a process exited early" >&2; exit 1; }; done
    sleep 0.2
  done
  echo "local: timed out waiting for $what" >&2; exit 1
}

echo "local: building the Connect emulator and the function (the first build takes a few minutes)" >&2
cargo build --quiet -p connect-emulator -p start-chat --bins
start emulator "$target_dir/debug/connect-emulator" --port "$EMULATOR_PORT" --participant-port "$PARTICIPANT_PORT"
wait_for "the emulator" 30 grep -q '^Participant endpoint: ' "$workdir/emulator.out"
emulator_url=$(sed -n 's/^Connect emulator listening: //p' "$workdir/emulator.out")
participant_url=$(sed -n 's/^Participant endpoint: //p' "$workdir/emulator.out")

demo_origins="http://127.0.0.1:$DEMO_PORT,http://localhost:$DEMO_PORT"
# Quoted: the env-file parser reads unquoted "/" and "=" badly.
cat >"$workdir/function.env" <<ENV
AWS_REGION="us-east-1"
AWS_ACCESS_KEY_ID="$LOCAL_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY="$LOCAL_SECRET_ACCESS_KEY"
AWS_ENDPOINT_URL_CONNECT="$emulator_url"
AWS_CONFIG_FILE="/dev/null"
AWS_SHARED_CREDENTIALS_FILE="/dev/null"
INSTANCE_ID="$LOCAL_INSTANCE_ID"
CONTACT_FLOW_ID="$LOCAL_DEFAULT_FLOW_ID"
ALLOWED_CONTACT_FLOW_IDS="$LOCAL_SALES_FLOW_ID"
CONTACT_FLOW_ALIASES="sales=$LOCAL_SALES_FLOW_ID"
ALLOWED_ORIGINS="https://www.example.com,$demo_origins${EXTRA_ALLOWED_ORIGINS:+,$EXTRA_ALLOWED_ORIGINS}"
SUPPORTED_MESSAGING_CONTENT_TYPES="text/plain,text/markdown"
ATTACHMENTS_ENABLED="true"
LOG_LEVEL="${LOG_LEVEL:-info}"
AWS_LAMBDA_LOG_FORMAT="${AWS_LAMBDA_LOG_FORMAT:-Text}"
ENV
# Our CORS is the function's own: cargo lambda's permissive default would hide it.
start function cargo lambda watch --quiet --disable-cors --invoke-address 127.0.0.1 --invoke-port "$FUNCTION_PORT" \
  --env-file "$workdir/function.env"
function_url="http://127.0.0.1:$FUNCTION_PORT/lambda-url/start-chat/"
wait_for "the function" 900 curl -sf -o /dev/null -X OPTIONS "$function_url"

# The demo page: demo/ plus a generated config.js (the URLs above) and the ChatJS bundle from npm, served
# together from $workdir/demo-site (symlinks, so edits to demo/ show on reload). Needs Node.js's npm once.
demo=
if [ -d demo ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "local: npm not found: install Node.js for the demo page (the function and emulator run without it)" >&2
  else
    if [ ! -f demo/node_modules/.package-lock.json ] || [ demo/package-lock.json -nt demo/node_modules/.package-lock.json ]; then
      echo "local: installing the demo page's npm packages (npm ci)" >&2
      npm ci --prefix demo --no-audit --no-fund --loglevel=error >&2
    fi
    site="$workdir/demo-site"
    mkdir "$site"
    for f in "$root"/demo/*; do
      case "${f##*/}" in node_modules | package.json | package-lock.json) ;; *) ln -s "$f" "$site/" ;; esac
    done
    ln -s "$root/demo/node_modules/amazon-connect-chatjs/dist" "$site/chatjs"
    cat >"$site/config.js" <<JS
// Written by scripts/local.sh for this run.
window.DEMO_CONFIG = {
  startChatUrl: "$function_url",
  participantEndpoint: "$participant_url",
  region: "us-east-1",
};
JS
    start demo python3 -m http.server --bind 127.0.0.1 --directory "$site" "$DEMO_PORT"
    wait_for "the demo page" 30 curl -sf -o /dev/null "http://127.0.0.1:$DEMO_PORT/config.js"
    demo="http://127.0.0.1:$DEMO_PORT/"
  fi
fi

echo "Listening: $function_url"
echo "Participant endpoint: $participant_url"
[ -n "$demo" ] && echo "Demo: $demo"
wait -n "${pids[@]}"
