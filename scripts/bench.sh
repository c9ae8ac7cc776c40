#!/usr/bin/env bash
# Benchmarks: qlssl (C client through ql_ssl_*) vs raw mbedtls (same mbedtls build, same config)
# vs OpenSSL libssl, side by side against one server (bench/tls_server, OpenSSL) on 127.0.0.1.
# See docs/PERFORMANCE.md for what is measured and how to read the table.
#
#   scripts/bench.sh                 build, run, print the table
#   scripts/bench.sh --update-docs   ... and replace the table in docs/PERFORMANCE.md
#   scripts/bench.sh --check         only the deterministic measurements (heap per connection,
#                                    instruction counts; no timed rounds, ~2 min) and exit 1 when
#                                    one misses its target (heap <= raw + 1 KiB, instructions <= raw x 1.02)
# Environment: BENCH_ROUNDS (default 5), BENCH_SECONDS per handshake run (default 2),
#   BENCH_INSTR=0 to skip the cachegrind instruction counts, BENCH_OUT (default target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
update_docs=0 check=0
[ "${1:-}" = "--update-docs" ] && update_docs=1
[ "${1:-}" = "--check" ] && check=1

rounds=${BENCH_ROUNDS:-5}
[ "$check" = 1 ] && rounds=0
secs=${BENCH_SECONDS:-2}
out=${BENCH_OUT:-$root/target/bench}
mkdir -p "$out"
results=$out/results-$(date +%Y%m%d-%H%M%S).jsonl
: > "$results"

echo "== building libqlssl (cargo build --release) and the benchmark programs"
cargo build --release -q
# The mbedtls build our crate links: the newest mbedtls-sys-auto output with the three libraries.
mbed_out=$(ls -td target/release/build/mbedtls-sys-auto-*/out 2>/dev/null | while read -r d; do
    [ -f "$d/lib/libmbedtls.a" ] && [ -f "$d/config.h" ] && { echo "$d"; break; }; done)
[ -n "$mbed_out" ] || { echo "bench: no mbedtls-sys-auto build output under target/release/build" >&2; exit 1; }
mbed_out=$root/$mbed_out
make -s -C bench OUT="$out" MBEDTLS_OUT="$mbed_out" QLSSL_LIB="$root/target/release"
tests/hardening/gen_pki.sh "$out/pki" >/dev/null
pki=$out/pki

# One core for the server, the other for the clients (when there are two).
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    server_cpu=0 client_cpu=1
    on_server() { taskset -c 0 "$@"; }
    on_client() { taskset -c 1 "$@"; }
else
    server_cpu=any client_cpu=any
    on_server() { "$@"; }
    on_client() { "$@"; }
fi

pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
}
trap cleanup EXIT

start_server() { # name cert key ciphers -> sets port_<name>
    local name=$1 log=$out/server-$1.log
    on_server "$out/tls_server" -c "$2" -k "$3" -x "$4" -P > "$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        grep -q '^PORT ' "$log" && break
        sleep 0.05
    done
    grep -q '^PORT ' "$log" || { echo "bench: server $name did not start" >&2; cat "$log" >&2; exit 1; }
    printf -v "port_$name" '%s' "$(awk '/^PORT /{print $2}' "$log")"
}
start_server rsa "$pki/rsa_server.pem" "$pki/rsa_server.key" ECDHE-RSA-AES128-GCM-SHA256
start_server ec "$pki/ec_server.pem" "$pki/ec_server.key" ECDHE-ECDSA-AES128-GCM-SHA256
start_server cbc "$pki/rsa_server.pem" "$pki/rsa_server.key" AES256-SHA256

