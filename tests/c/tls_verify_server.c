/*
 * Server verification (QL_SSL_CONF_AUTHMODE = QL_SSL_VERIFY_SERVER) against openssl s_server -www:
 *   right_ca         CA file that signed the server certificate: success, no verify findings
 *   right_ca_buffer  the same CA given with QL_SSL_CONF_CACERT_BUFFER: success
 *   wrong_ca         an unrelated CA: QL_SSL_ERROR_HS_FAILURE (finding: not trusted)
 *   wrong_hostname   right CA, localhost certificate, host name "wrong.example": HS_FAILURE
 *   wrong_cn_cert    right CA, certificate for wrong.example, host name "localhost": HS_FAILURE
 *                    (and, as a control, "wrong.example" against it succeeds)
 *   right_ca_ufs     CA given as "UFS:ca.pem" with QLSSL_UFS_DIR set to the PKI directory: success
 *   wrong_hostname_ignored  as wrong_hostname, with QL_SSL_CONF_IGNORE_CERT_ITEM = 4 (CN mismatch):
 *                    success, and the finding is still reported by ql_ssl_get_verify_result
 *   wrong_ca_ignored as wrong_ca, with QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN = 1: success
 * Usage: tls_verify_server PKI_DIR MODE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qlssl_test.h"

#define BADCERT_CN_MISMATCH 0x04u /* MBEDTLS_X509_BADCERT_CN_MISMATCH */
#define BADCERT_NOT_TRUSTED 0x08u /* MBEDTLS_X509_BADCERT_NOT_TRUSTED */

enum ca_source { CA_FILE, CA_BUFFER, CA_UFS };

typedef struct {
    enum ca_source source;
    uint32_t ignore_items;  /* QL_SSL_CONF_IGNORE_CERT_ITEM */
    int ignore_certsign;    /* QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN */
} options_t;

static const options_t plain = {CA_FILE, 0, 0};

