/*
 * Regression test: a ql_ssl_config copied by value (`b = a;`, ordinary C).
 *
 * The copy carries `a`'s private marker and extension handle (kept inside the opaque
 * ssl_session_cache.ssl_session storage) and every pointer member. Once this freed `a`'s strings
 * and lists when the copy was changed (heap-use-after-free in ql_ssl_setup from `a`; found by fuzz
 * target conf_api with QLSSL_FUZZ_STRUCT_COPY=1, input fuzz/regressions/conf_api_struct_copy/).
 * Now the first call on the copy gives it an extension and copies of its own.
 *
 * What must hold: changes made through the copy (CA paths, CA buffers, cipher list) never affect
 * `a`; `a` still sets up a context that completes a verified handshake with its own CA and cipher
 * list; both structs can be released; no sanitizer report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsupport.h"

static unsigned char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = malloc(1 << 16);
    H_CHECK(f != NULL && buf != NULL, "cannot read %s", path);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    H_CHECK(*len > 0 && *len < (1 << 16), "%s: unexpected size", path);
    return buf;
}

static const int LIST_A[] = {QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, 0};
static const int LIST_B[] = {QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, 0};

/* `a` must still set up a context that completes a verified handshake with its own settings. */
static void original_still_works(h_peer *server, ql_ssl_config *a, int suite)
{
    ql_ssl_context ctx;
    int fd;
    H_CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_setup(&ctx, a), QL_SSL_SUCCESS);
    fd = h_connect(server->port);
    H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_get_ciphersuite(&ctx), suite);
    H_CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    close(fd);
}

static void release_both(ql_ssl_config *a, ql_ssl_config *b)
{
    int rc = ql_ssl_conf_free(b);
    H_CHECK(rc == QL_SSL_SUCCESS || rc == QL_SSL_ERROR_INVALID_PARAM, "conf_free(copy) = %d", rc);
    rc = ql_ssl_conf_free(a);
    H_CHECK(rc == QL_SSL_SUCCESS || rc == QL_SSL_ERROR_INVALID_PARAM, "conf_free(original) = %d", rc);
}

int main(void)
{
    h_peer server;
    ql_ssl_config a, b;
    char path_a[512];
    char **got = NULL;
    int got_count = -1;
    int rc;

    h_init(60);
    h_tls_server_start(&server, h_pki("rsa_server.pem"), h_pki("rsa_server.key"), "ECDHE-RSA-AES128-GCM-SHA256");
    snprintf(path_a, sizeof path_a, "%s", h_pki("rsa_ca.pem"));

    /* 1. CA paths changed through the copy (in the ASan build: heap-use-after-free report). */
    h_conf_verifying(&a, path_a, 5);
    b = a; /* a plain struct copy, as C code does */
    rc = ql_ssl_conf_set(&b, QL_SSL_CONF_CACERT, (char **)NULL, 0);
    printf("conf_set(copy, CACERT, NULL, 0) = %s\n", h_rc_name(rc));
    {
        char *ec_ca = (char *)h_pki("ec_ca.pem");
        rc = ql_ssl_conf_set(&b, QL_SSL_CONF_CACERT, &ec_ca, 1);
        printf("conf_set(copy, CACERT, {ec_ca.pem}, 1) = %s\n", h_rc_name(rc));
    }
    original_still_works(&server, &a, QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    H_CHECK_RC(ql_ssl_conf_get(&a, QL_SSL_CONF_CACERT, &got, &got_count), QL_SSL_SUCCESS);
    H_CHECK(got == a.ca_cert_path && got_count == 1 && strcmp(got[0], path_a) == 0,
            "the original's CA path changed");
    release_both(&a, &b);

    /* 2. The cipher list changed through the copy. */
    h_conf_verifying(&a, path_a, 5);
    H_CHECK_RC(ql_ssl_conf_set(&a, QL_SSL_CONF_CIPHERSUITE, LIST_A), QL_SSL_SUCCESS);
    b = a;
    rc = ql_ssl_conf_set(&b, QL_SSL_CONF_CIPHERSUITE, LIST_B);
    printf("conf_set(copy, CIPHERSUITE, ...) = %s\n", h_rc_name(rc));
    original_still_works(&server, &a, QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    release_both(&a, &b);

    /* 3. CA buffers (ca_cert_buffer[]) cleared through the copy; `a` verifies with its buffer only. */
    h_conf_verifying(&a, path_a, 5);
    {
        size_t len = 0;
        unsigned char *pem = read_whole(path_a, &len);
        H_CHECK_RC(ql_ssl_conf_set(&a, QL_SSL_CONF_CACERT, (char **)NULL, 0), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_conf_set(&a, QL_SSL_CONF_CACERT_BUFFER, pem, len), QL_SSL_SUCCESS);
        free(pem);
    }
    b = a;
    rc = ql_ssl_conf_set(&b, QL_SSL_CONF_CACERT_BUFFER, (const unsigned char *)NULL, (size_t)0);
    printf("conf_set(copy, CACERT_BUFFER, NULL, 0) = %s\n", h_rc_name(rc));
    H_CHECK(a.ca_cert_buffer[0] != NULL && b.ca_cert_buffer[0] == NULL, "ca_cert_buffer of the original changed");
    original_still_works(&server, &a, QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    release_both(&a, &b);

    h_peer_stop(&server);
    printf("PASS\n");
    return 0;
}
