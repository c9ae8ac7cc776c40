#!/usr/bin/env bash
# The main job: build libqlssl and show c_examples/https_get doing a verified HTTPS GET through
# the ql_ssl_* API against a local `openssl s_server -www` (loopback only, throw-away PKI).
# Exits with the client's status.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/ensure_deps.sh
ensure_deps

cargo build --release

work=$(mktemp -d "${TMPDIR:-/tmp}/qlssl-demo.XXXXXX")
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

scripts/gen_pki.sh "$work/pki" >/dev/null
cc -std=c99 -Wall -Wextra -Werror -I"$root/include" c_examples/https_get.c \
    -L"$root/target/release" -lqlssl -Wl,-rpath,"$root/target/release" -o "$work/https_get"

# The server picks a free loopback port and prints "ACCEPT 127.0.0.1:<port>".
: >"$work/server.log"   # exists before the first look at it
openssl s_server -accept 127.0.0.1:0 -cert "$work/pki/server.pem" -key "$work/pki/server.key" -www \
    >"$work/server.log" 2>&1 </dev/null &
server_pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$work/server.log")
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "demo: openssl s_server did not start:" >&2
    cat "$work/server.log" >&2
    exit 1
fi

echo "== https_get 127.0.0.1:$port (CA $work/pki/ca.pem, host name localhost) =="
status=0
timeout 60 "$work/https_get" "$port" "$work/pki/ca.pem" >"$work/response.txt" || status=$?
cat "$work/response.txt"
echo
if [ "$status" -eq 0 ]; then
    echo "demo: OK - verified TLS to openssl s_server on 127.0.0.1:$port through libqlssl: $(head -n1 "$work/response.txt" | tr -d '\r')"
else
    echo "demo: FAILED - https_get exited with status $status"
fi
[ "$status" -eq 0 ] || exit "$status"

# The same server through the virtual AT module (docs/AT.md): the host side of a module's AT port.
echo
echo "== qlssl-at: HTTPS GET through the virtual Quectel module (AT+QFUPL CA, AT+QSSLOPEN, AT+QSSLSEND, AT+QSSLRECV) =="
status=0
# Debian's python3, where ensure_deps installed python3-serial (as scripts/at_tests.sh chooses it: a
# python3 earlier on PATH, e.g. a pyenv shim, may lack pyserial).
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
timeout 120 "$python" tests/at/demo_session.py "$work" "$port" "$work/pki/ca.pem" || status=$?
if [ "$status" -eq 0 ]; then
    echo "demo: OK - verified HTTPS GET through qlssl-at to openssl s_server on 127.0.0.1:$port"
else
    echo "demo: FAILED - the AT session exited with status $status"
fi
[ "$status" -eq 0 ] || exit "$status"

# Part two: the SDK demo itself, unchanged, on the host runtime against the embedded server.
echo
echo "== c_examples/ssl_demo.c on the host runtime (runtime/qlrt-run) and the embedded server =="
cleanup   # stop s_server before the next part
server_pid=
status=0
"$root/scripts/run_demo.sh" --quiet || status=$?
exit "$status"
