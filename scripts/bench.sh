#!/usr/bin/env bash
# Benchmarks: qlssl (C client through ql_ssl_*) vs raw mbedtls (same mbedtls build, same config)
# vs OpenSSL libssl, side by side against one server (bench/tls_server, OpenSSL) on 127.0.0.1.
# See docs/PERFORMANCE.md for what is measured and how to read the table.
#
#   scripts/bench.sh                 build, run, print the table
#   scripts/bench.sh --update-docs   ... and replace the table in docs/PERFORMANCE.md
#   scripts/bench.sh --check         only the deterministic measurements (heap per connection,
#                                    instruction counts, system calls, CA-cache rotation; no timed
#                                    rounds; it prints how long it took) and exit 1 when one misses
#                                    its target (heap <= raw + 1 KiB, instructions <= raw x 1.02,
#                                    120-byte reads <= raw x 1.01, system calls per handshake <= raw,
#                                    CA rotation N = 8, 9, 32 <= N = 1 x 1.05)
# Environment: BENCH_ROUNDS (default 5), BENCH_SECONDS per handshake run (default 2),
#   BENCH_INSTR=0 to skip the cachegrind instruction counts (and the rotation), BENCH_SYSCALLS=0 to
#   skip the strace counts, BENCH_SIZE=0 to skip the minimal-client sizes (scripts/size.sh),
#   BENCH_OUT (default target/bench).
# Every run works in a directory of its own (BENCH_OUT/run-<time>: server logs, PKI, results), and
# every process it starts is stopped when it ends, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
t_start=$SECONDS
update_docs=0 check=0
[ "${1:-}" = "--update-docs" ] && update_docs=1
[ "${1:-}" = "--check" ] && check=1

rounds=${BENCH_ROUNDS:-5}
[ "$check" = 1 ] && rounds=0
secs=${BENCH_SECONDS:-2}
out=${BENCH_OUT:-$root/target/bench}
stamp=$(date +%Y%m%d-%H%M%S)
run=$out/run-$stamp
mkdir -p "$out"
rm -rf "$run"
mkdir -p "$run"
results=$out/results-$stamp.jsonl
: > "$results"
phase_t=$SECONDS
took() { # what -> prints how long the phase since the previous call took
    echo "   ($1: $((SECONDS - phase_t)) s)"
    phase_t=$SECONDS
}

echo "== building libqlssl (cargo build --release) and the benchmark programs"
cargo build --release -q
# The mbedtls build our crate links: the newest mbedtls-sys-auto output with the three libraries.
mbed_out=$(ls -td target/release/build/mbedtls-sys-auto-*/out 2>/dev/null | while read -r d; do
    [ -f "$d/lib/libmbedtls.a" ] && [ -f "$d/config.h" ] && { echo "$d"; break; }; done)
[ -n "$mbed_out" ] || { echo "bench: no mbedtls-sys-auto build output under target/release/build" >&2; exit 1; }
mbed_out=$root/$mbed_out
make -s -C bench OUT="$out" MBEDTLS_OUT="$mbed_out" MBEDTLS_DEFINES="$(scripts/mbedtls_defines.sh "$mbed_out")" \
    QLSSL_LIB="$root/target/release"
tests/hardening/gen_pki.sh "$run/pki" >/dev/null
pki=$run/pki
took build

# One core for the server, the other for the clients (when there are two). The server is started
# as a plain command (taskset execs it), so $! is the server itself and killing it leaves no orphan.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    server_cpu=0 client_cpu=1
    server_prefix=(taskset -c 0)
    on_client() { taskset -c 1 "$@"; }
else
    server_cpu=any client_cpu=any
    server_prefix=()
    on_client() { "$@"; }
fi

pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    pids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { # label log -> prints the port of the log's "PORT n" line (this run's log only)
    local label=$1 log=$2
    for _ in $(seq 100); do
        grep -q '^PORT ' "$log" && break
        sleep 0.05
    done
    grep -q '^PORT ' "$log" || { echo "bench: $label did not start" >&2; cat "$log" >&2; return 1; }
    awk '/^PORT /{print $2}' "$log"
}
start_server() { # name cert key ciphers -> sets port_<name>
    local name=$1 log=$run/server-$1.log port
    "${server_prefix[@]}" "$out/tls_server" -c "$2" -k "$3" -x "$4" -P > "$log" 2>&1 &
    pids+=($!)
    port=$(wait_port "server $name" "$log") || exit 1
    printf -v "port_$name" '%s' "$port"
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
    took heap
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

if [ "${BENCH_INSTR:-1}" != 0 ]; then
    command -v valgrind >/dev/null || { echo "bench: valgrind is needed for the instruction counts (apt-get install valgrind)" >&2; exit 1; }
    echo "== instruction counts (valgrind --tool=cachegrind, client only)"
    irefs() { # client port ca args... -> total instructions of the client
        local c=$1 port=$2 ca=$3
        shift 3
        valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
            "$out/bench_$c" "$port" "$ca" "$@" 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,
    }
    per_op() { # metric n1 n2 client port ca args-before-count... -- args-after-count...
        local metric=$1 n1=$2 n2=$3 c=$4 port=$5 ca=$6 a b
        shift 6
        local pre=() post=()
        while [ $# -gt 0 ] && [ "$1" != -- ]; do pre+=("$1"); shift; done
        [ $# -gt 0 ] && shift
        post=("$@")
        a=$(irefs "$c" "$port" "$ca" "${pre[@]}" "$n1" "${post[@]}")
        b=$(irefs "$c" "$port" "$ca" "${pre[@]}" "$n2" "${post[@]}")
        [ -n "$a" ] && [ -n "$b" ] || { echo "bench: cachegrind of bench_$c ${pre[*]} failed" >&2; exit 1; }
        python3 -c "import json; print(json.dumps({'kind':'instr','metric':'$metric','client':'$c',
            'value': ($b - $a) / ($n2 - $n1)}))" >> "$results"
    }
    for c in "${clients[@]}"; do
        per_op ir_hs_rsa 4 12 "$c" "$port_rsa" "$pki/rsa_ca.pem" count-hs
        per_op ir_hs_ecdsa 4 12 "$c" "$port_ec" "$pki/ec_ca.pem" count-hs
        per_op ir_resume_rsa 10 310 "$c" "$port_rsa" "$pki/rsa_ca.pem" count-resume
        per_op ir_bulk_gcm 2 10 "$c" "$port_rsa" "$pki/rsa_ca.pem" count-bulk 1048576
        per_op ir_bulk_cbc 2 10 "$c" "$port_cbc" "$pki/rsa_ca.pem" count-bulk 1048576
        # The SDK demo's read size: 120 bytes per ql_ssl_read.
        per_op ir_bulk_gcm_120 2 6 "$c" "$port_rsa" "$pki/rsa_ca.pem" count-bulk 1048576 -- 120
    done
    took "instruction counts"

    # CA-cache rotation: N configs used in turn, each with its own CA file, each file the system
    # bundle plus the benchmark CA (145 certificates with Debian's bundle of 144); instructions per
    # full RSA handshake once every file has been used (the first round is not counted).
    bundle=/etc/ssl/certs/ca-certificates.crt
    [ -f "$bundle" ] || { echo "bench: $bundle is needed for the CA rotation (apt-get install ca-certificates)" >&2; exit 1; }
    mkdir -p "$run/rotate"
    python3 - "$bundle" "$pki/rsa_ca.pem" "$run/rotate" <<'PY'
import re, sys
bundle, ca, outdir = sys.argv[1:4]
pem = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?", re.S)
certs = pem.findall(open(bundle).read())[:144] + pem.findall(open(ca).read())
for i in range(32):
    open(f"{outdir}/ca_{i}.pem", "w").write("".join(certs))
print(f"   CA rotation bundle: {len(certs)} certificates", file=sys.stderr)
PY
    for n in 1 8 9 32; do
        n2=$((n + (n < 8 ? 8 : n)))
        per_op "ir_rotate_$n" "$n" "$n2" qlssl "$port_rsa" "$run/rotate/ca_%d.pem" count-rotate "$n"
    done
    took "CA rotation"
fi

if [ "${BENCH_SYSCALLS:-1}" != 0 ]; then
    command -v strace >/dev/null || { echo "bench: strace is needed for the system-call counts (apt-get install strace)" >&2; exit 1; }
    # Through a relay that holds every chunk back 2 ms (bench/delay_proxy.py): as on a real network,
    # the server's answer is never already there when the client has just sent.
    echo "== system calls per handshake (strace -f -c, client only, server behind a 2 ms relay)"
    python3 bench/delay_proxy.py "$port_rsa" 2 900 > "$run/proxy.log" 2>&1 &
    pids+=($!)
    port_proxy=$(wait_port "delay relay" "$run/proxy.log") || exit 1
    syscalls() { # client args... -> total system calls of the client
        local c=$1 f=$run/strace.txt
        shift
        strace -f -c -o "$f" "$out/bench_$c" "$port_proxy" "$pki/rsa_ca.pem" "$@" >/dev/null
        awk '$NF == "total" {print $4}' "$f"
    }
    for c in qlssl mbedtls; do
        for mode in hs resume; do
            for io in block nonblock; do
                extra=()
                [ "$io" = nonblock ] && extra=(--nonblock)
                a=$(syscalls "$c" "count-$mode" 5 "${extra[@]}")
                b=$(syscalls "$c" "count-$mode" 25 "${extra[@]}")
                python3 -c "import json; print(json.dumps({'kind':'syscalls','metric':'sc_${mode}_$io','client':'$c',
                    'value': ($b - $a) / 20}))" >> "$results"
            done
        done
    done
    took "system calls"
fi

if [ "${BENCH_SIZE:-1}" != 0 ]; then
    # Minimal-client sizes (scripts/size.sh): x86_64 built here; armv7 and bare metal as last
    # recorded by `scripts/size.sh armv7 baremetal` (their cross builds take minutes), with the git
    # revision they were measured at.
    echo "== minimal-client sizes (scripts/size.sh x86_64)"
    bash scripts/size.sh x86_64 | sed 's/^/   /'
    python3 - "$root/target/size/sizes.jsonl" "$results" <<'PY'
import json, sys
newest = {}
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line)
        newest[r["target"]] = r
with open(sys.argv[2], "a") as out:
    for r in newest.values():
        r["how"] += f", measured at {r['git']}"
        out.write(json.dumps(r) + "\n")
PY
    took sizes
fi

if [ "$check" = 1 ]; then
    echo "== results: $results"
    rc=0
    python3 bench/report.py "$results" --check || rc=$?
    echo "== bench.sh --check took $((SECONDS - t_start)) s"
    exit $rc
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

echo "== results: $results (the run took $((SECONDS - t_start)) s)"
if [ "$update_docs" = 1 ]; then
    python3 bench/report.py "$results" --docs docs/PERFORMANCE.md
else
    python3 bench/report.py "$results"
fi
