# CMake toolchain file for the bare-metal recipe test (cross/sdk-cmake, run by cross/baremetal/build.sh):
# Arm's GNU toolchain (Debian's gcc-arm-none-eabi) for a Cortex-A application core. It stands in for
# the toolchain file a module SDK brings; the recipe of docs/CROSS.md does not depend on it.
#
# QLSSL_FLOAT_ABI = soft | hard selects the calling convention (and so newlib's multilib), the same
# flags cross/baremetal/build.sh builds libqlssl.a with.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar CACHE FILEPATH "")
set(CMAKE_RANLIB arm-none-eabi-ranlib CACHE FILEPATH "")
# No OS to link a test executable for while probing the compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

if(NOT QLSSL_FLOAT_ABI)
  set(QLSSL_FLOAT_ABI "$ENV{QLSSL_FLOAT_ABI}")
endif()
set(ENV{QLSSL_FLOAT_ABI} "${QLSSL_FLOAT_ABI}")
if(QLSSL_FLOAT_ABI STREQUAL "hard")
  set(CMAKE_C_FLAGS_INIT "-march=armv7-a+fp -mfloat-abi=hard -marm")
elseif(QLSSL_FLOAT_ABI STREQUAL "soft")
  set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mfloat-abi=soft -marm")
else()
  message(FATAL_ERROR "set -DQLSSL_FLOAT_ABI=soft or hard")
endif()

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
