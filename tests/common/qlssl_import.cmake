# One place that imports the library under test (built by cargo, not by CMake) for the C suites.
#
#   qlssl_import_library(<target> <include-dir>)
#
# Imports ${QLSSL_LIB_DIR}/libqlssl.a (QLSSL_LINK_STATIC ON) or libqlssl.so as <target>, with the
# public headers of <include-dir>. Each suite uses a target name of its own, so the suites can be
# configured together (top-level CMakeLists.txt) or alone (tests/c for the cross builds).
function(qlssl_import_library target include_dir)
  if(QLSSL_LINK_STATIC)
    set(_file "${QLSSL_LIB_DIR}/libqlssl.a")
  else()
    set(_file "${QLSSL_LIB_DIR}/libqlssl.so")
  endif()
  if(NOT EXISTS "${_file}")
    message(FATAL_ERROR "${_file} not found: run `cargo build --release` first")
  endif()
  if(QLSSL_LINK_STATIC)
    add_library(${target} STATIC IMPORTED)
    set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${_file}"
      INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
  else()
    add_library(${target} SHARED IMPORTED)
    # cargo's cdylib has no SONAME: link it as -lqlssl and find it through the build RPATH.
    set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${_file}" IMPORTED_NO_SONAME TRUE)
  endif()
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${include_dir}")
endfunction()
