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
# The runner is the package scripts/interop/ (one module per job: base, suites, caps, views, group,
# ssl_server2, groups_*, runner, doc, cli); this file keeps the command line where it always was.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from interop.base import Terminated, log  # noqa: E402
from interop.cli import main  # noqa: E402

if __name__ == "__main__":
    try:
        sys.exit(main())
    except Terminated as e:
        log("terminated: %s" % e)
        sys.exit(1)
