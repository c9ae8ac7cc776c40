#!/usr/bin/env bash
# qlssl-server against real clients (GnuTLS gnutls-cli, OpenSSL s_client, Python's ssl module):
# what the SDK demos need - RC4-MD5/RC4-SHA, 3DES, TLS 1.0/1.1/1.2, DTLS 1.0/1.2 with the older
# demo's PSK (identity 123, key ASCII 123456), resumption by session id and by ticket on TLS and
# DTLS, two connections open at once handshaken one after the other, the SDK demo's request with
# its space-continued header lines, a response shorter than 120 bytes - and failures that must be
# counted as such. Every check is against the server's own statistics line, key by key.
#
#   tools/qlssl-server/tests/server_tests.sh            (the unit tests, then the interop run)
#   QLSSL_SERVER_SKIP_UNIT=1 tools/qlssl-server/tests/server_tests.sh
#
# Needs cargo, gnutls-cli (gnutls-bin), openssl, python3. Loopback only; every client runs under
# `timeout`; the server is stopped (SIGTERM, by its pid) on every exit path.
# Exit status 0 only when every check passed.
set -u

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRV="$HERE/target/release/qlssl-server"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/qlssl-server-tests.XXXXXX")"
SERVER_PID=""
FAILS=0

log() { echo "server_tests: $*"; }
fail() { log "FAIL: $*"; FAILS=$((FAILS + 1)); }
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_RC=$?
    SERVER_PID=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

for tool in gnutls-cli openssl python3 cargo; do
    command -v "$tool" >/dev/null || { log "needs $tool"; exit 1; }
done

cd "$HERE" || exit 1
if [ "${QLSSL_SERVER_SKIP_UNIT:-}" != 1 ]; then
    cargo test --release -j1 || { log "unit tests failed"; exit 1; }
fi
cargo build --release -j1 || { log "build failed"; exit 1; }

# Bad arguments (parsed by lexopt): exit 2 at once, naming the offending argument, before listening.
bad_args() { # expected-stderr-text args...
    local want=$1 rc
    shift
    timeout 10 "$SRV" "$@" >"$WORK/bad.out" 2>"$WORK/bad.err"
    rc=$?
    if [ "$rc" -ne 2 ] || ! grep -qF -- "$want" "$WORK/bad.err" || ! grep -q '^usage:' "$WORK/bad.err"; then
        fail "bad arguments '$*': exit $rc, stderr: $(head -1 "$WORK/bad.err")"
    else
        BAD_ARGS_OK=$((BAD_ARGS_OK + 1))
    fi
}
BAD_ARGS_OK=0
bad_args "invalid option '--no-such-option'" --no-such-option
bad_args "--https-port needs a value" --https-port
bad_args "bad port '65536'" --https-port 65536
bad_args "refusing to listen on non-loopback address 192.0.2.1" --bind 192.0.2.1
bad_args "unexpected argument 'stray'" --max-seconds 5 stray
log "bad arguments: $BAD_ARGS_OK of 5 refused with exit 2 and a named reason"

"$SRV" -v --port-file "$WORK/ports" --stats-file "$WORK/stats" --max-seconds 300 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 200); do [ -f "$WORK/ports" ] && break; sleep 0.05; done
[ -f "$WORK/ports" ] || { log "server did not start"; cat "$WORK/server.err"; exit 1; }
HTTPS=$(sed -n 's/^https=//p' "$WORK/ports")
DTLS=$(sed -n 's/^dtls=//p' "$WORK/ports")
log "server pid $SERVER_PID, https 127.0.0.1:$HTTPS, dtls 127.0.0.1:$DTLS"

REQ=$'GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n'

# tls_gnutls NAME PRIORITY: a GET with GnuTLS limited to PRIORITY; must get HTTP 200.
tls_gnutls() {
    local out="$WORK/$1.out"
    printf '%s' "$REQ" | timeout 20 gnutls-cli --insecure -p "$HTTPS" --priority "$2" 127.0.0.1 >"$out" 2>&1
    grep -q '^HTTP/1.0 200 OK' "$out" || { fail "$1: no HTTP 200"; sed 's/^/    /' "$out" | head -20; return; }
    log "ok $1: $(grep -m1 'Description' "$out")"
}
# tls_openssl NAME ARGS...: a GET with s_client; prints New/Reused.
tls_openssl() {
    local name=$1 out="$WORK/$1.out"
    shift
    printf '%s' "$REQ" | timeout 20 openssl s_client -connect "127.0.0.1:$HTTPS" -ign_eof "$@" >"$out" 2>&1
    grep -q '^HTTP/1.0 200 OK' "$out" || { fail "$name: no HTTP 200"; sed 's/^/    /' "$out" | tail -20; return; }
    log "ok $name: $(grep -m1 -E '^(New|Reused),' "$out")"
}
# expect_in FILE REGEX WHAT
expect_in() { grep -Eq -- "$2" "$1" || { fail "$3 (/$2/ not in $(basename "$1"))"; sed 's/^/    /' "$1" | tail -15; }; }

