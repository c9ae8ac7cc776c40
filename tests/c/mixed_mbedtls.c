/*
 * libqlssl next to a second mbedtls in one program - the situation of every module SDK, which
 * ships its own mbedtls. Here the second copy is Debian's libmbedtls (2.28.3), the library's own
 * is mbedtls-sys-auto's (2.28.10, QLSSL_BUNDLED_MBEDTLS_VERSION from cargo's build). CMake links
 * this one source several ways (tests/c/ecosystem.cmake: libqlssl.a before and after Debian's
 * static libraries, both under --whole-archive, Debian's shared libraries, libqlssl.so); each
 * must link without a multiple definition and run both stacks, each on its own copy:
 *
 *   1. the application's mbedtls calls reach Debian's: the version it reports at run time is the
 *      one of the header it was compiled with (and not the library's), and real work with it
 *      (SHA-256 known answer, parsing the test CA with its X.509 parser) gives the right results;
 *   2. in the same process, a verified ql_ssl handshake and GET against openssl s_server succeed;
 *   3. Debian's X.509 parser still works after the library ran (no state shared between them).
 *
 * That the library's own mbedtls calls cannot reach Debian's copy is checked on the binaries by
 * tests/c/exports_check.sh (no undefined mbedtls_* in libqlssl.a; the dynamically linked variant
 * imports from Debian's .so only what this file calls).
 *
 *   mixed_mbedtls <pki dir>
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include "qlssl_test.h"

#ifndef QLSSL_BUNDLED_MBEDTLS_VERSION
#error "QLSSL_BUNDLED_MBEDTLS_VERSION (the library's own mbedtls version) must be defined"
#endif

/* The subject CN of the test root (scripts/gen_pki.sh), read with the application's mbedtls. */
static void check_app_x509(void)
{
    mbedtls_x509_crt ca;
    char subject[256];
    int rc;

    mbedtls_x509_crt_init(&ca);
    rc = mbedtls_x509_crt_parse_file(&ca, pki("ca.pem"));
    CHECK(rc == 0, "Debian's mbedtls_x509_crt_parse_file(ca.pem) = -0x%04x", (unsigned)-rc);
    rc = mbedtls_x509_dn_gets(subject, sizeof subject, &ca.subject);
    CHECK(rc > 0, "mbedtls_x509_dn_gets = %d", rc);
    CHECK(strstr(subject, "CN=qlssl test root CA") != NULL, "CA subject read by Debian's mbedtls: %s", subject);
    mbedtls_x509_crt_free(&ca);
}

int main(int argc, char **argv)
{
    static const unsigned char abc_sha256[4] = {0xba, 0x78, 0x16, 0xbf};
    unsigned char digest[32];
    char version[32];
    peer_t server;
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    char *ca_path;
    char response[16384];
    uint32_t flags = 0xffffffffu;
    int fd;

    test_init(argc, argv, 60);

    /* 1. The application's mbedtls is the one it was compiled against. */
    mbedtls_version_get_string(version);
    printf("application's mbedtls: %s (header %s); qlssl's own: %s\n", version, MBEDTLS_VERSION_STRING,
           QLSSL_BUNDLED_MBEDTLS_VERSION);
    CHECK(strcmp(MBEDTLS_VERSION_STRING, QLSSL_BUNDLED_MBEDTLS_VERSION) != 0,
          "both copies are mbedtls %s: this test cannot tell them apart", MBEDTLS_VERSION_STRING);
    CHECK(strcmp(version, MBEDTLS_VERSION_STRING) == 0,
          "the application's mbedtls_version_get_string() ran mbedtls %s, not the %s it was built against",
          version, MBEDTLS_VERSION_STRING);
    CHECK(mbedtls_version_get_number() == MBEDTLS_VERSION_NUMBER, "mbedtls_version_get_number() = 0x%08x",
          mbedtls_version_get_number());
    CHECK(mbedtls_sha256_ret((const unsigned char *)"abc", 3, digest, 0) == 0, "mbedtls_sha256_ret failed");
    CHECK(memcmp(digest, abc_sha256, sizeof abc_sha256) == 0, "SHA-256(\"abc\") starts %02x%02x", digest[0],
          digest[1]);
    check_app_x509();

    /* 2. A verified handshake and GET through ql_ssl_* in the same process. */
    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);
    fd = tcp_connect(server.port);
    ca_path = (char *)pki("ca.pem");
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, &ca_path, 1), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_get_verify_result(&ctx, &flags), QL_SSL_SUCCESS);
    CHECK(flags == 0, "verify flags 0x%x after a verified handshake", (unsigned)flags);
    http_get_200(&ctx, fd, response, sizeof response);
    printf("ql_ssl: verified handshake, suite 0x%04X, %.15s\n", (unsigned)ql_ssl_get_ciphersuite(&ctx), response);
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    close(fd);
    peer_stop(&server);

    /* 3. The application's mbedtls after the library's ran. */
    check_app_x509();
    printf("PASS\n");
    return 0;
}
