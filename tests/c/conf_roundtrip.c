/*
 * ql_ssl_conf_init / ql_ssl_conf_set / ql_ssl_conf_get on an application config.
 *   defaults   the AT-manual defaults after ql_ssl_conf_init (through get and the struct members),
 *              and a second conf_init resets a modified config (without leaking under LSan)
 *   roundtrip  every type 1..21: a non-default value set is read back (the two *_BUFFER types
 *              are write-only: get gives QL_SSL_ERROR_NOT_SUPPORT, their effect is visible in
 *              ca_cert_buffer[] / client_cert_type); CACERT is (char **paths, int count) and
 *              replaces the list; QL_SSL_CONF_PSK (21) takes raw bytes and is the same PSK as 18/19
 *   invalid    out-of-range values, unknown types (0, 22, 999, -1), NULL pointers and bad CA
 *              counts give QL_SSL_ERROR_INVALID_PARAM and leave the config (and outputs) unchanged
 * Usage: conf_roundtrip PKI_DIR defaults|roundtrip|invalid
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "qlssl_test.h"

static void dummy_cb(ql_ssl_context *ssl_ctx, void *arg)
{
    (void)ssl_ctx;
    (void)arg;
}

static int get_int(ql_ssl_config *cfg, int type)
{
    int v = -12345;
    CHECK_RC(ql_ssl_conf_get(cfg, type, &v), QL_SSL_SUCCESS);
    CHECK(v != -12345, "conf_get(%d) succeeded but wrote nothing", type);
    return v;
}

/* Set an int-valued type to each value in turn and read every one back. */
static void roundtrip_int(ql_ssl_config *cfg, int type, const int *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        CHECK_RC(ql_ssl_conf_set(cfg, type, values[i]), QL_SSL_SUCCESS);
        CHECK(get_int(cfg, type) == values[i], "type %d: set %d, got %d", type, values[i], get_int(cfg, type));
    }
}

/* Compare a zero-terminated list with the expected ids (n of them, then the 0). */
static void check_list(const int *got, const int *want, size_t n)
{
    CHECK(got != NULL, "cipher list is NULL");
    for (size_t i = 0; i < n; i++) {
        CHECK(got[i] == want[i], "cipher list[%zu] = 0x%x, expected 0x%x", i, got[i], want[i]);
    }
    CHECK(got[n] == 0, "cipher list not terminated after %zu entries (0x%x)", n, got[n]);
}

