#!/usr/bin/env python3
"""Markdown table of engines/measure.sh results (JSON lines: client, tls, metric, value)."""
import json
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
val = {(r["client"], r["tls"], r["metric"]): r["value"] for r in rows}
cols = [("qlssl", "1.2"), ("mbedtls", "1.2"), ("mbedtls3", "1.2"), ("mbedtls3", "1.3"),
        ("rustls", "1.2"), ("rustls", "1.3"), ("qlssl13", "1.3"), ("openssl", "1.2")]
names = {"qlssl": "qlssl (2.28)", "qlssl13": "qlssl (rustls engine)", "mbedtls": "raw 2.28", "mbedtls3": "raw 3.6.5", "rustls": "rustls 0.23",
         "openssl": "OpenSSL 3"}
metrics = [("ir_hs_rsa", "Instructions / full handshake, RSA-2048 cert", "M"),
           ("ir_hs_ecdsa", "Instructions / full handshake, ECDSA-P256 cert", "M"),
           ("ir_resume", "Instructions / resumed handshake (ticket), RSA server", "K"),
           ("ir_mib_gcm", "Instructions / MiB received, AES-128-GCM", "M"),
           ("heap_steady", "Heap / open connection (16 open)", "KiB"),
           ("heap_peak1", "Peak heap of one connection", "KiB"),
           ("size_stripped", "Linked client, stripped", "KiB")]


def fmt(v, unit):
    if v is None:
        return "–"
    if unit == "M":
        return f"{v / 1e6:.2f} M"
    if unit == "K":
        return f"{v / 1e3:.0f} K"
    return f"{v / 1024:.1f} KiB"


print("| metric | " + " | ".join(f"{names[c]} TLS {v}" for c, v in cols) + " |")
print("|---|" + "---:|" * len(cols))
for key, label, unit in metrics:
    print(f"| {label} | " + " | ".join(fmt(val.get((c, v, key)), unit) for c, v in cols) + " |")