/* One verified connection; returns the handshake result and the verification findings. */
static int verified_handshake(int port, const char *ca_file, options_t opt, const char *hostname, uint32_t *flags)
{
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    char response[16384];
    int fd, rc;

    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    if (opt.source == CA_BUFFER) {
        size_t len;
        unsigned char *pem = read_file(ca_file, &len);
        /* PEM buffers are passed with their terminating NUL, as mbedtls expects. */
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT_BUFFER, pem, len + 1), QL_SSL_SUCCESS);
        memset(pem, 0, len); /* the library took a copy */
        free(pem);
    } else if (opt.source == CA_UFS) {
        /* The module file system: "UFS:name" resolves under $QLSSL_UFS_DIR. */
        const char *name = strrchr(ca_file, '/');
        char ufs_path[256], dir[512];
        CHECK(name != NULL && (size_t)(name - ca_file) < sizeof dir, "unexpected CA path %s", ca_file);
        memcpy(dir, ca_file, (size_t)(name - ca_file));
        dir[name - ca_file] = '\0';
        CHECK(setenv("QLSSL_UFS_DIR", dir, 1) == 0, "setenv failed");
        snprintf(ufs_path, sizeof ufs_path, "UFS:%s", name + 1);
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, (char *[]){(char *)ufs_path}, 1), QL_SSL_SUCCESS);
    } else {
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, (char *[]){(char *)ca_file}, 1), QL_SSL_SUCCESS);
    }
    if (opt.ignore_items != 0) {
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_IGNORE_CERT_ITEM, opt.ignore_items), QL_SSL_SUCCESS);
    }
    if (opt.ignore_certsign) {
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN, 1), QL_SSL_SUCCESS);
    }

    fd = tcp_connect(port);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(&ctx, hostname), QL_SSL_SUCCESS);
    rc = ql_ssl_handshake(&ctx);
    printf("CA %s%s, host name %s: ql_ssl_handshake -> %d (%s)\n", ca_file,
           opt.source == CA_BUFFER ? " (buffer)" : opt.source == CA_UFS ? " (UFS:)" : "", hostname, rc,
           rc_name(rc));
    *flags = 0xFFFFFFFFu;
    CHECK_RC(ql_ssl_get_verify_result(&ctx, flags), QL_SSL_SUCCESS);
    if (rc == QL_SSL_SUCCESS) {
        http_get_200(&ctx, fd, response, sizeof response);
    } else {
        CHECK_RC(ql_ssl_handshake_finished(&ctx), 0);
        /* A failed handshake stays failed. */
        CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_ERROR_HS_FAILURE);
    }
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    peer_t server;
    const char *mode;
    uint32_t flags;
    int wrong_cn_cert;

    test_init(argc, argv, 60);
    CHECK(argc == 3, "usage: %s PKI_DIR MODE", argv[0]);
    mode = argv[2];
    wrong_cn_cert = strcmp(mode, "wrong_cn_cert") == 0;
    if (wrong_cn_cert) {
        peer_start_s_server(&server, pki("wronghost.pem"), pki("wronghost.key"), "-www", NULL);
    } else {
        peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);
    }

    if (strcmp(mode, "right_ca") == 0) {
        CHECK_RC(verified_handshake(server.port, pki("ca.pem"), plain, "localhost", &flags), QL_SSL_SUCCESS);
        CHECK(flags == 0, "verify findings 0x%x for a valid chain", flags);
    } else if (strcmp(mode, "right_ca_buffer") == 0) {
        options_t opt = {CA_BUFFER, 0, 0};
        CHECK_RC(verified_handshake(server.port, pki("ca.pem"), opt, "localhost", &flags), QL_SSL_SUCCESS);
        CHECK(flags == 0, "verify findings 0x%x for a valid chain", flags);
    } else if (strcmp(mode, "wrong_ca") == 0) {
        CHECK_RC(verified_handshake(server.port, pki("wrongca.pem"), plain, "localhost", &flags),
                 QL_SSL_ERROR_HS_FAILURE);
        CHECK(flags & BADCERT_NOT_TRUSTED, "verify findings 0x%x lack NOT_TRUSTED", flags);
    } else if (strcmp(mode, "wrong_hostname") == 0) {
        CHECK_RC(verified_handshake(server.port, pki("ca.pem"), plain, "wrong.example", &flags),
                 QL_SSL_ERROR_HS_FAILURE);
        CHECK(flags == BADCERT_CN_MISMATCH, "verify findings 0x%x, expected only CN_MISMATCH", flags);
    } else if (wrong_cn_cert) {
        CHECK_RC(verified_handshake(server.port, pki("ca.pem"), plain, "localhost", &flags),
                 QL_SSL_ERROR_HS_FAILURE);
        CHECK(flags == BADCERT_CN_MISMATCH, "verify findings 0x%x, expected only CN_MISMATCH", flags);
        /* Control: the same certificate is fine for the name it was issued to. */
        CHECK_RC(verified_handshake(server.port, pki("ca.pem"), plain, "wrong.example", &flags), QL_SSL_SUCCESS);
        CHECK(flags == 0, "verify findings 0x%x for a valid chain", flags);
    } else if (strcmp(mode, "right_ca_ufs") == 0) {
        options_t opt = {CA_UFS, 0, 0};
        CHECK_RC(verified_handshake(server.port, pki("ca.pem"), opt, "localhost", &flags), QL_SSL_SUCCESS);
        CHECK(flags == 0, "verify findings 0x%x for a valid chain", flags);
    } else if (strcmp(mode, "wrong_hostname_ignored") == 0) {
        options_t opt = {CA_FILE, BADCERT_CN_MISMATCH, 0};
        CHECK_RC(verified_handshake(server.port, pki("ca.pem"), opt, "wrong.example", &flags), QL_SSL_SUCCESS);
        CHECK(flags == BADCERT_CN_MISMATCH, "verify findings 0x%x, expected CN_MISMATCH (forgiven)", flags);
        /* Ignoring an unrelated item does not forgive the mismatch. */
        opt.ignore_items = 1; /* expired */
        CHECK_RC(verified_handshake(server.port, pki("ca.pem"), opt, "wrong.example", &flags),
                 QL_SSL_ERROR_HS_FAILURE);
    } else if (strcmp(mode, "wrong_ca_ignored") == 0) {
        options_t opt = {CA_FILE, 0, 1};
        CHECK_RC(verified_handshake(server.port, pki("wrongca.pem"), opt, "localhost", &flags), QL_SSL_SUCCESS);
        CHECK(flags & BADCERT_NOT_TRUSTED, "verify findings 0x%x lack NOT_TRUSTED (forgiven)", flags);
    } else {
        CHECK(0, "unknown mode %s", mode);
    }

    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
