# One place that imports the library under test (built by cargo, not by CMake) for the C suites.
#
#   qlssl_import_library(<target> <include-dir>)
#
# Imports libqlssl.a (QLSSL_LINK_STATIC ON) or ${QLSSL_LIB_DIR}/libqlssl.so as <target>, with the
# public headers of <include-dir>. Each suite uses a target name of its own, so the suites can be
# configured together (top-level CMakeLists.txt) or alone (tests/c for the cross builds).
#
#   qlssl_static_library(<var>)
#
# Sets <var> to the static library as shipped: cargo's ${QLSSL_LIB_DIR}/libqlssl.a passed through
# scripts/static_lib.sh (only the ql_ssl_* API global; mbedtls, Rust std and the crate's internals
# local), made in ${CMAKE_BINARY_DIR}/qlssl-static/ by the custom target `qlssl_static_lib` and
# remade whenever cargo's archive, the script or the header changes. The binutils are the C
# compiler's (aarch64-linux-gnu-gcc -> aarch64-linux-gnu-ld/objcopy/ar/nm).
#
#   QLSSL_TEST_SUPPORT_DIR, QLSSL_TEST_SUPPORT_SOURCES
#
# The C test-support library every suite compiles into its own targets (one header,
# tests/common/qlssl_test.h; one source, qlssl_test.c), so each suite still configures on its own.
set(_QLSSL_IMPORT_ROOT "${CMAKE_CURRENT_LIST_DIR}/../..")
get_filename_component(_QLSSL_IMPORT_ROOT "${_QLSSL_IMPORT_ROOT}" ABSOLUTE)
set(QLSSL_TEST_SUPPORT_DIR "${_QLSSL_IMPORT_ROOT}/tests/common")
set(QLSSL_TEST_SUPPORT_SOURCES "${QLSSL_TEST_SUPPORT_DIR}/qlssl_test.c")

function(qlssl_static_library var)
  set(_in "${QLSSL_LIB_DIR}/libqlssl.a")
  set(_out "${CMAKE_BINARY_DIR}/qlssl-static/libqlssl.a")
  if(NOT EXISTS "${_in}")
    message(FATAL_ERROR "${_in} not found: run `cargo build --release` first")
  endif()
  if(NOT TARGET qlssl_static_lib)
    find_program(QLSSL_BASH bash REQUIRED)
    set(_prefix "")
    get_filename_component(_cc "${CMAKE_C_COMPILER}" NAME)
    if(_cc MATCHES "^(.+-)gcc(-[0-9.]+)?$")
      set(_prefix "${CMAKE_MATCH_1}")
    endif()
    add_custom_command(OUTPUT "${_out}"
      COMMAND "${QLSSL_BASH}" "${_QLSSL_IMPORT_ROOT}/scripts/static_lib.sh" --prefix "${_prefix}" "${_in}" "${_out}"
      DEPENDS "${_in}" "${_QLSSL_IMPORT_ROOT}/scripts/static_lib.sh" "${_QLSSL_IMPORT_ROOT}/include/ql_ssl.h"
      COMMENT "libqlssl.a with only the ql_ssl_* API global (scripts/static_lib.sh)"
      VERBATIM)
    add_custom_target(qlssl_static_lib DEPENDS "${_out}")
  endif()
  set(${var} "${_out}" PARENT_SCOPE)
endfunction()

function(qlssl_import_library target include_dir)
  if(QLSSL_LINK_STATIC)
    qlssl_static_library(_file)
    add_library(${target} STATIC IMPORTED)
    set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${_file}"
      INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
    # The archive is made at build time: everything that links it waits for it.
    add_dependencies(${target} qlssl_static_lib)
  else()
    set(_file "${QLSSL_LIB_DIR}/libqlssl.so")
    if(NOT EXISTS "${_file}")
      message(FATAL_ERROR "${_file} not found: run `cargo build --release` first")
    endif()
    add_library(${target} SHARED IMPORTED)
    # cargo's cdylib has no SONAME: link it as -lqlssl and find it through the build RPATH.
    set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${_file}" IMPORTED_NO_SONAME TRUE)
  endif()
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${include_dir}")
endfunction()
