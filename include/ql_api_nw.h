/*
 * ql_api_nw.h - QuecOpen network registration on the qlssl host runtime.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * The host is "registered" at once unless $QLRT_NETWORK=down, which makes
 * ql_network_register_wait() fail after its (scaled) timeout, to exercise error paths.
 */
#ifndef QL_API_NW_H
#define QL_API_NW_H

#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    QL_NW_SUCCESS = 0,
    QL_NW_EXECUTE_ERR = 0x0601,
    QL_NW_INVALID_PARAM_ERR = 0x0602,
    QL_NW_TIMEOUT_ERR = 0x0603
} ql_nw_errcode_e;

/** Wait up to timeout_s seconds (scaled) for SIM nSim (0 or 1) to register. 0 on success. */
int ql_network_register_wait(uint8 nSim, unsigned int timeout_s);

#ifdef __cplusplus
}
#endif

#endif /* QL_API_NW_H */
