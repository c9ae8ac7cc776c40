"""Every SDK suite, one by one, against the peer that has it."""

from .base import PSK_IDENTITY, PSK_KEY, log
from .suites import mbedtls_extra_suites, sdk_family, sdk_kx, sdk_suite_missing, sdk_suites
from .caps import OPENSSL_CIPHERS, gnutls_caps, openssl_caps
from .views import view_gnutls_www, view_openssl_www, views_gnutls_log, views_mbedtls_log, views_openssl_log
from .group import ok, refused
from .groups_matrix import MBED_UNTIL, WWW_UNTIL, mbed_caps

# Suites no peer here can serve with certificates of their own kind are not the point: static-ECDH
# needs a server whose certificate key is the ECDH key, which only ssl_server2 offers.
GNUTLS_PRIO_ALL = ("NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+ARCFOUR-128:+3DES-CBC:+CAMELLIA-128-GCM:+CAMELLIA-256-GCM:"
                   "+CAMELLIA-128-CBC:+CAMELLIA-256-CBC:+AES-128-CCM:+AES-256-CCM:+AES-128-CCM-8:+AES-256-CCM-8:"
                   "+MD5:+SHA256:+SHA384:+RSA:+DHE-RSA:+PSK:+DHE-PSK:+ECDHE-PSK:+RSA-PSK")
OPENSSL_CIPHERS_PSK = "ALL:COMPLEMENTOFALL:PSK:@SECLEVEL=0"

def suite_peer_plan(args):
    """{id: peer} for every supported SDK suite: openssl where it has the suite, else gnutls-serv,
    else ssl_server2 (static ECDH: no independent peer here implements it)."""
    oc = openssl_caps()
    gc = gnutls_caps(GNUTLS_PRIO_ALL)
    plan = {}
    for sid, name in sdk_suites() + mbedtls_extra_suites():
        if sdk_suite_missing(name):
            continue
        if sdk_kx(name) in ("ECDH_ECDSA", "ECDH_RSA"):
            plan[sid] = "ssl_server2"
        elif oc and sid in oc.suites:
            plan[sid] = "openssl"
        elif gc and sid in gc.suites:
            plan[sid] = "gnutls"
        else:
            plan[sid] = "ssl_server2"
    return plan

def sdk_suite_auth(g, name):
    """Client arguments for one suite: the PSK when the suite needs one, the CA of the server's
    certificate kind when the server sends one (VERIFY_SERVER, host name checked)."""
    kx = sdk_kx(name)
    psk = ["psk_identity=" + PSK_IDENTITY, "psk_key=" + PSK_KEY]
    if kx in ("PSK", "DHE_PSK", "ECDHE_PSK"):
        return ["auth=3"] + psk
    ca = g.pki("ecdsa-ca.pem") if kx in ("ECDHE_ECDSA", "ECDH_ECDSA") else g.pki("rsa-ca.pem")
    return ["auth=1", "hostname=localhost", "ca=" + ca] + (psk if kx == "RSA_PSK" else [])

def dtls_representatives(plan, names):
    """{family: first suite id} of every family that DTLS allows (all but RC4): one DTLS 1.2 cell
    per family keeps the run short; the TLS cells cover every suite."""
    reps = {}
    for sid in sorted(plan):
        fam = sdk_family(names[sid])
        if "RC4" not in fam and fam not in reps:
            reps[fam] = sid
    return reps

def _sdk_suite_cells(g, peer, srv_for, mode, until, view, dtls=None):
    """One TLS 1.2 cell per suite planned for `peer`; with dtls=(srv_for, mode, until, view) also
    one DTLS 1.2 cell per family whose representative is planned for `peer`."""
    names = dict(sdk_suites() + mbedtls_extra_suites())
    plan = suite_peer_plan(g.args)
    for sid in sorted(s for s, p in plan.items() if p == peer):
        name = names[sid]
        g.cell(peer, srv_for(name), "tls1.2", [sid], ok(proto="tls1.2", suite=sid), mode=mode, until=until,
               auth=sdk_suite_auth(g, name), server_view=view, note=sdk_family(name),
               cid="suites/%s/%04X %s" % (peer, sid, name))
    if dtls is None:
        return
    d_srv_for, d_mode, d_until, d_view = dtls
    for fam, sid in sorted(dtls_representatives(plan, names).items(), key=lambda kv: kv[1]):
        if plan[sid] != peer:
            continue
        name = names[sid]
        g.cell(peer, d_srv_for(name), "dtls1.2", [sid], ok(proto="dtls1.2", suite=sid), mode=d_mode, until=d_until,
               auth=sdk_suite_auth(g, name), server_view=d_view, note=fam,
               cid="suites-dtls/%s/%04X %s" % (peer, sid, name))

