#!/usr/bin/env bash
# The patched copy of mbedtls-sys-auto that cross/baremetal/Cargo.toml's [patch] points at
# (target/baremetal/vendor/), for every build of that crate: cross/baremetal/build.sh (ARM) and
# tests/port/host_run.sh (the same bare-metal library built for the host). The registry crate is
# taken from the cargo cache (fetched through the library's Cargo.lock if missing), checked against
# Cargo.lock's checksum, unpacked and given the one-line c_char fix
# (mbedtls-sys-auto-c_char.patch). Nothing is done when the stamp says the copy is current.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
. cross/common.sh

OUT=$ROOT/target/baremetal
CRATE=mbedtls-sys-auto-2.28.15
PATCH=$ROOT/cross/baremetal/mbedtls-sys-auto-c_char.patch
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
