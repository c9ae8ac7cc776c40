#!/usr/bin/env bash
# Install qlssl into a prefix (host Linux build): the header, the shared library with a SONAME,
# the static library as shipped, a pkg-config file and a CMake package. Builds with cargo first.
#
#   scripts/install.sh --prefix DIR [--libdir NAME] [--includedir NAME]
#
#   --prefix DIR       where to install (required); $DESTDIR, if set, is put in front (staging)
#   --libdir NAME      library directory below the prefix (default lib; e.g. lib/x86_64-linux-gnu)
#   --includedir NAME  header directory below the prefix (default include)
#
# Result (see README.md, "Install"):
#   include/ql_ssl.h                    the generated API header; only it: the SDK compatibility
#                                       headers of include/ belong to the host runtime (RUNTIME.md)
#   lib/libqlssl.so.X.Y.Z               SONAME libqlssl.so.0 (docs/DESIGN.md, "ABI and threads"),
#   lib/libqlssl.so.0, lib/libqlssl.so  with the usual symlinks
#   lib/libqlssl.a                      scripts/static_lib.sh's archive (only the API global)
#   lib/pkgconfig/qlssl.pc              Libs.private = rustc's --print native-static-libs
#   lib/cmake/qlssl/                    qlssl-config.cmake, qlssl-config-version.cmake:
#                                       find_package(qlssl) -> qlssl::qlssl, ::shared, ::static
#   share/doc/qlssl/LICENSE, CHANGELOG.md
# The .pc and CMake files locate the prefix relative to themselves, so the tree can be moved.
#
# Why not cargo-c (`cargo cinstall`): see README.md, "Install". In short, cargo-c's static library
# would be cargo's raw archive (every mbedtls symbol global), and building cargo-c itself compiles
# the cargo crate from source; this script does what cargo-c would, with the shipped archive.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
prefix=
libdir=lib
includedir=include
while [ $# -gt 0 ]; do
    case $1 in
    --prefix) prefix=$2; shift 2 ;;
    --libdir) libdir=$2; shift 2 ;;
    --includedir) includedir=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
