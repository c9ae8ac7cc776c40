#!/usr/bin/env bash
# The QuecOpen port layer (port/quecopen/) end to end on the host: the bare-metal libqlssl (no_std
# + alloc, feature `baremetal`, every platform service from ql_ssl_platform_hooks) built for
# x86_64-unknown-linux-gnu, linked with the port layer, the host runtime (runtime/, which
# implements the SDK calls the port uses: lwip_*, ql_rtos_*, ql_fopen/ql_fread/ql_fsize,
# ql_dev_get_sys_srand) and an unchanged QuecOpen app, run by runtime/qlrt-run against the
# embedded qlssl-server and judged by the server's counts. See docs/CROSS.md, "Port layer for the
# QuecOpen SDK".
#
#   tests/port/host_run.sh [--loops N]            c_examples/ssl_demo.c, exact counts expected
#   tests/port/host_run.sh --app FILE.c [qlrt-run options]
#                                                  another app (e.g. the SDK's own ssl_demo.c,
#                                                  never committed); qlrt-run's default rule or
#                                                  the --expect given
#   tests/port/host_run.sh --checks               tests/port/port_checks.c: every hook against the
#                                                  SDK call it wraps, a verified handshake with the CA
#                                                  read through the port ("UFS:cacert.pem"), a
#                                                  missing UFS file refused at setup
#   tests/port/host_run.sh --lib-only             only build target/baremetal-host/dist/libqlssl.a
#
# The library build is cargo's (-Zbuild-std=core,alloc with panic=abort, as the ARM bare-metal
# build; cross/baremetal/vendor.sh prepares the mbedtls-sys-auto copy its Cargo.toml patches in).
# Exit status: qlrt-run's (0 = the app, the server's counts and the port all agree).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
APP=""
LOOPS=""
LIB_ONLY=0
CHECKS=0
USER_CFLAGS=
PASS=()
while [ $# -gt 0 ]; do
    case $1 in
    --app) APP=$2; shift 2 ;;
    --loops) LOOPS=$2; shift 2 ;;
    --lib-only) LIB_ONLY=1; shift ;;
    --checks) CHECKS=1; shift ;;
    # Added to the port's own include flag (qlrt-run keeps only the last --cflags it is given).
    --cflags) USER_CFLAGS=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) PASS+=("$1"); shift ;;
    esac
done
case "$LOOPS" in '' | [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) ;; *) echo "host_run: bad --loops" >&2; exit 2 ;; esac

TARGET=x86_64-unknown-linux-gnu
OUT=$ROOT/target/baremetal-host
LIB=$OUT/dist/libqlssl.a
bash cross/baremetal/vendor.sh
echo "host_run: cargo build --release --target $TARGET -Zbuild-std=core,alloc (qlssl --no-default-features --features baremetal)"
(
    cd cross/baremetal
    env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$OUT" RUST_MBED_C_COMPILER_BAREMETAL=1 \
        CFLAGS_x86_64_unknown_linux_gnu=-fPIC \
        /usr/bin/cargo build --release --locked --target "$TARGET" -Zbuild-std=core,alloc \
        -j "${QLSSL_CROSS_JOBS:-2}"
)
# The shipped form: one object, only the ql_ssl_* API and ql_ssl_platform_init global.
bash scripts/static_lib.sh --baremetal "$OUT/$TARGET/release/libqlssl_baremetal.a" "$LIB"
[ $LIB_ONLY = 1 ] && { echo "host_run: $LIB"; exit 0; }
make -s -C runtime

CFLAGS="-I $ROOT/port/quecopen${LOOPS:+ -DDEMO_LOOPS=$LOOPS}${USER_CFLAGS:+ $USER_CFLAGS}"
if [ $CHECKS = 1 ]; then
    exec runtime/qlrt-run --qlssl-lib "$LIB" --init qlssl_port_boot --cflags "$CFLAGS -DPORT_APP_INIT=port_checks_init" \
        --time-scale 100 --timeout 120 --map '192.0.2.44:443=@https' \
        --expect 'https_handshakes=1,http_200=1,https_hs_failed=0' ${PASS[@]+"${PASS[@]}"} \
        tests/port/port_checks.c port/quecopen/ql_ssl_port_quecopen.c tests/port/port_boot.c
fi
RUN=(runtime/qlrt-run --qlssl-lib "$LIB" --init qlssl_port_boot --cflags "$CFLAGS"
     --time-scale 100 --map 'www.baidu.com:443=@https,220.180.239.212:8252=@dtls')
if [ -z "$APP" ]; then
    # What c_examples/ssl_demo.c's rounds make (scripts/run_demo.sh has the same arithmetic).
    N=${LOOPS:-100}
    PAIRS=$(((N + 2) / 3)) SINGLES=$((N / 3)) CACHED=$(((N + 1) / 3))
    HTTPS=$((2 * PAIRS + SINGLES + 5 * CACHED)) RESUMED=$((4 * CACHED))
    EXPECT="https_handshakes=$HTTPS,http_200=$HTTPS,https_resumed=$RESUMED,https_hs_failed=0"
    EXPECT="$EXPECT,dtls_handshakes=2,dtls_echoes=2,dtls_hs_failed=0"
    TIMEOUT=$(awk -v l="$N" 'BEGIN { printf "%d", (10 + l) / 100 + l * 2 + 60 }')
    RUN+=(--expect "$EXPECT" --timeout "$TIMEOUT")
    APP=c_examples/ssl_demo.c
fi
exec "${RUN[@]}" ${PASS[@]+"${PASS[@]}"} "$APP" port/quecopen/ql_ssl_port_quecopen.c tests/port/port_boot.c
