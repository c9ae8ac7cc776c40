#!/usr/bin/env bash
# Bare-metal libqlssl (docs/CROSS.md, "Bare metal"): the library itself built no_std + alloc for
# armv7a-none-eabi (soft float) and armv7a-none-eabihf (hard float, VFPv3-D16: the calling
# convention of module application cores built with -mfloat-abi=hard), feature `baremetal`
# (platform services from a C hook table), each linked with arm-none-eabi-gcc + newlib
# (semihosting, the matching multilib) into the test program cross/baremetal/main.c and the
# minimal client, all run under qemu-arm against openssl s_server / gnutls-serv on 127.0.0.1.
# Non-interactive; installs the pinned packages it needs; exits non-zero on any failure.
#
#   cross/baremetal/build.sh                                  (both targets)
#   QLSSL_BAREMETAL_TARGETS=armv7a-none-eabihf cross/baremetal/build.sh   (one)
#   QLSSL_BAREMETAL_DEBUG_AIDS=0 cross/baremetal/build.sh     (skip the debugging-aids library)
#
# Output in target/baremetal/dist/<target>/: libqlssl.a (the deliverable: only the ql_ssl_* API
# and ql_ssl_platform_init global, made by scripts/static_lib.sh), bm_test.elf,
# minimal_client.elf, store_client.elf (the session store across qemu processes), sizes.txt,
# bm_test.log; in dist/<target>/debug-aids/ the same library built
# with the opt-in features `keylog,tls-debug` (docs/CROSS.md, "Debugging aids"), debug_client.elf
# (its qemu test), minimal_client.elf (for its size), keylog.txt and debug_log.txt of the run.
#
# The mbedtls-sys-auto crate needs a one-line fix on non-Linux ARM (its no_std `c_char` is i8,
# core's is u8). cross/baremetal/vendor.sh applies it at build time to a copy of the registry crate
# under target/baremetal/vendor/ (checksum-checked against Cargo.lock), which Cargo.toml's [patch]
# uses; no dependency code is committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
. cross/common.sh

TARGETS=${QLSSL_BAREMETAL_TARGETS:-armv7a-none-eabi armv7a-none-eabihf}
OUT=$ROOT/target/baremetal
# C flags per target: the ABI rustc's target uses (armv7a-none-eabihf: +vfp3d16, hard-float
# calling convention; armv7a-none-eabi: soft float). They also select newlib's multilib
# (thumb/v7-a/nofp, thumb/v7-a+fp/hard).
cflags_for() {
    case $1 in
    armv7a-none-eabi) echo "-march=armv7-a -mfloat-abi=soft -marm" ;;
    armv7a-none-eabihf) echo "-march=armv7-a+fp -mfloat-abi=hard -marm" ;;
    *) die "unknown bare-metal target $1" ;;
    esac
}
JOBS=${QLSSL_CROSS_JOBS:-2}
DEBUG_AIDS=${QLSSL_BAREMETAL_DEBUG_AIDS:-1}
# The debugging aids' symbols (keylog: the Rust key-log module and ql_ssl_set_keylog_callback;
# tls-debug: mbedtls's debug.c and the Rust debug hook in src/tls/log.rs) and one of mbedtls's
# debug format strings: none of them may be in the default library, all in the debug-aids one.
KEYLOG_SYMS='[0-9]keylog|ql_ssl_set_keylog_callback'
DEBUG_SYMS='mbedtls_debug_print_msg|mbedtls_debug_set_threshold|debug_send_line|3log13mbedtls_debug'
DEBUG_TEXT='=> handshake'
t0=$SECONDS

ensure_packages "cmake make openssl gnutls-bin iproute2 gcc libc6-dev clang libclang-dev qemu-user patch gcc-arm-none-eabi libnewlib-arm-none-eabi" \
    "rustc-web cargo-web rust-web-src"
check_rust_pins "rustc-web cargo-web rust-web-src"
v=$(arm-none-eabi-gcc -dumpfullversion)
[ "$v" = "$QLSSL_CROSS_ARM_NONE_EABI_GCC_VERSION" ] ||
    die "arm-none-eabi-gcc is $v, pinned $QLSSL_CROSS_ARM_NONE_EABI_GCC_VERSION"
