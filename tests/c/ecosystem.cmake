# libqlssl in a program that has an mbedtls of its own (docs/CROSS.md, "Symbols"): what the shipped
# libraries export, and one test program linked next to Debian's libmbedtls (2.28.3) in every
# order. Host builds only, and not in the sanitizer configuration (the point is the link, and
# Debian's libraries are not instrumented). Included by tests/c/CMakeLists.txt.
find_program(QLSSL_NM nm REQUIRED)
qlssl_static_library(QLSSL_STATIC_ARCHIVE)

add_test(NAME exports_static_only_api
  COMMAND "${BASH_EXECUTABLE}" "${CMAKE_CURRENT_SOURCE_DIR}/exports_check.sh" static
          "${QLSSL_ROOT}/include/ql_ssl.h" "${QLSSL_STATIC_ARCHIVE}")
add_test(NAME exports_shared_only_api
  COMMAND "${BASH_EXECUTABLE}" "${CMAKE_CURRENT_SOURCE_DIR}/exports_check.sh" shared
          "${QLSSL_ROOT}/include/ql_ssl.h" "${QLSSL_LIB_DIR}/libqlssl.so")
set_tests_properties(exports_static_only_api exports_shared_only_api PROPERTIES
  ENVIRONMENT "NM=${QLSSL_NM}" TIMEOUT 120)

# Debian's mbedtls: headers and both library kinds (libmbedtls-dev). Missing -> the cases are still
# registered and fail, so that a machine without the package cannot pass them by skipping.
find_path(SYSTEM_MBEDTLS_INCLUDE mbedtls/version.h)
find_library(SYSTEM_MBEDTLS_TLS_A NAMES libmbedtls.a)
find_library(SYSTEM_MBEDTLS_X509_A NAMES libmbedx509.a)
find_library(SYSTEM_MBEDTLS_CRYPTO_A NAMES libmbedcrypto.a)
find_library(SYSTEM_MBEDTLS_TLS_SO NAMES libmbedtls.so)
find_library(SYSTEM_MBEDTLS_X509_SO NAMES libmbedx509.so)
find_library(SYSTEM_MBEDTLS_CRYPTO_SO NAMES libmbedcrypto.so)
# The library's own mbedtls version, from the headers cargo's mbedtls-sys-auto build installed.
file(GLOB _bundled "${QLSSL_LIB_DIR}/build/mbedtls-sys-auto-*/out/include/mbedtls/version.h")
set(QLSSL_BUNDLED_MBEDTLS_VERSION "")
foreach(_v IN LISTS _bundled)
  file(STRINGS "${_v}" _line REGEX "^#define MBEDTLS_VERSION_STRING +\"")
  string(REGEX REPLACE ".*\"([^\"]+)\".*" "\\1" QLSSL_BUNDLED_MBEDTLS_VERSION "${_line}")
endforeach()

set(_sys_static "${SYSTEM_MBEDTLS_TLS_A}" "${SYSTEM_MBEDTLS_X509_A}" "${SYSTEM_MBEDTLS_CRYPTO_A}")
set(_sys_shared "${SYSTEM_MBEDTLS_TLS_SO}" "${SYSTEM_MBEDTLS_X509_SO}" "${SYSTEM_MBEDTLS_CRYPTO_SO}")
set(_have_system_mbedtls ON)
foreach(_x "${SYSTEM_MBEDTLS_INCLUDE}" ${_sys_static} ${_sys_shared})
  if(NOT _x OR _x MATCHES "NOTFOUND$")
    set(_have_system_mbedtls OFF)
  endif()
endforeach()
if(NOT QLSSL_BUNDLED_MBEDTLS_VERSION)
  set(_have_system_mbedtls OFF)
endif()

# mixed_mbedtls_<variant>: the same program, linked as the variant says.
set(_variants qlssl_first system_first whole_archive system_shared qlssl_shared)
if(_have_system_mbedtls)
  # The application's object (the only one that calls mbedtls) and the suite's helpers.
  add_library(mixed_mbedtls_obj OBJECT mixed_mbedtls.c)
  target_include_directories(mixed_mbedtls_obj PRIVATE "${QLSSL_ROOT}/include" "${SYSTEM_MBEDTLS_INCLUDE}" "${QLSSL_TEST_SUPPORT_DIR}")
  target_compile_definitions(mixed_mbedtls_obj PRIVATE
    "QLSSL_BUNDLED_MBEDTLS_VERSION=\"${QLSSL_BUNDLED_MBEDTLS_VERSION}\"")
  add_library(mixed_mbedtls_support OBJECT ${QLSSL_TEST_SUPPORT_SOURCES})
  target_include_directories(mixed_mbedtls_support PRIVATE "${QLSSL_ROOT}/include" "${QLSSL_TEST_SUPPORT_DIR}")
  set(_tail Threads::Threads ${CMAKE_DL_LIBS} m)
  set(_link_qlssl_first "${QLSSL_STATIC_ARCHIVE}" ${_sys_static})
  set(_link_system_first ${_sys_static} "${QLSSL_STATIC_ARCHIVE}")
  set(_link_whole_archive -Wl,--whole-archive "${QLSSL_STATIC_ARCHIVE}" ${_sys_static} -Wl,--no-whole-archive)
  set(_link_system_shared "${QLSSL_STATIC_ARCHIVE}" ${_sys_shared})
  set(_link_qlssl_shared "${QLSSL_LIB_DIR}/libqlssl.so" ${_sys_static})
  foreach(_v IN LISTS _variants)
    add_executable(mixed_mbedtls_${_v} $<TARGET_OBJECTS:mixed_mbedtls_obj> $<TARGET_OBJECTS:mixed_mbedtls_support>)
    target_link_libraries(mixed_mbedtls_${_v} PRIVATE ${_link_${_v}} ${_tail})
    add_dependencies(mixed_mbedtls_${_v} qlssl_static_lib)
    qlssl_case(mixed_mbedtls_${_v} mixed_mbedtls_${_v})
  endforeach()
  # The dynamically linked variant: what it imports from Debian's .so is the application's only.
  add_test(NAME mixed_mbedtls_system_shared_imports
    COMMAND "${BASH_EXECUTABLE}" "${CMAKE_CURRENT_SOURCE_DIR}/exports_check.sh" imports
            "$<TARGET_FILE:mixed_mbedtls_system_shared>" "$<TARGET_OBJECTS:mixed_mbedtls_obj>")
  set_tests_properties(mixed_mbedtls_system_shared_imports PROPERTIES ENVIRONMENT "NM=${QLSSL_NM}")
else()
  foreach(_v IN LISTS _variants)
    add_test(NAME mixed_mbedtls_${_v} COMMAND "${CMAKE_COMMAND}" -E echo
      "Debian's mbedtls (apt-get install -y libmbedtls-dev) or cargo's mbedtls build output not found")
    set_tests_properties(mixed_mbedtls_${_v} PROPERTIES WILL_FAIL ON)
  endforeach()
endif()
