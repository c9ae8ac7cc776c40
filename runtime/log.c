/*
 * log.c - QL_LOG / QL_LOG_PUSH backend, the runtime's own log, failure accounting, time scale.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ql_log.h"
#include "qlrt.h"
#include "qlrt_internal.h"

static pthread_mutex_t g_log_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned g_errors, g_failures, g_refused;
static int g_threshold = -2; /* -2 = not read yet */
static int g_qlssl_level = QL_LOG_LEVEL_INFO; /* for the qlssl library's log, see qlrt_route_qlssl_log */
static double g_scale = 0;
static int g_app_log_off; /* ql_quec_trace_enable(false) */
static struct timespec g_t0;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
    const char *lv = getenv("QLRT_LOG_LEVEL");
    const char *sc = getenv("QLRT_TIME_SCALE");
    /* Indexed by the QL_LOG_LEVEL_* values (the SDK's: NEVER 0 ... VERBOSE 5); NONE is an alias. */
    static const char *const names[] = {"NEVER", "ERROR", "WARN", "INFO", "DEBUG", "VERBOSE"};
    int i;
    clock_gettime(CLOCK_MONOTONIC, &g_t0);
    g_threshold = QL_LOG_LEVEL_DEBUG;
    if (lv && *lv) {
        int found = 0;
        if (strcasecmp(lv, "NONE") == 0) {
            g_threshold = QL_LOG_LEVEL_NEVER;
            found = 1;
        }
        for (i = QL_LOG_LEVEL_NEVER; i <= QL_LOG_LEVEL_VERBOSE; i++)
            if (strcasecmp(lv, names[i]) == 0 || (lv[0] == '0' + i && lv[1] == '\0')) {
                g_threshold = i;
                found = 1;
            }
        if (!found) fprintf(stderr, "qlrt: QLRT_LOG_LEVEL='%s' not understood, using DEBUG\n", lv);
        /* Errors always show, as for the application's lines. */
        g_qlssl_level = g_threshold > QL_LOG_LEVEL_ERROR ? g_threshold : QL_LOG_LEVEL_ERROR;
    }
    g_scale = 1.0;
    if (sc && *sc) {
        char *end;
        double v = strtod(sc, &end);
        if (*end != '\0' || !(v >= 0.001 && v <= 1000000.0))
            fprintf(stderr, "qlrt: QLRT_TIME_SCALE='%s' not understood (want 0.001..1000000), using 1\n", sc);
        else
            g_scale = v;
    }
}

__attribute__((constructor)) static void qlrt_log_ctor(void) { pthread_once(&g_once, init_once); }

double qlrt_time_scale(void)
{
    pthread_once(&g_once, init_once);
    return g_scale;
}

uint64_t qlrt_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)(t.tv_nsec / 1000000);
}

double qlrt_elapsed_s(void)
{
    struct timespec t;
    pthread_once(&g_once, init_once);
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - g_t0.tv_sec) + (double)(t.tv_nsec - g_t0.tv_nsec) / 1e9;
}

/* level: a QL_LOG_LEVEL_* value, or -1 for a push. Shown when it is a push, an error, or at most
 * the threshold (the SDK's filter: output level >= line level). */
