# qlssl as a subproject (add_subdirectory): builds the library with cargo and defines the targets
# of the installed CMake package (cmake/qlssl-config.cmake.in), for the host the project builds on:
#   qlssl::shared  cargo's libqlssl.so (no SONAME: linked by path, found through the build RPATH;
#                  install with scripts/install.sh for the versioned library)
#   qlssl::static  scripts/static_lib.sh's libqlssl.a (only the API global) and the native libraries
#                  rustc names for it
#   qlssl::qlssl   qlssl::shared, or qlssl::static with QLSSL_USE_STATIC=ON
# Cross builds (module CPUs, bare metal) are described in docs/CROSS.md, not handled here.
#
# Configuring asks rustc for the native libraries (`--print native-static-libs`), which takes one
# cargo build of the crate; the link line needs them before anything is built. The regular build
# then runs at build time (cargo decides what is out of date) and is followed by static_lib.sh.
set(QLSSL_CARGO_TARGET_DIR "${CMAKE_CURRENT_BINARY_DIR}/cargo" CACHE PATH
  "cargo's target directory for libqlssl (set it to <qlssl>/target to share a build made by hand)")
option(QLSSL_USE_STATIC "qlssl::qlssl is the static library" OFF)
# The C compiler cargo's build scripts (mbedtls, src/capi/shim.c) use: the project's by default. It is
# passed the same way at configure and at build time: cargo reruns those build scripts whenever CC
# differs from its last build, and CMake puts the detected compiler into CC while it configures.
# Empty: no CC for cargo at all (its default, `cc`), as a plain `cargo build` in a shell.
set(QLSSL_CARGO_CC "${CMAKE_C_COMPILER}" CACHE STRING "CC for cargo's build of libqlssl (empty: none)")
if(QLSSL_CARGO_CC STREQUAL "")
  set(_qlssl_cargo_env "--unset=CC" "CARGO_TARGET_DIR=${QLSSL_CARGO_TARGET_DIR}")
else()
  set(_qlssl_cargo_env "CC=${QLSSL_CARGO_CC}" "CARGO_TARGET_DIR=${QLSSL_CARGO_TARGET_DIR}")
endif()
find_program(QLSSL_CARGO cargo HINTS "$ENV{CARGO_HOME}/bin" "$ENV{HOME}/.cargo/bin" REQUIRED)
find_program(QLSSL_BASH bash REQUIRED)

set(_qlssl_src "${CMAKE_CURRENT_SOURCE_DIR}")
set(_qlssl_release "${QLSSL_CARGO_TARGET_DIR}/release")
set(_qlssl_dist "${CMAKE_CURRENT_BINARY_DIR}/qlssl-dist/libqlssl.a")
# The API header alone: include/ also holds the host runtime's SDK compatibility headers
# (sockets.h, lwip/, ql_log.h, ...), which must not shadow the consumer's own. Copied again
# whenever it changes (configure_file makes it a configure dependency).
set(_qlssl_include "${CMAKE_CURRENT_BINARY_DIR}/qlssl-include")
configure_file("${_qlssl_src}/include/ql_ssl.h" "${_qlssl_include}/ql_ssl.h" COPYONLY)

message(STATUS "qlssl: asking rustc for the native libraries of the static library (cargo, ${QLSSL_CARGO_TARGET_DIR})")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env ${_qlssl_cargo_env}
          "${QLSSL_CARGO}" rustc --release --lib --crate-type staticlib -- --print native-static-libs
  WORKING_DIRECTORY "${_qlssl_src}"
  RESULT_VARIABLE _qlssl_rc OUTPUT_VARIABLE _qlssl_out ERROR_VARIABLE _qlssl_out)
if(NOT _qlssl_rc EQUAL 0 OR NOT _qlssl_out MATCHES "native-static-libs: ([^\r\n]*)")
  message(FATAL_ERROR "qlssl: cargo rustc --print native-static-libs failed:\n${_qlssl_out}")
endif()
separate_arguments(_qlssl_native UNIX_COMMAND "${CMAKE_MATCH_1}")
set(_qlssl_native_libs "")
foreach(_arg IN LISTS _qlssl_native)
  if(_arg MATCHES "^-l(.+)$")
    list(APPEND _qlssl_native_libs "${CMAKE_MATCH_1}")
  else()
    list(APPEND _qlssl_native_libs "${_arg}")
  endif()
endforeach()
message(STATUS "qlssl: native libraries ${_qlssl_native_libs}")

# cargo every build (it knows its own dependencies), then the shipped archive when cargo's changed.
add_custom_target(qlssl_cargo_build
  COMMAND "${CMAKE_COMMAND}" -E env ${_qlssl_cargo_env}
          "${QLSSL_CARGO}" build --release
  BYPRODUCTS "${_qlssl_release}/libqlssl.a" "${_qlssl_release}/libqlssl.so"
  WORKING_DIRECTORY "${_qlssl_src}"
  COMMENT "qlssl: cargo build --release"
  VERBATIM)
add_custom_command(OUTPUT "${_qlssl_dist}"
  COMMAND "${QLSSL_BASH}" "${_qlssl_src}/scripts/static_lib.sh" "${_qlssl_release}/libqlssl.a" "${_qlssl_dist}"
  DEPENDS qlssl_cargo_build "${_qlssl_release}/libqlssl.a" "${_qlssl_src}/scripts/static_lib.sh"
          "${_qlssl_src}/include/ql_ssl.h"
  COMMENT "qlssl: libqlssl.a with only the API global (scripts/static_lib.sh)"
  VERBATIM)
add_custom_target(qlssl_static_archive DEPENDS "${_qlssl_dist}")

add_library(qlssl::shared SHARED IMPORTED GLOBAL)
set_target_properties(qlssl::shared PROPERTIES
  IMPORTED_LOCATION "${_qlssl_release}/libqlssl.so"
  IMPORTED_NO_SONAME TRUE
  INTERFACE_INCLUDE_DIRECTORIES "${_qlssl_include}")
add_dependencies(qlssl::shared qlssl_cargo_build)

add_library(qlssl::static STATIC IMPORTED GLOBAL)
set_target_properties(qlssl::static PROPERTIES
  IMPORTED_LOCATION "${_qlssl_dist}"
  IMPORTED_LINK_INTERFACE_LANGUAGES C
  INTERFACE_LINK_LIBRARIES "${_qlssl_native_libs}"
  INTERFACE_INCLUDE_DIRECTORIES "${_qlssl_include}")
add_dependencies(qlssl::static qlssl_static_archive)

add_library(qlssl::qlssl INTERFACE IMPORTED GLOBAL)
if(QLSSL_USE_STATIC)
  set_target_properties(qlssl::qlssl PROPERTIES INTERFACE_LINK_LIBRARIES qlssl::static)
else()
  set_target_properties(qlssl::qlssl PROPERTIES INTERFACE_LINK_LIBRARIES qlssl::shared)
endif()
