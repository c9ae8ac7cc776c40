/*
 * interop_client - one interop matrix cell: connect to a loopback peer through the ql_ssl_* API,
 * handshake, exchange data, report. Written for tests/interop (see docs/INTEROP.md).
 *
 * Usage: interop_client key=value ...
 *   port=N                 peer port on 127.0.0.1 (required)
 *   host=A.B.C.D           peer address (default 127.0.0.1; only loopback addresses are accepted)
 *   label=TEXT             cell name echoed in every result line
 *   transport=tls|dtls     TCP or connected-UDP socket (default tls)
 *   version=0..4           QL_SSL_CONF_VERSION (not set when absent: library default)
 *   dtlsversion=0|1        QL_SSL_CONF_DTLSVERSION (not set when absent)
 *   suites=all|ID,ID,...   QL_SSL_CONF_CIPHERSUITE list (hex 0x.. or decimal; "all" = 0xFFFF);
 *                          not set when absent (library default = all)
 *   auth=0..3              QL_SSL_CONF_AUTHMODE (default: not set = 0)
 *   ca=PATH                QL_SSL_CONF_CACERT (repeatable, up to 10)
 *   hostname=NAME          ql_ssl_set_hostname() before the handshake
 *   sni=0|1                QL_SSL_CONF_SNI
 *   psk_identity=ID        QL_SSL_CONF_PSK_IDENTITY
 *   psk_key=HEX            QL_SSL_CONF_PSK_KEY (hex string)
 *   cache=0|1              QL_SSL_CONF_SESSION_CACHE
 *   reneg=0|1              QL_SSL_CONF_RENEGOTIATION
 *   hs_timeout=S           QL_SSL_CONF_HS_TIMEOUT (default 10)
 *   conns=N                connections made one after the other from the same config (1..16,
 *                          default 1); with cache=1 connections 2..N offer the cached session
 *   nbio=0|1               O_NONBLOCK socket driven by select() (default 0: blocking)
 *   mode=none|http|echo|send|read
 *                          none: handshake, close_notify.
 *                          http: send `request` (default "GET / HTTP/1.0\r\n\r\n"), read the
 *                                response until the peer closes, `until` is seen, or io_timeout.
 *                          echo: send a line, read until the same bytes came back.
 *                          send: send the line only (a peer that prints what it receives, like
 *                                `openssl s_server` in DTLS mode, is checked from its log).
 *                          read: print an "established" event line, then read until `until` is
 *                                seen or io_timeout (used with peers driven from their stdin).
 *   request=TEXT           http request (C escapes \r \n \\ are decoded)
 *   until=TEXT             stop reading once TEXT was received (http/read modes)
 *   io_timeout=S           bound of the data exchange per connection (default 8)
 *   save=PREFIX            write the data received on connection i to PREFIX.i
 *   gap_ms=N               pause between connections (default 0)
 *
 * Output: one line per connection,
 *   QLSSL-INTEROP {"label":..,"conn":i,"setup":rc,"handshake":rc,"hs_ms":..,"suite":id,
 *                  "resumed":0|1|-1,"exchange":"ok"|"fail"|"skip","rx_bytes":n,"timeout_cb":n,
 *                  "error":"ql_ssl_last_error text","exch_error":".."}
 * plus, in read mode, QLSSL-INTEROP-EVENT {"label":..,"conn":i,"event":"established"} lines.
 * Exit status: 0 when every connection handshook and exchanged data, 1 otherwise, 2 usage error,
 * 3 watchdog (the whole run exceeded its time bound).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ql_ssl.h"

#include "qlssl_test.h"

#define MAX_SUITES 40
#define MAX_CA 10
#define MAX_CONNS 16
#define RX_CAP 65536

typedef struct {
    const char *label;
    const char *host;
    int port;
    int dtls;
    int version;       /* -1: not set */
    int dtlsversion;   /* -1: not set */
    int suites[MAX_SUITES + 1];
    int n_suites;      /* -1: not set */
    int auth;          /* -1: not set */
    const char *ca[MAX_CA];
    int n_ca;
    const char *hostname;
    int sni;           /* -1: not set */
    const char *psk_identity;
    const char *psk_key;
    int cache;         /* -1: not set */
    int reneg;         /* -1: not set */
    int hs_timeout;
    int conns;
    int nbio;
    const char *mode;
    char request[1024];
    char until[256];
    int io_timeout;
    const char *save;
    int gap_ms;
} cell_t;

