/*
 * ql_ssl_ciphersuit_is_valid: every QL_SSL_TLS_* suite of the module's table (all 32 macros of
 * ql_ssl.h) and 0xFFFF ("all") give 1; 0, a TLS 1.3 suite (0x1301), -1 and other non-table values
 * give 0.
 */
#include <stdio.h>

#include "support.h"

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int id;
    } table[] = {
#define SUITE(x) {#x, x}
        SUITE(QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_RC4_128_MD5),
        SUITE(QL_SSL_TLS_RSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_RC4_128_SHA),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256),
        SUITE(QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
        SUITE(QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384),
#undef SUITE
    };
    static const int invalid[] = {0, 0x1301, 0x1302, -1, 0x00FF, 0xFFFE, 0x10000, 0xC0FF, -65535};
    int failures = 0;

    test_init(argc, argv, 30);
    CHECK(sizeof table / sizeof table[0] == 32, "the table has 32 suites");
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        int v = ql_ssl_ciphersuit_is_valid(table[i].id);
        if (v != 1) {
            fprintf(stderr, "ql_ssl_ciphersuit_is_valid(%s = 0x%04X) = %d, expected 1\n", table[i].name,
                    (unsigned)table[i].id, v);
            failures++;
        }
    }
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
    printf("PASS\n");
    return 0;
}
