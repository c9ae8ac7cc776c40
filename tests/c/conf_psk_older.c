/*
 * The older SDK generation's PSK item, as its demo calls it:
 *   ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK, key, 6, identity, 3) with key ASCII "123456" (raw bytes,
 *   not hex) and identity "123"
 * completes a PSK handshake with openssl s_server -psk 313233343536 -psk_identity 123 (the same key
 * in hex), with the demo's auth mode <mode> (null: VERIFY_NULL; server: VERIFY_SERVER without any CA,
 * as the older demo's DTLS part does: a PSK suite has no certificate to verify).
 * A wrong key (the hex text taken as bytes) must fail, which shows the bytes are used as given.
 * Usage: conf_psk_older PKI_DIR null|server
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qlssl_test.h"

/* QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA (IANA 0x008C), spelled out so this test does not depend on the
 * suite macros. */
#define PSK_AES128_CBC_SHA 0x008C

static int psk_flow(int port, int authmode, const unsigned char *key, int key_len)
{
    static const int suites[] = {PSK_AES128_CBC_SHA, 0};
    const unsigned char identity[] = "123";
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    char response[16384];
    int fd = tcp_connect(port);
    int rc;

    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_VERSION, QL_SSL_VERSION_3), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, authmode), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_HS_TIMEOUT, 5000), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CIPHERSUITE, suites), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK, key, key_len, identity, 3), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    rc = ql_ssl_handshake(&ctx);
    if (rc == QL_SSL_SUCCESS) {
        CHECK_RC(ql_ssl_get_ciphersuite(&ctx), PSK_AES128_CBC_SHA);
        http_get_200(&ctx, fd, response, sizeof response);
    }
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    const unsigned char demo_key[] = {0x31, 0x32, 0x33, 0x34, 0x35, 0x36}; /* "123456" */
    const unsigned char hex_as_bytes[] = "313233343536";
    peer_t server;
    int authmode;

    test_init(argc, argv, 60);
    CHECK(argc == 3 && (strcmp(argv[2], "null") == 0 || strcmp(argv[2], "server") == 0),
          "usage: %s PKI_DIR null|server", argv[0]);
    authmode = strcmp(argv[2], "server") == 0 ? QL_SSL_VERIFY_SERVER : QL_SSL_VERIFY_NULL;
    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", "-tls1_2", "-psk", "313233343536",
                        "-psk_identity", "123", "-cipher", "PSK-AES128-CBC-SHA:@SECLEVEL=0", NULL);
    CHECK_RC(psk_flow(server.port, authmode, demo_key, 6), QL_SSL_SUCCESS);
    CHECK_RC(psk_flow(server.port, authmode, hex_as_bytes, 12), QL_SSL_ERROR_HS_FAILURE);
    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
