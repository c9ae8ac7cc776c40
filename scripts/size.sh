#!/usr/bin/env bash
# Minimal-client sizes per target, qlssl beside raw mbedtls of the same build (docs/PERFORMANCE.md,
# "Size"). For each Linux target: libqlssl.a built with the `module` profile (Cargo.toml: panic =
# abort, opt-level z, fat LTO, one codegen unit), -Cpanic=immediate-abort -Cforce-unwind-tables=no
# -Zplt=yes -Zrelax-elf-relocations=yes -Zlocation-detail=none (armv7: the Rust code in Thumb-2),
# and the standard library rebuilt without the backtrace symbolizer (-Zbuild-std=std,panic_abort
# -Zbuild-std-features=optimize_for_size); bare metal: cross/baremetal's own profile (panic = abort,
# LTO) with opt-level z, the Rust code in Thumb-2 and core,alloc rebuilt; then the same minimal
# client twice, once on libqlssl.a and once on the raw mbedtls libraries of that very build (its
# config.h), both compiled -Os -ffunction-sections -fdata-sections, linked with -Wl,--gc-sections
# (Linux: -static-libgcc; x86_64: -z pack-relative-relocs) and stripped.
# Each client is run once against `openssl s_server -www` on 127.0.0.1 (armv7 under qemu-arm,
# bare metal under qemu-arm with semihosting), so a size is only recorded for a client that works.
#
#   scripts/size.sh [x86_64|armv7|baremetal|all]...      (default: x86_64)
#
# Output: target/size/<target>/ (libraries, clients, link maps) and one JSON line per target in
# target/size/sizes.jsonl (the newest line per target counts; bench/report.py and
# `scripts/bench.sh --check` read it). Toolchain: the pinned Debian rustc-web/cargo-web with
# rust-web-src (cross/versions.env), gcc / arm-linux-gnueabihf-gcc / arm-none-eabi-gcc.
# Goals (issue 15): qlssl <= raw + 150 KiB on x86_64 and armv7 Linux, <= raw + 100 KiB on bare metal,
# for the module build of the vendor API only (without the cargo feature ext-items, docs/IOT.md);
# the same build with the extension items is measured beside it, informative.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/size
JOBS=${QLSSL_CROSS_JOBS:-2}
CARGO_DIR=$OUT/x86_64/cargo
mkdir -p "$OUT"
t_all=$SECONDS

log() { echo "== size: $*"; }
die() { echo "size.sh: $*" >&2; exit 1; }

[ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] ||
    die "needs Debian's rustc-web, cargo-web and rust-web-src (cross/baremetal/build.sh installs them)"

# The environment of a build without mbedtls's variable record buffers: .cargo/config.toml's
# define (docs/IOT.md, "Maximum fragment length") emptied; an empty variable overrides cargo's
# [env]. Only a library that has QL_SSL_CONF_MAX_FRAG_LEN (feature ext-items) can use them.
NO_VARIABLE_BUFFERS=(HOST_CFLAGS= TARGET_CFLAGS=)
SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# A server for the clients: openssl s_server -www with a certificate for localhost, its CA in $PKI.
PKI=$OUT/pki
start_server() {
    if [ ! -f "$PKI/rsa_ca.pem" ]; then
        tests/hardening/gen_pki.sh "$PKI" >/dev/null
    fi
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    openssl s_server -accept "127.0.0.1:$port" -cert "$PKI/rsa_server.pem" -key "$PKI/rsa_server.key" \
        -www -quiet > "$OUT/s_server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.05
    done
    PORT=$port
}

