#!/usr/bin/env python3
"""A delayed link between two network namespaces: user-space `netem delay` over two TUN devices.

This kernel has no netem qdisc (CONFIG_NET_SCH_NETEM unset, no modules), so the delay is made here:
one TUN device in each namespace, point to point, and this forwarder copies every IP packet the
kernel of one namespace sends into its TUN to the other namespace's TUN, `delay` later. The TCP
handshake, retransmission timers and ACKs are the kernels' own, as on a real link.

  forward  --ns-a NS --dev-a DEV --ns-b NS --dev-b DEV --delay-ab MS --delay-ba MS --pcap FILE
           --ready FILE [--max-seconds S] [--queue N]
      Creates DEV in NS (non-persistent: it disappears with this process), signals readiness by
      creating FILE, then forwards until SIGTERM/SIGINT or S seconds. Every packet goes into FILE
      (pcap, raw IP) stamped as seen on side A (A's egress when read, A's ingress when delivered):
      a capture on the device's own interface.
  ping     --addr IP [--count N]
      ICMP echo through the link (raw socket; run inside a namespace): prints min/median/max ms.
  analyze  --pcap FILE --client IP [--rtt-ms MS]
      One JSON line per TCP connection, in order of their SYNs: packets, IP bytes and TCP payload
      (TLS) bytes each way, TLS bytes of the handshake, the server flights the client waited for
      before it sent application data (round trips: TCP's SYN-ACK is the first), and times.

Standard library only. Delay only: no loss, reordering, jitter or bandwidth limit.
"""
import argparse
import ctypes
import fcntl
import heapq
import json
import os
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
MTU = 1500


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns(%s): %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def open_tun(ns, dev):
    """A new TUN device `dev` in namespace `ns` (the device belongs to the namespace the opener is in)."""
    setns("/run/netns/" + ns)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", dev.encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb")
        # pcap v2.4, microseconds, snaplen 65535, LINKTYPE_RAW (101): IPv4/IPv6 without link header.
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))

    def write(self, t, data):
        sec = int(t)
        self.f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(data), len(data)))
        self.f.write(data)

    def close(self):
        self.f.close()


