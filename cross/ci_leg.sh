#!/usr/bin/env bash
# CI leg of the cross build (docs/CROSS.md): aarch64 only - install the pinned toolchain if
# missing, cross-build libqlssl.a/.so into target/cross-aarch64-unknown-linux-gnu, run the smoke
# client and the tests/c suite (shared + static library) under qemu-aarch64 against
# openssl s_server on 127.0.0.1. Measured on the 2-core machine: 89 s from a cold target dir with
# the packages missing (crates cached), 14-25 s warm. Then the TLS 1.3 engine (QLSSL_CROSS_TLS13=1,
# the default here; 0 skips it): libqlssl with --features tls13 for aarch64, the smoke client on
# QL_SSL_VERSION_4, the 25 tls13-labelled hardening cases (misuse matrix included) and
# tests/tls13_engine.rs (cross-built test binary, 20 tests) under qemu (scripts/cross.sh
# tls13_test): 42 s warm before the Rust tests (10 s build, 3 s smoke, 29 s hardening), the Rust
# tests 31-40 s warm (12-14 s running); the whole leg 106-127 s warm. Cold: the library 588 s, the test
# build about 5 minutes, on the machine loaded by other builds (2026-11-29). A hard
# limit of 25 minutes keeps it well inside CI's budget; every server it started is stopped on any
# exit.
#
#   bash cross/ci_leg.sh          (called by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

start=$SECONDS
rc=0
QLSSL_CROSS_TLS13=${QLSSL_CROSS_TLS13:-1} timeout --kill-after=60 1500 bash scripts/cross.sh aarch64 || rc=$?
[ $rc -ne 124 ] || echo "cross aarch64 leg: timed out after 25 minutes" >&2
echo "cross aarch64 leg: $((SECONDS - start)) s wall, exit $rc"
exit $rc