record() { # target qlssl_file raw_file limit how   (limit "-": informative, no goal)
    local q r
    q=$(stat -c %s "$2")
    r=$(stat -c %s "$3")
    python3 -c "import json,sys; print(json.dumps({'kind':'min_size','target':'$1','qlssl':$q,'mbedtls':$r,
        'limit':$([ "$4" = - ] && echo None || echo "$4"),'how':'$5','git':'$(git rev-parse --short HEAD)','date':'$(date -u +%Y-%m-%dT%H:%MZ)'}))" \
        >> "$OUT/sizes.jsonl"
    local verdict kib
    kib=$(awk -v d=$((q - r)) 'BEGIN { printf "%+.1f", d / 1024 }')
    if [ "$4" = - ]; then
        verdict="informative (the goal is the vendor-API build's)"
    elif [ $((q - r)) -le "$4" ]; then
        verdict="goal <= +$(($4 / 1024)) KiB: met"
    else
        verdict="goal <= +$(($4 / 1024)) KiB: MISSED by $(awk -v d=$((q - r - $4)) 'BEGIN { printf "%.1f", d / 1024 }') KiB"
    fi
    SUMMARY+=("$(printf '%-27s | %9d | %9d | %7s KiB | %s' "$1" "$q" "$r" "$kib" "$verdict")")
    printf '   %-27s qlssl %9d bytes   raw mbedtls %9d bytes   %s KiB (%s)\n' "$1" "$q" "$r" "$kib" "$verdict"
}
SUMMARY=()

