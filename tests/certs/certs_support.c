/* Helpers for the certificate-matrix tests (see certs_support.h). */
#include "certs_support.h"

#include "peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PEERS 4

static cs_peer *g_peers[MAX_PEERS];
static int g_serial;
static void **g_kept;
static size_t g_nkept, g_capkept;

/* ---- Failure, watchdog, cleanup ---------------------------------------------------------------- */

static void stop_all(void)
{
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_peers[i] != NULL) {
            cs_stop(g_peers[i]);
        }
    }
}

static void on_alarm(int sig)
{
    static const char msg[] = "FAIL: watchdog expired (the test hung); peers killed\n";
    (void)sig;
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_peers[i] != NULL && g_peers[i]->pid > 0) {
            kill(g_peers[i]->pid, SIGKILL);
        }
    }
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing else to do */
    }
    _exit(3);
}

void cs_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tc_vreport_failure(file, line, what, fmt, ap, "  library's last error on this thread: ", "", 512);
    va_end(ap);
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_peers[i] != NULL && g_peers[i]->pid > 0) {
            cs_dump_log(g_peers[i]);
        }
    }
    exit(1); /* atexit(stop_all) stops the peers */
}

void *cs_keep(void *p)
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

static void free_kept(void)
{
    for (size_t i = 0; i < g_nkept; i++) {
        free(g_kept[i]);
    }
    free(g_kept);
    g_kept = NULL;
    g_nkept = g_capkept = 0;
}

void cs_init(unsigned seconds)
{
    struct sigaction sa;
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    alarm(seconds);
    atexit(stop_all);
    atexit(free_kept); /* runs first: peers do not use kept memory */
}

double cs_now(void)
{
    return tc_now();
}

void cs_sleep(double s)
{
    tc_sleep(s);
}

const char *cs_rc_name(int rc)
{
    /* These names are what matrix.txt expects and docs/CERTS.md shows. */
    return tc_rc_name(rc, 1, "UNKNOWN_CODE", "UNKNOWN_CODE");
}

unsigned char *cs_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long size;
    CHECK(f != NULL, "open %s: %s", path, strerror(errno));
    CHECK(fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0,
          "size of %s", path);
    buf = malloc((size_t)size + 1);
    CHECK(buf != NULL, "out of memory");
    CHECK(fread(buf, 1, (size_t)size, f) == (size_t)size, "read %s", path);
    fclose(f);
    buf[size] = '\0';
    *len = (size_t)size;
    return buf;
}

char *cs_strdup_printf(const char *fmt, ...)
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
    return cs_keep(s);
}

/* ---- Peers ------------------------------------------------------------------------------------- */

static void register_peer(cs_peer *p)
{
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_peers[i] == p) {
            return;
        }
    }
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_peers[i] == NULL) {
            g_peers[i] = p;
            return;
        }
    }
    cs_fail(__FILE__, __LINE__, "register_peer", "more than %d peers", MAX_PEERS);
}

/* Fork + exec argv with stdout/stderr to p->log; the child dies with us. `preload` may be NULL. */
static void spawn(cs_peer *p, char *const argv[], const char *preload)
{
    pid_t pid;
    snprintf(p->log, sizeof p->log, "certs-peer-%ld-%d.log", (long)getpid(), ++g_serial);
    pid = tc_spawn_logged(argv, p->log, preload);
    CHECK(pid >= 0, "fork: %s", strerror(errno));
    p->pid = pid;
    register_peer(p);
}

static size_t read_log(const cs_peer *p, char *text, size_t cap)
{
    return tc_read_text(p->log, text, cap);
}

/* 1 when the peer has exited (and is reaped). */
static int peer_exited(cs_peer *p)
{
    int status;
    if (p->pid > 0 && waitpid(p->pid, &status, WNOHANG) == p->pid) {
        p->pid = 0;
        return 1;
    }
    return p->pid <= 0;
}

static int build_argv(char **argv, int cap, int argc, const char *const *args)
{
    for (int i = 0; args[i] != NULL; i++) {
        CHECK(argc < cap - 1, "too many peer arguments");
        argv[argc++] = (char *)args[i];
    }
    argv[argc] = NULL;
    return argc;
}

