/*
 * ql_api_common.h - QuecOpen basic types for the qlssl host runtime (Linux).
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 */
#ifndef QL_API_COMMON_H
#define QL_API_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned char uint8;
typedef signed char int8;
typedef unsigned short uint16;
typedef short int16;
typedef unsigned int uint32;
typedef int int32;
typedef unsigned long long uint64;
typedef long long int64;

#ifdef __cplusplus
}
#endif

#endif /* QL_API_COMMON_H */
