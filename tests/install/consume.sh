#!/usr/bin/env bash
# Install and discovery, end to end (ctest install_consume): scripts/install.sh into a temporary
# prefix, then a scratch project builds c_examples/https_get.c against qlssl three ways - pkg-config
# (shared and static), find_package(qlssl) and add_subdirectory(qlssl) (each: qlssl::qlssl and
# qlssl::static) - and every program makes a verified HTTPS GET to one openssl s_server.
#
#   consume.sh <qlssl source dir> <work dir> <pki dir> <cargo target dir>
#
# Evidence: each response is s_server's -www page, whose "server accepts that finished" count
# must be the program's ordinal (so every handshake reached this server, one each); the shared
# programs must need libqlssl.so.0 (the installed SONAME; add_subdirectory: cargo's libqlssl.so)
# and the static ones no libqlssl at all; the installed .so/.a export exactly the header's functions.
set -euo pipefail
src=$1 work=$2 pki=$3 cargo_target=$4
openssl=${OPENSSL:-openssl}
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix

server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

echo "== $SECONDS s: scripts/install.sh --prefix $prefix"
CARGO_TARGET_DIR=$cargo_target bash "$src/scripts/install.sh" --prefix "$prefix"
for f in include/ql_ssl.h lib/libqlssl.a lib/libqlssl.so lib/libqlssl.so.0 lib/pkgconfig/qlssl.pc \
    lib/cmake/qlssl/qlssl-config.cmake lib/cmake/qlssl/qlssl-config-version.cmake share/doc/qlssl/LICENSE; do
    [ -e "$prefix/$f" ] || fail "$f not installed"
