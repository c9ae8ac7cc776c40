"""The group table, running one group (skip when its peer is missing), the network namespace."""
import os
import shutil
import subprocess
import sys

from .base import ENTRY, SKIP_RC, Terminated, log
from .group import Group
from .ssl_server2 import ssl_server2_path
from .groups_matrix import g_matrix_gnutls_dtls, g_matrix_gnutls_tls, g_matrix_openssl_dtls, g_matrix_openssl_tls, g_matrix_ssl_server2_dtls, g_matrix_ssl_server2_tls
from .groups_session import g_psk_gnutls, g_psk_openssl, g_psk_ssl_server2, g_resumption_gnutls, g_resumption_openssl, g_resumption_ssl_server2
from .groups_must import g_must_dtls_psk_nbio_gnutls, g_must_dtls_timeout_silent_peer, g_must_rc4_3des_gnutls, g_must_resumption_openssl, g_must_version_pinning_openssl, g_renegotiation_openssl, g_ssl3_same_family, g_unusable_list_refused_locally
from .groups_suites import g_suites_gnutls, g_suites_openssl, g_suites_ssl_server2, g_suites_unsupported_refused

# name -> (title, function, needs: set of "openssl"/"gnutls"/"ssl_server2")
GROUPS = {
    "must_dtls_psk_nbio_gnutls": ("Must-show: DTLS-PSK non-blocking echo with gnutls-serv", g_must_dtls_psk_nbio_gnutls, {"gnutls"}),
    "must_resumption_openssl": ("Must-show: resumption proven by s_server and ql_ssl_session_resumed", g_must_resumption_openssl, {"openssl"}),
    "must_dtls_timeout_silent_peer": ("Must-show: negotiate timeout bounds a DTLS handshake with a silent peer", g_must_dtls_timeout_silent_peer, set()),
    "must_rc4_3des_gnutls": ("Must-show: RC4 and 3DES from explicit lists with gnutls-serv", g_must_rc4_3des_gnutls, {"gnutls"}),
    "must_version_pinning_openssl": ("Must-show: version pinning against single-version servers", g_must_version_pinning_openssl, {"openssl"}),
    "matrix_openssl_tls": ("Matrix: openssl s_server, TLS", g_matrix_openssl_tls, {"openssl"}),
    "matrix_openssl_dtls": ("Matrix: openssl s_server, DTLS", g_matrix_openssl_dtls, {"openssl"}),
    "matrix_gnutls_tls": ("Matrix: gnutls-serv, TLS", g_matrix_gnutls_tls, {"gnutls"}),
    "matrix_gnutls_dtls": ("Matrix: gnutls-serv, DTLS", g_matrix_gnutls_dtls, {"gnutls"}),
    "matrix_ssl_server2_tls": ("Matrix: ssl_server2 (same-family), TLS", g_matrix_ssl_server2_tls, {"ssl_server2"}),
    "matrix_ssl_server2_dtls": ("Matrix: ssl_server2 (same-family), DTLS", g_matrix_ssl_server2_dtls, {"ssl_server2"}),
    "resumption_openssl": ("Resumption: openssl s_server", g_resumption_openssl, {"openssl"}),
    "resumption_gnutls": ("Resumption: gnutls-serv", g_resumption_gnutls, {"gnutls"}),
    "resumption_ssl_server2": ("Resumption: ssl_server2 (same-family)", g_resumption_ssl_server2, {"ssl_server2"}),
    "psk_openssl": ("PSK: openssl s_server", g_psk_openssl, {"openssl"}),
    "psk_gnutls": ("PSK: gnutls-serv", g_psk_gnutls, {"gnutls"}),
    "psk_ssl_server2": ("PSK: ssl_server2 (same-family)", g_psk_ssl_server2, {"ssl_server2"}),
    "ssl3_same_family": ("SSL 3.0 against ssl_server2 (same-family)", g_ssl3_same_family, {"ssl_server2"}),
    "renegotiation_openssl": ("Server-initiated renegotiation (openssl s_server 'r')", g_renegotiation_openssl, {"openssl"}),
    "unusable_list_refused_locally": ("Explicit lists with no suite usable at the configured version/transport", g_unusable_list_refused_locally, {"openssl"}),
    "suites_openssl": ("Every suite OpenSSL has, one by one (TLS 1.2; DTLS 1.2 one per family)", g_suites_openssl, {"openssl"}),
    "suites_gnutls": ("Suites OpenSSL lacks, against gnutls-serv (TLS 1.2; DTLS 1.2 one per family)", g_suites_gnutls, {"gnutls"}),
    "suites_ssl_server2": ("Static-ECDH and ARIA-CBC suites against ssl_server2 (same-family; TLS 1.2, DTLS 1.2 one per family)", g_suites_ssl_server2, {"ssl_server2"}),
    "suites_unsupported_refused": ("SDK suites this build lacks: NOT_SUPPORT naming the suite", g_suites_unsupported_refused, {"openssl"}),
}

def missing_peers(args, needs):
    miss = []
    if "openssl" in needs and not shutil.which("openssl"):
        miss.append("openssl")
    if "gnutls" in needs and not (shutil.which("gnutls-serv") and shutil.which("gnutls-cli")):
        miss.append("gnutls-serv")
    if "ssl_server2" in needs and not os.path.exists(ssl_server2_path(args)):
        miss.append("ssl_server2 (run `interop_matrix.py prepare`)")
    if needs & {"openssl"} and not shutil.which("stdbuf"):
        miss.append("stdbuf")
    return miss

def run_group(args, name):
    title, fn, needs = GROUPS[name]
    g = Group(args, name)
    miss = missing_peers(args, needs)
    if miss:
        g.save(skipped="peer not available: " + ", ".join(miss))
        log("SKIP %s: peer not available: %s" % (name, ", ".join(miss)))
        return SKIP_RC
    log("== %s (%s)%s" % (name, title, " [private network namespace]" if os.environ.get("QLSSL_INTEROP_IN_NETNS")
                          else " [host loopback]"))
    try:
        fn(g)
    except Terminated as e:
        g.notes.append("terminated: %s" % e)
        g.cells.append({"id": name + "/terminated", "group": name, "peer": "-", "col": "-", "verdict": "FAIL",
                        "problems": ["terminated: %s" % e], "expect": {"ok": True}, "client": [], "server": []})
        raise
    except RuntimeError as e:
        g.cells.append({"id": name + "/peer-error", "group": name, "peer": "-", "col": "-", "verdict": "FAIL",
                        "problems": [str(e)], "expect": {"ok": True}, "client": [], "server": []})
        log("FAIL %s: %s" % (name, e))
    finally:
        g.stop_all()
        res = g.save()
    log("== %s: %d pass, %d FAIL, %.1f s" % (name, res["pass"], res["fail"], res["duration_s"]))
    return 0 if res["fail"] == 0 else 1

def maybe_enter_netns(argv):
    """Re-exec inside a private network namespace (loopback only) when possible."""
    if os.environ.get("QLSSL_INTEROP_IN_NETNS") or os.environ.get("QLSSL_INTEROP_NETNS") == "0":
        if os.environ.get("QLSSL_INTEROP_IN_NETNS"):
            subprocess.run(["ip", "link", "set", "lo", "up"], capture_output=True)
        return
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or not unshare or not shutil.which("ip"):
        return
    probe = subprocess.run([unshare, "--net", "true"], capture_output=True)
    if probe.returncode != 0:
        return
    env = dict(os.environ, QLSSL_INTEROP_IN_NETNS="1")
    sys.stdout.flush()
    os.execve(unshare, [unshare, "--net", "--", sys.executable, ENTRY] + argv, env)
