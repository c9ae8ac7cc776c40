/*
 * Negotiate timeout: the peer is a plain TCP listener in this process that accepts the connection
 * and never answers. With QL_SSL_CONF_HS_TIMEOUT set and a QL_SSL_CONF_HS_TIMEOUT_FUNC callback,
 * the handshake must fail with QL_SSL_ERROR_HS_FAILURE after about that many seconds (bounded
 * here generously), and the callback must run exactly once with the context pointer given to
 * ql_ssl_handshake() and the configured argument.
 *   blocking     blocking socket, timeout 1 s, one ql_ssl_handshake() call
 *   nonblocking  O_NONBLOCK socket, timeout 2 s, select() loop that sees WANT_READ until the
 *                deadline and then HS_FAILURE
 *   free_in_callback  blocking, timeout 1 s, and the callback frees the context (ql_ssl.h allows
 *                it): the handshake still returns HS_FAILURE and the handle is dead afterwards
 * Usage: tls_handshake_timeout PKI_DIR blocking|nonblocking|free_in_callback
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qlssl_test.h"

static int g_calls = 0;
static ql_ssl_context *g_cb_ctx = NULL;
static ql_ssl_context g_cb_handle = 0;
static void *g_cb_arg = NULL;
static int g_free_in_cb = 0;
static int g_free_rc = 1;

static void on_timeout(ql_ssl_context *ssl_ctx, void *arg)
{
    g_calls++;
    g_cb_ctx = ssl_ctx;
    g_cb_handle = ssl_ctx != NULL ? *ssl_ctx : 0;
    g_cb_arg = arg;
    if (g_free_in_cb) {
        g_free_rc = ql_ssl_free(ssl_ctx);
    }
}

int main(int argc, char **argv)
{
    static int marker; /* its address is the callback argument */
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    unsigned char hello[8];
    int listener, port, fd, peer, rc = QL_SSL_SUCCESS, nonblocking, timeout_s, want = 0;
    double t0, elapsed;

    test_init(argc, argv, 60);
    CHECK(argc == 3 && (strcmp(argv[2], "blocking") == 0 || strcmp(argv[2], "nonblocking") == 0 ||
                        strcmp(argv[2], "free_in_callback") == 0),
          "usage: %s PKI_DIR blocking|nonblocking|free_in_callback", argv[0]);
    nonblocking = strcmp(argv[2], "nonblocking") == 0;
    g_free_in_cb = strcmp(argv[2], "free_in_callback") == 0;
    timeout_s = nonblocking ? 2 : 1;

    /* The silent peer: the connection completes in the listen backlog, accept() returns at once. */
    listener = tcp_listen(&port);
    fd = nonblocking ? tcp_connect_nonblocking(port) : tcp_connect(port);
    peer = accept(listener, NULL, NULL);
    CHECK(peer >= 0, "accept failed");

    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_HS_TIMEOUT, timeout_s), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_HS_TIMEOUT_FUNC, on_timeout, (void *)&marker), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);

    t0 = now_s();
    if (!nonblocking) {
        rc = ql_ssl_handshake(&ctx);
    } else {
        for (int i = 0;; i++) {
            CHECK(i < 100000 && now_s() - t0 < 15.0, "still no result after %d calls", i);
            rc = ql_ssl_handshake(&ctx);
            if (rc != QL_SSL_ERROR_WANT_READ && rc != QL_SSL_ERROR_WANT_WRITE) {
                break;
            }
            CHECK_RC(rc, QL_SSL_ERROR_WANT_READ); /* the ClientHello fits the socket buffer */
            CHECK(g_calls == 0, "callback ran while the handshake was still in progress");
            want++;
            wait_fd(fd, 0, 0.25);
        }
        printf("%d WANT_READ results before the deadline\n", want);
        CHECK(want >= 2, "only %d WANT_READ results before the timeout", want);
    }
    elapsed = now_s() - t0;
    printf("handshake -> %d (%s) after %.2f s (timeout %d s), callback ran %d time(s)\n", rc, rc_name(rc),
           elapsed, timeout_s, g_calls);

    CHECK_RC(rc, QL_SSL_ERROR_HS_FAILURE);
    CHECK(elapsed >= timeout_s - 0.2, "failed after %.2f s, before the %d s timeout", elapsed, timeout_s);
    CHECK(elapsed < 10.0, "took %.2f s for a %d s timeout", elapsed, timeout_s);
    CHECK(g_calls == 1, "callback ran %d times", g_calls);
    CHECK(g_cb_ctx == &ctx, "callback got context pointer %p, expected %p", (void *)g_cb_ctx, (void *)&ctx);
    CHECK(g_cb_handle == ctx, "callback saw handle %d, expected %d", g_cb_handle, ctx);
    CHECK(g_cb_arg == (void *)&marker, "callback got arg %p, expected %p", g_cb_arg, (void *)&marker);

    /* The client really spoke TLS to the silent peer: a handshake record (0x16) is waiting. */
    CHECK(recv(peer, hello, sizeof hello, MSG_DONTWAIT) > 0 && hello[0] == 0x16,
          "no ClientHello reached the peer");

    if (g_free_in_cb) {
        /* The callback released the context: the handle is dead now. */
        CHECK_RC(g_free_rc, QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_ERROR_INVALID_PARAM);
        CHECK(ql_ssl_handshake_finished(&ctx) < 0, "freed handle still answers");
        CHECK_RC(ql_ssl_free(&ctx), QL_SSL_ERROR_INVALID_PARAM);
        CHECK(g_calls == 1, "callback ran again (%d calls)", g_calls);
    } else {
        /* Asking again does not restart the handshake nor call the callback a second time. */
        CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_ERROR_HS_FAILURE);
        CHECK(g_calls == 1, "callback ran again (%d calls)", g_calls);
        CHECK_RC(ql_ssl_handshake_finished(&ctx), 0);
        CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    }
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    close(fd);
    close(peer);
    close(listener);
    printf("PASS\n");
    return 0;
}