# ---- Linux targets ------------------------------------------------------------------------------
linux_target() { # x86_64 | armv7
    local t=$SECONDS triple gnu run=() env=() dir lib mbed cc strip up low
    # Calls and address loads of the Rust code direct instead of through the GOT: rustc marks
    # them relaxable (-Zrelax-elf-relocations) and calls go through the PLT (-Zplt), which the
    # linker turns into direct calls for the library's own functions (x86_64: ≈ 700 GOT entries
    # less); no file/line/column of panic sites (a panic aborts without a message anyway).
    local MODULE_RUSTFLAGS="-Zplt=yes -Zrelax-elf-relocations=yes -Zlocation-detail=none"
    # armv7: the Rust code in Thumb-2, as Debian's arm-linux-gnueabihf-gcc compiles C (mbedtls and
    # the clients) by default; the armv7 target's own default is the 30 % larger A32 encoding.
    [ "$1" = armv7 ] && MODULE_RUSTFLAGS+=" -Ctarget-feature=+thumb-mode"
    case $1 in
    x86_64) triple=x86_64-unknown-linux-gnu gnu=x86_64-linux-gnu ;;
    armv7)
        triple=armv7-unknown-linux-gnueabihf gnu=arm-linux-gnueabihf
        run=(qemu-arm -L "/usr/$gnu")
        command -v qemu-arm >/dev/null || die "armv7: needs qemu-user (apt-get install qemu-user)"
        ;;
    esac
    cc=$gnu-gcc strip=$gnu-strip
    command -v "$cc" >/dev/null || die "$1: needs $cc (apt-get install gcc-$gnu libc6-dev-${gnu%%-*}-cross)"
    dir=$OUT/$1
    mkdir -p "$dir"
    up=${triple^^} low=${triple//-/_}
    up=${up//-/_}
    # One cargo directory for both Linux targets: the host build dependencies (bindgen, syn, ...)
    # are built once.
    # A panic stops the program at once, without formatting a message (no panic machinery), and
    # no unwind tables (nothing unwinds with panic = abort).
    env=(RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$CARGO_DIR" CARGO_BUILD_JOBS="$JOBS"
        RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Cforce-unwind-tables=no $MODULE_RUSTFLAGS")
    # Cross targets: the GNU cross compiler and its sysroot (as scripts/cross.sh); the host: as is.
    [ "$1" = x86_64 ] || env+=("CARGO_TARGET_${up}_LINKER=$cc" "CC_${low}=$cc" "AR_${low}=$gnu-ar"
        "BINDGEN_EXTRA_CLANG_ARGS_${low}=--sysroot=/usr/$gnu")
    # Two libraries: with the extension items (feature ext-items, as the default build has them)
    # and the vendor API only (the goal's figure; the extension items of docs/IOT.md left out,
    # --no-default-features --features std), libqlssl-ext.a and libqlssl.a in $dir. The vendor
    # API cannot set QL_SSL_CONF_MAX_FRAG_LEN, so its build leaves out mbedtls's variable record
    # buffers (.cargo/config.toml's HOST_/TARGET_CFLAGS emptied, NO_VARIABLE_BUFFERS); it is built
    # last, so that the raw client below links the mbedtls of that very build.
    local features sfx
    for features in std,ext-items std; do
        sfx=$([ "$features" = std ] || echo -ext)
        log "$1: cargo build --profile module --target $triple --features $features -Zbuild-std=std,panic_abort (no backtrace)"
        env "${env[@]}" $([ "$features" = std ] && echo "${NO_VARIABLE_BUFFERS[@]}") \
            /usr/bin/cargo build --profile module --lib --locked --target "$triple" \
            --no-default-features --features "$features" \
            -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size -j "$JOBS" > "$dir/cargo$sfx.log" 2>&1 ||
            { tail -30 "$dir/cargo$sfx.log" >&2; die "$1: cargo build failed (log: $dir/cargo$sfx.log)"; }
        cp "$CARGO_DIR/$triple/module/libqlssl.a" "$dir/libqlssl$sfx.a"
    done
    lib=$dir/libqlssl.a
    mbed=$(for d in $(ls -td "$CARGO_DIR/$triple/module/build/"mbedtls-sys-auto-*/out); do
        [ -f "$d/config.h" ] && [ -f "$d/lib/libmbedtls.a" ] && { echo "$d"; break; }; done)
    [ -f "$lib" ] && [ -f "$mbed/lib/libmbedtls.a" ] || die "$1: build output missing"
    local cflags=(-Os -ffunction-sections -fdata-sections -Wall -Wextra)
    # Link flags for both clients: libgcc linked statically (with libgcc_s.so on the link line, ld
    # keeps compiler-builtins' f128 routines that libgcc_s also defines, ≈ 8 KiB, although nothing
    # calls them); on x86_64 the relative relocations of the PIE packed into DT_RELR (glibc >= 2.36,
    # binutils >= 2.38; the ARM linker of binutils 2.40 ignores the flag, so it is not passed there).
    # x86_64 also with -z noseparate-code (the ARM links' default): x86_64's ld otherwise starts the
    # code and the read-only data each on a fresh 4 KiB page of the file, so the file size moved in
    # 4 KiB steps with a few bytes of code (session 6: 224 bytes of code → +4,096 bytes of file) and
    # measured page padding instead of the bytes the library adds; a firmware image is packed too.
    local ldflags=(-static-libgcc)
    [ "$1" = x86_64 ] && ldflags+=(-Wl,-z,pack-relative-relocs -Wl,-z,noseparate-code)
    # No -lm: nothing in the module build needs libm, and linking it makes the linker export
    # compiler-builtins' f128 routines that libm also defines (≈ 16 KiB kept despite --gc-sections).
    link_qlssl() { # library suffix extra-flags...
        local l=$1 sfx=$2
        shift 2
        "$cc" "${cflags[@]}" "$@" -I include bench/min_client.c "$l" -lpthread -ldl \
            "${ldflags[@]}" -Wl,--gc-sections -Wl,-Map="$dir/min_client$sfx.map" -o "$dir/min_client$sfx"
        "$strip" -o "$dir/min_client$sfx.stripped" "$dir/min_client$sfx"
    }
    link_both() { # suffix extra-flags...
        local sfx=$1
        shift
        link_qlssl "$lib" "$sfx" "$@"
        "$cc" "${cflags[@]}" "$@" $(scripts/mbedtls_defines.sh "$mbed") -DMBEDTLS_CONFIG_FILE="\"$mbed/config.h\"" -I "$mbed/include" \
            bench/min_client_mbedtls.c "$mbed/lib/libmbedtls.a" "$mbed/lib/libmbedx509.a" "$mbed/lib/libmbedcrypto.a" \
            "${ldflags[@]}" -Wl,--gc-sections -Wl,-Map="$dir/min_client_mbedtls$sfx.map" -o "$dir/min_client_mbedtls$sfx"
        "$strip" -o "$dir/min_client_mbedtls$sfx.stripped" "$dir/min_client_mbedtls$sfx"
    }
    link_both ""
    # The same client on the library with the extension items (informative: no goal of its own).
    link_qlssl "$dir/libqlssl-ext.a" -ext
    # The same without position-independent executables (informative, not the goal's figure).
    link_both -nopie -no-pie
    echo "   (-no-pie: qlssl $(stat -c %s "$dir/min_client-nopie.stripped"), raw $(stat -c %s "$dir/min_client_mbedtls-nopie.stripped") bytes)"
    start_server
    for b in min_client min_client_mbedtls min_client-nopie min_client_mbedtls-nopie min_client-ext; do
        "${run[@]}" "$dir/$b.stripped" "$PORT" "$PKI/rsa_ca.pem" || die "$1: $b failed against s_server"
    done
    if [ "$1" = x86_64 ] && [ -f target/release/libqlssl.a ]; then
        # The shipped profile (release: unwind, std with the symbolizer) for comparison, not a goal.
        "$cc" "${cflags[@]}" -I include bench/min_client.c target/release/libqlssl.a -lpthread -ldl -lm \
            -Wl,--gc-sections -o "$dir/min_client_release"
        "$strip" -o "$dir/min_client_release.stripped" "$dir/min_client_release"
        "$dir/min_client_release.stripped" "$PORT" "$PKI/rsa_ca.pem" >/dev/null || die "release client failed"
        echo "   (release profile, as shipped: $(stat -c %s "$dir/min_client_release.stripped") bytes)"
    fi
    stop_server
    local how="-Os, --gc-sections, -static-libgcc$([ "$1" = x86_64 ] && echo ', DT_RELR, -z noseparate-code')$([ "$1" = armv7 ] && echo ', Rust in Thumb-2'), PIE, stripped, glibc dynamic"
    record "$1 Linux" "$dir/min_client.stripped" "$dir/min_client_mbedtls.stripped" $((150 * 1024)) \
        "module build (vendor API only), $how"
    record "$1 Linux, ext-items" "$dir/min_client-ext.stripped" "$dir/min_client_mbedtls.stripped" - \
        "module build with the extension items, $how"
    log "$1 done in $((SECONDS - t)) s"
}

# ---- bare metal ---------------------------------------------------------------------------------
baremetal_target() {
    local t=$SECONDS target=armv7a-none-eabi dir=$OUT/baremetal cflags lib mbed
    dir=$OUT/baremetal
    mkdir -p "$dir"
    command -v arm-none-eabi-gcc >/dev/null || die "bare metal: needs gcc-arm-none-eabi and libnewlib-arm-none-eabi"
    cflags="-march=armv7-a -mfloat-abi=soft -marm"
    bash cross/baremetal/vendor.sh
    # As on Linux: with the extension items (cross/baremetal's default features), then the vendor
    # API only (the goal's figure, --no-default-features, without variable record buffers).
    local nodef sfx
    for nodef in "" --no-default-features; do
        sfx=$([ -n "$nodef" ] || echo -ext)
        log "baremetal: cargo build --release --target $target $nodef -Zbuild-std=core,alloc (cross/baremetal profile)"
        (
            cd cross/baremetal
            # The module build of the bare-metal library: cross/baremetal's release profile with
            # opt-level z instead of s, the Rust code (core and alloc too) in Thumb-2 (the C stays
            # A32, -marm, for both clients; ARM/Thumb interworking is the linker's), no panic
            # locations (a panic calls the integrator's hook, which gets no location without them).
            env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$dir/cargo" CARGO_BUILD_JOBS="$JOBS" \
                $([ -n "$nodef" ] && echo "${NO_VARIABLE_BUFFERS[@]}") \
                CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
                RUSTFLAGS="-Ctarget-feature=+thumb-mode -Zlocation-detail=none" \
                "CC_${target//-/_}=arm-none-eabi-gcc" "AR_${target//-/_}=arm-none-eabi-ar" \
                "CFLAGS_${target//-/_}=$cflags" \
                "BINDGEN_EXTRA_CLANG_ARGS_${target//-/_}=--sysroot=/usr/lib/arm-none-eabi" \
                RUST_MBED_C_COMPILER_BAREMETAL=1 \
                /usr/bin/cargo build --release --locked --target "$target" $nodef -Zbuild-std=core,alloc -j "$JOBS" \
                > "$dir/cargo$sfx.log" 2>&1
        ) || { tail -30 "$dir/cargo$sfx.log" >&2; die "bare metal: cargo build failed (log: $dir/cargo$sfx.log)"; }
        bash scripts/static_lib.sh --prefix arm-none-eabi- --baremetal \
            "$dir/cargo/$target/release/libqlssl_baremetal.a" "$dir/libqlssl$sfx.a" >/dev/null
    done
    lib=$dir/libqlssl.a
    mbed=$(for d in $(ls -td "$dir/cargo/$target/release/build/"mbedtls-sys-auto-*/out); do
        [ -f "$d/config.h" ] && [ -f "$d/lib/libmbedtls.a" ] && { echo "$d"; break; }; done)
    [ -f "$mbed/lib/libmbedtls.a" ] || die "bare metal: mbedtls build output missing"
    local link=(arm-none-eabi-gcc $cflags -std=c99 -Os -Wall -Wextra --specs=rdimon.specs
        -ffunction-sections -fdata-sections -I include -I cross/baremetal)
    for sfx in "" -ext; do
        "${link[@]}" cross/baremetal/minimal_client.c cross/baremetal/qemu_hooks.c "$dir/libqlssl$sfx.a" \
            -Wl,--gc-sections -Wl,--no-warn-execstack -Wl,-Map="$dir/minimal_client$sfx.map" -o "$dir/minimal_client$sfx.elf"
    done
    "${link[@]}" $(scripts/mbedtls_defines.sh "$mbed") -DMBEDTLS_CONFIG_FILE="\"$mbed/config.h\"" -I "$mbed/include" \
        cross/baremetal/minimal_client_mbedtls.c cross/baremetal/qemu_hooks.c \
        "$mbed/lib/libmbedtls.a" "$mbed/lib/libmbedx509.a" "$mbed/lib/libmbedcrypto.a" \
        -Wl,--gc-sections -Wl,--no-warn-execstack -Wl,-Map="$dir/minimal_client_mbedtls.map" \
        -o "$dir/minimal_client_mbedtls.elf"
    for b in minimal_client minimal_client_mbedtls minimal_client-ext; do
        arm-none-eabi-strip -o "$dir/$b.stripped.elf" "$dir/$b.elf"
    done
    # Run both under qemu-arm (semihosting: ca.crt and port.txt in the working directory).
    start_server
    cp "$PKI/rsa_ca.pem" "$dir/ca.crt"
    echo "$PORT" > "$dir/port.txt"
    for b in minimal_client minimal_client_mbedtls minimal_client-ext; do
        (cd "$dir" && timeout 120 qemu-arm "./$b.stripped.elf") || die "bare metal: $b failed against s_server"
    done
    stop_server
    record "armv7a-none-eabi" "$dir/minimal_client.stripped.elf" "$dir/minimal_client_mbedtls.stripped.elf" \
        $((100 * 1024)) "vendor API only, cross/baremetal profile with opt-level z, Rust in Thumb-2, -Os, --gc-sections, stripped ELF, newlib"
    record "armv7a-none-eabi, ext-items" "$dir/minimal_client-ext.stripped.elf" "$dir/minimal_client_mbedtls.stripped.elf" \
        - "with the extension items, cross/baremetal profile with opt-level z, Rust in Thumb-2, -Os, --gc-sections, stripped ELF, newlib"
    log "baremetal done in $((SECONDS - t)) s"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64)
[ "${targets[0]}" = all ] && targets=(x86_64 armv7 baremetal)
for t in "${targets[@]}"; do
    case $t in
    x86_64 | armv7) linux_target "$t" ;;
    baremetal) baremetal_target ;;
    *) die "unknown target $t (x86_64, armv7, baremetal, all)" ;;
    esac
done
echo "== size: minimal client, stripped bytes (qlssl | raw mbedtls of the same build | difference | goal)"
for l in "${SUMMARY[@]}"; do echo "   $l"; done
log "all done in $((SECONDS - t_all)) s"
