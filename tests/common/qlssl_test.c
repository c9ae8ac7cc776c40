/* The C test-support library of every qlssl C suite (see qlssl_test.h). */
#include "qlssl_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ==== Building blocks ========================================================================= */

#define ACCEPT_PREFIX "ACCEPT 127.0.0.1:"

/* ---- Clock ------------------------------------------------------------------------------------- */

double tc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tc_sleep(double s)
{
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- Result codes and failure messages --------------------------------------------------------- */

static const char *full_rc_name(int rc)
{
    switch (rc) {
    case QL_SSL_SUCCESS: return "QL_SSL_SUCCESS";
    case QL_SSL_ERROR_UNKOWN: return "QL_SSL_ERROR_UNKOWN";
    case QL_SSL_ERROR_WOUNDBLOCK: return "QL_SSL_ERROR_WOUNDBLOCK";
    case QL_SSL_ERROR_INVALID_PARAM: return "QL_SSL_ERROR_INVALID_PARAM";
    case QL_SSL_ERROR_OUT_OF_MEM: return "QL_SSL_ERROR_OUT_OF_MEM";
    case QL_SSL_ERROR_NOT_SUPPORT: return "QL_SSL_ERROR_NOT_SUPPORT";
    case QL_SSL_ERROR_HS_FAILURE: return "QL_SSL_ERROR_HS_FAILURE";
    case QL_SSL_ERROR_DECRYPT_FAILURE: return "QL_SSL_ERROR_DECRYPT_FAILURE";
    case QL_SSL_ERROR_ENCRYPT_FAILURE: return "QL_SSL_ERROR_ENCRYPT_FAILURE";
    case QL_SSL_ERROR_HS_INPROGRESS: return "QL_SSL_ERROR_HS_INPROGRESS";
    case QL_SSL_ERROR_BAD_REQUEST: return "QL_SSL_ERROR_BAD_REQUEST";
    case QL_SSL_ERROR_WANT_READ: return "QL_SSL_ERROR_WANT_READ";
    case QL_SSL_ERROR_WANT_WRITE: return "QL_SSL_ERROR_WANT_WRITE";
    case QL_SSL_ERROR_SOCKET_RESET: return "QL_SSL_ERROR_SOCKET_RESET";
    default: return NULL;
    }
}

const char *tc_rc_name(int rc, int short_form, const char *positive, const char *other)
{
    static const char error_prefix[] = "QL_SSL_ERROR_";
    static const char prefix[] = "QL_SSL_";
    const char *name = full_rc_name(rc);
    if (name == NULL) {
        return rc > 0 ? positive : other;
    }
    if (!short_form) {
        return name;
    }
    if (strncmp(name, error_prefix, sizeof error_prefix - 1) == 0) {
        return name + sizeof error_prefix - 1;
    }
    return name + sizeof prefix - 1;
}

void tc_vreport_failure(const char *file, int line, const char *what, const char *fmt, va_list ap,
                        const char *note_prefix, const char *note_suffix, size_t reason_cap)
{
    char reason[512] = "";
    fflush(stdout);
    fprintf(stderr, "FAIL %s:%d: %s: ", file, line, what);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (reason_cap > sizeof reason) {
        reason_cap = sizeof reason;
    }
    if (ql_ssl_last_error(reason, reason_cap) == QL_SSL_SUCCESS && reason[0] != '\0') {
        fprintf(stderr, "%s%s%s\n", note_prefix, reason, note_suffix);
    }
}

/* ---- Peer processes ---------------------------------------------------------------------------- */

pid_t tc_spawn_logged(char *const argv[], const char *log, const char *preload)
{
    pid_t parent = getpid();
    pid_t pid;
    /* Unflushed output would be written twice, once by the child. */
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_RDONLY);
        /* Die with the test, whatever way the test ends. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* The parent may have died before prctl took effect: then nobody would stop this peer. */
        if (getppid() != parent || logfd < 0 || null < 0) {
            _exit(127);
        }
        dup2(null, 0);
        dup2(logfd, 1);
        dup2(logfd, 2);
        if (preload != NULL) {
            setenv("LD_PRELOAD", preload, 1);
        }
        execvp(argv[0], argv);
        dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

size_t tc_read_text(const char *path, char *text, size_t cap)
{
    size_t n;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        text[0] = '\0';
        return 0;
    }
    n = fread(text, 1, cap - 1, f);
    fclose(f);
    text[n] = '\0';
    return n;
}