static const char *g_label = "";

/* ---- small helpers -------------------------------------------------------------------------- */

static void sleep_ms(int ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void usage(const char *why)
{
    fprintf(stderr, "interop_client: %s (see the comment at the top of interop_client.c)\n", why);
    exit(2);
}

static int parse_int(const char *s, const char *what)
{
    char *end = NULL;
    long v;
    errno = 0;
    v = strtol(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || v < -2147483647L || v > 2147483647L) {
        char msg[128];
        snprintf(msg, sizeof msg, "bad number for %s: '%s'", what, s);
        usage(msg);
    }
    return (int)v;
}

/* Decode \r \n \t \\ escapes of `in` into out (size cap). */
static void unescape(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    while (*in != '\0' && o + 1 < cap) {
        if (in[0] == '\\' && in[1] != '\0') {
            char c = in[1];
            out[o++] = c == 'r' ? '\r' : c == 'n' ? '\n' : c == 't' ? '\t' : c;
            in += 2;
        } else {
            out[o++] = *in++;
        }
    }
    out[o] = '\0';
}

/* JSON string body of `s` (n bytes) into out. Non-printable bytes become \u00XX. */
static void json_escape(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    size_t i;
    for (i = 0; i < n && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

/* The short names ("WANT_READ") are what scripts/interop_matrix.py reads from the result lines. */
static const char *result_name(int rc)
{
    return tc_rc_name(rc, 1, "?", "?");
}

/* ---- watchdog: a cell never hangs the runner ------------------------------------------------ */

static void on_alarm(int sig)
{
    static const char msg[] = "QLSSL-INTEROP-WATCHDOG the cell exceeded its time bound\n";
    (void)sig;
    if (write(STDOUT_FILENO, msg, sizeof msg - 1) < 0) {
        /* nothing more can be done in a signal handler */
    }
    _exit(3);
}

/* ---- the negotiate-timeout callback --------------------------------------------------------- */

static void on_hs_timeout(ql_ssl_context *ctx, void *arg)
{
    (void)ctx;
    (*(int *)arg)++;
}

/* ---- socket --------------------------------------------------------------------------------- */

static int open_socket(const cell_t *c, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, c->dtls ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)c->port);
    if (inet_pton(AF_INET, c->host, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "bad host address %s", c->host);
        close(fd);
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        snprintf(err, errlen, "connect %s:%d: %s", c->host, c->port, strerror(errno));
        close(fd);
        return -1;
    }
    if (c->nbio) {
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
            snprintf(err, errlen, "fcntl O_NONBLOCK: %s", strerror(errno));
            close(fd);
            return -1;
        }
    }
    return fd;
}