log "toolchain: $(/usr/bin/rustc --version) | $(arm-none-eabi-gcc --version | head -1) | $(qemu-arm --version | head -1)"

# ---- the patched copy of mbedtls-sys-auto -------------------------------------------------------
bash cross/baremetal/vendor.sh

# ---- build ------------------------------------------------------------------------------------
trap stop_servers EXIT
trap 'exit 130' INT TERM
make_pki "$OUT/pki"
# mbedtls's own self tests, which cross/baremetal/main.c runs: local in the shipped library, made
# global again in a copy that only the test program links (nothing else differs).
SELF_TESTS="sha256 sha512 aes gcm chachapoly mpi ecp rsa x509 ctr_drbg"
build_s=0
cargo_build() { # target [cargo feature list of cross/baremetal/Cargo.toml]
    local target=$1 features=${2:-} cflags t=$SECONDS
    cflags=$(cflags_for "$target")
    log "cargo build --release --target $target -Zbuild-std=core,alloc (qlssl --no-default-features --features baremetal${features:+,$features})"
    (
        cd cross/baremetal
        env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$OUT" CARGO_BUILD_JOBS="$JOBS" \
            "CC_${target//-/_}=arm-none-eabi-gcc" "AR_${target//-/_}=arm-none-eabi-ar" \
            "CFLAGS_${target//-/_}=$cflags" \
            "BINDGEN_EXTRA_CLANG_ARGS_${target//-/_}=--sysroot=/usr/lib/arm-none-eabi" \
            RUST_MBED_C_COMPILER_BAREMETAL=1 \
            /usr/bin/cargo build --release --locked --target "$target" -Zbuild-std=core,alloc -j "$JOBS" \
            ${features:+--features "$features"}
    )
    build_s=$((build_s + SECONDS - t))
}
# count_syms FILE REGEX: how many symbols of FILE (archive or ELF) match REGEX.
count_syms() {
    arm-none-eabi-nm "$1" 2>/dev/null | awk '{ print $NF }' | grep -cE "$2" || true
}
build_target() { # target
    local target=$1 dist=$OUT/dist/$1 lib cflags
    cflags=$(cflags_for "$target")
    cargo_build "$target"
    mkdir -p "$dist"
    lib=$dist/libqlssl.a
    # Only the API global (and rand() localized: mbedtls-platform-support's panicking rand() must
    # not replace the C library's): scripts/static_lib.sh, which also checks the result.
    bash "$ROOT/scripts/static_lib.sh" --prefix arm-none-eabi- --baremetal \
        "$OUT/$target/release/libqlssl_baremetal.a" "$lib"
    cp "$lib" "$dist/libqlssl-selftest.a"
    local globalize=() n
    for n in $SELF_TESTS; do globalize+=("--globalize-symbol=mbedtls_${n}_self_test"); done
    arm-none-eabi-objcopy "${globalize[@]}" "$dist/libqlssl-selftest.a"
    # shellcheck disable=SC2086 # cflags is a word list
    link() { # archive output sources...
        local archive=$1 out=$2
        shift 2
        arm-none-eabi-gcc $cflags -std=c99 -O2 -Wall -Wextra -Werror --specs=rdimon.specs \
            -ffunction-sections -fdata-sections -I "$ROOT/include" "$@" "$archive" \
            -Wl,--gc-sections -Wl,--no-warn-execstack -Wl,-Map="${out%.elf}.map" -o "$out"
        cp "$out" "${out%.elf}.stripped.elf"
        arm-none-eabi-strip "${out%.elf}.stripped.elf"
    }
    link "$dist/libqlssl-selftest.a" "$dist/bm_test.elf" "$BM/main.c" "$BM/qemu_hooks.c"
    link "$lib" "$dist/minimal_client.elf" "$BM/minimal_client.c" "$BM/qemu_hooks.c"
    link "$lib" "$dist/store_client.elf" "$BM/store_client.c" "$BM/qemu_hooks.c"
    # Off by default means absent: no symbol and no format string of the debugging aids in the
    # shipped library or the client linked from it.
    local f n
    for f in "$lib" "$dist/minimal_client.elf"; do
        n=$(($(count_syms "$f" "$KEYLOG_SYMS") + $(count_syms "$f" "$DEBUG_SYMS")))
        [ "$n" -eq 0 ] || die "$target: ${f#"$OUT"/} (default build) has $n key-log/debug symbols"
        ! grep -qF -- "$DEBUG_TEXT" "$f" || die "$target: ${f#"$OUT"/} (default build) has mbedtls's debug strings"
    done
    log "$target: default library and minimal client: no key-log or mbedtls debug symbols (nm), no debug strings"
    [ "$DEBUG_AIDS" = 1 ] && build_debug_aids "$target"
    # The ABI actually built: hard float passes arguments in VFP registers.
    if [ "$target" = armv7a-none-eabihf ]; then
        arm-none-eabi-readelf -A "$dist/minimal_client.elf" | grep -q 'Tag_ABI_VFP_args: VFP registers' ||
            die "$target: minimal_client.elf is not a hard-float (VFP argument) image"
    elif arm-none-eabi-readelf -A "$dist/minimal_client.elf" | grep -q 'Tag_ABI_VFP_args: VFP registers'; then
        die "$target: minimal_client.elf uses VFP argument registers"
    fi
}
# The library with the opt-in debugging aids (features keylog + tls-debug), shipped the same way
# into dist/<target>/debug-aids/, with its test program and the minimal client linked from it.
# Runs inside build_target (uses its `link`). The cargo build after the default one leaves the
# default library's artifacts in place (cargo keeps both feature sets), so both stay warm.
build_debug_aids() { # target
    local target=$1 dir=$OUT/dist/$1/debug-aids lib n
    cargo_build "$target" keylog,tls-debug
    mkdir -p "$dir"
    lib=$dir/libqlssl.a
    bash "$ROOT/scripts/static_lib.sh" --prefix arm-none-eabi- --baremetal \
        "$OUT/$target/release/libqlssl_baremetal.a" "$lib"
    # The check can fail: the same patterns find the aids here.
    n=$(count_syms "$lib" "$KEYLOG_SYMS")
    [ "$n" -gt 0 ] || die "$target: the debug-aids library has no key-log symbols"
    n=$(count_syms "$lib" "$DEBUG_SYMS")
    [ "$n" -gt 0 ] || die "$target: the debug-aids library has no mbedtls debug symbols"
    arm-none-eabi-nm -g --defined-only "$lib" | grep -q ' T ql_ssl_set_keylog_callback$' ||
        die "$target: the debug-aids library does not export ql_ssl_set_keylog_callback"
    link "$lib" "$dir/debug_client.elf" "$BM/debug_client.c" "$BM/qemu_hooks.c"
    link "$lib" "$dir/minimal_client.elf" "$BM/minimal_client.c" "$BM/qemu_hooks.c"
}
BM=$ROOT/cross/baremetal

# The module SDK recipe of docs/CROSS.md ("Module SDK integration (CMake)"): the CMake block between
# its qlssl-sdk-recipe markers, copied verbatim, consumed by the stand-in SDK project cross/sdk-cmake
# (arm-none-eabi-gcc, the target's float ABI), which builds the minimal client through qlssl::qlssl.
sdk_cmake_build() { # target
    local target=$1 dir=$OUT/sdk-cmake/$1 abi=soft
    [ "$target" = armv7a-none-eabihf ] && abi=hard
    rm -rf "$dir" && mkdir -p "$dir/qlssl/include" "$dir/qlssl/lib/$target"
    awk '/<!-- qlssl-sdk-recipe:end -->/ { on = 0 } on && !/^```/ { print } /<!-- qlssl-sdk-recipe:begin -->/ { on = 1 }' \
        "$ROOT/docs/CROSS.md" >"$dir/qlssl.cmake"
    grep -q 'add_library(qlssl::qlssl STATIC IMPORTED)' "$dir/qlssl.cmake" ||
        die "docs/CROSS.md: no CMake recipe between the qlssl-sdk-recipe markers"
    # The layout the recipe documents: QLSSL_ROOT/include, QLSSL_ROOT/lib/<triple>/libqlssl.a.
    cp "$ROOT/include/ql_ssl.h" "$dir/qlssl/include/"
    cp "$OUT/dist/$target/libqlssl.a" "$dir/qlssl/lib/$target/"
    log "$target: cross/sdk-cmake with the recipe of docs/CROSS.md (QLSSL_FLOAT_ABI=$abi)"
    cmake -S "$ROOT/cross/sdk-cmake" -B "$dir/build" -DCMAKE_BUILD_TYPE= \
        -DCMAKE_TOOLCHAIN_FILE="$ROOT/cross/cmake/arm-none-eabi.cmake" -DQLSSL_FLOAT_ABI=$abi \
        -DQLSSL_RECIPE="$dir/qlssl.cmake" -DQLSSL_ROOT="$dir/qlssl" >"$dir/configure.log" 2>&1 ||
        { cat "$dir/configure.log"; die "$target: sdk-cmake configure failed"; }
    grep -q "^QLSSL_TRIPLE:STRING=$target\$" "$dir/build/CMakeCache.txt" ||
        die "$target: the recipe did not pick the $target archive from the float ABI"
    cmake --build "$dir/build" --verbose >"$dir/build.log" 2>&1 ||
        { tail -40 "$dir/build.log"; die "$target: sdk-cmake build failed"; }
    # The link line carries what the imported target promises, and the linker used it: sections of
    # the library that the client does not reach are discarded.
    grep -E -- "-Wl,--gc-sections" "$dir/build.log" | grep -q "qlssl/lib/$target/libqlssl.a" ||
        die "$target: the sdk-cmake link line lacks --gc-sections or the staged libqlssl.a"
    local dropped
    dropped=$(awk '/^Discarded input sections/ { on = 1 } /^Memory Configuration/ { on = 0 }
        on && $NF ~ /libqlssl\.a\(/ && $(NF - 1) ~ /^0x/ && $(NF - 1) !~ /^0x0+$/ { n++ } END { print n + 0 }' \
        "$dir/build/minimal_client.map")
    [ "$dropped" -gt 0 ] || die "$target: no library section was garbage-collected in the sdk-cmake link"
    log "$target: sdk-cmake link: $dropped non-empty sections of libqlssl.a discarded by --gc-sections"
}

for target in $TARGETS; do
    build_target "$target"
    sdk_cmake_build "$target"
done

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

# The debugging aids under qemu (cross/baremetal/debug_client.c): a fresh `openssl s_server -www
# -keylogfile` on 127.0.0.1 (-naccept 3: the client's three connections, then it exits), whose
# CLIENT_RANDOM line for the first connection must be exactly the line the client's key-log sink
# received (keylog.txt): same client random, same master secret. The server logs all three; the
# client's sink was registered for the first only.
run_debug_client() { # target
    local target=$1 dir=$OUT/dist/$1/debug-aids logf port pid out ours theirs i
    logf=$dir/s_server.log
    rm -f "$dir/server-keylog.txt" "$RUN/keylog.txt" "$RUN/debug_log.txt"
    : >"$logf" # exists before the server (started in the background) opens it
    openssl s_server -accept 127.0.0.1:0 -cert "$OUT/pki/server.crt" -key "$OUT/pki/server.key" -www \
        -keylogfile "$dir/server-keylog.txt" -naccept 3 </dev/null >"$logf" 2>&1 &
    pid=$!
    SERVER_PIDS+=("$pid")
    port=
    for i in $(seq 1 200); do
        port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$logf" | head -1)
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || { cat "$logf" >&2; echo "$target: debug-aids s_server did not start"; return 1; }
    echo "$port" >"$RUN/keylog_port.txt"
    out=$( (cd "$RUN" && timeout 120 qemu-arm -cpu cortex-a15 "$dir/debug_client.elf") 2>&1 || true)
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "$out" | sed "s|^|$target: debug-aids: |"
    mv -f "$RUN/keylog.txt" "$RUN/debug_log.txt" "$dir/" 2>/dev/null || true
    echo "$out" | grep -qx 'debug client: ok' || return 1
    ours=$(cat "$dir/keylog.txt" 2>/dev/null || true)
    theirs=$(grep -E '^CLIENT_RANDOM ' "$dir/server-keylog.txt" 2>/dev/null || true)
    [ "$(printf '%s\n' "$theirs" | grep -c .)" -eq 3 ] ||
        { echo "$target: debug-aids: s_server logged $(printf '%s\n' "$theirs" | grep -c .) key-log lines, expected 3"; return 1; }
    if [ -n "$ours" ] && [ "$ours" = "$(printf '%s\n' "$theirs" | head -1)" ]; then
        echo "$target: debug-aids: key-log line from the sink = s_server -keylogfile's line for the connection (${ours:0:40}...)"
    else
        echo "$target: debug-aids: key-log lines differ: ours '$ours', s_server's first '$(printf '%s\n' "$theirs" | head -1)'"
        return 1
    fi
}

# The power cycle (QL_SSL_CONF_SESSION_STORE over the version-2 hooks): store_client.elf is one
# boot of the device; run.log gets each run's lines. Every run must end in the expected
# "resumed=... server=..." line, where server= is s_server's own page for that connection:
#   1 no file           -> full handshake (New), the file is written (magic QLSSLSS1)
#   2 a new process     -> resumes from the file (Reused, resumed=1)
#   3 one byte flipped  -> ignored with the logged reason, full handshake, the file replaced
#   4 a new process     -> resumes from the replacement
run_store_client() { # target
    local target=$1 elf=$OUT/dist/$1/store_client.elf out want i
    rm -f "$RUN/session.bin" "$RUN/session.bin.tmp"
    for i in 1 2 3 4; do
        case $i in
        1 | 3) want='resumed=0 server=New' ;;
        *) want='resumed=1 server=Reused' ;;
        esac
        if [ $i = 3 ]; then
            python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 1; open(p, "wb").write(b)' \
                "$RUN/session.bin"
        fi
        out=$( (cd "$RUN" && timeout 120 qemu-arm -cpu cortex-a15 "$elf") 2>&1 || true)
        echo "$out" | sed "s|^|$target: store run $i: |"
        echo "$out" | grep -q "^store client: $want warnings=" ||
            { echo "$target: store run $i: expected '$want'"; return 1; }
        case $i in
        1 | 2 | 4)
            echo "$out" | grep -q '^store client: .*warnings=0$' ||
                { echo "$target: store run $i: unexpected warnings"; return 1; } ;;
        3)
            echo "$out" | grep -q '^store client: warn: .*session.bin: ignored: checksum mismatch' ||
                { echo "$target: store run 3: no logged reason for the damaged file"; return 1; } ;;
        esac
        [ "$(head -c 8 "$RUN/session.bin" 2>/dev/null)" = QLSSLSS1 ] ||
            { echo "$target: store run $i: session.bin missing or not a store file"; return 1; }
        # The file's trailing digest is the host's SHA-256 of the rest (the library's digest is
        # real, not a constant), and the key is not all zero.
        python3 -c 'import hashlib, sys; b = open(sys.argv[1], "rb").read()
