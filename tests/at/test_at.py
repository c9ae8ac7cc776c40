#!/usr/bin/env python3
"""qlssl-at end-to-end tests: pyserial over a real pty (and TCP) against qlssl-server, openssl
s_server and gnutls-serv on loopback. Judged by evidence: server-side counters, bytes received,
exact response lines.

    tests/at/test_at.py [-k SUBSTRING]      (scripts/at_tests.sh builds and runs it)
"""

import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atlib import ROOT, Module, SuiteCtx, Timeout, checksum, cme, free_port, run_suite  # noqa: E402

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Ctx(SuiteCtx):
    def module(self, **kw):
        m = Module(self.work, **kw)
        self.modules.append(m)
        return m

    def client(self, **kw):
        """A module and an AT client in ATE0 with CMEE=1 (the default)."""
        m = self.module(**kw)
        c = m.client()
        c.ok("ATE0")
        return m, c


def upload(c, name, data):
    c.write(('AT+QFUPL="%s",%d\r' % (name, len(data))).encode())
    final, _, _ = c.response(10)
    assert final == b"CONNECT", final
    c.write(data)
    final, infos, _ = c.response(10)
    assert final == b"OK", (final, infos)
    assert infos == [("+QFUPL: %d,%x" % (len(data), checksum(data))).encode()], infos


def setup_verified_ctx(c, ctx, pki, ca="ca.pem"):
    """Upload a CA with AT+QFUPL and configure `ctx` to verify the server with it."""
    c.cmd('AT+QFDEL="%s"' % ca)
    upload(c, ca, open(os.path.join(pki, ca), "rb").read())
    c.ok('AT+QSSLCFG="seclevel",%d,1' % ctx)
    c.ok('AT+QSSLCFG="cacert",%d,"UFS:%s"' % (ctx, ca))
    c.ok('AT+QSSLCFG="sni",%d,1' % ctx)


def open_ok(c, ctx, cid, host, port, mode=0, timeout=20):
    c.ok('AT+QSSLOPEN=1,%d,%d,"%s",%d,%d' % (ctx, cid, host, port, mode))
    u = c.wait_urc(lambda u: u[0] == "open" and u[1] == cid, timeout)
    assert u[2] == 0, "open %d failed with %d" % (cid, u[2])


GET = b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"


def read_all_buffered(c, cid, timeout=15):
    """AT+QSSLRECV until the peer has closed and the buffer is empty."""
    data = b""
    deadline = time.time() + timeout
    closed = False
    while time.time() < deadline:
        final, infos, payloads = c.cmd("AT+QSSLRECV=%d,1500" % cid)
        assert final == b"OK", (final, infos)
        data += b"".join(payloads)
        if not payloads:
            closed = closed or any(u[0] == "closed" and u[1] == cid for u in c.urcs)
            if closed:
                return data
            c.drain(0.1)
    raise Timeout("no close after %r" % data[:200])


# --------------------------------------------------------------------------- 1. line handling


@test
def line_handling_like_a_modem(t):
    m = t.module()
    c = m.client()
    # Echo is on by default: the command comes back before the response.
    c.write(b"AT\r")
    assert c.read_exact(len(b"AT\r\r\nOK\r\n"), time.time() + 5) == b"AT\r\r\nOK\r\n"
    c.write(b"at\r")
    assert c.read_exact(len(b"at\r\r\nOK\r\n"), time.time() + 5) == b"at\r\r\nOK\r\n"
    c.ok("ATE0")
    c.write(b"AT\r")
    assert c.read_exact(6, time.time() + 5) == b"\r\nOK\r\n"
    assert c.ok("ATI") == [b"Quectel", b"EC200U", b"Revision: QLSSLAT_0.1.0"]
    assert c.ok("AT+CGMI") == [b"Quectel"]
    assert c.ok("AT+CGMM") == [b"EC200U"]
    assert c.ok("AT+CGMR") == [b"QLSSLAT_0.1.0"]
    assert re.match(rb"^\d{15}$", c.ok("AT+GSN")[0])
    assert c.ok("AT+CPIN?") == [b"+CPIN: READY"]
    for reg in ("CREG", "CGREG", "CEREG"):
        assert c.ok("AT+%s?" % reg) == [("+%s: 0,1" % reg).encode()]
    assert re.match(rb"^\+CSQ: \d+,99$", c.ok("AT+CSQ")[0])
    assert c.ok("AT+CGATT?") == [b"+CGATT: 1"]
    c.ok('AT+CCLK="30/01/02,03:04:05+00"')
    got = c.ok("AT+CCLK?")[0]
    assert got.startswith(b'+CCLK: "30/01/02,03:04:0'), got
    # Chains: every command runs, one final result.
    assert c.ok("AT+CMEE=2;+CSQ;+CPIN?")[1] == b"+CPIN: READY"
    assert c.cmd("AT+CMEE?")[1] == [b"+CMEE: 2"]
    # CMEE 0/1/2 forms for the same bad parameter; unknown commands are plain ERROR.
    assert c.cmd('AT+QSSLCFG="sslversion",0,9')[0] == b"+CME ERROR: Invalid parameter"
    c.ok("AT+CMEE=0")
    assert c.cmd('AT+QSSLCFG="sslversion",0,9')[0] == b"ERROR"
    c.ok("AT+CMEE=1")
    assert c.cmd('AT+QSSLCFG="sslversion",0,9')[0] == b"+CME ERROR: 552"
    assert c.cmd("AT+NOSUCH")[0] == b"ERROR"
    assert c.cmd("ATX?")[0] == b"ERROR"
    # A chain stops at the first failure.
    final, infos, _ = c.cmd("AT+CSQ;+NOSUCH;+CPIN?")
    assert final == b"ERROR" and len(infos) == 1, (final, infos)
    # Quoted strings keep commas and semicolons.
    c.ok('AT+QICSGP=1,1,"a,b;c","u","p",1')
    assert c.ok("AT+QICSGP=1") == [b'+QICSGP: 1,"a,b;c","u","p",1']
    # Garbage and an overlong line are answered, and the module keeps working.
    c.write(b"\x00\xff\x10garbage\r")
    assert c.response()[0] == b"ERROR"
    c.write(b"AT+QSSLCFG=" + b"9" * 5000 + b"\r")
    assert c.response()[0] == b"ERROR"
    c.ok("AT")


