/*
 * netsim.c - the simulated cellular network behind ql_api_nw.h: registration, signal, operator,
 * cells and the module's settings, configured by $QLRT_NW / $QLRT_NW_FILE and changed at run time
 * by fault injection (faults.c). Also the runtime's network thread: a timer queue that runs
 * delayed work (data call transitions, scheduled faults) and delivers every network and data
 * call callback, one at a time, off the app's tasks as the module's network task does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ql_api_nw.h"
#include "ql_api_osi.h"
#include "qlrt_internal.h"

#define NSIM 2

/* ------------------------------------------------------------------ the network thread */

struct work {
    uint64_t due_ms; /* qlrt_now_ms() */
    uint64_t seq;    /* ties keep posting order */
    void (*fn)(void *);
    void *arg;
    struct work *next;
};

static pthread_mutex_t g_q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_q_cond;
static struct work *g_queue; /* sorted by (due_ms, seq) */
static uint64_t g_seq;
static pthread_once_t g_q_once = PTHREAD_ONCE_INIT;

static void *net_thread(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&g_q_lock);
    for (;;) {
        uint64_t now = qlrt_now_ms();
        if (g_queue == NULL) {
            pthread_cond_wait(&g_q_cond, &g_q_lock);
            continue;
        }
        if (g_queue->due_ms > now) {
            struct timespec ts;
            uint64_t wait = g_queue->due_ms - now;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += (time_t)(wait / 1000);
            ts.tv_nsec += (long)(wait % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&g_q_cond, &g_q_lock, &ts);
            continue;
        }
        {
            struct work *w = g_queue;
            g_queue = w->next;
            pthread_mutex_unlock(&g_q_lock);
            w->fn(w->arg);
            free(w);
            pthread_mutex_lock(&g_q_lock);
        }
    }
    return NULL;
}

static void start_net_thread(void)
{
    pthread_condattr_t ca;
    pthread_attr_t a;
    pthread_t t;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g_q_cond, &ca);
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&a, 256 * 1024);
    if (pthread_create(&t, &a, net_thread, NULL) != 0) {
        qlrt_logf(QLRT_LV_ERROR, "cannot start the runtime's network thread");
        abort();
    }
    pthread_attr_destroy(&a);
}

void qlrt_net_post(double app_ms, void (*fn)(void *), void *arg)
{
    struct work *w = calloc(1, sizeof(*w)), **pp;
    double real_ms = app_ms > 0 ? app_ms / qlrt_time_scale() : 0;
    if (w == NULL) {
        qlrt_logf(QLRT_LV_ERROR, "network thread: out of memory");
        return;
    }
    pthread_once(&g_q_once, start_net_thread);
    w->fn = fn;
    w->arg = arg;
    w->due_ms = qlrt_now_ms() + (uint64_t)(real_ms + 0.5);
    pthread_mutex_lock(&g_q_lock);
    w->seq = g_seq++;
    for (pp = &g_queue; *pp && ((*pp)->due_ms < w->due_ms || ((*pp)->due_ms == w->due_ms && (*pp)->seq < w->seq));
         pp = &(*pp)->next)
        ;
    w->next = *pp;
    *pp = w;
    pthread_cond_signal(&g_q_cond);
    pthread_mutex_unlock(&g_q_lock);
}

/* ------------------------------------------------------------------ simulated state */

static struct {
    int reg;       /* ql_nw_reg_state_e configured */
    int lost;      /* fault: coverage lost */
    int act;       /* ql_nw_act_type_e of the network */
    int csq;       /* 0..31, 99 */
    int rsrp, rsrq, sinr;
    int rrc_ms;
    int jammed;
    int reject;    /* EMM cause when denied */
    int nitz;      /* 1: the network sends its time */
    char oper_long[QL_NW_LONG_OPER_MAX_LEN + 1], oper_short[QL_NW_SHORT_OPER_MAX_LEN + 1];
    char mcc[QL_NW_MCC_MAX_LEN + 1], mnc[QL_NW_MNC_MAX_LEN + 1];
    int tac, cid, pci, earfcn;
    /* the module's settings */
    int mode, cemode, drx, esmfail, sel_manual, jam_mode;
    quec_jamdet_param_set_s jam_cfg[JDCFG_ENUM_MAX];
    ql_edrx_cfg_s edrx;
    time_t registered_at;
    ql_nw_callback cb;
    int dns_failing;
    uint64_t up, down;
} g_nw;
static pthread_mutex_t g_nw_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t g_nw_once = PTHREAD_ONCE_INIT;

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

static int parse_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    long n = strtol(v, &end, 0);
    if (*v == '\0' || *end != '\0' || n < lo || n > hi) return -1;
    *out = (int)n;
    return 0;
}

