#!/usr/bin/env python3
"""Ports for scripts/local.sh (standard library only, Linux /proc for the holder's name).

  local-ports.py resolve NAME=PORT...  prints the ports in order, each 0 replaced by a free one; a fixed
                                        port already in use fails with a message naming its holder
  local-ports.py explain NAME=PORT...  prints that message for each of these ports now in use (used when a
                                        server stopped early: another process may have taken its port)
"""

import errno
import os
import socket
import sys

# Set on every process `make local` starts (scripts/local.sh): marks a leftover of an earlier run.
RUN_MARKER = b"START_CHAT_LOCAL_RUN="


def listening_inodes(port: int) -> set:
    """Socket inodes listening on the port (IPv4 and IPv6), from /proc/net/tcp*."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as lines:
                next(lines, None)
                for line in lines:
                    cols = line.split()
                    if len(cols) > 9 and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(cols[9])
        except OSError:
            continue
    return inodes


def holder(port: int) -> str:
    """' by pid 1234 (cargo-lambda ...)' when this user can see the listening process, else ''."""
    targets = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    if not targets:
        return ""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") not in targets:
                    continue
            except OSError:
                continue
            return f" by pid {pid} ({command(pid)})"
    return " by a process of another user"


def command(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as raw:
            argv = [arg.decode(errors="replace") for arg in raw.read().split(b"\0") if arg]
    except OSError:
        argv = []
    if not argv:
        return "?"
    # The program and what it runs, not its options: "cargo-lambda lambda watch", "python3 -m http.server".
    words = [os.path.basename(argv[0])]
    for arg in argv[1:4]:
        if arg.startswith("--"):
            break
        words.append(arg)
    text = " ".join(" ".join(words).split())
    if len(text) > 60:
        text = text[:59] + "…"
    try:
        with open(f"/proc/{pid}/environ", "rb") as raw:
            if any(var.startswith(RUN_MARKER) for var in raw.read().split(b"\0")):
                text += ", left by an earlier make local"
    except OSError:
        pass
    return text


def bind(port: int) -> socket.socket:
    """A socket bound to 127.0.0.1:port as the servers bind it (SO_REUSEADDR: TIME_WAIT is no conflict)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


def busy_message(name: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"local: port {port} ({name}) is already in use{holder(port)}: stop it or set {name}=0"
    return f"local: port {port} ({name}): {error.strerror}: choose another or set {name}=0"


def parse(args: list) -> list:
    pairs = []
    for arg in args:
        name, _, value = arg.partition("=")
        if not value.isdigit() or int(value) > 65535:
            sys.exit(f"local: {name}={value!r} is not a port number (0 picks a free one)")
        pairs.append((name, int(value)))
    return pairs


def resolve(pairs: list) -> int:
    held, failed = [], False
    try:
        for index, (name, port) in enumerate(pairs):
            if not port:
                continue
            same = [other for other, value in pairs[:index] if value == port]
            if same:
                print(f"local: {same[0]} and {name} are both {port}: give each its own port", file=sys.stderr)
                failed = True
                continue
            try:
                held.append(bind(port))
            except OSError as error:
                print(busy_message(name, port, error), file=sys.stderr)
                failed = True
        if failed:
            return 1
        # Free ports picked while the fixed ones are held, so none is picked twice.
        ports = []
        for _, port in pairs:
            if not port:
                held.append(bind(0))
                port = held[-1].getsockname()[1]
            ports.append(str(port))
        print(" ".join(ports))
        return 0
    finally:
        for sock in held:
            sock.close()


def explain(pairs: list) -> int:
    for name, port in pairs:
        try:
            bind(port).close()
        except OSError as error:
            print(busy_message(name, port, error), file=sys.stderr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("resolve", "explain"):
        sys.exit(__doc__)
    sys.exit((resolve if sys.argv[1] == "resolve" else explain)(parse(sys.argv[2:])))
