/*
 * The IoT extension items from C (docs/IOT.md), against openssl s_server -www -tls1_2:
 *   alpn  QL_SSL_CONF_ALPN {"x-amzn-mqtt-ca", "http/1.1"} to s_server -alpn h2,x-amzn-mqtt-ca:
 *         ql_ssl_get_alpn() = "x-amzn-mqtt-ca" (NULL before the handshake)
 *   pin   QL_SSL_CONF_PIN_SHA256 under VERIFY_NULL: the server key's digest (computed by the
 *         openssl command line) succeeds; another digest fails with HS_FAILURE and verify flag
 *         0x100000
 * Usage: iot_items PKI_DIR MODE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qlssl_test.h"

#define PIN_MISMATCH 0x100000u /* docs/IOT.md: the pin finding of ql_ssl_get_verify_result */

/* The socket of the connection in progress (s_server serves one at a time: closed by `finish`). */
static int conn_fd = -1;

/* One handshake with `cfg` to `port`; the result, and the context (to be `finish`ed) in `ctx`. */
static int handshake(ql_ssl_config *cfg, int port, ql_ssl_context *ctx)
{
    conn_fd = tcp_connect(port);
    CHECK_RC(ql_ssl_new(ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(ctx, cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(ctx, conn_fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(ctx, "localhost"), QL_SSL_SUCCESS);
    return ql_ssl_handshake(ctx);
}

/* Free the context and close its socket. */
static void finish(ql_ssl_context *ctx)
{
    CHECK_RC(ql_ssl_free(ctx), QL_SSL_SUCCESS);
    close(conn_fd);
    conn_fd = -1;
}

/* SHA-256 of the SubjectPublicKeyInfo of `cert_file`, by the openssl command line. */
static void spki_sha256(const char *cert_file, unsigned char pin[32])
{
    char *cmd = test_strdup_printf("openssl x509 -in '%s' -noout -pubkey | openssl pkey -pubin -outform der"
                                   " | openssl dgst -sha256 -binary", cert_file);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL, "popen failed");
    CHECK(fread(pin, 1, 32, p) == 32, "no digest from: %s", cmd);
    CHECK(pclose(p) == 0, "%s failed", cmd);
}

int main(int argc, char **argv)
{
    peer_t server;
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    const char *mode;

    test_init(argc, argv, 60);
    CHECK(argc == 3, "usage: %s PKI_DIR MODE", argv[0]);
    mode = argv[2];
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    if (strcmp(mode, "alpn") == 0) {
        const char *protocols[] = {"x-amzn-mqtt-ca", "http/1.1"};
        const char *got;
        peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", "-tls1_2", "-alpn",
                            "h2,x-amzn-mqtt-ca", NULL);
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_ALPN, protocols, 2), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
        CHECK(ql_ssl_get_alpn(&ctx) == NULL, "a protocol before the handshake");
        CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
        CHECK_RC(handshake(&cfg, server.port, &ctx), QL_SSL_SUCCESS);
        got = ql_ssl_get_alpn(&ctx);
        printf("negotiated ALPN: %s\n", got ? got : "(none)");
        CHECK(got != NULL && strcmp(got, "x-amzn-mqtt-ca") == 0, "ALPN %s", got ? got : "(none)");
        finish(&ctx);
    } else if (strcmp(mode, "pin") == 0) {
        unsigned char pins[2][32];
        uint32_t flags = 0;
        peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", "-tls1_2", NULL);
        memset(pins[0], 0x5A, 32);
        spki_sha256(pki("server.pem"), pins[1]);
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_NULL), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PIN_SHA256, &pins[0][0], 2), QL_SSL_SUCCESS);
        CHECK_RC(handshake(&cfg, server.port, &ctx), QL_SSL_SUCCESS);
        finish(&ctx);
        /* Only the wrong digest left: refused, with the pin finding. */
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PIN_SHA256, &pins[0][0], 1), QL_SSL_SUCCESS);
        CHECK_RC(handshake(&cfg, server.port, &ctx), QL_SSL_ERROR_HS_FAILURE);
        CHECK_RC(ql_ssl_get_verify_result(&ctx, &flags), QL_SSL_SUCCESS);
        CHECK(flags == PIN_MISMATCH, "verify findings 0x%x, expected the pin finding", flags);
        finish(&ctx);
    } else {
        CHECK(0, "unknown mode %s", mode);
    }
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