static void test_defaults(void)
{
    static const int all[] = {QL_SSL_CIPHERSUITE_ALL};
    ql_ssl_config cfg;
    int *list = NULL;
    char *sentinel[1] = {(char *)"sentinel"};
    char **ca = sentinel;
    int ca_count = -1;
    ql_ssl_handshake_timeout_cb cb = dummy_cb;
    void *arg = &cfg;

    memset(&cfg, 0xA5, sizeof cfg); /* conf_init must not depend on the old contents */
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);

    CHECK(get_int(&cfg, QL_SSL_CONF_VERSION) == QL_SSL_VERSION_ALL, "default version");
    CHECK(get_int(&cfg, QL_SSL_CONF_TRANSPORT) == QL_SSL_TLS_PROTOCOL, "default transport");
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CIPHERSUITE, &list), QL_SSL_SUCCESS);
    check_list(list, all, 1);
    CHECK(get_int(&cfg, QL_SSL_CONF_AUTHMODE) == QL_SSL_VERIFY_NULL, "default authmode");
    CHECK(get_int(&cfg, QL_SSL_CONF_SNI) == 0, "default SNI");
    CHECK(get_int(&cfg, QL_SSL_CONF_HS_TIMEOUT) == 300, "default negotiate timeout");
    CHECK(get_int(&cfg, QL_SSL_CONF_IGNORE_LOCALTM) == 1, "default ignore local time");
    CHECK(get_int(&cfg, QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN) == 0, "default ignore invalid cert sign");
    CHECK(get_int(&cfg, QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY) == 0, "default ignore multi chain");
    CHECK(get_int(&cfg, QL_SSL_CONF_SESSION_CACHE) == 0, "default session cache");
    {
        uint32_t items = 0xFFFFFFFFu;
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_IGNORE_CERT_ITEM, &items), QL_SSL_SUCCESS);
        CHECK(items == 0, "default ignore_certitem 0x%x", items);
    }
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CACERT, &ca, &ca_count), QL_SSL_SUCCESS);
    CHECK(ca == cfg.ca_cert_path && ca_count == 0, "default CA list: %p (struct %p), count %d", (void *)ca,
          (void *)cfg.ca_cert_path, ca_count);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_HS_TIMEOUT_FUNC, &cb, &arg), QL_SSL_SUCCESS);
    CHECK(cb == NULL && arg == NULL, "default timeout callback/arg not NULL");

    /* The same defaults, visible in the SDK struct's members. */
    CHECK(cfg.ssl_version == QL_SSL_VERSION_ALL && cfg.transport == QL_SSL_TLS_PROTOCOL, "struct version/transport");
    CHECK(cfg.auth_mode == 0 && cfg.sni_enable == 0, "struct auth_mode/sni_enable");
    CHECK(cfg.ssl_negotiate_timeout == 300, "struct ssl_negotiate_timeout = %d", cfg.ssl_negotiate_timeout);
    CHECK(cfg.negotiate_timeout_cb == NULL && cfg.negotiate_timeout_cb_arg == NULL, "struct callback");
    CHECK(cfg.ignore_invalid_certsign == 0 && cfg.ignore_certitem == 0 && cfg.ignore_multi_certchain_verify == 0,
          "struct ignore_* members");
    CHECK(cfg.ssl_session_cache.session_cache_enable == 0, "struct session_cache_enable");
    CHECK(cfg.own_cert_path == NULL && cfg.own_key_path == NULL && cfg.own_key_pwd == NULL, "struct own cert");
    for (int i = 0; i < QL_MAX_CA_CERT_CNT; i++) {
        CHECK(cfg.ca_cert_path[i] == NULL, "struct ca_cert_path[%d]", i);
        CHECK(cfg.ca_cert_buffer[i] == NULL, "struct ca_cert_buffer[%d]", i);
    }
    CHECK(cfg.client_cert_type == QL_SSL_CLIENT_CERT_FILE, "struct client_cert_type");
    CHECK(cfg.ciphersuites == NULL || (cfg.ciphersuites[0] == QL_SSL_CIPHERSUITE_ALL && cfg.ciphersuites[1] == 0),
          "struct ciphersuites is neither NULL nor {0xFFFF, 0}");

    /* A second conf_init on a modified config: defaults again; what it owned is released. */
    {
        int *owned = malloc(2 * sizeof *owned);
        CHECK(owned != NULL, "malloc");
        owned[0] = QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA;
        owned[1] = 0;
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CIPHERSUITE, owned), QL_SSL_SUCCESS); /* adopted */
    }
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_SNI, 1), QL_SSL_SUCCESS);
    {
        char *one = (char *)"ca-one.pem";
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, &one, 1), QL_SSL_SUCCESS);
    }
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_OWNCERT, "c.pem", "k.pem", "pw"), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK_IDENTITY, "identity"), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK(get_int(&cfg, QL_SSL_CONF_SNI) == 0, "SNI not reset by a second conf_init");
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CACERT, &ca, &ca_count), QL_SSL_SUCCESS);
    CHECK(ca_count == 0 && cfg.ca_cert_path[0] == NULL, "CA list not reset by a second conf_init");
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CIPHERSUITE, &list), QL_SSL_SUCCESS);
    check_list(list, all, 1);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
}