@test
def pty_survives_client_reopen_and_tcp_front_end(t):
    m = t.module()
    c = m.client()
    c.ok("ATE0")
    c.close()
    c = m.client()
    c.drain(0.2)
    c.buf = b""
    assert c.cmd("AT")[0] == b"OK"
    c.close()
    # TCP: one independent session per connection (echo on again), a vanished client is harmless.
    mt = t.module(pty=False)
    a = mt.client()
    a.write(b"AT+QSSLSEND=0,10\r")  # refused (no socket) but harmless
    a.close()
    b = mt.client()
    b.write(b"AT\r")
    assert b.read_exact(len(b"AT\r\r\nOK\r\n"), time.time() + 5) == b"AT\r\r\nOK\r\n"
    b.close()
    log = open(m.log, "rb").read()
    assert b" < AT\\r" in log and b" > \\r\\nOK\\r\\n" in log, log[:400]


# --------------------------------------------------------------------------- 2. QSSLCFG

INT_ITEMS = [  # name, default, lo, hi
    ("sslversion", 4, 0, 4), ("dtls", 0, 0, 1), ("dtlsversion", 1, 0, 1), ("seclevel", 0, 0, 2), ("sni", 0, 0, 1),
    ("ignorelocaltime", 1, 0, 1), ("negotiatetime", 300, 10, 300), ("ignoreinvalidcertsign", 0, 0, 1),
    ("ignorecertitem", 0, 0, 1048575), ("ignoremulticertchainverify", 0, 0, 1), ("session_cache", 0, 0, 1),
    ("closetimemode", 0, 0, 1),
]


