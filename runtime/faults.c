/*
 * faults.c - fault injection for app code: $QLRT_FAULTS (qlrt-run --fault) schedules network
 * loss and recovery, data call drops, DNS failures and socket resets at given points of the
 * application's time, so recovery paths can be exercised on a PC. Grammar, comma separated:
 *
 *   net_loss@T[+D]        registration lost at T (back after D, else for good): REG_STATUS
 *                         callbacks, every data call dropped (QUEC_DATACALL_PDP_DEACTIVE_IND),
 *                         TCP connections reset, connects/sends/lookups fail
 *   net_back@T            registration back (callbacks; the app restarts its data calls)
 *   datacall_drop@T[:P|:S/P]  the network deactivates the active calls (all, profile P of SIM 0,
 *                         or SIM S profile P): QUEC_DATACALL_PDP_DEACTIVE_IND, TCP connections
 *                         reset; no route until the app starts a call again
 *   dns_fail@T[+D]        every name lookup fails from T (for D, else to the end)
 *   sock_reset@T          every connected TCP socket is reset (the peer gets a RST, the app
 *                         ECONNRESET)
 *
 * T and D are numbers with ms, s or m (no unit: seconds) of application time: like the app's
 * sleeps they are divided by the time scale, and T counts from the call of the init function.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qlrt_internal.h"

enum kind { F_NET_LOSS, F_NET_BACK, F_DC_DROP, F_DNS_FAIL, F_DNS_OK, F_SOCK_RESET };

struct fault {
    enum kind kind;
    double at_ms; /* application time */
    int sim, profile;
    char text[64];
    int fired;
};

#define MAX_FAULTS 64
static struct fault g_faults[MAX_FAULTS];
static int g_nfaults;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static int parse_time(const char *s, size_t len, double *ms)
{
    char buf[32], *end;
    double v, mul = 1000;
    if (len == 0 || len >= sizeof(buf)) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    v = strtod(buf, &end);
    if (end == buf || v < 0) return -1;
    if (strcmp(end, "ms") == 0) mul = 1;
    else if (strcmp(end, "s") == 0 || *end == '\0') mul = 1000;
    else if (strcmp(end, "m") == 0) mul = 60000;
    else return -1;
    *ms = v * mul;
    return *ms <= 86400000.0 ? 0 : -1;
}

static int add(enum kind k, double at, int sim, int profile, const char *text)
{
    struct fault *f;
    if (g_nfaults >= MAX_FAULTS) return -1;
    f = &g_faults[g_nfaults++];
    f->kind = k;
    f->at_ms = at;
    f->sim = sim;
    f->profile = profile;
    snprintf(f->text, sizeof(f->text), "%s", text);
    return 0;
}

/* One item; 0 ok, -1 bad. */
static int parse_item(const char *item)
{
    const char *at = strchr(item, '@'), *plus, *colon, *tend;
    double t, d = -1;
    int sim = -1, profile = -1;
    size_t nlen;
    if (at == NULL) return -1;
    nlen = (size_t)(at - item);
    plus = strchr(at, '+');
    colon = strchr(at, ':');
    tend = plus ? plus : colon ? colon : at + strlen(at);
    if (parse_time(at + 1, (size_t)(tend - at - 1), &t) != 0) return -1;
    if (plus) {
        const char *dend = colon && colon > plus ? colon : plus + strlen(plus);
        if (parse_time(plus + 1, (size_t)(dend - plus - 1), &d) != 0) return -1;
    }
    if (colon) {
        int a, b;
        char extra;
        if (sscanf(colon + 1, "%d/%d%c", &a, &b, &extra) == 2) {
            sim = a;
            profile = b;
        } else if (sscanf(colon + 1, "%d%c", &a, &extra) == 1) {
            sim = 0;
            profile = a;
        } else {
            return -1;
        }
        if (sim < 0 || sim > 1 || profile < 1 || profile > 7) return -1;
    }
#define IS(name) (nlen == strlen(name) && strncmp(item, name, nlen) == 0)
    if (IS("net_loss")) {
        if (colon) return -1;
        if (add(F_NET_LOSS, t, -1, -1, item) != 0) return -1;
        if (d >= 0) return add(F_NET_BACK, t + d, -1, -1, item);
        return 0;
    }
    if (IS("net_back")) return (plus || colon) ? -1 : add(F_NET_BACK, t, -1, -1, item);
    if (IS("datacall_drop")) return plus ? -1 : add(F_DC_DROP, t, sim, profile, item);
    if (IS("dns_fail")) {
        if (colon) return -1;
        if (add(F_DNS_FAIL, t, -1, -1, item) != 0) return -1;
        if (d >= 0) return add(F_DNS_OK, t + d, -1, -1, item);
        return 0;
    }
    if (IS("sock_reset")) return (plus || colon) ? -1 : add(F_SOCK_RESET, t, -1, -1, item);
#undef IS
    return -1;
}

