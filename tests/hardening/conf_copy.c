/*
 * REGRESSION TEST FOR AN OPEN LIBRARY DEFECT - fails until the library is fixed.
 *
 * A ql_ssl_config copied by value (`b = a;`, ordinary C) shares the library-owned extension of
 * `a`: its private qlssl_ext handle and every pointer member. Changing the copy through
 * ql_ssl_conf_set() frees the strings and lists that `a`'s members still point to, so the next
 * ql_ssl_setup() from `a` reads freed memory (heap-use-after-free in Settings::from_config,
 * src/config.rs field_string/arg_string; found by fuzz target conf_api with
 * QLSSL_FUZZ_STRUCT_COPY=1, input fuzz/regressions/conf_api_struct_copy/).
 *
 * What must hold whatever the fix (reject copies with INVALID_PARAM, or make them independent):
 * changes made through the copy never affect `a`; `a` still sets up a context that completes a
 * verified handshake with its own CA and cipher list; both structs can be released; no
 * sanitizer report (the ASan build of ctest turns the use-after-free into a crash).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hsupport.h"

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
    char *got = NULL;
    int rc;

    h_init(60);
    h_tls_server_start(&server, h_pki("rsa_server.pem"), h_pki("rsa_server.key"), "ECDHE-RSA-AES128-GCM-SHA256");
    snprintf(path_a, sizeof path_a, "%s", h_pki("rsa_ca.pem"));

    /* 1. CA paths changed through the copy (in the ASan build: heap-use-after-free report). */
    h_conf_verifying(&a, path_a, 5);
    b = a; /* a plain struct copy, as C code does */
    rc = ql_ssl_conf_set(&b, QL_SSL_CONF_CACERT, (const char *)NULL);
    printf("conf_set(copy, CACERT, NULL) = %s\n", h_rc_name(rc));
    rc = ql_ssl_conf_set(&b, QL_SSL_CONF_CACERT, h_pki("ec_ca.pem"));
    printf("conf_set(copy, CACERT, ec_ca.pem) = %s\n", h_rc_name(rc));
    original_still_works(&server, &a, QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    H_CHECK_RC(ql_ssl_conf_get(&a, QL_SSL_CONF_CACERT, &got), QL_SSL_SUCCESS);
    H_CHECK(got != NULL && strcmp(got, path_a) == 0, "the original's CA path changed");
    release_both(&a, &b);

    /* 2. The cipher list changed through the copy. */
    h_conf_verifying(&a, path_a, 5);
    H_CHECK_RC(ql_ssl_conf_set(&a, QL_SSL_CONF_CIPHERSUITE, LIST_A), QL_SSL_SUCCESS);
    b = a;
    rc = ql_ssl_conf_set(&b, QL_SSL_CONF_CIPHERSUITE, LIST_B);
    printf("conf_set(copy, CIPHERSUITE, ...) = %s\n", h_rc_name(rc));
    original_still_works(&server, &a, QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    release_both(&a, &b);

    h_peer_stop(&server);
    printf("PASS\n");
    return 0;
}
