/* Helpers shared by the hardening tests (see hsupport.h). */
#include "hsupport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PEERS 16

static volatile pid_t g_peers[MAX_PEERS];

static void kill_peers(void)
{
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_peers[i] > 0) {
            kill(g_peers[i], SIGKILL);
            waitpid(g_peers[i], NULL, 0);
            g_peers[i] = 0;
        }
    }
}

void h_init(unsigned watchdog_s)
{
    test_init(0, NULL, watchdog_s);
    signal(SIGPIPE, SIG_IGN);
    atexit(kill_peers);
}

const char *h_env(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        h_fail(__FILE__, __LINE__, name, "environment variable not set (run through ctest)");
    }
    return v;
}

const char *h_pki(const char *file)
{
    static char bufs[8][512];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", h_env("HARDENING_PKI"), file);
    return b;
}

void h_peer_start(h_peer *p, char *const argv[])
{
    int pipefd[2];
    char line[128];
    size_t len = 0;
    double deadline = h_now() + 15.0;
    int slot = -1;

    memset(p, 0, sizeof *p);
    for (int i = 0; i < MAX_PEERS; i++) {
        if (g_peers[i] == 0) {
            slot = i;
            break;
        }
    }
    H_CHECK(slot >= 0, "too many peers");
    H_CHECK(pipe(pipefd) == 0, "pipe: %s", strerror(errno));
    p->pid = fork();
    H_CHECK(p->pid >= 0, "fork: %s", strerror(errno));
    if (p->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        execv(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    g_peers[slot] = p->pid;
    close(pipefd[1]);
    while (len < sizeof line - 1) {
        struct pollfd pfd = {pipefd[0], POLLIN, 0};
        int left = (int)((deadline - h_now()) * 1000);
        ssize_t r;
        if (left <= 0 || poll(&pfd, 1, left) <= 0) {
            break;
        }
        r = read(pipefd[0], line + len, 1);
        if (r <= 0) {
            break;
        }
        len++;
        if (line[len - 1] == '\n') {
            break;
        }
    }
    line[len] = '\0';
    close(pipefd[0]);
    if (sscanf(line, "PORT %d", &p->port) != 1) {
        h_fail(__FILE__, __LINE__, argv[0], "peer did not report its port (got '%s')", line);
    }
}

void h_tls_server_start(h_peer *p, const char *cert, const char *key, const char *ciphers)
{
    char *argv[] = {(char *)h_env("HARDENING_TLS_SERVER"), "-c", (char *)cert, "-k", (char *)key, "-x",
                    (char *)ciphers, "-P", NULL};
    h_peer_start(p, argv);
}

void h_peer_stop(h_peer *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, NULL, 0);
        for (int i = 0; i < MAX_PEERS; i++) {
            if (g_peers[i] == p->pid) {
                g_peers[i] = 0;
            }
        }
        p->pid = 0;
    }
}

int h_connect(int port)
{
    struct sockaddr_in sa = tc_loopback(port);
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    H_CHECK(fd >= 0, "socket: %s", strerror(errno));
    for (int attempt = 0;; attempt++) {
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            break;
        }
        /* A listen backlog overflow under load shows up as a refused/timed-out connect. */
        H_CHECK(attempt < 50 && (errno == ECONNREFUSED || errno == EAGAIN || errno == ETIMEDOUT || errno == EINTR),
                "connect to 127.0.0.1:%d: %s", port, strerror(errno));
        close(fd);
        usleep(20000);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        H_CHECK(fd >= 0, "socket: %s", strerror(errno));
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

void h_set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    H_CHECK(fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0, "fcntl O_NONBLOCK");
}

int h_wait_fd(int fd, int want_write, double timeout_s)
{
    struct pollfd pfd = {fd, (short)(want_write ? POLLOUT : POLLIN), 0};
    int r;
    do {
        r = poll(&pfd, 1, (int)(timeout_s * 1000));
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

int h_handshake_nonblocking(ql_ssl_context *ctx, int fd, double timeout_s)
{
    double deadline = h_now() + timeout_s;
    for (;;) {
        int rc = ql_ssl_handshake(ctx);
        if (rc != QL_SSL_ERROR_WANT_READ && rc != QL_SSL_ERROR_WANT_WRITE) {
            return rc;
        }
        if (h_now() > deadline) {
            return rc;
        }
        h_wait_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE, 0.2);
    }
}

int h_send_cmd(ql_ssl_context *ctx, char op, unsigned long long n)
{
    unsigned char cmd[9];
    cmd[0] = (unsigned char)op;
    for (int i = 8; i >= 1; i--) {
        cmd[i] = (unsigned char)(n & 0xff);
        n >>= 8;
    }
    return ql_ssl_write(ctx, cmd, sizeof cmd);
}

void h_conf_init(ql_ssl_config *conf)
{
    const char *version = getenv("HARDENING_SSL_VERSION");
    H_CHECK_RC(ql_ssl_conf_init(conf), QL_SSL_SUCCESS);
    if (version != NULL && version[0] != '\0') {
        H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_VERSION, atoi(version)), QL_SSL_SUCCESS);
    }
}

void h_conf_verifying(ql_ssl_config *conf, const char *ca, int timeout_s)
{
    h_conf_init(conf);
    H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_CACERT, (char *[]){(char *)ca}, 1), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_SNI, 1), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_HS_TIMEOUT, timeout_s), QL_SSL_SUCCESS);
}
