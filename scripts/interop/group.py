"""A group of cells sharing peer processes; the verdict of each cell and its expectation."""
import datetime
import json
import os
import re
import shutil
import subprocess
import time

from .base import HOST, Server, _child_setup, log
from .suites import ALL, CLIENT_PROTOS, TABLE3_NAME, ca_for, client_refuses, col_args, hexid
from .caps import GNUTLS_PRIO_DTLS, GNUTLS_PRIO_TLS, gnutls_caps, openssl_caps
from .ssl_server2 import ssl_server2_path, ssl_server2_version

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
        from .runner import GROUPS   # here: runner imports this module
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