cc_ver=$(${CC:-cc} --version | head -1)
mbed_ver=$(sed -n 's/^#define MBEDTLS_VERSION_STRING *"\(.*\)"/\1/p' "$mbed_out/include/mbedtls/version.h")
git_rev=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml build.rs || echo "+dirty")
python3 - "$results" <<EOF
import json, sys
info = {"kind": "machine", "date": "$(date -u +%Y-%m-%dT%H:%MZ)", "git": "$git_rev",
        "cpu": "$(lscpu | sed -n 's/^Model name: *//p' | head -1)", "cores": "$(nproc)",
        "kernel": "$(uname -r)", "cc": "$cc_ver", "rustc": "$(rustc --version)",
        "openssl": "$(openssl version)", "mbedtls": "$mbed_ver",
        "server_cpu": "$server_cpu", "client_cpu": "$client_cpu"}
open(sys.argv[1], "a").write(json.dumps(info) + "\n")
EOF

# run_timed METRIC ROUND CLIENT PORT CA ARGS...: one timed run, tagged, appended to the results.
run_timed() {
    local metric=$1 round=$2 client=$3 port=$4 ca=$5
    shift 5
    on_client "$out/bench_$client" "$port" "$ca" "$@" |
        python3 -c "import json,sys
for l in sys.stdin:
    r=json.loads(l); r.update(kind='timed', metric='$metric', round=$round); print(json.dumps(r))" >> "$results"
}

clients=(qlssl mbedtls openssl)
# metric|port|ca|arguments
workloads=(
    "hs_rsa|rsa|rsa|hs $secs"
    "hs_ecdsa|ec|ec|hs $secs"
    "resume_rsa|rsa|rsa|resume $secs"
    "bulk_gcm_1m|rsa|rsa|bulk 1048576 128"
    "bulk_gcm_64m|rsa|rsa|bulk 67108864 3"
    "bulk_cbc_1m|cbc|rsa|bulk 1048576 128"
    "bulk_cbc_64m|cbc|rsa|bulk 67108864 3"
)
echo "== $rounds rounds (server CPU $server_cpu, clients CPU $client_cpu)"
if [ "$rounds" = 0 ]; then # --check: the heap measurement once (it is deterministic)
    for c in "${clients[@]}"; do
        LD_PRELOAD=$out/libmalloc_count.so on_client "$out/bench_$c" "$port_rsa" "$pki/rsa_ca.pem" heap 16 |
            python3 -c "import json,sys
for l in sys.stdin:
    r=json.loads(l); r.update(kind='heap', round=1); print(json.dumps(r))" >> "$results"
    done
fi
for round in $(seq "$rounds"); do
    # The three clients run back to back on each workload (so each ratio compares runs seconds
    # apart), in an order that rotates from round to round so no client always runs first.
    order=("${clients[@]:$((round % 3))}" "${clients[@]:0:$((round % 3))}")
    for w in "${workloads[@]}"; do
        IFS='|' read -r metric srv ca args <<< "$w"
        port_var=port_$srv
        for c in "${order[@]}"; do
            # shellcheck disable=SC2086
            run_timed "$metric" "$round" "$c" "${!port_var}" "$pki/${ca}_ca.pem" $args
        done
    done
    for c in "${order[@]}"; do
        LD_PRELOAD=$out/libmalloc_count.so on_client "$out/bench_$c" "$port_rsa" "$pki/rsa_ca.pem" heap 16 |
            python3 -c "import json,sys
for l in sys.stdin:
    r=json.loads(l); r.update(kind='heap', round=$round); print(json.dumps(r))" >> "$results"
    done
    echo "   round $round/$rounds done"
done

