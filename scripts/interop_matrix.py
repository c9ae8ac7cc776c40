#!/usr/bin/env python3
"""qlssl interop matrix: run the ql_ssl_* client (tests/interop/interop_client.c) against real TLS/DTLS
peers on loopback and record what was negotiated, as ctest cases and as docs/INTEROP.md.

Peers, each started by this script on a free loopback port and always killed afterwards:
  openssl s_server   independent peer (OpenSSL)          TLS 1.0-1.2, DTLS 1.0/1.2, PSK, resumption,
                                                           renegotiation (stdin command "r")
  gnutls-serv        independent peer (GnuTLS)           the only independent peer with RC4, 3DES, Camellia-GCM
  ssl_server2        SAME-FAMILY peer: mbedtls's own sample server, built at test time from a copy of
                     the vendored mbedtls sources of mbedtls-sys-auto (config edited on the copy:
                     SSL 3.0 and ARIA on, RC4/3DES kept in the default list); the only peer for
                     static-ECDH and ARIA-CBC suites and SSL 3.0. Same code base as the library: it proves wiring, not
                     independent interoperability.

Usage (normally driven by tests/interop/CMakeLists.txt):
  interop_matrix.py [--work DIR] [--client EXE] prepare          certificates + ssl_server2 build
  interop_matrix.py [--work DIR] [--client EXE] run GROUP...     run groups; exit 1 on any mismatch,
                                                                  77 when the group's peer is missing
  interop_matrix.py [--work DIR] doc [--check]                   regenerate (or check) docs/INTEROP.md
  interop_matrix.py [--work DIR] --client EXE all                 everything, then the doc
  interop_matrix.py list                                          group names

Every group runs inside a private network namespace (`unshare --net`, loopback only) when that is
possible (root with CAP_SYS_ADMIN); otherwise peers listen on the host and the client only ever
connects to 127.0.0.1. Set QLSSL_INTEROP_NETNS=0 to skip the namespace.
"""

import argparse
import base64
import ctypes
import datetime
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC_PATH = os.path.join(ROOT, "docs", "INTEROP.md")
GEN_CERTS = os.path.join(ROOT, "tests", "interop", "gen_certs.sh")
HOST = "127.0.0.1"
PSK_IDENTITY = "qlssl-interop"
PSK_KEY = "00112233445566778899aabbccddeeff"   # hex string, the QL_SSL_CONF_PSK_KEY format
SKIP_RC = 77

