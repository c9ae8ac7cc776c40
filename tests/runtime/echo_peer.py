#!/usr/bin/env python3
"""Loopback TCP echo peer for the runtime's socket and fault tests (tests/runtime/runtime_tests.sh).

Listens on 127.0.0.1 (a free port, written to --port-file), serves --conns connections one after
the other, echoes each one's data back until it has echoed --echoes chunks, then closes it (FIN),
and after the last connection stops listening, so a client that reconnects is refused. A
connection that the client resets or closes early counts as "cut". Every wait is bounded:
--max-seconds for the whole run, 10 s per read. --echoes 0 echoes until the client goes away
(closes or resets: the fault tests end the connection that way). At exit it writes one stats line,
"accepted=N echoed=N bytes=N cut=N completed=N", to --stats-file and stdout.
"""
import argparse
import socket
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--stats-file", required=True)
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--echoes", type=int, default=5)
    ap.add_argument("--max-seconds", type=float, default=60)
    args = ap.parse_args()

    deadline = time.monotonic() + args.max_seconds
    stats = {"accepted": 0, "echoed": 0, "bytes": 0, "cut": 0, "completed": 0}
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    with open(args.port_file, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
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
            conn.settimeout(10)
            echoes = 0
            try:
                while (args.echoes == 0 or echoes < args.echoes) and time.monotonic() < deadline:
                    data = conn.recv(4096)
                    if not data:
                        stats["cut"] += 1
                        break
                    conn.sendall(data)
                    echoes += 1
                    stats["echoed"] += 1
                    stats["bytes"] += len(data)
                else:
                    if args.echoes and echoes >= args.echoes:
                        stats["completed"] += 1
                        # orderly close: FIN, then wait (bounded) for the client's FIN
                        conn.shutdown(socket.SHUT_WR)
                        conn.settimeout(5)
                        try:
                            while conn.recv(4096):
                                pass
                        except OSError:
                            pass
            except (ConnectionResetError, socket.timeout, BrokenPipeError, OSError):
                stats["cut"] += 1
            finally:
                conn.close()
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