@test
def qsslcfg_every_parameter(t):
    m, c = t.client()
    test_lines = c.ok("AT+QSSLCFG=?")
    names = [re.match(rb'\+QSSLCFG: "(\w+)"', l).group(1).decode() for l in test_lines]
    for n in [i[0] for i in INT_ITEMS] + ["ciphersuite", "cacert", "cacertex", "clientcert", "clientkey"]:
        assert n in names, n
    ctx = 5  # untouched by other tests in this process
    for name, default, lo, hi in INT_ITEMS:
        assert c.ok('AT+QSSLCFG="%s",%d' % (name, ctx)) == [('+QSSLCFG: "%s",%d,%d' % (name, ctx, default)).encode()], name
        for v in (lo, hi):
            c.ok('AT+QSSLCFG="%s",%d,%d' % (name, ctx, v))
            assert c.ok('AT+QSSLCFG="%s",%d' % (name, ctx)) == [('+QSSLCFG: "%s",%d,%d' % (name, ctx, v)).encode()]
        for bad in (lo - 1, hi + 1):
            assert cme(c.cmd('AT+QSSLCFG="%s",%d,%d' % (name, ctx, bad))[0]) == 552, (name, bad)
        assert cme(c.cmd('AT+QSSLCFG="%s",6,%d' % (name, lo))[0]) == 552
        c.ok('AT+QSSLCFG="%s",%d,%d' % (name, ctx, default))
    # Cipher suites: hex with 0X or 0x, quoted or not; unknown/malformed refused.
    assert c.ok('AT+QSSLCFG="ciphersuite",%d' % ctx) == [b'+QSSLCFG: "ciphersuite",5,0XFFFF']
    c.ok('AT+QSSLCFG="ciphersuite",5,0xc02f')
    assert c.ok('AT+QSSLCFG="ciphersuite",5') == [b'+QSSLCFG: "ciphersuite",5,0XC02F']
    c.ok('AT+QSSLCFG="ciphersuite",5,"0X0035"')
    assert c.ok('AT+QSSLCFG="ciphersuite",5') == [b'+QSSLCFG: "ciphersuite",5,0X0035']
    for bad in ("0035", "0xZZ", "0x12345", "0x0001"):
        assert cme(c.cmd('AT+QSSLCFG="ciphersuite",5,%s' % bad)[0]) in (552, 555), bad
    c.ok('AT+QSSLCFG="ciphersuite",5,0XFFFF')
    # Paths: stored as UFS:name whether or not the prefix was given; cacertex lists all six.
    c.ok('AT+QSSLCFG="cacert",5,"UFS:ca.pem"')
    assert c.ok('AT+QSSLCFG="cacert",5') == [b'+QSSLCFG: "cacert",5,"UFS:ca.pem"']
    c.ok('AT+QSSLCFG="cacertex",5,"other.pem"')
    assert c.ok('AT+QSSLCFG="cacert",5') == [b'+QSSLCFG: "cacert",5,"UFS:other.pem"']
    lines = c.ok('AT+QSSLCFG="cacertex"')
    assert len(lines) == 6 and lines[5] == b'+QSSLCFG: "cacertex",5,"UFS:other.pem"', lines
    assert cme(c.cmd('AT+QSSLCFG="cacert",5,"/etc/passwd"')[0]) == 552
    assert cme(c.cmd('AT+QSSLCFG="cacert",5,"../x"')[0]) == 552
    c.ok('AT+QSSLCFG="clientcert",5,"UFS:client.pem"')
    c.ok('AT+QSSLCFG="clientkey",5,"UFS:client.key"')
    assert c.ok('AT+QSSLCFG="clientcert",5') == [b'+QSSLCFG: "clientcert",5,"UFS:client.pem"']
    assert c.ok('AT+QSSLCFG="clientkey",5') == [b'+QSSLCFG: "clientkey",5,"UFS:client.key"']
    assert cme(c.cmd('AT+QSSLCFG="nosuchitem",5,1')[0]) == 552
    # The contexts are shared by every session of the process (they are the library's per-id configs).
    c.ok('AT+QSSLCFG="negotiatetime",4,77')
    c.close()
    m2 = t.module(pty=False)
    c2 = m2.client()
    c2.ok("ATE0")
    assert c2.ok('AT+QSSLCFG="negotiatetime",4') == [b'+QSSLCFG: "negotiatetime",4,300']  # another process: fresh
    c2.ok('AT+QSSLCFG="negotiatetime",4,88')
    c3 = m2.client()
    c3.ok("ATE0")
    assert c3.ok('AT+QSSLCFG="negotiatetime",4') == [b'+QSSLCFG: "negotiatetime",4,88']


# --------------------------------------------------------------------------- 3. files


@test
def files_upload_list_download_delete(t):
    m, c = t.client()
    data = os.urandom(3001)
    upload(c, "blob.bin", data)
    assert open(os.path.join(m.ufs, "blob.bin"), "rb").read() == data
    assert c.ok("AT+QFLST") == [b'+QFLST: "UFS:blob.bin",3001']
    assert c.ok('AT+QFLST="*"') == [b'+QFLST: "UFS:blob.bin",3001']
    assert c.ok('AT+QFLST="UFS:blob.bin"') == [b'+QFLST: "UFS:blob.bin",3001']
    assert cme(c.cmd('AT+QFUPL="UFS:blob.bin",10')[0]) == 407
    c.write(b'AT+QFDWL="UFS:blob.bin"\r')
    final, _, _ = c.response()
    assert final == b"CONNECT"
    got = c.read_exact(3001, time.time() + 5)
    assert got == data
    final, infos, _ = c.response()
    assert final == b"OK" and infos == [("+QFDWL: 3001,%x" % checksum(data)).encode()], infos
    c.ok('AT+QFDEL="blob.bin"')
    assert not os.path.exists(os.path.join(m.ufs, "blob.bin"))
    assert cme(c.cmd('AT+QFDEL="blob.bin"')[0]) == 405
    assert cme(c.cmd('AT+QFDWL="nothere"')[0]) == 405
    assert cme(c.cmd('AT+QFLST="nothere"')[0]) == 405
    assert cme(c.cmd('AT+QFUPL="../evil",4')[0]) == 406
    assert cme(c.cmd('AT+QFUPL="a/b",4')[0]) == 406
    # An upload that never completes times out (421) and leaves no file.
    c.write(b'AT+QFUPL="slow.bin",100,1\r')
    assert c.response()[0] == b"CONNECT"
    c.write(b"x" * 10)
    assert cme(c.response(5)[0]) == 421
    assert not os.path.exists(os.path.join(m.ufs, "slow.bin"))
    c.ok("AT")


# --------------------------------------------------------------------------- 4. PDP