/* One key=value item of $QLRT_NW / $QLRT_NW_FILE; 0 ok, -1 bad (logged). */
static int apply_item(char *item, const char *where)
{
    char *eq, *k, *v;
    int bad = 0;
    while (*item == ' ' || *item == '\t') item++;
    k = item;
    if (*k == '\0' || *k == '#') return 0;
    eq = strchr(k, '=');
    if (eq == NULL) {
        qlrt_logf(QLRT_LV_ERROR, "%s: '%s' is not KEY=VALUE", where, k);
        return -1;
    }
    *eq = '\0';
    v = eq + 1;
    {
        size_t n = strlen(v);
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r')) v[--n] = '\0';
        n = strlen(k);
        while (n > 0 && (k[n - 1] == ' ' || k[n - 1] == '\t')) k[--n] = '\0';
    }
    if (strcmp(k, "reg") == 0) {
        if (strcmp(v, "home") == 0) g_nw.reg = QL_NW_REG_STATE_HOME_NETWORK;
        else if (strcmp(v, "roaming") == 0) g_nw.reg = QL_NW_REG_STATE_ROAMING;
        else if (strcmp(v, "searching") == 0) g_nw.reg = QL_NW_REG_STATE_TRYING_ATTACH_OR_SEARCHING;
        else if (strcmp(v, "denied") == 0) g_nw.reg = QL_NW_REG_STATE_DENIED;
        else if (strcmp(v, "none") == 0) g_nw.reg = QL_NW_REG_STATE_NOT_REGISTERED;
        else if (strcmp(v, "unknown") == 0) g_nw.reg = QL_NW_REG_STATE_UNKNOWN;
        else bad = 1;
    } else if (strcmp(k, "act") == 0) {
        if (strcmp(v, "lte") == 0) g_nw.act = QL_NW_ACCESS_TECH_E_UTRAN;
        else if (strcmp(v, "gsm") == 0) g_nw.act = QL_NW_ACCESS_TECH_GSM;
        else bad = 1;
    } else if (strcmp(k, "csq") == 0) {
        bad = parse_int(v, 0, 99, &g_nw.csq) != 0 || (g_nw.csq > 31 && g_nw.csq != 99);
    } else if (strcmp(k, "rsrp") == 0) {
        bad = parse_int(v, -140, -44, &g_nw.rsrp) != 0;
    } else if (strcmp(k, "rsrq") == 0) {
        bad = parse_int(v, -20, -3, &g_nw.rsrq) != 0;
    } else if (strcmp(k, "sinr") == 0) {
        bad = parse_int(v, -20, 40, &g_nw.sinr) != 0;
    } else if (strcmp(k, "rrc_ms") == 0) {
        bad = parse_int(v, 0, 20000, &g_nw.rrc_ms) != 0;
    } else if (strcmp(k, "jammed") == 0) {
        bad = parse_int(v, 0, 1, &g_nw.jammed) != 0;
    } else if (strcmp(k, "reject") == 0) {
        bad = parse_int(v, 0, 255, &g_nw.reject) != 0;
    } else if (strcmp(k, "nitz") == 0) {
        bad = parse_int(v, 0, 1, &g_nw.nitz) != 0;
    } else if (strcmp(k, "oper") == 0) {
        copy_str(g_nw.oper_long, sizeof(g_nw.oper_long), v);
    } else if (strcmp(k, "oper_short") == 0) {
        copy_str(g_nw.oper_short, sizeof(g_nw.oper_short), v);
    } else if (strcmp(k, "mcc") == 0) {
        bad = strlen(v) != 3 || strspn(v, "0123456789") != 3;
        if (!bad) copy_str(g_nw.mcc, sizeof(g_nw.mcc), v);
    } else if (strcmp(k, "mnc") == 0) {
        bad = strlen(v) < 2 || strlen(v) > 3 || strspn(v, "0123456789") != strlen(v);
        if (!bad) copy_str(g_nw.mnc, sizeof(g_nw.mnc), v);
    } else if (strcmp(k, "tac") == 0) {
        bad = parse_int(v, 0, 0xffff, &g_nw.tac) != 0;
    } else if (strcmp(k, "cid") == 0) {
        bad = parse_int(v, 0, 0xfffffff, &g_nw.cid) != 0;
    } else if (strcmp(k, "pci") == 0) {
        bad = parse_int(v, 0, 503, &g_nw.pci) != 0;
    } else if (strcmp(k, "earfcn") == 0) {
        bad = parse_int(v, 0, 65535, &g_nw.earfcn) != 0;
    } else {
        qlrt_logf(QLRT_LV_ERROR, "%s: unknown key '%s' (docs/RUNTIME.md lists them)", where, k);
        return -1;
    }
    if (bad) {
        qlrt_logf(QLRT_LV_ERROR, "%s: bad value '%s' for %s", where, v, k);
        return -1;
    }
    return 0;
}