def forward(a):
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    fd_a = open_tun(a.ns_a, a.dev_a)
    fd_b = open_tun(a.ns_b, a.dev_b)
    setns("/proc/self/fd/%d" % home)  # back: the capture file is written where we started
    os.close(home)
    pcap = Pcap(a.pcap)
    stop = []
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.append(1))
    delay = {fd_a: a.delay_ab / 1000.0, fd_b: a.delay_ba / 1000.0}
    peer = {fd_a: fd_b, fd_b: fd_a}
    queue = []  # (due, sequence, destination fd, packet): a bounded heap
    seq = dropped = forwarded = 0
    open(a.ready, "w").close()
    deadline = time.monotonic() + a.max_seconds
    # Wall-clock stamps for the capture, monotonic time for the schedule.
    wall0, mono0 = time.time(), time.monotonic()
    while not stop and time.monotonic() < deadline:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            due, _, dst, pkt = heapq.heappop(queue)
            try:
                os.write(dst, pkt)
                forwarded += 1
            except OSError:
                dropped += 1  # the receiving device is down: a lost packet, as on a link
            if dst == fd_a:
                pcap.write(wall0 + (time.monotonic() - mono0), pkt)
        timeout = min(max(queue[0][0] - time.monotonic(), 0), 0.2) if queue else 0.2
        try:
            ready, _, _ = select.select([fd_a, fd_b], [], [], timeout)
        except InterruptedError:
            continue
        for fd in ready:
            for _ in range(64):  # bounded per wake-up
                try:
                    pkt = os.read(fd, MTU + 64)
                except (BlockingIOError, InterruptedError):
                    break
                t = time.monotonic()
                if fd == fd_a:
                    pcap.write(wall0 + (t - mono0), pkt)
                if len(queue) >= a.queue:
                    dropped += 1
                    continue
                seq += 1
                heapq.heappush(queue, (t + delay[fd], seq, peer[fd], pkt))
    pcap.close()
    print("forwarder: %d packets forwarded, %d dropped" % (forwarded, dropped), file=sys.stderr)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping(a):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    rtts = []
    for n in range(a.count):
        body = struct.pack("!d", time.monotonic()) + b"qlssl-link"
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, n)
        pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + body), ident, n) + body
        sent = time.monotonic()
        sock.sendto(pkt, (a.addr, 0))
        end = sent + 2.0
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([sock], [], [], left)
            if not r:
                break
            data = sock.recv(2048)
            ihl = (data[0] & 15) * 4
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if typ == 0 and rid == ident and rseq == n:
                rtts.append((time.monotonic() - sent) * 1000)
                break
        time.sleep(0.05)
    if not rtts:
        print("ping %s: no answer" % a.addr)
        sys.exit(1)
    mid = sorted(rtts)[len(rtts) // 2]
    print("ping %s: %d/%d answered, rtt min/median/max %.1f/%.1f/%.1f ms (%s)"
          % (a.addr, len(rtts), a.count, min(rtts), mid, max(rtts), " ".join("%.1f" % r for r in rtts)))


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    off, out = 24, []
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append((sec + usec / 1e6, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out


def analyze(a):
    conns = {}
    for t, pkt in read_pcap(a.pcap):
        if len(pkt) < 20 or pkt[0] >> 4 != 4 or pkt[9] != 6:
            continue
        ihl = (pkt[0] & 15) * 4
        total = struct.unpack("!H", pkt[2:4])[0]
        src, dst = socket.inet_ntoa(pkt[12:16]), socket.inet_ntoa(pkt[16:20])
        sport, dport, seqno = struct.unpack("!HHI", pkt[ihl:ihl + 8])
        doff = (pkt[ihl + 12] >> 4) * 4
        flags = pkt[ihl + 13]
        payload = pkt[ihl + doff:total]
        up = src == a.client
        key = (sport, dport) if up else (dport, sport)
        c = conns.setdefault(key, {"first": t, "pkts": []})
        c["pkts"].append((t, up, total, flags, seqno, payload))
    rows = []
    for key, c in sorted(conns.items(), key=lambda kv: kv[1]["first"]):
        rows.append(connection(key, c["pkts"], a.rtt_ms))
    for r in rows:
        print(json.dumps(r))


def connection(key, pkts, rtt_ms):
    """Counts for one TCP connection, from the client's side of the link."""
    SYN, FIN = 0x02, 0x01
    stream = {True: {"isn": None, "buf": b"", "next": None}, False: {"isn": None, "buf": b"", "next": None}}
    r = {"client_port": key[0], "packets_up": 0, "packets_down": 0, "ip_bytes_up": 0, "ip_bytes_down": 0,
         "tls_bytes_up": 0, "tls_bytes_down": 0, "handshake_tls_bytes_up": 0, "handshake_tls_bytes_down": 0,
         "handshake_ip_bytes_up": 0, "handshake_ip_bytes_down": 0}
    flights_down = 0        # server flights (SYN or payload) before the client's first application data
    last_dir = None         # direction of the last packet with SYN or payload
    app_data_at = None
    t0 = pkts[0][0]
    for t, up, total, flags, seqno, payload in pkts:
        side = "up" if up else "down"
        r["packets_" + side] += 1
        r["ip_bytes_" + side] += total
        before = app_data_at is None
        types = []  # the TLS records that start in this packet
        s = stream[up]
        if flags & SYN:
            s["next"] = (seqno + 1) & 0xFFFFFFFF
        elif payload and s["next"] is not None and seqno == s["next"]:
            # In order (the link neither loses nor reorders; a retransmission is not counted twice).
            s["next"] = (seqno + len(payload)) & 0xFFFFFFFF
            r["tls_bytes_" + side] += len(payload)
            s["buf"] += payload
            # The TLS records that start in this packet.
            while len(s["buf"]) >= 5:
                ctype, _, length = struct.unpack("!BHH", s["buf"][:5])
                if len(s["buf"]) < 5 + length:
                    break
                s["buf"] = s["buf"][5 + length:]
                types.append(ctype)
                if ctype == 23 and up and app_data_at is None:
                    app_data_at = t
                if ctype != 23 and app_data_at is None:
                    r["handshake_tls_bytes_" + side] += 5 + length
        # Bytes to established: every packet before the client's first application data, and that
        # packet too if it also carries handshake records.
        if before and (app_data_at is None or any(t != 23 for t in types)):
            r["handshake_ip_bytes_" + side] += total
        if (flags & SYN or payload) and app_data_at is None:
            if not up and last_dir != "down":
                flights_down += 1
            last_dir = side
    r["round_trips"] = flights_down                 # TCP's SYN-ACK included
    r["tls_round_trips"] = max(flights_down - 1, 0)
    r["ms_to_first_app_data"] = round((app_data_at - t0) * 1000, 1) if app_data_at else None
    if rtt_ms and app_data_at:
        r["rtt_by_time"] = round((app_data_at - t0) * 1000 / rtt_ms, 2)
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("forward")
    for n in ("ns-a", "dev-a", "ns-b", "dev-b", "pcap", "ready"):
        f.add_argument("--" + n, required=True)
    f.add_argument("--delay-ab", type=float, required=True, help="ms, A to B")
    f.add_argument("--delay-ba", type=float, required=True, help="ms, B to A")
    f.add_argument("--max-seconds", type=float, default=600)
    f.add_argument("--queue", type=int, default=4096, help="packets in flight at most")
    g = sub.add_parser("ping")
    g.add_argument("--addr", required=True)
    g.add_argument("--count", type=int, default=5)
    n = sub.add_parser("analyze")
    n.add_argument("--pcap", required=True)
    n.add_argument("--client", required=True)
    n.add_argument("--rtt-ms", type=float)
    a = p.parse_args()
    {"forward": forward, "ping": ping, "analyze": analyze}[a.cmd](a)


if __name__ == "__main__":
    main()