done
[ ! -e "$prefix/include/sockets.h" ] || fail "the host runtime's compat headers were installed with the API header"
soname=$(readelf -d "$prefix/lib/libqlssl.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libqlssl.so.0 ] || fail "SONAME is '$soname', not libqlssl.so.0"
bash "$src/tests/c/exports_check.sh" static "$prefix/include/ql_ssl.h" "$prefix/lib/libqlssl.a"
bash "$src/tests/c/exports_check.sh" shared "$prefix/include/ql_ssl.h" "$prefix/lib/libqlssl.so"
# Libs.private is rustc's list for this toolchain, not a hand-kept one.
expected=$(cd "$src" && CARGO_TARGET_DIR=$cargo_target cargo rustc --release --lib --crate-type staticlib -- \
    --print native-static-libs 2>&1 | sed -n 's/^.*note: native-static-libs: //p' | tail -n1)
[ -n "$expected" ] || fail "rustc printed no native-static-libs"
grep -qxF "Libs.private: $expected" "$prefix/lib/pkgconfig/qlssl.pc" ||
    fail "qlssl.pc's Libs.private is not rustc's '$expected'"

# Moved after installing: the .pc and CMake files find the prefix relative to themselves.
mv "$prefix" "$work/moved" && prefix=$work/moved

declare -a programs=()
echo "== $SECONDS s: pkg-config"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pkg-config --exists --print-errors 'qlssl >= 0.1'
mkdir -p "$work/pc"
# shellcheck disable=SC2046 # pkg-config prints lists of arguments
cc -std=c99 -Wall -Werror "$src/c_examples/https_get.c" -o "$work/pc/https_get_shared" \
    $(pkg-config --cflags --libs qlssl) -Wl,-rpath,"$(pkg-config --variable=libdir qlssl)"
# Static: the same flags with --static, the archive picked by file name (-l:libqlssl.a).
# shellcheck disable=SC2046
cc -std=c99 -Wall -Werror "$src/c_examples/https_get.c" -o "$work/pc/https_get_static" -Wl,--gc-sections \
    $(pkg-config --cflags qlssl) $(pkg-config --static --libs qlssl | sed 's/-lqlssl\( \|$\)/-l:libqlssl.a\1/')
programs+=("$work/pc/https_get_shared" "$work/pc/https_get_static")

echo "== $SECONDS s: find_package(qlssl)"
cmake -S "$src/tests/install/consumer" -B "$work/fp" -DQLSSL_CONSUME=find_package \
    -DQLSSL_SOURCE_DIR="$src" -DCMAKE_PREFIX_PATH="$prefix" >"$work/fp.log" 2>&1 ||
    { cat "$work/fp.log"; fail "find_package configuration failed"; }
cmake --build "$work/fp" >>"$work/fp.log" 2>&1 || { cat "$work/fp.log"; fail "find_package build failed"; }
grep 'consumer: qlssl' "$work/fp.log"
programs+=("$work/fp/https_get_shared" "$work/fp/https_get_static")

echo "== $SECONDS s: add_subdirectory(qlssl)"
# The suite's cargo build is shared (no rebuild here): cargo gets the CC of this environment
# (normally none), as scripts/test.sh's build had, so the build scripts' fingerprints stay what that
# build left (cmake/qlssl_cargo.cmake, QLSSL_CARGO_CC).
cmake -S "$src/tests/install/consumer" -B "$work/sub" -DQLSSL_CONSUME=add_subdirectory \
    -DQLSSL_SOURCE_DIR="$src" -DQLSSL_CARGO_TARGET_DIR="$cargo_target" -DQLSSL_CARGO_CC="${CC:-}" >"$work/sub.log" 2>&1 ||
    { cat "$work/sub.log"; fail "add_subdirectory configuration failed"; }
cmake --build "$work/sub" >>"$work/sub.log" 2>&1 || { cat "$work/sub.log"; fail "add_subdirectory build failed"; }
grep 'qlssl: native libraries' "$work/sub.log"
# Nothing of the test suite was built: only the consumer's two programs and qlssl's own targets.
if find "$work/sub" -name 'tls_blocking_http_get*' -o -name CTestTestfile.cmake | grep -q .; then
    fail "add_subdirectory built or registered qlssl's tests"
fi
programs+=("$work/sub/https_get_shared" "$work/sub/https_get_static")

echo "== $SECONDS s: linkage"
for p in "${programs[@]}"; do
    needed=$(readelf -d "$p" | sed -n 's/.*(NEEDED).*\[\(libqlssl[^]]*\)\]/\1/p')
    case $p in
    */sub/*_shared) [ "$needed" = libqlssl.so ] || fail "$p needs '$needed', not cargo's libqlssl.so" ;;
    *_shared) [ "$needed" = libqlssl.so.0 ] || fail "$p needs '$needed', not libqlssl.so.0" ;;
    *_static) [ -z "$needed" ] || fail "$p (static) needs $needed" ;;
    esac
    echo "${p#"$work"/}: ${needed:-no libqlssl.so (static)}"
done

echo "== $SECONDS s: HTTPS GET through each program"
: >"$work/server.log"
"$openssl" s_server -accept 127.0.0.1:0 -cert "$pki/server.pem" -key "$pki/server.key" -www \
    >"$work/server.log" 2>&1 </dev/null &
server_pid=$!
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$work/server.log")
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.log"; fail "openssl s_server did not start"; }
n=0
for p in "${programs[@]}"; do
    n=$((n + 1))
    status=0
    timeout 60 "$p" "$port" "$pki/ca.pem" >"$work/response.$n" 2>"$work/stderr.$n" || status=$?
    [ "$status" = 0 ] || { cat "$work/response.$n" "$work/stderr.$n"; fail "${p#"$work"/} exited $status"; }
    head -n1 "$work/response.$n" | grep -q '^HTTP/1.0 200 ok' ||
        { cat "$work/response.$n"; fail "${p#"$work"/}: no HTTP 200 from s_server"; }
    finished=$(sed -n 's/^ *\([0-9][0-9]*\) server accepts that finished.*/\1/p' "$work/response.$n")
    [ "$finished" = "$n" ] ||
        fail "${p#"$work"/}: s_server counts ${finished:-no} finished handshakes, expected $n"
    echo "${p#"$work"/}: HTTP/1.0 200 ok, s_server's finished handshakes: $finished"
done
echo "PASS: $n programs (pkg-config, find_package, add_subdirectory; shared and static) made verified TLS connections"
