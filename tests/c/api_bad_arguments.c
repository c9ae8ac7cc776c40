/*
 * Wrong arguments and wrong call states on a context, each with the code ql_ssl.h documents:
 *   host names: NULL, "" and 256 bytes -> INVALID_PARAM, 255 bytes accepted
 *   sockets: -1 and a closed descriptor -> INVALID_PARAM
 *   handshake before ql_ssl_setup -> INVALID_PARAM (wrong state); setup twice -> INVALID_PARAM
 *   (mode no_socket) handshake on a set-up context that never got a socket -> BAD_REQUEST, the
 *   "missing socket" case of QL_SSL_ERROR_BAD_REQUEST in ql_ssl.h
 *   read / get_bytes_avail after setup but before the handshake -> HS_INPROGRESS
 *   setup with a missing or malformed CA file under VERIFY_SERVER -> BAD_REQUEST
 *   NULL buffers for read/write -> INVALID_PARAM
 *   after ql_ssl_close_notify: read and write -> INVALID_PARAM
 *   ql_ssl_strerror truncates and always NUL-terminates
 * Usage: api_bad_arguments PKI_DIR all|no_socket
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qlssl_test.h"

int main(int argc, char **argv)
{
    peer_t server;
    ql_ssl_config cfg, bad_ca;
    ql_ssl_context ctx;
    char name[300], text[64], tiny[4];
    unsigned char byte = 0;
    int fd, closed_fd;
    FILE *junk;

    test_init(argc, argv, 60);
    CHECK(argc == 3, "usage: %s PKI_DIR all|no_socket", argv[0]);
    if (strcmp(argv[2], "no_socket") == 0) {
        CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_ERROR_BAD_REQUEST);
        CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
        printf("PASS\n");
        return 0;
    }
    CHECK(strcmp(argv[2], "all") == 0, "unknown mode %s", argv[2]);
    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);

    /* Host names. */
    CHECK_RC(ql_ssl_set_hostname(&ctx, NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_set_hostname(&ctx, ""), QL_SSL_ERROR_INVALID_PARAM);
    memset(name, 'a', 256);
    name[256] = '\0';
    CHECK_RC(ql_ssl_set_hostname(&ctx, name), QL_SSL_ERROR_INVALID_PARAM);
    name[255] = '\0';
    CHECK_RC(ql_ssl_set_hostname(&ctx, name), QL_SSL_SUCCESS);

    /* Sockets. */
    closed_fd = tcp_connect(server.port);
    close(closed_fd);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, -1), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, closed_fd), QL_SSL_ERROR_INVALID_PARAM);

    /* States. */
    CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_read(&ctx, &byte, 1), QL_SSL_ERROR_HS_INPROGRESS);
    CHECK_RC(ql_ssl_get_bytes_avail(&ctx), QL_SSL_ERROR_HS_INPROGRESS);
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);

    /* Unusable CA files are reported by setup. */
    CHECK_RC(ql_ssl_conf_init(&bad_ca), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&bad_ca, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&bad_ca, QL_SSL_CONF_CACERT, (char *[]){(char *)"/nonexistent/qlssl-test-ca.pem"}, 1), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &bad_ca), QL_SSL_ERROR_BAD_REQUEST);
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    junk = fopen("junk-ca.pem", "w");
    CHECK(junk != NULL, "cannot create junk-ca.pem");
    fputs("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", junk);
    fclose(junk);
    CHECK_RC(ql_ssl_conf_set(&bad_ca, QL_SSL_CONF_CACERT, (char **)NULL, 0), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&bad_ca, QL_SSL_CONF_CACERT, (char *[]){(char *)"junk-ca.pem"}, 1), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &bad_ca), QL_SSL_ERROR_BAD_REQUEST);
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    remove("junk-ca.pem");
    CHECK_RC(ql_ssl_conf_free(&bad_ca), QL_SSL_SUCCESS);

    /* A working connection: NULL buffers, then use after close_notify. */
    fd = tcp_connect(server.port);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_SUCCESS); /* again after success: still SUCCESS */
    CHECK_RC(ql_ssl_read(&ctx, NULL, 10), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_write(&ctx, NULL, 10), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_close_notify(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_write(&ctx, (const unsigned char *)"x", 1), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_read(&ctx, &byte, 1), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_handshake_finished(&ctx), 1);
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    close(fd);

    /* Result code texts. */
    CHECK_RC(ql_ssl_strerror(QL_SSL_ERROR_SOCKET_RESET, text, sizeof text), QL_SSL_SUCCESS);
    CHECK(strlen(text) > 3, "empty description: '%s'", text);
    memset(tiny, 'x', sizeof tiny);
    CHECK_RC(ql_ssl_strerror(QL_SSL_ERROR_SOCKET_RESET, tiny, sizeof tiny), QL_SSL_SUCCESS);
    CHECK(tiny[3] == '\0' && strncmp(tiny, text, 3) == 0, "not truncated to 3 characters + NUL");

    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
