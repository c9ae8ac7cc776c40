/*
 * Cross smoke client for libqlssl: one verified TLS handshake and an HTTP GET against
 * `openssl s_server -www` on 127.0.0.1, through the public ql_ssl_* API only. Built with the cross
 * compiler by scripts/cross.sh and run under qemu-user; it is also the "minimal linked client"
 * whose stripped size docs/CROSS.md reports.
 *
 *   smoke PORT CA_FILE HOSTNAME ok     handshake must verify, the GET must return "200 ok"
 *   smoke PORT CA_FILE HOSTNAME fail   handshake must fail (CA_FILE does not sign the server)
 *   smoke PORT CA_FILE HOSTNAME nonblock SERVER_PID
 *       the SDK demo's non-blocking pattern (O_NONBLOCK socket, select() around every WANT_READ /
 *       WANT_WRITE), made deterministic under emulation: the server is stopped (SIGSTOP) for the
 *       first ql_ssl_handshake() call, which therefore must return WANT_READ/WANT_WRITE at once
 *       instead of waiting, then continued (SIGCONT); a read before any request must also return
 *       WANT_READ.
 *
 * QLSSL_SMOKE_SSL_VERSION=N in the environment sets QL_SSL_CONF_VERSION to N (the TLS 1.3 engine's
 * 5 = QL_SSL_VERSION_4, in a library built with the tls13 feature); with 5 a successful handshake
 * must also negotiate a TLS 1.3 suite (0x1301-0x1303).
 *
 * Exit status 0 when the expectation holds, 1 otherwise. Loopback only; every loop is bounded and
 * the socket has a receive/send timeout, so a silent peer cannot hang it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ql_ssl.h"

static int fail(const char *what, int rc)
{
    char msg[160] = "";
    ql_ssl_last_error(msg, sizeof msg);
    fprintf(stderr, "smoke: %s: %d (%s)\n", what, rc, msg);
    return 1;
}

/* Wait until fd is readable (want_write 0) or writable, at most 5 s; 1 when ready. */
static int wait_fd(int fd, int want_write)
{
    fd_set set;
    struct timeval tv = {5, 0};
    FD_ZERO(&set);
    FD_SET(fd, &set);
    return select(fd + 1, want_write ? NULL : &set, want_write ? &set : NULL, NULL, &tv) == 1;
}

static int connect_loopback(int port, int nonblocking)
{
    struct sockaddr_in sa;
    struct timeval tv = {10, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("smoke: socket");
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (nonblocking) {
        int err = 0;
        socklen_t len = sizeof err;
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 &&
            (errno != EINPROGRESS || !wait_fd(fd, 1) ||
             getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)) {
            fprintf(stderr, "smoke: non-blocking connect 127.0.0.1 failed (errno %d, SO_ERROR %d)\n", errno, err);
            close(fd);
            return -1;
        }
        return fd;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("smoke: connect 127.0.0.1");
        close(fd);
        return -1;
    }
    return fd;
}

/* The non-blocking exchange; returns 0 on success. */
static int nonblocking_exchange(ql_ssl_context *ctx, int fd, pid_t server)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    static char response[65536];
    unsigned char byte;
    size_t got = 0, sent = 0;
    int rc, calls = 1, i;

    /* The server cannot answer while stopped: the first call must not wait for it. */
    if (kill(server, SIGSTOP) != 0) {
        perror("smoke: SIGSTOP server");
        return 1;
    }
    rc = ql_ssl_handshake(ctx);
    kill(server, SIGCONT);
    if (rc != QL_SSL_ERROR_WANT_READ && rc != QL_SSL_ERROR_WANT_WRITE) {
        return fail("first non-blocking ql_ssl_handshake (server stopped) did not return WANT_*", rc);
    }
    for (i = 0; i < 1000 && (rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE); i++) {
        if (!wait_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE)) {
            return fail("handshake: socket not ready within 5 s", rc);
        }
        rc = ql_ssl_handshake(ctx);
        calls++;
    }
    if (rc != QL_SSL_SUCCESS || ql_ssl_handshake_finished(ctx) != 1) {
        return fail("non-blocking ql_ssl_handshake", rc);
    }
    printf("smoke: non-blocking handshake ok after %d calls, cipher suite 0x%04x\n", calls,
           (unsigned)ql_ssl_get_ciphersuite(ctx));
    if ((rc = ql_ssl_read(ctx, &byte, 1)) != QL_SSL_ERROR_WANT_READ) {
        return fail("ql_ssl_read before any request should be WANT_READ", rc);
    }
    for (i = 0; i < 1000 && sent < sizeof request - 1; i++) {
        rc = ql_ssl_write(ctx, (const unsigned char *)request + sent, sizeof request - 1 - sent);
        if (rc > 0) {
            sent += (size_t)rc;
        } else if ((rc != QL_SSL_ERROR_WANT_WRITE && rc != QL_SSL_ERROR_WANT_READ) ||
                   !wait_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE)) {
            return fail("non-blocking ql_ssl_write", rc);
        }
    }
    for (i = 0; i < 10000 && got < sizeof response - 1; i++) {
        rc = ql_ssl_read(ctx, (unsigned char *)response + got, sizeof response - 1 - got);
        if (rc > 0) {
            got += (size_t)rc;
        } else if (rc == 0) {
            break;
        } else if ((rc != QL_SSL_ERROR_WANT_READ && rc != QL_SSL_ERROR_WANT_WRITE) ||
                   !wait_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE)) {
            break;
        }
    }
    response[got] = '\0';
    if (strncmp(response, "HTTP/1.0 200 ok", 15) != 0) {
        fprintf(stderr, "smoke: unexpected response (%zu bytes, last rc %d): %.80s\n", got, rc, response);
        return 1;
    }
    printf("smoke: non-blocking GET / -> %zu bytes, \"HTTP/1.0 200 ok\"\n", got);
    return 0;
}