@test
def pdp_commands_and_qideact_closes_sockets(t):
    srv = t.peers.qlssl_server(t.pki)
    m, c = t.client()
    assert c.ok("AT+QIACT?") == []
    assert cme(c.cmd('AT+QSSLOPEN=1,0,0,"127.0.0.1",%d,0' % srv.ports["https"])[0]) == 561
    assert c.ok("AT+QIGETERROR") == [b"+QIGETERROR: 561,Open PDP context failed"]
    c.ok('AT+QICSGP=1,1,"UNINET","","",1')
    assert c.ok("AT+QICSGP=1") == [b'+QICSGP: 1,"UNINET","","",1']
    c.ok("AT+QIACT=1")
    assert c.ok("AT+QIACT?") == [b'+QIACT: 1,1,1,"127.0.0.1"']
    assert cme(c.cmd("AT+QIACT=16")[0]) == 552
    c.ok('AT+QIDNSCFG=1,"8.8.8.8","1.1.1.1"')
    assert c.ok("AT+QIDNSCFG=1") == [b'+QIDNSCFG: 1,"8.8.8.8","1.1.1.1"']
    open_ok(c, 0, 3, "127.0.0.1", srv.ports["https"])
    assert c.ok("AT+QIGETERROR") == [b"+QIGETERROR: 0,Operation successful"]
    c.ok("AT+QIDEACT=1")
    c.wait_urc(lambda u: u == ("closed", 3))
    assert c.ok("AT+QIACT?") == []
    assert c.ok("AT+QSSLSTATE") == []
    st = srv.stats()
    assert st.get("https_handshakes", 0) == 1, st


# --------------------------------------------------------------------------- 5. buffer mode


@test
def buffer_mode_https_get_with_uploaded_ca(t):
    srv = t.peers.qlssl_server(t.pki)
    port = srv.ports["https"]
    m, c = t.client()
    c.ok("AT+QIACT=1")
    setup_verified_ctx(c, 1, t.pki)
    open_ok(c, 1, 4, "localhost", port)
    st = c.ok("AT+QSSLSTATE=4")
    fields = st[0][len(b"+QSSLSTATE: "):].split(b",")
    assert len(fields) == 11, st
    assert fields[:4] == [b"4", b'"SSLClient"', b'"localhost"', str(port).encode()], fields
    assert fields[5:] == [b"2", b"1", b"4", b"0", b'"usbmodem"', b"1"], fields
    assert c.ok("AT+QSSLSTATE") == st
    assert c.ok("AT+QSSLSTATE=1,4") == st  # the TCP manual's form
    assert cme(c.cmd('AT+QSSLOPEN=1,1,4,"localhost",%d,0' % port)[0]) == 563
    c.write(b"AT+QSSLSEND=4\r")
    c.prompt()
    c.write(GET + b"\x1a")
    assert c.response()[0] == b"SEND OK"
    c.wait_urc(lambda u: u == ("recv", 4, None))
    data = read_all_buffered(c, 4)
    assert data.startswith(b"HTTP/1.0 200"), data[:100]
    final, infos, _ = c.cmd("AT+QSSLRECV=4,0")
    assert infos == [("+QSSLRECV: %d,%d,0" % (len(data), len(data))).encode()], infos
    assert c.ok("AT+QSSLSTATE=4")[0].split(b",")[5] == b"4"  # closing
    assert cme(c.cmd("AT+QSSLSEND=4,5")[0]) == 567
    c.ok("AT+QSSLCLOSE=4")
    assert c.ok("AT+QSSLSTATE=4") == []
    assert cme(c.cmd("AT+QSSLRECV=4,10")[0]) == 572
    st = srv.stats()
    assert st.get("http_200") == 1 and st.get("https_handshakes") == 1, st


@test
def fixed_length_send_and_esc_cancel(t):
    p, port = t.peers.openssl(t.pki)
    m, c = t.client()
    c.ok("AT+QIACT=1")
    open_ok(c, 0, 0, "127.0.0.1", port)
    c.write(b"AT+QSSLSEND=0,6\r")
    c.prompt()
    c.write(b"hello\n")
    assert c.response()[0] == b"SEND OK"
    c.wait_urc(lambda u: u == ("recv", 0, None))
    final, infos, payloads = c.cmd("AT+QSSLRECV=0,1500")
    assert payloads == [b"olleh\n"], (infos, payloads)  # s_server -rev reversed what it received
    # ESC cancels: nothing is sent, 571.
    c.write(b"AT+QSSLSEND=0\r")
    c.prompt()
    c.write(b"never sent\x1b")
    assert cme(c.response()[0]) == 571
    assert c.ok("AT+QIGETERROR") == [b"+QIGETERROR: 571,Cancel send"]
    final, infos, _ = c.cmd("AT+QSSLSEND=0,0")
    assert infos == [b"+QSSLSEND: 6,6,0"], infos
    c.write(b"AT+QSSLSEND=0\r")
    c.prompt()
    c.write(b"x" * 1461 + b"\x1a")  # longer than the 1460-byte maximum
    assert cme(c.response()[0]) == 552
    c.drain(0.3)
    assert not any(u[0] == "recv" for u in c.urcs), c.urcs  # nothing reached the server
    assert cme(c.cmd("AT+QSSLSEND=0,1461")[0]) == 552
    assert cme(c.cmd("AT+QSSLSEND=12")[0]) == 552
    c.ok("AT+QSSLCLOSE=0,0")


