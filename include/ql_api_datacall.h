/*
 * ql_api_datacall.h - QuecOpen data call (PDP context) API on the qlssl host runtime.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * Types, constants and prototypes are the SDK's (components/ql-kernel/inc/ql_api_datacall.h,
 * current generation; the older one is a subset with APN_LEN_MAX 64). Only the calls the runtime
 * implements are declared.
 *
 * A data call always succeeds at once and reports the loopback "module address":
 * IPv4 127.0.0.1 (DNS 127.0.0.1 / 0.0.0.0), IPv6 ::1. No name server is ever contacted:
 * getaddrinfo_with_pcid() resolves through $QLRT_MAP (see lwip/netdb.h / docs/RUNTIME.md).
 * ql_network_register_wait() is declared here, as in the SDK (ql_api_nw.h includes this header).
 */
#ifndef QL_API_DATACALL_H
#define QL_API_DATACALL_H

#include <stdint.h>
#include <stdbool.h>
#include "sockets.h" /* ip4_addr_t, ip6_addr_t and the socket API, as the SDK header includes it */
#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QL_PDP_TYPE_IP_NONE 0
#define QL_PDP_TYPE_IP 1
#define QL_PDP_TYPE_IPV6 2
#define QL_PDP_TYPE_IPV4V6 3

#define PROFILE_IDX_MIN 1
#define PROFILE_IDX_VOLTE_MAX 5
#define PROFILE_IDX_MAX 7
#define APN_LEN_MAX 99
#define USERNAME_LEN_MAX 64
#define PASSWORD_LEN_MAX 64
#define PROFILE_IDX_NUM (PROFILE_IDX_MAX - PROFILE_IDX_MIN + 1)

#define QL_PDP_DEACTIVED 0
#define QL_PDP_ACTIVED 1

#define QL_DATACALL_ERRCODE_BASE (QL_COMPONENT_NETWORK_MANAGE << 16)

typedef enum {
    QL_PDP_AUTH_TYPE_NONE = 0,
    QL_PDP_AUTH_TYPE_PAP,
    QL_PDP_AUTH_TYPE_CHAP,
    QL_PDP_AUTH_TYPE_PAP_OR_CHAP
} ql_pdp_auth_type_e;

typedef enum {
    QL_DATACALL_SUCCESS = 0,
    QL_DATACALL_EXECUTE_ERR = 1 | QL_DATACALL_ERRCODE_BASE,
    QL_DATACALL_MEM_ADDR_NULL_ERR,
    QL_DATACALL_INVALID_PARAM_ERR,
    QL_DATACALL_NW_REGISTER_TIMEOUT_ERR,
    QL_DATACALL_CFW_ACT_STATE_GET_ERR = 5 | QL_DATACALL_ERRCODE_BASE,
    QL_DATACALL_REPEAT_ACTIVE_ERR,
    QL_DATACALL_REPEAT_DEACTIVE_ERR,
    QL_DATACALL_CFW_PDP_CTX_SET_ERR,
    QL_DATACALL_CFW_PDP_CTX_GET_ERR,
    QL_DATACALL_CS_CALL_ERR = 10 | QL_DATACALL_ERRCODE_BASE,
    QL_DATACALL_CFW_CFUN_GET_ERR,
    QL_DATACALL_CFUN_DISABLE_ERR,
    QL_DATACALL_NW_STATUS_GET_ERR,
    QL_DATACALL_NOT_REGISTERED_ERR,
    QL_DATACALL_NO_MEM_ERR = 15 | QL_DATACALL_ERRCODE_BASE,
    QL_DATACALL_CFW_ATTACH_STATUS_GET_ERR,
    QL_DATACALL_SEMAPHORE_CREATE_ERR,
    QL_DATACALL_SEMAPHORE_TIMEOUT_ERR,
    QL_DATACALL_CFW_ATTACH_REQUEST_ERR,
    QL_DATACALL_CFW_ACTIVE_REQUEST_ERR = 20 | QL_DATACALL_ERRCODE_BASE,
    QL_DATACALL_ACTIVE_FAIL_ERR,
    QL_DATACALL_CFW_DEACTIVE_REQUEST_ERR,
    QL_DATACALL_NO_DFTPDN_CFG_CONTEXT,
    QL_DATACALL_NO_DFTPDN_INFO_CONTEXT
} ql_datacall_errcode_e;

struct v4_address_status {
    ip4_addr_t ip;
    ip4_addr_t pri_dns;
    ip4_addr_t sec_dns;
};

struct v4_info {
    int state; /* QL_PDP_ACTIVED / QL_PDP_DEACTIVED */
    struct v4_address_status addr;
};

struct v6_address_status {
    ip6_addr_t ip;
    ip6_addr_t pri_dns;
    ip6_addr_t sec_dns;
};

struct v6_info {
    int state;
    struct v6_address_status addr;
};

typedef struct {
    int profile_idx;
    int ip_version; /* QL_PDP_TYPE_* of the active call, 0 when none */
    struct v4_info v4;
    struct v6_info v6;
} ql_data_call_info_s;

typedef void (*ql_datacall_callback)(uint8_t nSim, unsigned int ind_type, int profile_idx, bool result, void *ctx);

/** Wait up to timeout_s seconds (scaled) for SIM nSim (0 or 1) to register. 0 on success;
 *  QL_DATACALL_NW_REGISTER_TIMEOUT_ERR under $QLRT_NETWORK=down. */
ql_datacall_errcode_e ql_network_register_wait(uint8_t nSim, unsigned int timeout_s);
/** Record whether start/stop should be asynchronous (the host call completes at once either way). */
ql_datacall_errcode_e ql_set_data_call_asyn_mode(uint8_t nSim, int profile_idx, bool enable);
/** Activate profile_idx (1..7) of SIM nSim (0..1) with ip_version QL_PDP_TYPE_IP/IPV6/IPV4V6 and
 *  auth_type ql_pdp_auth_type_e. */
ql_datacall_errcode_e ql_start_data_call(uint8_t nSim, int profile_idx, int ip_version, char *apn_name,
                                         char *username, char *password, int auth_type);
/** Fill *info for an active (or inactive: states 0) profile. */
ql_datacall_errcode_e ql_get_data_call_info(uint8_t nSim, int profile_idx, ql_data_call_info_s *info);
ql_datacall_errcode_e ql_stop_data_call(uint8_t nSim, int profile_idx);

#ifdef __cplusplus
}
#endif

#endif /* QL_API_DATACALL_H */
