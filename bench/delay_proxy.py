#!/usr/bin/env python3
"""A TCP relay on 127.0.0.1 that holds every chunk back for DELAY ms in each direction, so a client
on loopback sees what it sees on a network: the server's answer is never there yet when the client
has just sent. (This machine's kernel has no netem qdisc.) scripts/bench.sh counts the client's
system calls through it.

    delay_proxy.py SERVER_PORT DELAY_MS LIFETIME_S     prints "PORT <n>", relays until killed or
                                                       LIFETIME_S have passed
"""
import socket
import sys
import threading
import time


def pump(src, dst, delay):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            time.sleep(delay)
            dst.sendall(data)
    except OSError:
        pass
    for s in (dst, src):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(client, server_port, delay):
    try:
        upstream = socket.create_connection(("127.0.0.1", server_port))
    except OSError:
        client.close()
        return
    for s in (client, upstream):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    a = threading.Thread(target=pump, args=(client, upstream, delay), daemon=True)
    b = threading.Thread(target=pump, args=(upstream, client, delay), daemon=True)
    a.start()
    b.start()
    a.join()
    b.join()
    client.close()
    upstream.close()


def main():
    server_port, delay, lifetime = int(sys.argv[1]), float(sys.argv[2]) / 1000.0, float(sys.argv[3])
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(128)
    lsock.settimeout(1.0)
    print("PORT", lsock.getsockname()[1], flush=True)
    end = time.monotonic() + lifetime
    while time.monotonic() < end:
        try:
            c, _ = lsock.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(c, server_port, delay), daemon=True).start()


if __name__ == "__main__":
    main()