sys.exit(0 if hashlib.sha256(b[:-32]).digest() == b[-32:] and any(b[8:40]) else 1)' "$RUN/session.bin" ||
            { echo "$target: store run $i: session.bin: checksum is not SHA-256 of the file, or the key is zero"; return 1; }
        [ ! -e "$RUN/session.bin.tmp" ] || { echo "$target: store run $i: session.bin.tmp left behind"; return 1; }
    done
    echo "$target: session store: saved, resumed by a new process, damaged copy ignored and replaced, resumed again ($(stat -c %s "$RUN/session.bin") bytes)"
}

# ---- run ------------------------------------------------------------------------------------------
# Semihosting file access is relative to the working directory: the programs read ca.crt,
# other-ca.crt, pin.bin and port.txt from run/.
RUN=$OUT/run
rm -rf "$RUN" && mkdir -p "$RUN"
cp "$OUT/pki/ca.crt" "$OUT/pki/other-ca.crt" "$RUN/"
# The server key's pin (QL_SSL_CONF_PIN_SHA256), computed by openssl for main.c's tls_pin_sha256.
openssl x509 -in "$OUT/pki/server.crt" -noout -pubkey | openssl pkey -pubin -outform der |
    openssl dgst -sha256 -binary >"$RUN/pin.bin"
