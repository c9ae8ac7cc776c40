/*
 * remap.c - the runtime's network rule: which destination a connect()/sendto() really reaches.
 *
 * Rules come from $QLRT_MAP (separated by commas, semicolons or white space) and from the file
 * named by $QLRT_MAP_FILE (one or more per line, '#' starts a comment). A rule is
 *     SOURCE=DESTINATION
 * SOURCE: host[:port] | ip[:port] | [ipv6]:port | ipv6    (port "*" or absent = any port)
 * DESTINATION: loopback-ip[:port] | localhost[:port] | [::1]:port   (absent port = same port)
 * A destination that is not loopback makes the rule invalid (logged at ERROR level, which
 * fails the run): the runtime never reaches anything but loopback.
 *
 * Without a rule, loopback destinations (127.0.0.0/8, ::1) are used as they are and every
 * other destination is refused with a log line. Host names are never looked up: a name that
 * appears in a rule resolves to a placeholder address (198.18.0.N / 100::N, N = the name's
 * index) that routes back to the name's rules.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "qlrt_internal.h"

#define MAX_RULES 64
#define MAX_NAMES 64
#define MAX_NAME_LEN 253

struct rule {
    int src_name;       /* index into names[] + 1, or 0 for an address source */
    qlrt_addr_t src;    /* address source (family != 0) */
    int src_port;       /* -1 = any */
    qlrt_addr_t dst;    /* loopback */
    int dst_port;       /* -1 = same as the source's */
    unsigned uses;
    char text[300];
};

static struct rule g_rules[MAX_RULES];
static int g_nrules;
static char g_names[MAX_NAMES][MAX_NAME_LEN + 1];
static int g_nnames;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static int valid_name(const char *s)
{
    size_t n = strlen(s), i;
    if (n == 0 || n > MAX_NAME_LEN) return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || c == '-' || c == '.' || c == '_')) return 0;
    }
    return 1;
}

static int name_index(const char *s, int add)
{
    int i;
    for (i = 0; i < g_nnames; i++)
        if (strcasecmp(g_names[i], s) == 0) return i + 1;
    if (!add || g_nnames >= MAX_NAMES) return 0;
    snprintf(g_names[g_nnames], sizeof(g_names[0]), "%s", s);
    g_nnames++;
    return g_nnames;
}

static int parse_port(const char *s, int *port)
{
    char *end;
    long v;
    if (strcmp(s, "*") == 0) {
        *port = -1;
        return 0;
    }
    if (*s == '\0' || strlen(s) > 5) return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0 || v < 1 || v > 65535) return -1;
    *port = (int)v;
    return 0;
}

/* Split "host:port", "[v6]:port", "v6", "host" into host text and port (-1 if absent). */
static int split_hostport(char *s, char **host, int *port)
{
    char *colon;
    *port = -1;
    if (*s == '[') {
        char *close = strchr(s, ']');
        if (close == NULL) return -1;
        *close = '\0';
        *host = s + 1;
        if (close[1] == '\0') return 0;
        if (close[1] != ':') return -1;
        return parse_port(close + 2, port);
    }
    colon = strchr(s, ':');
    if (colon && strchr(colon + 1, ':')) { /* bare IPv6 address, no port */
        *host = s;
        return 0;
    }
    *host = s;
    if (colon) {
        *colon = '\0';
        return parse_port(colon + 1, port);
    }
    return 0;
}

static void add_rule(const char *text)
{
    char buf[300], *eq, *shost, *dhost;
    int sport, dport;
    struct rule r;
    if (strlen(text) >= sizeof(buf)) {
        qlrt_logf(QLRT_LV_ERROR, "QLRT_MAP: rule too long: '%.40s...'", text);
        return;
    }
    memset(&r, 0, sizeof(r));
    snprintf(r.text, sizeof(r.text), "%s", text);
    snprintf(buf, sizeof(buf), "%s", text);
    eq = strchr(buf, '=');
    if (eq == NULL) {
        qlrt_logf(QLRT_LV_ERROR, "QLRT_MAP: rule '%s' has no '=' (want SOURCE=DESTINATION)", text);
        return;
    }
    *eq = '\0';
    if (split_hostport(buf, &shost, &sport) != 0 || *shost == '\0') {
        qlrt_logf(QLRT_LV_ERROR, "QLRT_MAP: bad source in rule '%s'", text);
        return;
    }
    if (split_hostport(eq + 1, &dhost, &dport) != 0) {
        qlrt_logf(QLRT_LV_ERROR, "QLRT_MAP: bad destination in rule '%s'", text);
        return;
    }
    if (strcasecmp(dhost, "localhost") == 0) dhost = "127.0.0.1";
    if (qlrt_addr_parse(dhost, &r.dst) != 0 || !qlrt_addr_is_loopback(&r.dst)) {
        qlrt_logf(QLRT_LV_ERROR,
                  "QLRT_MAP: rule '%s' refused: the destination must be a loopback address "
                  "(127.0.0.0/8 or ::1), the host runtime reaches nothing else",
                  text);
        return;
    }
    if (g_nrules >= MAX_RULES) {
        qlrt_logf(QLRT_LV_ERROR, "QLRT_MAP: more than %d rules, '%s' ignored", MAX_RULES, text);
        return;
    }
    if (qlrt_addr_parse(shost, &r.src) != 0) {
        if (!valid_name(shost)) {
            qlrt_logf(QLRT_LV_ERROR, "QLRT_MAP: bad host name '%s' in rule '%s'", shost, text);
            return;
        }
        r.src_name = name_index(shost, 1);
        if (r.src_name == 0) {
            qlrt_logf(QLRT_LV_ERROR, "QLRT_MAP: more than %d host names, '%s' ignored", MAX_NAMES, text);
            return;
        }
    }
    r.src_port = sport;
    r.dst_port = dport;
    g_rules[g_nrules++] = r;
}

