#!/usr/bin/env bash
# Engine study measurements (docs/ENGINES.md): the benchmark driver bench/bench_client.c linked
# with five backends, each doing the same work against bench/tls_server (OpenSSL) on 127.0.0.1:
#   qlssl     libqlssl.a through ql_ssl_* (mbedtls 2.28 inside; TLS 1.2)
#   mbedtls   raw mbedtls 2.28, the crate's own build (bench/backend_mbedtls.c; TLS 1.2)
#   mbedtls3  raw mbedtls 3.6.5 from mbedtls-rs-sys 0.3.1 (engines/backend_mbedtls3.c; 1.2 and 1.3)
#   rustls    rustls 0.23 + ring (engines/probe-rustls; 1.2 and 1.3)
#   openssl   OpenSSL libssl (bench/backend_openssl.c; TLS 1.2 at most), for reference
#   qlssl13   libqlssl.a built with feature tls13, through ql_ssl_* with QL_SSL_VERSION_4 (its
#             rustls engine; bench/backend_qlssl.c with BE_TLS_VERSION=1.3)
# TLS 1.2: ECDHE-RSA-AES128-GCM-SHA256 / ECDHE-ECDSA-AES128-GCM-SHA256 (the bench servers).
# TLS 1.3: TLS_AES_128_GCM_SHA256, a copy of bench/tls_server.c built with TLS 1.3 only.
# Figures: instructions per full handshake and per MiB (valgrind cachegrind, client only,
# (Ir(N2) - Ir(N1)) / (N2 - N1) as in scripts/bench.sh), heap per open connection and the peak of
# one connection (bench/malloc_count.c, 16 connections), stripped size of each linked client;
# instructions per resumed handshake (session tickets; TLS 1.3 with a 1-byte echo per connection).
#
#   engines/measure.sh            build everything, measure, print the table (markdown)
# Output: target/engines/bench/results.jsonl, table.md. Environment: ENGINES_INSTR=0 skips valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/target/engines/bench
mkdir -p "$out"
results=$out/results.jsonl
: > "$results"

echo "== building: libqlssl, bench programs, the two probes" >&2
cargo build --release -q
mbed_out=$(ls -td target/release/build/mbedtls-sys-auto-*/out 2>/dev/null | while read -r d; do
    [ -f "$d/lib/libmbedtls.a" ] && [ -f "$d/config.h" ] && { echo "$d"; break; }; done)
[ -n "$mbed_out" ] || { echo "measure: no mbedtls-sys-auto build output" >&2; exit 1; }
make -s -C bench OUT="$out" MBEDTLS_OUT="$root/$mbed_out" QLSSL_LIB="$root/target/release" \
    "$out/tls_server" "$out/bench_qlssl" "$out/bench_mbedtls" "$out/bench_openssl" "$out/libmalloc_count.so"
# ENGINES_CLIENTS="qlssl qlssl13 ...": build and measure only these clients (default: all).
wants() { case " ${ENGINES_CLIENTS:-$1} " in *" $1 "*) return 0 ;; esac; return 1; }
export CARGO_TARGET_DIR=$root/target/engines
(cd engines/probe-rustls && cargo build --release -q)
# qlssl with its TLS 1.3 engine (cargo feature tls13): bench/backend_qlssl.c with BE_TLS_VERSION=1.3.
(CARGO_TARGET_DIR=$root/target/tls13 cargo build --release -q --features tls13)
CFLAGS="-O2 -g -std=c11 -Wall -Wextra"
if wants mbedtls3; then
    (cd engines/probe-mbedtls3 && cargo build --release -q)
    # mbedtls-rs-sys's include path (merged config first), as its build script exported it.
    m3_inc=$(sed -n 's/^cargo::metadata=include=//p' target/engines/release/build/mbedtls-rs-sys-*/output | head -1)
    [ -n "$m3_inc" ] || { echo "measure: no mbedtls-rs-sys include path" >&2; exit 1; }
    m3_cflags=$(echo "$m3_inc" | tr ':' '\n' | sed 's/^/-I/' | tr '\n' ' ')
    # shellcheck disable=SC2086
    cc $CFLAGS -Ibench $m3_cflags -o "$out/bench_mbedtls3" bench/bench_client.c engines/backend_mbedtls3.c \
        target/engines/release/libprobe_mbedtls3.a -lpthread -ldl -lm
fi
# shellcheck disable=SC2086
cc $CFLAGS -Ibench -o "$out/bench_rustls" bench/bench_client.c target/engines/release/libprobe_rustls.a \
    -lpthread -ldl -lm
cc $CFLAGS -Iinclude -o "$out/bench_qlssl13" bench/bench_client.c bench/backend_qlssl.c \
    target/tls13/release/libqlssl.a -lpthread -ldl -lm
# The TLS 1.3 server: bench/tls_server.c with its version range and suite changed at build time.
sed -e 's/SSL_CTX_set_min_proto_version(g_ctx, TLS1_VERSION);/SSL_CTX_set_min_proto_version(g_ctx, TLS1_3_VERSION);/' \
    -e 's/SSL_CTX_set_max_proto_version(g_ctx, TLS1_2_VERSION);/SSL_CTX_set_max_proto_version(g_ctx, TLS1_3_VERSION); SSL_CTX_set_ciphersuites(g_ctx, "TLS_AES_128_GCM_SHA256");/' \
    bench/tls_server.c > "$out/tls13_server.c"
