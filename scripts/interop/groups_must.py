"""The must-show groups and the single-purpose ones (SSL 3.0, renegotiation, unusable lists)."""
import json
import os
import re
import socket
import subprocess
import time

from .base import HOST, _child_setup, log
from .suites import ALL, CLIENT_PROTOS, COLS_DTLS, col_args
from .caps import GNUTLS_PRIO_DTLS, GNUTLS_PRIO_TLS, OPENSSL_CIPHERS, gnutls_caps, openssl_caps
from .views import view_gnutls_www, view_openssl_www, views_gnutls_log, views_mbedtls_log, views_openssl_log
from .group import ok, refused
from .groups_matrix import MBED_UNTIL, WWW_UNTIL, mbed_caps
from .groups_session import PSK_AUTH

# -- must-show cases --------------------------------------------------------------------------
def g_must_dtls_psk_nbio_gnutls(g):
    """DTLS-PSK, non-blocking socket + select(), echo through gnutls-serv -u --echo --pskpasswd."""
    caps = gnutls_caps(GNUTLS_PRIO_DTLS)
    d = g.gnutls_server("gnutls-psk-dtls", ["--pskpasswd", g.pki("psk.txt")], dtls=True, certs=False)
    view = lambda text, bodies, label: views_gnutls_log(text, caps)
    for col in COLS_DTLS:
        g.cell("gnutls", d, col, ALL, ok(proto=col, psk=True), nbio=1, mode="echo", auth=PSK_AUTH,
               server_view=view, cid="must/dtls-psk-nbio-echo/gnutls/%s" % col)
        g.cell("gnutls", d, col, ALL, ok(proto=col, psk=True, resumed=[0, 1]), nbio=1, conns=2, cache=1,
               mode="echo", auth=PSK_AUTH, server_view=view, cid="must/dtls-psk-nbio-echo/gnutls/%s/resume1" % col)

def g_must_resumption_openssl(g):
    """Resumption proven by the server (s_server -www 'Reused', DTLS log 'Reused session-id') and by
    ql_ssl_session_resumed(); session cache off gives full handshakes."""
    caps = openssl_caps()
    t = g.openssl_server("openssl-tls", ["-cipher", OPENSSL_CIPHERS, "-min_protocol", "TLSv1"])
    d = g.openssl_server("openssl-dtls", ["-cipher", OPENSSL_CIPHERS], dtls=True, www=False)
    vt = lambda text, bodies, label: [view_openssl_www(b, caps) for b in bodies if b]
    vd = lambda text, bodies, label: views_openssl_log(text, label)
    for nbio in (0, 1):
        g.cell("openssl", t, "tls1.2", ALL, ok(proto="tls1.2", resumed=[0, 1, 1, 1]), conns=4, cache=1, nbio=nbio,
               mode="http", until=WWW_UNTIL, server_view=vt,
               cid="must/resumption/openssl/tls1.2/cache-on%s" % ("/nbio" if nbio else ""))
    g.cell("openssl", t, "tls1.2", ALL, ok(proto="tls1.2", resumed=[0, 0, 0]), conns=3, cache=0, mode="http",
           until=WWW_UNTIL, server_view=vt, cid="must/resumption/openssl/tls1.2/cache-off-full-handshakes")
    g.cell("openssl", t, "tls1.2", [0xC02F], ok(proto="tls1.2", suite=0xC02F, resumed=[0, 1]), conns=2, cache=1,
           mode="http", until=WWW_UNTIL, server_view=vt, cid="must/resumption/openssl/tls1.2/C02F/cache-on")
    g.cell("openssl", d, "dtls1.2", ALL, ok(proto="dtls1.2", resumed=[0, 1, 1]), conns=3, cache=1, mode="send",
           server_view=vd, cid="must/resumption/openssl/dtls1.2/cache-on")
    g.cell("openssl", d, "dtls1.2", ALL, ok(proto="dtls1.2", resumed=[0, 0]), conns=2, cache=0, mode="send",
           server_view=vd, cid="must/resumption/openssl/dtls1.2/cache-off-full-handshakes")

