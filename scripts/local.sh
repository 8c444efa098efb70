#!/usr/bin/env bash
# `make local`: the whole service on this machine, no AWS account needed.
#   1. the Connect emulator (connect-emulator), on 127.0.0.1;
#   2. the function under `cargo lambda watch` (rebuilt on every change), its SDK pointed at the emulator
#      with the fixed local credentials below;
#   3. the demo chat page, when the demo folder exists: demo/ with its ChatJS from npm (`npm ci` on first use)
#      and a generated config.js holding the two URLs below, served by scripts/demo-server.py (which, in
#      signed-customer mode, also mints the demo customer's tokens as a website's server would).
# It prints `Listening: <url>` (POST chat requests there), `Participant endpoint: <url>` and `Demo: <url>`,
# then runs until interrupted, stopping everything it started.
#
# Ports: FUNCTION_PORT (9000), EMULATOR_PORT (9001), PARTICIPANT_PORT (9002), DEMO_PORT (9003); 0 picks a free one.
# FUNCTION_CONCURRENCY: how many instances of the function may run at once (see below).
# EXTRA_ALLOWED_ORIGINS: more page origins for the function to allow (comma-separated), e.g. a test's own page.
# A fixed port already in use stops it before anything starts, with a message naming the process holding it.
#
# Stopping: INT (Ctrl-C), TERM or HUP, to this script or to its whole process group (make's), once or
# repeatedly, at any moment (building, starting, running), stops every process it started and all their
# descendants (TERM, then KILL after 5 s), removes its work directory (${TMPDIR:-/tmp}/start-chat-local.*),
# then ends by that same signal (exit status 130, 143 or 129 in a shell).
set -euo pipefail

# Stopping is set up first, so that no signal finds the script without it. Everything the script starts
# runs in a session of its own (setsid), which stop() signals whole, and is only ever waited for with
# `wait`, which a signal interrupts (a foreground `cargo build` would hold the handler back until it ends).
# Out of make's process group, they miss a signal sent to that group; and some move on to sessions of their
# own (cargo lambda watch runs `cargo run` and the function so). Hence also a marker in their environment,
# START_CHAT_LOCAL_RUN, which all their descendants inherit: stop() finds them all by it in /proc.
run_id="$$-$RANDOM$RANDOM"
declare -A groups=()   # pid -> what: running things started by launch(), each leading its own group
declare -A services=() # pid -> name: the servers, which must run until the end
workdir=
stop_grace_tenths=50

marked() { # the pids of the live processes carrying this run's marker
  grep -lzxF "START_CHAT_LOCAL_RUN=$run_id" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
}

alive() { # alive <pid>: not gone yet, nor a zombie
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

stop() { # stop [signal]: stop everything started, remove the work directory, end (by the signal if given)
  local status=$? signal=${1:-} pid left tries=$stop_grace_tenths
  set +e
  # make passes a TERM it gets on to this script, users press Ctrl-C twice, a closed terminal or log pipe
  # answers writes with HUP or PIPE: none of these may cut the clean-up short.
  trap '' INT TERM HUP QUIT PIPE
  trap - EXIT
  [ -n "$signal" ] && echo "local: stopping (SIG$signal)" >&2
  # Every marked process seen, the first ones listed before any is signalled (a dying process's environment
  # reads empty, so marked() no longer finds it).
  declare -A seen=() signalled=()
  for pid in $(marked); do seen[$pid]=1; done
  # $!: started just before the signal came, perhaps not yet recorded.
  for pid in "${!groups[@]}" ${!:+"$!"}; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
  while :; do
    for pid in $(marked); do seen[$pid]=1; done # also those started meanwhile (cargo lambda restarting the function)
    left=
    for pid in "${!seen[@]}"; do
      alive "$pid" || continue
      left+=" $pid"
      [ -n "${signalled[$pid]:-}" ] || { kill -TERM "$pid" && kill -CONT "$pid"; } 2>/dev/null
      signalled[$pid]=1
    done
    if [ -z "$left" ] || [ "$tries" -le 0 ]; then break; fi
    tries=$((tries - 1))
    sleep 0.1
  done
  if [ -n "$left" ]; then
    echo "local: still running after $((stop_grace_tenths / 10)) s, killed:$(for pid in $left; do printf ' %s (%s)' "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null)"; done)" >&2
    for tries in 1 2 3 4 5 6 7 8 9 10; do
      for pid in "${!groups[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
      for pid in $(marked); do seen[$pid]=1; done
      left=
      for pid in "${!seen[@]}"; do alive "$pid" && left+=" $pid" && kill -KILL "$pid" 2>/dev/null; done
      [ -z "$left" ] && break
      sleep 0.1
    done
  fi
  [ -n "$workdir" ] && rm -rf -- "$workdir"
  if [ -n "$signal" ]; then
    trap - "$signal"
    kill -s "$signal" "$$"
  fi
  exit "$status"
}
trap stop EXIT
trap 'stop INT' INT
trap 'stop TERM' TERM
trap 'stop HUP' HUP
trap 'stop QUIT' QUIT
trap 'stop PIPE' PIPE # stderr closed (`make local 2>&1 | head`): stop, rather than die leaving everything running

cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$root/.venv/bin:$PATH"
target_dir=${CARGO_TARGET_DIR:-$root/target}
# As the Makefile does: the host's triple named explicitly, so these builds are the test build's.
CARGO_BUILD_TARGET=${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}
export CARGO_BUILD_TARGET
debug_dir=$target_dir/$CARGO_BUILD_TARGET/debug
# Instances of the function at once: as many as the template reserves for it by default (ReservedConcurrency).
default_concurrency=10

ports=$(python3 scripts/local-ports.py resolve FUNCTION_PORT="${FUNCTION_PORT-9000}" EMULATOR_PORT="${EMULATOR_PORT-9001}" \
  PARTICIPANT_PORT="${PARTICIPANT_PORT-9002}" DEMO_PORT="${DEMO_PORT-9003}")
read -r FUNCTION_PORT EMULATOR_PORT PARTICIPANT_PORT DEMO_PORT <<<"$ports"

workdir=$(mktemp -d "${TMPDIR:-/tmp}/start-chat-local.XXXXXX")
echo "local: work directory $workdir (removed on exit)" >&2

launch() { # launch <command...>: in the background, in a session of its own, marked; its pid in $launched
  START_CHAT_LOCAL_RUN=$run_id setsid "$@" &
  launched=$!
  groups[$launched]=$1
}

run() { # run <command...>: as if in the foreground, but stoppable at once (see above)
  local status=0
  launch "$@"
  wait "$launched" || status=$?
  unset "groups[$launched]"
  return "$status"
}

# Starts a server. Its output goes to stderr, prefixed with its name; stdout is also kept in
# $workdir/<name>.out to read the URLs it prints. The prefixing processes live in its session too.
start() {
  local name=$1; shift
  # shellcheck disable=SC2016 # expanded by the inner shell
  launch bash -c 'name=$1 out=$2; shift 2
    exec "$@" > >(tee "$out" | sed -u "s/^/[$name] /" >&2) 2> >(sed -u "s/^/[$name] /" >&2)' \
    start "$name" "$workdir/$name.out" "$@"
  services[$launched]=$name
}

service_ports() { # the port variables of a server, for local-ports.py
  case $1 in
    emulator) echo "EMULATOR_PORT=$EMULATOR_PORT PARTICIPANT_PORT=$PARTICIPANT_PORT" ;;
    function) echo "FUNCTION_PORT=$FUNCTION_PORT" ;;
    demo) echo "DEMO_PORT=$DEMO_PORT" ;;
  esac
}

check_services() { # exits when a server has stopped, saying which (and who holds its port, if anyone)
  local pid name
  for pid in "${!services[@]}"; do
    kill -0 "$pid" 2>/dev/null && continue
    name=${services[$pid]}
    echo "local: the $name stopped${1:+ $1}" >&2
    # shellcheck disable=SC2046 # one word per port
    python3 scripts/local-ports.py explain $(service_ports "$name") || true
    exit 1
  done
}

wait_for() { # wait_for <what> <seconds> <command...>: until the command succeeds, while every server runs
  local what=$1 tries=$(($2 * 5)) probe=; shift 2
  while :; do
    if [ -z "$probe" ]; then
      launch "$@" >/dev/null 2>&1
      probe=$launched
    fi
    if ! kill -0 "$probe" 2>/dev/null; then
      unset "groups[$probe]"
      if wait "$probe"; then return 0; fi
      probe=
    fi
    check_services "while waiting for $what"
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || { echo "local: timed out waiting for $what" >&2; exit 1; }
    sleep 0.2
  done
}

