/*
 * How the end of a connection is reported after a successful handshake.
 *   reset_read   a relay between client and `openssl s_server -rev` aborts the client-side TCP
 *                connection (SO_LINGER 0 + close: a real RST) while the client waits in
 *                ql_ssl_read(): SOCKET_RESET, and a write afterwards gives SOCKET_RESET too
 *   reset_write  the same reset, then ql_ssl_write() first: SOCKET_RESET, no SIGPIPE (the
 *                default SIGPIPE action would kill this process), and again on a second write
 *   killed       the s_server process is SIGKILLed while the client waits in ql_ssl_read():
 *                TCP closes without close_notify: SOCKET_RESET
 *   clean_close  `s_server -www` sends close_notify after its response: ql_ssl_read() returns 0,
 *                and keeps returning 0
 * Usage: tls_peer_close PKI_DIR MODE
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "qlssl_test.h"

/* ---- A TCP relay that can abort its client side on request ---------------------------------- */

typedef struct {
    int listener;    /* the client connects here */
    int listen_port;
    int server_port; /* s_server */
    int ctl[2];      /* a byte on ctl[1] means: reset the client connection now */
    int reset_done;
    pthread_t thread;
} relay_t;

static int forward(int from, int to)
{
    char buf[4096];
    ssize_t n = recv(from, buf, sizeof buf, 0);
    if (n <= 0) {
        return -1;
    }
    for (ssize_t off = 0; off < n;) {
        ssize_t w = send(to, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
        if (w <= 0) {
            return -1;
        }
        off += w;
    }
    return 0;
}

static void *relay_main(void *arg)
{
    relay_t *r = arg;
    struct pollfd pfd[3];
    struct linger abort_close = {1, 0};
    int client = -1, upstream = -1;
    double deadline = now_s() + 30.0;

    pfd[0].fd = r->listener;
    pfd[0].events = POLLIN;
    if (poll(pfd, 1, 10000) != 1 || (client = accept(r->listener, NULL, NULL)) < 0) {
        fprintf(stderr, "relay: no client connected\n");
        return NULL;
    }
    upstream = tcp_connect(r->server_port);
    for (int i = 0; i < 100000 && now_s() < deadline; i++) {
        pfd[0].fd = client;
        pfd[1].fd = upstream;
        pfd[2].fd = r->ctl[0];
        for (int k = 0; k < 3; k++) {
            pfd[k].events = POLLIN;
            pfd[k].revents = 0;
        }
        if (poll(pfd, 3, 100) < 0 && errno != EINTR) {
            break;
        }
        if (pfd[2].revents & POLLIN) {
            setsockopt(client, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
            close(client);
            client = -1;
            r->reset_done = 1;
            break;
        }
        if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) && forward(client, upstream) != 0) {
            break;
        }
        if ((pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) && forward(upstream, client) != 0) {
            break;
        }
    }
    if (client >= 0) {
        close(client);
    }
    close(upstream);
    return NULL;
}

static void relay_start(relay_t *r, int server_port)
{
    memset(r, 0, sizeof *r);
    r->server_port = server_port;
    r->listener = tcp_listen(&r->listen_port);
    CHECK(pipe(r->ctl) == 0, "pipe: %s", strerror(errno));
    CHECK(pthread_create(&r->thread, NULL, relay_main, r) == 0, "pthread_create failed");
}

static void relay_reset_and_join(relay_t *r)
{
    CHECK(write(r->ctl[1], "r", 1) == 1, "relay control write failed");
    CHECK(pthread_join(r->thread, NULL) == 0, "pthread_join failed");
    CHECK(r->reset_done, "the relay ended before it could reset the connection");
    close(r->ctl[0]);
    close(r->ctl[1]);
    close(r->listener);
}

/* ---- A thread that SIGKILLs a peer after a short delay -------------------------------------- */

static void *kill_later(void *arg)
{
    const peer_t *p = arg;
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    kill(p->pid, SIGKILL);
    return NULL;
}

/* ---- The client ------------------------------------------------------------------------------ */