def g_must_dtls_timeout_silent_peer(g):
    """The negotiate timeout bounds a DTLS handshake with a peer that never answers."""
    for col in COLS_DTLS:
        for nbio in (0, 1):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((HOST, 0))
            port = sock.getsockname()[1]

            class Silent:   # a "server" that only counts what it receives
                def __init__(self):
                    self.port = port

                def offset(self):
                    return 0

                def text_since(self, _off):
                    return ""
            try:
                rec = g.cell("silent-udp", Silent(), col, ALL,
                             refused("t", "peer never answers", code=-6, timeout_cb=1, min_ms=1900, max_ms=3500),
                             nbio=nbio, mode="none", extra=["hs_timeout=2"],
                             cid="must/dtls-timeout/silent-peer/%s%s" % (col, "/nbio" if nbio else ""))
                sock.settimeout(0.2)
                got = 0
                for _ in range(100):
                    try:
                        sock.recv(65536)
                        got += 1
                    except socket.timeout:
                        break
                rec["note"] = "silent peer received %d ClientHello datagrams (first + retransmissions) in 2 s" % got
                if got < 2:
                    rec["verdict"] = "FAIL"
                    rec["problems"].append("only %d datagram(s): no retransmission within the timeout" % got)
                    log("FAIL   %s" % rec["problems"][-1])
                else:
                    log("      %s" % rec["note"])
            finally:
                sock.close()

def g_must_rc4_3des_gnutls(g):
    """RC4 and 3DES negotiated with gnutls-serv from explicit lists, confirmed by the server's page."""
    caps = gnutls_caps(GNUTLS_PRIO_TLS)
    caps_d = gnutls_caps(GNUTLS_PRIO_DTLS)
    t = g.gnutls_server("gnutls-tls", [])
    d = g.gnutls_server("gnutls-dtls", [], dtls=True)
    def vt(text, bodies, label):
        return [view_gnutls_www(b, caps) for b in bodies if b]
    cases = [("tls1.2", [0x0005]), ("tls1.2", [0x0004]), ("tls1.0", [0x0005]), ("tls1.0", [0x0004]),
             ("tls1.2", [0xC011]), ("tls1.2", [0xC007]), ("tls1.2", [0x000A]), ("tls1.1", [0x000A]),
             ("tls1.2", [0xC012]), ("tls1.2", [0xC008]), ("all", [0x0005, 0x000A]), ("all", [0x000A, 0x0004]),
             ("tls1.0", [0xC012, 0xC011])]
    for col, sl in cases:
        exp = ok(proto=CLIENT_PROTOS[col][-1], suite=sl[0] if len(sl) == 1 else None)
        rec = g.cell("gnutls", t, col, sl, exp, mode="http", until=WWW_UNTIL, server_view=vt,
                     cid="must/rc4-3des/gnutls/%s/%s" % (col, "+".join("%04X" % s for s in sl)))
        body = open(os.path.join(g.log_dir, "rx-%04d.1" % g.n), "rb").read().decode("latin-1") \
            if os.path.exists(os.path.join(g.log_dir, "rx-%04d.1" % g.n)) else ""
        m = re.search(r"Cipher</TD><TD>([^<]+)<", body)
        rec["note"] = "gnutls page: Cipher %s" % (m.group(1) if m else "?")
        if rec["verdict"] == "pass" and (not m or m.group(1) not in ("ARCFOUR-128", "3DES-CBC")):
            rec["verdict"] = "FAIL"
            rec["problems"].append("server page does not show ARCFOUR-128 or 3DES-CBC")
    g.cell("gnutls", d, "dtls1.2", [0x000A], ok(proto="dtls1.2", suite=0x000A), mode="echo",
           server_view=lambda text, bodies, label: views_gnutls_log(text, caps_d), cid="must/rc4-3des/gnutls/dtls1.2/000A")
    g.cell("gnutls", d, "dtls1.2", [0x0005], refused("d", "RC4 is not allowed in DTLS"), mode="echo",
           cid="must/rc4-3des/gnutls/dtls1.2/0005-refused")