# ---- TLS: the SDK demos' legacy suites and versions (mbedtls drops RC4/3DES from its defaults).
tls_gnutls rc4-md5-tls12 'NORMAL:-CIPHER-ALL:+ARCFOUR-128:-MAC-ALL:+MD5:-KX-ALL:+RSA:-VERS-ALL:+VERS-TLS1.2'
tls_gnutls rc4-sha-tls10 'NORMAL:-CIPHER-ALL:+ARCFOUR-128:-MAC-ALL:+SHA1:-KX-ALL:+RSA:-VERS-ALL:+VERS-TLS1.0'
tls_gnutls 3des-tls11 'NORMAL:-CIPHER-ALL:+3DES-CBC:-MAC-ALL:+SHA1:-KX-ALL:+RSA:-VERS-ALL:+VERS-TLS1.1'

# ---- TLS resumption: by session id (tickets off), then by ticket.
tls_openssl id-full -tls1_2 -no_ticket -sess_out "$WORK/id.sess"
tls_openssl id-resumed -tls1_2 -no_ticket -sess_in "$WORK/id.sess"
expect_in "$WORK/id-full.out" '^New,' "the first session-id connection is a full handshake"
expect_in "$WORK/id-resumed.out" '^Reused,' "OpenSSL resumed by session id"
tls_openssl ticket-full -tls1_2 -sess_out "$WORK/ticket.sess"
tls_openssl ticket-resumed -tls1_2 -sess_in "$WORK/ticket.sess"
expect_in "$WORK/ticket-full.out" '^New,' "the first ticket connection is a full handshake"
expect_in "$WORK/ticket-resumed.out" '^Reused,' "OpenSSL resumed by ticket"

# ---- Two connections open at once, handshaken one after the other, then used in turn (the
# current SDK demo's pattern), with the demo's request: header lines continued by runs of spaces.
# Each response must come in one read shorter than 120 bytes (the demos' buffer).
cat >"$WORK/two.py" <<'EOF'
import socket, ssl, sys
port = int(sys.argv[1])
req = (b"GET /index.html HTTP/1.1\r\n" + b" " * 26 + b"HOST: www.baidu.com\r\n" + b" " * 26 +
       b"User-Agent: QuecOpen\r\n" + b" " * 26 + b"Connection: Keep-Alive\r\n\r\n")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
raw = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
conns = [ctx.wrap_socket(s, do_handshake_on_connect=False) for s in raw]
for c in conns:
    c.do_handshake()
for i, c in enumerate(conns):
    c.sendall(req)
    data = b""
    while True:
        chunk = c.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > 65536:
            break
    print("conn%d: %d bytes: %r" % (i + 1, len(data), data[:40]))
    if not data.startswith(b"HTTP/1.0 200 OK\r\n") or len(data) >= 120:
        sys.exit(1)
print("two concurrent connections ok")
EOF
timeout 30 python3 "$WORK/two.py" "$HTTPS" >"$WORK/two.out" 2>&1 || fail "two concurrent connections"
cat "$WORK/two.out"

# ---- Failures that must be counted: a TLS 1.3-only client (no common version: a handshake that
# started and failed), and a TCP connection closed before any byte (not a handshake at all).
timeout 20 openssl s_client -connect "127.0.0.1:$HTTPS" -tls1_3 </dev/null >"$WORK/tls13.out" 2>&1
expect_in "$WORK/tls13.out" 'alert|error|errno' "the TLS 1.3-only client fails"
timeout 5 python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5).close()' "$HTTPS" ||
    fail "bare TCP connect"

