"""Resumption and PSK groups."""

from .base import PSK_IDENTITY, PSK_KEY
from .suites import ALL, CLIENT_PROTOS
from .caps import GNUTLS_PRIO_DTLS, GNUTLS_PRIO_TLS, OPENSSL_CIPHERS, gnutls_caps, openssl_caps
from .views import view_gnutls_www, view_openssl_www, views_gnutls_log, views_mbedtls_log, views_openssl_log
from .group import ok, refused
from .groups_matrix import MBED_UNTIL, WWW_UNTIL, mbed_caps

# -- resumption -------------------------------------------------------------------------------
def _resumption_cells(g, peer, srv_tls, srv_dtls, tls_mode, tls_until, dtls_mode, view_tls, view_dtls, cols):
    for col in cols:
        srv, mode, until, view = (srv_dtls, dtls_mode, None, view_dtls) if col.startswith("dtls") else \
                                 (srv_tls, tls_mode, tls_until, view_tls)
        for nbio in (0, 1):
            g.cell(peer, srv, col, ALL, ok(proto=CLIENT_PROTOS[col][-1], resumed=[0, 1, 1]), conns=3, cache=1,
                   nbio=nbio, mode=mode, until=until, server_view=view)
        g.cell(peer, srv, col, ALL, ok(proto=CLIENT_PROTOS[col][-1], resumed=[0, 0]), conns=2, cache=0,
               mode=mode, until=until, server_view=view, cid="%s/%s/all/cache-off" % (peer, col))

def g_resumption_openssl(g):
    caps = openssl_caps()
    t = g.openssl_server("openssl-tls", ["-cipher", OPENSSL_CIPHERS, "-min_protocol", "TLSv1"])
    d = g.openssl_server("openssl-dtls", ["-cipher", OPENSSL_CIPHERS], dtls=True, www=False)
    _resumption_cells(g, "openssl", t, d, "http", WWW_UNTIL, "send",
                      lambda text, bodies, label: [view_openssl_www(b, caps) for b in bodies if b],
                      lambda text, bodies, label: views_openssl_log(text, label),
                      ["tls1.0", "tls1.1", "tls1.2", "all", "dtls1.0", "dtls1.2"])

def g_resumption_gnutls(g):
    caps_t = gnutls_caps(GNUTLS_PRIO_TLS)
    caps_d = gnutls_caps(GNUTLS_PRIO_DTLS)
    t = g.gnutls_server("gnutls-tls", [])
    d = g.gnutls_server("gnutls-dtls", [], dtls=True)
    def view_t(text, bodies, label):
        logs = views_gnutls_log(text, caps_t)
        out = []
        for i, b in enumerate(bodies):
            if b:
                v = view_gnutls_www(b, caps_t)
                v["reused"] = logs[i]["reused"] if i < len(logs) else None
                out.append(v)
        return out
    _resumption_cells(g, "gnutls", t, d, "http", WWW_UNTIL, "echo", view_t,
                      lambda text, bodies, label: views_gnutls_log(text, caps_d),
                      ["tls1.0", "tls1.1", "tls1.2", "all", "dtls1.0", "dtls1.2"])

def g_resumption_ssl_server2(g):
    caps = mbed_caps(g.args)
    t = g.ssl_server2("ssl_server2-tls", ["min_version=ssl3"])
    d = g.ssl_server2("ssl_server2-dtls", [], dtls=True)
    view = lambda text, bodies, label: views_mbedtls_log(text, caps.names)
    _resumption_cells(g, "ssl_server2", t, d, "http", MBED_UNTIL, "http", view, view,
                      ["ssl3", "tls1.0", "tls1.1", "tls1.2", "all", "dtls1.0", "dtls1.2"])

# -- PSK --------------------------------------------------------------------------------------
PSK_AUTH = ["auth=3", "psk_identity=" + PSK_IDENTITY, "psk_key=" + PSK_KEY]
PSK_AES128_CBC_SHA = 0x008C