def g_must_version_pinning_openssl(g):
    """QL_SSL_CONF_VERSION pins the version: against a TLS 1.0-only server V3 fails and V1 succeeds."""
    caps = openssl_caps()
    view = lambda text, bodies, label: [view_openssl_www(b, caps) for b in bodies if b]
    s10 = g.openssl_server("openssl-tls1.0-only", ["-cipher", OPENSSL_CIPHERS, "-tls1"])
    s12 = g.openssl_server("openssl-tls1.2-only", ["-cipher", OPENSSL_CIPHERS, "-tls1_2"])
    for col, exp in (("tls1.2", refused("n", "server speaks TLS 1.0 only")), ("tls1.0", ok(proto="tls1.0")),
                     ("tls1.1", refused("n", "server speaks TLS 1.0 only")), ("all", ok(proto="tls1.0")),
                     ("ssl3", refused("n", "server speaks TLS 1.0 only"))):
        g.cell("openssl", s10, col, ALL, exp, mode="http", until=WWW_UNTIL, server_view=view,
               cid="must/version-pinning/openssl-tls1.0-only/%s" % col)
    for col, exp in (("tls1.0", refused("n", "server speaks TLS 1.2 only")), ("tls1.1", refused("n", "server speaks TLS 1.2 only")),
                     ("tls1.2", ok(proto="tls1.2")), ("all", ok(proto="tls1.2"))):
        g.cell("openssl", s12, col, ALL, exp, mode="http", until=WWW_UNTIL, server_view=view,
               cid="must/version-pinning/openssl-tls1.2-only/%s" % col)

def g_ssl3_same_family(g):
    """SSL 3.0: works only against a peer that still has it (ssl_server2 built with SSL 3.0)."""
    caps = mbed_caps(g.args)
    view = lambda text, bodies, label: views_mbedtls_log(text, caps.names)
    on = g.ssl_server2("ssl_server2-ssl3-on", ["min_version=ssl3"])
    off = g.ssl_server2("ssl_server2-default-min", [])
    for sl in ([0x002F], [0x0035], [0x000A], [0x0005], [0x0004], ALL):
        g.cell("ssl_server2", on, "ssl3", sl, ok(proto="ssl3", suite=sl[0] if sl != ALL else None), mode="http",
               until=MBED_UNTIL, server_view=view)
    g.cell("ssl_server2", on, "ssl3", ALL, ok(proto="ssl3", resumed=[0, 1]), conns=2, cache=1, mode="http",
           until=MBED_UNTIL, server_view=view)
    g.cell("ssl_server2", on, "ssl3", [0xC013], refused("v", "EC suites need TLS 1.0+"), mode="http")
    g.cell("ssl_server2", on, "ssl3", [0x003D], refused("v", "SHA-256 suites need TLS 1.2"), mode="http")
    g.cell("ssl_server2", off, "ssl3", ALL, refused("n", "server minimum is TLS 1.0 (library default)"), mode="http",
           cid="ssl_server2-default-min/ssl3/all")
    g.cell("ssl_server2", on, "all", ALL, ok(proto="tls1.2"), mode="http", until=MBED_UNTIL, server_view=view,
           cid="ssl_server2/all/all/ssl3-not-offered-by-ALL")

def g_renegotiation_openssl(g):
    """Server-initiated renegotiation: s_server's stdin command 'r' sends HelloRequest."""
    for col in ("tls1.2", "tls1.0"):
        for reneg in (1, 0, None):
            srv = g.openssl_server("openssl-reneg-%s-%s" % (col, reneg), ["-cipher", OPENSSL_CIPHERS, "-min_protocol",
                                                                         "TLSv1", "-state"], www=False)
            _renegotiate_cell(g, srv, col, reneg)
            srv.stop()