echo "local: building the Connect emulator and the function (the first build takes a few minutes)" >&2
# Built one at a time, as `cargo lambda watch` builds the function: together, cargo would resolve the shared
# dependencies' features differently and compile the AWS SDK twice.
run cargo build --quiet -p connect-emulator --bin connect-emulator
run cargo build --quiet -p start-chat --bin start-chat
# Signed-customer mode (JWT_SIGNING_KEYS=<key>[,<key>] make local): the keys go into the emulator's local
# secret, which the function reads through Secrets Manager at init, as in AWS.
# Only the emulator (and the demo page's signer) get them: the function must not see them in its
# environment, where they would contradict SECRET_ARN.
signing_keys=${JWT_SIGNING_KEYS:-}
unset JWT_SIGNING_KEYS
signed=${signing_keys:+true}
CONNECT_EMULATOR_JWT_SIGNING_KEYS=$signing_keys \
  start emulator "$debug_dir/connect-emulator" --port "$EMULATOR_PORT" --participant-port "$PARTICIPANT_PORT"
wait_for "the emulator" 30 grep -q '^Participant endpoint: ' "$workdir/emulator.out"
emulator_url=$(sed -n 's/^Connect emulator listening: //p' "$workdir/emulator.out")
participant_url=$(sed -n 's/^Participant endpoint: //p' "$workdir/emulator.out")

# The function's environment: the emulator's one definition of the local setup (instance, flows, alias,
# credentials, the local secret's ARN, persistent chat on), the demo page's origins, and this run's
# logging. `KEY="value"` lines: the env-file parser reads unquoted "/" and "=" badly.
origins=(--allowed-origin "http://127.0.0.1:$DEMO_PORT" --allowed-origin "http://localhost:$DEMO_PORT")
IFS=, read -r -a extra_origins <<<"${EXTRA_ALLOWED_ORIGINS:-}"
for origin in "${extra_origins[@]}"; do
  [ -n "$origin" ] && origins+=(--allowed-origin "$origin")
done
"$debug_dir/connect-emulator" --print-function-env --endpoint-url "$emulator_url" "${origins[@]}" \
  >"$workdir/function.env"
cat >>"$workdir/function.env" <<ENV
SIGNED_CUSTOMERS="${signed:-false}"
LOG_LEVEL="${LOG_LEVEL:-info}"
AWS_LAMBDA_LOG_FORMAT="${AWS_LAMBDA_LOG_FORMAT:-Text}"
ENV
# Our CORS is the function's own: cargo lambda's permissive default would hide it. Lambda runs one
# execution environment per concurrent request; so does cargo lambda with --concurrency, instead of queueing
# a burst behind one instance.
start function cargo lambda watch --quiet --disable-cors --invoke-address 127.0.0.1 --invoke-port "$FUNCTION_PORT" \
  --concurrency "${FUNCTION_CONCURRENCY:-$default_concurrency}" --env-file "$workdir/function.env"
function_url="http://127.0.0.1:$FUNCTION_PORT/lambda-url/start-chat/"
# A request waits in cargo lambda until the function is built and running (no --max-time: each attempt
# would stay queued there, to be run once the function is up).
wait_for "the function" 900 curl -sf -o /dev/null -X OPTIONS "$function_url"

# The demo page: demo/ plus a generated config.js (the URLs above, the mode) and the ChatJS bundle from npm,
# served together from $workdir/demo-site (symlinks, so edits to demo/ show on reload). Needs Node.js's npm once.
demo=
if [ -d demo ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "local: npm not found: install Node.js for the demo page (the function and emulator run without it)" >&2
  else
    if [ ! -f demo/node_modules/.package-lock.json ] || [ demo/package-lock.json -nt demo/node_modules/.package-lock.json ]; then
      echo "local: installing the demo page's npm packages (npm ci)" >&2
      run npm ci --prefix demo --no-audit --no-fund --loglevel=error >&2
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
  signedCustomers: ${signed:-false},
  customerUrl: "/customer",
  customerTokenUrl: "/customer-token",
};
JS
    # In signed-customer mode the demo server also mints the customer's token, as a website's server does
    # after a login: it gets the keys in its environment (a temporary assignment, which bash exports to the
    # function's children), never on its command line, which anyone on the machine can read.
    DEMO_SIGNING_KEYS=$signing_keys start demo python3 scripts/demo-server.py --bind 127.0.0.1 --directory "$site" "$DEMO_PORT"
    wait_for "the demo page" 30 curl -sf -o /dev/null "http://127.0.0.1:$DEMO_PORT/config.js"
    demo="http://127.0.0.1:$DEMO_PORT/"
  fi
fi

echo "Listening: $function_url"
echo "Participant endpoint: $participant_url"
[ -n "$demo" ] && echo "Demo: $demo"
status=0
wait -n "${!services[@]}" || status=$?
check_services "(status $status)"
exit 1
