/*
 * ql_api_datacall.h - QuecOpen data calls (PDP contexts) on the qlssl host runtime.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md, "Data call, network, sockets, faults".
 *
 * Names, values, struct tags and prototypes are those of the current SDK generation
 * (components/ql-kernel/inc/ql_api_datacall.h; the older generation is a subset), so SDK code
 * builds unchanged. What the host does with them:
 *
 *  - A data call is a state machine per (SIM 0-1, profile 1-7): inactive -> activating -> active
 *    -> deactivating -> inactive. Activation takes $QLRT_DATACALL_DELAY_MS of application time
 *    (default 100, divided by the time scale) and succeeds while the simulated network is
 *    registered. In the default synchronous mode ql_start_data_call()/ql_stop_data_call() return
 *    when the transition is over; after ql_set_data_call_asyn_mode(.., true) they return at once
 *    and the result arrives as QUEC_DATACALL_ACT_RSP_IND / QUEC_DATACALL_DEACT_RSP_IND through the
 *    callbacks of ql_datacall_register_cb(), called from the runtime's network thread.
 *  - A network-side deactivation (fault injection: datacall_drop, net_loss) is reported as
 *    QUEC_DATACALL_PDP_DEACTIVE_IND in both modes, and aborts the TCP connections of that call.
 *  - An active call reports the loopback "module address": IPv4 127.0.0.1 (DNS 127.0.0.1 /
 *    0.0.0.0), IPv6 ::1. No name server is ever queried (lwip/netdb.h).
 *  - NAT, subnet and NAT-assign settings have no host meaning: those calls return
 *    QL_DATACALL_EXECUTE_ERR and log one WARN line. DNS servers and the default PDN settings are
 *    kept per process and read back.
 *
 * The event ids (QUEC_DATACALL_*) are in ql_osi_def.h, as in the SDK; this header includes it.
 */
#ifndef QL_API_DATACALL_H
#define QL_API_DATACALL_H

#include <stdint.h>
#include <stdbool.h>
#include "sockets.h" /* ip4_addr_t, ip6_addr_t and the socket API, as the SDK header pulls them in */
#include "ql_api_common.h"
#include "ql_osi_def.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QL_PDP_TYPE_IP_NONE 0
#define QL_PDP_TYPE_IP 1
#define QL_PDP_TYPE_IPV6 2
#define QL_PDP_TYPE_IPV4V6 3

#define PROFILE_IDX_MIN 1
#define PROFILE_IDX_VOLTE_MAX 5 /* highest data profile when VoLTE is on */
#define PROFILE_IDX_MAX 7       /* highest data profile otherwise */

#define APN_LEN_MAX 99
#define USERNAME_LEN_MAX 64
#define PASSWORD_LEN_MAX 64

#define PROFILE_IDX_NUM (PROFILE_IDX_MAX - PROFILE_IDX_MIN + 1)

#define QL_PDP_DEACTIVED 0
#define QL_PDP_ACTIVED 1

#define QL_NAT_ASSIGN_NONE 0
#define QL_NAT_ASSIGN_IP 1
#define QL_NAT_ASSIGN_IP_PORT 2

#define QL_NET_ADDRESS_LEN_MAX 16

#define QL_DATACALL_ERRCODE_BASE (QL_COMPONENT_NETWORK_MANAGE << 16)

typedef enum {
    QL_PDP_AUTH_TYPE_NONE = 0,
    QL_PDP_AUTH_TYPE_PAP,
    QL_PDP_AUTH_TYPE_CHAP,
    QL_PDP_AUTH_TYPE_PAP_OR_CHAP,
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
    QL_DATACALL_NO_DFTPDN_INFO_CONTEXT,
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
    int ip_version; /* QL_PDP_TYPE_* the call was started with */
    struct v4_info v4;
    struct v6_info v6;
} ql_data_call_info_s;

typedef struct {
    int ip_version;
    char apn_name[APN_LEN_MAX + 1];
    char username[USERNAME_LEN_MAX + 1];
    char password[PASSWORD_LEN_MAX + 1];
    int auth_type;
} ql_data_call_conf_s;

typedef struct {
    uint8_t ip_version;
    ip4_addr_t ipv4;
    ip6_addr_t ipv6;
    char apn_name[APN_LEN_MAX]; /* sic: no room for a terminator after 99 characters */
} ql_data_call_default_pdn_info_s;

typedef ql_data_call_conf_s ql_data_call_default_pdn_cfg_s;

typedef struct {
    char subnet_addr[QL_NET_ADDRESS_LEN_MAX];
    char subnet_mask[QL_NET_ADDRESS_LEN_MAX];
} ql_nat_subnet_config_s;

typedef struct {
    u8_t type; /* QL_PDP_TYPE_IP or QL_PDP_TYPE_IPV6: which of ip4/ip6 is meant */
    ip4_addr_t ip4;
    ip6_addr_t ip6;
} ql_datacall_dns_info_s;

typedef struct {
    uint8_t status;
    uint8_t ip_ver;
    ip4_addr_t ip_addr;
    ip4_addr_t dns_server;
    ip4_addr_t virt_dns_server;
} ql_datacall_qdmz_cfg_s;

typedef enum {
    QL_NAT_ASSIGN_TYPE_USBNET = 0,
    QL_NAT_ASSIGN_TYPE_PPP,
    QL_NAT_ASSIGN_TYPE_MAX
} ql_nat_assign_type_e;

typedef struct {
    uint8_t mode; /* QL_NAT_ASSIGN_NONE / _IP / _IP_PORT */
    ip4_addr_t ip_addr;
    ip4_addr_t gw_addr;
    ip4_addr_t dns_addr;
} ql_nat_assign_cfg_s;

