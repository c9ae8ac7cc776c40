/* Shared helpers for the qlssl C tests (see support.h). */
#include "support.h"

#include "peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PEERS 8

static const char *g_pki_dir = NULL;
static int g_peer_serial = 0;

/* Every running peer, by value (not by pointer: the peer_t may live in a frame that is gone by
 * the time the atexit handler runs). */
static struct {
    pid_t pid;
    char log[256];
} g_live[MAX_PEERS];

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

static void on_watchdog(int sig)
{
    static const char msg[] = "FAIL: watchdog expired, the test hung\n";
    (void)sig;
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more to do */
    }
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_live[i].pid > 0) {
            kill(g_live[i].pid, SIGKILL);
        }
    }
    _exit(3);
}

void test_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tc_vreport_failure(file, line, what, fmt, ap,
                       "     (most recent failure the library recorded on this thread, maybe older: ", ")", 256);
    va_end(ap);
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_live[i].pid > 0) {
            peer_t p;
            memset(&p, 0, sizeof p);
            p.pid = g_live[i].pid;
            memcpy(p.log, g_live[i].log, sizeof p.log);
            peer_dump_log(&p);
        }
    }
    exit(1); /* atexit stops the peers */
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

double now_s(void)
{
    return tc_now();
}

/* ---- Peers ------------------------------------------------------------------------------------- */

static void register_peer(const peer_t *p)
{
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_live[i].pid == 0) {
            g_live[i].pid = p->pid;
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

void peer_spawn(peer_t *p, char *const argv[])
{
    pid_t pid;
    memset(p, 0, sizeof *p);
    snprintf(p->log, sizeof p->log, "peer-%ld-%d.log", (long)getpid(), ++g_peer_serial);
    pid = tc_spawn_logged(argv, p->log, NULL);
    CHECK(pid >= 0, "fork: %s", strerror(errno));
    p->pid = pid;
    register_peer(p);
}

/* Look for "ACCEPT <addr>:<port>" in the peer's log. */
static int parse_accept_port(const peer_t *p)
{
    char text[4096];
    int port = 0;
    tc_read_text(p->log, text, sizeof text);
    tc_accept_port(text, &port);
    return port;
}

void peer_start_s_server(peer_t *p, const char *cert, const char *key, ...)
{
    char *argv[32];
    int argc = 0;
    const char *openssl = getenv("OPENSSL") != NULL ? getenv("OPENSSL") : "openssl";
    va_list ap;
    double deadline;

    argv[argc++] = (char *)openssl;
    argv[argc++] = (char *)"s_server";
    argv[argc++] = (char *)"-accept";
    argv[argc++] = (char *)"127.0.0.1:0"; /* the server picks a free port and prints it */
    argv[argc++] = (char *)"-cert";
    argv[argc++] = (char *)cert;
    argv[argc++] = (char *)"-key";
    argv[argc++] = (char *)key;
    va_start(ap, key);
    for (const char *a = va_arg(ap, const char *); a != NULL; a = va_arg(ap, const char *)) {
        CHECK(argc < 31, "too many s_server arguments");
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;

    peer_spawn(p, argv);
    deadline = now_s() + 15.0;
    for (int i = 0; i < 1500 && now_s() < deadline; i++) {
        int status;
        p->port = parse_accept_port(p);
        if (p->port > 0) {
            return;
        }
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            forget_peer(p->pid);
            p->pid = 0;
            peer_dump_log(p);
            test_fail(__FILE__, __LINE__, "peer_start_s_server", "openssl s_server exited during start-up");
        }
        tc_sleep(0.01);
    }
    test_fail(__FILE__, __LINE__, "peer_start_s_server", "openssl s_server did not print ACCEPT in time");
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
        remove(p->log); /* a failing test prints the logs of its peers before this point */
    }
}

void peer_dump_log(const peer_t *p)
{
    char line[512];
    FILE *f = fopen(p->log, "r");
    if (f == NULL) {
        return;
    }
    fprintf(stderr, "---- %s ----\n", p->log);
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
    CHECK(fstat(fileno(f), &st) == 0 && st.st_size > 0, "stat %s", path);
    buf = malloc((size_t)st.st_size + 1);
    CHECK(buf != NULL, "out of memory");
    *len = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    CHECK(*len == (size_t)st.st_size, "short read on %s", path);
    buf[*len] = '\0';
    return buf;
}