static void apply_list(const char *text, const char *where, const char *seps)
{
    char *copy = strdup(text), *save = NULL, *item;
    if (copy == NULL) return;
    for (item = strtok_r(copy, seps, &save); item; item = strtok_r(NULL, seps, &save)) apply_item(item, where);
    free(copy);
}

static void nw_init(void)
{
    const char *env = getenv("QLRT_NW"), *file = getenv("QLRT_NW_FILE"), *legacy = getenv("QLRT_NETWORK");
    int i;
    g_nw.reg = QL_NW_REG_STATE_HOME_NETWORK;
    g_nw.act = QL_NW_ACCESS_TECH_E_UTRAN;
    g_nw.csq = 24;
    g_nw.rsrp = -85;
    g_nw.rsrq = -9;
    g_nw.sinr = 15;
    g_nw.rrc_ms = 10000;
    g_nw.reject = 0x0b; /* PLMN not allowed */
    g_nw.nitz = 1;
    copy_str(g_nw.oper_long, sizeof(g_nw.oper_long), "QLRT Mobile");
    copy_str(g_nw.oper_short, sizeof(g_nw.oper_short), "QLRT");
    copy_str(g_nw.mcc, sizeof(g_nw.mcc), "001"); /* the 3GPP test network */
    copy_str(g_nw.mnc, sizeof(g_nw.mnc), "01");
    g_nw.tac = 0x1a2b;
    g_nw.cid = 0x0c0ffee;
    g_nw.pci = 101;
    g_nw.earfcn = 1650;
    g_nw.cemode = QL_NW_PS_CS_DATA;
    g_nw.edrx.mode = QL_EDRX_MODE_DISABLE;
    g_nw.edrx.actType = QL_NW_EDRX_ACTTYPE;
    for (i = 0; i < JDCFG_ENUM_MAX; i++) g_nw.jam_cfg[i].qjdcfg_enum = (quectel_jdcfg_e_t)i;
    g_nw.jam_cfg[JDPERIOD].value = 3;
    g_nw.jam_cfg[JDMINCH].value = 10;
    g_nw.jam_cfg[JDSINR].value = 12;
    g_nw.jam_cfg[JDRSSI_GSM].value = -90;
    g_nw.jam_cfg[JDRSRP].value = -100;
    g_nw.jam_cfg[JDRSRQ].value = -15;
    g_nw.jam_cfg[JDRSSI].value = -80;
    if (legacy && strcmp(legacy, "down") == 0) g_nw.reg = QL_NW_REG_STATE_TRYING_ATTACH_OR_SEARCHING;
    if (file && *file) {
        FILE *f = fopen(file, "r");
        char line[512];
        if (f == NULL) {
            qlrt_logf(QLRT_LV_ERROR, "QLRT_NW_FILE=%s: %s", file, strerror(errno));
        } else {
            while (fgets(line, sizeof(line), f)) {
                line[strcspn(line, "\n")] = '\0';
                apply_item(line, "QLRT_NW_FILE");
            }
            fclose(f);
        }
    }
    if (env && *env) apply_list(env, "QLRT_NW", ",;\n");
    g_nw.registered_at = time(NULL);
}

static void lock(void)
{
    pthread_once(&g_nw_once, nw_init);
    pthread_mutex_lock(&g_nw_lock);
}
static void unlock(void) { pthread_mutex_unlock(&g_nw_lock); }

static int reg_state_locked(void)
{
    return g_nw.lost ? QL_NW_REG_STATE_TRYING_ATTACH_OR_SEARCHING : g_nw.reg;
}

static int registered_locked(void)
{
    int r = reg_state_locked();
    return r == QL_NW_REG_STATE_HOME_NETWORK || r == QL_NW_REG_STATE_ROAMING;
}

static int act_locked(void)
{
    if (g_nw.mode == QL_NW_MODE_GSM) return QL_NW_ACCESS_TECH_GSM;
    if (g_nw.mode == QL_NW_MODE_LTE) return QL_NW_ACCESS_TECH_E_UTRAN;
    return g_nw.act;
}

int qlrt_nw_registered(int sim)
{
    int r;
    (void)sim; /* both SIMs see the same simulated network */
    lock();
    r = registered_locked();
    unlock();
    return r;
}

int qlrt_dns_failing(void)
{
    int r;
    lock();
    r = g_nw.dns_failing;
    unlock();
    return r;
}