/* Wait until fd is readable (want_write=0) or writable (1), at most `timeout_s`. 1 ready, 0 not. */
static int poll_fd(int fd, int want_write, double timeout_s)
{
    struct pollfd p;
    int ms = timeout_s <= 0 ? 0 : (int)(timeout_s * 1000.0) + 1;
    int r;
    p.fd = fd;
    p.events = want_write ? POLLOUT : POLLIN;
    p.revents = 0;
    do {
        r = poll(&p, 1, ms);
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

/* select() as the SDK demo does, for the non-blocking handshake loop. */
static void select_fd(int fd, int want_write, double timeout_s)
{
    fd_set set;
    struct timeval tv;
    if (timeout_s < 0) {
        timeout_s = 0;
    }
    FD_ZERO(&set);
    FD_SET(fd, &set);
    tv.tv_sec = (time_t)timeout_s;
    tv.tv_usec = (suseconds_t)((timeout_s - (double)tv.tv_sec) * 1e6);
    if (select(fd + 1, want_write ? NULL : &set, want_write ? &set : NULL, NULL, &tv) < 0 && errno != EINTR) {
        sleep_ms(10);
    }
}

/* ---- one connection ------------------------------------------------------------------------- */

typedef struct {
    int setup;
    int handshake;
    double hs_ms;
    int suite;
    int resumed;
    const char *exchange;
    char exch_error[384];
    char error[512];
    size_t rx_len;
    char *rx;
} conn_result_t;

static void last_error(char *buf, size_t len)
{
    buf[0] = '\0';
    if (ql_ssl_last_error(buf, len) != QL_SSL_SUCCESS) {
        buf[0] = '\0';
    }
}

static int rx_contains(const conn_result_t *r, const char *needle)
{
    size_t n = strlen(needle);
    size_t i;
    if (n == 0 || r->rx_len < n) {
        return 0;
    }
    for (i = 0; i + n <= r->rx_len; i++) {
        if (memcmp(r->rx + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Write all of buf, waiting for the socket when needed. 0 ok, else the failing rc. */
static int write_all(ql_ssl_context *ctx, int fd, const unsigned char *buf, size_t len, double deadline)
{
    size_t off = 0;
    int guard;
    for (guard = 0; off < len && guard < 100000; guard++) {
        int rc = ql_ssl_write(ctx, buf + off, len - off);
        if (rc > 0) {
            off += (size_t)rc;
        } else if (rc == QL_SSL_ERROR_WANT_WRITE || rc == QL_SSL_ERROR_WANT_READ) {
            if (now_s() >= deadline) {
                return QL_SSL_ERROR_WANT_WRITE;
            }
            poll_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE, deadline - now_s());
        } else {
            return rc == 0 ? QL_SSL_ERROR_UNKOWN : rc;
        }
    }
    return off == len ? 0 : QL_SSL_ERROR_UNKOWN;
}

/*
 * Read into r->rx until: the peer closes (read returns 0), `until` is seen, `want` bytes arrived
 * (want > 0), or the deadline. Returns 0 on a close/stop condition, 1 on deadline, <0 error rc.
 */
static int read_loop(ql_ssl_context *ctx, int fd, conn_result_t *r, const char *until, size_t want,
                     double deadline)
{
    int guard;
    for (guard = 0; guard < 100000; guard++) {
        int rc;
        if (r->rx_len + 1 >= RX_CAP) {
            return 0;
        }
        if (until != NULL && until[0] != '\0' && rx_contains(r, until)) {
            return 0;
        }
        if (want > 0 && r->rx_len >= want) {
            return 0;
        }
        if (now_s() >= deadline) {
            return 1;
        }
        /* Blocking sockets: only call read when something is there (or already decrypted). */
        if (ql_ssl_get_bytes_avail(ctx) <= 0 && !poll_fd(fd, 0, deadline - now_s())) {
            continue;
        }
        rc = ql_ssl_read(ctx, (unsigned char *)r->rx + r->rx_len, RX_CAP - 1 - r->rx_len);
        if (rc > 0) {
            r->rx_len += (size_t)rc;
            r->rx[r->rx_len] = '\0';
        } else if (rc == 0) {
            return 0;
        } else if (rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE) {
            poll_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE, 0.05);
        } else {
            return rc;
        }
    }
    return 1;
}

static void run_exchange(const cell_t *c, ql_ssl_context *ctx, int fd, int conn_no, conn_result_t *r)
{
    double deadline = now_s() + c->io_timeout;
    int rc;
    r->exchange = "fail";
    if (strcmp(c->mode, "none") == 0) {
        r->exchange = "skip";
        return;
    }
    if (strcmp(c->mode, "http") == 0) {
        rc = write_all(ctx, fd, (const unsigned char *)c->request, strlen(c->request), deadline);
        if (rc != 0) {
            snprintf(r->exch_error, sizeof r->exch_error, "write: %d %s", rc, result_name(rc));
            return;
        }
        rc = read_loop(ctx, fd, r, c->until, 0, deadline);
        if (rc < 0 && !(rc == QL_SSL_ERROR_SOCKET_RESET && r->rx_len > 0)) {
            snprintf(r->exch_error, sizeof r->exch_error, "read: %d %s after %zu bytes", rc, result_name(rc),
                     r->rx_len);
            return;
        }
        if (r->rx_len == 0) {
            snprintf(r->exch_error, sizeof r->exch_error, "no response within %d s", c->io_timeout);
            return;
        }
        if (c->until[0] != '\0' && !rx_contains(r, c->until)) {
            snprintf(r->exch_error, sizeof r->exch_error, "response lacks the expected end marker");
            return;
        }
        r->exchange = "ok";
        return;
    }
    if (strcmp(c->mode, "echo") == 0 || strcmp(c->mode, "send") == 0) {
        char line[256];
        int n = snprintf(line, sizeof line, "qlssl-interop %.200s conn %d %ld\n", c->label, conn_no,
                         (long)getpid());
        if (n < 0 || n >= (int)sizeof line) {
            n = (int)sizeof line - 1;
        }
        rc = write_all(ctx, fd, (const unsigned char *)line, (size_t)n, deadline);
        if (rc != 0) {
            snprintf(r->exch_error, sizeof r->exch_error, "write: %d %s", rc, result_name(rc));
            return;
        }
        if (c->mode[0] == 's') {
            r->exchange = "ok";
            return;
        }
        rc = read_loop(ctx, fd, r, NULL, (size_t)n, deadline);
        if (rc < 0) {
            snprintf(r->exch_error, sizeof r->exch_error, "read: %d %s", rc, result_name(rc));
            return;
        }
        if (r->rx_len < (size_t)n || memcmp(r->rx, line, (size_t)n) != 0) {
            snprintf(r->exch_error, sizeof r->exch_error, "echo mismatch: sent %d bytes, got %zu", n,
                     r->rx_len);
            return;
        }
        r->exchange = "ok";
        return;
    }
    if (strcmp(c->mode, "read") == 0) {
        printf("QLSSL-INTEROP-EVENT {\"label\":\"%s\",\"conn\":%d,\"event\":\"established\",\"suite\":%d}\n",
               g_label, conn_no, r->suite);
        fflush(stdout);
        rc = read_loop(ctx, fd, r, c->until, 0, deadline);
        if (rc < 0) {
            snprintf(r->exch_error, sizeof r->exch_error, "read: %d %s after %zu bytes", rc, result_name(rc),
                     r->rx_len);
            return;
        }
        if (c->until[0] != '\0' && !rx_contains(r, c->until)) {
            snprintf(r->exch_error, sizeof r->exch_error, "'%.64s' not received within %d s", c->until,
                     c->io_timeout);
            return;
        }
        r->exchange = "ok";
        return;
    }
    snprintf(r->exch_error, sizeof r->exch_error, "unknown mode");
}

static void print_result(const cell_t *c, int conn_no, const conn_result_t *r, int timeout_cb)
{
    char err[1100];
    char exch[600];
    char label[600];
    json_escape(r->error, strlen(r->error), err, sizeof err);
    json_escape(r->exch_error, strlen(r->exch_error), exch, sizeof exch);
    json_escape(c->label, strlen(c->label), label, sizeof label);
    printf("QLSSL-INTEROP {\"label\":\"%s\",\"conn\":%d,\"setup\":%d,\"setup_name\":\"%s\","
           "\"handshake\":%d,\"handshake_name\":\"%s\",\"hs_ms\":%.1f,\"suite\":%d,\"resumed\":%d,"
           "\"exchange\":\"%s\",\"rx_bytes\":%zu,\"timeout_cb\":%d,\"nbio\":%d,"
           "\"error\":\"%s\",\"exch_error\":\"%s\"}\n",
           label, conn_no, r->setup, result_name(r->setup), r->handshake, result_name(r->handshake), r->hs_ms,
           r->suite, r->resumed, r->exchange, r->rx_len, timeout_cb, c->nbio, err, exch);
    fflush(stdout);
}

static void save_rx(const cell_t *c, int conn_no, const conn_result_t *r)
{
    char path[1024];
    FILE *f;
    if (c->save == NULL) {
        return;
    }
    snprintf(path, sizeof path, "%s.%d", c->save, conn_no);
    f = fopen(path, "wb");
    if (f == NULL) {
        return;
    }
    if (r->rx_len > 0 && fwrite(r->rx, 1, r->rx_len, f) != r->rx_len) {
        fprintf(stderr, "interop_client: short write to %s\n", path);
    }
    fclose(f);
}

/* Apply every configured item to conf; returns 0 or the failing rc (error text in err). */
static int configure(const cell_t *c, ql_ssl_config *conf, int *timeout_hits, char *err, size_t errlen)
{
    int rc;
    int i;
#define SET(...)                                                                          \
    do {                                                                                  \
        rc = ql_ssl_conf_set(conf, __VA_ARGS__);                                          \
        if (rc != QL_SSL_SUCCESS) {                                                       \
            char le_[400];                                                                \
            last_error(le_, sizeof le_);                                                  \
            snprintf(err, errlen, "conf_set(%s) -> %d %s: %s", #__VA_ARGS__, rc, result_name(rc), le_); \
            return rc;                                                                    \
        }                                                                                 \
    } while (0)
    SET(QL_SSL_CONF_TRANSPORT, c->dtls ? QL_SSL_DTLS_PROTOCOL : QL_SSL_TLS_PROTOCOL);
    if (c->version >= 0) {
        SET(QL_SSL_CONF_VERSION, c->version);
    }
    if (c->dtlsversion >= 0) {
        SET(QL_SSL_CONF_DTLSVERSION, c->dtlsversion);
    }
    if (c->n_suites >= 0) {
        /* A zero-terminated array on this thread's stack: borrowed by the config (see ql_ssl.h). */
        int list[MAX_SUITES + 1];
        for (i = 0; i < c->n_suites; i++) {
            list[i] = c->suites[i];
        }
        list[c->n_suites] = 0;
        SET(QL_SSL_CONF_CIPHERSUITE, list);
    }
    if (c->psk_identity != NULL) {
        SET(QL_SSL_CONF_PSK_IDENTITY, c->psk_identity);
    }
    if (c->psk_key != NULL) {
        SET(QL_SSL_CONF_PSK_KEY, c->psk_key);
    }
    if (c->auth >= 0) {
        SET(QL_SSL_CONF_AUTHMODE, c->auth);
    }
    if (c->n_ca > 0) {
        /* One call with every path: (char **paths, int count) replaces the whole list. */
        SET(QL_SSL_CONF_CACERT, (char **)c->ca, c->n_ca);
    }
    if (c->sni >= 0) {
        SET(QL_SSL_CONF_SNI, c->sni);
    }
    if (c->cache >= 0) {
        SET(QL_SSL_CONF_SESSION_CACHE, c->cache);
    }
    if (c->reneg >= 0) {
        SET(QL_SSL_CONF_RENEGOTIATION, c->reneg);
    }
    SET(QL_SSL_CONF_HS_TIMEOUT, c->hs_timeout);
    SET(QL_SSL_CONF_HS_TIMEOUT_FUNC, on_hs_timeout, (void *)timeout_hits);
#undef SET
    return 0;
}

static int one_connection(const cell_t *c, ql_ssl_config *conf, int conn_no)
{
    conn_result_t r;
    ql_ssl_context ctx = -1;
    int timeout_hits = 0;
    int fd;
    int rc;
    int ok = 0;
    double t0;

    memset(&r, 0, sizeof r);
    r.suite = -1;
    r.resumed = -1;
    r.handshake = 1; /* "not attempted" */
    r.exchange = "skip";
    r.rx = calloc(1, RX_CAP);
    if (r.rx == NULL) {
        fprintf(stderr, "interop_client: out of memory\n");
        exit(2);
    }
    /* The timeout callback's counter must be the one the config points at. */
    rc = ql_ssl_conf_set(conf, QL_SSL_CONF_HS_TIMEOUT_FUNC, on_hs_timeout, (void *)&timeout_hits);
    if (rc != QL_SSL_SUCCESS) {
        snprintf(r.error, sizeof r.error, "conf_set(HS_TIMEOUT_FUNC) -> %d", rc);
        r.setup = rc;
        print_result(c, conn_no, &r, timeout_hits);
        free(r.rx);
        return 0;
    }

    fd = open_socket(c, r.error, sizeof r.error);
    if (fd < 0) {
        r.setup = QL_SSL_ERROR_UNKOWN;
        print_result(c, conn_no, &r, timeout_hits);
        free(r.rx);
        return 0;
    }
    rc = ql_ssl_new(&ctx);
    if (rc == QL_SSL_SUCCESS) {
        rc = ql_ssl_setup(&ctx, conf);
    }
    if (rc == QL_SSL_SUCCESS) {
        rc = ql_ssl_set_socket_fd(&ctx, fd);
    }
    if (rc == QL_SSL_SUCCESS && c->hostname != NULL) {
        rc = ql_ssl_set_hostname(&ctx, c->hostname);
    }
    r.setup = rc;
    if (rc != QL_SSL_SUCCESS) {
        last_error(r.error, sizeof r.error);
        goto out;
    }

    t0 = now_s();
    if (!c->nbio) {
        r.handshake = ql_ssl_handshake(&ctx);
    } else {
        /* The SDK demo's loop: call again when select() says the socket is ready. */
        double bound = t0 + c->hs_timeout + 5.0;
        int guard;
        r.handshake = QL_SSL_ERROR_WANT_READ;
        for (guard = 0; guard < 1000000; guard++) {
            r.handshake = ql_ssl_handshake(&ctx);
            if (r.handshake != QL_SSL_ERROR_WANT_READ && r.handshake != QL_SSL_ERROR_WANT_WRITE) {
                break;
            }
            if (now_s() > bound) {
                snprintf(r.exch_error, sizeof r.exch_error,
                         "non-blocking handshake still returned %s %.1f s after its %d s timeout",
                         result_name(r.handshake), now_s() - t0 - c->hs_timeout, c->hs_timeout);
                break;
            }
            select_fd(fd, r.handshake == QL_SSL_ERROR_WANT_WRITE, 0.2);
        }
    }
    r.hs_ms = (now_s() - t0) * 1000.0;
    if (r.handshake != QL_SSL_SUCCESS) {
        last_error(r.error, sizeof r.error);
        goto out;
    }
    r.suite = ql_ssl_get_ciphersuite(&ctx);
    r.resumed = ql_ssl_session_resumed(&ctx);
    run_exchange(c, &ctx, fd, conn_no, &r);
    if (strcmp(r.exchange, "fail") == 0 && r.error[0] == '\0') {
        last_error(r.error, sizeof r.error);
    }
    ok = strcmp(r.exchange, "fail") != 0;
    /* Orderly shutdown; a peer that already closed may make this fail, which is fine. */
    {
        double deadline = now_s() + 2.0;
        int guard;
        for (guard = 0; guard < 1000; guard++) {
            rc = ql_ssl_close_notify(&ctx);
            if ((rc != QL_SSL_ERROR_WANT_WRITE && rc != QL_SSL_ERROR_WANT_READ) || now_s() > deadline) {
                break;
            }
            poll_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE, 0.05);
        }
    }
out:
    print_result(c, conn_no, &r, timeout_hits);
    save_rx(c, conn_no, &r);
    if (ctx != -1) {
        ql_ssl_free(&ctx);
    }
    close(fd);
    free(r.rx);
    return ok;
}

static void parse_suites(cell_t *c, const char *v)
{
    char buf[1024];
    char *save = NULL;
    char *tok;
    snprintf(buf, sizeof buf, "%s", v);
    c->n_suites = 0;
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (c->n_suites >= MAX_SUITES) {
            usage("too many suites");
        }
        c->suites[c->n_suites++] = strcmp(tok, "all") == 0 ? QL_SSL_CIPHERSUITE_ALL : parse_int(tok, "suite");
    }
    if (c->n_suites == 0) {
        usage("empty suite list");
    }
}

int main(int argc, char **argv)
{
    cell_t c;
    ql_ssl_config conf;
    int i;
    int all_ok = 1;
    int rc;
    char err[512];
    int timeout_hits = 0;
    struct in_addr a;

    memset(&c, 0, sizeof c);
    c.label = "cell";
    c.host = "127.0.0.1";
    c.version = -1;
    c.dtlsversion = -1;
    c.n_suites = -1;
    c.auth = -1;
    c.sni = -1;
    c.cache = -1;
    c.reneg = -1;
    c.hs_timeout = 10;
    c.conns = 1;
    c.mode = "none";
    c.io_timeout = 8;
    snprintf(c.request, sizeof c.request, "GET / HTTP/1.0\r\n\r\n");

    for (i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        const char *k = argv[i];
        const char *v;
        if (eq == NULL) {
            usage("arguments are key=value");
        }
        *eq = '\0';
        v = eq + 1;
        if (strcmp(k, "port") == 0) c.port = parse_int(v, k);
        else if (strcmp(k, "host") == 0) c.host = v;
        else if (strcmp(k, "label") == 0) c.label = v;
        else if (strcmp(k, "transport") == 0) {
            if (strcmp(v, "tls") == 0) c.dtls = 0;
            else if (strcmp(v, "dtls") == 0) c.dtls = 1;
            else usage("transport is tls or dtls");
        }
        else if (strcmp(k, "version") == 0) c.version = parse_int(v, k);
        else if (strcmp(k, "dtlsversion") == 0) c.dtlsversion = parse_int(v, k);
        else if (strcmp(k, "suites") == 0) parse_suites(&c, v);
        else if (strcmp(k, "auth") == 0) c.auth = parse_int(v, k);
        else if (strcmp(k, "ca") == 0) {
            if (c.n_ca >= MAX_CA) usage("too many ca=");
            c.ca[c.n_ca++] = v;
        }
        else if (strcmp(k, "hostname") == 0) c.hostname = v;
        else if (strcmp(k, "sni") == 0) c.sni = parse_int(v, k);
        else if (strcmp(k, "psk_identity") == 0) c.psk_identity = v;
        else if (strcmp(k, "psk_key") == 0) c.psk_key = v;
        else if (strcmp(k, "cache") == 0) c.cache = parse_int(v, k);
        else if (strcmp(k, "reneg") == 0) c.reneg = parse_int(v, k);
        else if (strcmp(k, "hs_timeout") == 0) c.hs_timeout = parse_int(v, k);
        else if (strcmp(k, "conns") == 0) c.conns = parse_int(v, k);
        else if (strcmp(k, "nbio") == 0) c.nbio = parse_int(v, k);
        else if (strcmp(k, "mode") == 0) c.mode = v;
        else if (strcmp(k, "request") == 0) unescape(v, c.request, sizeof c.request);
        else if (strcmp(k, "until") == 0) unescape(v, c.until, sizeof c.until);
        else if (strcmp(k, "io_timeout") == 0) c.io_timeout = parse_int(v, k);
        else if (strcmp(k, "save") == 0) c.save = v;
        else if (strcmp(k, "gap_ms") == 0) c.gap_ms = parse_int(v, k);
        else {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown key '%s'", k);
            usage(msg);
        }
    }
    if (c.port <= 0 || c.port > 65535) usage("port=1..65535 is required");
    if (c.conns < 1 || c.conns > MAX_CONNS) usage("conns=1..16");
    if (c.io_timeout < 1 || c.io_timeout > 120) usage("io_timeout=1..120");
    if (c.hs_timeout < 1 || c.hs_timeout > 120) usage("hs_timeout=1..120 here");
    if (c.gap_ms < 0 || c.gap_ms > 10000) usage("gap_ms=0..10000");
    if (strcmp(c.mode, "none") != 0 && strcmp(c.mode, "http") != 0 && strcmp(c.mode, "echo") != 0 &&
        strcmp(c.mode, "send") != 0 && strcmp(c.mode, "read") != 0) {
        usage("mode is none, http, echo, send or read");
    }
    /* Loopback only: this program must never reach another host. */
    if (inet_pton(AF_INET, c.host, &a) != 1 || (ntohl(a.s_addr) >> 24) != 127) {
        usage("host must be a 127.x.y.z loopback address");
    }
    g_label = c.label;

    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm((unsigned)(c.conns * (c.hs_timeout + c.io_timeout + 6) + 10));

    rc = ql_ssl_conf_init(&conf);
    if (rc != QL_SSL_SUCCESS) {
        fprintf(stderr, "interop_client: ql_ssl_conf_init -> %d\n", rc);
        return 1;
    }
    err[0] = '\0';
    rc = configure(&c, &conf, &timeout_hits, err, sizeof err);
    if (rc != 0) {
        conn_result_t r;
        memset(&r, 0, sizeof r);
        r.setup = rc;
        r.handshake = 1;
        r.suite = -1;
        r.resumed = -1;
        r.exchange = "skip";
        snprintf(r.error, sizeof r.error, "%s", err);
        print_result(&c, 1, &r, 0);
        ql_ssl_conf_free(&conf);
        return 1;
    }
    for (i = 1; i <= c.conns; i++) {
        if (!one_connection(&c, &conf, i)) {
            all_ok = 0;
        }
        if (c.gap_ms > 0 && i < c.conns) {
            sleep_ms(c.gap_ms);
        }
    }
    ql_ssl_conf_free(&conf);
    return all_ok ? 0 : 1;
}
