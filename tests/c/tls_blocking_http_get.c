/*
 * Blocking socket, default config (no verification): handshake against `openssl s_server -www`,
 * HTTP GET, the response starts with "HTTP/1.0 200", and the server's close_notify ends the read
 * loop with 0.
 */
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
    int fd;

    test_init(argc, argv, 60);
    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);

    fd = tcp_connect(server.port);
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_handshake_finished(&ctx), 0);
    CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_handshake_finished(&ctx), 1);
    CHECK(ql_ssl_get_ciphersuite(&ctx) > 0, "no negotiated cipher suite after the handshake");

    http_get_200(&ctx, fd, response, sizeof response);
    printf("response: %.60s...\n", response);

    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    close(fd);
    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
