#!/usr/bin/env bash
# (Re)create the small seed corpora in fuzz/corpus/ (committed; run again only to refresh them).
#   hostile_handshake: real server flights recorded against libqlssl through a relay
#                      (tests/hardening/hostile_replay.c --record), each prefixed with its options byte
#   hostile_records, conf_api: short hand-written operation programs (see the targets' docs)
# Loopback only; every server started here is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${HARDENING_BUILD:-$root/target/hardening}
cargo build --release -q
cmake -S tests/hardening -B "$build" -DCMAKE_BUILD_TYPE= >/dev/null
cmake --build "$build" -j2 --target hardening_hostile_replay hardening_tls_server >/dev/null
pki=$build/pki
tests/hardening/gen_pki.sh "$pki" >/dev/null
rec=$build/hardening_hostile_replay
out=fuzz/corpus/hostile_handshake
mkdir -p "$out" fuzz/corpus/hostile_records fuzz/corpus/conf_api
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

start() { # logname command... -> $port
    local log=$work/$1.log
    shift
    : > "$log"
    "$@" > "$log" 2>&1 < /dev/null &
    pids+=($!)
    for _ in $(seq 100); do
        if grep -qE '^PORT |^ACCEPT' "$log"; then break; fi
        sleep 0.05
    done
    port=$(sed -n 's/^PORT \([0-9]*\)/\1/p; s/^ACCEPT .*:\([0-9]*\)$/\1/p' "$log" | head -1)
    [ -n "$port" ] || { echo "server $1 did not start" >&2; cat "$log" >&2; exit 1; }
}
stop_last() {
    local p=${pids[-1]}
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
    unset 'pids[-1]'
}

# name options server-kind ciphers [request|norequest]
seed() {
    local name=$1 opt=$2 kind=$3 ciphers=$4 req=${5:-request} cert key ca
    case $kind in
        rsa) cert=$pki/rsa_server.pem key=$pki/rsa_server.key ca=$pki/rsa_ca.pem ;;
        ec) cert=$pki/ec_server.pem key=$pki/ec_server.key ca=$pki/ec_ca.pem ;;
    esac
    start "$name" "$build/hardening_tls_server" -c "$cert" -k "$key" -x "$ciphers" -P
    "$rec" --record "$out/$name" "$opt" "$port" "$ca" "$req"
    stop_last
}
seed ecdhe_rsa_gcm_all 0x00 rsa ECDHE-RSA-AES128-GCM-SHA256
seed ecdhe_rsa_gcm_tls12_verify_sni 0x25 rsa ECDHE-RSA-AES256-GCM-SHA384
seed rsa_kx_cbc_tls12 0x01 rsa AES128-SHA
seed rsa_kx_cbc_sha256_list 0x09 rsa AES256-SHA256
seed ecdhe_rsa_cbc_tls10 0x03 rsa ECDHE-RSA-AES256-SHA
seed ecdhe_rsa_cbc_tls11_nonblocking 0x42 rsa ECDHE-RSA-AES128-SHA
seed ecdhe_ecdsa_gcm_list 0x08 ec ECDHE-ECDSA-AES128-GCM-SHA256
seed ecdhe_ecdsa_cbc_cache 0x10 ec ECDHE-ECDSA-AES256-SHA
seed dhe_rsa_gcm 0x00 rsa DHE-RSA-AES128-GCM-SHA256

# openssl s_server for what tls_server does not do: PSK, a client-certificate request, a huge chain.
ossl() { # name options norequest s_server-args...
    local name=$1 opt=$2
    shift 2
    start "$name" openssl s_server -accept 127.0.0.1:0 -naccept 1 -tls1_2 -www "$@"
    "$rec" --record "$out/$name" "$opt" "$port" "$pki/rsa_ca.pem" norequest
    stop_last
}
ossl psk_gcm 0x80 -nocert -psk 0102030405060708090a0b0c0d0e0f10 -psk_identity fuzz -cipher PSK-AES128-GCM-SHA256
ossl psk_cbc_tls12 0x81 -nocert -psk 0102030405060708090a0b0c0d0e0f10 -psk_identity fuzz -cipher PSK-AES128-CBC-SHA
ossl client_cert_request 0x00 -cert "$pki/rsa_server.pem" -key "$pki/rsa_server.key" -Verify 1 -cipher ECDHE-RSA-AES128-GCM-SHA256
for _ in $(seq 12); do cat "$pki/rsa_ca.pem"; done > "$work/chain.pem"
ossl long_chain 0x00 -cert "$pki/rsa_server.pem" -key "$pki/rsa_server.key" -cert_chain "$work/chain.pem" -cipher ECDHE-RSA-AES128-GCM-SHA256

# hostile_records / conf_api: operation programs (formats in the targets' documentation).
python3 - <<'EOF'
import os, struct
def w(d, name, b):
    open(os.path.join("fuzz/corpus", d, name), "wb").write(bytes(b))
le = lambda v: list(struct.pack("<H", v))
# hostile_records: opt, then ops (0 data n16, 1/2 record ty.. , 3 alert, 4 raw, 5 close/fin, 6/7 read n16,
# 8 write n16, 9 server read, 10 bytes_avail, 11 close_notify)
w("hostile_records", "gcm_data_read_close", [0x00, 0] + le(1000) + [6] + le(999) + [10, 5, 0, 6] + le(100) + [6] + le(10))
w("hostile_records", "cbc_sha256_write_read", [0x01, 8] + le(5000) + [9, 0] + le(300) + [7] + le(300) + [11, 6] + le(5))
w("hostile_records", "tls10_cbc_split", [0x0a, 0] + le(17000) + [6] + le(20000) + [6] + le(20000) + [8] + le(17000) + [9])
w("hostile_records", "chacha_fin", [0x03, 0] + le(64) + [5, 1, 6] + le(100) + [6] + le(100) + [8] + le(3))
w("hostile_records", "hello_request_reneg", [0x20, 1, 2, 0, 6] + le(100) + [9, 6] + le(100) + [0] + le(10) + [6] + le(20))
w("hostile_records", "alert_warning", [0x00, 3, 0, 100, 6] + le(50) + [3, 1, 40, 6] + le(50))
w("hostile_records", "raw_garbage", [0x01, 4, 8] + list(b"\x17\x03\x03\x00\x03abc") + [6] + le(100))
w("hostile_records", "odd_record_types", [0x00, 2, 5, 200, 0, 1] + list(range(200)) + [6] + le(300) + [1, 0, 1, 0, 1] + [6] + le(3))
w("hostile_records", "etm_off_cbc", [0x11, 0] + le(3000) + [10, 6] + le(2999) + [6] + le(1))
# conf_api: op, selector, ...
w("conf_api", "init_set_each_type", sum([[0, 0]] + [[2, 0, t + 2, 0, 1] for t in range(1, 21)] + [[7, 0], [1, 0], [1, 0]], []))
w("conf_api", "ciphers_heap_unterminated", [0, 1, 2, 1, 5, 3, 2, 1, 0x2f, 1, 0xc0] + [7, 1, 1, 1])
w("conf_api", "by_id_roundtrip", [6, 0, 1, 3, 0, 0, 3, 6, 0, 2, 3, 1, 3])
w("conf_api", "garbage_struct", [9, 2, 0xa5, 2, 2, 3, 0, 1, 7, 2, 1, 2, 0, 2])
EOF
echo "seeds: $(ls "$out" | wc -l) hostile_handshake, $(ls fuzz/corpus/hostile_records | wc -l) hostile_records, $(ls fuzz/corpus/conf_api | wc -l) conf_api"