int main(int argc, char **argv)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    static char response[65536];
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    size_t got = 0;
    int port, expect_ok, nonblocking, fd, rc, status = 1;
    pid_t server = 0;
    uint32_t flags = 0;
    const char *version = getenv("QLSSL_SMOKE_SSL_VERSION");

    nonblocking = argc == 6 && strcmp(argv[4], "nonblock") == 0 && (server = (pid_t)atol(argv[5])) > 1;
    if (!nonblocking && (argc != 5 || (strcmp(argv[4], "ok") != 0 && strcmp(argv[4], "fail") != 0))) {
        fprintf(stderr, "usage: %s PORT CA_FILE HOSTNAME ok|fail|nonblock SERVER_PID\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]);
    expect_ok = strcmp(argv[4], "fail") != 0;
    if (port <= 0 || port > 65535 || (fd = connect_loopback(port, nonblocking)) < 0) {
        return 1;
    }

    if ((rc = ql_ssl_conf_init(&conf)) != QL_SSL_SUCCESS) {
        close(fd);
        return fail("ql_ssl_conf_init", rc);
    }
    if ((rc = ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT, (char *[]){(char *)argv[2]}, 1)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&conf, QL_SSL_CONF_SNI, 1)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 20)) != QL_SSL_SUCCESS ||
        (version != NULL && (rc = ql_ssl_conf_set(&conf, QL_SSL_CONF_VERSION, atoi(version))) != QL_SSL_SUCCESS)) {
        fail("ql_ssl_conf_set", rc);
        goto out_conf;
    }
    if ((rc = ql_ssl_new(&ctx)) != QL_SSL_SUCCESS) {
        fail("ql_ssl_new", rc);
        goto out_conf;
    }
    if ((rc = ql_ssl_setup(&ctx, &conf)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_set_hostname(&ctx, argv[3])) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_set_socket_fd(&ctx, fd)) != QL_SSL_SUCCESS) {
        fail("setup", rc);
        goto out_ctx;
    }

    if (nonblocking) {
        status = nonblocking_exchange(&ctx, fd, server);
        goto out_ctx;
    }
    rc = ql_ssl_handshake(&ctx);
    ql_ssl_get_verify_result(&ctx, &flags);
    if (!expect_ok) {
        if (rc == QL_SSL_ERROR_HS_FAILURE && flags != 0) {
            printf("smoke: handshake refused as expected (rc %d, verify flags 0x%x)\n", rc, (unsigned)flags);
            status = 0;
        } else {
            fprintf(stderr, "smoke: expected a verification failure, got rc %d flags 0x%x\n", rc, (unsigned)flags);
        }
        goto out_ctx;
    }
    if (rc != QL_SSL_SUCCESS) {
        fail("ql_ssl_handshake", rc);
        fprintf(stderr, "smoke: verify flags 0x%x\n", (unsigned)flags);
        goto out_ctx;
    }
    printf("smoke: handshake ok, cipher suite 0x%04x, verify flags 0x%x\n",
           (unsigned)ql_ssl_get_ciphersuite(&ctx), (unsigned)flags);
    if (version != NULL && atoi(version) == 5 &&
        (ql_ssl_get_ciphersuite(&ctx) < 0x1301 || ql_ssl_get_ciphersuite(&ctx) > 0x1303)) {
        fprintf(stderr, "smoke: QL_SSL_VERSION_4 negotiated suite 0x%04x, not a TLS 1.3 one\n",
                (unsigned)ql_ssl_get_ciphersuite(&ctx));
        goto out_ctx;
    }

    if ((rc = ql_ssl_write(&ctx, (const unsigned char *)request, sizeof request - 1)) !=
        (int)(sizeof request - 1)) {
        fail("ql_ssl_write", rc);
        goto out_ctx;
    }
    /* s_server -www answers and closes: read until 0 (close_notify) or an error, bounded. */
    for (int i = 0; i < 10000 && got < sizeof response - 1; i++) {
        rc = ql_ssl_read(&ctx, (unsigned char *)response + got, sizeof response - 1 - got);
        if (rc <= 0) {
            break;
        }
        got += (size_t)rc;
    }
    response[got] = '\0';
    if (strncmp(response, "HTTP/1.0 200 ok", 15) != 0) {
        fprintf(stderr, "smoke: unexpected response (%zu bytes, last rc %d): %.80s\n", got, rc, response);
        goto out_ctx;
    }
    printf("smoke: GET / -> %zu bytes, \"HTTP/1.0 200 ok\"\n", got);
    status = 0;

out_ctx:
    ql_ssl_close_notify(&ctx);
    ql_ssl_free(&ctx);
out_conf:
    ql_ssl_conf_free(&conf);
    close(fd);
    return status;
}
