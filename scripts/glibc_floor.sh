#!/usr/bin/env bash
# libqlssl.so for module Linux SDKs with an older glibc than the build machine's (docs/CROSS.md,
# "glibc floor"), and the proof that it runs there.
#
#   scripts/glibc_floor.sh [x86_64|aarch64|all]   sysroot, build, check, run test (default x86_64)
#
# Why: a shared library binds every glibc symbol to the default version of the libc.so it was
# linked against. Linked on Debian 12 (glibc 2.36), libqlssl.so needs GLIBC_2.34 (pthread_key_*,
# dladdr: moved into libc.so.6 in 2.34), GLIBC_2.33 (stat64/fstat64) and GLIBC_2.32
# (pthread_getattr_np), so it does not load on glibc < 2.34. Nothing in the library's code needs
# them: Rust's std supports glibc 2.17 and reaches newer functions through weak references.
#
# What: (1) a sysroot of Debian 11's glibc 2.31 (libc6, libc6-dev, libgcc-s1, libgcc-10-dev,
# linux-libc-dev, fetched with apt-get through a private apt configuration from the machine's own
# Debian mirror; the system's apt state is not touched) in target/glibc-floor/sysroot-<debian arch>;
# (2) cargo build --release --target <triple> with clang --sysroot as the linker and gcc --sysroot
# for mbedtls's C code (gcc's linker driver would still search the host's /usr/lib/<gnu>), into
# target/glibc-floor/ (target/release is not touched);
# (3) scripts/weak_verneed.py: versions that only weak references need (GLIBC_2.18
# __cxa_thread_atexit_impl, GLIBC_2.28 statx, GLIBC_2.30 gettid) are dropped and those references
# made unversioned: the dynamic loader of an older glibc then leaves them NULL (std falls back)
# instead of refusing the library, a newer one binds them as before;
# (4) the check: no version above QLSSL_GLIBC_FLOOR is required (readelf -V);
# (5) the run test: a chroot holding only that glibc 2.31 (aarch64: qemu-aarch64 -L with that
# sysroot) runs cross/smoke.c linked against the library (verified handshake + GET, wrong CA
# refused, non-blocking select loop) against `openssl s_server` on 127.0.0.1, and refuses a program
# linked against the host's glibc (the negative control: the guest really is glibc 2.31); the
# usual libqlssl.a (target/release, target/cross-aarch64-...), linked against glibc 2.31, runs too;
# tests/glibc_floor/weak_probe.c checks scripts/weak_verneed.py itself on that loader.
#
# aarch64 uses the pinned Debian toolchain of scripts/cross.sh (/usr/bin/rustc with
# libstd-rust-web-dev:arm64, aarch64-linux-gnu binutils, qemu-user): run scripts/cross.sh aarch64
# once, or have it installed. Needs root (chroot) and clang. Exits non-zero on any failure; ends with "glibc-floor: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. cross/common.sh

# The highest glibc symbol version the library may require (a non-weak reference).
: "${QLSSL_GLIBC_FLOOR:=2.17}"
# The glibc the sysroot and the run test use: Debian 11 (bullseye). Debian's archive no longer serves
# buster (2.28) or stretch (2.24) from the regular mirror.
SUITE=bullseye
OUT=$ROOT/target/glibc-floor
JOBS=${QLSSL_CROSS_JOBS:-2}
PKGS="libc6 libc6-dev libgcc-s1 libgcc-10-dev linux-libc-dev"

set_arch() {
    case "$1" in
    x86_64)
        TRIPLE=x86_64-unknown-linux-gnu DEBARCH=amd64 GNU=x86_64-linux-gnu
        CARGO_BIN=cargo CARGO_ENV=() CLANG=(clang) HOST_CC=cc
        ;;
    aarch64)
        TRIPLE=aarch64-unknown-linux-gnu DEBARCH=arm64 GNU=aarch64-linux-gnu
        CARGO_BIN=/usr/bin/cargo CARGO_ENV=(RUSTC=/usr/bin/rustc "CC_aarch64_unknown_linux_gnu=$GNU-gcc" "AR_aarch64_unknown_linux_gnu=$GNU-ar")
        CLANG=(clang --target=aarch64-linux-gnu) HOST_CC=$GNU-gcc
        for t in /usr/bin/cargo "$GNU-gcc" "$GNU-ld" qemu-aarch64; do
            command -v "$t" >/dev/null || die "$t missing: run scripts/cross.sh aarch64 once (pinned toolchain)"
        done
        ls /usr/lib/rustlib/$TRIPLE/lib/libstd-*.rlib >/dev/null 2>&1 || die "no Debian std for $TRIPLE: run scripts/cross.sh aarch64 once"
        ;;
    *) die "unknown arch '$1' (x86_64, aarch64 or all)" ;;
    esac
    SYSROOT=$OUT/sysroot-$DEBARCH
    LIB=$OUT/$TRIPLE/release/libqlssl.so
}