# --------------------------------------------------------------------------- 6. direct push


@test
def direct_push_mode_https_get(t):
    srv = t.peers.qlssl_server(t.pki, extra=("--body-size", "4000"))
    m, c = t.client()
    c.ok("AT+QIACT=1")
    open_ok(c, 2, 7, "127.0.0.1", srv.ports["https"], mode=1)
    c.write(("AT+QSSLSEND=7,%d\r" % len(GET)).encode())
    c.prompt()
    c.write(GET)
    assert c.response()[0] == b"SEND OK"
    c.wait_urc(lambda u: u == ("closed", 7), 15)
    data = b"".join(u[2] for u in c.urcs if u[0] == "recv" and u[1] == 7)
    assert all(len(u[2]) <= 1500 for u in c.urcs if u[0] == "recv")
    assert data.startswith(b"HTTP/1.0 200") and len(data) >= 4000, (len(data), data[:80])
    c.ok("AT+QSSLCLOSE=7")
    assert srv.stats().get("http_200") == 1


@test
def direct_push_against_gnutls_echo(t):
    p, port = t.peers.gnutls_echo(t.pki)
    m, c = t.client()
    c.ok("AT+QIACT=1")
    open_ok(c, 2, 8, "localhost", port, mode=1)
    c.write(b"AT+QSSLSEND=8,13\r")
    c.prompt()
    c.write(b"echo me back\n")  # gnutls-serv echoes line by line
    assert c.response()[0] == b"SEND OK"
    u = c.wait_urc(lambda u: u[0] == "recv" and u[1] == 8)
    assert u[2] == b"echo me back\n", u
    c.ok("AT+QSSLCLOSE=8")


# --------------------------------------------------------------------------- 7. transparent


@test
def transparent_mode_plus_plus_plus_and_ato(t):
    p, port = t.peers.openssl(t.pki)
    m, c = t.client()
    c.ok("AT+QIACT=1")
    assert c.cmd('AT+QSSLOPEN=1,0,9,"127.0.0.1",%d,2' % port, 20)[0] == b"CONNECT"
    c.write(b"first line\n")
    assert c.read_raw_until(lambda b: b"\n" in b) == b"enil tsrif\n"
    # "+++" that is data (no guard time before it) goes to the server.
    c.write(b"a+++b\n")
    assert c.read_raw_until(lambda b: b"\n" in b) == b"b+++a\n"
    time.sleep(1.2)
    c.write(b"+++")
    t0 = time.time()
    assert c.response(5)[0] == b"OK"
    assert time.time() - t0 >= 0.9  # the guard time after +++
    st = c.ok("AT+QSSLSTATE=9")[0].split(b",")
    assert st[5] == b"2" and st[8] == b"2", st
    assert c.cmd("ATO")[0] == b"CONNECT"
    c.write(b"again\n")
    assert c.read_raw_until(lambda b: b"\n" in b) == b"niaga\n"
    # The peer goes away: NO CARRIER, back in command mode.
    p.terminate()
    assert c.response(10)[0] == b"NO CARRIER"
    assert c.cmd("ATO")[0] == b"NO CARRIER"
    c.ok("AT+QSSLCLOSE=9")


@test
def transparent_data_after_escape_is_kept_for_ato(t):
    p, port = t.peers.openssl(t.pki, extra=())  # s_server relays its stdin to the client
    m, c = t.client()
    c.ok("AT+QIACT=1")
    assert c.cmd('AT+QSSLOPEN=1,0,3,"127.0.0.1",%d,2' % port, 20)[0] == b"CONNECT"
    c.write(b"to server\n")
    time.sleep(1.2)
    c.write(b"+++")
    assert c.response(5)[0] == b"OK"
    p.stdin.write(b"late data\n")
    p.stdin.flush()
    time.sleep(0.5)
    c.drain(0.3)
    assert c.buf == b"" and not c.urcs, (c.buf, c.urcs)  # kept, not shown in command mode
    c.write(b"ATO\r")
    got = c.read_raw_until(lambda b: b"late data\n" in b)
    assert got.endswith(b"\r\nCONNECT\r\nlate data\n"), got
    time.sleep(1.2)
    c.write(b"+++")
    assert c.response(5)[0] == b"OK"
    c.ok("AT+QSSLCLOSE=3")
    p.terminate()
    out = p.communicate(timeout=10)[0]
    assert b"to server" in out, out  # the server printed what it received