void cs_start_s_server(cs_peer *p, const char *const *args)
{
    char *argv[48];
    int argc = 0;
    const char *openssl = getenv("OPENSSL") != NULL ? getenv("OPENSSL") : "openssl";
    double deadline;

    memset(p, 0, sizeof *p);
    p->what = "openssl s_server";
    argv[argc++] = (char *)openssl;
    argv[argc++] = (char *)"s_server";
    argv[argc++] = (char *)"-accept";
    argv[argc++] = (char *)"127.0.0.1:0"; /* kernel-chosen free port, printed in the ACCEPT line */
    build_argv(argv, 48, argc, args);
    spawn(p, argv, NULL);

    deadline = cs_now() + 15.0;
    for (int i = 0; i < 3000 && cs_now() < deadline; i++) {
        char text[8192];
        read_log(p, text, sizeof text);
        if (tc_accept_port(text, &p->port)) {
            CHECK(p->port > 0, "bad ACCEPT line from s_server");
            return;
        }
        if (peer_exited(p)) {
            cs_dump_log(p);
            cs_fail(__FILE__, __LINE__, "cs_start_s_server", "openssl s_server exited during start-up");
        }
        cs_sleep(0.005);
    }
    cs_fail(__FILE__, __LINE__, "cs_start_s_server", "openssl s_server did not print ACCEPT within 15 s");
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

void cs_start_gnutls_serv(cs_peer *p, const char *const *args)
{
    const char *exe = getenv("GNUTLS_SERV") != NULL ? getenv("GNUTLS_SERV") : "gnutls-serv";
    const char *shim = getenv("CERTS_BIND_SHIM");
    CHECK(shim != NULL && access(shim, R_OK) == 0,
          "CERTS_BIND_SHIM must name the loopback-bind shim (set by tests/certs/CMakeLists.txt)");

    for (int attempt = 0; attempt < 5; attempt++) {
        char *argv[48];
        char port_s[16];
        int argc = 0;
        double deadline;
        int ready = 0;

        memset(p, 0, sizeof *p);
        p->what = "gnutls-serv";
        p->port = free_port();
        snprintf(port_s, sizeof port_s, "%d", p->port);
        argv[argc++] = (char *)exe;
        argv[argc++] = (char *)"-p";
        argv[argc++] = port_s;
        build_argv(argv, 48, argc, args);
        spawn(p, argv, shim);

        deadline = cs_now() + 15.0;
        for (int i = 0; i < 3000 && cs_now() < deadline && !ready; i++) {
            char text[8192];
            read_log(p, text, sizeof text);
            if (strstr(text, "IPv4") != NULL && strstr(text, "...done") != NULL) {
                ready = 1;
            } else if (peer_exited(p)) {
                break;
            } else {
                cs_sleep(0.005);
            }
        }
        if (ready) {
            int loopback_only = 1;
            int n = listeners_on(p->port, &loopback_only);
            if (n == 0) {
                /* The IPv4 listener is reported before the IPv6 one; give it a moment. */
                cs_sleep(0.05);
                n = listeners_on(p->port, &loopback_only);
            }
            CHECK(n > 0, "gnutls-serv reports listening but no listener on port %d", p->port);
            CHECK(loopback_only, "gnutls-serv listens beyond loopback on port %d: the bind shim failed", p->port);
            return;
        }
        if (!peer_exited(p)) {
            cs_fail(__FILE__, __LINE__, "cs_start_gnutls_serv", "gnutls-serv did not start listening within 15 s");
        }
        fprintf(stderr, "note: gnutls-serv exited during start-up (port %d taken?), retrying\n", p->port);
        cs_dump_log(p);
        unlink(p->log);
    }
    cs_fail(__FILE__, __LINE__, "cs_start_gnutls_serv", "gnutls-serv failed to start 5 times");
}

void cs_stop(cs_peer *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, NULL, 0);
        p->pid = 0;
    }
    /* A failing check has already copied the log to stderr (see cs_fail). */
    if (p->log[0] != '\0') {
        unlink(p->log);
        p->log[0] = '\0';
    }
}

void cs_dump_log(const cs_peer *p)
{
    char line[512];
    FILE *f = fopen(p->log, "r");
    if (f == NULL) {
        return;
    }
    fprintf(stderr, "---- %s log (%s) ----\n", p->what != NULL ? p->what : "peer", p->log);
    for (int i = 0; i < 80 && fgets(line, sizeof line, f) != NULL; i++) {
        fputs(line, stderr);
    }
    fprintf(stderr, "---- end of log ----\n");
    fclose(f);
}

/* ---- Sockets ----------------------------------------------------------------------------------- */

int cs_connect(int port)
{
    struct sockaddr_in a = tc_loopback(port);
    struct timeval tv = { 20, 0 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0, "socket: %s", strerror(errno));
    CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect 127.0.0.1:%d: %s", port, strerror(errno));
    /* A second bound besides the library's negotiate timeout: no read or write blocks forever. */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}