static void test_roundtrip(void)
{
    static const int versions[] = {QL_SSL_VERSION_3, QL_SSL_VERSION_0, QL_SSL_VERSION_1, QL_SSL_VERSION_2,
                                   QL_SSL_VERSION_ALL};
    static const int transports[] = {QL_SSL_DTLS_PROTOCOL, QL_SSL_TLS_PROTOCOL};
    static const int authmodes[] = {QL_SSL_VERIFY_CLIENT_SERVER, QL_SSL_VERIFY_PSK, QL_SSL_VERIFY_SERVER,
                                    QL_SSL_VERIFY_NULL};
    static const int flags01[] = {1, 0, 1};
    static const int flags10[] = {0, 1, 0};
    static const int timeouts[] = {1, 3600, 5000, 60, 2147483647, 42}; /* any positive value (SDK: 60, 5000) */
    static const int list_static[] = {QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                                      QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA, 0};
    static const int bool_types[] = {QL_SSL_CONF_SNI, QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN,
                                     QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY, QL_SSL_CONF_SESSION_CACHE,
                                     QL_SSL_CONF_RENEGOTIATION, QL_SSL_CONF_DTLSVERSION};
    ql_ssl_config cfg;
    int *list = NULL;
    char **ca = NULL;
    int ca_count = -1;
    char *paths[QL_MAX_CA_CERT_CNT];
    char names[QL_MAX_CA_CERT_CNT][16];
    char *cert = NULL, *key = NULL, *pwd = NULL, *text = NULL;
    ql_ssl_handshake_timeout_cb cb = NULL;
    void *arg = NULL;
    uint32_t items = 0;
    char path[64];

    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);

    /* 1 VERSION, 2 TRANSPORT, 4 AUTHMODE, 8 HS_TIMEOUT, 9 IGNORE_LOCALTM */
    roundtrip_int(&cfg, QL_SSL_CONF_VERSION, versions, 5);
    roundtrip_int(&cfg, QL_SSL_CONF_TRANSPORT, transports, 2);
    roundtrip_int(&cfg, QL_SSL_CONF_AUTHMODE, authmodes, 4);
    roundtrip_int(&cfg, QL_SSL_CONF_HS_TIMEOUT, timeouts, 6);
    CHECK(cfg.ssl_negotiate_timeout == 42, "struct member not updated (%d)", cfg.ssl_negotiate_timeout);
    roundtrip_int(&cfg, QL_SSL_CONF_IGNORE_LOCALTM, flags10, 3);
    /* 7 SNI, 11, 13, 14, 17 DTLSVERSION (0 = 1.0, 1 = 1.2), 20 RENEGOTIATION */
    for (size_t i = 0; i < sizeof bool_types / sizeof bool_types[0]; i++) {
        roundtrip_int(&cfg, bool_types[i], flags01, 3);
    }

    /* 3 CIPHERSUITE: a static zero-terminated list is read back as the config's own copy. */
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CIPHERSUITE, list_static), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CIPHERSUITE, &list), QL_SSL_SUCCESS);
    check_list(list, list_static, 2);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CIPHERSUITE, (int *)NULL), QL_SSL_SUCCESS); /* all again */
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CIPHERSUITE, &list), QL_SSL_SUCCESS);
    CHECK(list != NULL && list[0] == QL_SSL_CIPHERSUITE_ALL && list[1] == 0, "NULL list did not select all suites");

    /* 5 CACERT, the SDK's shape (char **paths, int count): copied; every set REPLACES the whole
     * list (the SDK's session-cache demo sets it again on the same config each round); get gives
     * the struct's own array and the count; NULL clears. */
    for (int i = 0; i < QL_MAX_CA_CERT_CNT; i++) {
        snprintf(names[i], sizeof names[i], "ca-%d.pem", i);
        paths[i] = names[i];
    }
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, paths, QL_MAX_CA_CERT_CNT), QL_SSL_SUCCESS);
    memset(names, 0, sizeof names); /* the library kept copies */
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CACERT, &ca, &ca_count), QL_SSL_SUCCESS);
    CHECK(ca == cfg.ca_cert_path && ca_count == QL_MAX_CA_CERT_CNT, "CA get: count %d", ca_count);
    for (int i = 0; i < QL_MAX_CA_CERT_CNT; i++) {
        snprintf(path, sizeof path, "ca-%d.pem", i);
        CHECK(cfg.ca_cert_path[i] != NULL && strcmp(cfg.ca_cert_path[i], path) == 0, "struct CA slot %d: %s", i,
              cfg.ca_cert_path[i] ? cfg.ca_cert_path[i] : "(null)");
    }
    for (int round = 0; round < 25; round++) { /* as the demo's loop: no overflow, no growth */
        char *demo_path = (char *)"UFS:cacert.pem";
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, &demo_path, 1), QL_SSL_SUCCESS);
    }
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CACERT, &ca, &ca_count), QL_SSL_SUCCESS);
    CHECK(ca_count == 1 && strcmp(ca[0], "UFS:cacert.pem") == 0 && ca[1] == NULL, "CA list after 25 sets of 1: %d",
          ca_count);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, (char **)NULL, 0), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CACERT, &ca, &ca_count), QL_SSL_SUCCESS);
    CHECK(ca_count == 0, "NULL did not clear the CA list");
    for (int i = 0; i < QL_MAX_CA_CERT_CNT; i++) {
        CHECK(cfg.ca_cert_path[i] == NULL, "struct CA slot %d not cleared", i);
    }
    {
        char *two[2] = {(char *)"UFS:root.pem", (char *)"UFS:inter.pem"};
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, two, 2), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CACERT, &ca, &ca_count), QL_SSL_SUCCESS);
        CHECK(ca_count == 2 && strcmp(ca[0], "UFS:root.pem") == 0 && strcmp(ca[1], "UFS:inter.pem") == 0 &&
                  cfg.ca_cert_path[2] == NULL,
              "CA list after clear + set of 2");
    }

    /* 6 OWNCERT, with and without a password. */
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_OWNCERT, "client.pem", "client.key", "secret"), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_OWNCERT, &cert, &key, &pwd), QL_SSL_SUCCESS);
    CHECK(cert && key && pwd && !strcmp(cert, "client.pem") && !strcmp(key, "client.key") && !strcmp(pwd, "secret"),
          "own cert read back wrong");
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_OWNCERT, "c2.pem", "k2.pem", (const char *)NULL), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_OWNCERT, &cert, &key, &pwd), QL_SSL_SUCCESS);
    CHECK(cert && key && !strcmp(cert, "c2.pem") && !strcmp(key, "k2.pem") && pwd == NULL, "own cert without pwd");
    CHECK(cfg.client_cert_type == QL_SSL_CLIENT_CERT_FILE, "client_cert_type after OWNCERT");

    /* 10 HS_TIMEOUT_FUNC */
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_HS_TIMEOUT_FUNC, dummy_cb, (void *)&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_HS_TIMEOUT_FUNC, &cb, &arg), QL_SSL_SUCCESS);
    CHECK(cb == dummy_cb && arg == (void *)&cfg, "timeout callback/arg read back wrong");
    CHECK(cfg.negotiate_timeout_cb == dummy_cb && cfg.negotiate_timeout_cb_arg == (void *)&cfg, "struct callback");

    /* 12 IGNORE_CERT_ITEM (uint32_t) */
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_IGNORE_CERT_ITEM, (uint32_t)(4u | 8u)), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_IGNORE_CERT_ITEM, &items), QL_SSL_SUCCESS);
    CHECK(items == 12u, "ignore_certitem = %u", items);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_IGNORE_CERT_ITEM, (uint32_t)1048575u), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_IGNORE_CERT_ITEM, &items), QL_SSL_SUCCESS);
    CHECK(items == 1048575u, "ignore_certitem = %u", items);

    /* 15 CACERT_BUFFER, 16 OWNCERT_BUFFER: accepted, not readable through get; the CA copies are
     * in ca_cert_buffer[] (NUL-terminated), and client_cert_type says BUFFER. */
    {
        size_t ca_len, cert_len, key_len;
        unsigned char *ca_pem = read_file(pki("ca.pem"), &ca_len);
        unsigned char *cert_pem = read_file(pki("server.pem"), &cert_len);
        unsigned char *key_pem = read_file(pki("server.key"), &key_len);
        unsigned char *out = NULL;
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT_BUFFER, ca_pem, ca_len + 1), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_OWNCERT_BUFFER, cert_pem, cert_len + 1, key_pem, key_len + 1,
                                 (const char *)NULL),
                 QL_SSL_SUCCESS);
        CHECK(cfg.ca_cert_buffer[0] != NULL && cfg.ca_cert_buffer[0] != (char *)ca_pem &&
                  memcmp(cfg.ca_cert_buffer[0], ca_pem, ca_len) == 0 && cfg.ca_cert_buffer[0][ca_len] == 0 &&
                  cfg.ca_cert_buffer[1] == NULL,
              "ca_cert_buffer[0] is not the config's NUL-terminated copy");
        CHECK(cfg.client_cert_type == QL_SSL_CLIENT_CERT_BUFFER, "client_cert_type after OWNCERT_BUFFER");
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT_BUFFER, ca_pem, ca_len), QL_SSL_SUCCESS);
        CHECK(cfg.ca_cert_buffer[1] != NULL && strlen(cfg.ca_cert_buffer[1]) == ca_len, "ca_cert_buffer[1]");
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT_BUFFER, (const unsigned char *)NULL, (size_t)0),
                 QL_SSL_SUCCESS);
        CHECK(cfg.ca_cert_buffer[0] == NULL && cfg.ca_cert_buffer[1] == NULL, "NULL did not clear ca_cert_buffer");
        free(ca_pem);
        free(cert_pem);
        free(key_pem);
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CACERT_BUFFER, &out), QL_SSL_ERROR_NOT_SUPPORT);
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_OWNCERT_BUFFER, &out), QL_SSL_ERROR_NOT_SUPPORT);
        CHECK(out == NULL, "a failed get wrote its output");
    }

    /* 18 PSK_IDENTITY, 19 PSK_KEY (copied) */
    {
        char identity[] = "device-0001";
        char hexkey[] = "00112233445566778899aabbccddeeff";
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK_IDENTITY, identity), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK_KEY, hexkey), QL_SSL_SUCCESS);
        memset(identity, 'x', sizeof identity - 1);
        memset(hexkey, '0', sizeof hexkey - 1);
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_PSK_IDENTITY, &text), QL_SSL_SUCCESS);
        CHECK(text != NULL && strcmp(text, "device-0001") == 0, "PSK identity: %s", text ? text : "(null)");
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_PSK_KEY, &text), QL_SSL_SUCCESS);
        CHECK(text != NULL && strcasecmp(text, "00112233445566778899aabbccddeeff") == 0, "PSK key: %s",
              text ? text : "(null)");
    }

    /* 21 QL_SSL_CONF_PSK, the older SDK's shape: raw key bytes (the older demo's "123456", 6) and
     * identity ("123", 3); the same PSK that 18/19 read back (the key as hex). */
    {
        unsigned char raw_key[] = {0x31, 0x32, 0x33, 0x34, 0x35, 0x36};
        unsigned char raw_id[] = "123";
        const unsigned char *gk = NULL, *gi = NULL;
        int gkl = -1, gil = -1;
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK, raw_key, 6, raw_id, 3), QL_SSL_SUCCESS);
        memset(raw_key, 0, sizeof raw_key);
        memset(raw_id, 0, sizeof raw_id);
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_PSK, &gk, &gkl, &gi, &gil), QL_SSL_SUCCESS);
        CHECK(gk != NULL && gkl == 6 && memcmp(gk, "123456", 6) == 0, "PSK raw key read back wrong (%d)", gkl);
        CHECK(gi != NULL && gil == 3 && memcmp(gi, "123", 3) == 0, "PSK identity read back wrong (%d)", gil);
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_PSK_KEY, &text), QL_SSL_SUCCESS);
        CHECK(text != NULL && strcmp(text, "313233343536") == 0, "PSK key as hex: %s", text ? text : "(null)");
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_PSK_IDENTITY, &text), QL_SSL_SUCCESS);
        CHECK(text != NULL && strcmp(text, "123") == 0, "PSK identity: %s", text ? text : "(null)");
        /* and the other way round: 18/19 set, 21 reads the raw bytes */
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK_KEY, "0A0b"), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_PSK, &gk, &gkl, &gi, &gil), QL_SSL_SUCCESS);
        CHECK(gkl == 2 && gk[0] == 0x0a && gk[1] == 0x0b && gil == 3, "PSK after PSK_KEY: %d", gkl);
    }

    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
}

