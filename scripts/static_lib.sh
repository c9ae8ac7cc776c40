#!/usr/bin/env bash
# The static library to ship, made from cargo's: one relocatable object whose only global symbols
# are the functions include/ql_ssl.h declares. cargo's staticlib (target/<...>/libqlssl.a) is every
# object of the crate, its dependencies, mbedtls's C code and the Rust standard library, each with
# its symbols global: linked into a program that has an mbedtls of its own (a module SDK, Debian's
# libmbedtls), the two copies either silently replace each other or collide ("multiple
# definition"). Cargo has no post-build step, so this script is that step; the README's build, the
# C suites (tests/common/qlssl_import.cmake), scripts/cross.sh and cross/baremetal/build.sh run it.
#
#   scripts/static_lib.sh [--prefix TOOLPREFIX] [--baremetal] [IN.a [OUT.a]]
#
#   IN.a   cargo's archive (default target/release/libqlssl.a)
#   OUT.a  the result (default: dist/libqlssl.a next to IN.a, e.g. target/release/dist/libqlssl.a)
#   --prefix     binutils prefix for a cross build (aarch64-linux-gnu-, arm-none-eabi-, or a path
#                such as /usr/bin/arm-linux-gnueabihf-); default: the host's ld/objcopy/ar/nm
#   --baremetal  the bare-metal build: ql_ssl_platform_init is exported too (QLSSL_BAREMETAL)
#
# How: `ld -r` links every member (each once) into one object (references between them are
# resolved there, once), `objcopy --keep-global-symbols` makes every other defined symbol local,
# and the archive is rewritten with that single member. Undefined references (the C library, the
# weak __sanitizer_*/__asan_* probes of src/capi/shim.c) stay undefined for the final link. Section
# boundaries are kept (see --unique below), so `-Wl,--gc-sections` still drops what an
# application does not use. Fails if the result exports anything but the API or misses a function.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
prefix=
baremetal=0
while [ $# -gt 0 ]; do
    case $1 in
    --prefix) prefix=$2; shift 2 ;;
    --baremetal) baremetal=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "static_lib.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
in=${1:-$ROOT/target/release/libqlssl.a}
out=${2:-$(dirname "$in")/dist/libqlssl.a}
die() { echo "static_lib.sh: $*" >&2; exit 1; }
[ -f "$in" ] || die "$in not found (run cargo build first)"
for t in ld objcopy ar nm; do
    command -v "${prefix}$t" >/dev/null || die "${prefix}$t not found"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/qlssl-static.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The exports: every function the header declares for this build. Read through the C preprocessor
# so that the QLSSL_BAREMETAL-only declarations count exactly when they apply; the header is
# generated (cbindgen) with one declaration per function: `<type> name(...` (the ql_ssl_* API and
# qlssl_version_number/_string).
defs=()
[ "$baremetal" = 1 ] && defs=(-DQLSSL_BAREMETAL)
# A bare-metal build with the opt-in cargo feature `keylog` also exports ql_ssl_set_keylog_callback
# (declared under QLSSL_KEYLOG): recognised by cargo's archive defining it.
if [ "$baremetal" = 1 ] &&
    [ "$("${prefix}nm" -g --defined-only "$in" 2>/dev/null | grep -c ' T ql_ssl_set_keylog_callback$')" != 0 ]; then
    defs+=(-DQLSSL_KEYLOG)
fi
cc -E -P "${defs[@]}" -I "$ROOT/include" "$ROOT/include/ql_ssl.h" |
    sed -nE '/^[[:space:]]*typedef/d; s/^[[:space:]]*[A-Za-z_][A-Za-z0-9_ ]*[ *]([A-Za-z][A-Za-z0-9_]*)[[:space:]]*\(.*/\1/p' |
    sort -u >"$work/exports.txt"
n=$(wc -l <"$work/exports.txt")
[ "$n" -ge 20 ] || die "only $n functions found in include/ql_ssl.h"

# rand(): mbedtls-platform-support (no_std) defines the C function and panics in it; localized in
# its own object first, mbedtls's calls stay undefined and reach the C library's rand().
cp "$in" "$work/in.a"
[ "$baremetal" = 1 ] && "${prefix}objcopy" --localize-symbol=rand "$work/in.a"
# cargo's archive holds mbedtls's C objects twice (mbedtls-sys-auto bundles its three libraries,
# which share members), so the members are taken once each: same name must mean same bytes.
mkdir "$work/objs"
(cd "$work/objs" && "${prefix}ar" x "$work/in.a")
"${prefix}ar" t "$work/in.a" >"$work/members.txt"
sort "$work/members.txt" | uniq -c | awk '$1 > 1 { print $1, $2 }' | while read -r count name; do
    for i in $(seq 1 "$count"); do
        (cd "$work" && "${prefix}ar" xN "$i" "$work/in.a" "$name" && mv "$name" "dup.o")
        cmp -s "$work/dup.o" "$work/objs/$name" || die "cargo's archive has different members named $name"
    done
done
awk '!seen[$0]++ { print "objs/" $0 }' "$work/members.txt" >"$work/objects.txt"
# --unique: ld -r would merge the input sections of the same name from all objects (.text,
# .rodata, .data, .bss of code built without -ffunction-sections/-fdata-sections, and the string
# and constant pools of every object) into one section each, and `--gc-sections` could then keep
# or drop them only as a whole. Kept apart, the final link drops what it does not use as it does
# with cargo's archive (aarch64 smoke client: text 945,669 bytes instead of 945,293; without
# these options 1,008,744).
ldflags=(--unique=.text --unique=.rodata --unique=.data --unique=.bss --unique=.data.rel.ro
    '--unique=.rodata.str*' '--unique=.rodata.cst*' --unique=.gcc_except_table)
# Bare metal: some of mbedtls's objects carry no .note.GNU-stack (no such thing without an OS);
# say so for the combined object instead of letting ld -r warn about an executable stack.
[ "$baremetal" = 1 ] && ldflags+=(-z noexecstack)
(cd "$work" && "${prefix}ld" -r "${ldflags[@]}" -o qlssl.o @objects.txt)
# .llvmbc/.llvmcmd: rustc's embedded bitcode, only for Rust LTO. Concatenated by ld -r it is no
# longer valid bitcode, and binutils' LLVM plugin (LLVMgold, with clang installed) aborts reading
# the object ("LLVM ERROR: Invalid encoding") in ar, nm and ld.
"${prefix}objcopy" --remove-section=.llvmbc --remove-section=.llvmcmd \
    --keep-global-symbols="$work/exports.txt" "$work/qlssl.o"
mkdir -p "$(dirname "$out")"
rm -f "$out.tmp"
"${prefix}ar" rcsD "$out.tmp" "$work/qlssl.o"

# Check: the defined global symbols are exactly the header's functions.
"${prefix}nm" -g --defined-only "$out.tmp" | awk 'NF == 3 { print $3 }' | sort -u >"$work/globals.txt"
if ! cmp -s "$work/globals.txt" "$work/exports.txt"; then
    echo "static_lib.sh: exported symbols differ from include/ql_ssl.h's functions (< exported, > declared):" >&2
    diff "$work/globals.txt" "$work/exports.txt" | grep '^[<>]' | head -20 >&2
    rm -f "$out.tmp"
    exit 1
fi
mv -f "$out.tmp" "$out"
before=$("${prefix}nm" -g --defined-only "$work/in.a" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u | wc -l)
echo "static_lib.sh: ${out#"$ROOT"/}: $n global symbols (the functions of ql_ssl.h; cargo's archive: $before)"
