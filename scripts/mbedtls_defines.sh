#!/usr/bin/env bash
# The mbedtls options a build of mbedtls-sys-auto got on its compiler command line besides its
# config.h (.cargo/config.toml: -DMBEDTLS_SSL_VARIABLE_BUFFER_LENGTH), read from its CMake cache.
# A C program compiled against that build's headers (the raw mbedtls clients of scripts/size.sh
# and scripts/bench.sh) needs them too, or its mbedtls_ssl_context is smaller than the one the
# library writes.
#
#   scripts/mbedtls_defines.sh <mbedtls-sys-auto-*/out>     (prints the flags on one line)
set -euo pipefail
cache=$1/build/CMakeCache.txt
flags=$(sed -n 's/^CMAKE_C_FLAGS:STRING=//p' "$cache")
[ -n "$flags" ] || { echo "mbedtls_defines.sh: $cache: no CMAKE_C_FLAGS" >&2; exit 1; }
for f in $flags; do
    case $f in
    -DMBEDTLS_CONFIG_FILE=*) ;;
    -DMBEDTLS_*) printf '%s ' "$f" ;;
    esac
done
echo