/* The module's DMZ settings; on the host a zeroed object nobody reads. */
extern ql_datacall_qdmz_cfg_s ql_qdmz_cfg;

/** Data call event callback: ind_type is QUEC_DATACALL_ACT_RSP_IND, QUEC_DATACALL_DEACT_RSP_IND
 *  (asynchronous mode only) or QUEC_DATACALL_PDP_DEACTIVE_IND (network side, both modes); result
 *  says whether the transition succeeded. Called from the runtime's network thread. */
typedef void (*ql_datacall_callback)(uint8_t nSim, unsigned int ind_type, int profile_idx, bool result, void *ctx);

/** Wait up to timeout_s seconds (application time) until SIM nSim (0-1) is registered for data.
 *  0 at once when it is; QL_DATACALL_NW_REGISTER_TIMEOUT_ERR when the wait ends first. */
ql_datacall_errcode_e ql_network_register_wait(uint8_t nSim, unsigned int timeout_s);

/** Make ql_start_data_call()/ql_stop_data_call() of (nSim, profile_idx) asynchronous (results
 *  through the registered callbacks) or synchronous again (the default). */
ql_datacall_errcode_e ql_set_data_call_asyn_mode(uint8_t nSim, int profile_idx, bool enable);

/** Activate profile_idx (1-7) of SIM nSim (0-1): ip_version QL_PDP_TYPE_IP/IPV6/IPV4V6, apn up to
 *  APN_LEN_MAX characters, username/password (NULL = none) up to 64, auth_type
 *  ql_pdp_auth_type_e. QL_DATACALL_REPEAT_ACTIVE_ERR when already active or activating,
 *  QL_DATACALL_NOT_REGISTERED_ERR / QL_DATACALL_ACTIVE_FAIL_ERR when the network is not there. */
ql_datacall_errcode_e ql_start_data_call(uint8_t nSim, int profile_idx, int ip_version, char *apn_name, char *username,
                                         char *password, int auth_type);

/** The addresses and states of (nSim, profile_idx); states QL_PDP_DEACTIVED when inactive. */
ql_datacall_errcode_e ql_get_data_call_info(uint8_t nSim, int profile_idx, ql_data_call_info_s *info);

/** Deactivate; QL_DATACALL_REPEAT_DEACTIVE_ERR when it is not active. */
ql_datacall_errcode_e ql_stop_data_call(uint8_t nSim, int profile_idx);

/** Add a callback (with its ctx) for events of (nSim, profile_idx); up to 8 per profile. */
ql_datacall_errcode_e ql_datacall_register_cb(uint8_t nSim, int profile_idx, ql_datacall_callback datacall_cb, void *ctx);
/** Remove the callback registered with the same function and ctx. */
ql_datacall_errcode_e ql_datacall_unregister_cb(uint8_t nSim, int profile_idx, ql_datacall_callback datacall_cb,
                                                void *ctx);

/** true when (nSim, profile_idx) is active. */
bool ql_datacall_get_sim_profile_is_active(uint8_t nSim, int profile_idx);

/** *sim_cid = nSim << 5 | profile_idx: the "simcid" the DNS calls of lwip/netdb.h take. */
ql_datacall_errcode_e ql_bind_sim_and_profile(uint8_t nSim, int profile_idx, uint16_t *sim_cid);
/** The inverse of ql_bind_sim_and_profile(). */
ql_datacall_errcode_e ql_get_sim_and_profile(uint16_t sim_cid, uint8_t *nSim, int *profile_idx);

/* NAT (module as a router): no host meaning; QL_DATACALL_EXECUTE_ERR and one WARN line. */
ql_datacall_errcode_e ql_datacall_set_nat(uint32_t sim_profile_list);
ql_datacall_errcode_e ql_datacall_get_nat(uint32_t *sim_profile_list);
ql_datacall_errcode_e ql_datacall_set_subnet(uint8_t nSim, int profile_idx, ql_nat_subnet_config_s *config);
ql_datacall_errcode_e ql_datacall_get_subnet(uint8_t nSim, int profile_idx, ql_nat_subnet_config_s *config);
ql_datacall_errcode_e ql_datacall_set_nat_assign(uint8_t nSim, ql_nat_assign_type_e type, ql_nat_assign_cfg_s *config);
ql_datacall_errcode_e ql_datacall_get_nat_assign(uint8_t nSim, ql_nat_assign_type_e type, ql_nat_assign_cfg_s *config);

/** DNS servers of an active call: kept and reported back (lookups never use them: no name server
 *  is queried on the host). */
ql_datacall_errcode_e ql_datacall_set_dns_addr(uint8_t nSim, int profile_idx, ql_datacall_dns_info_s *new_pri,
                                               ql_datacall_dns_info_s *new_sec);
ql_datacall_errcode_e ql_datacall_get_dns_addr(uint8_t nSim, int profile_idx, ql_datacall_dns_info_s *new_pri,
                                               ql_datacall_dns_info_s *new_sec);

/** The default PDN (attach) settings: kept per process. get before any set:
 *  QL_DATACALL_NO_DFTPDN_CFG_CONTEXT. */
ql_datacall_errcode_e ql_datacall_set_default_pdn_cfg(uint8_t nSim, ql_data_call_default_pdn_cfg_s *ctx);
ql_datacall_errcode_e ql_datacall_get_default_pdn_cfg(uint8_t nSim, ql_data_call_default_pdn_cfg_s *ctx);
/** The default PDN's addresses: those of the lowest active profile of nSim;
 *  QL_DATACALL_NO_DFTPDN_INFO_CONTEXT when none is active. */
ql_datacall_errcode_e ql_datacall_get_default_pdn_info(uint8_t nSim, ql_data_call_default_pdn_info_s *ctx);

#ifdef __cplusplus
}
#endif

#endif /* QL_API_DATACALL_H */
