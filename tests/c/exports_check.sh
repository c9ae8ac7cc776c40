#!/usr/bin/env bash
# What the shipped libraries export, checked on the binaries (ctest cases exports_*, see
# tests/c/ecosystem.cmake). The reference is the header: every function include/ql_ssl.h declares
# (read through the C preprocessor, QLSSL_BAREMETAL declarations excluded).
#
#   exports_check.sh static <ql_ssl.h> <libqlssl.a>
#       the defined global symbols are exactly the header's functions; no undefined mbedtls_*
#       reference is left (the library's mbedtls calls are bound inside it); the sanitizer probes
#       of src/capi/shim.c are still weak undefined references, not definitions
#   exports_check.sh shared <ql_ssl.h> <libqlssl.so>
#       the dynamic symbol table defines exactly the header's functions
#   exports_check.sh imports <executable> <application objects...>
#       every mbedtls_* symbol the executable imports from a shared library is one the
#       application's own objects call: nothing of libqlssl reaches the system's mbedtls
set -euo pipefail
mode=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
NM=${NM:-nm}

header_functions() {
    cc -E -P -I "$(dirname "$1")" "$1" |
        sed -nE '/^[[:space:]]*typedef/d; s/^[[:space:]]*[A-Za-z_][A-Za-z0-9_ ]*[ *]([A-Za-z][A-Za-z0-9_]*)[[:space:]]*\(.*/\1/p' |
        sort -u
}

compare() { # what-file expected-file label
    if ! cmp -s "$1" "$2"; then
        echo "$3: exported (<) and declared (>) differ:" >&2
        diff "$1" "$2" | grep '^[<>]' | head -40 >&2
        fail "$3 exports other symbols than include/ql_ssl.h declares"
    fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $mode in
static)
    header_functions "$2" >"$work/declared"
    [ "$(wc -l <"$work/declared")" -ge 20 ] || fail "too few functions found in $2"
    "$NM" -g --defined-only "$3" | awk 'NF == 3 { print $3 }' | sort -u >"$work/exported"
    compare "$work/exported" "$work/declared" "$3"
    if "$NM" -u "$3" | awk '{ print $NF }' | grep '^mbedtls_' >"$work/undef"; then
        fail "$3 leaves mbedtls references undefined (they would bind to another mbedtls): $(head -5 "$work/undef" | tr '\n' ' ')"
    fi
    "$NM" "$3" >"$work/all"
    for s in __sanitizer_get_allocated_size __sanitizer_get_ownership __asan_get_current_fake_stack \
        __asan_addr_is_in_fake_stack; do
        grep -Eq "^ +w $s\$" "$work/all" || fail "$s is not a weak undefined reference in $3"
    done
    echo "static: $(wc -l <"$work/exported") global symbols = the header's functions; $(grep -c ' t mbedtls_' "$work/all") mbedtls functions, all local"
    ;;
shared)
    header_functions "$2" >"$work/declared"
    [ "$(wc -l <"$work/declared")" -ge 20 ] || fail "too few functions found in $2"
    "$NM" -D --defined-only "$3" | awk 'NF == 3 { print $3 }' | sort -u >"$work/exported"
    compare "$work/exported" "$work/declared" "$3"
    echo "shared: $(wc -l <"$work/exported") dynamic symbols = the header's functions"
    ;;
imports)
    exe=$2
    shift 2
    "$NM" -u "$@" | awk '{ print $NF }' | grep '^mbedtls_' | sort -u >"$work/app" || true
    "$NM" -D --undefined-only "$exe" | awk '{ print $NF }' | sed 's/@.*//' | grep '^mbedtls_' | sort -u >"$work/imported" || true
    [ -s "$work/imported" ] || fail "$exe imports no mbedtls symbol: not linked against a shared mbedtls?"
    extra=$(comm -23 "$work/imported" "$work/app")
    [ -z "$extra" ] || fail "$exe imports mbedtls symbols the application does not call: $extra"
    echo "imports: $(wc -l <"$work/imported") mbedtls symbols from the system's shared mbedtls, all called by the application: $(tr '\n' ' ' <"$work/imported")"
    ;;
*) fail "usage: $0 static|shared|imports ..." ;;
esac