static void emit(int level, const char *tag, const char *func, int line, const char *fmt, va_list ap)
{
    static const char letters[] = "NEWIDV";
    char msg[1024];
    const char *task;
    int old, n;
    pthread_once(&g_once, init_once);
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    pthread_mutex_lock(&g_log_lock);
    if (level == QL_LOG_LEVEL_ERROR) g_errors++;
    pthread_mutex_unlock(&g_log_lock);
    if (level >= 0 && level > g_threshold && level != QL_LOG_LEVEL_ERROR) {
        pthread_setcancelstate(old, NULL);
        return;
    }
    n = vsnprintf(msg, sizeof(msg), fmt ? fmt : "(null format)", ap);
    if (n >= (int)sizeof(msg)) memcpy(msg + sizeof(msg) - 5, "...", 4);
    /* printf-style lines (the SDK maps printf to the log) end in newlines the line format adds. */
    for (n = (int)strlen(msg); n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'); n--) msg[n - 1] = '\0';
    task = qlrt_current_task_name();
    pthread_mutex_lock(&g_log_lock);
    fprintf(stderr, "[%9.3f] %c %-8s <%s> %s:%d %s\n", qlrt_elapsed_s(),
            level < 0 ? 'P' : letters[level], tag ? tag : "-", task, func ? func : "?", line,
            msg);
    fflush(stderr);
    pthread_mutex_unlock(&g_log_lock);
    pthread_setcancelstate(old, NULL);
}

/* Levels above VERBOSE are shown as VERBOSE, below -1 as a push. */
static int clamp_level(int level)
{
    if (level > QL_LOG_LEVEL_VERBOSE) return QL_LOG_LEVEL_VERBOSE;
    if (level < -1) return -1;
    return level;
}

/* The application's lines (QL_LOG*, printf) are dropped while ql_quec_trace_enable(false), except
 * errors (they decide the run). */
static int app_line_muted(int level)
{
    int off;
    pthread_mutex_lock(&g_log_lock);
    off = g_app_log_off;
    pthread_mutex_unlock(&g_log_lock);
    return off && level != QL_LOG_LEVEL_ERROR;
}

void ql_log_printf(int level, const char *module_str, const char *func, int line, const char *fmt, ...)
{
    va_list ap;
    if (app_line_muted(clamp_level(level))) return;
    va_start(ap, fmt);
    emit(clamp_level(level), module_str, func, line, fmt, ap);
    va_end(ap);
}

void ql_log_printf_tag(int level, unsigned int tag, const char *fmt, ...)
{
    char name[5];
    va_list ap;
    int i;
    /* OSI_MAKE_LOG_TAG packs four 7-bit characters; anything unprintable shows as '?'. */
    for (i = 0; i < 4; i++) {
        unsigned c = (tag >> (7 * i)) & 0x7fu;
        name[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    name[4] = '\0';
    if (app_line_muted(clamp_level(level))) return;
    va_start(ap, fmt);
    emit(clamp_level(level), name, "-", 0, fmt, ap);
    va_end(ap);
}

void qlrt_logf(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(level, "qlrt", "runtime", 0, fmt, ap);
    va_end(ap);
}

void qlrt_report_failure(const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt ? fmt : "(no reason)", ap);
    va_end(ap);
    pthread_mutex_lock(&g_log_lock);
    g_failures++;
    pthread_mutex_unlock(&g_log_lock);
    qlrt_logf(QLRT_LV_ERROR, "qlrt_report_failure: %s", msg);
}

void qlrt_count_refused(void)
{
    pthread_mutex_lock(&g_log_lock);
    g_refused++;
    pthread_mutex_unlock(&g_log_lock);
}

void qlrt_log_counts(unsigned *errors, unsigned *failures, unsigned *refused)
{
    pthread_mutex_lock(&g_log_lock);
    *errors = g_errors;
    *failures = g_failures;
    *refused = g_refused;
    pthread_mutex_unlock(&g_log_lock);
}

/*
 * The qlssl library's log (ql_ssl_set_log_callback, declared here rather than through ql_ssl.h,
 * which this compat unit does not include; weak, so a runtime linked without it still links) goes
 * to QL_LOG with tag "qlssl". Its levels are the QL_LOG ones. Up to QLRT_LOG_LEVEL when that is
 * set (DEBUG adds mbedtls's handshake states, VERBOSE its record dumps); INFO when it is not (the
 * runtime's own default, DEBUG, would print mbedtls's state machine for every handshake).
 */
typedef void (*qlrt_qlssl_log_cb)(int level, const char *msg, void *arg);
extern int ql_ssl_set_log_callback(qlrt_qlssl_log_cb cb, int max_level, void *arg) __attribute__((weak));

static void qlssl_to_ql_log(int level, const char *msg, void *arg)
{
    (void)arg;
    ql_log_printf(level, "qlssl", "-", 0, "%s", msg);
}

void qlrt_route_qlssl_log(void)
{
    pthread_once(&g_once, init_once);
    if (ql_ssl_set_log_callback != NULL) ql_ssl_set_log_callback(qlssl_to_ql_log, g_qlssl_level, NULL);
}

/* ---------------------------------------------------------------- ql_log.h's port and trace calls */

void ql_quec_trace_enable(bool allow_put)
{
    pthread_mutex_lock(&g_log_lock);
    g_app_log_off = !allow_put;
    pthread_mutex_unlock(&g_log_lock);
}

/* One WARN line per call site the first time it is reached. */
static void log_warn_once(int *flag, const char *what)
{
    int first;
    pthread_mutex_lock(&g_log_lock);
    first = !*flag;
    *flag = 1;
    pthread_mutex_unlock(&g_log_lock);
    if (first) qlrt_logf(QLRT_LV_WARN, "%s (logged once; see docs/RUNTIME.md, \"OSI and log\")", what);
}

ql_errcode_log_e ql_log_set_port(ql_log_port_e dst_port)
{
    static int warned;
    (void)dst_port;
    log_warn_once(&warned, "ql_log_set_port: the host has one log output (stderr): QL_LOG_PORT_SET_ERR");
    return QL_LOG_PORT_SET_ERR;
}

void ql_fs_trace_init(void)
{
    static int warned;
    log_warn_once(&warned, "ql_fs_trace_init: logs are not saved to a file system on the host (stderr only)");
}

static ql_errcode_log_e no_trace_files(const void *p, int *warned, const char *fn)
{
    char what[160];
    if (p == NULL) return QL_LOG_INVALID_PARAM_ERR;
    snprintf(what, sizeof(what), "%s: the host keeps no trace files: QL_LOG_EXECUTE_ERR", fn);
    log_warn_once(warned, what);
    return QL_LOG_EXECUTE_ERR;
}

ql_errcode_log_e ql_log_set_trace_max_size(ql_fs_trace_cfg_t *trace_cfg)
{
    static int warned;
    return no_trace_files(trace_cfg, &warned, "ql_log_set_trace_max_size");
}

ql_errcode_log_e ql_log_get_trace_max_size(ql_fs_trace_cfg_t *trace_cfg)
{
    static int warned;
    return no_trace_files(trace_cfg, &warned, "ql_log_get_trace_max_size");
}

ql_errcode_log_e ql_log_set_fs_trace_opt(uint32 opt, bool enable)
{
    static int warned;
    static const char dummy = 0;
    (void)opt;
    (void)enable;
    return no_trace_files(&dummy, &warned, "ql_log_set_fs_trace_opt");
}

ql_errcode_log_e ql_log_get_fs_trace_opt(uint32 *opt)
{
    if (opt == NULL) return QL_LOG_INVALID_PARAM_ERR;
    *opt = 0; /* true on the host: no log is saved to a file system */
    return QL_LOG_SUCCESS;
}

ql_errcode_log_e ql_log_pcap_get_from_nv(void)
{
    static int warned;
    log_warn_once(&warned, "ql_log_pcap_get_from_nv: the host has no NV store: QL_LOG_EXECUTE_ERR");
    return QL_LOG_EXECUTE_ERR;
}

ql_errcode_log_e ql_log_pcap_get(ql_log_pcap_e *flag)
{
    if (flag == NULL) return QL_LOG_INVALID_PARAM_ERR;
    *flag = QL_LOG_PCAP_NONE; /* true on the host: nothing is captured */
    return QL_LOG_SUCCESS;
}

ql_errcode_log_e ql_log_pcap_set(ql_log_pcap_e flag)
{
    static int warned;
    if (flag == QL_LOG_PCAP_NONE) return QL_LOG_SUCCESS;
    log_warn_once(&warned, "ql_log_pcap_set: the host has no PPP/ECM link to capture: QL_LOG_EXECUTE_ERR");
    return QL_LOG_EXECUTE_ERR;
}