# guest PROGRAM ARGS... : run a program of the sysroot (path as seen inside it) on glibc 2.31 only.
guest() {
    local prog=$1
    shift
    case $DEBARCH in
    amd64) timeout 60 chroot "$SYSROOT" "$prog" "$@" ;;
    # qemu-user's -L makes every absolute path the guest opens resolve inside the sysroot first.
    arm64) QEMU_LD_PREFIX= timeout 120 qemu-aarch64 -L "$SYSROOT" "$SYSROOT$prog" "$@" ;;
    esac
}

# Data files for the guest: the sysroot's /qlssl seen from inside. qemu-user's -L redirects the
# loader's and libc's opens but not every file access of the program (the library stats its CA
# files first), so under qemu the host path is passed, which the emulated program reaches as well.
data() { case $DEBARCH in amd64) echo "/qlssl/$1" ;; arm64) echo "$SYSROOT/qlssl/$1" ;; esac; }

[ "$(id -u)" -eq 0 ] || die "run as root (chroot)"
command -v clang >/dev/null || apt_install clang

RESULTS=()
FAILED=0
record() { RESULTS+=("$1  $(printf '%s' "$2" | tr '\n' ' ')"); [ "$1" = PASS ] || FAILED=1; }

# ---- (1) sysroot ---------------------------------------------------------------------------------
make_sysroot() {
    local apt=$OUT/apt-$DEBARCH uri stamp
    stamp="$SUITE $DEBARCH $PKGS"
    [ "$(cat "$SYSROOT/.stamp" 2>/dev/null)" = "$stamp" ] && return 0
    # The machine's own Debian mirror (first URIs:/deb line of its apt sources), another suite.
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null || true)
    [ -n "$uri" ] || die "no Debian mirror in the apt sources"
    rm -rf "$apt" "$SYSROOT"
    mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/debs" "$SYSROOT"
    printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$uri" "$SUITE" >"$apt/sources.list"
    local opts=(-q -o "Dir::State=$apt/state" -o Dir::State::status=/dev/null -o "Dir::Cache=$apt/cache"
        -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "APT::Architectures::=$DEBARCH" -o "APT::Architecture=$DEBARCH" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
    log "Debian $SUITE $DEBARCH glibc sysroot: apt-get download $PKGS (private apt state in ${apt#"$ROOT"/})"
    apt-get "${opts[@]}" update >"$apt/update.log" 2>&1 || { cat "$apt/update.log"; die "apt-get update ($SUITE) failed"; }
    # shellcheck disable=SC2086 # a word list
    (cd "$apt/debs" && apt-get "${opts[@]}" download $PKGS) >"$apt/download.log" 2>&1 ||
        { cat "$apt/download.log"; die "apt-get download ($SUITE) failed"; }
    for d in "$apt"/debs/*.deb; do dpkg-deb -x "$d" "$SYSROOT"; done
    # Absolute symlinks (/lib64/ld-linux-x86-64.so.2 -> /lib/...) made relative, so they resolve
    # inside the sysroot both for the linker (--sysroot) and in the chroot.
    find "$SYSROOT" -type l -lname '/*' | while read -r l; do
        ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$SYSROOT$(readlink "$l")")" "$l"
    done
    ls "$apt"/debs/ | sed 's/^/[cross]   /'
    echo "$stamp" >"$SYSROOT/.stamp"
}

# ---- (2) build -----------------------------------------------------------------------------------
build_lib() {
    local t=$SECONDS up=${TRIPLE^^} low=${TRIPLE//-/_}
    up=${up//-/_}
    log "cargo build --release --target $TRIPLE against glibc $(glibc_of_sysroot) (CARGO_TARGET_DIR=${OUT#"$ROOT"/})"
    # clang as the linker: gcc's driver would also search the build machine's own library directories.
    env "${CARGO_ENV[@]}" CARGO_TARGET_DIR="$OUT" CARGO_BUILD_JOBS="$JOBS" \
        "CARGO_TARGET_${up}_LINKER=clang" \
        "CARGO_TARGET_${up}_RUSTFLAGS=-C link-arg=--sysroot=$SYSROOT${CLANG[1]:+ -C link-arg=${CLANG[1]}}" \
        "CFLAGS_${low}=--sysroot=$SYSROOT" \
        "BINDGEN_EXTRA_CLANG_ARGS_${low}=--sysroot=$SYSROOT" \
        "$CARGO_BIN" build --release --locked --target "$TRIPLE" --lib -j "$JOBS"
    python3 "$ROOT/scripts/weak_verneed.py" "$LIB"
    record PASS "$TRIPLE: cargo build against glibc $(glibc_of_sysroot) ($((SECONDS - t)) s)"
}

glibc_of_sysroot() { grep -a -m1 -o 'release version [0-9.]*[0-9]' "$SYSROOT/lib/$GNU/libc.so.6" | sed 's/release version //'; }

# ---- (3) check: the required glibc versions ------------------------------------------------------
# required_versions FILE : "VERSION FLAGS" for every GLIBC_* version FILE needs.
required_versions() {
    readelf -V "$1" | awk '/Name: GLIBC_/ { for (i = 1; i <= NF; i++) { if ($i == "Name:") n = $(i + 1); if ($i == "Flags:") f = $(i + 1) } print substr(n, 7), f }' | sort -uV
}
check_versions() {
    local file=$1 label=$2 strong weak
    strong=$(required_versions "$file" | awk '$2 != "WEAK" { print $1 }' | sort -V | tail -1)
    weak=$(required_versions "$file" | awk '$2 == "WEAK" { print $1 }' | paste -sd' ' -)
    log "$label: needs GLIBC $(required_versions "$file" | awk '{ print $1 ($2 == "WEAK" ? "(weak)" : "") }' | paste -sd' ' -)"
    if [ "$(printf '%s\n%s\n' "$strong" "$QLSSL_GLIBC_FLOOR" | sort -V | tail -1)" = "$QLSSL_GLIBC_FLOOR" ]; then
        record PASS "$label requires no GLIBC version above $QLSSL_GLIBC_FLOOR (highest: $strong${weak:+; weak: $weak})"
    else
        record FAIL "$label requires GLIBC_$strong, above the floor $QLSSL_GLIBC_FLOOR"
        readelf -V "$file" | grep -B1 -A20 'Version needs' >&2 || true
    fi
}

# ---- (4) run test on glibc 2.31 only -----------------------------------------------------------
run_test() {
    local jail=$SYSROOT/qlssl pki=$OUT/pki name rc where
    where="$TRIPLE on glibc $(glibc_of_sysroot) ($([ $DEBARCH = amd64 ] && echo chroot || echo "qemu-aarch64 -L"))"
    rm -rf "$jail" && mkdir -p "$jail"
    make_pki "$pki"
    cp "$pki/ca.crt" "$pki/other-ca.crt" "$LIB" "$jail/"
    # The client as an application of that SDK would be built: its compiler against its glibc.
    "${CLANG[@]}" --sysroot="$SYSROOT" -std=c99 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -I"$ROOT/include" \
        "$ROOT/cross/smoke.c" -L"$jail" -lqlssl -Wl,-rpath,/qlssl -o "$jail/smoke"
    # Negative control: the same client linked against the build machine's glibc (needs GLIBC_2.34).
    "$HOST_CC" -std=c99 -D_DEFAULT_SOURCE -O2 -I"$ROOT/include" "$ROOT/cross/smoke.c" \
        -L"$jail" -lqlssl -Wl,-rpath,/qlssl -o "$jail/smoke-host-glibc"
    local ver
    ver=$(guest "/lib/$GNU/libc.so.6" | sed -n 1p)
    log "$where: $ver"
    case "$ver" in *"version $(glibc_of_sysroot)."*) ;; *) record FAIL "$where: the guest's libc is not glibc $(glibc_of_sysroot)"; return ;; esac
    start_s_server "$pki" "$OUT/s_server.log"
    log "s_server -www on 127.0.0.1:$SERVER_PORT"
    if guest /qlssl/smoke "$SERVER_PORT" "$(data ca.crt)" localhost ok; then
        record PASS "$where: smoke (libqlssl.so): verified handshake + GET"
    else
        record FAIL "$where: smoke (libqlssl.so): verified handshake + GET"
    fi
    if guest /qlssl/smoke "$SERVER_PORT" "$(data other-ca.crt)" localhost fail; then
        record PASS "$where: smoke: wrong CA refused"
    else
        record FAIL "$where: smoke: wrong CA refused"
    fi
    if guest /qlssl/smoke "$SERVER_PORT" "$(data ca.crt)" localhost nonblock "${SERVER_PIDS[-1]}"; then
        record PASS "$where: smoke: non-blocking select loop"
    else
        record FAIL "$where: smoke: non-blocking select loop"
    fi
    # The usual static library (built on this machine, not against the old glibc): it carries no
    # symbol versions, so the application's link against the SDK's glibc binds them.
    local usual=$1
    if [ -f "$usual" ]; then
        bash "$ROOT/scripts/static_lib.sh" --prefix "$GNU-" "$usual" "$OUT/usual-$TRIPLE/libqlssl.a"
        "${CLANG[@]}" --sysroot="$SYSROOT" -std=c99 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -I"$ROOT/include" \
            -ffunction-sections -fdata-sections "$ROOT/cross/smoke.c" -Wl,--gc-sections \
            "$OUT/usual-$TRIPLE/libqlssl.a" -lpthread -ldl -lm -o "$jail/smoke-static"
        if guest /qlssl/smoke-static "$SERVER_PORT" "$(data ca.crt)" localhost ok; then
            record PASS "$where: the usual libqlssl.a (${usual#"$ROOT"/}) linked against glibc $(glibc_of_sysroot): verified handshake + GET"
        else
            record FAIL "$where: the usual libqlssl.a (${usual#"$ROOT"/}) linked against glibc $(glibc_of_sysroot): verified handshake + GET"
        fi
    else
        log "not checked: the usual static library (${usual#"$ROOT"/} is not built)"
    fi
    rc=0
    name=$(guest /qlssl/smoke-host-glibc "$SERVER_PORT" "$(data ca.crt)" localhost ok 2>&1) || rc=$?
    if [ $rc -ne 0 ] && printf '%s' "$name" | grep -q "version \`GLIBC_2.3[4-9]' not found"; then
        record PASS "$where: a program linked against the build machine's glibc is refused (control)"
    else
        record FAIL "$where: a program linked against the build machine's glibc ran (rc $rc): $name"
    fi
    stop_servers

    # scripts/weak_verneed.py itself, on this glibc: a library that needs GLIBC_2.34 and GLIBC_2.30
    # through weak references only (tests/glibc_floor/weak_probe.c) is refused as linked; with those
    # versions dropped it loads without a word, close_range (2.34) absent, gettid (2.30) found.
    local probe=$ROOT/tests/glibc_floor/weak_probe.c out
    "$HOST_CC" -shared -fPIC -O2 -DWEAK_PROBE_LIB "$probe" -o "$jail/libweakprobe.so"
    readelf -V "$jail/libweakprobe.so" | grep -q 'Name: GLIBC_2.34' && readelf -V "$jail/libweakprobe.so" | grep -q 'Name: GLIBC_2.30' ||
        { record FAIL "weak probe: the host-linked probe does not need GLIBC_2.34 and GLIBC_2.30"; return; }
    "${CLANG[@]}" --sysroot="$SYSROOT" -O2 "$probe" -L"$jail" -lweakprobe -Wl,-rpath,/qlssl -o "$jail/weak_probe"
    rc=0
    out=$(guest /qlssl/weak_probe 2>&1) || rc=$?
    if [ $rc -ne 0 ] && printf '%s' "$out" | grep -q "version \`GLIBC_2.34' not found"; then
        record PASS "$where: a library needing GLIBC_2.34 for a weak reference is refused as linked (control)"
    else
        record FAIL "$where: weak probe as linked (rc $rc): $out"
    fi
    python3 "$ROOT/scripts/weak_verneed.py" "$jail/libweakprobe.so"
    rc=0
    out=$(guest /qlssl/weak_probe 2>&1) || rc=$?
    if [ $rc -eq 0 ] && [ "$out" = "weak probe loaded: close_range absent, gettid present" ]; then
        record PASS "$where: weak_verneed.py: the probe loads silently, close_range absent, gettid found"
    else
        record FAIL "$where: weak probe after weak_verneed.py (rc $rc): $out"
    fi
}

trap stop_servers EXIT
trap 'exit 130' INT TERM
case "${1:-x86_64}" in
all) arches=(x86_64 aarch64) ;;
x86_64 | aarch64) arches=("$1") ;;
-h | --help) sed -n '2,35p' "$0"; exit 0 ;;
*) die "usage: scripts/glibc_floor.sh [x86_64|aarch64|all]" ;;
esac
mkdir -p "$OUT"
for arch in "${arches[@]}"; do
    set_arch "$arch"
    make_sysroot
    build_lib
    check_versions "$LIB" "$TRIPLE libqlssl.so (glibc-floor build)"
    case $arch in
    x86_64) stock=$ROOT/target/release/libqlssl.so ;;
    aarch64) stock=$ROOT/target/cross-$TRIPLE/$TRIPLE/release/libqlssl.so ;;
    esac
    [ ! -f "$stock" ] || log "for comparison, the usual build ${stock#"$ROOT"/} needs GLIBC $(required_versions "$stock" | awk '{ print $1 }' | paste -sd' ' -)"
    run_test "${stock%.so}.a"
done

echo "==== glibc floor summary ===="
printf '%s\n' "${RESULTS[@]}"
passed=$(printf '%s\n' "${RESULTS[@]}" | grep -c '^PASS' || true)
failed=$(printf '%s\n' "${RESULTS[@]}" | grep -vc '^PASS' || true)
echo "glibc-floor: $passed passed, $failed failed"
exit "$FAILED"
