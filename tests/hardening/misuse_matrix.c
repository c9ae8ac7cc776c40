/*
 * Misuse matrix: every exported ql_ssl_* function against NULL, garbage and freed handles, every
 * context state (new, set up, established, closed, failed), uninitialised and freed configs, and
 * bad arguments - each with the code ql_ssl.h documents (INVALID_PARAM for bad handles and wrong
 * states unless the header says otherwise; HS_INPROGRESS for read/write/get_bytes_avail after
 * setup and before the handshake is done).
 *
 * Every cell builds its own fresh context in the required state, makes exactly one call and
 * compares the result with the expectation written in the tables below. The same tables produce
 * the matrix in docs/HARDENING.md (mode "markdown"; ctest hardening_misuse_doc_in_sync checks that
 * the document holds exactly this output), so the documentation cannot drift from the test.
 *
 * Usage: misuse_matrix check | known-defects | markdown
 *   check          all cells except known library defects must match (fails otherwise)
 *   known-defects  the cells listed in KNOWN_DEFECTS must match: FAILS UNTIL THE LIBRARY IS FIXED
 *   markdown       print the tables (with results) for docs/HARDENING.md
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hsupport.h"

/* The exported historic symbols themselves (ql_ssl.h maps the names to the new ones by macro). */
#undef ql_ssl_handshark
#undef ql_ssl_handshark_finished
int ql_ssl_handshark(ql_ssl_context *ssl);
int ql_ssl_handshark_finished(ql_ssl_context *ssl);

/* Expectations that are not a single code. */
#define X_NA 1000001  /* not called: the call is normal use covered elsewhere, or blocks by design */
#define X_POS 1000002 /* any value > 0 */

enum { S_NULL, S_GARBAGE, S_FREED, S_NEW, S_SETUP, S_ESTABLISHED, S_CLOSED, S_FAILED, N_STATES };
static const char *const STATE_NAMES[N_STATES] = {
    "NULL", "garbage", "freed", "new", "set up", "established", "closed", "failed"};
static const char *const STATE_HELP[N_STATES] = {
    "`ssl` is NULL",
    "`*ssl` is a value ql_ssl_new() never issued (0x5A5A5A5A)",
    "`*ssl` was released with ql_ssl_free()",
    "after ql_ssl_new() only",
    "after ql_ssl_setup() (verifying config), ql_ssl_set_socket_fd() and ql_ssl_set_hostname(); no handshake yet",
    "handshake with bench/tls_server completed (ECDHE-RSA-AES128-GCM-SHA256, server verified)",
    "established, then ql_ssl_close_notify()",
    "handshake failed: the peer answered the ClientHello with non-TLS bytes (HS_FAILURE)",
};

#define INV QL_SSL_ERROR_INVALID_PARAM
#define OK QL_SSL_SUCCESS
#define HSIP QL_SSL_ERROR_HS_INPROGRESS
#define HSF QL_SSL_ERROR_HS_FAILURE

typedef struct {
    ql_ssl_context handle;
    ql_ssl_context *ctx; /* what the call receives */
    int fd, peer_fd;     /* socket bound to the context, the other end of a socketpair (or -1) */
    int state;
} fixture;

static ql_ssl_config g_conf;
static h_peer g_server;
static int g_mode_markdown, g_mode_defects;
static int g_failures, g_defect_failures;
static char g_md[65536];
static size_t g_md_len;

