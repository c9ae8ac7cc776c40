"""Matrix groups: each table suite x protocol column against one peer."""
import os

from .suites import ALL, COLS_DTLS, COLS_TLS, TABLE3_IDS, TABLE3_NAME, kx_of, tls12_only
from .caps import Caps, GNUTLS_PRIO_DTLS, GNUTLS_PRIO_TLS, OPENSSL_CIPHERS, gnutls_caps, mbedtls_names, openssl_caps
from .views import view_gnutls_www, view_openssl_www, views_gnutls_log, views_mbedtls_log, views_openssl_log
from .group import expect_cell
from .ssl_server2 import ssl_server2_version

# ---------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------
WWW_UNTIL = "</HTML>"
MBED_UNTIL = "</p>"

def g_matrix_openssl_tls(g):
    caps = openssl_caps()
    s = g.openssl_server("openssl-tls", ["-cipher", OPENSSL_CIPHERS, "-min_protocol", "TLSv1"] +
                        (["-ssl3"] if "ssl3" in caps.protos else []))
    view = lambda text, bodies, label: [view_openssl_www(b, caps) for b in bodies if b]
    for col in COLS_TLS:
        for sid in TABLE3_IDS + [ALL]:
            g.cell("openssl", s, col, ALL if sid == ALL else [sid], expect_cell(caps, col, sid, "openssl"),
                   mode="http", until=WWW_UNTIL, server_view=view)

def g_matrix_openssl_dtls(g):
    caps = openssl_caps()
    s = g.openssl_server("openssl-dtls", ["-cipher", OPENSSL_CIPHERS], dtls=True, www=False)
    view = lambda text, bodies, label: views_openssl_log(text, label)
    for col in COLS_DTLS:
        for sid in TABLE3_IDS + [ALL]:
            g.cell("openssl", s, col, ALL if sid == ALL else [sid], expect_cell(caps, col, sid, "openssl"),
                   mode="send", server_view=view)

def g_matrix_gnutls_tls(g):
    caps = gnutls_caps(GNUTLS_PRIO_TLS)
    s = g.gnutls_server("gnutls-tls", [])
    def view(text, bodies, label):
        logs = views_gnutls_log(text, caps)
        out = []
        for i, b in enumerate(bodies):
            if not b:
                continue
            v = view_gnutls_www(b, caps)
            if i < len(logs):
                v["reused"] = logs[i]["reused"]
            out.append(v)
        return out
    for col in COLS_TLS:
        for sid in TABLE3_IDS + [ALL]:
            g.cell("gnutls", s, col, ALL if sid == ALL else [sid], expect_cell(caps, col, sid, "gnutls"),
                   mode="http", until=WWW_UNTIL, server_view=view)

def g_matrix_gnutls_dtls(g):
    caps = gnutls_caps(GNUTLS_PRIO_DTLS)
    s = g.gnutls_server("gnutls-dtls", [], dtls=True)
    view = lambda text, bodies, label: views_gnutls_log(text, caps)
    for col in COLS_DTLS:
        for sid in TABLE3_IDS + [ALL]:
            g.cell("gnutls", s, col, ALL if sid == ALL else [sid], expect_cell(caps, col, sid, "gnutls"),
                   mode="echo", server_view=view)

def mbed_caps(args):
    names = mbedtls_names(os.path.join(args.work, "mbedtls-src"))
    suites = {sid: (TABLE3_NAME[sid], tls12_only(sid)) for sid in TABLE3_IDS}
    return Caps("ssl_server2", ssl_server2_version(args), suites,
                ["ssl3", "tls1.0", "tls1.1", "tls1.2", "dtls1.0", "dtls1.2"], names)

def _mbed_matrix(g, dtls):
    caps = mbed_caps(g.args)
    ecdh_rsa = [sid for sid in TABLE3_IDS if kx_of(sid) == "ECDH_RSA"]
    extra = [] if dtls else ["min_version=ssl3"]
    a = g.ssl_server2("ssl_server2-ecdsa" + ("-dtls" if dtls else ""), extra, dtls=dtls, ec_cert="ecdsa")
    b = g.ssl_server2("ssl_server2-ecrsa" + ("-dtls" if dtls else ""), extra, dtls=dtls, ec_cert="ecrsa")
    view = lambda text, bodies, label: views_mbedtls_log(text, caps.names)
    for col in (COLS_DTLS if dtls else COLS_TLS):
        for sid in TABLE3_IDS + [ALL]:
            srv = b if sid in ecdh_rsa else a
            note = "served by the EC-key-certified-by-RSA-CA instance" if sid in ecdh_rsa else None
            g.cell("ssl_server2", srv, col, ALL if sid == ALL else [sid],
                   expect_cell(caps, col, sid, "ssl_server2"), mode="http", until=MBED_UNTIL,
                   server_view=view, note=note)

def g_matrix_ssl_server2_tls(g):
    _mbed_matrix(g, False)

def g_matrix_ssl_server2_dtls(g):
    _mbed_matrix(g, True)
