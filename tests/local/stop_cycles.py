#!/usr/bin/env python3
"""`make local` stops clean, whatever stops it and whenever (issue 14).

Starts `make local` in a session of its own (as `setsid make local` does) again and again, sends it the
signals a supervisor, a terminal or an impatient user sends, at different moments of its life, and after
each stop checks that nothing of that run is left:
  - no process: every run gets a marker in its environment, which all its descendants inherit whatever
    process group or session they move to; a snapshot of the run's processes is also taken while it runs;
  - no listening port among those the run used (its URLs' ports and every port its processes listened on);
  - no work directory: each run gets a private TMPDIR, which must be empty again.
It also checks that a busy port is refused with a message naming the port and its holder.

Python 3 standard library only; Linux (/proc). Usage:
  python3 tests/local/stop_cycles.py [--cycles N] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKER = "START_CHAT_LOCAL_STOP_TEST"
# What make prints when its recipe died by the signal.
MAKE_SIGNAL_WORDS = {"TERM": "Terminated", "INT": "Interrupt", "HUP": "Hangup"}
PORT_NAMES = ("FUNCTION_PORT", "EMULATOR_PORT", "PARTICIPANT_PORT", "DEMO_PORT")
# The first start may build the emulator and the function in debug (minutes on 2 busy cores).
FIRST_START_TIMEOUT = 30 * 60
START_TIMEOUT = 5 * 60
# local.sh waits a bounded time for its children, then kills them: make must be gone well within this.
STOP_TIMEOUT = 60
# A busy port must be refused before anything is built.
REFUSAL_TIMEOUT = 60
# When something is left as make exits, whether it is still there this much later is reported too.
LEFTOVER_GRACE = 2


# ----------------------------------------------------------------------------------------------- /proc


def proc_stat(pid: int) -> dict | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    rest = raw[raw.rindex(")") + 2 :].split()
    return {
        "pid": pid,
        "state": rest[0],
        "ppid": int(rest[1]),
        "pgid": int(rest[2]),
        "sid": int(rest[3]),
        "start": int(rest[19]),
        "cmd": cmdline.replace(b"\0", b" ").decode(errors="replace").strip()[:200] or raw.split()[1],
    }


def alive(info: dict) -> bool:
    """The process is still there (same start time, so not a reused pid) and not a zombie."""
    now = proc_stat(info["pid"])
    return bool(now) and now["start"] == info["start"] and now["state"] not in ("Z", "X")


def marked_processes(value: str, prefix: bool = False) -> list[dict]:
    """Live processes whose environment holds MARKER=value (MARKER=value* with prefix)."""
    needle = f"{MARKER}={value}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            env = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        for var in env.split(b"\0"):
            if var == needle or (prefix and var.startswith(needle)):
                info = proc_stat(int(entry))
                if info and info["state"] not in ("Z", "X"):
                    found.append(info)
                break
    return found


def listening_sockets() -> dict[int, int]:
    """inode -> port of every TCP socket in LISTEN state (IPv4 and IPv6)."""
    result = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "0A":
                result[int(cols[9])] = int(cols[1].rsplit(":", 1)[1], 16)
    return result


def listening_ports() -> set[int]:
    return set(listening_sockets().values())


def ports_of(pids: list[int]) -> set[int]:
    sockets = listening_sockets()
    ports = set()
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            match = re.fullmatch(r"socket:\[(\d+)\]", target)
            if match and int(match.group(1)) in sockets:
                ports.add(sockets[int(match.group(1))])
    return ports


def describe(infos: list[dict]) -> str:
    return "\n".join(
        f"    pid {p['pid']} ppid {p['ppid']} pgid {p['pgid']} sid {p['sid']} {p['state']}: {p['cmd']}" for p in infos
    )


def free_ports(count: int) -> list[int]:
    """Free ports below the ephemeral range (so no outgoing connection takes them between runs), not 9000-9003."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    chosen: list[int] = []
    rng = random.Random()
    while len(chosen) < count:
        port = rng.randrange(20000, min(low, 32768))
        if port in chosen or port in listening_ports():
            continue
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        chosen.append(port)
    return chosen


# ------------------------------------------------------------------------------------------------ runs


@dataclass
class Cycle:
    name: str
    signal: str  # TERM, INT, HUP (to make's process group), TERM-TERM, INT-INT (twice), TERM-SCRIPT (local.sh only)
    fixed_ports: bool
    stop_at: str = "ready"  # "ready" (after requests), "spawned", or a regex on an output line
    delay: float = 0.0  # seconds between stop_at and the signal
    touch: bool = False  # touch src/lib.rs first, so that cargo has something to compile when the signal comes
    busy_port: bool = False  # the test holds FUNCTION_PORT: make local must refuse to start, naming it


