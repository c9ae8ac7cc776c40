#!/usr/bin/env bash
# Can mbedtls 2.28 (mbedtls-sys-auto, the legacy engine) and mbedtls 3.6 (mbedtls-rs-sys) live in
# one binary? Four steps, each printing the tool's own answer (docs/ENGINES.md, "Symbol clash"):
#   1. cargo: one crate depending on both crates
#   2. the linker: both sets of static libraries, whole (what a library exporting both engines does),
#      and then as plain archives (first definition wins)
#   3. the fix: every global symbol of the 3.6 libraries renamed to ql3_* (objcopy
#      --redefine-syms over definitions and references alike), then linked whole beside 2.28
# Needs the outputs of `cargo build --release` (2.28) and engines/measure.sh (3.6).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=$root/target/engines/clash
mkdir -p "$out"
m2=$(ls -td target/release/build/mbedtls-sys-auto-*/out/lib 2>/dev/null | head -1)
m3=$(ls -td target/engines/release/build/mbedtls-rs-sys-*/out/mbedtls/lib 2>/dev/null | head -1)
[ -n "$m2" ] && [ -n "$m3" ] || { echo "clash: build qlssl and engines/probe-mbedtls3 first" >&2; exit 1; }
l2="$m2/libmbedtls.a $m2/libmbedx509.a $m2/libmbedcrypto.a"
l3="$m3/libmbedtls.a $m3/libmbedx509.a $m3/libmbedcrypto.a $m3/libeverest.a $m3/libp256m.a"

echo "== 1. cargo, one crate depending on mbedtls-sys-auto 2.28.15 and mbedtls-rs-sys 0.3.1"
(cd engines/clash/cargo && CARGO_TARGET_DIR=$out/cargo cargo generate-lockfile 2>&1 | grep -v '^ *Updating\|^ *Locking\|^ *Adding' | head -12)

echo "== 2a. ld, both whole: number of 'multiple definition' errors, first three"
# shellcheck disable=SC2086
cc -o "$out/both_whole" engines/clash/main_plain.c -Wl,--whole-archive $l2 $l3 -Wl,--no-whole-archive \
    -lpthread 2> "$out/ld_whole.txt"
echo "   exit status $?; $(grep -c 'multiple definition' "$out/ld_whole.txt") multiple definitions"
grep 'multiple definition' "$out/ld_whole.txt" | sed 's/.*multiple definition of/   multiple definition of/' | head -3
# shellcheck disable=SC2086
common=$( (nm -g --defined-only $l2 2>/dev/null | awk 'NF==3{print $3}' | sort -u) |
    comm -12 - <(nm -g --defined-only $l3 2>/dev/null | awk 'NF==3{print $3}' | sort -u) | wc -l)
echo "   global symbols defined by both: $common"

echo "== 2b. ld, plain archives, 3.6 first: links without a word; the 2.28 program runs 3.6 code"
# shellcheck disable=SC2086
cc -o "$out/both_plain" engines/clash/main_plain.c $l3 $l2 -lpthread && "$out/both_plain"

echo "== 3. 3.6 renamed to ql3_* with objcopy --redefine-syms, linked whole beside 2.28"
# shellcheck disable=SC2086
nm -g --defined-only $l3 2>/dev/null | awk 'NF==3{print $3}' | sort -u | awk '{print $1, "ql3_" $1}' > "$out/ql3.syms"
# Undefined references to the libc (memcpy, calloc, ...) are not in the list: they stay as they are.
renamed=()
for a in $l3; do
    objcopy --redefine-syms="$out/ql3.syms" "$a" "$out/ql3_$(basename "$a")"
    renamed+=("$out/ql3_$(basename "$a")")
done
echo "   $(wc -l < "$out/ql3.syms") symbols renamed"
# shellcheck disable=SC2086
cc -o "$out/both_prefixed" engines/clash/main.c engines/clash/platform_stubs.c -Wl,--whole-archive $l2 "${renamed[@]}" -Wl,--no-whole-archive \
    -lpthread 2> "$out/ld_prefixed.txt"
echo "   exit status $?; $(grep -c 'multiple definition' "$out/ld_prefixed.txt") multiple definitions;" \
     "undefined: $(grep -c 'undefined reference' "$out/ld_prefixed.txt")"
grep 'undefined reference' "$out/ld_prefixed.txt" | sed 's/.*undefined reference to/   undefined:/' | sort -u | head -5
[ -x "$out/both_prefixed" ] && "$out/both_prefixed"

echo "== 4. cargo + ld, mbedtls 2.28 (mbedtls 0.13.6 / mbedtls-sys-auto 2.28.15) beside rustls 0.23 + ring"
# ring's C and assembly symbols carry a version prefix (ring_core_0_17_N_*), rustls is Rust: no
# global C name in common with mbedtls. One program using both: the linker's answer, then a run.
(cd engines/clash/cargo-rustls && CARGO_TARGET_DIR=$root/target/engines cargo build --release -q 2>&1 | tail -5 &&
    "$root/target/engines/release/probe-clash-rustls")
# shellcheck disable=SC2086
echo "   global C symbols defined by both mbedtls 2.28 and ring: $( (nm -g --defined-only $l2 2>/dev/null |
    awk 'NF==3{print $3}' | sort -u) | comm -12 - <(nm -g --defined-only target/engines/release/libprobe_rustls.a 2>/dev/null |
    awk 'NF==3{print $3}' | grep -v '^_ZN\|^_R' | sort -u) | wc -l)"