static void md(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void md(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(g_md + g_md_len, sizeof g_md - g_md_len, fmt, ap);
    va_end(ap);
    H_CHECK(n >= 0 && (size_t)n < sizeof g_md - g_md_len, "markdown buffer full");
    g_md_len += (size_t)n;
}

/* Text of a value: numeric rows (counts, flags, ids) print non-negative values as numbers, code
 * rows print 0 as SUCCESS; errors always by name without the QL_SSL_ERROR_ prefix. */
static const char *short_name(int v, int numeric, char *buf, size_t cap)
{
    const char *n;
    if (v == X_NA) {
        return "—";
    }
    if (v == X_POS) {
        return "> 0";
    }
    if (v > 0 || (v == 0 && numeric)) {
        snprintf(buf, cap, "%d", v);
        return buf;
    }
    n = h_rc_name(v);
    if (strncmp(n, "QL_SSL_ERROR_", 13) == 0) {
        return n + 13;
    }
    if (strncmp(n, "QL_SSL_", 7) == 0) {
        return n + 7;
    }
    snprintf(buf, cap, "%d", v);
    return buf;
}

/* What ql_ssl_conf_set(QL_SSL_CONF_VERSION) answers for QL_SSL_VERSION_4 / _TLS12_TLS13: CMake
 * defines HARDENING_TLS13_LIB when the matrix is built against a --features tls13 library
 * (-DHARDENING_TLS13=ON); the default library refuses both values. */
#ifdef HARDENING_TLS13_LIB
#define TLS13_VERSION_EXPECTED QL_SSL_SUCCESS
#else
#define TLS13_VERSION_EXPECTED QL_SSL_ERROR_NOT_SUPPORT
#endif

static int matches(int expected, int actual)
{
    return expected == X_POS ? actual > 0 : expected == actual;
}

/* ---- Known library defects: cells whose documented expectation the library does not meet yet. ----
 * They are excluded from "check" (so the rest of the matrix keeps guarding against regressions) and
 * are exactly what "known-defects" checks, so ctest hardening_misuse_known_defects FAILS until the
 * library is fixed; then remove the entry here and regenerate docs/HARDENING.md. */
static const struct {
    const char *row, *col;
} KNOWN_DEFECTS[] = {
    /* None open. (close_notify before the handshake answered HS_INPROGRESS; it is INVALID_PARAM
     * like every other wrong state since the fix in src/connection.rs.) The sentinel row is never
     * matched: C has no empty arrays. */
    {NULL, NULL},
};

static int is_known_defect(const char *row, const char *col)
{
    for (size_t i = 0; i < sizeof KNOWN_DEFECTS / sizeof KNOWN_DEFECTS[0]; i++) {
        if (KNOWN_DEFECTS[i].row != NULL && strcmp(KNOWN_DEFECTS[i].row, row) == 0 &&
            strcmp(KNOWN_DEFECTS[i].col, col) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Record one cell; returns the markdown text for it. */
static const char *cell(const char *row, const char *col, int expected, int actual, int numeric, char *out,
                        size_t cap)
{
    char b1[32], b2[32];
    int defect = is_known_defect(row, col);
    int ok = expected == X_NA || matches(expected, actual);
    if (!ok) {
        if (defect) {
            g_defect_failures++;
        } else {
            g_failures++;
        }
        fprintf(stderr, "%s %s [%s]: expected %s, got %d (%s)\n", defect ? "KNOWN DEFECT" : "MISMATCH", row, col,
                short_name(expected, numeric, b1, sizeof b1), actual, h_rc_name(actual));
    } else if (defect) {
        fprintf(stderr, "FIXED? %s [%s] now matches: remove it from KNOWN_DEFECTS\n", row, col);
        g_defect_failures++; /* the list must be kept exact */
    }
    if (expected == X_NA) {
        snprintf(out, cap, "—");
    } else if (ok) {
        snprintf(out, cap, "%s", short_name(expected, numeric, b1, sizeof b1));
    } else {
        snprintf(out, cap, "%s ⚠ **got %s**", short_name(expected, numeric, b1, sizeof b1),
                 short_name(actual, numeric, b2, sizeof b2));
    }
    return out;
}

/* ---- Fixtures ------------------------------------------------------------------------------- */

static void fx_socketpair(fixture *f)
{
    int sv[2];
    H_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    f->fd = sv[0];
    f->peer_fd = sv[1];
}

static void fixture_make(fixture *f, int state)
{
    memset(f, 0, sizeof *f);
    f->fd = f->peer_fd = -1;
    f->state = state;
    f->ctx = &f->handle;
    switch (state) {
    case S_NULL:
        f->ctx = NULL;
        return;
    case S_GARBAGE:
        f->handle = 0x5A5A5A5A;
        return;
    case S_FREED:
        H_CHECK_RC(ql_ssl_new(&f->handle), OK);
        H_CHECK_RC(ql_ssl_free(&f->handle), OK);
        return;
    default:
        break;
    }
    H_CHECK_RC(ql_ssl_new(&f->handle), OK);
    if (state == S_NEW) {
        return;
    }
    H_CHECK_RC(ql_ssl_setup(&f->handle, &g_conf), OK);
    if (state == S_SETUP || state == S_FAILED) {
        fx_socketpair(f);
    } else {
        f->fd = h_connect(g_server.port);
    }
    H_CHECK_RC(ql_ssl_set_socket_fd(&f->handle, f->fd), OK);
    H_CHECK_RC(ql_ssl_set_hostname(&f->handle, "localhost"), OK);
    if (state == S_SETUP) {
        return;
    }
    if (state == S_FAILED) {
        static const char junk[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
        H_CHECK(write(f->peer_fd, junk, sizeof junk - 1) == (ssize_t)(sizeof junk - 1), "write junk");
        H_CHECK_RC(ql_ssl_handshake(&f->handle), HSF);
        return;
    }
    H_CHECK_RC(ql_ssl_handshake(&f->handle), OK);
    if (state == S_CLOSED) {
        H_CHECK_RC(ql_ssl_close_notify(&f->handle), OK);
    }
}

static void fixture_drop(fixture *f)
{
    if (f->state >= S_NEW) {
        ql_ssl_free(&f->handle); /* may already be freed by the call under test */
    }
    if (f->fd >= 0) {
        close(f->fd);
    }
    if (f->peer_fd >= 0) {
        close(f->peer_fd);
    }
}

/* ---- The calls (one per row) ------------------------------------------------------------------ */

static int c_setup(fixture *f) { return ql_ssl_setup(f->ctx, &g_conf); }
static int c_set_fd(fixture *f)
{
    int sv[2], rc;
    H_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    rc = ql_ssl_set_socket_fd(f->ctx, sv[0]);
    /* The context may now refer to sv[0]: keep it open until the fixture is dropped. */
    if (f->peer_fd < 0) {
        f->peer_fd = sv[0];
    } else {
        close(sv[0]);
    }
    close(sv[1]);
    return rc;
}
static int c_set_hostname(fixture *f) { return ql_ssl_set_hostname(f->ctx, "localhost"); }
static int c_handshake(fixture *f) { return ql_ssl_handshake(f->ctx); }
static int c_handshark(fixture *f) { return ql_ssl_handshark(f->ctx); }
static int c_close_notify(fixture *f) { return ql_ssl_close_notify(f->ctx); }
static int c_bytes_avail(fixture *f) { return ql_ssl_get_bytes_avail(f->ctx); }
static int c_read(fixture *f)
{
    unsigned char b = 0;
    if (f->state == S_ESTABLISHED) { /* ask the server for one byte first */
        H_CHECK(h_send_cmd(f->ctx, 'D', 1) == 9, "request");
    }
    return ql_ssl_read(f->ctx, &b, 1);
}
static int c_write(fixture *f)
{
    static const unsigned char cmd[9] = {'E', 0, 0, 0, 0, 0, 0, 0, 0}; /* echo 0 bytes */
    return ql_ssl_write(f->ctx, cmd, sizeof cmd);
}
static int c_finished(fixture *f) { return ql_ssl_handshake_finished(f->ctx); }
static int c_finished_hist(fixture *f) { return ql_ssl_handshark_finished(f->ctx); }
static int c_ciphersuite(fixture *f) { return ql_ssl_get_ciphersuite(f->ctx); }
static int c_resumed(fixture *f) { return ql_ssl_session_resumed(f->ctx); }
/* A pointer, not a code: 1 when a protocol is named. No state names one (no ALPN configured). */
static int c_alpn(fixture *f) { return ql_ssl_get_alpn(f->ctx) != NULL; }
static int c_verify_result(fixture *f)
{
    uint32_t flags = 0xFFFFFFFFu;
    return ql_ssl_get_verify_result(f->ctx, &flags);
}
static int c_free(fixture *f) { return ql_ssl_free(f->ctx); }

static const struct {
    const char *name;
    int (*call)(fixture *);
    int numeric; /* returns a count/flag/id rather than a result code */
    int expect[N_STATES];
} CTX_ROWS[] = {
    /*                                           NULL garbage freed new  setup  established closed failed */
    {"ql_ssl_setup(ssl, conf)", c_setup, 0, {INV, INV, INV, OK, INV, INV, INV, INV}},
    {"ql_ssl_set_socket_fd(ssl, fd)", c_set_fd, 0, {INV, INV, INV, OK, OK, INV, INV, INV}},
    {"ql_ssl_set_hostname(ssl, \"localhost\")", c_set_hostname, 0, {INV, INV, INV, OK, OK, INV, INV, INV}},
    {"ql_ssl_handshake(ssl)", c_handshake, 0, {INV, INV, INV, INV, X_NA, OK, OK, HSF}},
    {"ql_ssl_handshark(ssl) (symbol)", c_handshark, 0, {INV, INV, INV, INV, X_NA, OK, OK, HSF}},
    {"ql_ssl_close_notify(ssl)", c_close_notify, 0, {INV, INV, INV, INV, INV, OK, INV, HSF}},
    {"ql_ssl_get_bytes_avail(ssl)", c_bytes_avail, 1, {INV, INV, INV, INV, HSIP, 0, 0, HSF}},
    {"ql_ssl_read(ssl, buf, 1)", c_read, 1, {INV, INV, INV, INV, HSIP, 1, INV, HSF}},
    {"ql_ssl_write(ssl, buf, 9)", c_write, 1, {INV, INV, INV, INV, HSIP, 9, INV, HSF}},
    {"ql_ssl_handshake_finished(ssl)", c_finished, 1, {INV, INV, INV, 0, 0, 1, 1, 0}},
    {"ql_ssl_handshark_finished(ssl) (symbol)", c_finished_hist, 1, {INV, INV, INV, 0, 0, 1, 1, 0}},
    {"ql_ssl_get_ciphersuite(ssl)", c_ciphersuite, 1, {INV, INV, INV, INV, INV, X_POS, X_POS, INV}},
    {"ql_ssl_session_resumed(ssl)", c_resumed, 1, {INV, INV, INV, 0, 0, 0, 0, 0}},
    {"ql_ssl_get_alpn(ssl) != NULL", c_alpn, 1, {0, 0, 0, 0, 0, 0, 0, 0}},
    {"ql_ssl_get_verify_result(ssl, &flags)", c_verify_result, 0, {INV, INV, INV, INV, OK, OK, OK, OK}},
    {"ql_ssl_free(ssl)", c_free, 0, {INV, INV, INV, OK, OK, OK, OK, OK}},
};

static void context_matrix(void)
{
    char buf[128];
    md("### Context functions × handle state\n\n| call |");
    for (int s = 0; s < N_STATES; s++) {
        md(" %s |", STATE_NAMES[s]);
    }
    md("\n|---|");
    for (int s = 0; s < N_STATES; s++) {
        md("---|");
    }
    md("\n");
    for (size_t r = 0; r < sizeof CTX_ROWS / sizeof CTX_ROWS[0]; r++) {
        md("| `%s` |", CTX_ROWS[r].name);
        for (int s = 0; s < N_STATES; s++) {
            fixture f;
            int actual = 0;
            if (CTX_ROWS[r].expect[s] != X_NA) {
                fixture_make(&f, s);
                actual = CTX_ROWS[r].call(&f);
                fixture_drop(&f);
            }
            md(" %s |", cell(CTX_ROWS[r].name, STATE_NAMES[s], CTX_ROWS[r].expect[s], actual, CTX_ROWS[r].numeric,
                             buf, sizeof buf));
        }
        md("\n");
    }
    md("\nStates:");
    for (int s = 0; s < N_STATES; s++) {
        md(" **%s**: %s%s", STATE_NAMES[s], STATE_HELP[s], s + 1 < N_STATES ? ";" : ".");
    }
    md(" Numbers are the value returned (byte counts, flags); — = not called (normal use, covered by "
       "other tests). Every call on a bad handle was made while other contexts were live.\n\n");
}

/* ---- Configs × config state ---------------------------------------------------------------- */

enum { C_NULL, C_UNINIT, C_FREED, C_VALID, N_CSTATES };
static const char *const CSTATE_NAMES[N_CSTATES] = {"NULL", "uninitialised", "freed", "initialised"};

static ql_ssl_config *cfg_make(int state, ql_ssl_config *c)
{
    switch (state) {
    case C_NULL:
        return NULL;
    case C_UNINIT:
        memset(c, 0xA5, sizeof *c);
        return c;
    case C_FREED:
        H_CHECK_RC(ql_ssl_conf_init(c), OK);
        H_CHECK_RC(ql_ssl_conf_set(c, QL_SSL_CONF_CACERT, (char *[]){(char *)"x.pem"}, 1), OK);
        H_CHECK_RC(ql_ssl_conf_free(c), OK);
        return c;
    default:
        H_CHECK_RC(ql_ssl_conf_init(c), OK);
        return c;
    }
}

static int k_init(ql_ssl_config *c) { return ql_ssl_conf_init(c); }
static int k_set(ql_ssl_config *c) { return ql_ssl_conf_set(c, QL_SSL_CONF_VERSION, QL_SSL_VERSION_3); }
static int k_get(ql_ssl_config *c)
{
    int v = -1;
    return ql_ssl_conf_get(c, QL_SSL_CONF_VERSION, &v);
}
static int k_free(ql_ssl_config *c) { return ql_ssl_conf_free(c); }
static int k_setup(ql_ssl_config *c)
{
    ql_ssl_context ctx;
    int rc;
    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    rc = ql_ssl_setup(&ctx, c);
    H_CHECK_RC(ql_ssl_free(&ctx), OK);
    return rc;
}

static const struct {
    const char *name;
    int (*call)(ql_ssl_config *);
    int expect[N_CSTATES];
} CONF_ROWS[] = {
    {"ql_ssl_conf_init(conf)", k_init, {INV, OK, OK, OK}},
    {"ql_ssl_conf_set(conf, QL_SSL_CONF_VERSION, 3)", k_set, {INV, INV, INV, OK}},
    {"ql_ssl_conf_get(conf, QL_SSL_CONF_VERSION, &v)", k_get, {INV, INV, INV, OK}},
    {"ql_ssl_setup(&new_ctx, conf)", k_setup, {INV, INV, INV, OK}},
    {"ql_ssl_conf_free(conf)", k_free, {INV, INV, INV, OK}},
};

static void config_matrix(void)
{
    char buf[128];
    md("### Config functions × config state\n\n| call |");
    for (int s = 0; s < N_CSTATES; s++) {
        md(" %s |", CSTATE_NAMES[s]);
    }
    md("\n|---|---|---|---|---|\n");
    for (size_t r = 0; r < sizeof CONF_ROWS / sizeof CONF_ROWS[0]; r++) {
        md("| `%s` |", CONF_ROWS[r].name);
        for (int s = 0; s < N_CSTATES; s++) {
            ql_ssl_config c;
            int actual = CONF_ROWS[r].call(cfg_make(s, &c));
            if (s != C_NULL) { /* INVALID_PARAM, harmless, when c is not initialised */
                ql_ssl_conf_free(&c);
            }
            md(" %s |", cell(CONF_ROWS[r].name, CSTATE_NAMES[s], CONF_ROWS[r].expect[s], actual, 0, buf, sizeof buf));
        }
        md("\n");
    }
    md("\n**uninitialised**: a struct full of 0xA5 bytes that ql_ssl_conf_init() never saw; **freed**: "
       "after ql_ssl_conf_free() (so the second free is the SDK demo's double free).\n\n");
}

/* ---- Single calls with bad arguments -------------------------------------------------------- */

static void arg_row(const char *call, int expected, int actual)
{
    char buf[128];
    /* read/write/ciphersuit_is_valid rows return counts or flags */
    int numeric = strstr(call, "_read(") != NULL || strstr(call, "_write(") != NULL ||
                  strstr(call, "is_valid(") != NULL;
    md("| `%s` | %s |\n", call, cell(call, "-", expected, actual, numeric, buf, sizeof buf));
}

/* Descriptors that are not a connected socket of the transport's kind (issue 12); socket_kind.c
 * checks the texts, both call orders and that nothing is written to them. */
static void socket_kind_rows(ql_ssl_context *ctx)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    char path[] = "/tmp/qlssl_misuse_XXXXXX";
    ql_ssl_context tls;
    int fd, listener, udp_peer;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    H_CHECK(listener >= 0 && bind(listener, (struct sockaddr *)&a, sizeof a) == 0 && listen(listener, 1) == 0, "listener");
    arg_row("ql_ssl_set_socket_fd(ssl, <listening TCP socket>)", INV, ql_ssl_set_socket_fd(ctx, listener));
    close(listener);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    arg_row("ql_ssl_set_socket_fd(ssl, <unconnected TCP socket>)", INV, ql_ssl_set_socket_fd(ctx, fd));
    close(fd);
    fd = eventfd(0, 0);
    arg_row("ql_ssl_set_socket_fd(ssl, <eventfd>)", INV, ql_ssl_set_socket_fd(ctx, fd));
    close(fd);
    fd = mkstemp(path);
    H_CHECK(fd >= 0, "mkstemp");
    unlink(path);
    arg_row("ql_ssl_set_socket_fd(ssl, <regular file>)", INV, ql_ssl_set_socket_fd(ctx, fd));
    close(fd);

    udp_peer = socket(AF_INET, SOCK_DGRAM, 0);
    H_CHECK(udp_peer >= 0 && bind(udp_peer, (struct sockaddr *)&a, sizeof a) == 0 &&
                getsockname(udp_peer, (struct sockaddr *)&a, &len) == 0, "udp peer");
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    H_CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "udp connect");
    H_CHECK_RC(ql_ssl_new(&tls), OK);
    H_CHECK_RC(ql_ssl_setup(&tls, &g_conf), OK);
    arg_row("ql_ssl_set_socket_fd(ssl, <connected UDP socket>), TLS context set up", INV,
            ql_ssl_set_socket_fd(&tls, fd));
    H_CHECK_RC(ql_ssl_free(&tls), OK);
    H_CHECK_RC(ql_ssl_new(&tls), OK);
    H_CHECK_RC(ql_ssl_set_socket_fd(&tls, fd), OK);
    arg_row("ql_ssl_setup(ssl, TLS conf) after ql_ssl_set_socket_fd(ssl, <connected UDP socket>)",
            QL_SSL_ERROR_BAD_REQUEST, ql_ssl_setup(&tls, &g_conf));
    H_CHECK_RC(ql_ssl_free(&tls), OK);
    close(fd);
    close(udp_peer);
}

static void argument_table(void)
{
    ql_ssl_config c, vnull;
    ql_ssl_context ctx;
    fixture est;
    char name[300], text[32];
    unsigned char buf[16];
    uint32_t flags;
    int v, sv[2];
    static const int bad_list[] = {0x1234, 0};
    unsigned char der[4] = {0x30, 0x03, 0x02, 0x01};

    md("### Bad arguments\n\n| call | expected |\n|---|---|\n");
    arg_row("ql_ssl_new(NULL)", INV, ql_ssl_new(NULL));

    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    arg_row("ql_ssl_set_socket_fd(ssl, -1)", INV, ql_ssl_set_socket_fd(&ctx, -1));
    H_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    close(sv[0]);
    close(sv[1]);
    arg_row("ql_ssl_set_socket_fd(ssl, <closed fd>)", INV, ql_ssl_set_socket_fd(&ctx, sv[0]));
    socket_kind_rows(&ctx);
    arg_row("ql_ssl_set_hostname(ssl, NULL)", INV, ql_ssl_set_hostname(&ctx, NULL));
    arg_row("ql_ssl_set_hostname(ssl, \"\")", INV, ql_ssl_set_hostname(&ctx, ""));
    memset(name, 'a', 256);
    name[256] = '\0';
    arg_row("ql_ssl_set_hostname(ssl, <256 bytes>)", INV, ql_ssl_set_hostname(&ctx, name));
    name[255] = '\0';
    arg_row("ql_ssl_set_hostname(ssl, <255 bytes>)", OK, ql_ssl_set_hostname(&ctx, name));
    arg_row("ql_ssl_setup(ssl, NULL)", INV, ql_ssl_setup(&ctx, NULL));
    H_CHECK_RC(ql_ssl_free(&ctx), OK);

    /* Setup problems the header assigns to BAD_REQUEST / INVALID_PARAM. */
    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    H_CHECK_RC(ql_ssl_setup(&ctx, &g_conf), OK);
    arg_row("ql_ssl_handshake(ssl) on a set-up context without socket", QL_SSL_ERROR_BAD_REQUEST, ql_ssl_handshake(&ctx));
    H_CHECK_RC(ql_ssl_free(&ctx), OK);
    H_CHECK_RC(ql_ssl_conf_init(&c), OK);
    H_CHECK_RC(ql_ssl_conf_set(&c, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), OK);
    H_CHECK_RC(ql_ssl_conf_set(&c, QL_SSL_CONF_CACERT, (char *[]){(char *)"/nonexistent/qlssl-ca.pem"}, 1), OK);
    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    arg_row("ql_ssl_setup(ssl, conf) with a missing CA file", QL_SSL_ERROR_BAD_REQUEST, ql_ssl_setup(&ctx, &c));
    H_CHECK_RC(ql_ssl_free(&ctx), OK);
    H_CHECK_RC(ql_ssl_conf_free(&c), OK);
    H_CHECK_RC(ql_ssl_conf_init(&c), OK);
    c.ssl_version = 9; /* applications may assign members directly; setup re-validates them */
    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    arg_row("ql_ssl_setup(ssl, conf) with conf->ssl_version = 9", INV, ql_ssl_setup(&ctx, &c));
    H_CHECK_RC(ql_ssl_free(&ctx), OK);
    c.ssl_version = QL_SSL_VERSION_ALL;
    c.ssl_negotiate_timeout = 0;
    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    arg_row("ql_ssl_setup(ssl, conf) with conf->ssl_negotiate_timeout = 0", INV, ql_ssl_setup(&ctx, &c));
    H_CHECK_RC(ql_ssl_free(&ctx), OK);
    H_CHECK_RC(ql_ssl_conf_free(&c), OK);

    /* I/O arguments on an established connection. */
    fixture_make(&est, S_ESTABLISHED);
    arg_row("ql_ssl_read(ssl, NULL, 16)", INV, ql_ssl_read(est.ctx, NULL, 16));
    arg_row("ql_ssl_write(ssl, NULL, 16)", INV, ql_ssl_write(est.ctx, NULL, 16));
    arg_row("ql_ssl_read(ssl, buf, 0)", 0, ql_ssl_read(est.ctx, buf, 0));
    arg_row("ql_ssl_write(ssl, buf, 0)", 0, ql_ssl_write(est.ctx, buf, 0));
    arg_row("ql_ssl_get_verify_result(ssl, NULL)", INV, ql_ssl_get_verify_result(est.ctx, NULL));
    fixture_drop(&est);
    H_CHECK_RC(ql_ssl_conf_init(&vnull), OK);
    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    H_CHECK_RC(ql_ssl_setup(&ctx, &vnull), OK);
    arg_row("ql_ssl_get_verify_result(ssl, &flags), VERIFY_NULL config", INV, ql_ssl_get_verify_result(&ctx, &flags));
    H_CHECK_RC(ql_ssl_free(&ctx), OK);
    H_CHECK_RC(ql_ssl_conf_free(&vnull), OK);

    /* Config values. */
    H_CHECK_RC(ql_ssl_conf_init(&c), OK);
    arg_row("ql_ssl_conf_set(conf, 0, 1)", INV, ql_ssl_conf_set(&c, 0, 1));
    arg_row("ql_ssl_conf_set(conf, 21, 1)", INV, ql_ssl_conf_set(&c, 21, 1));
    arg_row("ql_ssl_conf_set(conf, -1, 1)", INV, ql_ssl_conf_set(&c, -1, 1));
    arg_row("ql_ssl_conf_set(conf, INT_MAX, 1)", INV, ql_ssl_conf_set(&c, INT_MAX, 1));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_VERSION, 7)", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_VERSION, 7));
    /* The TLS 1.3 values after QL_SSL_VERSION_ALL (docs/ENGINES.md): NOT_SUPPORT without the engine,
     * accepted by a library built with it (the build says which: HARDENING_TLS13_LIB). */
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_VERSION, QL_SSL_VERSION_4)", TLS13_VERSION_EXPECTED,
            ql_ssl_conf_set(&c, QL_SSL_CONF_VERSION, QL_SSL_VERSION_4));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_VERSION, QL_SSL_VERSION_TLS12_TLS13)", TLS13_VERSION_EXPECTED,
            ql_ssl_conf_set(&c, QL_SSL_CONF_VERSION, QL_SSL_VERSION_TLS12_TLS13));
    /* The rows below start from the same config on both builds. */
    H_CHECK_RC(ql_ssl_conf_set(&c, QL_SSL_CONF_VERSION, QL_SSL_VERSION_ALL), OK);
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_VERSION, -1)", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_VERSION, -1));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_TRANSPORT, 2)", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_TRANSPORT, 2));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_AUTHMODE, 4)", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_AUTHMODE, 4));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_SNI, 2)", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_SNI, 2));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_HS_TIMEOUT, 0)", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_HS_TIMEOUT, 0));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_HS_TIMEOUT, -1)", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_HS_TIMEOUT, -1));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_HS_TIMEOUT, INT_MIN)", INV,
            ql_ssl_conf_set(&c, QL_SSL_CONF_HS_TIMEOUT, INT_MIN));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_IGNORE_CERT_ITEM, 1048576)", INV,
            ql_ssl_conf_set(&c, QL_SSL_CONF_IGNORE_CERT_ITEM, (uint32_t)1048576));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_IGNORE_CERT_ITEM, 0xFFFFFFFF)", INV,
            ql_ssl_conf_set(&c, QL_SSL_CONF_IGNORE_CERT_ITEM, (uint32_t)0xFFFFFFFFu));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_CIPHERSUITE, {0x1234, 0})", INV,
            ql_ssl_conf_set(&c, QL_SSL_CONF_CIPHERSUITE, bad_list));
    {
        char *eleven[QL_MAX_CA_CERT_CNT + 1];
        for (int i = 0; i <= QL_MAX_CA_CERT_CNT; i++) {
            eleven[i] = (char *)"ca.pem";
        }
        arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_CACERT, paths, 11)", INV,
                ql_ssl_conf_set(&c, QL_SSL_CONF_CACERT, eleven, QL_MAX_CA_CERT_CNT + 1));
        arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_CACERT, paths, 0)", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_CACERT, eleven, 0));
    }
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_OWNCERT, NULL, \"k\", NULL)", INV,
            ql_ssl_conf_set(&c, QL_SSL_CONF_OWNCERT, (const char *)NULL, "k", (const char *)NULL));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_PSK_KEY, \"xyz\")", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_PSK_KEY, "xyz"));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_PSK_IDENTITY, NULL)", INV,
            ql_ssl_conf_set(&c, QL_SSL_CONF_PSK_IDENTITY, (const char *)NULL));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_CACERT_BUFFER, NULL, 10)", INV,
            ql_ssl_conf_set(&c, QL_SSL_CONF_CACERT_BUFFER, (const unsigned char *)NULL, (size_t)10));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_CACERT_BUFFER, buf, 0)", INV,
            ql_ssl_conf_set(&c, QL_SSL_CONF_CACERT_BUFFER, der, (size_t)0));
    arg_row("ql_ssl_conf_set(conf, QL_SSL_CONF_DTLSVERSION, 2)", INV, ql_ssl_conf_set(&c, QL_SSL_CONF_DTLSVERSION, 2));
    arg_row("ql_ssl_conf_get(conf, QL_SSL_CONF_VERSION, NULL)", INV,
            ql_ssl_conf_get(&c, QL_SSL_CONF_VERSION, (int *)NULL));
    arg_row("ql_ssl_conf_get(conf, 0, &v)", INV, ql_ssl_conf_get(&c, 0, &v));
    arg_row("ql_ssl_conf_get(conf, 21, &v)", INV, ql_ssl_conf_get(&c, 21, &v));
    arg_row("ql_ssl_conf_get(conf, QL_SSL_CONF_CACERT_BUFFER)", QL_SSL_ERROR_NOT_SUPPORT,
            ql_ssl_conf_get(&c, QL_SSL_CONF_CACERT_BUFFER));
    arg_row("ql_ssl_conf_get(conf, QL_SSL_CONF_OWNCERT_BUFFER)", QL_SSL_ERROR_NOT_SUPPORT,
            ql_ssl_conf_get(&c, QL_SSL_CONF_OWNCERT_BUFFER));
    H_CHECK_RC(ql_ssl_conf_free(&c), OK);
    arg_row("ql_ssl_conf_set_by_id(-1, QL_SSL_CONF_VERSION, 3)", INV, ql_ssl_conf_set_by_id(-1, QL_SSL_CONF_VERSION, 3));
    arg_row("ql_ssl_conf_set_by_id(6, QL_SSL_CONF_VERSION, 3)", INV, ql_ssl_conf_set_by_id(6, QL_SSL_CONF_VERSION, 3));
    arg_row("ql_ssl_conf_set_by_id(INT_MIN, QL_SSL_CONF_VERSION, 3)", INV,
            ql_ssl_conf_set_by_id(INT_MIN, QL_SSL_CONF_VERSION, 3));
    arg_row("ql_ssl_conf_set_by_id(5, QL_SSL_CONF_VERSION, 3)", OK, ql_ssl_conf_set_by_id(5, QL_SSL_CONF_VERSION, 3));
    arg_row("ql_ssl_conf_get_by_id(6, QL_SSL_CONF_VERSION, &v)", INV, ql_ssl_conf_get_by_id(6, QL_SSL_CONF_VERSION, &v));
    arg_row("ql_ssl_conf_get_by_id(0, QL_SSL_CONF_VERSION, NULL)", INV,
            ql_ssl_conf_get_by_id(0, QL_SSL_CONF_VERSION, (int *)NULL));

    /* Stateless functions. */
    arg_row("ql_ssl_ciphersuit_is_valid(0)", 0, ql_ssl_ciphersuit_is_valid(0));
    arg_row("ql_ssl_ciphersuit_is_valid(-1)", 0, ql_ssl_ciphersuit_is_valid(-1));
    arg_row("ql_ssl_ciphersuit_is_valid(0x10000)", 0, ql_ssl_ciphersuit_is_valid(0x10000));
    arg_row("ql_ssl_ciphersuit_is_valid(INT_MIN)", 0, ql_ssl_ciphersuit_is_valid(INT_MIN));
    arg_row("ql_ssl_ciphersuit_is_valid(0xFFFF)", 1, ql_ssl_ciphersuit_is_valid(0xFFFF));
    arg_row("ql_ssl_strerror(-3, NULL, 32)", INV, ql_ssl_strerror(-3, NULL, 32));
    arg_row("ql_ssl_strerror(-3, buf, 0)", INV, ql_ssl_strerror(-3, text, 0));
    arg_row("ql_ssl_strerror(INT_MIN, buf, 32)", OK, ql_ssl_strerror(INT_MIN, text, sizeof text));
    arg_row("ql_ssl_strerror(-3, buf, 1)", OK, ql_ssl_strerror(-3, text, 1));
    H_CHECK(text[0] == '\0', "strerror with len 1 must write an empty string");
    arg_row("ql_ssl_last_error(NULL, 32)", INV, ql_ssl_last_error(NULL, 32));
    arg_row("ql_ssl_last_error(buf, 0)", INV, ql_ssl_last_error(text, 0));
    md("\n");
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "check";
    h_init(120);
    g_mode_markdown = strcmp(mode, "markdown") == 0;
    g_mode_defects = strcmp(mode, "known-defects") == 0;
    H_CHECK(g_mode_markdown || g_mode_defects || strcmp(mode, "check") == 0, "unknown mode %s", mode);

    h_tls_server_start(&g_server, h_pki("rsa_server.pem"), h_pki("rsa_server.key"), "ECDHE-RSA-AES128-GCM-SHA256");
    h_conf_verifying(&g_conf, h_pki("rsa_ca.pem"), 3);

    context_matrix();
    config_matrix();
    argument_table();

    H_CHECK_RC(ql_ssl_conf_free(&g_conf), OK);
    h_peer_stop(&g_server);

    if (g_mode_markdown) {
        fwrite(g_md, 1, g_md_len, stdout);
        return 0;
    }
    if (g_mode_defects) {
        if (g_defect_failures > 0) {
            fprintf(stderr, "FAIL: %d known library defect(s) still present (see above)\n", g_defect_failures);
            return 1;
        }
        printf("PASS: no known defects left\n");
        return 0;
    }
    if (g_failures > 0) {
        fprintf(stderr, "FAIL: %d cell(s) differ from the documented codes\n", g_failures);
        return 1;
    }
    printf("PASS: every cell has its documented code\n");
    return 0;
}