/* Expect INVALID_PARAM from a set and no change at all in the config. */
#define CHECK_SET_REJECTED(cfgp, ...)                                                    \
    do {                                                                                 \
        ql_ssl_config before_;                                                           \
        memcpy(&before_, (cfgp), sizeof before_);                                        \
        CHECK_RC(ql_ssl_conf_set((cfgp), __VA_ARGS__), QL_SSL_ERROR_INVALID_PARAM);      \
        CHECK(memcmp(&before_, (cfgp), sizeof before_) == 0, "rejected set changed the config"); \
    } while (0)

static void test_invalid(void)
{
    static const int unknown_types[] = {0, 22, 999, -1};
    static const int bad_list[] = {0x1305 /* TLS_AES_128_CCM_8_SHA256: in no suite table (0x1301-0x1303 are NOT_SUPPORT without feature tls13) */, 0};
    static const int empty_list[] = {0};
    ql_ssl_config cfg;
    int v = 0, *list = NULL;
    char path[32];
    uint32_t items = 0;

    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    /* Non-default values that must survive the rejected calls below. */
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_VERSION, QL_SSL_VERSION_3), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_HS_TIMEOUT, 77), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_IGNORE_CERT_ITEM, (uint32_t)4u), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK_KEY, "0a0b"), QL_SSL_SUCCESS);

    for (size_t i = 0; i < sizeof unknown_types / sizeof unknown_types[0]; i++) {
        int out = 4242;
        CHECK_SET_REJECTED(&cfg, unknown_types[i], 1);
        CHECK_RC(ql_ssl_conf_get(&cfg, unknown_types[i], &out), QL_SSL_ERROR_INVALID_PARAM);
        CHECK(out == 4242, "get of unknown type %d wrote its output", unknown_types[i]);
    }

    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_VERSION, 7);
    /* The TLS 1.3 values (docs/ENGINES.md): refused, not mapped, by a build without the engine. */
    {
        ql_ssl_config before;
        memcpy(&before, &cfg, sizeof before);
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_VERSION, QL_SSL_VERSION_4), QL_SSL_ERROR_NOT_SUPPORT);
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_VERSION, QL_SSL_VERSION_TLS12_TLS13), QL_SSL_ERROR_NOT_SUPPORT);
        CHECK(memcmp(&before, &cfg, sizeof before) == 0, "a refused version changed the config");
    }
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_VERSION, -1);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_TRANSPORT, 2);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_AUTHMODE, 4);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_AUTHMODE, -1);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_SNI, 2);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_HS_TIMEOUT, 0);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_HS_TIMEOUT, -2147483647 - 1);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_HS_TIMEOUT, -5);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_IGNORE_LOCALTM, 2);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN, -1);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_IGNORE_CERT_ITEM, (uint32_t)1048576u);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY, 2);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_SESSION_CACHE, 2);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_DTLSVERSION, 2);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_RENEGOTIATION, 2);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_CIPHERSUITE, bad_list);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_CIPHERSUITE, empty_list);
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK_KEY, "abc");  /* odd number of digits */
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK_KEY, "zz");   /* not hex */
    CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_OWNCERT, (const char *)NULL, "k.pem", (const char *)NULL);
    {
        char *one = (char *)"x.pem";
        char *with_null[2] = {(char *)"x.pem", NULL};
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_CACERT, &one, 0);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_CACERT, &one, -1);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_CACERT, &one, QL_MAX_CA_CERT_CNT + 1);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_CACERT, with_null, 2);
    }
    {
        const unsigned char k[] = "123456", id[] = "123", id_nul[] = {'a', 0, 'b'};
        unsigned char big[300];
        memset(big, 'k', sizeof big);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK, k, 0, id, 3);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK, k, -6, id, 3);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK, big, 65, id, 3);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK, k, 6, id, 0);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK, k, 6, big, 256);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK, k, 6, id_nul, 3);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK, (const unsigned char *)NULL, 6, id, 3);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_PSK, k, 6, (const unsigned char *)NULL, 3);
    }

    /* The values set before are all still there. */
    CHECK(get_int(&cfg, QL_SSL_CONF_VERSION) == QL_SSL_VERSION_3, "version changed");
    CHECK(get_int(&cfg, QL_SSL_CONF_HS_TIMEOUT) == 77, "timeout changed");
    CHECK(get_int(&cfg, QL_SSL_CONF_TRANSPORT) == QL_SSL_TLS_PROTOCOL, "transport changed");
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_IGNORE_CERT_ITEM, &items), QL_SSL_SUCCESS);
    CHECK(items == 4u, "ignore_certitem changed to %u", items);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CIPHERSUITE, &list), QL_SSL_SUCCESS);
    CHECK(list != NULL && list[0] == QL_SSL_CIPHERSUITE_ALL && list[1] == 0, "cipher list changed");
    {
        char *key = NULL;
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_PSK_KEY, &key), QL_SSL_SUCCESS);
        CHECK(key != NULL && strcasecmp(key, "0a0b") == 0, "PSK key changed to %s", key ? key : "(null)");
    }

    /* NULL output pointers. */
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_VERSION, (int *)NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CIPHERSUITE, (int **)NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_conf_get(NULL, QL_SSL_CONF_VERSION, &v), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_conf_set(NULL, QL_SSL_CONF_VERSION, 1), QL_SSL_ERROR_INVALID_PARAM);

    /* Eleven CA paths do not fit: rejected, the ten set before stay. */
    {
        char names[QL_MAX_CA_CERT_CNT + 1][16];
        char *paths[QL_MAX_CA_CERT_CNT + 1];
        for (int i = 0; i <= QL_MAX_CA_CERT_CNT; i++) {
            snprintf(names[i], sizeof names[i], "ca-%d.pem", i);
            paths[i] = names[i];
        }
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, paths, QL_MAX_CA_CERT_CNT), QL_SSL_SUCCESS);
        CHECK_SET_REJECTED(&cfg, QL_SSL_CONF_CACERT, paths, QL_MAX_CA_CERT_CNT + 1);
        snprintf(path, sizeof path, "ca-%d.pem", QL_MAX_CA_CERT_CNT - 1);
        CHECK(cfg.ca_cert_path[QL_MAX_CA_CERT_CNT - 1] != NULL &&
                  strcmp(cfg.ca_cert_path[QL_MAX_CA_CERT_CNT - 1], path) == 0,
              "CA slot 9");
    }

    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
}

int main(int argc, char **argv)
{
    test_init(argc, argv, 60);
    CHECK(argc == 3, "usage: %s PKI_DIR defaults|roundtrip|invalid", argv[0]);
    if (strcmp(argv[2], "defaults") == 0) {
        test_defaults();
    } else if (strcmp(argv[2], "roundtrip") == 0) {
        test_roundtrip();
    } else if (strcmp(argv[2], "invalid") == 0) {
        test_invalid();
    } else {
        CHECK(0, "unknown mode %s", argv[2]);
    }
    printf("PASS\n");
    return 0;
}
