# CMake toolchain file for the qlssl C tests on a cross-compiled Linux target, run under qemu-user.
#
# Used by scripts/cross.sh; by hand (aarch64 shown):
#   cmake -S tests/c -B target/cross-aarch64-unknown-linux-gnu/ctest \
#     -DCMAKE_TOOLCHAIN_FILE=cross/cmake/linux-cross.cmake -DQLSSL_CROSS_GNU=aarch64-linux-gnu \
#     -DQLSSL_LIB_DIR=$PWD/target/cross-aarch64-unknown-linux-gnu/aarch64-unknown-linux-gnu/release
#
# QLSSL_CROSS_GNU is the GNU triple of the Debian cross toolchain (aarch64-linux-gnu,
# arm-linux-gnueabihf); it selects the compiler, the sysroot and the qemu-user emulator that
# ctest puts in front of every test executable (CMAKE_CROSSCOMPILING_EMULATOR).
# Configure tests/c itself (-S tests/c), not the top level: the host runtime tests there are x86_64-only.

if(NOT QLSSL_CROSS_GNU)
  set(QLSSL_CROSS_GNU "$ENV{QLSSL_CROSS_GNU}")
endif()
if(NOT QLSSL_CROSS_GNU)
  message(FATAL_ERROR "set -DQLSSL_CROSS_GNU=aarch64-linux-gnu (or arm-linux-gnueabihf)")
endif()
# try_compile() projects re-read this file: hand the choice on to them.
set(ENV{QLSSL_CROSS_GNU} "${QLSSL_CROSS_GNU}")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES QLSSL_CROSS_GNU)

if(QLSSL_CROSS_GNU STREQUAL "aarch64-linux-gnu")
  set(CMAKE_SYSTEM_PROCESSOR aarch64)
  set(_qemu qemu-aarch64)
elseif(QLSSL_CROSS_GNU STREQUAL "arm-linux-gnueabihf")
  set(CMAKE_SYSTEM_PROCESSOR armv7l)
  set(_qemu qemu-arm)
else()
  message(FATAL_ERROR "unsupported QLSSL_CROSS_GNU=${QLSSL_CROSS_GNU}")
endif()

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${QLSSL_CROSS_GNU}-gcc)
set(CMAKE_AR ${QLSSL_CROSS_GNU}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${QLSSL_CROSS_GNU}-ranlib CACHE FILEPATH "")
set(CMAKE_STRIP ${QLSSL_CROSS_GNU}-strip CACHE FILEPATH "")

# Debian's multiarch cross sysroot; programs (openssl, bash) are the host's.
set(CMAKE_FIND_ROOT_PATH /usr/${QLSSL_CROSS_GNU})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The guest's C library at run time. One dynamic loader and one libc.so.6 from the same package
# must meet: when Debian's multiarch libc6:<arch> is installed (it comes with libstd-rust-web-dev:arm64)
# the host's /etc/ld.so.cache points the guest at /lib/<gnu>/libc.so.6, so the guest must use the
# multiarch loader too (no -L). Only with the cross sysroot alone is -L /usr/<gnu> right: mixing the
# cross ld.so (libc6-<arch>-cross) with the multiarch libc.so.6 hangs every fork() in the child.
if(EXISTS "/lib/${QLSSL_CROSS_GNU}/libc.so.6")
  set(_qemu_args "")
else()
  set(_qemu_args "-L;/usr/${QLSSL_CROSS_GNU}")
endif()
find_program(QLSSL_QEMU ${_qemu} REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${QLSSL_QEMU};${_qemu_args}")
