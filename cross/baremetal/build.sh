#!/usr/bin/env bash
# Bare-metal libqlssl (docs/CROSS.md, "Bare metal"): the library itself built no_std + alloc for
# armv7a-none-eabi (feature `baremetal`, platform services from a C hook table), linked with
# arm-none-eabi-gcc + newlib (semihosting) into the test program cross/baremetal/main.c and the
# minimal client, both run under qemu-arm against openssl s_server on 127.0.0.1. Non-interactive;
# installs the pinned packages it needs; exits non-zero on any failure.
#
#   cross/baremetal/build.sh
#
# Output in target/baremetal/: libqlssl.a (the deliverable), bm_test.elf, minimal_client.elf,
# sizes.txt, bm_test.log.
#
# The mbedtls-sys-auto crate needs a one-line fix on non-Linux ARM (its no_std `c_char` is i8,
# core's is u8). The fix is applied at build time to a copy of the registry crate under
# target/baremetal/vendor/ (checksum-checked against Cargo.lock), which Cargo.toml's [patch] uses;
# no dependency code is committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
. cross/common.sh

TARGET=armv7a-none-eabi
OUT=$ROOT/target/baremetal
CRATE=mbedtls-sys-auto-2.28.15
PATCH=$ROOT/cross/baremetal/mbedtls-sys-auto-c_char.patch
CFLAGS_BM=(-march=armv7-a -mfloat-abi=soft -marm)
JOBS=${QLSSL_CROSS_JOBS:-2}
t0=$SECONDS

ensure_packages "cmake make openssl gnutls-bin iproute2 gcc libc6-dev clang libclang-dev qemu-user patch gcc-arm-none-eabi libnewlib-arm-none-eabi" \
    "rustc-web cargo-web rust-web-src"
check_rust_pins "rustc-web cargo-web rust-web-src"
v=$(arm-none-eabi-gcc -dumpfullversion)
[ "$v" = "$QLSSL_CROSS_ARM_NONE_EABI_GCC_VERSION" ] ||
    die "arm-none-eabi-gcc is $v, pinned $QLSSL_CROSS_ARM_NONE_EABI_GCC_VERSION"
log "toolchain: $(/usr/bin/rustc --version) | $(arm-none-eabi-gcc --version | head -1) | $(qemu-arm --version | head -1)"