@dataclass
class Run:
    process: subprocess.Popen
    marker: str
    lines: list[str] = field(default_factory=list)  # "out: ..." / "err: ..."
    cond: threading.Condition = field(default_factory=threading.Condition)

    open_streams: int = 2

    def read(self, stream, tag: str, verbose: bool) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace").rstrip("\n")
            if verbose:
                print(f"      {tag}: {line}", flush=True)
            with self.cond:
                self.lines.append(f"{tag}: {line}")
                self.cond.notify_all()
        with self.cond:
            self.open_streams -= 1
            self.cond.notify_all()

    def wait_line(self, pattern: str, timeout: float) -> str | None:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines:
                    if regex.search(line):
                        return line
                if self.process.poll() is not None:
                    # make has exited: what it printed last is read within moments (unless something left
                    # behind still holds its pipes, which the caller reports).
                    deadline = min(deadline, time.monotonic() + 2)
                left = deadline - time.monotonic()
                if left <= 0 or not self.open_streams:
                    return None
                self.cond.wait(min(left, 0.5))

    def value(self, prefix: str) -> str | None:
        with self.cond:
            for line in self.lines:
                if line.startswith(f"out: {prefix}"):
                    return line[len(f"out: {prefix}") :].strip()
        return None

    def tail(self, count: int = 40) -> str:
        with self.cond:
            return "\n".join(f"    {line}" for line in self.lines[-count:])


def start_run(marker: str, tmpdir: Path, ports: dict[str, int], verbose: bool) -> Run:
    env = dict(os.environ)
    env.update({name: str(port) for name, port in ports.items()})
    # LC_ALL=C: make's messages, which tell how its recipe ended, in English.
    env.update({MARKER: marker, "TMPDIR": str(tmpdir), "LOG_LEVEL": "info", "LC_ALL": "C"})
    env.pop("MAKEFLAGS", None)  # run as a user would, not as a sub-make of `make test`
    env.pop("MAKELEVEL", None)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "local"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # what `setsid make local` does: make leads its own session and group
    )
    run = Run(process, marker)
    for stream, tag in ((process.stdout, "out"), (process.stderr, "err")):
        threading.Thread(target=run.read, args=(stream, tag, verbose), daemon=True).start()
    return run


def local_sh_pid(run: Run) -> int | None:
    for info in marked_processes(run.marker):
        if info["ppid"] == run.process.pid and "scripts/local.sh" in info["cmd"]:
            return info["pid"]
    return None


def send_stop(run: Run, how: str) -> None:
    group = run.process.pid
    if how == "TERM-SCRIPT":
        deadline = time.monotonic() + 10
        while (pid := local_sh_pid(run)) is None and time.monotonic() < deadline and run.process.poll() is None:
            time.sleep(0.05)
        if pid is None:
            raise AssertionError("could not find local.sh to signal it alone")
        os.kill(pid, signal.SIGTERM)
        return
    names = how.split("-")
    for index, name in enumerate(names):
        if index:
            time.sleep(0.1)
        try:
            os.killpg(group, getattr(signal, f"SIG{name}"))
        except ProcessLookupError:
            pass


