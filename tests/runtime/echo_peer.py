#!/usr/bin/env python3
"""Loopback TCP echo peer for the runtime's socket and fault tests (tests/runtime/runtime_tests.sh).

Listens on 127.0.0.1 (a free port, written to --port-file), serves up to --conns connections one
after the other and echoes each one's data back. With --echoes N it closes a connection (FIN)
after N echoed chunks; with --echoes 0 it echoes until the client goes away. After the last
connection it stops listening. Every wait is bounded: --max-seconds for the whole run (SIGTERM
ends it early), 10 s per read. At exit it writes one stats line to --stats-file and stdout:
  accepted=N echoed=N bytes=N reset=N closed=N completed=N
(reset: the client's side reset the connection (RST); closed: the client closed it (FIN) before
--echoes; completed: the peer closed it after --echoes).
"""
import argparse
import signal
import socket
import sys
import time


class Stop(Exception):
    pass


def on_term(_sig, _frame):
    raise Stop()


def serve(conn, args, deadline, stats):
    conn.settimeout(10)
    echoes = 0
    while args.echoes == 0 or echoes < args.echoes:
        if time.monotonic() >= deadline:
            return
        try:
            data = conn.recv(4096)
        except ConnectionResetError:
            stats["reset"] += 1
            return
        except socket.timeout:
            continue
        if not data:
            stats["closed"] += 1
            return
        try:
            conn.sendall(data)
        except (ConnectionResetError, BrokenPipeError):
            stats["reset"] += 1
            return
        echoes += 1
        stats["echoed"] += 1
        stats["bytes"] += len(data)
    stats["completed"] += 1
    conn.shutdown(socket.SHUT_WR)
    conn.settimeout(5)
    try:
        while conn.recv(4096):
            pass
    except OSError:
        pass


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--stats-file", required=True)
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--echoes", type=int, default=5)
    ap.add_argument("--max-seconds", type=float, default=60)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, on_term)

    deadline = time.monotonic() + args.max_seconds
    stats = {"accepted": 0, "echoed": 0, "bytes": 0, "reset": 0, "closed": 0, "completed": 0}
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        for _ in range(args.conns):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            srv.settimeout(left)
            try:
                conn, _addr = srv.accept()
            except socket.timeout:
                break
            stats["accepted"] += 1
            try:
                serve(conn, args, deadline, stats)
            except OSError:
                stats["reset"] += 1
            finally:
                conn.close()
    except Stop:
        pass
    finally:
        srv.close()
        line = " ".join("%s=%d" % kv for kv in stats.items())
        with open(args.stats_file, "w") as f:
            f.write(line + "\n")
        print("echo_peer: " + line)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
