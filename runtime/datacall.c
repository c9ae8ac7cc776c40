/*
 * datacall.c - data calls (PDP contexts) on the host: one state machine per (SIM, profile)
 * driven by the app's calls, the simulated network (netsim.c) and fault injection (faults.c),
 * with the SDK's callbacks and events. An active call reports the loopback "module address"
 * 127.0.0.1 / ::1. See include/ql_api_datacall.h.
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
#define MAX_CBS 8

enum call_state { IDLE = 0, ACTIVATING, ACTIVE, DEACTIVATING };

struct call {
    enum call_state state;
    int ip_version;
    int asyn;
    int dropped;     /* the network deactivated it and the app has not started it again */
    unsigned epoch;  /* bumped by every transition, so a stale delayed completion does nothing */
    ql_datacall_dns_info_s dns_pri, dns_sec;
    int dns_set;
    struct {
        ql_datacall_callback fn;
        void *ctx;
    } cbs[MAX_CBS];
};

static struct call g_calls[NSIM][NPROFILE];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_changed = PTHREAD_COND_INITIALIZER;
static ql_data_call_default_pdn_cfg_s g_dft_cfg[NSIM];
static int g_dft_cfg_set[NSIM];
static int g_warned_nat;

ql_datacall_qdmz_cfg_s ql_qdmz_cfg;

static int valid(uint8_t nSim, int profile_idx)
{
    return nSim < NSIM && profile_idx >= PROFILE_IDX_MIN && profile_idx <= PROFILE_IDX_MAX;
}

static double activation_delay_ms(void)
{
    const char *v = getenv("QLRT_DATACALL_DELAY_MS");
    char *end;
    double d;
    if (v == NULL || *v == '\0') return 100;
    d = strtod(v, &end);
    return (*end == '\0' && d >= 0 && d <= 600000) ? d : 100;
}

/* ---------------------------------------------------------------- events */

struct dc_event {
    uint8_t sim;
    int profile;
    unsigned int ind;
    bool result;
};

static void deliver(void *p)
{
    struct dc_event *e = p;
    struct call *c;
    int i, n = 0;
    ql_datacall_callback fns[MAX_CBS];
    void *ctxs[MAX_CBS];
    pthread_mutex_lock(&g_lock);
    c = &g_calls[e->sim][e->profile];
    for (i = 0; i < MAX_CBS; i++)
        if (c->cbs[i].fn) {
            fns[n] = c->cbs[i].fn;
            ctxs[n++] = c->cbs[i].ctx;
        }
    pthread_mutex_unlock(&g_lock);
    for (i = 0; i < n; i++) fns[i](e->sim, e->ind, e->profile, e->result, ctxs[i]);
    free(e);
}

static void post_event(uint8_t sim, int profile, unsigned int ind, bool result)
{
    struct dc_event *e = malloc(sizeof(*e));
    if (e == NULL) return;
    e->sim = sim;
    e->profile = profile;
    e->ind = ind;
    e->result = result;
    qlrt_net_post(0, deliver, e);
}

/* ---------------------------------------------------------------- transitions */

struct pending {
    uint8_t sim;
    int profile;
    unsigned epoch;
    int activate;
};

/* The end of an activation or deactivation (runs on the network thread, or inline for
 * synchronous calls). Returns the result. */
static bool complete(uint8_t sim, int profile, unsigned epoch, int activate, int *asyn_out)
{
    struct call *c = &g_calls[sim][profile];
    bool ok = true;
    int asyn;
    pthread_mutex_lock(&g_lock);
    if (c->epoch != epoch) { /* overtaken (e.g. the network dropped it meanwhile) */
        pthread_mutex_unlock(&g_lock);
        if (asyn_out) *asyn_out = 0;
        return false;
    }
    if (activate) {
        ok = qlrt_nw_registered(sim) != 0;
        c->state = ok ? ACTIVE : IDLE;
        if (ok) c->dropped = 0;
    } else {
        c->state = IDLE;
    }
    c->epoch++;
    asyn = c->asyn;
    pthread_cond_broadcast(&g_changed);
    pthread_mutex_unlock(&g_lock);
    if (activate)
        qlrt_logf(ok ? QLRT_LV_INFO : QLRT_LV_WARN, "data call sim %u profile %d %s", (unsigned)sim, profile,
                  ok ? "active: module address 127.0.0.1 / ::1" : "activation failed: network not registered");
    else
        qlrt_logf(QLRT_LV_INFO, "data call sim %u profile %d deactivated", (unsigned)sim, profile);
    if (asyn_out) *asyn_out = asyn;
    return ok;
}

