# cmake -DHEADER=include/ql_ssl.h -P header_macros.cmake
# Every macro ql_ssl.h defines must carry the API's prefix (QL_ / ql_, the SDK's QUEC_, the library's
# QLSSL_) or be one of mbedtls's certificate finding bits the SDK header also provides
# (MBEDTLS_X509_BADCERT_* / MBEDTLS_X509_BADCRL_*, guarded): an application includes this header next
# to its own code, lwIP and mbedtls, so an unprefixed name (say CN_MISMATCH) can collide.
if(NOT HEADER)
  message(FATAL_ERROR "usage: cmake -DHEADER=<path to ql_ssl.h> -P header_macros.cmake")
endif()
file(STRINGS "${HEADER}" defines REGEX "^[ \t]*#[ \t]*define[ \t]+")
set(bad "")
set(count 0)
foreach(line IN LISTS defines)
  string(REGEX REPLACE "^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*).*" "\\1" name "${line}")
  math(EXPR count "${count} + 1")
  if(NOT name MATCHES "^(QL_|ql_|QUEC_|QLSSL_|MBEDTLS_X509_BADCERT_|MBEDTLS_X509_BADCRL_)")
    list(APPEND bad "${name}")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "no #define found in ${HEADER}")
endif()
if(bad)
  message(FATAL_ERROR "ql_ssl.h defines macros without an allowed prefix: ${bad}")
endif()
message(STATUS "all ${count} macros of ${HEADER} are prefixed")