@test
def urcs_are_held_while_a_prompt_is_open(t):
    p, port = t.peers.openssl(t.pki, extra=())
    m, c = t.client()
    c.ok("AT+QIACT=1")
    open_ok(c, 0, 1, "127.0.0.1", port)
    c.write(b"AT+QSSLSEND=1\r")
    c.prompt()
    p.stdin.write(b"arrives during the prompt\n")
    p.stdin.flush()
    time.sleep(0.6)
    c.drain(0.2)
    assert c.buf == b"" and not c.urcs, (c.buf, c.urcs)
    c.write(b"ping\x1a")
    # SEND OK first, the URC only after the response.
    raw = c.read_raw_until(lambda b: b'+QSSLURC: "recv",1\r\n' in b)
    assert raw == b'\r\nSEND OK\r\n\r\n+QSSLURC: "recv",1\r\n', raw
    assert c.cmd("AT+QSSLRECV=1,1500")[2] == [b"arrives during the prompt\n"]
    c.ok("AT+QSSLCLOSE=1")


@test
def transparent_mode_https_get(t):
    srv = t.peers.qlssl_server(t.pki)
    m, c = t.client()
    c.ok("AT+QIACT=1")
    assert c.cmd('AT+QSSLOPEN=1,0,1,"localhost",%d,2' % srv.ports["https"], 20)[0] == b"CONNECT"
    c.write(GET)
    data = c.read_raw_until(lambda b: b"\r\nNO CARRIER\r\n" in b, 15)
    assert data.startswith(b"HTTP/1.0 200"), data[:80]
    c.ok("AT+QSSLCLOSE=1")
    assert srv.stats().get("http_200") == 1


# --------------------------------------------------------------------------- errors 55x/579


@test
def verification_failure_is_579(t):
    srv = t.peers.qlssl_server(t.pki)
    port = srv.ports["https"]
    m, c = t.client()
    c.ok("AT+QIACT=1")
    setup_verified_ctx(c, 3, t.pki, ca="wrongca.pem")
    c.ok('AT+QSSLOPEN=1,3,2,"localhost",%d,0' % port)
    u = c.wait_urc(lambda u: u[0] == "open" and u[1] == 2)
    assert u[2] == 579, u
    assert c.ok("AT+QIGETERROR") == [b"+QIGETERROR: 579,SSL handshake fail"]
    assert c.ok("AT+QSSLSTATE=2") == []
    # Transparent mode reports it as the command's error.
    assert cme(c.cmd('AT+QSSLOPEN=1,3,2,"localhost",%d,2' % port, 20)[0]) == 579
    # Control: the right CA, same server, succeeds.
    setup_verified_ctx(c, 3, t.pki, ca="ca.pem")
    open_ok(c, 3, 2, "localhost", port)
    c.ok("AT+QSSLCLOSE=2")
    st = srv.stats()
    assert st.get("https_handshakes") == 1 and st.get("https_accepted", 0) >= 3, st