if [ "${BENCH_INSTR:-1}" != 0 ] && command -v valgrind >/dev/null; then
    echo "== instruction counts (valgrind --tool=cachegrind, client only)"
    irefs() { # client port ca args... -> total instructions of the client
        local c=$1 port=$2 ca=$3
        shift 3
        valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
            "$out/bench_$c" "$port" "$ca" "$@" 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,
    }
    per_op() { # metric scale n1 n2 client port ca mode [bytes]
        local metric=$1 scale=$2 n1=$3 n2=$4 c=$5 port=$6 ca=$7 mode=$8 bytes=${9:-}
        local a b
        if [ -n "$bytes" ]; then
            a=$(irefs "$c" "$port" "$ca" "$mode" "$bytes" "$n1")
            b=$(irefs "$c" "$port" "$ca" "$mode" "$bytes" "$n2")
        else
            a=$(irefs "$c" "$port" "$ca" "$mode" "$n1")
            b=$(irefs "$c" "$port" "$ca" "$mode" "$n2")
        fi
        python3 -c "import json; print(json.dumps({'kind':'instr','metric':'$metric','client':'$c',
            'value': ($b - $a) / ($n2 - $n1) / $scale}))" >> "$results"
    }
    for c in "${clients[@]}"; do
        per_op ir_hs_rsa 1 4 12 "$c" "$port_rsa" "$pki/rsa_ca.pem" count-hs
        per_op ir_hs_ecdsa 1 4 12 "$c" "$port_ec" "$pki/ec_ca.pem" count-hs
        per_op ir_resume_rsa 1 10 310 "$c" "$port_rsa" "$pki/rsa_ca.pem" count-resume
        per_op ir_bulk_gcm 1 2 10 "$c" "$port_rsa" "$pki/rsa_ca.pem" count-bulk 1048576
        per_op ir_bulk_cbc 1 2 10 "$c" "$port_cbc" "$pki/rsa_ca.pem" count-bulk 1048576
    done
fi

if [ "$check" = 1 ]; then
    echo "== results: $results"
    python3 bench/report.py "$results" --check
    exit $?
fi

echo "== openssl speed -evp aes-128-gcm (one core)"
speed=$(on_client openssl speed -seconds 2 -bytes 16384 -evp aes-128-gcm 2>/dev/null | awk '/^AES-128-GCM|^aes-128-gcm/{v=$NF} END{print v}')
speed=${speed%k}
python3 -c "import json; print(json.dumps({'kind':'ceiling','name':'openssl_speed_aes128gcm','value': float('${speed:-0}') * 1000}))" >> "$results"

echo "== sizes"
tmp=$(mktemp -d)
cp target/release/libqlssl.a "$tmp/q.a"
strip --strip-debug "$tmp/q.a"
mb_total=0
for l in tls x509 crypto; do
    cp "$mbed_out/lib/libmbed$l.a" "$tmp/m$l.a"
    strip --strip-debug "$tmp/m$l.a"
    mb_total=$((mb_total + $(stat -c %s "$tmp/m$l.a")))
done
for b in qlssl mbedtls; do
    cp "$out/bench_$b" "$tmp/b_$b"
    strip "$tmp/b_$b"
done
python3 - "$results" <<EOF
import json, sys
r = open(sys.argv[1], "a")
q, qs, m = $(stat -c %s target/release/libqlssl.a), $(stat -c %s "$tmp/q.a"), $mb_total
bq, bm = $(stat -c %s "$tmp/b_qlssl"), $(stat -c %s "$tmp/b_mbedtls")
r.write(json.dumps({"kind": "size", "name": "libqlssl_a", "text":
    f"libqlssl.a: {q/1048576:.1f} MiB as built, **{qs/1048576:.2f} MiB stripped** (strip --strip-debug; "
    f"it contains mbedtls, the Rust std and the crate); libmbedtls.a + libmbedx509.a + libmbedcrypto.a "
    f"stripped: {m/1048576:.2f} MiB."}) + "\n")
r.write(json.dumps({"kind": "size", "name": "bench_qlssl_bin", "text":
    f"Linked and stripped benchmark client: with libqlssl.a {bq/1024:.0f} KiB, with raw mbedtls {bm/1024:.0f} KiB "
    f"(+{(bq-bm)/1024:.0f} KiB for qlssl)."}) + "\n")
EOF
rm -rf "$tmp"

echo "== results: $results"
if [ "$update_docs" = 1 ]; then
    python3 bench/report.py "$results" --docs docs/PERFORMANCE.md
else
    python3 bench/report.py "$results"
fi
