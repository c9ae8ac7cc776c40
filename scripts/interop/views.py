"""What a peer's output says was negotiated (version, suite, resumption, data)."""
import base64
import re

from .suites import norm_proto

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
