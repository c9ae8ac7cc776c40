"""Command line (the same as scripts/interop_matrix.py always had)."""
import argparse
import os
import signal
import subprocess
import sys
import time

from .base import ENTRY, ROOT, SKIP_RC, _on_signal, log
from .ssl_server2 import build_ssl_server2, ensure_pki
from .runner import GROUPS, maybe_enter_netns, run_group
from .doc import cmd_doc

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
            r = subprocess.run([sys.executable, ENTRY, "--work", args.work, "--client", args.client,
                                "run", gname])
            rc |= 1 if r.returncode == 1 else 0
        log("all groups: %.0f s" % (time.monotonic() - t0))
        return cmd_doc(args) or rc
    return 2
