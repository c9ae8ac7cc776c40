#!/usr/bin/env bash
# run_demo.sh - build everything and run c_examples/ssl_demo.c end to end on the embedded server.
#
#   scripts/run_demo.sh [--time-scale N] [--loops N] [--asan] [--quiet]
#
# Builds libqlssl (cargo build --release), the test server (tools/qlssl-server, cargo -j1) and
# the host runtime (make -C runtime), then runs the demo source unchanged with runtime/qlrt-run:
# its public destinations (www.baidu.com:443, 220.180.239.212:8252) are mapped to the embedded
# server on loopback, which also provides its CA as UFS:cacert.pem. The verdict is the runner's:
# the server's own counts must equal what the demo's rounds make (--expect), and no ql_ssl_* call
# may fail (--strict). Prints the demo's log and one summary line; exits 0 only on that evidence.
#
#   --time-scale N   divide the demo's sleeps (10 s start delay, 1 s between rounds) by N (default 100)
#   --loops N        rounds (default: the demo's DEMO_LOOPS, 100: 266 TLS connections)
#   --asan           build the demo and the runtime with AddressSanitizer + UBSan
#   --quiet          print only errors, the summary and the runner's verdict
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE=100
LOOPS=""
ASAN=""
QUIET=0
while [ $# -gt 0 ]; do
    case "$1" in
    --time-scale) SCALE="$2"; shift 2 ;;
    --loops) LOOPS="$2"; shift 2 ;;
    --asan) ASAN=--asan; shift ;;
    --quiet) QUIET=1; shift ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '/^set -u/d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_demo: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$LOOPS" in ''|[0-9]|[0-9][0-9]|[0-9][0-9][0-9]|[0-9][0-9][0-9][0-9]) ;; *) echo "run_demo: bad --loops" >&2; exit 2 ;; esac
[ "$LOOPS" = 0 ] && { echo "run_demo: --loops must be at least 1" >&2; exit 2; }

echo "run_demo: building libqlssl (cargo build --release)"
(cd "$ROOT" && cargo build --release) || { echo "run_demo: library build failed"; exit 1; }
echo "run_demo: building tools/qlssl-server (cargo build --release -j1)"
(cd "$ROOT/tools/qlssl-server" && cargo build --release -j1) || { echo "run_demo: server build failed"; exit 1; }
echo "run_demo: building the host runtime (make -C runtime)"
make -s -C "$ROOT/runtime" || { echo "run_demo: runtime build failed"; exit 1; }
[ -n "$ASAN" ] && { make -s -C "$ROOT/runtime" SAN=1 || exit 1; }

CFLAGS=""
[ -n "$LOOPS" ] && CFLAGS="-DDEMO_LOOPS=$LOOPS"
N="${LOOPS:-100}"
# What the demo's rounds make (see the head of c_examples/ssl_demo.c): round r does, by r % 3,
# 1: two connections, 0: one, 2: five from one config of which the last four resume.
PAIRS=$(( (N + 2) / 3 )); SINGLES=$(( N / 3 )); CACHED=$(( (N + 1) / 3 ))
HTTPS=$(( 2 * PAIRS + SINGLES + 5 * CACHED )); RESUMED=$(( 4 * CACHED ))
EXPECT="https_handshakes=$HTTPS,http_200=$HTTPS,https_resumed=$RESUMED,https_hs_failed=0"
EXPECT="$EXPECT,dtls_handshakes=2,dtls_echoes=2,dtls_hs_failed=0"
OUT="$(mktemp "${TMPDIR:-/tmp}/run_demo.XXXXXX")"
trap 'rm -f "$OUT"' EXIT
# Bound: 10 s delay + 1 s per round, scaled, plus generous time for the exchanges themselves.
TIMEOUT=$(awk -v l="$N" -v s="$SCALE" 'BEGIN { printf "%d", (10 + l) / s + l * 2 + 60 }')
START=$(date +%s.%N)
echo "run_demo: running c_examples/ssl_demo.c (time scale $SCALE, timeout ${TIMEOUT}s, expecting $EXPECT)"
"$ROOT/runtime/qlrt-run" $ASAN --strict --expect "$EXPECT" --time-scale "$SCALE" --timeout "$TIMEOUT" \
    ${CFLAGS:+--cflags "$CFLAGS"} --map 'www.baidu.com:443=@https,220.180.239.212:8252=@dtls' \
    "$ROOT/c_examples/ssl_demo.c" >"$OUT" 2>&1
RC=$?
END=$(date +%s.%N)
if [ $QUIET = 1 ]; then
    grep -E '\] (E|W) |summary|qlrt-run: (verdict|expect|server stats|library|exit status|FAIL|OK)' "$OUT"
else
    cat "$OUT"
fi
SECS=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }')
DEMO_SUM=$(sed -n 's/.*summary: \(https .*\)/\1/p' "$OUT" | tail -1)
num() { sed -n "s/.*server stats:.* $1=\([0-9]*\).*/\1/p" "$OUT" | tail -1; }
if [ $RC = 0 ]; then
    echo "run_demo: OK: ${DEMO_SUM}; server: $(num https_handshakes) TLS handshakes ($(num https_resumed) resumed), $(num http_200) GETs answered, $(num dtls_handshakes) DTLS-PSK handshakes; ${SECS}s"
    exit 0
fi
echo "run_demo: FAILED (runner status $RC): demo '${DEMO_SUM:-no summary}'; ${SECS}s"
exit 1
