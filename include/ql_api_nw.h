/*
 * ql_api_nw.h - QuecOpen network API on the qlssl host runtime: its error codes. As in the SDK,
 * it includes ql_api_datacall.h, which declares ql_network_register_wait(). The SDK's ql_nw_*
 * calls (signal quality, operator, cell info, ...) are not provided yet.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * The host is "registered" at once unless $QLRT_NETWORK=down, which makes
 * ql_network_register_wait() fail after its (scaled) timeout, to exercise error paths.
 */
#ifndef QL_API_NW_H
#define QL_API_NW_H

#include <stdint.h>
#include <stdbool.h>
#include "ql_api_common.h"
#include "ql_api_datacall.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    QL_NW_SUCCESS = 0,
    QL_NW_EXECUTE_ERR = 1 | (QL_COMPONENT_NETWORK << 16),
    QL_NW_MEM_ADDR_NULL_ERR,
    QL_NW_INVALID_PARAM_ERR,
    QL_NW_CFW_CFUN_GET_ERR,
    QL_NW_CFUN_DISABLE_ERR = 5 | (QL_COMPONENT_NETWORK << 16),
    QL_NW_CFW_NW_STATUS_GET_ERR,
    QL_NW_NOT_SEARCHING_ERR,
    QL_NW_NOT_REGISTERED_ERR,
    QL_NW_CFW_GPRS_STATUS_GET_ERR,
    QL_GPRS_NOT_SEARCHING_ERR = 10 | (QL_COMPONENT_NETWORK << 16),
    QL_GPRS_NOT_REGISTERED_ERR,
    QL_NW_CFW_NW_QUAL_GET_ERR,
    QL_NW_CFW_OPER_ID_GET_ERR,
    QL_NW_CFW_OPER_NAME_GET_ERR,
    QL_NW_CFW_OPER_SET_ERR = 15 | (QL_COMPONENT_NETWORK << 16),
    QL_NW_SIM_ERR,
    QL_NW_NO_MEM_ERR,
    QL_NW_SEMAPHORE_CREATE_ERR,
    QL_NW_SEMAPHORE_TIMEOUT_ERR,
    QL_NW_NITZ_NOT_UPDATE_ERR = 20 | (QL_COMPONENT_NETWORK << 16),
    QL_NW_CFW_EMOD_START_ERR,
    QL_NW_OPERATOR_NOT_ALLOWED,
    QL_NW_CFW_RRCRel_SET_ERR,
    QL_NW_BLACK_CELL_FULL_ERR,
    QL_NW_PLMNFORMAT_CONVERT_UNFOUND
} ql_nw_errcode_e;

#ifdef __cplusplus
}
#endif

#endif /* QL_API_NW_H */