int tc_accept_port(const char *text, int *port)
{
    const char *line = strstr(text, ACCEPT_PREFIX);
    /* Only a whole line: the log may be read while s_server is still writing it. */
    if (line == NULL || strchr(line, '\n') == NULL) {
        return 0;
    }
    *port = atoi(line + strlen(ACCEPT_PREFIX));
    return 1;
}

/* ---- Sockets ----------------------------------------------------------------------------------- */

struct sockaddr_in tc_loopback(int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* ==== Harness ================================================================================= */

#define MAX_PEERS 8

static const char *g_pki_dir = NULL;
static int g_peer_serial = 0;

/* Every running peer, by value (not by pointer: the peer_t may live in a frame that is gone by
 * the time the exit handler runs). */
static struct {
    pid_t pid;
    char log[512];
    const char *what;
} g_live[MAX_PEERS];

static void **g_kept;
static size_t g_nkept, g_capkept;

/* ---- Failure reporting and cleanup ------------------------------------------------------------- */

static void stop_all_peers(void)
{
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_live[i].pid > 0) {
            kill(g_live[i].pid, SIGKILL);
            waitpid(g_live[i].pid, NULL, 0);
            g_live[i].pid = 0;
        }
    }
}

static void free_kept(void)
{
    for (size_t i = 0; i < g_nkept; i++) {
        free(g_kept[i]);
    }
    free(g_kept);
    g_kept = NULL;
    g_nkept = g_capkept = 0;
}

static void on_watchdog(int sig)
{
    static const char msg[] = "FAIL: watchdog expired, the test hung; peers killed\n";
    (void)sig;
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_live[i].pid > 0) {
            kill(g_live[i].pid, SIGKILL);
        }
    }
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more to do */
    }
    _exit(3);
}

void test_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tc_vreport_failure(file, line, what, fmt, ap,
                       "     (most recent failure the library recorded on this thread, maybe older: ", ")", 512);
    va_end(ap);
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_live[i].pid > 0) {
            peer_t p;
            memset(&p, 0, sizeof p);
            p.pid = g_live[i].pid;
            p.what = g_live[i].what;
            memcpy(p.log, g_live[i].log, sizeof p.log);
            peer_dump_log(&p);
        }
    }
    exit(1); /* the exit handler stops the peers */
}

void test_init(int argc, char **argv, unsigned watchdog_s)
{
    struct sigaction sa;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1) {
        g_pki_dir = argv[1];
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_watchdog;
    sigaction(SIGALRM, &sa, NULL);
    alarm(watchdog_s);
    atexit(stop_all_peers);
    atexit(free_kept); /* runs first: peers do not use kept memory */
}

const char *pki(const char *file)
{
    static char slots[8][512];
    static int next = 0;
    char *out = slots[next];
    next = (next + 1) % 8;
    CHECK(g_pki_dir != NULL, "this test needs the PKI directory (scripts/gen_pki.sh output) as argv[1]");
    snprintf(out, sizeof slots[0], "%s/%s", g_pki_dir, file);
    CHECK(access(out, R_OK) == 0, "cannot read %s", out);
    return out;
}

const char *rc_name(int rc)
{
    return tc_rc_name(rc, 0, "(positive count)", "?");
}

const char *rc_short_name(int rc)
{
    return tc_rc_name(rc, 1, "UNKNOWN_CODE", "UNKNOWN_CODE");
}

double now_s(void)
{
    return tc_now();
}

void sleep_s(double s)
{
    tc_sleep(s);
}

void *test_keep(void *p)
{
    if (g_nkept == g_capkept) {
        size_t cap = g_capkept == 0 ? 64 : g_capkept * 2;
        void **n = realloc(g_kept, cap * sizeof *n);
        CHECK(n != NULL, "out of memory");
        g_kept = n;
        g_capkept = cap;
    }
    g_kept[g_nkept++] = p;
    return p;
}

char *test_strdup_printf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    CHECK(n >= 0, "vsnprintf");
    s = malloc((size_t)n + 1);
    CHECK(s != NULL, "out of memory");
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return test_keep(s);
}

/* ---- Peers ------------------------------------------------------------------------------------- */

static void register_peer(const peer_t *p)
{
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_live[i].pid == 0) {
            g_live[i].pid = p->pid;
            g_live[i].what = p->what;
            memcpy(g_live[i].log, p->log, sizeof g_live[i].log);
            return;
        }
    }
    kill(p->pid, SIGKILL);
    test_fail(__FILE__, __LINE__, "register_peer", "more than %d peers", MAX_PEERS);
}

/* The peer has been reaped: forget it. */
static void forget_peer(pid_t pid)
{
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_live[i].pid == pid) {
            g_live[i].pid = 0;
        }
    }
}