static void tls_connect(ql_ssl_config *cfg, ql_ssl_context *ctx, int fd)
{
    CHECK_RC(ql_ssl_conf_init(cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_CACERT, (char *[]){(char *)pki("ca.pem")}, 1), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(ctx, cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(ctx, "localhost"), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_handshake(ctx), QL_SSL_SUCCESS);
}

/* Send a line to `s_server -rev` and check it comes back reversed: the data path works. */
static void echo_reversed(ql_ssl_context *ctx)
{
    unsigned char buf[64];
    size_t got = 0;
    CHECK_RC(ql_ssl_write(ctx, (const unsigned char *)"hello\n", 6), 6);
    for (int i = 0; i < 100 && got < 6; i++) {
        int rc = ql_ssl_read(ctx, buf + got, sizeof buf - got);
        CHECK(rc > 0, "ql_ssl_read returned %d (%s) while waiting for the echo", rc, rc_name(rc));
        got += (size_t)rc;
    }
    CHECK(got == 6 && memcmp(buf, "olleh\n", 6) == 0, "unexpected echo (%zu bytes)", got);
}

int main(int argc, char **argv)
{
    static const unsigned char more[] = "more data\n";
    peer_t server;
    relay_t relay;
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    unsigned char buf[256];
    const char *mode;
    int fd;

    test_init(argc, argv, 60);
    CHECK(argc == 3, "usage: %s PKI_DIR reset_read|reset_write|killed|clean_close", argv[0]);
    mode = argv[2];

    if (strcmp(mode, "reset_read") == 0 || strcmp(mode, "reset_write") == 0) {
        peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-rev", NULL);
        relay_start(&relay, server.port);
        fd = tcp_connect(relay.listen_port);
        tls_connect(&cfg, &ctx, fd);
        echo_reversed(&ctx);
        if (strcmp(mode, "reset_read") == 0) {
            /* The relay resets while (or just before) the client blocks in ql_ssl_read. */
            CHECK(write(relay.ctl[1], "r", 1) == 1, "relay control write failed");
            CHECK_RC(ql_ssl_read(&ctx, buf, sizeof buf), QL_SSL_ERROR_SOCKET_RESET);
            CHECK_RC(ql_ssl_write(&ctx, more, sizeof more - 1), QL_SSL_ERROR_SOCKET_RESET);
            CHECK(pthread_join(relay.thread, NULL) == 0 && relay.reset_done, "relay did not reset");
            close(relay.listener);
        } else {
            struct pollfd pfd = {fd, POLLIN, 0};
            relay_reset_and_join(&relay);
            /* Wait (bounded) until the RST has arrived on the client socket. */
            CHECK(poll(&pfd, 1, 5000) == 1, "the reset did not reach the client socket");
            CHECK_RC(ql_ssl_write(&ctx, more, sizeof more - 1), QL_SSL_ERROR_SOCKET_RESET);
            CHECK_RC(ql_ssl_write(&ctx, more, sizeof more - 1), QL_SSL_ERROR_SOCKET_RESET);
        }
    } else if (strcmp(mode, "killed") == 0) {
        pthread_t killer;
        peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-rev", NULL);
        fd = tcp_connect(server.port);
        tls_connect(&cfg, &ctx, fd);
        echo_reversed(&ctx);
        CHECK(pthread_create(&killer, NULL, kill_later, &server) == 0, "pthread_create failed");
        CHECK_RC(ql_ssl_read(&ctx, buf, sizeof buf), QL_SSL_ERROR_SOCKET_RESET);
        CHECK(pthread_join(killer, NULL) == 0, "pthread_join failed");
    } else if (strcmp(mode, "clean_close") == 0) {
        char response[16384];
        struct timespec pause = {0, 200 * 1000 * 1000};
        peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);
        fd = tcp_connect(server.port);
        tls_connect(&cfg, &ctx, fd);
        http_get_200(&ctx, fd, response, sizeof response);
        /* The TCP FIN that follows the close_notify does not turn the clean close into a reset. */
        nanosleep(&pause, NULL);
        CHECK_RC(ql_ssl_read(&ctx, buf, sizeof buf), 0);
        CHECK_RC(ql_ssl_read(&ctx, buf, sizeof buf), 0);
        CHECK_RC(ql_ssl_get_bytes_avail(&ctx), 0);
    } else {
        CHECK(0, "unknown mode %s", mode);
        return 1;
    }

    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    close(fd);
    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
