/*
 * ABI checks against the SDK's definitions, written out independently here:
 *   layout   every member of ql_ssl_config / ql_ssl_session sits at the offset, and has the size,
 *            of a reference struct typed from the SDK header (current generation, default
 *            features); nothing follows ssl_session_cache; enum values and scalar sizes match.
 *            (The SDK's absolute numbers are compared by abi_layout_table + layout_compare.cmake.)
 *   symbols  the historic spellings exist as macros AND as linkable symbols: with the macros
 *            removed, ql_ssl_handshark()/ql_ssl_handshark_finished() still complete a handshake
 * Usage: abi_layout PKI_DIR layout|symbols
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qlssl_test.h"

/* ---- Reference types (lwIP dual-stack ip_addr_t with IPv6 scopes; mbedtls session opaque) ---- */
struct ref_ip6 {
    uint32_t addr[4];
    uint8_t zone;
};
struct ref_ip4 {
    uint32_t addr;
};
struct ref_ip_addr {
    union {
        struct ref_ip6 ip6;
        struct ref_ip4 ip4;
    } u_addr;
    uint8_t type;
};
/* The SDK's mbedtls_ssl_session: opaque here, 144 bytes with 32-bit pointers, 168 with 64-bit. */
struct ref_mbedtls_session {
    uint64_t opaque[sizeof(void *) == 8 ? 21 : 18];
};
struct ref_session {
    uint8_t session_cache_enable;
    struct ref_ip_addr remote_ip;
    uint16_t remote_port;
    uint8_t hostname_temp[256];
    uint8_t session_hostname[256];
    struct ref_mbedtls_session ssl_session;
};
typedef void (*ref_cb)(int *ssl_ctx, void *arg);
struct ref_config {
    int ssl_version;
    int transport;
    int *ciphersuites;
    int auth_mode;
    int sni_enable;
    char *ca_cert_path[10];
    char *own_cert_path;
    char *own_key_path;
    char *own_key_pwd;
    char *ca_cert_buffer[10];
    int ssl_negotiate_timeout;
    ref_cb negotiate_timeout_cb;
    void *negotiate_timeout_cb_arg;
    int ignore_invalid_certsign;
    uint32_t ignore_certitem;
    int ignore_multi_certchain_verify;
    bool client_cert_type;
    struct ref_session ssl_session_cache;
};

static int g_mismatches = 0;

static void expect_eq(const char *what, long got, long want)
{
    if (got != want) {
        fprintf(stderr, "%s: %ld, expected %ld\n", what, got, want);
        g_mismatches++;
    }
}