/* 1 when the peer has exited (and is reaped). */
static int peer_exited(peer_t *p)
{
    int status;
    if (p->pid > 0 && waitpid(p->pid, &status, WNOHANG) == p->pid) {
        forget_peer(p->pid);
        p->pid = 0;
        return 1;
    }
    return p->pid <= 0;
}

/* Fork + exec argv with stdout/stderr to p->log; the child dies with us. `preload` may be NULL. */
static void spawn(peer_t *p, char *const argv[], const char *what, const char *preload)
{
    pid_t pid;
    memset(p, 0, sizeof *p);
    p->what = what;
    snprintf(p->log, sizeof p->log, "peer-%ld-%d.log", (long)getpid(), ++g_peer_serial);
    pid = tc_spawn_logged(argv, p->log, preload);
    CHECK(pid >= 0, "fork: %s", strerror(errno));
    p->pid = pid;
    register_peer(p);
}

void peer_spawn(peer_t *p, char *const argv[])
{
    spawn(p, argv, argv[0], NULL);
}

/* Wait (bounded, 15 s) for s_server's ACCEPT line and record the port. */
static void await_accept(peer_t *p)
{
    double deadline = now_s() + 15.0;
    for (int i = 0; i < 3000 && now_s() < deadline; i++) {
        char text[8192];
        tc_read_text(p->log, text, sizeof text);
        if (tc_accept_port(text, &p->port)) {
            CHECK(p->port > 0, "bad ACCEPT line from s_server");
            return;
        }
        if (peer_exited(p)) {
            peer_dump_log(p);
            test_fail(__FILE__, __LINE__, "peer_start_s_server", "openssl s_server exited during start-up");
        }
        tc_sleep(0.005);
    }
    test_fail(__FILE__, __LINE__, "peer_start_s_server", "openssl s_server did not print ACCEPT within 15 s");
}

/* argv[0..3] = openssl s_server -accept 127.0.0.1:0 (the server picks a free port and prints it). */
static int s_server_argv(char **argv)
{
    argv[0] = getenv("OPENSSL") != NULL ? getenv("OPENSSL") : (char *)"openssl";
    argv[1] = (char *)"s_server";
    argv[2] = (char *)"-accept";
    argv[3] = (char *)"127.0.0.1:0";
    return 4;
}

void peer_start_s_server(peer_t *p, const char *cert, const char *key, ...)
{
    char *argv[48];
    int argc = s_server_argv(argv);
    va_list ap;

    argv[argc++] = (char *)"-cert";
    argv[argc++] = (char *)cert;
    argv[argc++] = (char *)"-key";
    argv[argc++] = (char *)key;
    va_start(ap, key);
    for (const char *a = va_arg(ap, const char *); a != NULL; a = va_arg(ap, const char *)) {
        CHECK(argc < 47, "too many s_server arguments");
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;
    spawn(p, argv, "openssl s_server", NULL);
    await_accept(p);
}

void peer_start_s_server_argv(peer_t *p, const char *const *args)
{
    char *argv[48];
    int argc = s_server_argv(argv);
    for (int i = 0; args[i] != NULL; i++) {
        CHECK(argc < 47, "too many s_server arguments");
        argv[argc++] = (char *)args[i];
    }
    argv[argc] = NULL;
    spawn(p, argv, "openssl s_server", NULL);
    await_accept(p);
}

/* A loopback port that was free a moment ago. */
static int free_port(void)
{
    struct sockaddr_in a = tc_loopback(0);
    socklen_t len = sizeof a;
    int port;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0, "socket: %s", strerror(errno));
    CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0, "bind: %s", strerror(errno));
    CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0, "getsockname: %s", strerror(errno));
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/*
 * Listening sockets on `port` in /proc/net/tcp and /proc/net/tcp6: sets *loopback_only to 0 when
 * one is bound to an address other than 127.0.0.1 / ::1; returns how many were found.
 */
static int listeners_on(int port, int *loopback_only)
{
    static const char *const files[2] = { "/proc/net/tcp", "/proc/net/tcp6" };
    int found = 0;
    *loopback_only = 1;
    for (int f = 0; f < 2; f++) {
        char line[512];
        FILE *fp = fopen(files[f], "r");
        if (fp == NULL) {
            continue;
        }
        for (int n = 0; n < 100000 && fgets(line, sizeof line, fp) != NULL; n++) {
            char local[64], remote[64], state[8];
            char *colon;
            unsigned lport;
            if (sscanf(line, " %*d: %63s %63s %7s", local, remote, state) != 3 || strcmp(state, "0A") != 0) {
                continue;
            }
            colon = strchr(local, ':');
            if (colon == NULL || sscanf(colon + 1, "%x", &lport) != 1 || (int)lport != port) {
                continue;
            }
            *colon = '\0';
            found++;
            /* /proc prints the address as host-order hex words: 127.0.0.1 is 0100007F, ::1 ends in 01000000. */
            if (strcmp(local, "0100007F") != 0 && strcmp(local, "00000000000000000000000001000000") != 0) {
                *loopback_only = 0;
            }
        }
        fclose(fp);
    }
    return found;
}