GNUTLS_PRIO_ALL_DTLS = ("NORMAL:+VERS-DTLS1.0:+3DES-CBC:+CAMELLIA-128-GCM:+CAMELLIA-256-GCM:+CAMELLIA-128-CBC:"
                        "+CAMELLIA-256-CBC:+AES-128-CCM:+AES-256-CCM:+AES-128-CCM-8:+AES-256-CCM-8:+SHA256:+SHA384:"
                        "+RSA:+DHE-RSA:+PSK:+DHE-PSK:+ECDHE-PSK:+RSA-PSK")

def g_suites_openssl(g):
    """Each suite OpenSSL has, alone in the list, at TLS 1.2 (and one per family at DTLS 1.2):
    negotiated, confirmed by s_server."""
    caps = openssl_caps()
    args = ["-cipher", OPENSSL_CIPHERS_PSK, "-psk", PSK_KEY, "-psk_identity", PSK_IDENTITY]
    s = g.openssl_server("openssl-all-suites", args)
    d = g.openssl_server("openssl-all-suites-dtls", args, dtls=True, www=False)
    _sdk_suite_cells(g, "openssl", lambda name: s, "http", WWW_UNTIL,
                     lambda text, bodies, label: [view_openssl_www(b, caps) for b in bodies if b],
                     dtls=(lambda name: d, "send", None, lambda text, bodies, label: views_openssl_log(text, label)))

def g_suites_gnutls(g):
    """The suites OpenSSL 3 lacks (RC4, 3DES, Camellia-GCM) against gnutls-serv."""
    caps = gnutls_caps(GNUTLS_PRIO_ALL)
    caps_d = gnutls_caps(GNUTLS_PRIO_ALL_DTLS)
    s = g.gnutls_server("gnutls-all-suites", ["--pskpasswd", g.pki("psk.txt")], prio=GNUTLS_PRIO_ALL)
    d = g.gnutls_server("gnutls-all-suites-dtls", ["--pskpasswd", g.pki("psk.txt")], dtls=True,
                        prio=GNUTLS_PRIO_ALL_DTLS)
    _sdk_suite_cells(g, "gnutls", lambda name: s, "http", WWW_UNTIL,
                     lambda text, bodies, label: [view_gnutls_www(b, caps) for b in bodies if b],
                     dtls=(lambda name: d, "echo", None, lambda text, bodies, label: views_gnutls_log(text, caps_d)))

def g_suites_ssl_server2(g):
    """Static-ECDH and ARIA-CBC suites (no independent peer here implements them) against
    ssl_server2 (same family)."""
    caps = mbed_caps(g.args)
    psk = ["psk=" + PSK_KEY, "psk_identity=" + PSK_IDENTITY]
    a = g.ssl_server2("ssl_server2-ecdsa", psk, ec_cert="ecdsa")
    b = g.ssl_server2("ssl_server2-ecrsa", psk, ec_cert="ecrsa")
    da = g.ssl_server2("ssl_server2-ecdsa-dtls", psk, dtls=True, ec_cert="ecdsa")
    db = g.ssl_server2("ssl_server2-ecrsa-dtls", psk, dtls=True, ec_cert="ecrsa")
    view = lambda text, bodies, label: views_mbedtls_log(text, caps.names)
    _sdk_suite_cells(g, "ssl_server2", lambda name: b if sdk_kx(name) == "ECDH_RSA" else a, "http", MBED_UNTIL, view,
                     dtls=(lambda name: db if sdk_kx(name) == "ECDH_RSA" else da, "http", MBED_UNTIL, view))

def g_suites_unsupported_refused(g):
    """The SDK suites this build lacks: QL_SSL_CONF_CIPHERSUITE fails with NOT_SUPPORT naming the
    suite (before any connection; the peer is only a target address)."""
    s = g.openssl_server("openssl-target", ["-cipher", OPENSSL_CIPHERS])
    for sid, name in sdk_suites():
        if not sdk_suite_missing(name):
            continue
        rec = g.cell("none", s, "tls1.2", [sid], refused("u", "not in this build", code=-5), mode="http",
                     auth=["auth=0"], cid="suites/unsupported/%04X %s" % (sid, name), note=sdk_family(name))
        err = (rec["client"][0].get("error") if rec["client"] else "") or ""
        want = "%s (0x%04X)" % (name, sid)
        if rec["verdict"] == "pass" and want not in err:
            rec["verdict"] = "FAIL"
            rec["problems"].append("error text does not name the suite as '%s': %s" % (want, err))
            log("FAIL   %s" % rec["problems"][-1])