static void complete_async(void *p)
{
    struct pending *w = p;
    int asyn = 0;
    bool ok = complete(w->sim, w->profile, w->epoch, w->activate, &asyn);
    /* the response event is the async mode's way of answering (the epoch check keeps a call the
     * network dropped meanwhile from answering at all) */
    pthread_mutex_lock(&g_lock);
    asyn = asyn || g_calls[w->sim][w->profile].asyn;
    pthread_mutex_unlock(&g_lock);
    if (asyn) post_event(w->sim, w->profile, w->activate ? QUEC_DATACALL_ACT_RSP_IND : QUEC_DATACALL_DEACT_RSP_IND, ok);
    free(w);
}

ql_datacall_errcode_e ql_network_register_wait(uint8_t nSim, unsigned int timeout_s)
{
    uint64_t waited_ms = 0, limit_ms = (uint64_t)(timeout_s > 86400 ? 86400 : timeout_s) * 1000;
    if (nSim >= NSIM) return QL_DATACALL_INVALID_PARAM_ERR;
    while (!qlrt_nw_registered(nSim)) {
        if (waited_ms >= limit_ms) {
            qlrt_logf(QLRT_LV_WARN, "ql_network_register_wait(sim %u): not registered after %u s", (unsigned)nSim,
                      timeout_s);
            return QL_DATACALL_NW_REGISTER_TIMEOUT_ERR;
        }
        ql_rtos_task_sleep_ms(100); /* application time: scaled, and a deletion point */
        waited_ms += 100;
    }
    qlrt_logf(QLRT_LV_DEBUG, "ql_network_register_wait(sim %u): registered", (unsigned)nSim);
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_set_data_call_asyn_mode(uint8_t nSim, int profile_idx, bool enable)
{
    if (!valid(nSim, profile_idx)) return QL_DATACALL_INVALID_PARAM_ERR;
    pthread_mutex_lock(&g_lock);
    g_calls[nSim][profile_idx].asyn = enable ? 1 : 0;
    pthread_mutex_unlock(&g_lock);
    return QL_DATACALL_SUCCESS;
}

/* Start a transition; synchronous mode waits for it on the calling task. */
static ql_datacall_errcode_e transition(uint8_t nSim, int profile_idx, int activate)
{
    struct call *c = &g_calls[nSim][profile_idx];
    struct pending *w;
    unsigned epoch;
    int asyn;
    pthread_mutex_lock(&g_lock);
    epoch = ++c->epoch;
    asyn = c->asyn;
    pthread_mutex_unlock(&g_lock);
    if (asyn) {
        w = malloc(sizeof(*w));
        if (w == NULL) return QL_DATACALL_NO_MEM_ERR;
        w->sim = nSim;
        w->profile = profile_idx;
        w->epoch = epoch;
        w->activate = activate;
        qlrt_net_post(activation_delay_ms(), complete_async, w);
        return QL_DATACALL_SUCCESS;
    }
    ql_rtos_task_sleep_ms((uint32)activation_delay_ms());
    if (!complete(nSim, profile_idx, epoch, activate, NULL))
        return activate ? QL_DATACALL_ACTIVE_FAIL_ERR : QL_DATACALL_CFW_DEACTIVE_REQUEST_ERR;
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_start_data_call(uint8_t nSim, int profile_idx, int ip_version, char *apn_name,
                                         char *username, char *password, int auth_type)
{
    struct call *c;
    if (!valid(nSim, profile_idx) || ip_version < QL_PDP_TYPE_IP || ip_version > QL_PDP_TYPE_IPV4V6 ||
        auth_type < QL_PDP_AUTH_TYPE_NONE || auth_type > QL_PDP_AUTH_TYPE_PAP_OR_CHAP ||
        (apn_name && strlen(apn_name) > APN_LEN_MAX) || (username && strlen(username) > USERNAME_LEN_MAX) ||
        (password && strlen(password) > PASSWORD_LEN_MAX))
        return QL_DATACALL_INVALID_PARAM_ERR;
    if (!qlrt_nw_registered(nSim)) {
        qlrt_logf(QLRT_LV_WARN, "ql_start_data_call(sim %u, profile %d): the network is not registered",
                  (unsigned)nSim, profile_idx);
        return QL_DATACALL_NOT_REGISTERED_ERR;
    }
    c = &g_calls[nSim][profile_idx];
    pthread_mutex_lock(&g_lock);
    if (c->state == ACTIVE || c->state == ACTIVATING) {
        pthread_mutex_unlock(&g_lock);
        return QL_DATACALL_REPEAT_ACTIVE_ERR;
    }
    c->state = ACTIVATING;
    c->ip_version = ip_version;
    c->dns_set = 0;
    pthread_mutex_unlock(&g_lock);
    qlrt_logf(QLRT_LV_INFO, "data call sim %u profile %d: activating (apn '%.40s', type %d)", (unsigned)nSim,
              profile_idx, apn_name ? apn_name : "", ip_version);
    return transition(nSim, profile_idx, 1);
}

ql_datacall_errcode_e ql_stop_data_call(uint8_t nSim, int profile_idx)
{
    struct call *c;
    if (!valid(nSim, profile_idx)) return QL_DATACALL_INVALID_PARAM_ERR;
    c = &g_calls[nSim][profile_idx];
    pthread_mutex_lock(&g_lock);
    if (c->state == IDLE || c->state == DEACTIVATING) {
        /* a stop after the network dropped the call only clears the "dropped" mark */
        c->dropped = 0;
        pthread_mutex_unlock(&g_lock);
        return QL_DATACALL_REPEAT_DEACTIVE_ERR;
    }
    c->state = DEACTIVATING;
    c->dropped = 0;
    pthread_mutex_unlock(&g_lock);
    qlrt_sockets_abort_all("the app stopped the data call");
    return transition(nSim, profile_idx, 0);
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
    info->ip_version = c.state == ACTIVE ? c.ip_version : QL_PDP_TYPE_IP_NONE;
    if (c.state != ACTIVE) return QL_DATACALL_SUCCESS;
    if (c.ip_version == QL_PDP_TYPE_IP || c.ip_version == QL_PDP_TYPE_IPV4V6) {
        info->v4.state = QL_PDP_ACTIVED;
        IP4_ADDR(&info->v4.addr.ip, 127, 0, 0, 1);
        IP4_ADDR(&info->v4.addr.pri_dns, 127, 0, 0, 1);
        IP4_ADDR(&info->v4.addr.sec_dns, 0, 0, 0, 0);
        if (c.dns_set && c.dns_pri.type == QL_PDP_TYPE_IP) info->v4.addr.pri_dns = c.dns_pri.ip4;
        if (c.dns_set && c.dns_sec.type == QL_PDP_TYPE_IP) info->v4.addr.sec_dns = c.dns_sec.ip4;
    }
    if (c.ip_version == QL_PDP_TYPE_IPV6 || c.ip_version == QL_PDP_TYPE_IPV4V6) {
        info->v6.state = QL_PDP_ACTIVED;
        ip6_addr_set_loopback(&info->v6.addr.ip);
        ip6_addr_set_loopback(&info->v6.addr.pri_dns);
        ip6_addr_set_zero(&info->v6.addr.sec_dns);
        if (c.dns_set && c.dns_pri.type == QL_PDP_TYPE_IPV6) info->v6.addr.pri_dns = c.dns_pri.ip6;
        if (c.dns_set && c.dns_sec.type == QL_PDP_TYPE_IPV6) info->v6.addr.sec_dns = c.dns_sec.ip6;
    }
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_datacall_register_cb(uint8_t nSim, int profile_idx, ql_datacall_callback datacall_cb, void *ctx)
{
    struct call *c;
    int i, free_slot = -1;
    if (!valid(nSim, profile_idx) || datacall_cb == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    c = &g_calls[nSim][profile_idx];
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < MAX_CBS; i++) {
        if (c->cbs[i].fn == datacall_cb && c->cbs[i].ctx == ctx) {
            pthread_mutex_unlock(&g_lock);
            return QL_DATACALL_SUCCESS; /* already there: registering twice changes nothing */
        }
        if (c->cbs[i].fn == NULL && free_slot < 0) free_slot = i;
    }
    if (free_slot < 0) {
        pthread_mutex_unlock(&g_lock);
        return QL_DATACALL_NO_MEM_ERR;
    }
    c->cbs[free_slot].fn = datacall_cb;
    c->cbs[free_slot].ctx = ctx;
    pthread_mutex_unlock(&g_lock);
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_datacall_unregister_cb(uint8_t nSim, int profile_idx, ql_datacall_callback datacall_cb,
                                                void *ctx)
{
    struct call *c;
    int i;
    if (!valid(nSim, profile_idx) || datacall_cb == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    c = &g_calls[nSim][profile_idx];
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < MAX_CBS; i++)
        if (c->cbs[i].fn == datacall_cb && c->cbs[i].ctx == ctx) {
            c->cbs[i].fn = NULL;
            c->cbs[i].ctx = NULL;
            pthread_mutex_unlock(&g_lock);
            return QL_DATACALL_SUCCESS;
        }
    pthread_mutex_unlock(&g_lock);
    return QL_DATACALL_EXECUTE_ERR;
}

bool ql_datacall_get_sim_profile_is_active(uint8_t nSim, int profile_idx)
{
    return valid(nSim, profile_idx) && qlrt_datacall_active(nSim, profile_idx);
}

ql_datacall_errcode_e ql_bind_sim_and_profile(uint8_t nSim, int profile_idx, uint16_t *sim_cid)
{
    if (!valid(nSim, profile_idx) || sim_cid == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    *sim_cid = (uint16_t)(((unsigned)nSim << 5) | (unsigned)profile_idx);
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_get_sim_and_profile(uint16_t sim_cid, uint8_t *nSim, int *profile_idx)
{
    uint8_t sim = (uint8_t)(sim_cid >> 5);
    int profile = sim_cid & 0x1f;
    if (nSim == NULL || profile_idx == NULL || !valid(sim, profile) || (sim_cid >> 5) >= NSIM)
        return QL_DATACALL_INVALID_PARAM_ERR;
    *nSim = sim;
    *profile_idx = profile;
    return QL_DATACALL_SUCCESS;
}

static ql_datacall_errcode_e nat_unsupported(const char *fn)
{
    if (!__atomic_exchange_n(&g_warned_nat, 1, __ATOMIC_RELAXED))
        qlrt_logf(QLRT_LV_WARN, "%s: NAT (the module routing for a USB/PPP host) has no meaning on the host; NAT calls "
                                "return QL_DATACALL_EXECUTE_ERR", fn);
    return QL_DATACALL_EXECUTE_ERR;
}

ql_datacall_errcode_e ql_datacall_set_nat(uint32_t sim_profile_list)
{
    (void)sim_profile_list;
    return nat_unsupported(__func__);
}
ql_datacall_errcode_e ql_datacall_get_nat(uint32_t *sim_profile_list)
{
    if (sim_profile_list == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    return nat_unsupported(__func__);
}
ql_datacall_errcode_e ql_datacall_set_subnet(uint8_t nSim, int profile_idx, ql_nat_subnet_config_s *config)
{
    (void)config;
    if (!valid(nSim, profile_idx)) return QL_DATACALL_INVALID_PARAM_ERR;
    return nat_unsupported(__func__);
}
ql_datacall_errcode_e ql_datacall_get_subnet(uint8_t nSim, int profile_idx, ql_nat_subnet_config_s *config)
{
    if (!valid(nSim, profile_idx) || config == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    return nat_unsupported(__func__);
}
ql_datacall_errcode_e ql_datacall_set_nat_assign(uint8_t nSim, ql_nat_assign_type_e type, ql_nat_assign_cfg_s *config)
{
    if (nSim >= NSIM || (int)type < 0 || type >= QL_NAT_ASSIGN_TYPE_MAX || config == NULL)
        return QL_DATACALL_INVALID_PARAM_ERR;
    return nat_unsupported(__func__);
}
ql_datacall_errcode_e ql_datacall_get_nat_assign(uint8_t nSim, ql_nat_assign_type_e type, ql_nat_assign_cfg_s *config)
{
    if (nSim >= NSIM || (int)type < 0 || type >= QL_NAT_ASSIGN_TYPE_MAX || config == NULL)
        return QL_DATACALL_INVALID_PARAM_ERR;
    return nat_unsupported(__func__);
}

ql_datacall_errcode_e ql_datacall_set_dns_addr(uint8_t nSim, int profile_idx, ql_datacall_dns_info_s *new_pri,
                                               ql_datacall_dns_info_s *new_sec)
{
    struct call *c;
    if (!valid(nSim, profile_idx) || new_pri == NULL || new_sec == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    if ((new_pri->type != QL_PDP_TYPE_IP && new_pri->type != QL_PDP_TYPE_IPV6) ||
        (new_sec->type != QL_PDP_TYPE_IP && new_sec->type != QL_PDP_TYPE_IPV6))
        return QL_DATACALL_INVALID_PARAM_ERR;
    c = &g_calls[nSim][profile_idx];
    pthread_mutex_lock(&g_lock);
    if (c->state != ACTIVE) {
        pthread_mutex_unlock(&g_lock);
        return QL_DATACALL_EXECUTE_ERR; /* the servers belong to an active call */
    }
    c->dns_pri = *new_pri;
    c->dns_sec = *new_sec;
    c->dns_set = 1;
    pthread_mutex_unlock(&g_lock);
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_datacall_get_dns_addr(uint8_t nSim, int profile_idx, ql_datacall_dns_info_s *new_pri,
                                               ql_datacall_dns_info_s *new_sec)
{
    struct call *c;
    if (!valid(nSim, profile_idx) || new_pri == NULL || new_sec == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    c = &g_calls[nSim][profile_idx];
    memset(new_pri, 0, sizeof(*new_pri));
    memset(new_sec, 0, sizeof(*new_sec));
    pthread_mutex_lock(&g_lock);
    if (c->state != ACTIVE) {
        pthread_mutex_unlock(&g_lock);
        return QL_DATACALL_EXECUTE_ERR;
    }
    if (c->dns_set) {
        *new_pri = c->dns_pri;
        *new_sec = c->dns_sec;
    } else if (c->ip_version == QL_PDP_TYPE_IPV6) {
        new_pri->type = new_sec->type = QL_PDP_TYPE_IPV6;
        ip6_addr_set_loopback(&new_pri->ip6);
    } else {
        new_pri->type = new_sec->type = QL_PDP_TYPE_IP;
        IP4_ADDR(&new_pri->ip4, 127, 0, 0, 1);
    }
    pthread_mutex_unlock(&g_lock);
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_datacall_set_default_pdn_cfg(uint8_t nSim, ql_data_call_default_pdn_cfg_s *ctx)
{
    if (nSim >= NSIM || ctx == NULL || ctx->ip_version < QL_PDP_TYPE_IP || ctx->ip_version > QL_PDP_TYPE_IPV4V6 ||
        ctx->auth_type < QL_PDP_AUTH_TYPE_NONE || ctx->auth_type > QL_PDP_AUTH_TYPE_PAP_OR_CHAP ||
        memchr(ctx->apn_name, 0, sizeof(ctx->apn_name)) == NULL || memchr(ctx->username, 0, sizeof(ctx->username)) == NULL ||
        memchr(ctx->password, 0, sizeof(ctx->password)) == NULL)
        return QL_DATACALL_INVALID_PARAM_ERR;
    pthread_mutex_lock(&g_lock);
    g_dft_cfg[nSim] = *ctx;
    g_dft_cfg_set[nSim] = 1;
    pthread_mutex_unlock(&g_lock);
    return QL_DATACALL_SUCCESS;
}

ql_datacall_errcode_e ql_datacall_get_default_pdn_cfg(uint8_t nSim, ql_data_call_default_pdn_cfg_s *ctx)
{
    ql_datacall_errcode_e rc = QL_DATACALL_SUCCESS;
    if (nSim >= NSIM || ctx == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    pthread_mutex_lock(&g_lock);
    if (g_dft_cfg_set[nSim])
        *ctx = g_dft_cfg[nSim];
    else
        rc = QL_DATACALL_NO_DFTPDN_CFG_CONTEXT;
    pthread_mutex_unlock(&g_lock);
    return rc;
}

ql_datacall_errcode_e ql_datacall_get_default_pdn_info(uint8_t nSim, ql_data_call_default_pdn_info_s *ctx)
{
    int p;
    ql_data_call_info_s info;
    if (nSim >= NSIM || ctx == NULL) return QL_DATACALL_INVALID_PARAM_ERR;
    memset(ctx, 0, sizeof(*ctx));
    for (p = PROFILE_IDX_MIN; p <= PROFILE_IDX_MAX; p++)
        if (qlrt_datacall_active(nSim, p)) break;
    if (p > PROFILE_IDX_MAX) return QL_DATACALL_NO_DFTPDN_INFO_CONTEXT;
    ql_get_data_call_info(nSim, p, &info);
    ctx->ip_version = (uint8_t)info.ip_version;
    ctx->ipv4 = info.v4.addr.ip;
    ctx->ipv6 = info.v6.addr.ip;
    pthread_mutex_lock(&g_lock);
    if (g_dft_cfg_set[nSim]) {
        strncpy(ctx->apn_name, g_dft_cfg[nSim].apn_name, sizeof(ctx->apn_name) - 1);
    }
    pthread_mutex_unlock(&g_lock);
    return QL_DATACALL_SUCCESS;
}

/* ---------------------------------------------------------------- runtime side */

int qlrt_datacall_active(int sim, int profile)
{
    int s, p, any = 0;
    pthread_mutex_lock(&g_lock);
    for (s = 0; s < NSIM; s++)
        for (p = PROFILE_IDX_MIN; p <= PROFILE_IDX_MAX; p++)
            if ((sim < 0 || s == sim) && (profile < 0 || p == profile) && g_calls[s][p].state == ACTIVE) any = 1;
    pthread_mutex_unlock(&g_lock);
    return any;
}

int qlrt_datacall_any_dropped(void)
{
    int s, p, any = 0;
    pthread_mutex_lock(&g_lock);
    for (s = 0; s < NSIM; s++)
        for (p = PROFILE_IDX_MIN; p <= PROFILE_IDX_MAX; p++)
            if (g_calls[s][p].dropped) any = 1;
    pthread_mutex_unlock(&g_lock);
    return any;
}

int qlrt_datacall_drop(int sim, int profile, const char *why)
{
    int s, p, n = 0;
    for (s = 0; s < NSIM; s++)
        for (p = PROFILE_IDX_MIN; p <= PROFILE_IDX_MAX; p++) {
            struct call *c = &g_calls[s][p];
            int hit;
            if ((sim >= 0 && s != sim) || (profile >= 0 && p != profile)) continue;
            pthread_mutex_lock(&g_lock);
            hit = c->state == ACTIVE || c->state == ACTIVATING;
            if (hit) {
                c->state = IDLE;
                c->dropped = 1;
                c->epoch++; /* an activation under way will not complete */
                pthread_cond_broadcast(&g_changed);
            }
            pthread_mutex_unlock(&g_lock);
            if (!hit) continue;
            n++;
            qlrt_logf(QLRT_LV_WARN, "data call sim %d profile %d deactivated by the network (%s): "
                                    "QUEC_DATACALL_PDP_DEACTIVE_IND", s, p, why);
            post_event((uint8_t)s, p, QUEC_DATACALL_PDP_DEACTIVE_IND, true);
        }
    if (n > 0) qlrt_sockets_abort_all(why);
    return n;
}
