#!/usr/bin/env bash
# The qlssl-at phase (docs/AT.md): build the module and the embedded peer, then
#   - cargo test --release --test at_engine   (AT+QSSLCFG and ql_ssl_conf_*_by_id share contexts)
#   - cargo test --release --test at_client   (a second, independent client: the at-commands crate)
#   - cargo test --release --lib at::         (parser, --map rules, checksum, clock)
#   - tests/at/test_at.py                     (pyserial over a real pty, and TCP, against
#                                              qlssl-server, openssl s_server and gnutls-serv)
#   - tests/at/test_air724.py                 (the same for --dialect air724)
#   - tests/at/test_at_clock.py               (AT+CCLK drives certificate validity; AT+QSSLCLOSE timeout)
# Installs pyserial when missing (Debian python3-serial, else pip --user). Exit status non-zero on
# any failure. Usage: scripts/at_tests.sh [-k SUBSTRING]   (-k selects Python tests by name)
set -euo pipefail
cd "$(dirname "$0")/.."

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
if ! "$python" -c 'import serial' 2>/dev/null; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-serial </dev/null >/dev/null || true
    fi
    "$python" -c 'import serial' 2>/dev/null || "$python" -m pip install --user -q pyserial
fi
for tool in openssl gnutls-serv; do
    command -v "$tool" >/dev/null || { echo "at_tests: needs $tool (openssl, gnutls-bin)" >&2; exit 2; }
done

cargo build --release
[ -x tools/qlssl-server/target/release/qlssl-server ] ||
    (cd tools/qlssl-server && cargo build --release)
cargo test --release --lib at::
cargo test --release --test at_engine --test at_client
timeout 900 "$python" tests/at/test_at.py "$@"
timeout 600 "$python" tests/at/test_air724.py "$@"
timeout 300 "$python" tests/at/test_at_clock.py "$@"