# ---- the patched copy of mbedtls-sys-auto -------------------------------------------------------
want_sum=$(awk -v n="${CRATE%-*}" -v v="${CRATE##*-}" '
    $0 == "name = \"" n "\"" { hit = 1; next }
    hit && $0 == "version = \"" v "\"" { ver = 1; next }
    hit && ver && /^checksum = / { gsub(/"/, "", $3); print $3; exit }
    /^\[\[package\]\]/ { hit = 0; ver = 0 }' Cargo.lock)
[ -n "$want_sum" ] || die "no checksum for $CRATE in Cargo.lock"
crate_file() { find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "$CRATE.crate" 2>/dev/null | head -1; }
if [ -z "$(crate_file)" ]; then
    log "fetching $CRATE through the library's Cargo.lock"
    RUSTC=/usr/bin/rustc /usr/bin/cargo fetch --locked --manifest-path "$ROOT/Cargo.toml" >/dev/null
fi
src=$(crate_file)
[ -n "$src" ] || die "$CRATE.crate not in the cargo cache after cargo fetch"
[ "$(sha256sum "$src" | cut -d' ' -f1)" = "$want_sum" ] || die "$src does not match Cargo.lock's checksum"
stamp="$want_sum $(sha256sum "$PATCH" | cut -d' ' -f1)"
if [ "$(cat "$OUT/vendor/$CRATE.stamp" 2>/dev/null)" != "$stamp" ]; then
    log "vendoring $CRATE into ${OUT#"$ROOT"/}/vendor and applying ${PATCH#"$ROOT"/}"
    rm -rf "$OUT/vendor/$CRATE"
    mkdir -p "$OUT/vendor"
    tar -xzf "$src" -C "$OUT/vendor"
    patch -p1 --forward --quiet -d "$OUT/vendor/$CRATE" <"$PATCH"
    echo "$stamp" >"$OUT/vendor/$CRATE.stamp"
fi

# ---- build ------------------------------------------------------------------------------------
trap stop_servers EXIT
trap 'exit 130' INT TERM
make_pki "$OUT/pki"
log "cargo build --release --target $TARGET -Zbuild-std=core,alloc (qlssl --no-default-features --features baremetal)"
t=$SECONDS
(
    cd cross/baremetal
    env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$OUT" CARGO_BUILD_JOBS="$JOBS" \
        CC_armv7a_none_eabi=arm-none-eabi-gcc AR_armv7a_none_eabi=arm-none-eabi-ar \
        CFLAGS_armv7a_none_eabi="${CFLAGS_BM[*]}" \
        BINDGEN_EXTRA_CLANG_ARGS_armv7a_none_eabi="--sysroot=/usr/lib/arm-none-eabi" \
        RUST_MBED_C_COMPILER_BAREMETAL=1 \
        /usr/bin/cargo build --release --locked --target "$TARGET" -Zbuild-std=core,alloc -j "$JOBS"
)
build_s=$((SECONDS - t))
# mbedtls-platform-support (no_std) defines the C function rand() for mbedtls's self tests and
# panics in it unless they were enabled: linked into an image it would replace the C library's
# rand() for every caller. Localized, the C library's rand() serves everyone (mbedtls included).
lib=$OUT/libqlssl.a
cp "$OUT/$TARGET/release/libqlssl_baremetal.a" "$lib"
arm-none-eabi-objcopy --localize-symbol=rand "$lib"
if arm-none-eabi-nm -g --defined-only "$lib" 2>/dev/null | grep -q ' T rand$'; then
    die "rand is still exported by ${lib#"$ROOT"/}"
fi
link() { # output sources...
    local out=$1
    shift
    arm-none-eabi-gcc "${CFLAGS_BM[@]}" -std=c99 -O2 -Wall -Wextra -Werror --specs=rdimon.specs \
        -ffunction-sections -fdata-sections -I "$ROOT/include" "$@" "$lib" \
        -Wl,--gc-sections -Wl,--no-warn-execstack -Wl,-Map="${out%.elf}.map" -o "$out"
    cp "$out" "${out%.elf}.stripped.elf"
    arm-none-eabi-strip "${out%.elf}.stripped.elf"
}
BM=$ROOT/cross/baremetal
link "$OUT/bm_test.elf" "$BM/main.c" "$BM/qemu_hooks.c"
link "$OUT/minimal_client.elf" "$BM/minimal_client.c" "$BM/qemu_hooks.c"

# gnutls-serv -u --echo with a pre-shared key, for the DTLS cases. It always binds the wildcard
# address; the LD_PRELOAD shim of tests/certs turns that into 127.0.0.1, and ss checks it did.
start_dtls_psk_echo() {
    local shim=$OUT/loopback_bind.so logf=$RUN/gnutls-serv.log
    cc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$shim" "$ROOT/tests/certs/loopback_bind.c" -ldl
    echo "qlssl:00112233445566778899aabbccddeeff" >"$RUN/psk.txt"
    DTLS_PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    LD_PRELOAD=$shim gnutls-serv -u --echo -p "$DTLS_PORT" --pskpasswd "$RUN/psk.txt" \
        --priority "NORMAL:+VERS-DTLS1.2:+PSK:+ECDHE-PSK" </dev/null >"$logf" 2>&1 &
    SERVER_PIDS+=($!)
    for _ in $(seq 1 200); do
        grep -q "listening on IPv4" "$logf" && break
        sleep 0.05
    done
    grep -q "listening on IPv4" "$logf" || { cat "$logf" >&2; die "gnutls-serv did not start"; }
    ss -Huln "sport = :$DTLS_PORT" | awk '{print $4}' | grep -Eqv '^(127\.0\.0\.1|\[::1\]):' &&
        die "gnutls-serv listens beyond loopback on port $DTLS_PORT"
    log "gnutls-serv -u --echo (DTLS-PSK) on 127.0.0.1:$DTLS_PORT"
}

# ---- run ------------------------------------------------------------------------------------------
# Semihosting file access is relative to the working directory: the programs read ca.crt,
# other-ca.crt and port.txt from run/.
RUN=$OUT/run
rm -rf "$RUN" && mkdir -p "$RUN"
cp "$OUT/pki/ca.crt" "$OUT/pki/other-ca.crt" "$RUN/"
start_s_server "$OUT/pki" "$RUN/s_server.log"
echo "$SERVER_PORT" >"$RUN/port.txt"
start_dtls_psk_echo
echo "$DTLS_PORT" >"$RUN/dtls_port.txt"
log "s_server -www on 127.0.0.1:$SERVER_PORT; qemu-arm -cpu cortex-a15 bm_test.elf (semihosting)"
rc=0
(cd "$RUN" && timeout 300 qemu-arm -cpu cortex-a15 "$OUT/bm_test.elf") | tee "$OUT/bm_test.log" || rc=$?
grep -Eq '^baremetal: [0-9]+ passed, 0 failed$' "$OUT/bm_test.log" || rc=1
(cd "$RUN" && timeout 120 qemu-arm -cpu cortex-a15 "$OUT/minimal_client.elf") | tee -a "$OUT/bm_test.log" || rc=1
grep -q '^minimal client: HTTP/1.0 200 ok$' "$OUT/bm_test.log" || rc=1

{
    echo "$TARGET ($(/usr/bin/rustc --version), $(arm-none-eabi-gcc --version | head -1))"
    printf '  %-34s %9d bytes\n' libqlssl.a "$(stat -c %s "$lib")"
    cp "$lib" "$OUT/libqlssl.stripped.a"
    arm-none-eabi-strip --strip-debug "$OUT/libqlssl.stripped.a"
    printf '  %-34s %9d bytes\n' "libqlssl.a --strip-debug" "$(stat -c %s "$OUT/libqlssl.stripped.a")"
    for e in minimal_client bm_test; do
        printf '  %-34s %9d bytes\n' "$e.elf stripped" "$(stat -c %s "$OUT/$e.stripped.elf")"
    done
    arm-none-eabi-size "$OUT/minimal_client.elf" "$OUT/bm_test.elf" | sed 's/^/  /'
} | tee "$OUT/sizes.txt"
log "bare metal: cargo build $build_s s, total $((SECONDS - t0)) s, exit $rc"
exit $rc