static void fire(void *p)
{
    struct fault *f = p;
    int n;
    switch (f->kind) {
    case F_NET_LOSS:
        qlrt_logf(QLRT_LV_WARN, "FAULT %s: network lost", f->text);
        qlrt_nw_set_lost(1, f->text);
        n = qlrt_datacall_drop(-1, -1, "network lost");
        qlrt_logf(QLRT_LV_WARN, "FAULT %s: %d data call(s) dropped", f->text, n);
        qlrt_sockets_abort_all("network lost");
        break;
    case F_NET_BACK:
        qlrt_logf(QLRT_LV_WARN, "FAULT %s: network back", f->text);
        qlrt_nw_set_lost(0, f->text);
        break;
    case F_DC_DROP:
        n = qlrt_datacall_drop(f->sim, f->profile, f->text);
        qlrt_logf(QLRT_LV_WARN, "FAULT %s: %d data call(s) deactivated by the network", f->text, n);
        break;
    case F_DNS_FAIL:
        qlrt_logf(QLRT_LV_WARN, "FAULT %s: name lookups fail from now", f->text);
        qlrt_dns_set_failing(1);
        break;
    case F_DNS_OK:
        qlrt_logf(QLRT_LV_WARN, "FAULT %s: name lookups work again", f->text);
        qlrt_dns_set_failing(0);
        break;
    case F_SOCK_RESET:
        n = qlrt_sockets_abort_all(f->text);
        qlrt_logf(QLRT_LV_WARN, "FAULT %s: %d TCP connection(s) reset", f->text, n);
        break;
    }
    pthread_mutex_lock(&g_lock);
    f->fired = 1;
    pthread_mutex_unlock(&g_lock);
}

int qlrt_faults_start(void)
{
    const char *spec = getenv("QLRT_FAULTS");
    char *copy, *item, *save = NULL;
    int i, bad = 0;
    if (spec == NULL || *spec == '\0') return 0;
    copy = strdup(spec);
    if (copy == NULL) return -1;
    for (item = strtok_r(copy, ", \t\n", &save); item; item = strtok_r(NULL, ", \t\n", &save)) {
        if (parse_item(item) != 0) {
            qlrt_logf(QLRT_LV_ERROR,
                      "QLRT_FAULTS: bad item '%s' (want net_loss@T[+D], net_back@T, datacall_drop@T[:P|:S/P], "
                      "dns_fail@T[+D] or sock_reset@T; T, D like 5s, 250ms, 1m)",
                      item);
            bad = 1;
        }
    }
    free(copy);
    if (bad) return -1;
    for (i = 0; i < g_nfaults; i++) qlrt_net_post(g_faults[i].at_ms, fire, &g_faults[i]);
    qlrt_logf(QLRT_LV_INFO, "fault injection: %d event(s) scheduled from QLRT_FAULTS='%s' (application time, time scale %g)",
              g_nfaults, spec, qlrt_time_scale());
    return 0;
}

void qlrt_faults_report(void)
{
    int i, fired = 0;
    if (g_nfaults == 0) return;
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < g_nfaults; i++) fired += g_faults[i].fired;
    pthread_mutex_unlock(&g_lock);
    fprintf(stderr, "qlrt: faults: scheduled=%d fired=%d", g_nfaults, fired);
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < g_nfaults; i++)
        if (!g_faults[i].fired) fprintf(stderr, " not_fired=%s", g_faults[i].text);
    pthread_mutex_unlock(&g_lock);
    fprintf(stderr, "\n");
}