def _psk_cells(g, peer, mk_tls, mk_dtls, tls_mode, tls_until, dtls_mode, view_tls, view_dtls, dtls_until=None,
               identity_checked=True):
    """mk_tls/mk_dtls(name) start a fresh peer (negative DTLS cells can leave a DTLS peer waiting
    for a Finished that never decrypts, so each negative cell gets its own peer)."""
    srv_tls, srv_dtls = mk_tls("tls"), mk_dtls("dtls")
    for col in ["tls1.0", "tls1.1", "tls1.2", "all", "dtls1.0", "dtls1.2"]:
        dt = col.startswith("dtls")
        srv, mode, until, view = (srv_dtls, dtls_mode, dtls_until, view_dtls) if dt else (srv_tls, tls_mode, tls_until, view_tls)
        for nbio in (0, 1):
            g.cell(peer, srv, col, ALL, ok(proto=CLIENT_PROTOS[col][-1], psk=True), nbio=nbio, mode=mode, until=until,
                   auth=PSK_AUTH, server_view=view, cid="%s/%s/psk-default%s" % (peer, col, "/nbio" if nbio else ""))
        g.cell(peer, srv, col, [PSK_AES128_CBC_SHA], ok(proto=CLIENT_PROTOS[col][-1], suite=PSK_AES128_CBC_SHA, psk=True),
               mode=mode, until=until, auth=PSK_AUTH, server_view=view, cid="%s/%s/psk-008C" % (peer, col))
    srv_tls.stop()
    srv_dtls.stop()
    for col, mk, mode, until, view in (("tls1.2", mk_tls, tls_mode, tls_until, view_tls),
                                       ("dtls1.2", mk_dtls, dtls_mode, dtls_until, view_dtls)):
        # 3 s: long enough for a DTLS peer's alert to arrive even after a retransmission round.
        slow = ["hs_timeout=3"] if col.startswith("dtls") else []
        srv = mk("%s-wrong-key" % col)
        g.cell(peer, srv, col, ALL, refused("k", "wrong PSK key"), mode=mode, extra=slow,
               auth=["auth=3", "psk_identity=" + PSK_IDENTITY, "psk_key=" + "ff" * 16],
               cid="%s/%s/psk-wrong-key" % (peer, col))
        srv.stop()
        srv = mk("%s-wrong-identity" % col)
        exp = refused("k", "unknown PSK identity") if identity_checked else \
            ok(proto=col, psk=True, note="s_server only warns about an unexpected identity and uses its one key")
        g.cell(peer, srv, col, ALL, exp, mode=mode, until=until, server_view=None if not exp["ok"] else view,
               extra=slow if not exp["ok"] else None,
               auth=["auth=3", "psk_identity=nobody", "psk_key=" + PSK_KEY],
               cid="%s/%s/psk-wrong-identity" % (peer, col),
               note=None if identity_checked else "openssl s_server does not check the identity (prints 'PSK warning')")
        srv.stop()

def g_psk_openssl(g):
    caps = openssl_caps()
    psk = ["-nocert", "-psk", PSK_KEY, "-psk_identity", PSK_IDENTITY, "-cipher", "PSK:@SECLEVEL=0"]
    _psk_cells(g, "openssl",
               lambda n: g.openssl_server("openssl-psk-" + n, psk + ["-min_protocol", "TLSv1"], certs=False),
               lambda n: g.openssl_server("openssl-psk-" + n, psk, dtls=True, www=False, certs=False),
               "http", WWW_UNTIL, "send",
               lambda text, bodies, label: [view_openssl_www(b, caps) for b in bodies if b],
               lambda text, bodies, label: views_openssl_log(text, label), identity_checked=False)

def g_psk_gnutls(g):
    caps_t = gnutls_caps(GNUTLS_PRIO_TLS)
    caps_d = gnutls_caps(GNUTLS_PRIO_DTLS)
    pw = ["--pskpasswd", g.pki("psk.txt")]
    _psk_cells(g, "gnutls",
               lambda n: g.gnutls_server("gnutls-psk-" + n, pw, certs=False),
               lambda n: g.gnutls_server("gnutls-psk-" + n, pw, dtls=True, certs=False),
               "http", WWW_UNTIL, "echo",
               lambda text, bodies, label: [view_gnutls_www(b, caps_t) for b in bodies if b],
               lambda text, bodies, label: views_gnutls_log(text, caps_d))

def g_psk_ssl_server2(g):
    caps = mbed_caps(g.args)
    psk = ["psk=" + PSK_KEY, "psk_identity=" + PSK_IDENTITY]
    view = lambda text, bodies, label: views_mbedtls_log(text, caps.names)
    _psk_cells(g, "ssl_server2",
               lambda n: g.ssl_server2("ssl_server2-psk-" + n, psk),
               lambda n: g.ssl_server2("ssl_server2-psk-" + n, psk, dtls=True),
               "http", MBED_UNTIL, "http", view, view, dtls_until=MBED_UNTIL)
