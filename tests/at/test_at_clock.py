#!/usr/bin/env python3
"""qlssl-at: the module clock (AT+CCLK) and AT+QSSLCLOSE's close timeout, over a real pty against
qlssl-server and a Python ssl server on loopback. Judged by the +QSSLOPEN result code, the
server's handshake count, and measured close times.

    tests/at/test_at_clock.py [-k SUBSTRING]      (scripts/at_tests.sh builds and runs it)
"""

import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atlib import cme, run_suite  # noqa: E402
from test_at import Ctx, open_ok, upload  # noqa: E402

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


# --------------------------------------------------------------------------- dated certificates


def certtool(work, template, args):
    tmpl = os.path.join(work, "tmpl.cfg")
    with open(tmpl, "w") as f:
        f.write(template)
    subprocess.run(["certtool"] + args + ["--template", tmpl], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=dict(os.environ, TZ="UTC"), timeout=60)


def dated_pki(pki, work):
    """A root valid 2015..2060 (so that it holds at every module time the tests set) and two
    localhost leaves it signs: `past` valid only in 2020, `future` valid only in 2040. The leaves
    reuse gen_pki.sh's server key. Returns {name: (cert, key)} and the CA path."""
    ca_key, ca = os.path.join(work, "dated_ca.key"), os.path.join(work, "dated_ca.pem")
    subprocess.run(["certtool", "--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", ca_key],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    certtool(work, 'cn = "qlssl dated test root"\nca\ncert_signing_key\n'
             'activation_date = "2015-01-01 00:00:00"\nexpiration_date = "2060-01-01 00:00:00"\n',
             ["--generate-self-signed", "--load-privkey", ca_key, "--outfile", ca])
    key = os.path.join(pki, "server.key")
    leaves = {}
    for name, (start, end) in {"past": ("2020-01-01", "2021-01-01"), "future": ("2040-01-01", "2041-01-01")}.items():
        out = os.path.join(work, "%s.pem" % name)
        certtool(work, 'cn = localhost\ndns_name = localhost\nip_address = 127.0.0.1\ntls_www_server\n'
                 'signing_key\nencryption_key\nactivation_date = "%s 00:00:00"\nexpiration_date = "%s 00:00:00"\n'
                 % (start, end),
                 ["--generate-certificate", "--load-privkey", key, "--load-ca-certificate", ca,
                  "--load-ca-privkey", ca_key, "--outfile", out])
        leaves[name] = (out, key)
    return leaves, ca


def open_code(c, ctx, cid, port):
    c.ok('AT+QSSLOPEN=1,%d,%d,"localhost",%d,0' % (ctx, cid, port))
    code = c.wait_urc(lambda u: u[0] == "open" and u[1] == cid, 20)[2]
    if code == 0:
        c.ok("AT+QSSLCLOSE=%d,0" % cid)
    return code


@test
def cclk_drives_certificate_validity_with_ignorelocaltime_0(t):
    leaves, ca = dated_pki(t.pki, t.work)
    m, c = t.client()
    c.ok("AT+QIACT=1")
    upload(c, "dated_ca.pem", open(ca, "rb").read())
    for ctx in (1, 2):
        c.ok('AT+QSSLCFG="seclevel",%d,1' % ctx)
        c.ok('AT+QSSLCFG="cacert",%d,"UFS:dated_ca.pem"' % ctx)
        c.ok('AT+QSSLCFG="sni",%d,1' % ctx)
    c.ok('AT+QSSLCFG="ignorelocaltime",1,0')
    c.ok('AT+QSSLCFG="ignorelocaltime",2,1')
    host_now = time.strftime("%y/%m/%d,%H:%M:%S+00", time.gmtime())
    expected = {}
    for name, (cert, key) in leaves.items():
        # The server with the dated leaf in place of gen_pki.sh's.
        d = os.path.join(t.work, name + "_pki")
        os.makedirs(d, exist_ok=True)
        shutil.copy(cert, os.path.join(d, "server.pem"))
        shutil.copy(key, os.path.join(d, "server.key"))
        srv = t.peers.qlssl_server(d, name=name)
        port = srv.ports["https"]
        inside = "20/06/01,12:00:00+00" if name == "past" else "40/06/01,12:00:00+00"
        outside = "40/06/01,12:00:00+00" if name == "past" else "20/06/01,12:00:00+00"
        results = []
        # ignorelocaltime 0: the module clock decides.
        for clock in (host_now, inside, outside, host_now):
            c.ok('AT+CCLK="%s"' % clock)
            results.append(("ilt0", clock, open_code(c, 1, 0, port)))
        # ignorelocaltime 1: the period is not checked, whatever the clock says.
        for clock in (host_now, outside):
            c.ok('AT+CCLK="%s"' % clock)
            results.append(("ilt1", clock, open_code(c, 2, 0, port)))
        codes = [r[2] for r in results]
        assert codes == [579, 0, 579, 579, 0, 0], (name, results)
        # The refusals are verification failures, reported as such.
        c.ok('AT+CCLK="%s"' % outside)
        assert open_code(c, 1, 0, port) == 579
        assert c.ok("AT+QIGETERROR") == [b"+QIGETERROR: 579,SSL handshake fail"]
        st = srv.stats()
        # Evidence on the server side: exactly the three accepted opens completed a handshake.
        assert st.get("https_handshakes") == 3 and st.get("https_accepted", 0) == 7, (name, st)
        expected[name] = (codes, st.get("https_handshakes"), st.get("https_accepted"))
    print("  clock evidence:", expected)


@test
def cclk_read_reports_the_set_time(t):
    m, c = t.client()
    c.ok('AT+CCLK="20/06/01,12:00:00+00"')
    (line,) = c.ok("AT+CCLK?")
    assert line.startswith(b'+CCLK: "20/06/01,12:00:0'), line
    # A zone is folded into UTC: 14:00 at +08 (8 quarter hours = 2 h) is 12:00 UTC.
    c.ok('AT+CCLK="20/06/01,14:00:00+08"')
    (line,) = c.ok("AT+CCLK?")
    assert line.startswith(b'+CCLK: "20/06/01,12:00:0'), line
    assert cme(c.cmd('AT+CCLK="20/13/01,12:00:00+00"')[0]) is not None


# --------------------------------------------------------------------------- AT+QSSLCLOSE timeout


class TlsPeer:
    """A Python ssl server on loopback: serves one connection at a time, reads until the client's
    close_notify, then either answers it at once (`polite`: close_notify + TCP close) or stalls
    (keeps the connection open and silent until stop()). Records what it saw."""

    def __init__(self, pki, polite, greet_after=None):
        self.polite, self.greet_after = polite, greet_after
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(os.path.join(pki, "server.pem"), os.path.join(pki, "server.key"))
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(4)
        self.lsock.settimeout(0.2)
        self.port = self.lsock.getsockname()[1]
        self.stop_ev = threading.Event()
        self.handshakes = 0
        self.close_notifies = 0
        self.answered = 0
        self.lock = threading.Lock()
        self.handlers = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        deadline = time.time() + 120
        while not self.stop_ev.is_set() and time.time() < deadline:
            try:
                raw, _ = self.lsock.accept()
            except socket.timeout:
                continue
            h = threading.Thread(target=self.serve, args=(raw,), daemon=True)
            self.handlers.append(h)
            h.start()

    def serve(self, raw):
        raw.settimeout(10)
        try:
            conn = self.ctx.wrap_socket(raw, server_side=True)
            with self.lock:
                self.handshakes += 1
            if self.greet_after is not None:
                # Speak first, later, then close: events for a host that may not be there.
                time.sleep(self.greet_after)
                conn.sendall(b"hello")
                with self.lock:
                    self.answered += 1
                conn.close()  # TCP close (no close_notify: unwrap would wait for the client's)
                return
            while conn.recv(4096):
                pass
            with self.lock:
                self.close_notifies += 1  # recv returned b"": the client's close_notify
            if self.polite:
                conn.unwrap()  # our close_notify
                with self.lock:
                    self.answered += 1
            else:
                self.stop_ev.wait(30)
            conn.close()
        except (OSError, ssl.SSLError):
            raw.close()

    def stop(self):
        self.stop_ev.set()
        self.thread.join(timeout=10)
        for h in self.handlers:
            h.join(timeout=10)
        self.lsock.close()


def timed_close(c, line, timeout=20):
    t0 = time.time()
    final = c.cmd(line, timeout)[0]
    return final, time.time() - t0


@test
def qsslclose_waits_for_the_peer_bounded_by_the_timeout_and_closetimemode(t):
    m, c = t.client()
    c.ok("AT+QIACT=1")
    figures = {}
    stall = TlsPeer(t.pki, polite=False)
    polite = TlsPeer(t.pki, polite=True)
    try:
        # A silent peer: the close takes the whole timeout, in seconds (closetimemode 0).
        open_ok(c, 0, 0, "127.0.0.1", stall.port)
        final, dt = timed_close(c, "AT+QSSLCLOSE=0,2")
        assert final == b"OK" and 1.9 <= dt <= 4.0, (final, dt)
        figures["stall 2 s"] = dt
        # closetimemode 1: the same number is milliseconds.
        c.ok('AT+QSSLCFG="closetimemode",0,1')
        open_ok(c, 0, 0, "127.0.0.1", stall.port)
        final, dt = timed_close(c, "AT+QSSLCLOSE=0,300")
        assert final == b"OK" and 0.28 <= dt <= 1.5, (final, dt)
        figures["stall 300 ms"] = dt
        c.ok('AT+QSSLCFG="closetimemode",0,0')
        # 0: immediate.
        open_ok(c, 0, 0, "127.0.0.1", stall.port)
        final, dt = timed_close(c, "AT+QSSLCLOSE=0,0")
        assert final == b"OK" and dt < 0.5, (final, dt)
        figures["stall 0"] = dt
        # A peer that answers: the close ends with its answer, long before the timeout (also
        # with the default timeout of 10 s).
        for line in ("AT+QSSLCLOSE=1,10", "AT+QSSLCLOSE=1"):
            open_ok(c, 0, 1, "127.0.0.1", polite.port)
            final, dt = timed_close(c, line)
            assert final == b"OK" and dt < 1.5, (line, final, dt)
            figures["polite " + line] = dt
        # The ids are free again, and no "closed" URC followed the closes.
        assert c.ok("AT+QSSLSTATE") == []
        c.drain(0.3)
        assert not [u for u in c.urcs if u[0] == "closed"], c.urcs
        assert cme(c.cmd("AT+QSSLCLOSE=0,65536")[0]) is not None
    finally:
        stall.stop()
        polite.stop()
    # Server-side evidence: every close sent close_notify; the polite peer answered both.
    assert stall.handshakes == 3 and stall.close_notifies == 3, (stall.handshakes, stall.close_notifies)
    assert polite.handshakes == 2 and polite.answered == 2, (polite.handshakes, polite.answered)
    print("  close figures (s):", {k: round(v, 3) for k, v in figures.items()})


# --------------------------------------------------------------------------- pty without a client


@test
def pty_output_while_no_client_is_dropped_not_read_by_the_next_client(t):
    peer = TlsPeer(t.pki, polite=True, greet_after=1.0)
    try:
        m = t.module()
        c = m.client()
        c.ok("ATE0")
        c.ok("AT+QIACT=1")
        open_ok(c, 0, 0, "127.0.0.1", peer.port)
        # A command whose response the client never reads: it leaves it in the device.
        c.write(b"AT+CSQ\r")
        time.sleep(0.3)
        c.close()
        # While nobody has the device open, the peer sends data and closes: the module's
        # "recv" and "closed" URCs have no reader.
        end = time.time() + 10
        while time.time() < end and peer.answered < 1:
            time.sleep(0.05)
        assert peer.answered == 1, "the peer never spoke"
        time.sleep(0.5)
        c = m.client()
        c.drain(0.5)
        assert c.buf == b"" and c.urcs == [], (c.buf, c.urcs)
        # The events did happen: the socket is closing (4) and its data is still readable.
        (state,) = c.ok("AT+QSSLSTATE=0")
        assert state.split(b",")[5] == b"4", state
        final, infos, payloads = c.cmd("AT+QSSLRECV=0,1500")
        assert final == b"OK" and payloads == [b"hello"], (final, infos, payloads)
        c.ok("AT+QSSLCLOSE=0")
        c.close()
        err = m.stderr_text()
        assert "no client on the pty" in err and "bytes of output dropped" in err, err
        log = open(m.log, "rb").read()
        assert b'+QSSLURC: \\"closed\\",0' in log or b'+QSSLURC: "closed",0' in log, log[-600:]
    finally:
        peer.stop()


def main():
    run_suite("at clock tests", TESTS, Ctx, "qlssl-at-clock-")


if __name__ == "__main__":
    main()
