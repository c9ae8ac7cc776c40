/*
 * Every QL_SSL_TLS_* cipher-suite macro of the SDK header (all 162: mbedtls 2.28's whole suite list)
 * is declared, and each id is honest:
 *   - the suites this build's mbedtls can negotiate (all but the NULL, single-DES and EC J-PAKE
 *     ones, which mbedtls-sys-auto 2.28.15's configuration leaves out: 140 of 162) give
 *     ql_ssl_ciphersuit_is_valid() == 1 and are accepted by QL_SSL_CONF_CIPHERSUITE, alone and all
 *     together in one list;
 *   - the other 22 give 0, and QL_SSL_CONF_CIPHERSUITE with a list holding one of them fails with
 *     QL_SSL_ERROR_NOT_SUPPORT, leaves the config's list unchanged, and ql_ssl_last_error() names
 *     the suite (IANA name and id). Nothing is dropped from a list silently.
 * 0xFFFF ("all") gives 1; 0, TLS 1.3 ids, -1 and other values outside the table give 0.
 */
#include <stdio.h>
#include <string.h>

#include "qlssl_test.h"

static const struct {
    const char *name;
    int id;
} table[] = {
#define SUITE(x) {#x, x}
        SUITE(QL_SSL_TLS_RSA_WITH_NULL_MD5),
        SUITE(QL_SSL_TLS_RSA_WITH_NULL_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_RC4_128_MD5),
        SUITE(QL_SSL_TLS_RSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_DES_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_DES_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_PSK_WITH_NULL_SHA),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_NULL_SHA),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_NULL_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_NULL_SHA256),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA256),
        SUITE(QL_SSL_TLS_RSA_WITH_CAMELLIA_128_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_256_CBC_SHA256),
        SUITE(QL_SSL_TLS_RSA_WITH_CAMELLIA_256_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA),
        SUITE(QL_SSL_TLS_PSK_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_PSK_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_AES_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_PSK_WITH_NULL_SHA256),
        SUITE(QL_SSL_TLS_PSK_WITH_NULL_SHA384),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_NULL_SHA256),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_NULL_SHA384),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_NULL_SHA256),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_NULL_SHA384),
        SUITE(QL_SSL_TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_NULL_SHA),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_NULL_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_NULL_SHA),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_NULL_SHA),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_NULL_SHA),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_NULL_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_NULL_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384),
        SUITE(QL_SSL_TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_128_CCM),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_256_CCM),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_128_CCM),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_256_CCM),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_128_CCM_8),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_256_CCM_8),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_128_CCM_8),
        SUITE(QL_SSL_TLS_DHE_RSA_WITH_AES_256_CCM_8),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_128_CCM),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_256_CCM),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_128_CCM),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_256_CCM),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_128_CCM_8),
        SUITE(QL_SSL_TLS_PSK_WITH_AES_256_CCM_8),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_128_CCM_8),
        SUITE(QL_SSL_TLS_DHE_PSK_WITH_AES_256_CCM_8),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CCM),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8),
        SUITE(QL_SSL_TLS_ECJPAKE_WITH_AES_128_CCM_8),
#undef SUITE
};
#define N_SUITES ((int)(sizeof table / sizeof table[0]))

/* What this build leaves out, by name: NULL ciphers, single DES, EC J-PAKE. */
static int expected_missing(const char *name)
{
    return strstr(name, "_NULL_") != NULL || strstr(name, "_WITH_DES_") != NULL || strstr(name, "ECJPAKE") != NULL;
}

