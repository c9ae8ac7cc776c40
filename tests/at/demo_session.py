#!/usr/bin/env python3
"""scripts/demo.sh's AT part: an HTTPS GET through qlssl-at (over --tcp, so no pyserial is needed),
verifying the server with a CA uploaded by AT+QFUPL; prints the session from the module's --log
transcript. Usage: demo_session.py WORKDIR HTTPS_PORT CA_PEM. Exit status 0 only for HTTP 200."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atlib import Module  # noqa: E402


def show(log):
    for entry in open(log, "rb").read().decode(errors="replace").splitlines():
        m = re.match(r"^\S+ s\d+ ([<>]) (.*)$", entry)
        if not m:
            continue
        text = m.group(2).replace("\\r", "\r").replace("\\n", "\n").replace("\\\\", "\\")
        for piece in re.split(r"\r\n|\r", text):
            if not piece:
                continue
            if len(piece) > 90:
                piece = piece[:60].replace("\n", "\\n") + " ... (%d bytes)" % len(piece)
            print(("host -> module  " if m.group(1) == "<" else "module -> host  ") + piece.replace("\n", "\\n"))


def main():
    work, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    mod = Module(work, pty=False)
    ok = False
    try:
        c = mod.client()
        c.ok("ATE0")
        c.ok("AT+QIACT=1")
        data = open(ca, "rb").read()
        c.write(('AT+QFUPL="ca.pem",%d\r' % len(data)).encode())
        assert c.response()[0] == b"CONNECT"
        c.write(data)
        assert c.response()[0] == b"OK"
        c.ok('AT+QSSLCFG="seclevel",1,1;+QSSLCFG="cacert",1,"UFS:ca.pem";+QSSLCFG="sni",1,1')
        c.ok('AT+QSSLOPEN=1,1,0,"localhost",%d,0' % port)
        u = c.wait_urc(lambda u: u[0] == "open", 20)
        if u[2] == 0:
            req = b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"
            c.write(("AT+QSSLSEND=0,%d\r" % len(req)).encode())
            c.prompt()
            c.write(req)
            assert c.response()[0] == b"SEND OK"
            c.wait_urc(lambda u: u[0] == "recv", 20)
            final, infos, payloads = c.cmd("AT+QSSLRECV=0,1500")
            ok = bool(payloads) and payloads[0].startswith(b"HTTP/1.0 200")
            c.ok("AT+QSSLCLOSE=0")
        c.close()
    finally:
        rc = mod.stop()
    show(mod.log)
    return 0 if ok and rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
