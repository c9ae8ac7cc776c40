#!/usr/bin/env bash
# Bare-metal (armv7a-none-eabi, soft float) code size of the two candidate engines
# (docs/ENGINES.md): each probe crate built no_std with -Zbuild-std=core,alloc (the compiler and
# std sources of cross/baremetal/build.sh: Debian's rustc-web + rust-web-src), then a minimal
# verifying client (engines/baremetal/client_*.c) linked with arm-none-eabi-gcc + newlib
# (--specs=nosys.specs) and --gc-sections. mbedtls-rs-sys compiles mbedtls with clang -Os and, on
# *-none-eabi targets only, -fshort-enums: the C client must use the same enum size. Prints
# `arm-none-eabi-size` of each stripped image.
# Size only: the images are never run (their platform functions are stubs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=armv7a-none-eabi
cflags="-march=armv7-a -mfloat-abi=soft -marm -Os -ffunction-sections -fdata-sections"
out=$root/target/engines-nostd/size
mkdir -p "$out"
build() { # crate dir, target dir
    (cd "$1" && env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$2" \
        CC_armv7a_none_eabi=arm-none-eabi-gcc CFLAGS_armv7a_none_eabi="${cflags% -O*}" \
        /usr/bin/cargo build --release --target $target -Zbuild-std=core,alloc -q)
}
build engines/probe-mbedtls3 "$root/target/engines"
# ring 0.17 assembles its ARM code (the crate's pregenerated `linux32` ELF assembly) only for
# Linux-like OSes and "horizon", yet its Rust code calls those functions on every ARM target: for
# target_os = "none" the link fails with 15 undefined ring_core_* functions. A copy of the
# registry crate with "none" added to that assembly row (plain ELF/AAPCS code, the same on bare
# metal) fixes it; probe-rustls-nostd's [patch] points at the copy. Nothing of it is committed.
ring_src=$(ls -d "$HOME"/.cargo/registry/src/*/ring-0.17.14 | head -1)
ring_copy=$root/target/engines-nostd/vendor/ring-0.17.14
if [ ! -f "$ring_copy/.qlssl-patched" ]; then
    rm -rf "$ring_copy" && mkdir -p "$(dirname "$ring_copy")" && cp -r "$ring_src" "$ring_copy"
    perl -0pi -e 's/(oss: &\["horizon"\],\n\s*arch: ARM,\n\s*perlasm_format: "linux32",\n\s*\},)/$1\n    AsmTarget {\n        oss: &["none"],\n        arch: ARM,\n        perlasm_format: "linux32",\n    },/' \
        "$ring_copy/build.rs"
    grep -q 'oss: &\["none"\]' "$ring_copy/build.rs" || { echo "ring's build.rs changed: patch does not apply" >&2; exit 1; }
    touch "$ring_copy/.qlssl-patched"
fi
build engines/probe-rustls-nostd "$root/target/engines-nostd"

m3=$(ls -td target/engines/$target/release/build/mbedtls-rs-sys-*/out/mbedtls 2>/dev/null | head -1)
inc=$(sed -n 's/^cargo::metadata=include=//p' target/engines/$target/release/build/mbedtls-rs-sys-*/output | head -1)
# shellcheck disable=SC2086
arm-none-eabi-gcc $cflags -fshort-enums $(echo "$inc" | tr ':' '\n' | sed 's/^/-I/') -o "$out/client_mbedtls3.elf" \
    engines/baremetal/client_mbedtls3.c engines/baremetal/platform.c --specs=nosys.specs -Wl,--gc-sections \
    -Wl,--start-group "$m3"/lib/*.a target/engines/$target/release/libprobe_mbedtls3.a -Wl,--end-group
# shellcheck disable=SC2086
arm-none-eabi-gcc $cflags -o "$out/client_rustls.elf" engines/baremetal/client_rustls.c engines/baremetal/platform.c \
    --specs=nosys.specs -Wl,--gc-sections target/engines-nostd/$target/release/libprobe_rustls_nostd.a
# The floor both share: newlib's start-up and the stubs, without any TLS.
echo 'int main(void){return 0;}' > "$out/empty.c"
# shellcheck disable=SC2086
arm-none-eabi-gcc $cflags -o "$out/empty.elf" "$out/empty.c" engines/baremetal/platform.c --specs=nosys.specs -Wl,--gc-sections
for e in empty client_mbedtls3 client_rustls; do
    arm-none-eabi-strip -o "$out/$e.stripped" "$out/$e.elf"
done
arm-none-eabi-size "$out"/empty.stripped "$out"/client_mbedtls3.stripped "$out"/client_rustls.stripped
ls -l "$out"/*.stripped | awk '{print $5, $9}'