void peer_start_gnutls_serv(peer_t *p, const char *const *args)
{
    const char *exe = getenv("GNUTLS_SERV") != NULL ? getenv("GNUTLS_SERV") : "gnutls-serv";
    const char *shim = getenv("CERTS_BIND_SHIM");
    CHECK(shim != NULL && access(shim, R_OK) == 0,
          "CERTS_BIND_SHIM must name the loopback-bind shim (set by tests/certs/CMakeLists.txt)");

    for (int attempt = 0; attempt < 5; attempt++) {
        char *argv[48];
        char port_s[16];
        int argc = 0, port = free_port();
        double deadline;
        int ready = 0;

        snprintf(port_s, sizeof port_s, "%d", port);
        argv[argc++] = (char *)exe;
        argv[argc++] = (char *)"-p";
        argv[argc++] = port_s;
        for (int i = 0; args[i] != NULL; i++) {
            CHECK(argc < 47, "too many gnutls-serv arguments");
            argv[argc++] = (char *)args[i];
        }
        argv[argc] = NULL;
        spawn(p, argv, "gnutls-serv", shim);
        p->port = port;

        deadline = now_s() + 15.0;
        for (int i = 0; i < 3000 && now_s() < deadline && !ready; i++) {
            char text[8192];
            tc_read_text(p->log, text, sizeof text);
            if (strstr(text, "IPv4") != NULL && strstr(text, "...done") != NULL) {
                ready = 1;
            } else if (peer_exited(p)) {
                break;
            } else {
                tc_sleep(0.005);
            }
        }
        if (ready) {
            int loopback_only = 1;
            int n = listeners_on(p->port, &loopback_only);
            if (n == 0) {
                /* The IPv4 listener is reported before the IPv6 one; give it a moment. */
                tc_sleep(0.05);
                n = listeners_on(p->port, &loopback_only);
            }
            CHECK(n > 0, "gnutls-serv reports listening but no listener on port %d", p->port);
            CHECK(loopback_only, "gnutls-serv listens beyond loopback on port %d: the bind shim failed", p->port);
            return;
        }
        if (!peer_exited(p)) {
            test_fail(__FILE__, __LINE__, "peer_start_gnutls_serv", "gnutls-serv did not start listening within 15 s");
        }
        fprintf(stderr, "note: gnutls-serv exited during start-up (port %d taken?), retrying\n", p->port);
        peer_dump_log(p);
        unlink(p->log);
    }
    test_fail(__FILE__, __LINE__, "peer_start_gnutls_serv", "gnutls-serv failed to start 5 times");
}

int peer_wait(peer_t *p, double timeout_s)
{
    double deadline = now_s() + timeout_s;
    int status = 0;
    if (p->pid <= 0) {
        return -1;
    }
    for (int i = 0; i < 100000 && now_s() < deadline; i++) {
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            forget_peer(p->pid);
            p->pid = 0;
            return status;
        }
        tc_sleep(0.01);
    }
    return -1;
}

void peer_stop(peer_t *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, NULL, 0);
        forget_peer(p->pid);
        p->pid = 0;
    }
    /* A failing check has already copied the log to stderr (test_fail). */
    if (p->log[0] != '\0') {
        remove(p->log);
        p->log[0] = '\0';
    }
}

void peer_dump_log(const peer_t *p)
{
    char line[512];
    FILE *f = fopen(p->log, "r");
    if (f == NULL) {
        return;
    }
    fprintf(stderr, "---- %s log (%s) ----\n", p->what != NULL ? p->what : "peer", p->log);
    for (int i = 0; i < 200 && fgets(line, sizeof line, f) != NULL; i++) {
        fputs(line, stderr);
    }
    fprintf(stderr, "---- end of %s ----\n", p->log);
    fclose(f);
}

/* ---- Sockets ----------------------------------------------------------------------------------- */

int tcp_connect(int port)
{
    struct sockaddr_in a = tc_loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0, "socket: %s", strerror(errno));
    CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect to 127.0.0.1:%d: %s", port,
          strerror(errno));
    return fd;
}