#define SAME_OFFSET(type, ref, member)                                                                        \
    do {                                                                                                      \
        expect_eq("offsetof(" #type ", " #member ")", (long)offsetof(type, member), (long)offsetof(ref, member)); \
        expect_eq("sizeof(" #type "." #member ")", (long)sizeof(((type *)0)->member),                         \
                  (long)sizeof(((ref *)0)->member));                                                          \
    } while (0)
#define SAME_SIZE(type, ref, member)                                                         \
    expect_eq("sizeof(" #type "." #member ")", (long)sizeof(((type *)0)->member), (long)sizeof(((ref *)0)->member))

static void check_layout(void)
{
    SAME_OFFSET(ql_ssl_config, struct ref_config, ssl_version);
    SAME_OFFSET(ql_ssl_config, struct ref_config, transport);
    SAME_OFFSET(ql_ssl_config, struct ref_config, ciphersuites);
    SAME_OFFSET(ql_ssl_config, struct ref_config, auth_mode);
    SAME_OFFSET(ql_ssl_config, struct ref_config, sni_enable);
    SAME_OFFSET(ql_ssl_config, struct ref_config, ca_cert_path);
    SAME_SIZE(ql_ssl_config, struct ref_config, ca_cert_path);
    SAME_OFFSET(ql_ssl_config, struct ref_config, own_cert_path);
    SAME_OFFSET(ql_ssl_config, struct ref_config, own_key_path);
    SAME_OFFSET(ql_ssl_config, struct ref_config, own_key_pwd);
    SAME_OFFSET(ql_ssl_config, struct ref_config, ca_cert_buffer);
    SAME_OFFSET(ql_ssl_config, struct ref_config, ssl_negotiate_timeout);
    SAME_OFFSET(ql_ssl_config, struct ref_config, negotiate_timeout_cb);
    SAME_OFFSET(ql_ssl_config, struct ref_config, negotiate_timeout_cb_arg);
    SAME_OFFSET(ql_ssl_config, struct ref_config, ignore_invalid_certsign);
    SAME_OFFSET(ql_ssl_config, struct ref_config, ignore_certitem);
    SAME_SIZE(ql_ssl_config, struct ref_config, ignore_certitem);
    SAME_OFFSET(ql_ssl_config, struct ref_config, ignore_multi_certchain_verify);
    SAME_OFFSET(ql_ssl_config, struct ref_config, client_cert_type);
    SAME_OFFSET(ql_ssl_config, struct ref_config, ssl_session_cache);
    expect_eq("sizeof(ql_ssl_config)", (long)sizeof(ql_ssl_config), (long)sizeof(struct ref_config));

    SAME_OFFSET(ql_ssl_session, struct ref_session, session_cache_enable);
    SAME_OFFSET(ql_ssl_session, struct ref_session, remote_ip);
    SAME_SIZE(ql_ssl_session, struct ref_session, remote_ip);
    SAME_OFFSET(ql_ssl_session, struct ref_session, remote_port);
    SAME_OFFSET(ql_ssl_session, struct ref_session, hostname_temp);
    SAME_OFFSET(ql_ssl_session, struct ref_session, session_hostname);
    SAME_SIZE(ql_ssl_session, struct ref_session, session_hostname);
    SAME_OFFSET(ql_ssl_session, struct ref_session, ssl_session);
    expect_eq("sizeof(ql_ssl_session)", (long)sizeof(ql_ssl_session), (long)sizeof(struct ref_session));

    /* No library-private tail: the struct ends with the SDK's last member. */
    expect_eq("end of ssl_session_cache", (long)(offsetof(ql_ssl_config, ssl_session_cache) + sizeof(ql_ssl_session)),
              (long)sizeof(ql_ssl_config));

    expect_eq("QL_MAX_CA_CERT_CNT", QL_MAX_CA_CERT_CNT, 10);
    expect_eq("sizeof(ql_ssl_context)", (long)sizeof(ql_ssl_context), (long)sizeof(int));
    expect_eq("sizeof(ql_ssl_error_code_e)", (long)sizeof(ql_ssl_error_code_e), (long)sizeof(int));
    expect_eq("sizeof(ql_ssl_config_type_e)", (long)sizeof(ql_ssl_config_type_e), (long)sizeof(int));

    /* Result codes, including the vendor's spellings. */
    expect_eq("QL_SSL_SUCCESS", QL_SSL_SUCCESS, 0);
    expect_eq("QL_SSL_ERROR_UNKOWN", QL_SSL_ERROR_UNKOWN, -1);
    expect_eq("QL_SSL_ERROR_WOUNDBLOCK", QL_SSL_ERROR_WOUNDBLOCK, -2);
    expect_eq("QL_SSL_ERROR_INVALID_PARAM", QL_SSL_ERROR_INVALID_PARAM, -3);
    expect_eq("QL_SSL_ERROR_OUT_OF_MEM", QL_SSL_ERROR_OUT_OF_MEM, -4);
    expect_eq("QL_SSL_ERROR_NOT_SUPPORT", QL_SSL_ERROR_NOT_SUPPORT, -5);
    expect_eq("QL_SSL_ERROR_HS_FAILURE", QL_SSL_ERROR_HS_FAILURE, -6);
    expect_eq("QL_SSL_ERROR_DECRYPT_FAILURE", QL_SSL_ERROR_DECRYPT_FAILURE, -7);
    expect_eq("QL_SSL_ERROR_ENCRYPT_FAILURE", QL_SSL_ERROR_ENCRYPT_FAILURE, -8);
    expect_eq("QL_SSL_ERROR_HS_INPROGRESS", QL_SSL_ERROR_HS_INPROGRESS, -9);
    expect_eq("QL_SSL_ERROR_BAD_REQUEST", QL_SSL_ERROR_BAD_REQUEST, -10);
    expect_eq("QL_SSL_ERROR_WANT_READ", QL_SSL_ERROR_WANT_READ, -11);
    expect_eq("QL_SSL_ERROR_WANT_WRITE", QL_SSL_ERROR_WANT_WRITE, -12);
    expect_eq("QL_SSL_ERROR_SOCKET_RESET", QL_SSL_ERROR_SOCKET_RESET, -13);

    /* Config types 1..20. */
    expect_eq("QL_SSL_CONF_VERSION", QL_SSL_CONF_VERSION, 1);
    expect_eq("QL_SSL_CONF_TRANSPORT", QL_SSL_CONF_TRANSPORT, 2);
    expect_eq("QL_SSL_CONF_CIPHERSUITE", QL_SSL_CONF_CIPHERSUITE, 3);
    expect_eq("QL_SSL_CONF_AUTHMODE", QL_SSL_CONF_AUTHMODE, 4);
    expect_eq("QL_SSL_CONF_CACERT", QL_SSL_CONF_CACERT, 5);
    expect_eq("QL_SSL_CONF_OWNCERT", QL_SSL_CONF_OWNCERT, 6);
    expect_eq("QL_SSL_CONF_SNI", QL_SSL_CONF_SNI, 7);
    expect_eq("QL_SSL_CONF_HS_TIMEOUT", QL_SSL_CONF_HS_TIMEOUT, 8);
    expect_eq("QL_SSL_CONF_IGNORE_LOCALTM", QL_SSL_CONF_IGNORE_LOCALTM, 9);
    expect_eq("QL_SSL_CONF_HS_TIMEOUT_FUNC", QL_SSL_CONF_HS_TIMEOUT_FUNC, 10);
    expect_eq("QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN", QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN, 11);
    expect_eq("QL_SSL_CONF_IGNORE_CERT_ITEM", QL_SSL_CONF_IGNORE_CERT_ITEM, 12);
    expect_eq("QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY", QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY, 13);
    expect_eq("QL_SSL_CONF_SESSION_CACHE", QL_SSL_CONF_SESSION_CACHE, 14);
    expect_eq("QL_SSL_CONF_CACERT_BUFFER", QL_SSL_CONF_CACERT_BUFFER, 15);
    expect_eq("QL_SSL_CONF_OWNCERT_BUFFER", QL_SSL_CONF_OWNCERT_BUFFER, 16);
    expect_eq("QL_SSL_CONF_DTLSVERSION", QL_SSL_CONF_DTLSVERSION, 17);
    expect_eq("QL_SSL_CONF_PSK_IDENTITY", QL_SSL_CONF_PSK_IDENTITY, 18);
    expect_eq("QL_SSL_CONF_PSK_KEY", QL_SSL_CONF_PSK_KEY, 19);
    expect_eq("QL_SSL_CONF_RENEGOTIATION", QL_SSL_CONF_RENEGOTIATION, 20);
    expect_eq("QL_SSL_CONF_PSK", QL_SSL_CONF_PSK, 21);

    expect_eq("QL_SSL_VERSION_0", QL_SSL_VERSION_0, 0);
    expect_eq("QL_SSL_VERSION_ALL", QL_SSL_VERSION_ALL, 4);
    expect_eq("QL_SSL_TLS_PROTOCOL", QL_SSL_TLS_PROTOCOL, 0);
    expect_eq("QL_SSL_DTLS_PROTOCOL", QL_SSL_DTLS_PROTOCOL, 1);
    expect_eq("QL_SSL_VERIFY_NULL", QL_SSL_VERIFY_NULL, 0);
    expect_eq("QL_SSL_VERIFY_SERVER", QL_SSL_VERIFY_SERVER, 1);
    expect_eq("QL_SSL_VERIFY_CLIENT_SERVER", QL_SSL_VERIFY_CLIENT_SERVER, 2);
    expect_eq("QL_SSL_VERIFY_PSK", QL_SSL_VERIFY_PSK, 3);

    CHECK(g_mismatches == 0, "%d ABI mismatches (listed above)", g_mismatches);
}

/* ---- Historic spellings ------------------------------------------------------------------------ */
#ifndef ql_ssl_handshark
#error "ql_ssl.h must define the ql_ssl_handshark macro"
#endif
#ifndef ql_ssl_handshark_finished
#error "ql_ssl.h must define the ql_ssl_handshark_finished macro"
#endif
#undef ql_ssl_handshark
#undef ql_ssl_handshark_finished

static void check_symbols(void)
{
    peer_t server;
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    char response[16384];
    int fd;

    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);
    fd = tcp_connect(server.port);
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_handshark_finished(&ctx), 0); /* the exported symbol, not the macro */
    CHECK_RC(ql_ssl_handshark(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_handshark_finished(&ctx), 1);
    http_get_200(&ctx, fd, response, sizeof response);
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    CHECK(ql_ssl_handshark_finished(&ctx) < 0, "historic symbol accepted a freed handle");
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    close(fd);
    peer_stop(&server);
}

int main(int argc, char **argv)
{
    test_init(argc, argv, 60);
    CHECK(argc == 3, "usage: %s PKI_DIR layout|symbols", argv[0]);
    if (strcmp(argv[2], "layout") == 0) {
        check_layout();
    } else if (strcmp(argv[2], "symbols") == 0) {
        check_symbols();
    } else {
        CHECK(0, "unknown mode %s", argv[2]);
    }
    printf("PASS\n");
    return 0;
}