# ---- DTLS with the older SDK demo's PSK (identity 123, key ASCII 123456), 1.2 and 1.0, resumed.
dtls_openssl() { # NAME WORD ARGS...: one echo over DTLS-PSK with s_client
    local name=$1 word=$2 out="$WORK/$1.out"
    shift 2
    (echo "$word"; sleep 2) | timeout 20 openssl s_client -connect "127.0.0.1:$DTLS" -psk 313233343536 \
        -psk_identity 123 "$@" >"$out" 2>&1
    grep -q "^$word\$" "$out" || { fail "$name: no echo"; sed 's/^/    /' "$out" | tail -20; return; }
    log "ok $name: $(grep -m1 -E '^(New|Reused),' "$out") $(grep -m1 'Protocol *:' "$out" | tr -s ' ')"
}
dtls_openssl dtls12-full echo-one -dtls1_2 -cipher PSK-AES128-CBC-SHA -sess_out "$WORK/dtls.sess"
dtls_openssl dtls12-resumed echo-two -dtls1_2 -cipher PSK-AES128-CBC-SHA -sess_in "$WORK/dtls.sess"
expect_in "$WORK/dtls12-resumed.out" '^Reused,' "OpenSSL resumed the DTLS session"
(echo echo-three; sleep 2) | timeout 20 gnutls-cli -u -p "$DTLS" --pskusername 123 --pskkey 313233343536 \
    --priority 'NORMAL:-VERS-ALL:+VERS-DTLS1.0:-KX-ALL:+PSK' 127.0.0.1 >"$WORK/dtls10.out" 2>&1
expect_in "$WORK/dtls10.out" '^echo-three$' "the DTLS 1.0 PSK echo (gnutls-cli)"
expect_in "$WORK/dtls10.out" 'DTLS1.0' "DTLS 1.0 was negotiated"
# The wrong key: a DTLS handshake that started and failed.
(echo never; sleep 2) | timeout 20 gnutls-cli -u -p "$DTLS" --pskusername 123 --pskkey 313233343537 \
    --priority 'NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK' 127.0.0.1 >"$WORK/dtls-badkey.out" 2>&1
grep -q '^never$' "$WORK/dtls-badkey.out" && fail "a wrong PSK got an echo"

# ---- The server's own counts.
stop_server
[ "${SERVER_RC:-1}" = 0 ] || fail "server exit status ${SERVER_RC:-?} after SIGTERM, want 0"
[ -f "$WORK/stats" ] || { fail "no --stats-file written"; cat "$WORK/server.err"; exit 1; }
STATS=$(cat "$WORK/stats")
log "stats: $STATS"
grep -q "^qlssl-server: stats $STATS\$" "$WORK/server.out" || fail "stdout's stats line differs from --stats-file"
# stat_of KEY: the value, or "absent".
stat_of() { printf '%s\n' $STATS | sed -n "s/^$1=//p" | grep . || echo absent; }
want() { local v; v=$(stat_of "$1"); [ "$v" = "$2" ] || fail "$1=$v, want $2"; }
# 3 legacy + 4 resumption + 2 concurrent = 9 handshakes and HTTP 200s; the TLS 1.3-only client
# and the bare connection are accepted without a handshake; only the former started one.
want https_accepted 11
want https_handshakes 9
want http_200 9
want http_other 0
want https_errors 2
want https_hs_failed 1
want https_resumed 2
want https_resumed_by_ticket 1
want https_version.TLSv1.2 7
want https_version.TLSv1.1 1
want https_version.TLSv1.0 1
want https_suite.TLS-RSA-WITH-RC4-128-MD5 1
want https_suite.TLS-RSA-WITH-RC4-128-SHA 1
want https_suite.TLS-RSA-WITH-3DES-EDE-CBC-SHA 1
want dtls_handshakes 3
want dtls_echoes 3
want dtls_close_notify 3
want dtls_resumed 1
want dtls_hs_failed 1
want dtls_errors 1
want dtls_version.DTLSv1.2 2
want dtls_version.DTLSv1.0 1
want dtls_suite.TLS-PSK-WITH-AES-128-CBC-SHA 2
want https_version.SSLv3.0 absent # only non-zero counts are listed
# Every key the runner reads is there.
for k in https_accepted https_handshakes http_200 http_other https_errors https_rejected_busy dtls_hello_verify \
    dtls_handshakes dtls_echoes dtls_close_notify dtls_errors https_resumed https_hs_failed dtls_resumed dtls_hs_failed; do
    [ "$(stat_of $k)" != absent ] || fail "key $k missing"
done
if [ $FAILS != 0 ]; then
    log "server log:"; sed 's/^/    /' "$WORK/server.err" | tail -60
    log "$FAILS check(s) failed"
    exit 1
fi
log "all checks passed"
