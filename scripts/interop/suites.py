"""Cipher-suite facts: the module AT manual's 32-suite table and the SDK's suites, read from
suite_facts.tsv (generated from the library by tests/suite_facts.rs), plus the matrix columns."""
import os
import re


# ---------------------------------------------------------------------------------------------
# Suite facts: generated from the library (tests/suite_facts.rs asks src/tls/engine/ciphers.rs and the linked
# mbedtls; the test fails when this file is stale). The one source for suite names and properties.
# ---------------------------------------------------------------------------------------------
FACTS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "suite_facts.tsv")

def _load_facts(path):
    """{id: {"name", "sdk", "supported", "psk", "server_cert", "rc4", "protocols", "at_table"}}"""
    facts, header = {}, None
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if header is None:
                header = cols
                continue
            row = dict(zip(header, cols))
            facts[int(row["id"], 16)] = {
                "name": row["name"],
                "sdk": row["sdk"] == "1", "supported": row["supported"] == "1", "psk": row["psk"] == "1",
                "server_cert": row["server_cert"] == "1", "rc4": row["rc4"] == "1",
                "protocols": [] if row["protocols"] == "-" else row["protocols"].split(","),
                "at_table": None if row["at_table"] == "-" else int(row["at_table"]),
            }
    return facts

FACTS = _load_facts(FACTS_PATH)
FACT_BY_NAME = {f["name"]: f for f in FACTS.values()}

# ---------------------------------------------------------------------------------------------
# The 32 cipher suites of the module AT manual's table (its order), and their properties.
# ---------------------------------------------------------------------------------------------
TABLE3_IDS = sorted((sid for sid, f in FACTS.items() if f["at_table"]), key=lambda sid: FACTS[sid]["at_table"])
assert len(TABLE3_IDS) == 32, "suite_facts.tsv: the AT manual table has 32 rows"
TABLE3 = [(sid, FACTS[sid]["name"]) for sid in TABLE3_IDS]
TABLE3_NAME = dict(TABLE3)
ALL = "all"   # the 0xFFFF row / list

def kx_of(sid):
    n = TABLE3_NAME[sid]
    for kx in ("ECDHE_ECDSA", "ECDHE_RSA", "ECDH_ECDSA", "ECDH_RSA"):
        if n.startswith("TLS_" + kx + "_"):
            return kx
    return "RSA"

def is_rc4(sid):
    return sid in FACTS and FACTS[sid]["rc4"]

def is_3des(sid):
    return "_3DES_" in TABLE3_NAME.get(sid, "")

def is_ec(sid):
    return kx_of(sid) != "RSA"

def tls12_only(sid):
    return not set(FACTS[sid]["protocols"]) & {"ssl3", "tls1.0", "tls1.1"}

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

# -- every suite id of the SDK header ---------------------------------------------------------
def sdk_suites():
    """[(id, IANA name)] of every QL_SSL_TLS_* suite id of the SDK header (the SDK's 162)."""
    return sorted((sid, f["name"]) for sid, f in FACTS.items() if f["sdk"])

def mbedtls_extra_suites():
    """[(id, IANA name)] of the suites mbedtls 2.28 has beyond the SDK's 162 (ARIA, ChaCha20-
    Poly1305); ql_ssl_ciphersuit_is_valid() accepts them."""
    return sorted((sid, f["name"]) for sid, f in FACTS.items() if not f["sdk"] and f["supported"])

def sdk_suite_missing(name):
    """The SDK suites this build's mbedtls leaves out (NULL, single DES, EC J-PAKE): the library must
    refuse them with QL_SSL_ERROR_NOT_SUPPORT."""
    return not FACT_BY_NAME[name]["supported"]

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