# ---------------------------------------------------------------------------------------------
# The 32 cipher suites of the module AT manual's table and their properties.
# ---------------------------------------------------------------------------------------------
TABLE3 = [
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    (0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
    (0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    (0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA"),
    (0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"),
    (0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
    (0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    (0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    (0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA"),
    (0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"),
    (0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"),
    (0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    (0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256"),
    (0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384"),
    (0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
]
TABLE3_IDS = [sid for sid, _ in TABLE3]
TABLE3_NAME = dict(TABLE3)
ALL = "all"   # the 0xFFFF row / list

def kx_of(sid):
    n = TABLE3_NAME[sid]
    for kx in ("ECDHE_ECDSA", "ECDHE_RSA", "ECDH_ECDSA", "ECDH_RSA"):
        if n.startswith("TLS_" + kx + "_"):
            return kx
    return "RSA"

def is_rc4(sid):
    return "_RC4_" in TABLE3_NAME.get(sid, "")

def is_3des(sid):
    return "_3DES_" in TABLE3_NAME.get(sid, "")

def is_ec(sid):
    return kx_of(sid) != "RSA"

def tls12_only(sid):
    n = TABLE3_NAME[sid]
    return n.endswith("_SHA256") or n.endswith("_SHA384")

def client_refuses(sid, proto):
    """Why the library (mbedtls rules, RFCs) cannot use suite sid at proto, or None."""
    if proto.startswith("dtls") and is_rc4(sid):
        return ("d", "RC4 is not allowed in DTLS (RFC 6347 4.1.2.2)")
    if tls12_only(sid) and proto not in ("tls1.2", "dtls1.2"):
        return ("v", "SHA-256/384 and GCM suites need TLS 1.2")
    if proto == "ssl3" and is_ec(sid):
        return ("v", "EC suites need TLS 1.0+ (RFC 4492 hello extensions)")
    return None

def ca_for(ctx, sid):
    if sid == ALL:
        return [ctx.pki("rsa-ca.pem"), ctx.pki("ecdsa-ca.pem")]
    return [ctx.pki("ecdsa-ca.pem")] if kx_of(sid) in ("ECDHE_ECDSA", "ECDH_ECDSA") else [ctx.pki("rsa-ca.pem")]

# Protocol selectors (matrix columns) and what the client offers for each.
COLS_TLS = ["ssl3", "tls1.0", "tls1.1", "tls1.2", "all"]
COLS_DTLS = ["dtls1.0", "dtls1.2"]
CLIENT_PROTOS = {"ssl3": ["ssl3"], "tls1.0": ["tls1.0"], "tls1.1": ["tls1.1"], "tls1.2": ["tls1.2"],
                 "all": ["tls1.0", "tls1.1", "tls1.2"], "dtls1.0": ["dtls1.0"], "dtls1.2": ["dtls1.2"]}
COL_TITLE = {"ssl3": "SSL 3.0 (V0)", "tls1.0": "TLS 1.0 (V1)", "tls1.1": "TLS 1.1 (V2)",
             "tls1.2": "TLS 1.2 (V3)", "all": "ALL (V4)", "dtls1.0": "DTLS 1.0", "dtls1.2": "DTLS 1.2"}

def col_args(col):
    if col.startswith("dtls"):
        return ["transport=dtls", "dtlsversion=%d" % (0 if col == "dtls1.0" else 1)]
    return ["transport=tls", "version=%d" % {"ssl3": 0, "tls1.0": 1, "tls1.1": 2, "tls1.2": 3, "all": 4}[col]]

def norm_proto(s):
    """Normalise a peer's protocol spelling to ssl3/tls1.0/.../dtls1.2."""
    if s is None:
        return None
    t = s.strip().lower().replace("v", "").replace(" ", "")
    table = {"ssl3": "ssl3", "ssl3.0": "ssl3", "tls1": "tls1.0", "tls1.0": "tls1.0", "tls1.1": "tls1.1",
             "tls1.2": "tls1.2", "dtls1": "dtls1.0", "dtls1.0": "dtls1.0", "dtls1.2": "dtls1.2"}
    return table.get(t, t)

def hexid(v):
    return "0x%04X" % v if isinstance(v, int) and v >= 0 else str(v)

# ---------------------------------------------------------------------------------------------
# Process handling: every child dies with us (PR_SET_PDEATHSIG) and is killed in `finally`.
# ---------------------------------------------------------------------------------------------
_libc = ctypes.CDLL(None, use_errno=True)

def _child_setup():
    _libc.prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG

class Terminated(Exception):
    pass

def _on_signal(signum, _frame):
    raise Terminated("signal %d" % signum)

def log(msg):
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()

def free_port(kind):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port

class Server:
    """One peer process on a free loopback port, its output in a log file."""

    def __init__(self, ctx, name, kind, argv_fn, ready_re, env=None, parse=None):
        self.ctx, self.name, self.kind, self.argv_fn = ctx, name, kind, argv_fn
        self.ready_re = re.compile(ready_re, re.M)
        self.env = env
        self.parse = parse
        self.proc = None
        self.port = None
        self.log_path = os.path.join(ctx.log_dir, name + ".log")
        self.argv = None

    def start(self):
        last = ""
        for _attempt in range(5):
            self.port = free_port(self.kind)
            self.argv = self.argv_fn(self.port)
            logf = open(self.log_path, "wb")
            env = dict(os.environ)
            env.update(self.env or {})
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=logf, stderr=subprocess.STDOUT,
                                         env=env, cwd=self.ctx.log_dir, preexec_fn=_child_setup,
                                         start_new_session=True)
            logf.close()
            self.ctx.servers.append(self)
            deadline = time.monotonic() + 15.0
            while time.monotonic() < deadline:
                text = self.text_since(0)
                if self.ready_re.search(text):
                    time.sleep(0.05)
                    return self
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
            last = self.text_since(0)
            self.stop()
            if not re.search(r"in use|bind", last, re.I):
                break
        raise RuntimeError("peer %s did not come up: %s\n--- log ---\n%s" % (self.name, " ".join(self.argv), last[-3000:]))

    def offset(self):
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def text_since(self, off):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(off)
                return f.read().decode("latin-1")
        except OSError:
            return ""

    def send_stdin(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            self.proc.stdin.close()
        except (OSError, ValueError):
            pass
        self.proc = None

# ---------------------------------------------------------------------------------------------
# Peer discovery: versions and what each peer can negotiate (asked from the peer itself).
# ---------------------------------------------------------------------------------------------
def run_text(argv, timeout=30, env=None):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
        return r.returncode, r.stdout + r.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return -1, str(e)

GNUTLS_PRIO_TLS = ("NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+ARCFOUR-128:+3DES-CBC:+MD5:+SHA256:+SHA384:+RSA:"
                   "+PSK:+ECDHE-PSK")
GNUTLS_PRIO_DTLS = "NORMAL:+VERS-DTLS1.0:+3DES-CBC:+SHA256:+SHA384:+RSA:+PSK:+ECDHE-PSK"
OPENSSL_CIPHERS = "ALL:COMPLEMENTOFALL:@SECLEVEL=0"

class Caps:
    """What a peer offers: suites {id: (name, needs_tls12)} and protocol versions."""

    def __init__(self, name, version, suites, protos, names=None):
        self.name, self.version, self.suites, self.protos = name, version, suites, set(protos)
        self.names = names or {}   # peer's spelling -> id

    def supports(self, sid, proto):
        if proto not in self.protos or sid not in self.suites:
            return False
        if self.suites[sid][1] and proto not in ("tls1.2", "dtls1.2"):
            return False
        if proto.startswith("dtls") and is_rc4(sid):
            return False
        if proto == "ssl3" and is_ec(sid):
            return False
        return True

def openssl_caps():
    exe = shutil.which("openssl")
    if not exe:
        return None
    _, ver = run_text([exe, "version"])
    _, out = run_text([exe, "ciphers", "-V", OPENSSL_CIPHERS + ":PSK"])
    suites, names = {}, {}
    for line in out.splitlines():
        m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+(\S+)", line)
        if m:
            sid = int(m.group(1) + m.group(2), 16)
            names[m.group(3)] = sid
            suites[sid] = (m.group(3), m.group(4) == "TLSv1.2")
    _, helptext = run_text([exe, "s_server", "-help"])
    protos = ["tls1.0", "tls1.1", "tls1.2", "dtls1.0", "dtls1.2"]
    if re.search(r"^\s*-ssl3\s", helptext, re.M):
        protos.append("ssl3")
    return Caps("openssl", ver.strip().splitlines()[0] if ver.strip() else "?", suites, protos, names)

def gnutls_caps(prio):
    exe = shutil.which("gnutls-serv")
    cli = shutil.which("gnutls-cli")
    if not exe or not cli:
        return None
    _, ver = run_text([exe, "--version"])
    _, out = run_text([cli, "--list", "--priority", prio])
    suites, names = {}, {}
    protos = []
    for line in out.splitlines():
        m = re.match(r"(TLS_\S+)\s+0x([0-9a-f]{2}), 0x([0-9a-f]{2})\s+(\S+)", line)
        if m:
            sid = int(m.group(2) + m.group(3), 16)
            suites[sid] = (m.group(1), m.group(4) == "TLS1.2")
            names[m.group(1)] = sid
            names["GNUTLS_" + m.group(1)[4:]] = sid
            names[m.group(1)[4:]] = sid
        if line.startswith("Protocols:"):
            for p in re.findall(r"VERS-(\S+?)(?:,|$)", line):
                q = norm_proto(p.replace("SSL3.0", "ssl3"))
                if q in ("ssl3", "tls1.0", "tls1.1", "tls1.2", "dtls1.0", "dtls1.2"):
                    protos.append(q)
    return Caps("gnutls", ver.strip().splitlines()[0] if ver.strip() else "?", suites, protos, names)

def mbedtls_names(src):
    names = {}
    hdr = os.path.join(src, "include", "mbedtls", "ssl_ciphersuites.h")
    try:
        text = open(hdr).read()
    except OSError:
        return names
    for m in re.finditer(r"#define MBEDTLS_(TLS_\w+)\s+0x([0-9A-Fa-f]+)", text):
        names[m.group(1).replace("_", "-")] = int(m.group(2), 16)
    return names

# ---------------------------------------------------------------------------------------------
# Server-side views: what the peer says it negotiated, per connection.
# ---------------------------------------------------------------------------------------------
def sv(proto=None, suite=None, reused=None, data=None, name=None):
    return {"proto": proto, "suite": suite, "reused": reused, "data": data, "name": name}

def view_openssl_www(body, caps):
    """openssl s_server -www page: 'New|Reused, <cipher version>, Cipher is X' + SSL_SESSION_print."""
    m_re = re.search(r"^(New|Reused), ", body, re.M)
    m_proto = re.search(r"^\s*Protocol\s*:\s*(\S+)", body, re.M)
    m_cipher = re.search(r"^\s*Cipher\s*:\s*(\S+)", body, re.M)
    name = m_cipher.group(1) if m_cipher else None
    return sv(proto=norm_proto(m_proto.group(1)) if m_proto else None,
              suite=caps.names.get(name) if name else None,
              reused=(m_re.group(1) == "Reused") if m_re else None, data=bool(body), name=name)

def _asn1_session(pem_b64):
    """(protocol version, cipher id) from an SSL_SESSION ASN.1 blob (openssl's session PEM)."""
    try:
        der = base64.b64decode(pem_b64)
        # SEQUENCE { INTEGER version(1), INTEGER sslVersion, OCTET STRING cipher(2) ... }
        i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
        def tlv(i):
            tag, ln = der[i], der[i + 1]
            return tag, der[i + 2:i + 2 + ln], i + 2 + ln
        _, _, i = tlv(i)
        _, v, i = tlv(i)
        _, c, i = tlv(i)
        ver = int.from_bytes(v, "big")
        cid = int.from_bytes(c, "big")
        proto = {0x0300: "ssl3", 0x0301: "tls1.0", 0x0302: "tls1.1", 0x0303: "tls1.2",
                 0xFEFF: "dtls1.0", 0xFEFD: "dtls1.2"}.get(ver, hex(ver))
        return proto, cid
    except Exception:   # noqa: BLE001 - a peer log we cannot parse is simply "no view"
        return None, None

def views_openssl_log(text, label):
    """openssl s_server (non-www) log: one session PEM per connection, 'Reused session-id', data."""
    views = []
    parts = text.split("-----BEGIN SSL SESSION PARAMETERS-----")[1:]
    for part in parts:
        m = re.match(r"\s*(.*?)-----END SSL SESSION PARAMETERS-----", part, re.S)
        proto, cid = _asn1_session("".join(m.group(1).split())) if m else (None, None)
        data = None
        if label is not None:
            data = ("qlssl-interop %s conn " % label) in part
        views.append(sv(proto=proto, suite=cid, reused="Reused session-id" in part, data=data))
    return views

def views_gnutls_log(text, caps):
    """gnutls-serv -d 4 log, one section per ClientHello: full handshakes log 'Selected cipher suite'."""
    views = []
    sections = re.split(r"^.*Client's version: .*$", text, flags=re.M)[1:]
    for sec in sections:
        if "SERVER HELLO was queued" not in sec:
            continue   # the server rejected this ClientHello
        sel = re.findall(r"Selected cipher suite: (\S+)", sec)
        cs = re.findall(r"Cipher Suite: (\S+)", sec)
        ver = re.findall(r"Selected version (\S+)", sec)
        name = (sel or cs or [None])[-1]
        hello = "SERVER HELLO was queued" in sec
        views.append(sv(proto=norm_proto(ver[-1]) if ver else None, suite=caps.names.get(name) if name else None,
                        reused=(not sel) if hello else None, name=name,
                        data=True if "bytes command: qlssl-interop" in sec else None))
    return views

def view_gnutls_www(body, caps):
    m_p = re.search(r"Protocol version:</TD><TD>([^<]+)<", body)
    m_c = re.search(r"Ciphersuite</TD><TD>([^<]+)<", body)
    name = m_c.group(1) if m_c else None
    return sv(proto=norm_proto(m_p.group(1)) if m_p else None, suite=caps.names.get(name) if name else None,
              data=bool(body), name=name)

def views_mbedtls_log(text, names):
    """ssl_server2 log, one section per '. Performing the SSL/TLS handshake'."""
    views = []
    for sec in re.split(r"\. Performing the SSL/TLS handshake", text)[1:]:
        if "[ Protocol is" not in sec:
            continue   # a DTLS cookie round (HelloVerifyRequest) or a failed handshake
        p = re.search(r"\[ Protocol is (\S+) \]", sec)
        c = re.search(r"\[ Ciphersuite is (\S+) \]", sec)
        reused = None
        if "a session has been resumed" in sec:
            reused = True
        elif "no session has been resumed" in sec:
            reused = False
        ok = p is not None
        views.append(sv(proto=norm_proto(p.group(1)) if p else None,
                        suite=names.get(c.group(1)) if c else None, reused=reused if ok else None,
                        name=c.group(1) if c else None, data=True if ok and "Write to client" in sec else None))
    return views

# ---------------------------------------------------------------------------------------------
# The group context: logs, peers, the client, cells.
# ---------------------------------------------------------------------------------------------
class Group:
    def __init__(self, args, name):
        self.args, self.name = args, name
        self.work = args.work
        self.log_dir = os.path.join(self.work, "logs", name)
        shutil.rmtree(self.log_dir, ignore_errors=True)
        os.makedirs(self.log_dir, exist_ok=True)
        self.servers = []
        self.cells = []
        self.notes = []
        self.peers = {}
        self.started = time.time()
        self.openssl_conf = os.path.join(self.work, "openssl-empty.cnf")
        if not os.path.exists(self.openssl_conf):
            open(self.openssl_conf, "w").close()
        self.n = 0

    def pki(self, f):
        return os.path.join(self.work, "pki", f)

    def stop_all(self):
        for s in self.servers:
            s.stop()
        self.servers = []

    # -- peers ---------------------------------------------------------------------------------
    def openssl_server(self, name, extra, dtls=False, www=True, certs=True):
        caps = openssl_caps()
        self.peers["openssl"] = caps.version
        def argv(port):
            a = ["stdbuf", "-oL", "-eL", "openssl", "s_server", "-accept", "%s:%d" % (HOST, port)]
            if certs:
                a += ["-cert", self.pki("rsa.pem"), "-key", self.pki("rsa.key"),
                      "-dcert", self.pki("ecdsa.pem"), "-dkey", self.pki("ecdsa.key")]
            if dtls:
                a += ["-dtls"]
            if www:
                a += ["-www"]
            return a + extra
        return Server(self, name, "udp" if dtls else "tcp", argv, r"^ACCEPT",
                      env={"OPENSSL_CONF": self.openssl_conf}).start()

    def gnutls_server(self, name, extra, dtls=False, certs=True, debug=True, prio=None):
        prio = prio or (GNUTLS_PRIO_DTLS if dtls else GNUTLS_PRIO_TLS)
        caps = gnutls_caps(prio)
        self.peers["gnutls"] = caps.version
        def argv(port):
            a = ["gnutls-serv", "-p", str(port), "-a"]
            if debug:
                a += ["-d", "4"]
            if certs:
                a += ["--x509certfile", self.pki("rsa.pem"), "--x509keyfile", self.pki("rsa.key"),
                      "--x509certfile", self.pki("ecdsa.pem"), "--x509keyfile", self.pki("ecdsa.key")]
            a += ["-u", "--echo"] if dtls else ["--http"]
            a += ["--priority", prio]
            return a + extra
        return Server(self, name, "udp" if dtls else "tcp", argv, r"listening on IPv4").start()

    def ssl_server2(self, name, extra, dtls=False, ec_cert="ecdsa"):
        exe = ssl_server2_path(self.args)
        self.peers["ssl_server2"] = ssl_server2_version(self.args)
        def argv(port):
            a = ["stdbuf", "-oL", "-eL", exe, "server_addr=" + HOST, "server_port=%d" % port,
                 "crt_file=" + self.pki("rsa.pem"), "key_file=" + self.pki("rsa.key"),
                 "crt_file2=" + self.pki(ec_cert + ".pem"), "key_file2=" + self.pki(ec_cert + ".key"),
                 "auth_mode=none", "arc4=1", "debug_level=3"]
            if dtls:
                a += ["dtls=1"]
            return a + extra
        return Server(self, name, "udp" if dtls else "tcp", argv, r"Waiting for a remote connection").start()

    # -- the client ----------------------------------------------------------------------------
    def client(self, label, port, argv, timeout):
        cmd = [self.args.client, "label=" + label, "host=" + HOST, "port=%d" % port] + argv
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=_child_setup)
            out, rc = r.stdout, r.returncode
            err = r.stderr
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            rc, err = -9, "client killed after %d s" % timeout
        results = []
        for line in out.splitlines():
            if line.startswith("QLSSL-INTEROP {"):
                results.append(json.loads(line[len("QLSSL-INTEROP "):]))
        return results, rc, out, err, cmd

    # -- one cell --------------------------------------------------------------------------------
    def cell(self, peer, server, col, suites, expect, conns=1, cache=None, nbio=0, mode=None, until=None,
             extra=None, auth=None, server_view=None, section=None, cid=None, note=None, timeout=None):
        """Run one cell. expect: dict(ok, code, reason, suite, proto, resumed=[..], psk, server_resume)."""
        self.n += 1
        sl = suites if suites == ALL else list(suites)
        sname = "all" if sl == ALL else "+".join("%04X" % s for s in sl)
        cell_id = cid or "%s/%s/%s%s%s" % (peer, col, sname, "/nbio" if nbio else "",
                                           ("/resume%d" % (conns - 1) if cache else "") if conns > 1 else "")
        label = re.sub(r"[^A-Za-z0-9_.+-]", "_", cell_id)
        argv = col_args(col)
        argv.append("suites=" + ("all" if sl == ALL else ",".join("0x%04X" % s for s in sl)))
        if auth is None:
            argv += ["auth=1", "hostname=localhost"] + ["ca=" + c for c in
                                                       (ca_for(self, sl if sl == ALL else (sl[0] if len(sl) == 1 else ALL)))]
        else:
            argv += auth
        if cache is not None:
            argv.append("cache=%d" % cache)
        # DTLS cells expected to be refused get a 1 s negotiate timeout: some peers (gnutls-serv -u)
        # drop a ClientHello they cannot serve without an alert, so the client only learns by timing out.
        hs_timeout = 8 if not col.startswith("dtls") else (6 if expect["ok"] else 1)
        argv += ["conns=%d" % conns, "nbio=%d" % nbio, "hs_timeout=%d" % hs_timeout, "io_timeout=5"]
        if mode:
            argv.append("mode=" + mode)
        if until:
            argv.append("until=" + until)
        save = os.path.join(self.log_dir, "rx-%04d" % self.n)
        argv.append("save=" + save)
        argv += extra or []
        off = server.offset() if server else 0
        t0 = time.monotonic()
        results, rc, out, err, cmd = self.client(label, server.port if server else 0, argv,
                                                 timeout or conns * 25 + 10)
        elapsed = time.monotonic() - t0
        bodies = []
        for i in range(conns):
            try:
                with open("%s.%d" % (save, i + 1), "rb") as f:
                    bodies.append(f.read().decode("latin-1"))
            except OSError:
                bodies.append("")
        # Server views (wait a little for the peer's log to catch up).
        views = []
        if server_view is not None:
            ok_conns = sum(1 for r in results if r.get("handshake") == 0)
            deadline = time.monotonic() + (2.0 if ok_conns else 0.3)
            while True:
                views = server_view(server.text_since(off) if server else "", bodies, label)
                complete = len(views) >= ok_conns and all(v.get("data") is not False for v in views[:ok_conns])
                if expect.get("resumed") is not None:
                    complete = complete and all(v.get("reused") is not None for v in views[:ok_conns])
                if complete or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        verdict, problems = evaluate(expect, sl, conns, results, views, rc)
        rec = {
            "id": cell_id, "group": self.name, "peer": peer, "col": col,
            "suites": sl if sl == ALL else ["0x%04X" % s for s in sl],
            "conns": conns, "cache": cache, "nbio": nbio, "expect": expect, "verdict": verdict,
            "problems": problems, "client": results, "server": views, "elapsed_s": round(elapsed, 3),
            "note": note, "cmd": " ".join(cmd),
        }
        if verdict != "pass":
            rec["client_stdout"] = out[-4000:]
            rec["client_stderr"] = err[-2000:]
            if server:
                rec["server_log_tail"] = server.text_since(off)[-3000:]
        self.cells.append(rec)
        r0 = results[0] if results else {}
        neg = hexid(r0.get("suite", -1)) if r0.get("handshake") == 0 else (r0.get("handshake_name") or
                                                                          r0.get("setup_name") or "no result")
        srv = views[0] if views else {}
        log("%-4s %-46s expect=%-4s got=%-14s server=%s/%s%s" % (
            "ok" if verdict == "pass" else "FAIL", cell_id, "ok" if expect["ok"] else "fail", neg,
            srv.get("proto") or "-", hexid(srv.get("suite")) if srv.get("suite") is not None else "-",
            "" if verdict == "pass" else "\n      " + "\n      ".join(problems)))
        return rec

    def save(self, skipped=None):
        res = {
            "group": self.name, "title": GROUPS[self.name][0], "started": datetime.datetime.fromtimestamp(
                self.started, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "duration_s": round(time.time() - self.started, 1), "netns": bool(os.environ.get("QLSSL_INTEROP_IN_NETNS")),
            "peers": self.peers, "cells": self.cells, "notes": self.notes, "skipped": skipped,
            "pass": sum(1 for c in self.cells if c["verdict"] == "pass"),
            "fail": sum(1 for c in self.cells if c["verdict"] != "pass"),
        }
        os.makedirs(os.path.join(self.work, "results"), exist_ok=True)
        with open(os.path.join(self.work, "results", self.name + ".json"), "w") as f:
            json.dump(res, f, indent=1)
        return res

def evaluate(expect, suites, conns, results, views, rc):
    problems = []
    if rc in (2, 3, -9) or rc < 0:
        problems.append("client exit status %d (2 usage, 3 watchdog, <0 killed)" % rc)
    if not expect["ok"]:
        r = results[0] if results else None
        if r is None:
            problems.append("no result line")
        elif r["setup"] == 0 and r["handshake"] == 0:
            problems.append("expected a refusal (%s) but the handshake succeeded with %s%s" % (
                expect.get("reason"), hexid(r["suite"]),
                "" if suites == ALL or r["suite"] in suites else " - NOT in the offered list (silent downgrade)"))
        elif expect.get("code") is not None and r["handshake"] != expect["code"] and r["setup"] != expect["code"]:
            problems.append("expected error %d, got setup=%s handshake=%s" % (expect["code"], r["setup_name"],
                                                                            r["handshake_name"]))
        for k in ("timeout_cb", "max_ms", "min_ms"):
            if r is None or k not in expect:
                continue
            if k == "timeout_cb" and r["timeout_cb"] != expect[k]:
                problems.append("timeout callback called %d times, expected %d" % (r["timeout_cb"], expect[k]))
            if k == "max_ms" and r["hs_ms"] > expect[k]:
                problems.append("handshake took %.0f ms, bound %d ms" % (r["hs_ms"], expect[k]))
            if k == "min_ms" and r["hs_ms"] < expect[k]:
                problems.append("handshake gave up after %.0f ms, before %d ms" % (r["hs_ms"], expect[k]))
        return ("pass" if not problems else "FAIL"), problems
    if len(results) != conns:
        problems.append("%d result lines for %d connections" % (len(results), conns))
    if rc != 0 and not problems:
        problems.append("client exit status %d although every connection reported success "
                        "(sanitizer report? see client_stderr)" % rc)
    for i, r in enumerate(results):
        c = i + 1
        if r["setup"] != 0:
            problems.append("conn %d: setup %s: %s" % (c, r["setup_name"], r["error"]))
            continue
        if r["handshake"] != 0:
            problems.append("conn %d: handshake %s: %s" % (c, r["handshake_name"], r["error"]))
            continue
        if r["exchange"] != "ok":
            problems.append("conn %d: data exchange failed: %s %s" % (c, r["exch_error"], r["error"]))
        if expect.get("suite") is not None and r["suite"] != expect["suite"]:
            problems.append("conn %d: negotiated %s, expected %s" % (c, hexid(r["suite"]), hexid(expect["suite"])))
        if suites != ALL and r["suite"] not in suites:
            problems.append("conn %d: negotiated %s is not in the offered list" % (c, hexid(r["suite"])))
        v = views[i] if i < len(views) else None
        if expect.get("server_view", True) and v is None:
            problems.append("conn %d: no server-side record of this connection" % c)
        if v:
            if v.get("suite") is not None and v["suite"] != r["suite"]:
                problems.append("conn %d: client reports %s, server reports %s (%s)" % (
                    c, hexid(r["suite"]), hexid(v["suite"]), v.get("name")))
            if v.get("suite") is None and expect.get("server_view", True) and not v.get("reused"):
                problems.append("conn %d: server did not report a cipher suite (%s)" % (c, v.get("name")))
            if expect.get("proto") and v.get("proto") and v["proto"] != expect["proto"]:
                problems.append("conn %d: server reports %s, expected %s" % (c, v["proto"], expect["proto"]))
            if v.get("data") is False:
                problems.append("conn %d: the server did not receive the client's data" % c)
            if expect.get("psk") and v.get("name") and "PSK" not in v["name"].upper():
                problems.append("conn %d: server suite %s is not a PSK suite" % (c, v["name"]))
        if expect.get("resumed") is not None:
            want = expect["resumed"][i]
            if r["resumed"] != want:
                problems.append("conn %d: ql_ssl_session_resumed()=%d, expected %d" % (c, r["resumed"], want))
            if expect.get("server_resume", True):
                if v is None or v.get("reused") is None:
                    problems.append("conn %d: no server-side resumption evidence" % c)
                elif v["reused"] != bool(want):
                    problems.append("conn %d: server says %s, expected %s" % (
                        c, "reused" if v["reused"] else "new session", "reused" if want else "new session"))
    return ("pass" if not problems else "FAIL"), problems

def ok(proto=None, suite=None, **kw):
    d = {"ok": True, "proto": proto, "suite": suite}
    d.update(kw)
    return d

def refused(code_letter, reason, **kw):
    d = {"ok": False, "why": code_letter, "reason": reason}
    d.update(kw)
    return d

def expect_cell(caps, col, sid, peer_label):
    common = [p for p in CLIENT_PROTOS[col] if p in caps.protos]
    if not common:
        return refused("n", "%s does not speak %s" % (peer_label, col))
    p = common[-1]
    if sid == ALL:
        return ok(proto=p)
    why = client_refuses(sid, p)
    if why:
        return refused(why[0], why[1])
    if not caps.supports(sid, p):
        return refused("p", "%s has no %s at %s" % (peer_label, TABLE3_NAME[sid], p))
    return ok(proto=p, suite=sid)

# ---------------------------------------------------------------------------------------------
# ssl_server2: built at test time from a copy of the vendored mbedtls sources.
# ---------------------------------------------------------------------------------------------
def mbedtls_vendor_dir():
    env = os.environ.get("QLSSL_MBEDTLS_SRC")
    if env:
        return env
    ver = None
    try:
        lock = open(os.path.join(ROOT, "Cargo.lock")).read()
        m = re.search(r'name = "mbedtls-sys-auto"\nversion = "([^"]+)"', lock)
        ver = m.group(1) if m else None
    except OSError:
        pass
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    pats = [os.path.join(home, "registry", "src", "*", "mbedtls-sys-auto-%s" % (ver or "*"), "vendor")]
    for p in pats:
        hits = sorted(glob.glob(p))
        if hits:
            return hits[-1]
    return None

def ssl_server2_path(args):
    return os.path.join(args.work, "mbedtls-build", "programs", "ssl", "ssl_server2")

def ssl_server2_version(args):
    src = os.path.join(args.work, "mbedtls-src", "include", "mbedtls", "version.h")
    try:
        m = re.search(r'MBEDTLS_VERSION_STRING\s+"([^"]+)"', open(src).read())
        return "mbedtls %s ssl_server2 (sample server built from mbedtls-sys-auto's vendored sources)" % m.group(1)
    except (OSError, AttributeError):
        return "mbedtls ssl_server2"

CONFIG_EDITS = [
    ("set", "MBEDTLS_SSL_PROTO_SSL3"),              # SSL 3.0, as the library's own build has it
    ("unset", "MBEDTLS_REMOVE_ARC4_CIPHERSUITES"),  # keep RC4 suites in the server's default list
    ("unset", "MBEDTLS_REMOVE_3DES_CIPHERSUITES"),  # keep 3DES suites in the server's default list
    ("set", "MBEDTLS_ARIA_C"),                      # ARIA, as the library's build has it (off in config.h)
]

def edit_config(path):
    text = open(path).read()
    for op, name in CONFIG_EDITS:
        if op == "set":
            text, n = re.subn(r"^//\s*#define %s\b" % name, "#define %s" % name, text, flags=re.M)
            if n == 0 and not re.search(r"^#define %s\b" % name, text, re.M):
                raise RuntimeError("config.h: cannot enable %s" % name)
        else:
            text = re.sub(r"^#define %s\b" % name, "//#define %s" % name, text, flags=re.M)
    open(path, "w").write(text)

def build_ssl_server2(args):
    exe = ssl_server2_path(args)
    stamp = os.path.join(args.work, "mbedtls-build", ".qlssl-stamp")
    vendor = mbedtls_vendor_dir()
    if vendor is None:
        log("ssl_server2: vendored mbedtls sources not found (set QLSSL_MBEDTLS_SRC)")
        return False
    want = "%s|%s" % (vendor, CONFIG_EDITS)
    if os.path.exists(exe) and os.path.exists(stamp) and open(stamp).read() == want:
        log("ssl_server2: up to date (%s)" % exe)
        return True
    src = os.path.join(args.work, "mbedtls-src")
    bld = os.path.join(args.work, "mbedtls-build")
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(bld, ignore_errors=True)
    log("ssl_server2: copying %s" % vendor)
    shutil.copytree(vendor, src, symlinks=True)
    edit_config(os.path.join(src, "include", "mbedtls", "config.h"))
    cmake = shutil.which("cmake")
    if not cmake:
        log("ssl_server2: cmake not found")
        return False
    t0 = time.monotonic()
    for cmd in ([cmake, "-S", src, "-B", bld, "-DENABLE_TESTING=OFF", "-DENABLE_PROGRAMS=ON",
                 "-DCMAKE_BUILD_TYPE=Release", "-DMBEDTLS_FATAL_WARNINGS=OFF", "-DUSE_SHARED_MBEDTLS_LIBRARY=OFF"],
                [cmake, "--build", bld, "--target", "ssl_server2", "-j", str(max(2, os.cpu_count() or 2))]):
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            log("ssl_server2 build failed: %s\n%s" % (" ".join(cmd), (r.stdout + r.stderr)[-4000:]))
            return False
    # The copy's config really has what the matrix relies on.
    for name, want_rc in (("MBEDTLS_SSL_PROTO_SSL3", 0), ("MBEDTLS_ARC4_C", 0), ("MBEDTLS_DES_C", 0),
                          ("MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA_ENABLED", 0), ("MBEDTLS_KEY_EXCHANGE_ECDH_RSA_ENABLED", 0),
                          ("MBEDTLS_REMOVE_ARC4_CIPHERSUITES", 1), ("MBEDTLS_ARIA_C", 0)):
        rc, _ = run_text([exe, "query_config=" + name])
        if rc != want_rc:
            log("ssl_server2: query_config=%s returned %d, expected %d" % (name, rc, want_rc))
            return False
    open(stamp, "w").write(want)
    log("ssl_server2: built in %.0f s (%s)" % (time.monotonic() - t0, exe))
    return True

def ensure_pki(args):
    d = os.path.join(args.work, "pki")
    r = subprocess.run(["bash", GEN_CERTS, d], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("gen_certs.sh failed: %s" % (r.stdout + r.stderr))

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

# -- every suite id of the SDK header ---------------------------------------------------------
HEADER_PATH = os.path.join(ROOT, "include", "ql_ssl.h")
# Suites no peer here can serve with certificates of their own kind are not the point: static-ECDH
# needs a server whose certificate key is the ECDH key, which only ssl_server2 offers.
GNUTLS_PRIO_ALL = ("NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+ARCFOUR-128:+3DES-CBC:+CAMELLIA-128-GCM:+CAMELLIA-256-GCM:"
                   "+CAMELLIA-128-CBC:+CAMELLIA-256-CBC:+AES-128-CCM:+AES-256-CCM:+AES-128-CCM-8:+AES-256-CCM-8:"
                   "+MD5:+SHA256:+SHA384:+RSA:+DHE-RSA:+PSK:+DHE-PSK:+ECDHE-PSK:+RSA-PSK")
OPENSSL_CIPHERS_PSK = "ALL:COMPLEMENTOFALL:PSK:@SECLEVEL=0"

def sdk_suites():
    """[(id, IANA name)] of every QL_SSL_TLS_* suite macro in include/ql_ssl.h (the SDK's 162)."""
    text = open(HEADER_PATH).read()
    out = [(int(m.group(2)), m.group(1)) for m in re.finditer(r"^#define QL_SSL_(TLS_\w*_WITH_\w+) (\d+)$", text, re.M)]
    out += [(int(m.group(2)), m.group(1)) for m in re.finditer(r"^#define QL_SSL_(TLS_ECJPAKE\w+) (\d+)$", text, re.M)
            if "_WITH_" not in m.group(1)]
    return sorted(set(out))

def mbedtls_extra_suites():
    """[(id, IANA name)] of the suites mbedtls 2.28 defines beyond the SDK's 162 (ARIA, ChaCha20-
    Poly1305), from the vendored mbedtls-sys-auto sources; ql_ssl_ciphersuit_is_valid() accepts them."""
    vendor = mbedtls_vendor_dir()
    if vendor is None:
        return []
    try:
        text = open(os.path.join(vendor, "include", "mbedtls", "ssl_ciphersuites.h")).read()
    except OSError:
        return []
    sdk = set(sid for sid, _ in sdk_suites())
    return sorted((int(v, 16), n) for n, v in re.findall(r"#define MBEDTLS_(TLS_\w+)\s+0x([0-9A-Fa-f]+)", text)
                  if int(v, 16) not in sdk)

def sdk_suite_missing(name):
    """The suites this build's mbedtls leaves out (NULL, single DES, EC J-PAKE): the library must
    refuse them with QL_SSL_ERROR_NOT_SUPPORT (the library asks mbedtls; this is the expectation)."""
    return "_NULL_" in name or "_WITH_DES_" in name or "ECJPAKE" in name

def sdk_kx(name):
    m = re.match(r"TLS_(\w+?)_WITH_", name)
    return m.group(1) if m else "?"

def sdk_family(name):
    """Key exchange + cipher family, e.g. 'DHE_PSK / CAMELLIA-GCM'."""
    n = name
    if "CHACHA20" in n:
        c = "CHACHA20-POLY1305"
    elif "ARIA" in n:
        c = "ARIA-GCM" if "_GCM_" in n else "ARIA-CBC"
    elif "_NULL_" in n:
        c = "NULL (no encryption)"
    elif "_WITH_DES_" in n:
        c = "DES-CBC"
    elif "_RC4_" in n:
        c = "RC4"
    elif "_3DES_" in n:
        c = "3DES-CBC"
    elif "CAMELLIA" in n:
        c = "CAMELLIA-GCM" if "_GCM_" in n else "CAMELLIA-CBC"
    elif n.endswith("_CCM_8"):
        c = "AES-CCM_8"
    elif n.endswith("_CCM"):
        c = "AES-CCM"
    elif "_GCM_" in n:
        c = "AES-GCM"
    else:
        c = "AES-CBC"
    return "%s / %s" % (sdk_kx(n), c)

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
    os.execve(unshare, [unshare, "--net", "--", sys.executable, os.path.abspath(__file__)] + argv, env)

# ---------------------------------------------------------------------------------------------
# docs/INTEROP.md
# ---------------------------------------------------------------------------------------------
LEGEND = {
    "p": "peer lacks the suite at this version",
    "v": "suite not defined for this protocol version (SHA-256/384/GCM need TLS 1.2; EC needs TLS 1.0+)",
    "d": "RC4 is forbidden in DTLS",
    "n": "no common protocol version with the peer",
    "k": "wrong PSK key / identity",
    "t": "peer never answers",
}

def load_results(work):
    res = {}
    for name in GROUPS:
        p = os.path.join(work, "results", name + ".json")
        if os.path.exists(p):
            with open(p) as f:
                res[name] = json.load(f)
    return res

def cell_text(c):
    if c["verdict"] != "pass":
        return "**FAIL**"
    r = c["client"][0] if c.get("client") else {}
    if c["expect"]["ok"]:
        s = r.get("suite", -1)
        txt = "%04X" % s if isinstance(s, int) and s >= 0 else "ok"
        if c["suites"] == ALL and isinstance(s, int) and s not in TABLE3_IDS:
            txt += "\u2020"
        return txt
    return "\u2013" + c["expect"].get("why", "")

def matrix_table(cells, cols, title_peer):
    by = {(c["col"], tuple(c["suites"]) if c["suites"] != ALL else ALL): c for c in cells}
    lines = ["| Suite | " + " | ".join(COL_TITLE[c] for c in cols) + " |",
             "|---" * (len(cols) + 1) + "|"]
    for sid in TABLE3_IDS + [ALL]:
        key = ALL if sid == ALL else ("0x%04X" % sid,)
        name = "0xFFFF (all)" if sid == ALL else "%04X %s" % (sid, TABLE3_NAME[sid][4:])
        row = []
        for col in cols:
            c = by.get((col, key))
            row.append(cell_text(c) if c else "skip")
        lines.append("| %s | %s |" % (name, " | ".join(row)))
    return "\n".join(lines)

def coverage_table(results):
    """Per suite x protocol: which kind of peer proved it."""
    ok = {}
    for gname in ("matrix_openssl_tls", "matrix_openssl_dtls", "matrix_gnutls_tls", "matrix_gnutls_dtls",
                  "matrix_ssl_server2_tls", "matrix_ssl_server2_dtls"):
        for c in results.get(gname, {}).get("cells", []):
            if c["verdict"] == "pass" and c["expect"]["ok"] and c["suites"] != ALL and c["col"] != "all":
                sid = int(c["suites"][0], 16)
                ok.setdefault((sid, c["col"]), set()).add(c["peer"])
    cols = ["ssl3", "tls1.0", "tls1.1", "tls1.2", "dtls1.0", "dtls1.2"]
    lines = ["| Suite | " + " | ".join(COL_TITLE[c] for c in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    counts = {"ind": 0, "sf": 0, "na": 0, "none": 0}
    for sid in TABLE3_IDS:
        row = []
        for col in cols:
            peers = ok.get((sid, col), set())
            if client_refuses(sid, col):
                row.append("n/a")
                counts["na"] += 1
            elif peers & {"openssl", "gnutls"}:
                row.append("+".join(sorted(p[0].upper() for p in peers & {"openssl", "gnutls"})) +
                           ("+M" if "ssl_server2" in peers else ""))
                counts["ind"] += 1
            elif peers:
                row.append("M only")
                counts["sf"] += 1
            else:
                row.append("**none (skip: no peer)**")
                counts["none"] += 1
        lines.append("| %04X %s | %s |" % (sid, TABLE3_NAME[sid][4:], " | ".join(row)))
    return "\n".join(lines), counts

def list_table(cells):
    lines = ["| Case | Expected | Result | Negotiated (client) | Server says | Resumed (client/server) | Notes |",
             "|---|---|---|---|---|---|---|"]
    for c in cells:
        rs = c.get("client") or []
        neg = ", ".join(hexid(r["suite"]) if r.get("handshake") == 0 else (
            r.get("handshake_name") if r.get("setup") == 0 else "setup " + str(r.get("setup_name"))) for r in rs) or "-"
        srv = ", ".join("%s %s" % (v.get("proto") or "?", v.get("name") or (hexid(v["suite"]) if v.get("suite") is not None else "?"))
                        for v in (c.get("server") or []) if v) or "-"
        res = ""
        if c.get("conns", 1) > 1 or (c["expect"].get("resumed") is not None):
            res = "%s / %s" % ("".join(str(r.get("resumed")) for r in rs),
                               "".join("?" if not v or v.get("reused") is None else ("R" if v["reused"] else "N")
                                       for v in (c.get("server") or [])))
        exp = "ok" if c["expect"]["ok"] else "refused: " + str(c["expect"].get("reason"))
        err = ""
        if rs and not c["expect"]["ok"] and rs[0].get("error"):
            err = rs[0]["error"].replace("|", "/")[:110]
        note = "; ".join(x for x in (c.get("note") or "", err, "; ".join(c.get("problems") or [])) if x)
        lines.append("| `%s` | %s | %s | %s | %s | %s | %s |" % (c["id"], exp, "pass" if c["verdict"] == "pass" else "**FAIL**",
                                                             neg, srv.replace("|", "/"), res, note.replace("|", "/")))
    return "\n".join(lines)

def generated_sections(results):
    secs = {}
    total = {"pass": 0, "fail": 0, "skip": 0}
    peers = {}
    started = []
    netns = set()
    for name, r in results.items():
        peers.update(r.get("peers") or {})
        started.append(r.get("started"))
        netns.add(r.get("netns"))
        total["pass"] += r.get("pass", 0)
        total["fail"] += r.get("fail", 0)
        if r.get("skipped"):
            total["skip"] += 1
    missing = [n for n in GROUPS if n not in results]
    run = ["- Run: %s (latest group start: %s)" % (datetime.date.today().isoformat(), max(s for s in started if s) if started else "-"),
           "- Peers:"]
    for k in ("openssl", "gnutls", "ssl_server2"):
        run.append("  - `%s`: %s" % (k, peers.get(k, "not run")))
    run.append("- Network: %s" % ("private network namespace per group (`unshare --net`, loopback only)" if netns == {True}
                                  else "host loopback (no namespace): peers may listen on all interfaces; the client only connects to 127.0.0.1"
                                  if netns == {False} else "mixed (namespace where available)"))
    run.append("- Time spent in the groups: %.0f s (%s)" % (
        sum(r.get("duration_s") or 0 for r in results.values()),
        ", ".join("%s %.0f s" % (n, results[n].get("duration_s") or 0) for n in GROUPS if n in results)))
    run.append("- Cells: **%d pass, %d fail**, %d skipped group(s)%s" % (
        total["pass"], total["fail"], total["skip"], "; groups without results: " + ", ".join(missing) if missing else ""))
    secs["run"] = "\n".join(run)

    summary = ["| Ctest case | What | Cells | Pass | Fail |", "|---|---|---|---|---|"]
    for name in GROUPS:
        r = results.get(name)
        if r is None:
            summary.append("| `interop_%s` | %s | not run | | |" % (name, GROUPS[name][0]))
        elif r.get("skipped"):
            summary.append("| `interop_%s` | %s | skipped: %s | | |" % (name, GROUPS[name][0], r["skipped"]))
        else:
            summary.append("| `interop_%s` | %s | %d | %d | %d |" % (name, GROUPS[name][0], len(r["cells"]), r["pass"],
                                                                r["fail"]))
    secs["summary"] = "\n".join(summary)

    def cells_of(g):
        return (results.get(g) or {}).get("cells", [])
    mats = []
    for g, cols, title in (("matrix_openssl_tls", COLS_TLS, "openssl s_server — TLS"),
                           ("matrix_gnutls_tls", COLS_TLS, "gnutls-serv — TLS"),
                           ("matrix_ssl_server2_tls", COLS_TLS, "ssl_server2 (same-family peer) — TLS"),
                           ("matrix_openssl_dtls", COLS_DTLS, "openssl s_server — DTLS"),
                           ("matrix_gnutls_dtls", COLS_DTLS, "gnutls-serv — DTLS"),
                           ("matrix_ssl_server2_dtls", COLS_DTLS, "ssl_server2 (same-family peer) — DTLS")):
        r = results.get(g)
        mats.append("#### %s\n" % title)
        if r is None:
            mats.append("_not run_\n")
            continue
        if r.get("skipped"):
            mats.append("_skipped: %s_\n" % r["skipped"])
            continue
        mats.append(matrix_table(r["cells"], cols, title) + "\n")
        odd = [c for c in r["cells"] if c["verdict"] != "pass"]
        for c in odd:
            mats.append("- **FAIL** `%s`: %s" % (c["id"], "; ".join(c["problems"])))
        if odd:
            mats.append("")
    secs["matrix"] = "\n".join(mats).rstrip() + "\n"
    cov, counts = coverage_table(results)
    secs["coverage"] = cov + "\n\n%d suite×version combinations proven against an independent peer, %d against the same-family peer only, %d not defined by the protocols (n/a), %d without any peer (skipped)." % (
        counts["ind"], counts["sf"], counts["na"], counts["none"])
    for key, groups in (("must", ["must_dtls_psk_nbio_gnutls", "must_resumption_openssl", "must_dtls_timeout_silent_peer",
                                  "must_rc4_3des_gnutls", "must_version_pinning_openssl"]),
                        ("ssl3", ["ssl3_same_family"]), ("reneg", ["renegotiation_openssl"]),
                        ("unusable", ["unusable_list_refused_locally"]),
                        ("resumption", ["resumption_openssl", "resumption_gnutls", "resumption_ssl_server2"]),
                        ("psk", ["psk_openssl", "psk_gnutls", "psk_ssl_server2"]),
                        ("suites", ["suites_openssl", "suites_gnutls", "suites_ssl_server2", "suites_unsupported_refused"])):
        parts = []
        for g in groups:
            r = results.get(g)
            parts.append("**`interop_%s`** — %s%s\n" % (g, GROUPS[g][0], "" if r else " _(not run)_"))
            if r and r.get("skipped"):
                parts.append("_skipped: %s_\n" % r["skipped"])
            elif r:
                parts.append(list_table(cells_of(g)) + "\n")
        secs[key] = "\n".join(parts).rstrip() + "\n"
    secs["families"] = family_table(results, sdk_suites())
    secs["families_extra"] = family_table(results, mbedtls_extra_suites())
    return secs, missing, total

def family_table(results, suites):
    """Per key-exchange / cipher family of `suites`: how many, by which peer proven (TLS 1.2: every
    suite; DTLS 1.2: one representative per family)."""
    fam = {}
    in_table = set(n for _, n in suites)
    for sid, name in suites:
        f = fam.setdefault(sdk_family(name), {"n": 0, "proven": {}, "dtls": {}, "refused": 0, "failed": 0})
        f["n"] += 1
    for g in ("suites_openssl", "suites_gnutls", "suites_ssl_server2", "suites_unsupported_refused"):
        for c in (results.get(g) or {}).get("cells", []):
            m = re.match(r"suites(-dtls)?/\S+/[0-9A-F]{4} (TLS_\w+)$", c["id"])
            if not m or m.group(2) not in in_table:
                continue
            f = fam[sdk_family(m.group(2))]
            if c["verdict"] != "pass":
                f["failed"] += 1
            elif g == "suites_unsupported_refused":
                f["refused"] += 1
            elif m.group(1):
                f["dtls"][c["peer"]] = f["dtls"].get(c["peer"], 0) + 1
            else:
                f["proven"][c["peer"]] = f["proven"].get(c["peer"], 0) + 1
    label = lambda p: p + (" (same family)" if p == "ssl_server2" else "")
    lines = ["| Family (key exchange / cipher) | Suites | TLS 1.2: negotiated end to end, by peer | "
             "DTLS 1.2: one suite of the family | Refused: NOT_SUPPORT | Failed or not run |",
             "|---|---|---|---|---|---|"]
    tot = {"n": 0, "ok": 0, "dtls": 0, "ref": 0, "bad": 0}
    for k in sorted(fam):
        f = fam[k]
        ok_n = sum(f["proven"].values())
        peers = ", ".join("%s %d" % (label(p), n) for p, n in sorted(f["proven"].items()))
        if f["dtls"]:
            dt = ", ".join(label(p) for p in sorted(f["dtls"]))
        elif "RC4" in k:
            dt = "n/a: RC4 is not allowed in DTLS"
        else:
            dt = "-"
        bad = f["n"] - ok_n - f["refused"]
        lines.append("| %s | %d | %s | %s | %s | %s |" % (k, f["n"], peers or "-", dt, f["refused"] or "", bad or ""))
        tot["n"] += f["n"]; tot["ok"] += ok_n; tot["dtls"] += sum(f["dtls"].values())
        tot["ref"] += f["refused"]; tot["bad"] += bad
    lines.append("| **all** | **%d** | **%d** | **%d families** | **%d** | **%d** |" % (
        tot["n"], tot["ok"], tot["dtls"], tot["ref"], tot["bad"]))
    return "\n".join(lines)

def apply_sections(doc, secs):
    for k, v in secs.items():
        pat = re.compile(r"(<!-- BEGIN GENERATED %s -->\n).*?(<!-- END GENERATED %s -->)" % (k, k), re.S)
        if not pat.search(doc):
            raise RuntimeError("docs/INTEROP.md lacks the markers for generated section '%s'" % k)
        doc = pat.sub(lambda m: m.group(1) + v.rstrip("\n") + "\n" + m.group(2), doc)
    return doc

def cmd_doc(args):
    results = load_results(args.work)
    secs, missing, total = generated_sections(results)
    doc = open(DOC_PATH).read()
    new = apply_sections(doc, secs)
    if getattr(args, "check", False) or os.environ.get("QLSSL_INTEROP_DOC") == "check":
        strip = lambda d: re.sub(r"<!-- BEGIN GENERATED run -->.*?<!-- END GENERATED run -->", "", d, flags=re.S)
        if strip(new) != strip(doc):
            import difflib
            sys.stdout.writelines(difflib.unified_diff(doc.splitlines(True), new.splitlines(True), "docs/INTEROP.md",
                                                       "generated", n=1))
            log("docs/INTEROP.md differs from this run: regenerate with `scripts/interop_matrix.py doc`")
            return 1
        log("docs/INTEROP.md matches this run")
    else:
        if new != doc:
            open(DOC_PATH, "w").write(new)
        log("docs/INTEROP.md regenerated (%d pass, %d fail)" % (total["pass"], total["fail"]))
    if missing:
        log("groups without results: %s" % ", ".join(missing))
        return 1
    return 0

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "interop"))
    ap.add_argument("--client", default=None, help="interop_client executable")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("prepare")
    sub.add_parser("pki")
    sub.add_parser("build-ssl-server2")
    rp = sub.add_parser("run")
    rp.add_argument("groups", nargs="+")
    dp = sub.add_parser("doc")
    dp.add_argument("--check", action="store_true")
    sub.add_parser("all")
    sub.add_parser("list")
    args = ap.parse_args()
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    if args.cmd == "list":
        for k, v in GROUPS.items():
            print("%-32s %s" % (k, v[0]))
        return 0
    if args.cmd == "pki":
        ensure_pki(args)
        return 0
    if args.cmd == "build-ssl-server2":
        return 0 if build_ssl_server2(args) else 1
    if args.cmd == "prepare":
        ensure_pki(args)
        return 0 if build_ssl_server2(args) else 1
    if args.cmd == "doc":
        return cmd_doc(args)
    if not args.client or not os.access(args.client, os.X_OK):
        ap.error("--client must name the built interop_client")
    args.client = os.path.abspath(args.client)
    if args.cmd == "run":
        for gname in args.groups:
            if gname not in GROUPS:
                ap.error("unknown group %s (see `list`)" % gname)
        maybe_enter_netns(sys.argv[1:])
        ensure_pki(args)
        rcs = [run_group(args, gname) for gname in args.groups]
        if all(rc == SKIP_RC for rc in rcs):
            return SKIP_RC
        return 1 if any(rc == 1 for rc in rcs) else 0
    if args.cmd == "all":
        ensure_pki(args)
        build_ssl_server2(args)
        t0 = time.monotonic()
        rc = 0
        for gname in GROUPS:
            r = subprocess.run([sys.executable, os.path.abspath(__file__), "--work", args.work, "--client", args.client,
                                "run", gname])
            rc |= 1 if r.returncode == 1 else 0
        log("all groups: %.0f s" % (time.monotonic() - t0))
        return cmd_doc(args) or rc
    return 2

if __name__ == "__main__":
    try:
        sys.exit(main())
    except Terminated as e:
        log("terminated: %s" % e)
        sys.exit(1)