static void add_rules_from(const char *text, const char *origin)
{
    char buf[8192];
    char *save = NULL, *tok;
    if (strlen(text) >= sizeof(buf)) {
        qlrt_logf(QLRT_LV_ERROR, "%s: too long (max %zu bytes)", origin, sizeof(buf) - 1);
        return;
    }
    snprintf(buf, sizeof(buf), "%s", text);
    for (tok = strtok_r(buf, ",; \t\r\n", &save); tok; tok = strtok_r(NULL, ",; \t\r\n", &save)) add_rule(tok);
}

static void load(void)
{
    const char *env = getenv("QLRT_MAP");
    const char *file = getenv("QLRT_MAP_FILE");
    if (env && *env) add_rules_from(env, "QLRT_MAP");
    if (file && *file) {
        FILE *f = fopen(file, "r");
        char line[1024];
        int n = 0;
        if (f == NULL) {
            qlrt_logf(QLRT_LV_ERROR, "QLRT_MAP_FILE: cannot open '%s': %s", file, strerror(errno));
        } else {
            while (n++ < 10000 && fgets(line, sizeof(line), f)) {
                char *hash = strchr(line, '#');
                if (hash) *hash = '\0';
                add_rules_from(line, "QLRT_MAP_FILE");
            }
            fclose(f);
        }
    }
    if (g_nrules > 0) {
        int i;
        qlrt_logf(QLRT_LV_INFO, "network rule: %d QLRT_MAP rule(s); any other non-loopback destination is refused",
                  g_nrules);
        for (i = 0; i < g_nrules; i++) qlrt_logf(QLRT_LV_DEBUG, "  rule %d: %s", i + 1, g_rules[i].text);
    } else {
        qlrt_logf(QLRT_LV_DEBUG, "network rule: loopback only (no QLRT_MAP rules)");
    }
}

static void ensure_loaded(void) { pthread_once(&g_once, load); }

/* Placeholder addresses for names: 198.18.0.N (RFC 2544 benchmarking range) and 100::N
 * (RFC 6666 discard-only prefix). Neither is ever contacted: they only route to rules. */
static void fake_addr(int idx, int family, qlrt_addr_t *out)
{
    memset(out, 0, sizeof(*out));
    if (family == QLRT_FAM_V6) {
        out->family = QLRT_FAM_V6;
        out->addr[0] = 0x01;
        out->addr[15] = (uint8_t)idx;
    } else {
        out->family = QLRT_FAM_V4;
        out->addr[0] = 198;
        out->addr[1] = 18;
        out->addr[3] = (uint8_t)idx;
    }
}