void qlrt_dns_set_failing(int on)
{
    lock();
    g_nw.dns_failing = on;
    unlock();
}

int qlrt_net_link_error(uint32_t simcid)
{
    int sim = 0, profile = 0;
    if (!qlrt_nw_registered(0)) return ENETUNREACH;
    if (simcid > PROFILE_IDX_MAX) {
        sim = (int)(simcid >> 5);
        profile = (int)(simcid & 0x1f);
    } else {
        profile = (int)simcid;
    }
    /* Only after the network dropped a call does the host model "no data call, no route":
     * apps that never start a call keep working as they always did (docs/RUNTIME.md). */
    if (qlrt_datacall_any_dropped()) {
        if (profile > 0 ? !qlrt_datacall_active(sim, profile) : !qlrt_datacall_active(-1, -1)) return ENETUNREACH;
    }
    return 0;
}

void qlrt_net_count(int uplink, size_t bytes)
{
    lock();
    if (uplink)
        g_nw.up += bytes;
    else
        g_nw.down += bytes;
    unlock();
}

/* ------------------------------------------------------------------ callbacks */

struct nw_event {
    unsigned int id;
    uint8_t sim;
    union {
        ql_nw_common_reg_status_info_s reg;
        ql_nw_cell_info_s cells;
        ql_nw_nitz_time_info_s nitz;
        ql_nw_cause_s cause;
        ql_nw_signal_strength_info_s signal;
    } u;
};

static void deliver(void *p)
{
    struct nw_event *e = p;
    ql_nw_callback cb;
    lock();
    cb = g_nw.cb;
    unlock();
    if (cb) cb(e->sim, e->id, &e->u);
    free(e);
}

static void post_event(double app_ms, const struct nw_event *ev)
{
    struct nw_event *e = malloc(sizeof(*e));
    if (e == NULL) return;
    *e = *ev;
    qlrt_net_post(app_ms, deliver, e);
}

static void fill_reg_locked(ql_nw_common_reg_status_info_s *r)
{
    memset(r, 0, sizeof(*r));
    r->state = (ql_nw_reg_state_e)reg_state_locked();
    r->act = (ql_nw_act_type_e)act_locked();
    r->ue_state = g_nw.reg == QL_NW_REG_STATE_DENIED ? QL_NW_UE_STAT_DISNET : QL_NW_UE_STAT_NORMAL;
    if (registered_locked()) {
        r->lac = g_nw.tac;
        r->cid = g_nw.cid;
    }
}