def http(method: str, url: str, body: dict | None = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def exercise(run: Run) -> None:
    """What a developer does with the stack: start a chat, load the demo page."""
    function_url = run.value("Listening:")
    demo_url = run.value("Demo:")
    status, body = http("POST", function_url, {"ParticipantDetails": {"DisplayName": "Stop Test"}})
    if status != 200 or b"ParticipantToken" not in body:
        raise AssertionError(f"POST {function_url}: {status} {body[:300]!r}")
    if demo_url:
        status, body = http("GET", demo_url)
        if status != 200 or b"<html" not in body.lower():
            raise AssertionError(f"GET {demo_url}: {status}")


def url_port(url: str | None) -> int | None:
    match = re.match(r"https?://[^/:]+:(\d+)", url or "")
    return int(match.group(1)) if match else None


def run_cycle(index: int, cycle: Cycle, test_id: str, tmpdir: Path, fixed: list[int], first: bool, verbose: bool) -> list[str]:
    """One start and stop. Returns the failures found (empty when clean)."""
    failures: list[str] = []
    marker = f"{test_id}-{index}"
    ports = dict(zip(PORT_NAMES, fixed)) if cycle.fixed_ports else {name: 0 for name in PORT_NAMES}
    holder = None
    if cycle.busy_port:
        holder = socket.socket()
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", ports["FUNCTION_PORT"]))
        holder.listen()
    # The ports this run may have listened on (not the one the test holds itself).
    used_ports = {p for name, p in ports.items() if p and not (cycle.busy_port and name == "FUNCTION_PORT")}
    snapshot: list[dict] = []
    startup = 0.0
    signalled = False
    if cycle.touch:
        os.utime(REPO / "src" / "lib.rs")
    started = time.monotonic()
    run = start_run(marker, tmpdir, ports, verbose)
    try:
        if cycle.busy_port:
            try:
                code = run.process.wait(timeout=REFUSAL_TIMEOUT)
            except subprocess.TimeoutExpired:
                code = None
                send_stop(run, "TERM")
            expected = re.compile(
                rf"port {ports['FUNCTION_PORT']} \(FUNCTION_PORT\) is already in use by pid {os.getpid()} \(python3?[^)]*\)"
                r".*FUNCTION_PORT=0"
            )
            if code in (None, 0) or not run.wait_line(expected.pattern, 5):
                failures.append(f"a busy FUNCTION_PORT was not refused with a clear message (exit {code}):\n{run.tail()}")
        else:
            if cycle.stop_at == "spawned":
                time.sleep(0.3)
            else:
                pattern = r"^out: Demo: " if cycle.stop_at == "ready" else cycle.stop_at
                timeout = FIRST_START_TIMEOUT if first else START_TIMEOUT
                if not run.wait_line(pattern, timeout):
                    if run.process.poll() is not None or cycle.stop_at == "ready":
                        failures.append(f"make local did not reach {pattern!r} (exit {run.process.poll()}):\n{run.tail()}")
                time.sleep(cycle.delay)
            if cycle.stop_at == "ready" and not failures:
                startup = time.monotonic() - started
                snapshot = marked_processes(marker)
                used_ports |= {p for p in (url_port(run.value("Listening:")), url_port(run.value("Participant endpoint:")), url_port(run.value("Demo:"))) if p}
                used_ports |= ports_of([p["pid"] for p in snapshot])
                emulator = run.wait_line(r"^err: \[emulator\] Connect emulator listening: ", 1)
                used_ports |= {p for p in [url_port(emulator.split(": ", 2)[-1] if emulator else None)] if p}
                # The marker must reach every process, or this test would prove nothing.
                for expected in ("connect-emulator", "cargo-lambda", "demo-server.py", "/start-chat"):
                    if not any(expected in p["cmd"] for p in snapshot):
                        failures.append(f"no {expected} among the run's processes:\n{describe(snapshot)}")
                try:
                    exercise(run)
                except Exception as error:  # noqa: BLE001 - reported as a failure of this cycle
                    failures.append(f"requests failed: {error}")
            else:
                startup = time.monotonic() - started
                snapshot = marked_processes(marker)
                used_ports |= ports_of([p["pid"] for p in snapshot])
            if run.process.poll() is None:
                send_stop(run, cycle.signal)
                signalled = True
        stop_started = time.monotonic()
        try:
            code = run.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            code = None
            failures.append(f"make local still running {STOP_TIMEOUT} s after {cycle.signal}:\n{describe(marked_processes(marker))}")
        stopped = time.monotonic() - stop_started

        if signalled and code is not None:
            first_signal = cycle.signal.split("-")[0]
            want = 2 if cycle.signal == "TERM-SCRIPT" else -getattr(signal, f"SIG{first_signal}")
            if code != want:
                failures.append(f"make local exited with {code}, expected {want}")
            # local.sh itself must end by the signal (a shell then reports 128 + n), as make tells.
            ran = run.wait_line(r"^err: local: ", 0)
            word = MAKE_SIGNAL_WORDS[first_signal]
            if ran and not run.wait_line(rf"^err: make: \*\*\* .*\] {word}$", 1):
                failures.append(f"scripts/local.sh did not end by SIG{first_signal} (make says {word!r} then)")

        # Nothing of the run may outlive make: checked at once (local.sh waits for everything it started).
        left = leftovers(marker, snapshot, used_ports, tmpdir)
        if any(left):
            time.sleep(LEFTOVER_GRACE)
            later = leftovers(marker, snapshot, used_ports, tmpdir)
            when = "still there" if any(later) else "gone"
            procs, ports_left, files = left
            if procs:
                failures.append(f"processes left when make local exited ({when} {LEFTOVER_GRACE} s later):\n{describe(procs)}")
            if ports_left:
                failures.append(f"ports still listening when make local exited ({when} {LEFTOVER_GRACE} s later): {ports_left}")
            if files:
                failures.append(f"left in TMPDIR ({tmpdir}) when make local exited ({when} {LEFTOVER_GRACE} s later): {files}")
        if failures and not verbose:
            failures.append(f"output of the run (last lines):\n{run.tail()}")
        status = "ok" if not failures else "FAILED"
        compiling = sum("rustc" in p["cmd"].split(" ")[0] for p in snapshot)
        state = f", {compiling} rustc running" if compiling else ""
        exit_text = f"exit {code}" if code is None or code >= 0 else f"killed by {signal.Signals(-code).name}"
        print(
            f"  cycle {index + 1:2}: {cycle.name:<38} {status:6} up {startup:5.1f} s, stopped in {stopped:4.1f} s ({exit_text}{state})",
            flush=True,
        )
        return failures
    finally:
        if holder:
            holder.close()
        # Whatever happened, leave nothing behind for the next cycle.
        if run.process.poll() is None:
            try:
                os.killpg(run.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        kill_marked(marker)
        for entry in tmpdir.iterdir():
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)


def leftovers(marker: str, snapshot: list[dict], used_ports: set[int], tmpdir: Path) -> tuple[list, list, list]:
    """What is left of a run: its processes (by marker, or from the snapshot), listening ports, files."""
    procs = marked_processes(marker)
    seen = {p["pid"] for p in procs}
    procs += [p for p in snapshot if p["pid"] not in seen and alive(p)]
    return procs, sorted(used_ports & listening_ports()), sorted(os.listdir(tmpdir))


def kill_marked(value: str, prefix: bool = False) -> None:
    for info in marked_processes(value, prefix):
        try:
            os.kill(info["pid"], signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def plan(full_cycles: int) -> list[Cycle]:
    """TERM and INT to the group alternate; ports are 0 in pairs of cycles and fixed in the next pair, so a
    fixed-port run follows a fixed-port run (where a leftover holding a port fails the start). Other signals
    and moments are interleaved."""
    cycles = []
    for i in range(full_cycles):
        sig = "TERM" if i % 2 == 0 else "INT"
        fixed = (i // 2) % 2 == 1
        cycles.append(Cycle(f"{sig} to the group, {'fixed' if fixed else 'port 0'}", sig, fixed))
    extras = [
        Cycle("TERM to the group just after start", "TERM", True, stop_at="spawned"),
        Cycle("INT to the group, cargo build compiling", "INT", True, stop_at=r"^err: local: building", delay=1.5, touch=True),
        Cycle("TERM to local.sh alone, emulator up", "TERM-SCRIPT", True, stop_at=r"^err: \[emulator\] Participant endpoint"),
        Cycle("HUP to the group, function starting", "HUP", True, stop_at=r"^err: \[function\].*starting lambda function"),
        Cycle("TERM to the group, function compiling", "TERM", True, stop_at=r"^err: \[function\].*starting lambda function", delay=1, touch=True),
        Cycle("TERM twice to the group, demo starting", "TERM-TERM", True, stop_at=r"^out: Listening: "),
        Cycle("TERM to local.sh alone, ready", "TERM-SCRIPT", True),
        Cycle("INT twice to the group, ready", "INT-INT", True),
        Cycle("HUP to the group, ready", "HUP", False),
        Cycle("FUNCTION_PORT busy: refused", "TERM", True, busy_port=True),
    ]
    # One extra after every few regular cycles, and the rest at the end.
    result = []
    for i, cycle in enumerate(cycles):
        result.append(cycle)
        if i % 3 == 2 and extras:
            result.append(extras.pop(0))
    return result + extras


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=20, help="regular start/stop cycles (TERM/INT alternating), default 20")
    parser.add_argument("--verbose", action="store_true", help="show every line make local prints")
    args = parser.parse_args()

    test_id = uuid.uuid4().hex[:12]
    tmpdir = Path(tempfile.mkdtemp(prefix="start-chat-stop-test."))
    fixed = free_ports(len(PORT_NAMES))

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    # Own handlers, also for INT: a signal this process ignores (a background job's INT) would stay ignored in make.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupted)
    cycles = plan(args.cycles)
    print(f"make local stop test: {len(cycles)} cycles, fixed ports {fixed}, TMPDIR {tmpdir}", flush=True)
    started = time.monotonic()
    failed = 0
    try:
        for index, cycle in enumerate(cycles):
            failures = run_cycle(index, cycle, test_id, tmpdir, fixed, index == 0, args.verbose)
            if failures:
                failed += 1
                for failure in failures:
                    print("    " + failure.replace("\n", "\n    "), flush=True)
    except KeyboardInterrupt as interruption:
        print(f"interrupted ({interruption}): stopping what is left", flush=True)
        return 130
    finally:
        kill_marked(test_id, prefix=True)
        shutil.rmtree(tmpdir, ignore_errors=True)
    print(f"{len(cycles) - failed} of {len(cycles)} cycles clean in {time.monotonic() - started:.0f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
