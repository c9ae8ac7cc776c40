#!/usr/bin/env bash
# Peak heap of one connection that downloads 1 MiB in 16 KiB records, against one that only
# handshakes (docs/ENGINES.md): valgrind DHAT's "At t-gmax" (the process's peak of live heap
# bytes, its one-time setup included, which the difference cancels). Uses the programs
# engines/measure.sh built; starts and stops its own servers.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/target/engines/bench
[ -x "$out/bench_rustls" ] || { echo "heap_bulk: run engines/measure.sh first" >&2; exit 1; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start() { # name program -> port_<name>
    local log=$out/heapbulk-$1.log
    "$2" -c "$out/pki/rsa_server.pem" -k "$out/pki/rsa_server.key" -P > "$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 400); do grep -q '^PORT ' "$log" && break; sleep 0.05; done
    printf -v "port_$1" '%s' "$(awk '/^PORT /{print $2}' "$log")"
}
start tls12 "$out/tls_server"
start tls13 "$out/tls13_server"
gmax() { # version client args...
    local v=$1 c=$2 port
    shift 2
    if [ "$v" = 1.3 ]; then port=$port_tls13; else port=$port_tls12; fi
    BE_TLS_VERSION=$v valgrind --tool=dhat --dhat-out-file=/dev/null "$out/bench_$c" "$port" "$out/pki/rsa_ca.pem" "$@" 2>&1 |
        sed -n 's/.*At t-gmax: *\([0-9,]*\) bytes.*/\1/p' | tr -d ,
}
printf '| client | TLS | peak, 1 handshake | peak, 1 handshake + 1 MiB download | difference |\n|---|---|---:|---:|---:|\n'
for r in "qlssl 1.2" "mbedtls 1.2" "mbedtls3 1.2" "mbedtls3 1.3" "rustls 1.2" "rustls 1.3"; do
    set -- $r
    a=$(gmax "$2" "$1" count-hs 1)
    b=$(gmax "$2" "$1" count-bulk 1048576 1)
    printf '| %s | %s | %s | %s | %+d |\n' "$1" "$2" "$a" "$b" "$((b - a))"
done