static int fake_index(const qlrt_addr_t *a)
{
    static const uint8_t v6pfx[15] = {0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    int idx = 0;
    if (a->family == QLRT_FAM_V4 && a->addr[0] == 198 && a->addr[1] == 18 && a->addr[2] == 0) idx = a->addr[3];
    if (a->family == QLRT_FAM_V6 && memcmp(a->addr, v6pfx, 15) == 0) idx = a->addr[15];
    return (idx >= 1 && idx <= g_nnames) ? idx : 0;
}

static int same_ip(const qlrt_addr_t *a, const qlrt_addr_t *b)
{
    if (a->family != b->family) return 0;
    return memcmp(a->addr, b->addr, a->family == QLRT_FAM_V4 ? 4 : 16) == 0;
}

static int ip_port_text(const qlrt_addr_t *a, int name, char *buf, size_t len)
{
    char tmp[80];
    if (name) return snprintf(buf, len, "%s:%u (%s)", g_names[name - 1], (unsigned)a->port, qlrt_addr_str(a, tmp, sizeof(tmp)));
    return snprintf(buf, len, "%s", qlrt_addr_str(a, tmp, sizeof(tmp)));
}

int qlrt_route(const qlrt_addr_t *dst, const char *what, qlrt_addr_t *out)
{
    int name, i, best = -1;
    char from[400], to[80];
    ensure_loaded();
    name = fake_index(dst);
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < g_nrules; i++) {
        const struct rule *r = &g_rules[i];
        int match = name ? (r->src_name == name) : (r->src_name == 0 && same_ip(&r->src, dst));
        if (!match) continue;
        if (r->src_port == (int)dst->port) {
            best = i;
            break;
        }
        if (r->src_port == -1 && best < 0) best = i;
    }
    if (best >= 0) {
        struct rule *r = &g_rules[best];
        unsigned uses = ++r->uses;
        *out = r->dst;
        out->port = r->dst_port > 0 ? (uint16_t)r->dst_port : dst->port;
        pthread_mutex_unlock(&g_lock);
        ip_port_text(dst, name, from, sizeof(from));
        qlrt_logf(uses == 1 ? QLRT_LV_INFO : QLRT_LV_DEBUG, "%s %s -> %s (QLRT_MAP rule '%s')", what, from,
                  qlrt_addr_str(out, to, sizeof(to)), r->text);
        return QLRT_ROUTE_REMAPPED;
    }
    pthread_mutex_unlock(&g_lock);
    if (!name && qlrt_addr_is_loopback(dst)) {
        *out = *dst;
        return QLRT_ROUTE_DIRECT;
    }
    ip_port_text(dst, name, from, sizeof(from));
    if (name)
        snprintf(to, sizeof(to), "%.60s:%u", g_names[name - 1], (unsigned)dst->port);
    else
        qlrt_addr_str(dst, to, sizeof(to));
    qlrt_count_refused();
    qlrt_logf(QLRT_LV_WARN,
              "REFUSED %s to %s: not loopback and no QLRT_MAP rule matches; nothing was sent "
              "(to allow it, map it to loopback: QLRT_MAP='%s=127.0.0.1:PORT')",
              what, from, to);
    return QLRT_ROUTE_REFUSED;
}

void qlrt_unroute(qlrt_addr_t *a)
{
    int i;
    ensure_loaded();
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < g_nrules; i++) {
        const struct rule *r = &g_rules[i];
        if (!same_ip(&r->dst, a) || r->src_port < 0 || r->dst_port < 0 || r->dst_port != (int)a->port) continue;
        if (r->src_name)
            fake_addr(r->src_name, a->family == QLRT_FAM_V6 ? QLRT_FAM_V6 : QLRT_FAM_V4, a);
        else
            *a = r->src;
        a->port = (uint16_t)r->src_port;
        break;
    }
    pthread_mutex_unlock(&g_lock);
}

int qlrt_resolve(const char *name, int family, qlrt_addr_t *out)
{
    int idx;
    ensure_loaded();
    if (name == NULL) return -1;
    if (qlrt_addr_parse(name, out) == 0) {
        if (family != QLRT_FAM_NONE && family != out->family) return -1;
        return 0;
    }
    if (strcasecmp(name, "localhost") == 0) {
        return qlrt_addr_parse(family == QLRT_FAM_V6 ? "::1" : "127.0.0.1", out);
    }
    pthread_mutex_lock(&g_lock);
    idx = valid_name(name) ? name_index(name, 0) : 0;
    pthread_mutex_unlock(&g_lock);
    if (idx) {
        fake_addr(idx, family == QLRT_FAM_V6 ? QLRT_FAM_V6 : QLRT_FAM_V4, out);
        return 0;
    }
    qlrt_count_refused();
    qlrt_logf(QLRT_LV_WARN,
              "REFUSED name lookup of '%.64s': the host runtime queries no DNS server and no "
              "QLRT_MAP rule names this host (add e.g. QLRT_MAP='%.64s:443=127.0.0.1:PORT')",
              name, name);
    return -1;
}

int qlrt_bind_addr(qlrt_addr_t *a)
{
    static const uint8_t zero[16] = {0};
    char buf[80];
    if (memcmp(a->addr, zero, a->family == QLRT_FAM_V4 ? 4 : 16) == 0) {
        /* "any" on the module means the module's address: loopback here. */
        uint16_t port = a->port;
        qlrt_addr_parse(a->family == QLRT_FAM_V6 ? "::1" : "127.0.0.1", a);
        a->port = port;
        return 0;
    }
    if (qlrt_addr_is_loopback(a)) return 0;
    qlrt_logf(QLRT_LV_WARN, "bind to %s refused: the module address on the host is loopback",
              qlrt_addr_str(a, buf, sizeof(buf)));
    return -1;
}
