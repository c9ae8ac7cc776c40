#!/usr/bin/env bash
# Bare-metal stepping stone (docs/CROSS.md): build the mbedtls crate no_std + alloc for
# armv7a-none-eabi, link it with arm-none-eabi-gcc + newlib (semihosting) and run the check under
# qemu-arm. Non-interactive; installs the pinned packages it needs; exits non-zero on failure.
#
#   cross/baremetal/build.sh
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

ensure_packages "cmake make openssl clang libclang-dev qemu-user patch gcc-arm-none-eabi libnewlib-arm-none-eabi" \
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
make_pki "$OUT/pki"
log "cargo build --release --target $TARGET -Zbuild-std=core,alloc (CARGO_TARGET_DIR=${OUT#"$ROOT"/})"
t=$SECONDS
(
    cd cross/baremetal
    env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$OUT" CARGO_BUILD_JOBS="$JOBS" \
        CC_armv7a_none_eabi=arm-none-eabi-gcc AR_armv7a_none_eabi=arm-none-eabi-ar \
        CFLAGS_armv7a_none_eabi="${CFLAGS_BM[*]}" \
        BINDGEN_EXTRA_CLANG_ARGS_armv7a_none_eabi="--sysroot=/usr/lib/arm-none-eabi" \
        RUST_MBED_C_COMPILER_BAREMETAL=1 QLSSL_BM_PKI="$OUT/pki" \
        /usr/bin/cargo build --release --locked --target "$TARGET" -Zbuild-std=core,alloc -j "$JOBS"
)
build_s=$((SECONDS - t))
lib=$OUT/$TARGET/release/libqlssl_baremetal.a
elf=$OUT/bm_check.elf
arm-none-eabi-gcc "${CFLAGS_BM[@]}" -std=c99 -O2 -Wall -Wextra -Werror --specs=rdimon.specs \
    -ffunction-sections -fdata-sections "$ROOT/cross/baremetal/main.c" "$lib" \
    -Wl,--gc-sections -Wl,--no-warn-execstack -Wl,-Map="$OUT/bm_check.map" -o "$elf"
cp "$elf" "$OUT/bm_check.stripped.elf"
arm-none-eabi-strip "$OUT/bm_check.stripped.elf"

# ---- run ----------------------------------------------------------------------------------------
log "qemu-arm -cpu cortex-a15 ${elf#"$ROOT"/} (semihosting)"
rc=0
timeout 300 qemu-arm -cpu cortex-a15 "$elf" | tee "$OUT/bm_check.log" || rc=$?
grep -Eq '^baremetal: [0-9]+ passed, 0 failed$' "$OUT/bm_check.log" || rc=1

{
    echo "$TARGET ($(/usr/bin/rustc --version), $(arm-none-eabi-gcc --version | head -1))"
    printf '  %-26s %9d bytes\n' libqlssl_baremetal.a "$(stat -c %s "$lib")"
    cp "$lib" "$OUT/libqlssl_baremetal.stripped.a"
    arm-none-eabi-strip --strip-debug "$OUT/libqlssl_baremetal.stripped.a"
    printf '  %-26s %9d bytes\n' "  stripped (--strip-debug)" "$(stat -c %s "$OUT/libqlssl_baremetal.stripped.a")"
    printf '  %-26s %9d bytes\n' "bm_check.elf stripped" "$(stat -c %s "$OUT/bm_check.stripped.elf")"
    arm-none-eabi-size "$elf" | sed 's/^/  /'
} | tee "$OUT/sizes.txt"
log "bare metal: cargo build $build_s s, total $((SECONDS - t0)) s, exit $rc"
exit $rc