die() { echo "install.sh: $*" >&2; exit 1; }
[ -n "$prefix" ] || die "--prefix DIR is required"
case $prefix in /*) ;; *) prefix=$(pwd)/$prefix ;; esac
case $libdir in /* | *..*) die "--libdir is a relative path below the prefix" ;; esac
case $includedir in /* | *..*) die "--includedir is a relative path below the prefix" ;; esac

cd "$ROOT"
version=$(sed -nE 's/^version = "([0-9]+\.[0-9]+\.[0-9]+)"$/\1/p' Cargo.toml | head -n1)
[ -n "$version" ] || die "no version in Cargo.toml"
major=${version%%.*}
# SONAME policy (docs/DESIGN.md, "ABI"): libqlssl.so.<major>, so libqlssl.so.0 for every 0.x.
soname=libqlssl.so.$major
target_dir=${CARGO_TARGET_DIR:-$ROOT/target}
release=$target_dir/release

# 1. The native libraries a static link needs, as rustc says them for this crate and toolchain.
# The extra rustc argument makes this a build of its own (crate type staticlib only, outputs under
# target/release/deps with another hash): it compiles the crate once, afterwards cargo finds it
# fresh and replays the note, and the regular build's files stay as they are.
note=$(cargo rustc --release --lib --crate-type staticlib -- --print native-static-libs 2>&1) ||
    { printf '%s\n' "$note" >&2; die "cargo rustc failed"; }
native_libs=$(printf '%s\n' "$note" | sed -n 's/^.*note: native-static-libs: //p' | tail -n1)
[ -n "$native_libs" ] || { printf '%s\n' "$note" >&2; die "rustc printed no native-static-libs"; }
# 2. The regular build (it also puts cargo's own libqlssl.a back in target/release).
cargo build --release
# 3. The static library to ship.
bash scripts/static_lib.sh "$release/libqlssl.a" "$release/dist/libqlssl.a"

dest=${DESTDIR:-}$prefix
mkdir -p "$dest/$includedir" "$dest/$libdir/pkgconfig" "$dest/$libdir/cmake/qlssl" \
    "$dest/share/doc/qlssl"
install -m 644 include/ql_ssl.h "$dest/$includedir/ql_ssl.h"
install -m 644 "$release/dist/libqlssl.a" "$dest/$libdir/libqlssl.a"
install -m 644 LICENSE CHANGELOG.md "$dest/share/doc/qlssl/"

# 4. The shared library, linked from the shipped archive: the same single object whose only global
# symbols are the header's functions, so the dynamic symbol table is the API (as with cargo's
# cdylib, whose link build.rs restricts), plus a SONAME, which cargo cannot give a cdylib without
# also changing target/release/libqlssl.so for every in-tree user. Linked as rustc links a cdylib.
# shellcheck disable=SC2086 # native_libs is a list of linker arguments
cc -shared -o "$dest/$libdir/libqlssl.so.$version" -Wl,-soname,"$soname" \
    -Wl,--whole-archive "$release/dist/libqlssl.a" -Wl,--no-whole-archive \
    -Wl,--gc-sections -Wl,--as-needed -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,--eh-frame-hdr \
    $native_libs
ln -sfn "libqlssl.so.$version" "$dest/$libdir/$soname"
ln -sfn "$soname" "$dest/$libdir/libqlssl.so"

# Relative path from a directory below the prefix back to the prefix ("lib/pkgconfig" -> "../..").
up() {
    local p=$1 r=
    while [ -n "$p" ] && [ "$p" != . ]; do r=${r:+$r/}..; p=$(dirname "$p"); done
    echo "$r"
}

# 5. pkg-config. Libs.private is exactly rustc's list; no Requires.private (mbedtls is inside).
cat >"$dest/$libdir/pkgconfig/qlssl.pc" <<EOF
prefix=\${pcfiledir}/$(up "$libdir/pkgconfig")
libdir=\${prefix}/$libdir
includedir=\${prefix}/$includedir

Name: qlssl
Description: QuecOpen SDK SSL API (ql_ssl_*) over mbedtls 2.28, in Rust
Version: $version
Libs: -L\${libdir} -lqlssl
Libs.private: $native_libs
Cflags: -I\${includedir}
EOF

# 6. CMake package: the template with the prefix path, the files, and rustc's list as CMake items
# ("-lm" -> m; anything that is not -l<name> is passed as it is).
cmake_libs=
for arg in $native_libs; do
    case $arg in -l*) item=${arg#-l} ;; *) item=$arg ;; esac
    cmake_libs=${cmake_libs:+$cmake_libs;}$item
done
sed -e "s|@QLSSL_VERSION@|$version|g" \
    -e "s|@QLSSL_PREFIX_FROM_PACKAGE@|$(up "$libdir/cmake/qlssl")|g" \
    -e "s|@QLSSL_LIBDIR@|$libdir|g" \
    -e "s|@QLSSL_INCLUDEDIR@|$includedir|g" \
    -e "s|@QLSSL_SONAME@|$soname|g" \
    -e "s|@QLSSL_NATIVE_STATIC_LIBS@|$cmake_libs|g" \
    cmake/qlssl-config.cmake.in >"$dest/$libdir/cmake/qlssl/qlssl-config.cmake"
pointer_size=$(cc -dM -E - </dev/null | sed -n 's/^#define __SIZEOF_POINTER__ //p')
sed -e "s|@QLSSL_VERSION@|$version|g" -e "s|@QLSSL_VERSION_MAJOR@|$major|g" \
    -e "s|@QLSSL_SIZEOF_VOID_P@|$pointer_size|g" \
    cmake/qlssl-config-version.cmake.in >"$dest/$libdir/cmake/qlssl/qlssl-config-version.cmake"

echo "install.sh: qlssl $version in $dest (SONAME $soname; Libs.private: $native_libs)"