int main(int argc, char **argv)
{
    static const int invalid[] = {0, 0x1301, 0x1302, -1, 0x00FF, 0xFFFE, 0x10000, -65535};
    static int one[2];
    static int all_supported[N_SUITES + 1];
    int n_supported = 0;
    int n_missing = 0;
    int failures = 0;
    ql_ssl_config cfg;
    int *stored = NULL;
    char why[512];

    test_init(argc, argv, 30);
    CHECK(N_SUITES == 162, "the table has %d suites, expected 162", N_SUITES);
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    for (int i = 0; i < N_SUITES; i++) {
        const char *iana = table[i].name + strlen("QL_SSL_");
        int missing = expected_missing(table[i].name);
        int v = ql_ssl_ciphersuit_is_valid(table[i].id);
        int rc;
        if (v != !missing) {
            fprintf(stderr, "ql_ssl_ciphersuit_is_valid(%s = 0x%04X) = %d, expected %d\n", table[i].name,
                    (unsigned)table[i].id, v, !missing);
            failures++;
        }
        /* The id alone in a zero-terminated static list (borrowed). */
        one[0] = table[i].id;
        one[1] = 0;
        rc = ql_ssl_conf_set(&cfg, QL_SSL_CONF_CIPHERSUITE, one);
        if (!missing) {
            n_supported++;
            all_supported[n_supported - 1] = table[i].id;
            if (rc != QL_SSL_SUCCESS) {
                fprintf(stderr, "conf_set CIPHERSUITE {%s} = %s, expected success\n", table[i].name, rc_name(rc));
                failures++;
            }
            continue;
        }
        n_missing++;
        if (rc != QL_SSL_ERROR_NOT_SUPPORT) {
            fprintf(stderr, "conf_set CIPHERSUITE {%s} = %s, expected QL_SSL_ERROR_NOT_SUPPORT\n", table[i].name,
                    rc_name(rc));
            failures++;
            continue;
        }
        CHECK_RC(ql_ssl_last_error(why, sizeof why), QL_SSL_SUCCESS);
        {
            char want[128];
            snprintf(want, sizeof want, "%s (0x%04X)", iana, (unsigned)table[i].id);
            if (strstr(why, want) == NULL) {
                fprintf(stderr, "last error for %s does not name it as '%s': %s\n", table[i].name, want, why);
                failures++;
            }
        }
        if (i == 0) {
            printf("example: %s -> %s: %s\n", table[i].name, rc_name(rc), why);
        }
    }
    CHECK(n_supported == 140 && n_missing == 22, "%d supported, %d not (expected 140 and 22)", n_supported, n_missing);

    /* All 140 in one list: accepted and kept in full. */
    all_supported[n_supported] = 0;
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CIPHERSUITE, all_supported), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CIPHERSUITE, &stored), QL_SSL_SUCCESS);
    CHECK(stored != NULL, "no stored list");
    for (int i = 0; i < n_supported; i++) {
        CHECK(stored[i] == all_supported[i], "stored[%d] = 0x%04X, expected 0x%04X", i, (unsigned)stored[i],
              (unsigned)all_supported[i]);
    }
    CHECK(stored[n_supported] == 0, "stored list not terminated after %d suites", n_supported);

    /* A supported suite followed by an unsupported one: the whole list is refused, the config
     * keeps its previous list. */
    {
        static const int mixed[] = {QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA, QL_SSL_TLS_PSK_WITH_NULL_SHA256, 0};
        int *after = NULL;
        CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CIPHERSUITE, mixed), QL_SSL_ERROR_NOT_SUPPORT);
        CHECK_RC(ql_ssl_last_error(why, sizeof why), QL_SSL_SUCCESS);
        printf("mixed list: %s\n", why);
        CHECK(strstr(why, "TLS_PSK_WITH_NULL_SHA256 (0x00B0)") != NULL, "reason does not name the suite: %s", why);
        CHECK_RC(ql_ssl_conf_get(&cfg, QL_SSL_CONF_CIPHERSUITE, &after), QL_SSL_SUCCESS);
        CHECK(after == stored && after[0] == all_supported[0], "the failed set changed the config's list");
    }
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);

    CHECK_RC(ql_ssl_ciphersuit_is_valid(QL_SSL_CIPHERSUITE_ALL), 1);
    CHECK_RC(ql_ssl_ciphersuit_is_valid(0xFFFF), 1);
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        int v = ql_ssl_ciphersuit_is_valid(invalid[i]);
        if (v != 0) {
            fprintf(stderr, "ql_ssl_ciphersuit_is_valid(0x%X) = %d, expected 0\n", (unsigned)invalid[i], v);
            failures++;
        }
    }
    CHECK(failures == 0, "%d wrong answers (listed above)", failures);
    printf("%d of %d suites supported, %d refused with NOT_SUPPORT\nPASS\n", n_supported, N_SUITES, n_missing);
    return 0;
}