start_s_server "$OUT/pki" "$RUN/s_server.log"
echo "$SERVER_PORT" >"$RUN/port.txt"
start_dtls_psk_echo
echo "$DTLS_PORT" >"$RUN/dtls_port.txt"
rc=0
for target in $TARGETS; do
    dist=$OUT/dist/$target
    log "$target: s_server -www on 127.0.0.1:$SERVER_PORT; qemu-arm -cpu cortex-a15 bm_test.elf (semihosting)"
    trc=0
    (cd "$RUN" && timeout 300 qemu-arm -cpu cortex-a15 "$dist/bm_test.elf") | tee "$dist/bm_test.log" || trc=$?
    grep -Eq '^baremetal: [0-9]+ passed, 0 failed$' "$dist/bm_test.log" || trc=1
    # The minimal client directly linked, then built by the stand-in SDK project through the
    # documented CMake recipe.
    for elf in "$dist/minimal_client.elf" "$OUT/sdk-cmake/$target/build/minimal_client.elf"; do
        out=$( (cd "$RUN" && timeout 120 qemu-arm -cpu cortex-a15 "$elf") || true)
        echo "$target: ${elf#"$OUT"/}: $out" | tee -a "$dist/bm_test.log"
        [ "$out" = "minimal client: HTTP/1.0 200 ok" ] || trc=1
    done
    run_store_client "$target" >"$dist/store_run.log" 2>&1 || trc=1
    tee -a "$dist/bm_test.log" <"$dist/store_run.log"
    if [ "$DEBUG_AIDS" = 1 ]; then
        # Not in a pipeline: the server it starts must reach SERVER_PIDS (the exit trap).
        run_debug_client "$target" >"$dist/debug-aids/run.log" 2>&1 || trc=1
        tee -a "$dist/bm_test.log" <"$dist/debug-aids/run.log"
    fi
    [ $trc -eq 0 ] || { rc=1; log "$target: FAILED"; }
    {
        echo "$target ($(/usr/bin/rustc --version), $(arm-none-eabi-gcc --version | head -1), $(cflags_for "$target"))"
        printf '  %-34s %9d bytes\n' libqlssl.a "$(stat -c %s "$dist/libqlssl.a")"
        cp "$dist/libqlssl.a" "$dist/libqlssl.stripped.a"
        arm-none-eabi-strip --strip-debug "$dist/libqlssl.stripped.a"
        printf '  %-34s %9d bytes\n' "libqlssl.a --strip-debug" "$(stat -c %s "$dist/libqlssl.stripped.a")"
        for e in minimal_client bm_test; do
            printf '  %-34s %9d bytes\n' "$e.elf stripped" "$(stat -c %s "$dist/$e.stripped.elf")"
        done
        arm-none-eabi-size "$dist/minimal_client.elf" "$dist/bm_test.elf" | sed 's/^/  /'
        if [ "$DEBUG_AIDS" = 1 ]; then
            d=$dist/debug-aids
            echo "  with the debugging aids (features keylog,tls-debug):"
            cp "$d/libqlssl.a" "$d/libqlssl.stripped.a"
            arm-none-eabi-strip --strip-debug "$d/libqlssl.stripped.a"
            printf '  %-34s %9d bytes\n' "libqlssl.a --strip-debug" "$(stat -c %s "$d/libqlssl.stripped.a")"
            for e in minimal_client debug_client; do
                printf '  %-34s %9d bytes\n' "$e.elf stripped" "$(stat -c %s "$d/$e.stripped.elf")"
            done
            arm-none-eabi-size "$d/minimal_client.elf" "$d/debug_client.elf" | sed 's/^/  /'
        fi
    } | tee "$dist/sizes.txt"
    echo "$target: $(grep -E '^baremetal: ' "$dist/bm_test.log" || echo 'no result')"
done
log "bare metal: cargo build $build_s s, total $((SECONDS - t0)) s, exit $rc"
exit $rc
