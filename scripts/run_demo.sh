#!/usr/bin/env bash
# run_demo.sh - build everything and run c_examples/ssl_demo.c end to end on the embedded server.
#
#   scripts/run_demo.sh [--time-scale N] [--loops N] [--asan] [--quiet]
#
# Builds libqlssl (cargo build --release), the test server (tools/qlssl-server, cargo -j1) and
# the host runtime (make -C runtime), then runs the demo source unchanged with runtime/qlrt-run:
# its public destinations (www.example.com:443, 220.180.239.212:8252) are mapped to the embedded
# server on loopback. Prints the demo's log (the HTTP responses among it) and one summary line;
# exits 0 when the run succeeded and the server's counts agree with the demo's.
#
#   --time-scale N   divide the demo's sleeps (10 s start delay, 1 s between loops) by N (default 10)
#   --loops N        HTTPS exchanges (default: the demo's DEMO_LOOPS, 100)
#   --asan           build the demo and the runtime with AddressSanitizer + UBSan
#   --quiet          print only the responses' first lines, errors and the summary
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE=10
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
EXPECT_LOOPS="${LOOPS:-100}"
OUT="$(mktemp "${TMPDIR:-/tmp}/run_demo.XXXXXX")"
trap 'rm -f "$OUT"' EXIT
# Bound: 10 s delay + 1 s per loop, scaled, plus generous time for the exchanges themselves.
TIMEOUT=$(awk -v l="$EXPECT_LOOPS" -v s="$SCALE" 'BEGIN { printf "%d", (10 + l) / s + l * 2 + 60 }')
START=$(date +%s.%N)
echo "run_demo: running c_examples/ssl_demo.c (time scale $SCALE, timeout ${TIMEOUT}s)"
"$ROOT/runtime/qlrt-run" $ASAN --time-scale "$SCALE" --timeout "$TIMEOUT" ${CFLAGS:+--cflags "$CFLAGS"} \
    --map 'www.example.com:443=@https,220.180.239.212:8252=@dtls' "$ROOT/c_examples/ssl_demo.c" >"$OUT" 2>&1
RC=$?
END=$(date +%s.%N)
if [ $QUIET = 1 ]; then
    grep -E '^HTTP/|\] (P|E|W) |summary|exit status|server stats' "$OUT"
else
    cat "$OUT"
fi

num() { sed -n "s/.*server stats:.* $1=\([0-9]*\).*/\1/p" "$OUT" | tail -1; }
HS=$(num https_handshakes); GETS=$(num http_200); ECHO=$(num dtls_echoes)
DEMO_SUM=$(sed -n "s/.*summary: \(https [0-9]*\/[0-9]* ok.*\)/\1/p" "$OUT" | tail -1)
SECS=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }')
OK=1
[ $RC = 0 ] || OK=0
[ "$HS" = "$EXPECT_LOOPS" ] && [ "$GETS" = "$EXPECT_LOOPS" ] && [ "$ECHO" = 1 ] || OK=0
if [ $OK = 1 ]; then
    echo "run_demo: OK: ${DEMO_SUM}; server: $HS TLS handshakes, $GETS GETs answered, $ECHO DTLS echo; ${SECS}s"
    exit 0
fi
echo "run_demo: FAILED (runner status $RC): demo '${DEMO_SUM:-no summary}'; server: ${HS:-?} handshakes, ${GETS:-?} GETs, ${ECHO:-?} DTLS echoes; ${SECS}s"
exit 1
