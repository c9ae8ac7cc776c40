"""docs/INTEROP.md: the generated tables from the saved results."""
import datetime
import json
import os
import re
import sys

from .base import DOC_PATH, log
from .suites import ALL, COLS_DTLS, COLS_TLS, COL_TITLE, TABLE3_IDS, TABLE3_NAME, client_refuses, hexid, mbedtls_extra_suites, sdk_family, sdk_suites
from .group import ok
from .runner import GROUPS

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
