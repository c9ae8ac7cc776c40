/*
 * The SDK demo's non-blocking pattern: O_NONBLOCK socket, non-blocking connect finished with
 * select() and SO_ERROR, then a select() loop around ql_ssl_handshake() while it returns
 * QL_SSL_ERROR_WANT_READ / WANT_WRITE, then write/read with the same handling. A read with no data
 * pending must return WANT_READ instead of blocking.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qlssl_test.h"

int main(int argc, char **argv)
{
    peer_t server;
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    char response[16384];
    unsigned char byte;
    int fd, rc, want_calls = 0;
    double deadline;

    test_init(argc, argv, 60);
    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);

    fd = tcp_connect_nonblocking(server.port);
    CHECK(fcntl(fd, F_GETFL, 0) & O_NONBLOCK, "socket lost O_NONBLOCK");

    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_HS_TIMEOUT, 20), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);

    /* The handshake loop, exactly as an SDK app writes it. The server is paused during the first
     * call, so the reply cannot already be waiting (under emulation it otherwise may be). */
    CHECK(kill(server.pid, SIGSTOP) == 0, "cannot pause the server");
    deadline = now_s() + 20.0;
    for (int i = 0;; i++) {
        CHECK(i < 10000 && now_s() < deadline, "handshake not finished after %d calls", i);
        rc = ql_ssl_handshake(&ctx);
        if (i == 0) {
            CHECK(kill(server.pid, SIGCONT) == 0, "cannot resume the server");
        }
        if (rc == QL_SSL_SUCCESS) {
            break;
        }
        CHECK(rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE,
              "ql_ssl_handshake returned %d (%s)", rc, rc_name(rc));
        CHECK_RC(ql_ssl_handshake_finished(&ctx), 0);
        want_calls++;
        wait_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE, 1.0);
    }
    /* The server cannot answer a ClientHello before it was sent: at least one WANT_* happened. */
    CHECK(want_calls > 0, "a non-blocking handshake completed in one call");
    CHECK_RC(ql_ssl_handshake_finished(&ctx), 1);
    printf("handshake done after %d WANT_READ/WANT_WRITE results\n", want_calls);

    /* Nothing was requested yet, so nothing can be read: WANT_READ, immediately. */
    CHECK_RC(ql_ssl_read(&ctx, &byte, 1), QL_SSL_ERROR_WANT_READ);
    CHECK_RC(ql_ssl_get_bytes_avail(&ctx), 0);

    http_get_200(&ctx, fd, response, sizeof response);
    printf("response: %.60s...\n", response);

    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    close(fd);
    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
