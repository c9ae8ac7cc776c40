/*
 * ql_api_datacall.h - QuecOpen data call (PDP context) API on the qlssl host runtime.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * A data call always succeeds at once and reports the loopback "module address":
 * IPv4 127.0.0.1 (DNS 127.0.0.1 / 0.0.0.0), IPv6 ::1. No name server is ever contacted:
 * getaddrinfo_with_pcid() resolves through $QLRT_MAP (see sockets.h / docs/RUNTIME.md).
 */
#ifndef QL_API_DATACALL_H
#define QL_API_DATACALL_H

#include "ql_api_common.h"
#include "lwip/ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QL_PDP_TYPE_IP 1
#define QL_PDP_TYPE_IPV6 2
#define QL_PDP_TYPE_IPV4V6 3

#define QL_DATA_AUTH_TYPE_NONE 0
#define QL_DATA_AUTH_TYPE_PAP 1
#define QL_DATA_AUTH_TYPE_CHAP 2

#define QL_PDP_STATE_DEACTIVED 0
#define QL_PDP_STATE_ACTIVED 1

#define QL_PROFILE_IDX_MIN 1
#define QL_PROFILE_IDX_MAX 7

typedef enum {
    QL_DATACALL_SUCCESS = 0,
    QL_DATACALL_EXECUTE_ERR = 0x0701,
    QL_DATACALL_INVALID_PARAM_ERR = 0x0702,
    QL_DATACALL_NOT_ACTIVE_ERR = 0x0703
} ql_datacall_errcode_e;

struct ql_data_call_v4_addr_s {
    ip4_addr_t ip;
    ip4_addr_t pri_dns;
    ip4_addr_t sec_dns;
};

struct ql_data_call_v6_addr_s {
    ip6_addr_t ip;
    ip6_addr_t pri_dns;
    ip6_addr_t sec_dns;
};

typedef struct {
    int profile_idx;
    int ip_version; /* QL_PDP_TYPE_* of the active call */
    struct {
        int state; /* QL_PDP_STATE_* */
        struct ql_data_call_v4_addr_s addr;
    } v4;
    struct {
        int state;
        struct ql_data_call_v6_addr_s addr;
    } v6;
} ql_data_call_info_s;

/** Record whether ql_start_data_call() should be asynchronous (the host call completes at once). */
int ql_set_data_call_asyn_mode(uint8 nSim, int profile_idx, bool enable);
/** Activate profile_idx (1..7) of SIM nSim (0..1) with ip_version QL_PDP_TYPE_*. */
int ql_start_data_call(uint8 nSim, int profile_idx, int ip_version, char *apn_name, char *username,
                       char *password, int auth_type);
/** Fill *info for an active (or inactive: states 0) profile. */
int ql_get_data_call_info(uint8 nSim, int profile_idx, ql_data_call_info_s *info);
int ql_stop_data_call(uint8 nSim, int profile_idx);

#ifdef __cplusplus
}
#endif

#endif /* QL_API_DATACALL_H */
