/*
 * Both call orders work: the SDK demo calls ql_ssl_set_hostname() and ql_ssl_set_socket_fd()
 * before ql_ssl_setup(), the newer header after it. With VERIFY_SERVER the host name really
 * matters, so each order is run twice against the same server: "localhost" must succeed and
 * "wrong.example" must fail, which proves the name given in that order was applied.
 * Usage: tls_call_order PKI_DIR before|after
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qlssl_test.h"

static int connect_and_get(int port, int setup_first, const char *hostname, char *response, size_t cap)
{
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    int fd = tcp_connect(port);
    int rc;

    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, (char *[]){(char *)pki("ca.pem")}, 1), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    if (setup_first) {
        CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_set_hostname(&ctx, hostname), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    } else {
        CHECK_RC(ql_ssl_set_hostname(&ctx, hostname), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    }
    /* The config was copied by setup: releasing it now must not disturb the context. */
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);

    rc = ql_ssl_handshake(&ctx);
    if (rc == QL_SSL_SUCCESS) {
        CHECK_RC(http_get(&ctx, fd, response, cap), 0);
    }
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    peer_t server;
    char response[16384];
    int setup_first;

    test_init(argc, argv, 60);
    CHECK(argc == 3 && (strcmp(argv[2], "before") == 0 || strcmp(argv[2], "after") == 0),
          "usage: %s PKI_DIR before|after", argv[0]);
    setup_first = strcmp(argv[2], "after") == 0;
    printf("hostname and socket set %s ql_ssl_setup()\n", setup_first ? "after" : "before");

    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);

    CHECK_RC(connect_and_get(server.port, setup_first, "localhost", response, sizeof response),
             QL_SSL_SUCCESS);
    CHECK(strncmp(response, "HTTP/1.0 200", 12) == 0, "unexpected response: %.80s", response);

    CHECK_RC(connect_and_get(server.port, setup_first, "wrong.example", response, sizeof response),
             QL_SSL_ERROR_HS_FAILURE);

    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
