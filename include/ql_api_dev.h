/*
 * ql_api_dev.h - the QuecOpen device API subset the qlssl host runtime implements, for Linux.
 * The prototype is the SDK's (components/ql-kernel/inc/ql_api_dev.h). Part of the qlssl SDK host
 * runtime: see docs/RUNTIME.md.
 */
#ifndef QL_API_DEV_H
#define QL_API_DEV_H

#include <stdint.h>

#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The system's random number source, 32 bits a call (the host runtime: getrandom(2)). */
uint32_t ql_dev_get_sys_srand(void);

#ifdef __cplusplus
}
#endif

#endif