int tcp_connect_bounded(int port)
{
    struct timeval tv = { 20, 0 };
    int fd = tcp_connect(port);
    /* A second bound besides the library's negotiate timeout: no read or write blocks forever. */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

int tcp_connect_nonblocking(int port)
{
    struct sockaddr_in a = tc_loopback(port);
    int err = 0;
    socklen_t len = sizeof err;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0, "socket: %s", strerror(errno));
    CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK) == 0, "fcntl O_NONBLOCK: %s",
          strerror(errno));
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        CHECK(errno == EINPROGRESS, "non-blocking connect: %s", strerror(errno));
        CHECK(wait_fd(fd, 1, 10.0), "non-blocking connect did not complete within 10 s");
    }
    CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0, "SO_ERROR: %s",
          strerror(err));
    return fd;
}

int tcp_listen(int *port)
{
    struct sockaddr_in a = tc_loopback(0);
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0, "socket: %s", strerror(errno));
    CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0, "bind 127.0.0.1:0: %s", strerror(errno));
    CHECK(listen(fd, 8) == 0, "listen: %s", strerror(errno));
    CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0, "getsockname: %s", strerror(errno));
    *port = ntohs(a.sin_port);
    return fd;
}

int wait_fd(int fd, int want_write, double timeout_s)
{
    double deadline = now_s() + timeout_s;
    for (int i = 0; i < 100000; i++) {
        fd_set set;
        struct timeval tv;
        double left = deadline - now_s();
        int r;
        if (left <= 0) {
            return 0;
        }
        FD_ZERO(&set);
        FD_SET(fd, &set);
        tv.tv_sec = (time_t)left;
        tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
        r = select(fd + 1, want_write ? NULL : &set, want_write ? &set : NULL, NULL, &tv);
        if (r > 0) {
            return 1;
        }
        CHECK(r == 0 || errno == EINTR, "select: %s", strerror(errno));
    }
    return 0;
}

/* ---- TLS helpers ------------------------------------------------------------------------------- */

int handshake_nonblocking(ql_ssl_context *ctx, int fd, double timeout_s)
{
    double deadline = now_s() + timeout_s;
    for (int i = 0; i < 100000 && now_s() < deadline; i++) {
        int rc = ql_ssl_handshake(ctx);
        if (rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE) {
            wait_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE, 0.5);
            continue;
        }
        return rc;
    }
    test_fail(__FILE__, __LINE__, "handshake_nonblocking", "no result within %.1f s", timeout_s);
}

int http_get(ql_ssl_context *ctx, int fd, char *buf, size_t cap)
{
    static const char req[] = "GET / HTTP/1.0\r\n\r\n";
    size_t sent = 0, got = 0;
    double deadline = now_s() + 20.0;
    int i;

    CHECK(cap > 0, "empty buffer");
    for (i = 0; sent < sizeof req - 1; i++) {
        int rc;
        CHECK(i < 10000 && now_s() < deadline, "request not sent in time");
        rc = ql_ssl_write(ctx, (const unsigned char *)req + sent, sizeof req - 1 - sent);
        if (rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE) {
            wait_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE, 0.5);
            continue;
        }
        CHECK(rc > 0, "ql_ssl_write returned %d (%s)", rc, rc_name(rc));
        sent += (size_t)rc;
    }
    for (i = 0;; i++) {
        int rc;
        CHECK(i < 100000 && now_s() < deadline, "response not complete in time (%zu bytes so far)", got);
        rc = ql_ssl_read(ctx, (unsigned char *)buf + got, cap - 1 - got);
        if (rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE) {
            wait_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE, 0.5);
            continue;
        }
        if (rc <= 0) {
            buf[got] = '\0';
            return rc;
        }
        got += (size_t)rc;
        CHECK(got < cap - 1, "response larger than %zu bytes", cap);
    }
}

void http_get_200(ql_ssl_context *ctx, int fd, char *buf, size_t cap)
{
    int rc = http_get(ctx, fd, buf, cap);
    CHECK(rc == 0, "the response did not end with close_notify: %d (%s)", rc, rc_name(rc));
    CHECK(strncmp(buf, "HTTP/1.0 200", 12) == 0, "unexpected response: %.80s", buf);
}

unsigned char *read_file(const char *path, size_t *len)
{
    struct stat st;
    unsigned char *buf;
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL, "open %s: %s", path, strerror(errno));
    CHECK(fstat(fileno(f), &st) == 0, "stat %s", path);
    buf = malloc((size_t)st.st_size + 1);
    CHECK(buf != NULL, "out of memory");
    *len = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    CHECK(*len == (size_t)st.st_size, "short read on %s", path);
    buf[*len] = '\0';
    return buf;
}