grep -q 'TLS1_3_VERSION); SSL_CTX_set_ciphersuites' "$out/tls13_server.c" &&
    grep -q 'min_proto_version(g_ctx, TLS1_3_VERSION)' "$out/tls13_server.c" ||
    { echo "measure: bench/tls_server.c changed; the TLS 1.3 edit no longer applies" >&2; exit 1; }
cc $CFLAGS -o "$out/tls13_server" "$out/tls13_server.c" -lssl -lcrypto -lpthread
tests/hardening/gen_pki.sh "$out/pki" >/dev/null
pki=$out/pki

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start_server() { # name program cert key [ciphers]
    local name=$1 prog=$2 log=$out/server-$1.log
    if [ $# -ge 5 ]; then taskset -c 0 "$prog" -c "$3" -k "$4" -x "$5" -P > "$log" 2>&1 &
    else taskset -c 0 "$prog" -c "$3" -k "$4" -P > "$log" 2>&1 & fi
    pids+=($!)
    for _ in $(seq 400); do grep -q "^PORT " "$log" && break; sleep 0.05; done # 20 s: a loaded machine
    grep -q '^PORT ' "$log" || { echo "measure: server $name did not start" >&2; exit 1; }
    printf -v "port_$name" '%s' "$(awk '/^PORT /{print $2}' "$log")"
}
start_server rsa12 "$out/tls_server" "$pki/rsa_server.pem" "$pki/rsa_server.key" ECDHE-RSA-AES128-GCM-SHA256
start_server ec12 "$out/tls_server" "$pki/ec_server.pem" "$pki/ec_server.key" ECDHE-ECDSA-AES128-GCM-SHA256
start_server rsa13 "$out/tls13_server" "$pki/rsa_server.pem" "$pki/rsa_server.key"
start_server ec13 "$out/tls13_server" "$pki/ec_server.pem" "$pki/ec_server.key"

record() { # client version metric value
    printf '{"client":"%s","tls":"%s","metric":"%s","value":%s}\n' "$1" "$2" "$3" "$4" >> "$results"
}
irefs() { # client version port ca args... -> instructions of the whole client run
    local c=$1 v=$2 port=$3 ca=$4
    shift 4
    BE_TLS_VERSION=$v taskset -c 1 valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$out/bench_$c" "$port" "$ca" "$@" 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,
}
per_op() { # client version metric port ca n1 n2 mode [bytes]
    local c=$1 v=$2 metric=$3 port=$4 ca=$5 n1=$6 n2=$7 mode=$8 bytes=${9:-} a b
    a=$(irefs "$c" "$v" "$port" "$ca" "$mode" $bytes "$n1")
    b=$(irefs "$c" "$v" "$port" "$ca" "$mode" $bytes "$n2")
    [ -n "$a" ] && [ -n "$b" ] || { echo "measure: $c $v $metric failed" >&2; return 0; }
    record "$c" "$v" "$metric" "$(( (b - a) / (n2 - n1) ))"
}
heap() { # client version port
    local c=$1 v=$2 port=$3 line
    line=$(BE_TLS_VERSION=$v LD_PRELOAD=$out/libmalloc_count.so taskset -c 1 "$out/bench_$c" "$port" "$pki/rsa_ca.pem" heap 16) ||
        { echo "measure: $c $v heap failed" >&2; return 0; }
    record "$c" "$v" heap_steady "$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['steady_per_conn'])" "$line")"
    record "$c" "$v" heap_peak1 "$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['first_conn_peak'])" "$line")"
}
# client|version|rsa port var|ec port var
runs=("qlssl|1.2|rsa12|ec12" "mbedtls|1.2|rsa12|ec12" "openssl|1.2|rsa12|ec12"
      "mbedtls3|1.2|rsa12|ec12" "rustls|1.2|rsa12|ec12" "mbedtls3|1.3|rsa13|ec13" "rustls|1.3|rsa13|ec13"
      "qlssl13|1.3|rsa13|ec13")
for r in "${runs[@]}"; do
    IFS='|' read -r c v rsa ec <<< "$r"
    wants "$c" || continue
    rp=port_$rsa ep=port_$ec
    echo "== $c TLS $v" >&2
    heap "$c" "$v" "${!rp}"
    if [ "${ENGINES_INSTR:-1}" != 0 ]; then
        per_op "$c" "$v" ir_hs_rsa "${!rp}" "$pki/rsa_ca.pem" 4 12 count-hs
        per_op "$c" "$v" ir_hs_ecdsa "${!ep}" "$pki/ec_ca.pem" 4 12 count-hs
        per_op "$c" "$v" ir_mib_gcm "${!rp}" "$pki/rsa_ca.pem" 2 6 count-bulk 1048576
        # Resumption with tickets; in TLS 1.3 each connection adds a 1-byte echo that reads the
        # tickets (bench/bench_client.c). The driver exits 1 when a handshake did not resume.
        per_op "$c" "$v" ir_resume "${!rp}" "$pki/rsa_ca.pem" 10 110 count-resume
    fi
    cp "$out/bench_$c" "$out/stripped_$c" && strip "$out/stripped_$c"
    record "$c" "$v" size_stripped "$(stat -c %s "$out/stripped_$c")"
done
python3 engines/table.py "$results" | tee "$out/table.md"
