/*
 * datacall.c - network registration and data calls (PDP contexts) on the host: always
 * registered (unless $QLRT_NETWORK=down), every data call succeeds at once with the loopback
 * "module address" 127.0.0.1 / ::1.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ql_api_datacall.h"
#include "ql_api_nw.h"
#include "ql_api_osi.h"
#include "qlrt_internal.h"

#define NSIM 2
#define NPROFILE (PROFILE_IDX_MAX + 1)

struct call {
    int active;
    int ip_version;
    int asyn;
};

static struct call g_calls[NSIM][NPROFILE];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static int network_down(void)
{
    const char *v = getenv("QLRT_NETWORK");
    return v && strcmp(v, "down") == 0;
}

ql_datacall_errcode_e ql_network_register_wait(uint8_t nSim, unsigned int timeout_s)
{
    if (nSim >= NSIM) return QL_DATACALL_INVALID_PARAM_ERR;
    if (network_down()) {
        unsigned t = timeout_s > 3600 ? 3600 : timeout_s;
        qlrt_logf(QLRT_LV_WARN, "ql_network_register_wait(sim %u): QLRT_NETWORK=down, failing after %u s (scaled)",
                  (unsigned)nSim, t);
        ql_rtos_task_sleep_s(t);
        return QL_DATACALL_NW_REGISTER_TIMEOUT_ERR;
    }
    qlrt_logf(QLRT_LV_DEBUG, "ql_network_register_wait(sim %u): registered (host network)", (unsigned)nSim);
    return QL_DATACALL_SUCCESS;
}

static int valid(uint8_t nSim, int profile_idx)
{
    return nSim < NSIM && profile_idx >= PROFILE_IDX_MIN && profile_idx <= PROFILE_IDX_MAX;
}

ql_datacall_errcode_e ql_set_data_call_asyn_mode(uint8_t nSim, int profile_idx, bool enable)
{
    if (!valid(nSim, profile_idx)) return QL_DATACALL_INVALID_PARAM_ERR;
    pthread_mutex_lock(&g_lock);
    g_calls[nSim][profile_idx].asyn = enable ? 1 : 0;
    pthread_mutex_unlock(&g_lock);
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_start_data_call(uint8_t nSim, int profile_idx, int ip_version, char *apn_name,
                                         char *username, char *password, int auth_type)
{
    (void)username;
    (void)password;
    if (!valid(nSim, profile_idx) || ip_version < QL_PDP_TYPE_IP || ip_version > QL_PDP_TYPE_IPV4V6 ||
        auth_type < QL_PDP_AUTH_TYPE_NONE || auth_type > QL_PDP_AUTH_TYPE_PAP_OR_CHAP)
        return QL_DATACALL_INVALID_PARAM_ERR;
    if (network_down()) return QL_DATACALL_EXECUTE_ERR;
    pthread_mutex_lock(&g_lock);
    g_calls[nSim][profile_idx].active = 1;
    g_calls[nSim][profile_idx].ip_version = ip_version;
    pthread_mutex_unlock(&g_lock);
    qlrt_logf(QLRT_LV_INFO, "data call sim %u profile %d (apn '%.40s', type %d) active: module address %s",
              (unsigned)nSim, profile_idx, apn_name ? apn_name : "", ip_version,
              ip_version == QL_PDP_TYPE_IP ? "127.0.0.1" : ip_version == QL_PDP_TYPE_IPV6 ? "::1" : "127.0.0.1, ::1");
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_get_data_call_info(uint8_t nSim, int profile_idx, ql_data_call_info_s *info)
{
    struct call c;
    if (!valid(nSim, profile_idx) || info == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    pthread_mutex_lock(&g_lock);
    c = g_calls[nSim][profile_idx];
    pthread_mutex_unlock(&g_lock);
    memset(info, 0, sizeof(*info));
    info->profile_idx = profile_idx;
    info->ip_version = c.active ? c.ip_version : 0;
    if (c.active && (c.ip_version == QL_PDP_TYPE_IP || c.ip_version == QL_PDP_TYPE_IPV4V6)) {
        info->v4.state = QL_PDP_ACTIVED;
        IP4_ADDR(&info->v4.addr.ip, 127, 0, 0, 1);
        IP4_ADDR(&info->v4.addr.pri_dns, 127, 0, 0, 1);
        IP4_ADDR(&info->v4.addr.sec_dns, 0, 0, 0, 0);
    }
    if (c.active && (c.ip_version == QL_PDP_TYPE_IPV6 || c.ip_version == QL_PDP_TYPE_IPV4V6)) {
        info->v6.state = QL_PDP_ACTIVED;
        ip6_addr_set_loopback(&info->v6.addr.ip);
        ip6_addr_set_loopback(&info->v6.addr.pri_dns);
        ip6_addr_set_zero(&info->v6.addr.sec_dns);
    }
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_stop_data_call(uint8_t nSim, int profile_idx)
{
    if (!valid(nSim, profile_idx)) return QL_DATACALL_INVALID_PARAM_ERR;
    pthread_mutex_lock(&g_lock);
    g_calls[nSim][profile_idx].active = 0;
    pthread_mutex_unlock(&g_lock);
    qlrt_logf(QLRT_LV_INFO, "data call sim %u profile %d stopped", (unsigned)nSim, profile_idx);
    return QL_DATACALL_SUCCESS;
}