def make_client_cert(pki, work):
    """A client certificate (clientAuth) signed by the test root CA."""
    key, csr, crt, ext = (os.path.join(work, n) for n in ("client.key", "client.csr", "client.pem", "client.ext"))
    open(ext, "w").write("extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n")
    run = lambda *a: subprocess.run(a, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=qlssl-at client")
    run("openssl", "x509", "-req", "-in", csr, "-CA", os.path.join(pki, "ca.pem"), "-CAkey", os.path.join(pki, "ca.key"),
        "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext)
    return crt, key


@test
def client_certificate_from_ufs_for_a_server_that_requires_one(t):
    crt, key = make_client_cert(t.pki, t.work)
    p, port = t.peers.openssl(t.pki, extra=("-rev", "-Verify", "1", "-verify_return_error", "-CAfile",
                                            os.path.join(t.pki, "ca.pem")))
    m, c = t.client()
    c.ok("AT+QIACT=1")
    setup_verified_ctx(c, 0, t.pki)
    c.ok('AT+QSSLCFG="seclevel",0,2')
    # Without a client certificate the server refuses the handshake.
    c.ok('AT+QSSLOPEN=1,0,11,"localhost",%d,0' % port)
    assert c.wait_urc(lambda u: u[0] == "open" and u[1] == 11)[2] == 579
    upload(c, "client.pem", open(crt, "rb").read())
    upload(c, "client.key", open(key, "rb").read())
    c.ok('AT+QSSLCFG="clientcert",0,"UFS:client.pem"')
    c.ok('AT+QSSLCFG="clientkey",0,"UFS:client.key"')
    open_ok(c, 0, 11, "localhost", port)
    c.write(b"AT+QSSLSEND=11,7\r")
    c.prompt()
    c.write(b"mutual\n")
    assert c.response()[0] == b"SEND OK"
    c.wait_urc(lambda u: u == ("recv", 11, None))
    assert c.cmd("AT+QSSLRECV=11,100")[2] == [b"lautum\n"]  # the server accepted us and answered
    c.ok("AT+QSSLCLOSE=11")
    c.ok('AT+QSSLCFG="seclevel",0,0')


@test
def open_errors_tied_to_causes(t):
    m, c = t.client(map_rules="www.example.com:443=127.0.0.1:%d" % free_port())
    c.ok("AT+QIACT=1")
    closed_port = free_port()
    for host, port, want in (("127.0.0.1", closed_port, 566), ("no.such.name", 443, 565),
                             ("8.8.8.8", 443, 566), ("www.example.com", 443, 566)):
        c.ok('AT+QSSLOPEN=1,0,5,"%s",%d,0' % (host, port))
        u = c.wait_urc(lambda u: u[0] == "open" and u[1] == 5)
        assert u[2] == want, (host, u)
        assert c.ok("AT+QIGETERROR")[0].startswith(("+QIGETERROR: %d," % want).encode())
    for bad in ('AT+QSSLOPEN=1,6,0,"localhost",443,0', 'AT+QSSLOPEN=1,0,12,"localhost",443,0',
                'AT+QSSLOPEN=1,0,0,"localhost",0,0', 'AT+QSSLOPEN=1,0,0,"localhost",443,3',
                "AT+QSSLOPEN=1,0,0,localhost,443,0", 'AT+QSSLOPEN=16,0,0,"localhost",443'):
        assert cme(c.cmd(bad)[0]) == 552, bad


@test
def stalled_peer_times_out_with_569(t):
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(4)  # accepts TCP, never speaks TLS
    try:
        m, c = t.client()
        c.ok("AT+QIACT=1")
        c.ok('AT+QSSLCFG="negotiatetime",0,10')
        t0 = time.time()
        c.ok('AT+QSSLOPEN=1,0,6,"127.0.0.1",%d,0' % lst.getsockname()[1])
        # Meanwhile the module keeps answering.
        assert c.ok("AT+CSQ")
        u = c.wait_urc(lambda u: u[0] == "open" and u[1] == 6, 25)
        assert u[2] == 569 and 9 <= time.time() - t0 <= 20, (u, time.time() - t0)
        c.ok('AT+QSSLCFG="negotiatetime",0,300')
    finally:
        lst.close()


@test
def qiswtmd_switches_modes_and_close_while_opening(t):
    p, port = t.peers.openssl(t.pki, extra=())  # relays its stdin to the client
    m, c = t.client()
    c.ok("AT+QIACT=1")
    open_ok(c, 0, 5, "127.0.0.1", port)
    c.ok("AT+QISWTMD=5,1")
    p.stdin.write(b"pushed\n")
    p.stdin.flush()
    u = c.wait_urc(lambda u: u[0] == "recv" and u[1] == 5)
    assert u[2] == b"pushed\n", u
    assert c.ok("AT+QSSLSTATE=0,1")[0].split(b",")[8] == b"1"  # the TCP manual's per-PDP form
    assert c.cmd("AT+QISWTMD=5,2")[0] == b"CONNECT"
    p.stdin.write(b"raw\n")
    p.stdin.flush()
    assert c.read_raw_until(lambda b: b"raw\n" in b) == b"raw\n"
    time.sleep(1.2)
    c.write(b"+++")
    assert c.response(5)[0] == b"OK"
    c.ok("AT+QSSLCLOSE=5")
    # Closing while the open is still in progress: no late +QSSLOPEN, the id is free again.
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(2)
    try:
        c.ok('AT+QSSLOPEN=1,0,6,"127.0.0.1",%d,0' % lst.getsockname()[1])
        lst.settimeout(5)
        peer, _ = lst.accept()
        peer.settimeout(5)
        assert peer.recv(5)[:1] == b"\x16"  # a ClientHello record; this peer never answers
        assert c.ok("AT+QSSLSTATE=6")[0].split(b",")[5] == b"1"  # opening
        c.ok("AT+QSSLCLOSE=6")
        assert c.ok("AT+QSSLSTATE=6") == []
        # The handshake is cut short (not left running for negotiatetime, 300 s): the peer sees EOF.
        t0 = time.time()
        while peer.recv(4096):
            pass
        assert time.time() - t0 < 3
        peer.close()
        open_ok(c, 0, 6, "127.0.0.1", port)
        c.drain(0.3)
        assert not [u for u in c.urcs if u[0] == "open"], c.urcs
        c.ok("AT+QSSLCLOSE=6")
    finally:
        lst.close()


# --------------------------------------------------------------------------- 8. DTLS, resumption, 12 sockets


@test
def dtls_psk_echo(t):
    srv = t.peers.qlssl_server(t.pki, extra=("--psk", "atclient:00112233445566778899aabbccddeeff"))
    m, c = t.client()
    c.ok("AT+QIACT=1")
    c.ok('AT+QSSLCFG="dtls",4,1')
    c.ok('AT+QSSLCFG="dtlsversion",4,1')
    c.ok('AT+QSSLCFG="psk",4,"atclient","00112233445566778899aabbccddeeff"')
    c.ok('AT+QSSLCFG="ciphersuite",4,0X00AE')  # TLS_PSK_WITH_AES_128_CBC_SHA256
    open_ok(c, 4, 10, "127.0.0.1", srv.ports["dtls"])
    c.write(b"AT+QSSLSEND=10,9\r")
    c.prompt()
    c.write(b"dtls ping")
    assert c.response()[0] == b"SEND OK"
    c.wait_urc(lambda u: u == ("recv", 10, None))
    assert c.cmd("AT+QSSLRECV=10,1500")[2] == [b"dtls ping"]
    c.ok("AT+QSSLCLOSE=10")
    c.ok('AT+QSSLCFG="dtls",4,0')
    st = srv.stats()
    assert st.get("dtls_handshakes") == 1 and st.get("dtls_echoes", 0) >= 1, st


@test
def session_resumption_proven_by_server(t):
    srv = t.peers.qlssl_server(t.pki)
    m, c = t.client()
    c.ok("AT+QIACT=1")
    c.ok('AT+QSSLCFG="session_cache",2,1')
    for i in range(3):
        open_ok(c, 2, 0, "127.0.0.1", srv.ports["https"])
        c.write(("AT+QSSLSEND=0,%d\r" % len(GET)).encode())
        c.prompt()
        c.write(GET)
        assert c.response()[0] == b"SEND OK"
        assert read_all_buffered(c, 0).startswith(b"HTTP/1.0 200")
        c.ok("AT+QSSLCLOSE=0")
        c.urcs.clear()
    c.ok('AT+QSSLCFG="session_cache",2,0')
    st = srv.stats()
    assert st.get("https_handshakes") == 3 and st.get("https_resumed") == 2, st


@test
def twelve_concurrent_sockets(t):
    srv = t.peers.qlssl_server(t.pki, extra=("--max-conns", "32"))
    m, c = t.client()
    c.ok("AT+QIACT=1")
    for cid in range(12):
        c.ok('AT+QSSLOPEN=1,0,%d,"127.0.0.1",%d,0' % (cid, srv.ports["https"]))
    for cid in range(12):
        u = c.wait_urc(lambda u: u[0] == "open" and u[1] == cid, 30)
        assert u[2] == 0, u
    assert len(c.ok("AT+QSSLSTATE")) == 12
    for cid in range(12):
        c.write(("AT+QSSLSEND=%d,%d\r" % (cid, len(GET))).encode())
        c.prompt()
        c.write(GET)
        assert c.response()[0] == b"SEND OK"
    for cid in range(12):
        assert read_all_buffered(c, cid).startswith(b"HTTP/1.0 200"), cid
        c.ok("AT+QSSLCLOSE=%d" % cid)
    st = srv.stats()
    assert st.get("http_200") == 12, st


# --------------------------------------------------------------------------- 9. robustness


@test
def client_vanishing_mid_send_and_mid_plus(t):
    srv = t.peers.qlssl_server(t.pki)
    m = t.module(pty=False, extra=("--prompt-timeout", "2"))
    for step in range(3):
        a = m.client()
        a.ok("ATE0")
        a.ok("AT+QIACT=1")
        if step < 2:
            open_ok(a, 0, 0, "127.0.0.1", srv.ports["https"])
        if step == 0:
            a.write(b"AT+QSSLSEND=0\r")
            a.prompt()
            a.write(b"GET / HT")  # and vanish
        elif step == 1:
            a.write(b"AT+QSSLSEND=0,100\r")
            a.prompt()
        else:
            assert a.cmd('AT+QSSLOPEN=1,0,0,"127.0.0.1",%d,2' % srv.ports["https"], 20)[0] == b"CONNECT"
            time.sleep(1.1)
            a.write(b"++")  # mid-escape
        a.close()
        time.sleep(0.3)
    # Still serving; the pty prompt also gives up by itself.
    b = m.client()
    b.ok("AT")
    b.close()
    mp = t.module(extra=("--prompt-timeout", "1"))
    p = mp.client()
    p.ok("ATE0")
    p.ok("AT+QIACT=1")
    open_ok(p, 0, 0, "127.0.0.1", srv.ports["https"])
    p.write(b"AT+QSSLSEND=0\r")
    p.prompt()
    assert cme(p.response(5)[0]) == 571
    p.ok("AT+QSSLCLOSE=0")
    assert m.proc.poll() is None and mp.proc.poll() is None


@test
def docs_tables_match_the_code(t):
    doc = open(os.path.join(ROOT, "docs", "AT.md")).read()
    src = open(os.path.join(ROOT, "src", "at", "engine.rs")).read()
    table = dict(re.findall(r'^\s*(\d{2,3}) => "([^"]+)",$', src, re.M))
    rows = dict(re.findall(r"^\| (\d{3}) \| ([^|]+?) \|", doc, re.M))
    for code in [c for c in table if 550 <= int(c) <= 579]:
        assert rows.get(code) == table[code], (code, rows.get(code), table[code])
    cmds = re.search(r"const COMMANDS: &\[&str\] = &\[(.*?)\];", src, re.S).group(1)
    for name in re.findall(r'"([^"]+)"', cmds):
        assert "`%s" % name in doc, "docs/AT.md lacks %s" % name
    # And the module answers AT+QIGETERROR with the same text.
    m, c = t.client()
    assert c.ok("AT+QIGETERROR") == [b"+QIGETERROR: 0,Operation successful"]


def main():
    run_suite("at tests", TESTS, Ctx, "qlssl-at-tests-")


if __name__ == "__main__":
    main()