def _renegotiate_cell(g, srv, col, reneg):
    cid = "renegotiation/openssl/%s/%s" % (col, {1: "reneg=1", 0: "reneg=0", None: "default"}[reneg])
    label = re.sub(r"[^A-Za-z0-9_.+-]", "_", cid)
    argv = [g.args.client, "label=" + label, "host=" + HOST, "port=%d" % srv.port, "mode=read", "until=after-reneg",
            "io_timeout=6", "nbio=1"] + col_args(col)
    if reneg is not None:
        argv.append("reneg=%d" % reneg)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_child_setup)
    problems = []
    results = []
    try:
        first = p.stdout.readline()
        if "established" not in first:
            problems.append("client did not report an established connection: %s" % first.strip())
        else:
            time.sleep(0.3)
            srv.send_stdin(b"r\n")
            time.sleep(0.7)
            srv.send_stdin(b"after-reneg\n")
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        problems.append("client hung")
    for line in out.splitlines():
        if line.startswith("QLSSL-INTEROP {"):
            results.append(json.loads(line[len("QLSSL-INTEROP "):]))
    time.sleep(0.3)
    text = srv.text_since(0)
    hello_requests = text.count("write hello request")
    client_hellos = text.count("read client hello")
    refused_alert = "warning:no renegotiation" in text
    r = results[0] if results else {}
    renegotiated = hello_requests >= 1 and client_hellos >= 2
    got_data = r.get("exchange") == "ok"
    if reneg == 1:
        if not renegotiated:
            problems.append("server log shows no second handshake (hello requests %d, client hellos %d)" % (
                hello_requests, client_hellos))
        if not got_data:
            problems.append("data after the renegotiation not received: %s %s" % (r.get("exch_error"), r.get("error")))
        outcome = "renegotiated"
    else:
        if renegotiated:
            problems.append("client renegotiated although renegotiation is %s" % ("off" if reneg == 0 else "off by default"))
        if not refused_alert:
            problems.append("server log lacks the client's no_renegotiation warning alert")
        outcome = "refused (no_renegotiation alert)"
    rec = {"id": cid, "group": g.name, "peer": "openssl", "col": col, "suites": ALL, "conns": 1, "cache": None,
           "nbio": 1, "expect": {"ok": reneg == 1, "reason": "renegotiation %s" % ("accepted" if reneg == 1 else "refused")},
           "verdict": "pass" if not problems else "FAIL", "problems": problems, "client": results, "server": [],
           "note": "%s; server: %d HelloRequest, %d ClientHello, no_renegotiation alert: %s; client read after: %s %s" % (
               outcome, hello_requests, client_hellos, refused_alert, r.get("exchange"), r.get("exch_error") or ""),
           "elapsed_s": None, "cmd": " ".join(argv)}
    if problems:
        rec["server_log_tail"] = text[-3000:]
        rec["client_stdout"] = out[-3000:]
    g.cells.append(rec)
    log("%-4s %-46s %s%s" % ("ok" if not problems else "FAIL", cid, rec["note"],
                             "" if not problems else "\n      " + "\n      ".join(problems)))

def g_unusable_list_refused_locally(g):
    """An explicit list with no suite usable at the configured version/transport must fail locally
    (an explicit list the build cannot serve fails with a clear error): mbedtls itself would
    send a ClientHello with an empty suite list, which peers answer with an alert (openssl) or drop
    (gnutls-serv -u: the handshake then runs into the negotiate timeout)."""
    caps = openssl_caps()
    t = g.openssl_server("openssl-tls", ["-cipher", OPENSSL_CIPHERS, "-min_protocol", "TLSv1"])
    d = g.openssl_server("openssl-dtls", ["-cipher", OPENSSL_CIPHERS], dtls=True, www=False)
    view = lambda text, bodies, label: [view_openssl_www(b, caps) for b in bodies if b]
    bad = -10   # QL_SSL_ERROR_BAD_REQUEST, as for an id the build lacks
    for srv, col, sl, why in ((d, "dtls1.2", [0x0005], "RC4 is not allowed in DTLS"),
                              (d, "dtls1.0", [0x0005, 0xC011], "RC4 is not allowed in DTLS"),
                              (d, "dtls1.0", [0xC02F], "GCM needs DTLS 1.2"),
                              (t, "tls1.0", [0xC02F], "GCM needs TLS 1.2"),
                              (t, "tls1.1", [0x003D, 0xC027], "SHA-256 suites need TLS 1.2"),
                              (t, "ssl3", [0xC013], "EC suites need TLS 1.0+")):
        g.cell("openssl", srv, col, sl, refused("v", why + ": expected BAD_REQUEST from setup", code=bad),
               mode="http" if srv is t else "send",
               cid="unusable-list/%s/%s" % (col, "+".join("%04X" % x for x in sl)))
    # A list that is only partly usable is fine: the usable suite is negotiated.
    g.cell("openssl", t, "tls1.0", [0xC02F, 0x002F], ok(proto="tls1.0", suite=0x002F), mode="http", until=WWW_UNTIL,
           server_view=view, cid="unusable-list/tls1.0/C02F+002F-partly-usable")
