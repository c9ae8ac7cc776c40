"""What each peer can do (suite lists, protocol versions), asked from the peer itself."""
import os
import re
import shutil

from .base import run_text
from .suites import is_ec, is_rc4, norm_proto

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