static void fill_nitz_locked(ql_nw_nitz_time_info_s *n)
{
    struct tm tm;
    memset(n, 0, sizeof(*n));
    gmtime_r(&g_nw.registered_at, &tm);
    snprintf(n->nitz_time, sizeof(n->nitz_time), "%02u/%02u/%02u %02u:%02u:%02u +00 00", (unsigned)(tm.tm_year % 100) % 100u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
             (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
    n->abs_time = (long)g_nw.registered_at;
}

void qlrt_nw_set_lost(int lost, const char *why)
{
    struct nw_event ev;
    int sim;
    lock();
    if (!lost && !registered_locked() && !g_nw.lost) {
        /* registration arrives for a network configured as not registered (QLRT_NW reg=...) */
        g_nw.reg = QL_NW_REG_STATE_HOME_NETWORK;
    } else if (g_nw.lost == lost) {
        unlock();
        return;
    }
    g_nw.lost = lost;
    if (!lost) {
        if (!registered_locked()) g_nw.reg = QL_NW_REG_STATE_HOME_NETWORK;
        g_nw.registered_at = time(NULL);
    }
    memset(&ev, 0, sizeof(ev));
    fill_reg_locked(&ev.u.reg);
    unlock();
    qlrt_logf(QLRT_LV_WARN, "network %s (%s): registration state %d", lost ? "lost" : "back", why, (int)ev.u.reg.state);
    for (sim = 0; sim < 1; sim++) { /* the app's SIM: 0 (a second SIM is never "inserted") */
        ev.sim = (uint8_t)sim;
        ev.id = QUEC_NW_VOICE_REG_STATUS_IND;
        post_event(0, &ev);
        ev.id = QUEC_NW_DATA_REG_STATUS_IND;
        post_event(0, &ev);
    }
    if (!lost) {
        lock();
        if (g_nw.nitz) {
            fill_nitz_locked(&ev.u.nitz);
            ev.id = QUEC_NW_NITZ_TIME_UPDATE_IND;
            unlock();
            post_event(0, &ev);
        } else {
            unlock();
        }
    }
}

/* ------------------------------------------------------------------ ql_nw_* */

#define CHECK_SIM(s)                                                                                                   \
    do {                                                                                                               \
        if ((s) >= NSIM) return QL_NW_INVALID_PARAM_ERR;                                                               \
    } while (0)
#define CHECK_PTR(p)                                                                                                   \
    do {                                                                                                               \
        if ((p) == NULL) return QL_NW_INVALID_PARAM_ERR;                                                               \
    } while (0)

static void warn_once(int *flag, const char *fn, const char *what)
{
    if (!__atomic_exchange_n(flag, 1, __ATOMIC_RELAXED))
        qlrt_logf(QLRT_LV_WARN, "%s: %s has no meaning on the host; returning QL_NW_EXECUTE_ERR", fn, what);
}

ql_nw_errcode_e ql_nw_get_csq(uint8_t nSim, unsigned char *csq)
{
    CHECK_SIM(nSim);
    CHECK_PTR(csq);
    lock();
    *csq = (unsigned char)(g_nw.lost || g_nw.reg == QL_NW_REG_STATE_NOT_REGISTERED ? 99 : g_nw.csq);
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_set_mode(uint8_t nSim, ql_nw_mode_type_e nw_mode)
{
    CHECK_SIM(nSim);
    if ((int)nw_mode < QL_NW_MODE_AUTO || (int)nw_mode > QL_NW_MODE_LTE) return QL_NW_INVALID_PARAM_ERR;
    lock();
    g_nw.mode = (int)nw_mode;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_mode(uint8_t nSim, ql_nw_mode_type_e *nw_mode)
{
    CHECK_SIM(nSim);
    CHECK_PTR(nw_mode);
    lock();
    *nw_mode = (ql_nw_mode_type_e)g_nw.mode;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_set_cemode(uint8_t nSim, ql_nw_cemode_type_e cemode)
{
    CHECK_SIM(nSim);
    if ((int)cemode < QL_NW_PS_DATA || (int)cemode > QL_NW_PS_VOICE) return QL_NW_INVALID_PARAM_ERR;
    lock();
    g_nw.cemode = (int)cemode;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_cemode(uint8_t nSim, ql_nw_cemode_type_e *cemode)
{
    CHECK_SIM(nSim);
    CHECK_PTR(cemode);
    lock();
    *cemode = (ql_nw_cemode_type_e)g_nw.cemode;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_rrc_duration(uint8_t nSim, uint32_t *rrc_duration_value_get)
{
    CHECK_SIM(nSim);
    CHECK_PTR(rrc_duration_value_get);
    lock();
    *rrc_duration_value_get = (uint32_t)g_nw.rrc_ms;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_drxtm(uint8_t nSim, uint16_t *drx_timer_value_get)
{
    CHECK_SIM(nSim);
    CHECK_PTR(drx_timer_value_get);
    lock();
    *drx_timer_value_get = (uint16_t)(g_nw.drx ? g_nw.drx : 1280); /* 0: the network's, 1.28 s */
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_set_drxtm(uint8_t nSim, uint16_t drx_timer_value_set)
{
    CHECK_SIM(nSim);
    switch (drx_timer_value_set) {
    case 0: case 320: case 640: case 1280: case 2560: break;
    default: return QL_NW_INVALID_PARAM_ERR;
    }
    lock();
    g_nw.drx = drx_timer_value_set;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_operator_name(uint8_t nSim, ql_nw_operator_info_s *oper_info)
{
    ql_nw_errcode_e rc = QL_NW_SUCCESS;
    CHECK_SIM(nSim);
    CHECK_PTR(oper_info);
    memset(oper_info, 0, sizeof(*oper_info));
    lock();
    if (!registered_locked()) {
        rc = QL_NW_NOT_REGISTERED_ERR;
    } else {
        copy_str(oper_info->long_oper_name, sizeof(oper_info->long_oper_name), g_nw.oper_long);
        copy_str(oper_info->short_oper_name, sizeof(oper_info->short_oper_name), g_nw.oper_short);
        copy_str(oper_info->mcc, sizeof(oper_info->mcc), g_nw.mcc);
        copy_str(oper_info->mnc, sizeof(oper_info->mnc), g_nw.mnc);
    }
    unlock();
    return rc;
}

ql_nw_errcode_e ql_nw_get_reg_status(uint8_t nSim, ql_nw_reg_status_info_s *reg_info)
{
    CHECK_SIM(nSim);
    CHECK_PTR(reg_info);
    lock();
    fill_reg_locked(&reg_info->voice_reg);
    fill_reg_locked(&reg_info->data_reg);
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_set_selection(uint8_t nSim, ql_nw_seclection_info_s *select_info)
{
    ql_nw_errcode_e rc = QL_NW_SUCCESS;
    CHECK_SIM(nSim);
    CHECK_PTR(select_info);
    if (select_info->nw_selection_mode > 1) return QL_NW_INVALID_PARAM_ERR;
    lock();
    if (select_info->nw_selection_mode == 1 &&
        (strcmp(select_info->mcc, g_nw.mcc) != 0 || strcmp(select_info->mnc, g_nw.mnc) != 0))
        rc = QL_NW_OPERATOR_NOT_ALLOWED; /* the simulated network is the only one in range */
    else
        g_nw.sel_manual = select_info->nw_selection_mode;
    unlock();
    return rc;
}

ql_nw_errcode_e ql_nw_get_selection(uint8_t nSim, ql_nw_seclection_info_s *select_info)
{
    ql_nw_errcode_e rc = QL_NW_SUCCESS;
    CHECK_SIM(nSim);
    CHECK_PTR(select_info);
    memset(select_info, 0, sizeof(*select_info));
    lock();
    if (!registered_locked()) {
        rc = QL_NW_NOT_REGISTERED_ERR;
    } else {
        select_info->nw_selection_mode = (unsigned char)g_nw.sel_manual;
        copy_str(select_info->mcc, sizeof(select_info->mcc), g_nw.mcc);
        copy_str(select_info->mnc, sizeof(select_info->mnc), g_nw.mnc);
        select_info->act = (ql_nw_act_type_e)act_locked();
    }
    unlock();
    return rc;
}

ql_nw_errcode_e ql_nw_get_signal_strength(uint8_t nSim, ql_nw_signal_strength_info_s *pt_info)
{
    CHECK_SIM(nSim);
    CHECK_PTR(pt_info);
    lock();
    if (g_nw.lost || g_nw.reg == QL_NW_REG_STATE_NOT_REGISTERED || g_nw.csq == 99) {
        pt_info->rssi = 99;
        pt_info->bitErrorRate = 99;
        pt_info->rsrq = 255;
        pt_info->rsrp = 255;
    } else {
        pt_info->rssi = -113 + 2 * g_nw.csq;
        pt_info->bitErrorRate = 99; /* not measured on LTE */
        pt_info->rsrq = act_locked() == QL_NW_ACCESS_TECH_E_UTRAN ? g_nw.rsrq : 255;
        pt_info->rsrp = act_locked() == QL_NW_ACCESS_TECH_E_UTRAN ? g_nw.rsrp : 255;
    }
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_nitz_time_info(ql_nw_nitz_time_info_s *nitz_info)
{
    ql_nw_errcode_e rc = QL_NW_SUCCESS;
    CHECK_PTR(nitz_info);
    memset(nitz_info, 0, sizeof(*nitz_info));
    lock();
    if (!g_nw.nitz || !registered_locked())
        rc = QL_NW_NITZ_NOT_UPDATE_ERR;
    else
        fill_nitz_locked(nitz_info);
    unlock();
    return rc;
}

static void fill_cells_locked(ql_nw_cell_info_s *c)
{
    int mcc = atoi(g_nw.mcc), mnc = atoi(g_nw.mnc);
    memset(c, 0, sizeof(*c));
    if (g_nw.lost || g_nw.reg == QL_NW_REG_STATE_NOT_REGISTERED) return; /* no cell in range */
    if (act_locked() == QL_NW_ACCESS_TECH_GSM) {
        c->gsm_info_valid = 1;
        c->gsm_info_num = 1;
        c->gsm_info[0].cid = g_nw.cid & 0xffff;
        c->gsm_info[0].mcc = mcc;
        c->gsm_info[0].mnc = mnc;
        c->gsm_info[0].lac = g_nw.tac;
        c->gsm_info[0].arfcn = 60;
        c->gsm_info[0].bsic = 20;
        c->gsm_info[0].rssi = -113 + 2 * (g_nw.csq == 99 ? 0 : g_nw.csq);
        c->gsm_info[0].mnc_len = (char)strlen(g_nw.mnc);
        c->gsm_info[0].RX_dBm = (char)c->gsm_info[0].rssi;
    } else {
        c->lte_info_valid = 1;
        c->lte_info_num = 1;
        c->lte_info[0].cid = g_nw.cid;
        c->lte_info[0].mcc = mcc;
        c->lte_info[0].mnc = mnc;
        c->lte_info[0].tac = g_nw.tac;
        c->lte_info[0].pci = g_nw.pci;
        c->lte_info[0].earfcn = g_nw.earfcn;
        c->lte_info[0].rssi = g_nw.rsrp;
        c->lte_info[0].mnc_len = (char)strlen(g_nw.mnc);
        c->lte_info[0].RX_dBm = (char)g_nw.rsrp;
    }
}

ql_nw_errcode_e ql_nw_get_cell_info(uint8_t nSim, ql_nw_cell_info_s *cell_info)
{
    CHECK_SIM(nSim);
    CHECK_PTR(cell_info);
    lock();
    fill_cells_locked(cell_info);
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_cell_info_async(uint8_t nSim)
{
    struct nw_event ev;
    CHECK_SIM(nSim);
    memset(&ev, 0, sizeof(ev));
    ev.sim = nSim;
    ev.id = QUEC_NW_CELL_INFO_IND;
    lock();
    fill_cells_locked(&ev.u.cells);
    unlock();
    post_event(50, &ev); /* a measurement takes a moment on the module too */
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_register_cb(ql_nw_callback nw_cb)
{
    lock();
    g_nw.cb = nw_cb;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_set_jamdet_mode(uint8_t nSim, uint8_t enable)
{
    CHECK_SIM(nSim);
    if (enable > 1) return QL_NW_INVALID_PARAM_ERR;
    lock();
    g_nw.jam_mode = enable;
    g_nw.jam_cfg[JDENABLE].value = enable;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_jamdet_mode(uint8_t nSim, uint8_t *enable)
{
    CHECK_SIM(nSim);
    CHECK_PTR(enable);
    lock();
    *enable = (uint8_t)g_nw.jam_mode;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_jamdet_status(uint8_t nSim, ql_nw_jamdet_state_e *status)
{
    ql_nw_errcode_e rc = QL_NW_SUCCESS;
    CHECK_SIM(nSim);
    CHECK_PTR(status);
    lock();
    if (!g_nw.jam_mode)
        rc = QL_NW_EXECUTE_ERR; /* detection is off: there is no status to report */
    else
        *status = g_nw.jammed ? QL_JAMMED : QL_NO_JAMMING;
    unlock();
    return rc;
}

ql_nw_errcode_e ql_nw_set_jamdet_config(uint8_t nSim, quec_jamdet_param_set_s *config)
{
    int i;
    CHECK_SIM(nSim);
    CHECK_PTR(config);
    for (i = 0; i < JDCFG_ENUM_MAX; i++)
        if ((int)config[i].qjdcfg_enum != i) return QL_NW_INVALID_PARAM_ERR;
    lock();
    for (i = 0; i < JDCFG_ENUM_MAX; i++) g_nw.jam_cfg[i].value = config[i].value;
    g_nw.jam_mode = g_nw.jam_cfg[JDENABLE].value != 0;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_jamdet_config(uint8_t nSim, quec_jamdet_param_set_s *config)
{
    CHECK_SIM(nSim);
    CHECK_PTR(config);
    lock();
    memcpy(config, g_nw.jam_cfg, sizeof(g_nw.jam_cfg));
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_data_count(uint8_t nSim, ql_nw_data_count_info_s *data_info)
{
    int p;
    CHECK_SIM(nSim);
    CHECK_PTR(data_info);
    memset(data_info, 0, sizeof(*data_info));
    lock();
    data_info->uplink_data_count = g_nw.up;
    data_info->downlink_data_count = g_nw.down;
    unlock();
    /* One host network: the traffic is the lowest active profile's (profile 1 when none). */
    for (p = PROFILE_IDX_MIN; p <= PROFILE_IDX_MAX && !qlrt_datacall_active(nSim, p); p++)
        ;
    if (p > PROFILE_IDX_MAX) p = PROFILE_IDX_MIN;
    data_info->pdp_data_count.uplink_pdp_count[p - 1] = data_info->uplink_data_count;
    data_info->pdp_data_count.downlink_pdp_count[p - 1] = data_info->downlink_data_count;
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_reset_data_count(uint8_t nSim)
{
    CHECK_SIM(nSim);
    lock();
    g_nw.up = g_nw.down = 0;
    unlock();
    return QL_NW_SUCCESS;
}

static int g_warn_fence, g_warn_tau;

ql_nw_errcode_e ql_nw_set_auto_black_elec_fence(uint8_t nSim, ql_auto_black_elecfence_cfg_s *cfg)
{
    CHECK_SIM(nSim);
    CHECK_PTR(cfg);
    warn_once(&g_warn_fence, __func__, "the black-cell electronic fence (a radio protocol setting)");
    return QL_NW_EXECUTE_ERR;
}

ql_nw_errcode_e ql_nw_get_auto_black_elec_fence(uint8_t nSim, ql_auto_black_elecfence_cfg_s *cfg)
{
    CHECK_SIM(nSim);
    CHECK_PTR(cfg);
    warn_once(&g_warn_fence, __func__, "the black-cell electronic fence (a radio protocol setting)");
    return QL_NW_EXECUTE_ERR;
}

ql_nw_errcode_e ql_nw_get_cell_sinr(uint8_t nSim, int *sinr_ptr)
{
    ql_nw_errcode_e rc = QL_NW_SUCCESS;
    CHECK_SIM(nSim);
    CHECK_PTR(sinr_ptr);
    lock();
    if (g_nw.lost || g_nw.reg == QL_NW_REG_STATE_NOT_REGISTERED)
        rc = QL_NW_NOT_REGISTERED_ERR;
    else
        *sinr_ptr = g_nw.sinr;
    unlock();
    return rc;
}

ql_nw_errcode_e ql_nw_set_tau_type_aft_local_rel(uint8_t nSim, ql_nw_tau_type_e type)
{
    CHECK_SIM(nSim);
    (void)type;
    warn_once(&g_warn_tau, __func__, "the TAU type after a local RRC release (a radio protocol setting)");
    return QL_NW_EXECUTE_ERR;
}

ql_nw_errcode_e ql_nw_get_tau_type_aft_local_rel(uint8_t nSim, ql_nw_tau_type_e *type)
{
    CHECK_SIM(nSim);
    CHECK_PTR(type);
    warn_once(&g_warn_tau, __func__, "the TAU type after a local RRC release (a radio protocol setting)");
    return QL_NW_EXECUTE_ERR;
}

ql_nw_errcode_e ql_nw_get_emm_gmm_cause(ql_nw_cause_s *ctx)
{
    CHECK_PTR(ctx);
    lock();
    if (g_nw.reg == QL_NW_REG_STATE_DENIED) {
        ctx->causeId = act_locked() == QL_NW_ACCESS_TECH_GSM ? QUEC_NW_CS_NETWORK_REJECT : QUEC_NW_PS_LTE_LOCAL_CAUSE;
        ctx->causeDetail = g_nw.reject;
    } else {
        ctx->causeId = QUEC_NW_CS_INTERNAL_CAUSE;
        ctx->causeDetail = 0;
    }
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_esm_sm_cause(ql_nw_cause_s *ctx)
{
    CHECK_PTR(ctx);
    ctx->causeId = QUEC_NW_CS_INTERNAL_CAUSE; /* the simulated network rejects no PDN request */
    ctx->causeDetail = 0;
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_set_esmfail_times(uint8_t nSim, uint8_t times)
{
    CHECK_SIM(nSim);
    if (times > 5) return QL_NW_INVALID_PARAM_ERR;
    lock();
    g_nw.esmfail = times;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_esmfail_times(uint8_t nSim, uint8_t *times)
{
    CHECK_SIM(nSim);
    CHECK_PTR(times);
    lock();
    *times = (uint8_t)g_nw.esmfail;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_set_edrx(uint8_t nSim, ql_edrx_cfg_s *edrx_cfg)
{
    CHECK_SIM(nSim);
    CHECK_PTR(edrx_cfg);
    if ((int)edrx_cfg->mode < QL_EDRX_MODE_DISABLE || (int)edrx_cfg->mode > QL_EDRX_MODE_DISABLE_RESET_PARAM ||
        edrx_cfg->actType != QL_NW_EDRX_ACTTYPE || edrx_cfg->reqPTW > QL_NW_EDRX_PTW_MAX ||
        edrx_cfg->reqEDRX > QL_NW_EDRX_VALUE_MAX)
        return QL_NW_INVALID_PARAM_ERR;
    lock();
    g_nw.edrx.mode = edrx_cfg->mode;
    if (edrx_cfg->mode == QL_EDRX_MODE_DISABLE_RESET_PARAM) {
        g_nw.edrx.mode = QL_EDRX_MODE_DISABLE;
        g_nw.edrx.reqPTW = g_nw.edrx.reqEDRX = 0;
    } else {
        g_nw.edrx.reqPTW = edrx_cfg->reqPTW;
        g_nw.edrx.reqEDRX = edrx_cfg->reqEDRX;
    }
    /* the simulated network grants what was asked for */
    g_nw.edrx.nwPTW = g_nw.edrx.mode == QL_EDRX_MODE_DISABLE ? 0 : g_nw.edrx.reqPTW;
    g_nw.edrx.nwEDRX = g_nw.edrx.mode == QL_EDRX_MODE_DISABLE ? 0 : g_nw.edrx.reqEDRX;
    unlock();
    return QL_NW_SUCCESS;
}

ql_nw_errcode_e ql_nw_get_edrx(uint8_t nSim, ql_edrx_cfg_s *edrx_cfg)
{
    CHECK_SIM(nSim);
    CHECK_PTR(edrx_cfg);
    lock();
    *edrx_cfg = g_nw.edrx;
    unlock();
    return QL_NW_SUCCESS;
}
