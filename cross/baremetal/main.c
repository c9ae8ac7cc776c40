/*
 * Bare-metal test of libqlssl (armv7a-none-eabi, no_std + alloc): the library's own ql_ssl_* ABI,
 * linked by arm-none-eabi-gcc with newlib (semihosting, --specs=rdimon.specs) and run under
 * qemu-arm. Prints one line per test and "baremetal: N passed, M failed". The platform hooks are
 * in qemu_hooks.c.
 *
 * Files read from the working directory (build.sh prepares them): ca.crt (signed the server),
 * other-ca.crt (did not), port.txt (the s_server port), pin.bin (SHA-256 of the server
 * certificate's SubjectPublicKeyInfo, computed by openssl).
 *
 * It registers a version-1 hook table (the layout before write_file/unix_time, as a port built
 * against the first header has it): everything here must keep working with one, and a session
 * store is then neither loaded nor saved. store_client.c runs with the version-2 table.
 */
#define QLSSL_BAREMETAL 1

#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_hooks.h"

/* mbedtls's own self tests (C, inside libqlssl.a). */
int mbedtls_sha256_self_test(int verbose);
int mbedtls_sha512_self_test(int verbose);
int mbedtls_aes_self_test(int verbose);
int mbedtls_gcm_self_test(int verbose);
int mbedtls_chachapoly_self_test(int verbose);
int mbedtls_mpi_self_test(int verbose);
int mbedtls_ecp_self_test(int verbose);
int mbedtls_rsa_self_test(int verbose);
int mbedtls_x509_self_test(int verbose);
int mbedtls_ctr_drbg_self_test(int verbose);

/* ---- test helpers ----------------------------------------------------------------------------- */

static int passed, failed;
static unsigned server_port, dtls_port;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            char why_[160];                                                         \
            ql_ssl_last_error(why_, sizeof why_);                                   \
            printf("    line %d: %s (last error: %s)\n", __LINE__, #cond, why_);    \
            return 1;                                                               \
        }                                                                           \
    } while (0)

static void run(const char *name, int (*test)(void))
{
    int r = test();
    printf("%s %s\n", r == 0 ? "PASS" : "FAIL", name);
    if (r == 0) {
        passed++;
    } else {
        failed++;
    }
}

/* A config that verifies the server against ca_file, with a 10 s negotiate timeout. */
static int verifying_config(ql_ssl_config *conf, const char *ca_file)
{
    if (ql_ssl_conf_init(conf) != QL_SSL_SUCCESS) {
        return -1;
    }
    if (ql_ssl_conf_set(conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(conf, QL_SSL_CONF_CACERT, (char *[]){(char *)ca_file}, 1) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(conf, QL_SSL_CONF_HS_TIMEOUT, 10) != QL_SSL_SUCCESS) {
        ql_ssl_conf_free(conf);
        return -1;
    }
    return 0;
}

/* A context set up from conf on a new TCP connection to the test server. */
static int connect_ctx(ql_ssl_context *ctx, ql_ssl_config *conf, int *fd)
{
    *fd = tcp_connect(server_port);
    if (*fd < 0 || ql_ssl_new(ctx) != QL_SSL_SUCCESS) {
        return -1;
    }
    if (ql_ssl_setup(ctx, conf) != QL_SSL_SUCCESS || ql_ssl_set_hostname(ctx, "localhost") != QL_SSL_SUCCESS ||
        ql_ssl_set_socket_fd(ctx, *fd) != QL_SSL_SUCCESS) {
        return -1;
    }
    return 0;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void bm_log(int level, const char *msg, void *arg);

static int test_calls_before_init_refused(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    CHECK(ql_ssl_conf_init(&conf) == QL_SSL_ERROR_UNKOWN);
    CHECK(ql_ssl_new(&ctx) == QL_SSL_ERROR_UNKOWN && ctx == 0);
    /* The log hook needs no platform: registering (and refusing a bad level) works already. */
    CHECK(ql_ssl_set_log_callback(bm_log, 6, NULL) == QL_SSL_ERROR_INVALID_PARAM);
    CHECK(ql_ssl_set_log_callback(NULL, QL_SSL_LOG_NONE, NULL) == QL_SSL_SUCCESS);
    return 0;
}

/* A version-1 table: exactly the bytes before write_file, in a heap block of that size (so
 * nothing after it belongs to the table), with the version-2 hooks of qemu_hooks left out. */
static unsigned char *version_1_table(void)
{
    static const uint32_t version = QL_SSL_PLATFORM_HOOKS_VERSION_1;
    size_t size = offsetof(ql_ssl_platform_hooks, write_file);
    unsigned char *t = malloc(size);
    if (t != NULL) {
        memcpy(t, &qemu_hooks, size);
        memcpy(t + offsetof(ql_ssl_platform_hooks, version), &version, sizeof version);
    }
    return t;
}

static int test_platform_init_checks_table(void)
{
    ql_ssl_platform_hooks bad = qemu_hooks;
    unsigned char *v1 = version_1_table();
    CHECK(v1 != NULL);
    CHECK(QL_SSL_PLATFORM_HOOKS_VERSION == 2 && QL_SSL_PLATFORM_HOOKS_VERSION_1 == 1);
    CHECK(ql_ssl_platform_init(NULL) == QL_SSL_ERROR_INVALID_PARAM);
    bad.version = QL_SSL_PLATFORM_HOOKS_VERSION + 1;
    CHECK(ql_ssl_platform_init(&bad) == QL_SSL_ERROR_INVALID_PARAM);
    bad.version = 0;
    CHECK(ql_ssl_platform_init(&bad) == QL_SSL_ERROR_INVALID_PARAM);
    bad = qemu_hooks;
    bad.recv = NULL;
    CHECK(ql_ssl_platform_init(&bad) == QL_SSL_ERROR_INVALID_PARAM);
    CHECK(ql_ssl_platform_init((const ql_ssl_platform_hooks *)(void *)v1) == QL_SSL_SUCCESS);
    /* The table was copied: the caller's block may go. */
    memset(v1, 0, offsetof(ql_ssl_platform_hooks, write_file));
    free(v1);
    CHECK(ql_ssl_platform_init(&qemu_hooks) == QL_SSL_ERROR_INVALID_PARAM); /* cannot be replaced */
    return 0;
}

static int test_mbedtls_self_tests(void)
{
    CHECK(mbedtls_sha256_self_test(0) == 0);
    CHECK(mbedtls_sha512_self_test(0) == 0);
    CHECK(mbedtls_aes_self_test(0) == 0);
    CHECK(mbedtls_gcm_self_test(0) == 0);
    CHECK(mbedtls_chachapoly_self_test(0) == 0);
    CHECK(mbedtls_mpi_self_test(0) == 0);
    CHECK(mbedtls_ecp_self_test(0) == 0);
    CHECK(mbedtls_rsa_self_test(0) == 0);
    CHECK(mbedtls_x509_self_test(0) == 0);
    CHECK(mbedtls_ctr_drbg_self_test(0) == 0);
    return 0;
}

static int test_conf_set_get_round_trip(void)
{
    static int suites[] = {QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA, 0};
    ql_ssl_config conf;
    int v = -1;
    uint32_t mask = 0;
    int *list = NULL;
    char *s = NULL;
    char **paths = NULL;
    CHECK(ql_ssl_conf_init(&conf) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_VERSION, QL_SSL_VERSION_3) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_VERSION, &v) == QL_SSL_SUCCESS && v == QL_SSL_VERSION_3);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 42) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_HS_TIMEOUT, &v) == QL_SSL_SUCCESS && v == 42);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_IGNORE_CERT_ITEM, (uint32_t)0x204) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_IGNORE_CERT_ITEM, &mask) == QL_SSL_SUCCESS && mask == 0x204);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_CIPHERSUITE, suites) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_CIPHERSUITE, &list) == QL_SSL_SUCCESS);
    CHECK(list != NULL && list[0] == suites[0] && list[1] == suites[1] && list[2] == 0);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_PSK_IDENTITY, "device-7") == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_PSK_IDENTITY, &s) == QL_SSL_SUCCESS && strcmp(s, "device-7") == 0);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT, (char *[]){(char *)"UFS:ca.pem"}, 1) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_CACERT, &paths, &v) == QL_SSL_SUCCESS && v == 1 &&
          strcmp(paths[0], "UFS:ca.pem") == 0);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_SESSION_CACHE, 1) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_SESSION_CACHE, &v) == QL_SSL_SUCCESS && v == 1);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

static int test_conf_rejects_bad_values(void)
{
    ql_ssl_config conf;
    int v = -1;
    CHECK(ql_ssl_conf_init(&conf) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_set(&conf, 999, 1) == QL_SSL_ERROR_INVALID_PARAM);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_VERSION, 17) == QL_SSL_ERROR_INVALID_PARAM);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 0) == QL_SSL_ERROR_INVALID_PARAM);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_HS_TIMEOUT, &v) == QL_SSL_SUCCESS && v == 300);
    CHECK(ql_ssl_conf_set(NULL, QL_SSL_CONF_SNI, 1) == QL_SSL_ERROR_INVALID_PARAM);
    CHECK(ql_ssl_conf_set_by_id(6, QL_SSL_CONF_SNI, 1) == QL_SSL_ERROR_INVALID_PARAM);
    CHECK(ql_ssl_conf_set_by_id(2, QL_SSL_CONF_SNI, 1) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_get_by_id(2, QL_SSL_CONF_SNI, &v) == QL_SSL_SUCCESS && v == 1);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

static int test_validity_check_not_supported(void)
{
    /* No time of day on bare metal: asking for validity checks must say so, not skip them. */
    ql_ssl_config conf;
    int v = -1;
    CHECK(ql_ssl_conf_init(&conf) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_IGNORE_LOCALTM, 0) == QL_SSL_ERROR_NOT_SUPPORT);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_IGNORE_LOCALTM, &v) == QL_SSL_SUCCESS && v == 1);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

static int test_handles_checked(void)
{
    ql_ssl_context a = 0, b = 0, garbage = 12345;
    CHECK(ql_ssl_new(&a) == QL_SSL_SUCCESS && ql_ssl_new(&b) == QL_SSL_SUCCESS && a != b);
    CHECK(ql_ssl_new(NULL) == QL_SSL_ERROR_INVALID_PARAM);
    CHECK(ql_ssl_handshake(&garbage) == QL_SSL_ERROR_INVALID_PARAM);
    CHECK(ql_ssl_handshake(&a) == QL_SSL_ERROR_INVALID_PARAM); /* before setup */
    CHECK(ql_ssl_free(&a) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_free(&a) == QL_SSL_ERROR_INVALID_PARAM); /* double free */
    CHECK(ql_ssl_handshake_finished(&b) == 0);
    CHECK(ql_ssl_free(&b) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_ciphersuit_is_valid(QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) == 1);
    CHECK(ql_ssl_ciphersuit_is_valid(0x1234) == 0);
    return 0;
}

static int test_heap_cipher_list_adopted_and_freed(void)
{
    /* The SDK demo's pattern: a malloc'd two-int list without terminator, never freed by the app. */
    ql_ssl_config conf;
    struct mallinfo before, after;
    int *list;
    int *copy = NULL;
    CHECK(ql_ssl_conf_init(&conf) == QL_SSL_SUCCESS);
    before = mallinfo();
    list = malloc(2 * sizeof(int));
    CHECK(list != NULL);
    list[0] = QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    list[1] = QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA;
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_CIPHERSUITE, list) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_get(&conf, QL_SSL_CONF_CIPHERSUITE, &copy) == QL_SSL_SUCCESS);
    CHECK(copy[0] == list[0] && copy[1] == list[1] && copy[2] == 0);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    after = mallinfo();
    CHECK(after.uordblks <= before.uordblks); /* the adopted list went back to the heap */
    return 0;
}

static int test_setup_missing_ca_file(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    char why[160];
    CHECK(verifying_config(&conf, "no-such-ca.crt") == 0);
    CHECK(ql_ssl_new(&ctx) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_setup(&ctx, &conf) == QL_SSL_ERROR_BAD_REQUEST);
    CHECK(ql_ssl_last_error(why, sizeof why) == QL_SSL_SUCCESS && strstr(why, "no-such-ca.crt") != NULL);
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

/* Verified handshake against openssl s_server -www, then GET / and the whole answer. */
static int test_tls_verified_get(void)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    uint32_t flags = 0xffffffffu;
    char answer[64];
    int fd, n, got = 0;
    CHECK(verifying_config(&conf, "ca.crt") == 0);
    CHECK(connect_ctx(&ctx, &conf, &fd) == 0);
    CHECK(ql_ssl_handshake(&ctx) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_handshake_finished(&ctx) == 1);
    CHECK(ql_ssl_get_verify_result(&ctx, &flags) == QL_SSL_SUCCESS && flags == 0);
    printf("    suite 0x%04X\n", (unsigned)ql_ssl_get_ciphersuite(&ctx));
    CHECK(ql_ssl_write(&ctx, (const unsigned char *)request, sizeof request - 1) == (int)(sizeof request - 1));
    while (got < (int)sizeof answer - 1 &&
           (n = ql_ssl_read(&ctx, (unsigned char *)answer + got, sizeof answer - 1 - (size_t)got)) > 0) {
        got += n;
    }
    answer[got] = '\0';
    CHECK(strncmp(answer, "HTTP/1.0 200 ok", 15) == 0);
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
    sock_close(fd);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

static int test_tls_wrong_ca_refused(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    uint32_t flags = 0;
    int fd;
    CHECK(verifying_config(&conf, "other-ca.crt") == 0);
    CHECK(connect_ctx(&ctx, &conf, &fd) == 0);
    CHECK(ql_ssl_handshake(&ctx) == QL_SSL_ERROR_HS_FAILURE);
    CHECK(ql_ssl_get_verify_result(&ctx, &flags) == QL_SSL_SUCCESS && (flags & 0x08) != 0); /* NOT_TRUSTED */
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
    sock_close(fd);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

/* The log hook works without an OS: events of a good and a refused handshake reach the callback,
 * with the levels the header documents; nothing after it is switched off. */
static int log_info_done, log_warn_hs_failure, log_other, log_after_off, log_off;

static void bm_log(int level, const char *msg, void *arg)
{
    (void)arg;
    if (log_off) {
        log_after_off++;
    } else if (level == QL_SSL_LOG_INFO && strstr(msg, "handshake done: TLSv1.2, TLS-") != NULL) {
        log_info_done++;
    } else if (level == QL_SSL_LOG_WARN && strstr(msg, "ql_ssl_handshake: QL_SSL_ERROR_HS_FAILURE:") != NULL) {
        log_warn_hs_failure++;
    } else if (level < QL_SSL_LOG_ERROR || level > QL_SSL_LOG_INFO) {
        log_other++;
    }
}

static int test_log_callback_events(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    int fd;
    CHECK(ql_ssl_set_log_callback(bm_log, QL_SSL_LOG_INFO, NULL) == QL_SSL_SUCCESS);
    CHECK(verifying_config(&conf, "ca.crt") == 0);
    CHECK(connect_ctx(&ctx, &conf, &fd) == 0);
    CHECK(ql_ssl_handshake(&ctx) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
    sock_close(fd);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    CHECK(verifying_config(&conf, "other-ca.crt") == 0);
    CHECK(connect_ctx(&ctx, &conf, &fd) == 0);
    CHECK(ql_ssl_handshake(&ctx) == QL_SSL_ERROR_HS_FAILURE);
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
    sock_close(fd);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_set_log_callback(NULL, QL_SSL_LOG_VERBOSE, NULL) == QL_SSL_SUCCESS);
    log_off = 1;
    CHECK(ql_ssl_free(&ctx) == QL_SSL_ERROR_INVALID_PARAM); /* a failed call, not logged now */
    printf("    log: %d handshake done, %d handshake failure, %d out of level, %d after off\n", log_info_done,
           log_warn_hs_failure, log_other, log_after_off);
    CHECK(log_info_done == 1 && log_warn_hs_failure == 1 && log_other == 0 && log_after_off == 0);
    return 0;
}

/* Second connection from a config with the session cache resumes (peer_addr hook = cache key). */
static int test_tls_session_resumed(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    int fd, round;
    CHECK(verifying_config(&conf, "ca.crt") == 0);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_SESSION_CACHE, 1) == QL_SSL_SUCCESS);
    for (round = 0; round < 2; round++) {
        CHECK(connect_ctx(&ctx, &conf, &fd) == 0);
        CHECK(ql_ssl_handshake(&ctx) == QL_SSL_SUCCESS);
        CHECK(ql_ssl_session_resumed(&ctx) == round);
        CHECK(ql_ssl_close_notify(&ctx) == QL_SSL_SUCCESS);
        CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
        sock_close(fd);
    }
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

/* With a version-1 table there is no write_file and no unix_time hook: a session store is
 * neither saved nor trusted, the handshake itself is unaffected, and the log says why. */
static int store_log_not_saved, store_log_no_clock;

static void store_log(int level, const char *msg, void *arg)
{
    (void)arg;
    if (level == QL_SSL_LOG_WARN && strstr(msg, "session store v1_session.bin: not saved") != NULL) {
        store_log_not_saved++;
    }
    if (level == QL_SSL_LOG_WARN && strstr(msg, "no calendar clock") != NULL) {
        store_log_no_clock++;
    }
}

static int test_session_store_with_version_1_table(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    FILE *f;
    int fd;
    remove("v1_session.bin");
    CHECK(ql_ssl_set_log_callback(store_log, QL_SSL_LOG_WARN, NULL) == QL_SSL_SUCCESS);
    CHECK(verifying_config(&conf, "ca.crt") == 0);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_SESSION_CACHE, 1) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_SESSION_STORE, "v1_session.bin") == QL_SSL_SUCCESS);
    CHECK(connect_ctx(&ctx, &conf, &fd) == 0);
    CHECK(ql_ssl_handshake(&ctx) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_session_resumed(&ctx) == 0);
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
    sock_close(fd);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_set_log_callback(NULL, QL_SSL_LOG_NONE, NULL) == QL_SSL_SUCCESS);
    printf("    %d \"not saved\" warning(s), %d \"no calendar clock\"\n", store_log_not_saved, store_log_no_clock);
    CHECK(store_log_not_saved == 1 && store_log_no_clock >= 1);
    f = fopen("v1_session.bin", "rb");
    CHECK(f == NULL); /* nothing written */
    return 0;
}

/* QL_SSL_CONF_PIN_SHA256 with VERIFY_NULL: the pin openssl computed for the server's key lets
 * the handshake through, the same pin with one bit flipped stops it (the library's SHA-256 of the
 * leaf key is real on bare metal, not a constant). */
static int pinned_handshake(const unsigned char pin[32], uint32_t *flags)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    int fd, rc;
    if (ql_ssl_conf_init(&conf) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_NULL) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 10) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_PIN_SHA256, pin, 1) != QL_SSL_SUCCESS ||
        connect_ctx(&ctx, &conf, &fd) != 0) {
        return -100;
    }
    rc = ql_ssl_handshake(&ctx);
    *flags = 0;
    ql_ssl_get_verify_result(&ctx, flags);
    ql_ssl_free(&ctx);
    sock_close(fd);
    ql_ssl_conf_free(&conf);
    return rc;
}

static int test_tls_pin_sha256(void)
{
    unsigned char pin[32];
    uint32_t flags = 0;
    int rc;
    FILE *f = fopen("pin.bin", "rb");
    CHECK(f != NULL);
    CHECK(fread(pin, 1, sizeof pin, f) == sizeof pin);
    fclose(f);
    rc = pinned_handshake(pin, &flags);
    CHECK(rc == QL_SSL_SUCCESS);
    pin[5] ^= 1;
    rc = pinned_handshake(pin, &flags);
    printf("    wrong pin: %d, verify flags 0x%X\n", rc, (unsigned)flags);
    CHECK(rc == QL_SSL_ERROR_HS_FAILURE && flags != 0);
    return 0;
}

/* Non-blocking socket: the handshake is driven by WANT_READ/WANT_WRITE and the wait hook. */
static int test_tls_nonblocking(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    int fd, rc, calls = 0;
    unsigned char byte;
    CHECK(verifying_config(&conf, "ca.crt") == 0);
    CHECK(connect_ctx(&ctx, &conf, &fd) == 0);
    CHECK(set_nonblocking(fd) == 0);
    do {
        rc = ql_ssl_handshake(&ctx);
        calls++;
        if (rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE) {
            hook_wait(fd, rc == QL_SSL_ERROR_WANT_WRITE, 1000);
        }
    } while ((rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE) && calls < 200);
    CHECK(rc == QL_SSL_SUCCESS);
    printf("    handshake done after %d calls\n", calls);
    CHECK(ql_ssl_read(&ctx, &byte, 1) == QL_SSL_ERROR_WANT_READ); /* nothing sent yet */
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
    sock_close(fd);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

/* Heap in use is flat over repeated connect/handshake/exchange/free cycles (nothing leaks per
 * connection). The first cycle fills the caches (DRBG, parsed CA list, shared mbedtls config). */
static int test_tls_cycles_heap_flat(void)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    unsigned char buf[256];
    int fd, i, n;
    int after_first = 0, in_use = 0;
    CHECK(verifying_config(&conf, "ca.crt") == 0);
    for (i = 0; i < 12; i++) {
        CHECK(connect_ctx(&ctx, &conf, &fd) == 0);
        CHECK(ql_ssl_handshake(&ctx) == QL_SSL_SUCCESS);
        CHECK(ql_ssl_write(&ctx, (const unsigned char *)request, sizeof request - 1) == (int)(sizeof request - 1));
        while ((n = ql_ssl_read(&ctx, buf, sizeof buf)) > 0) {
        }
        CHECK(n == 0 || n == QL_SSL_ERROR_SOCKET_RESET);
        CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
        sock_close(fd);
        in_use = mallinfo().uordblks;
        if (i == 0) {
            after_first = in_use;
        }
    }
    printf("    heap in use after cycle 1: %d bytes, after cycle 12: %d bytes\n", after_first, in_use);
    CHECK(in_use <= after_first);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

/* A peer that accepts TCP but never answers: the negotiate timeout (clock + wait hooks) ends it. */
static int test_tls_timeout_silent_peer(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    unsigned port = 0;
    int lfd, fd;
    uint64_t t0, ms;
    CHECK((lfd = silent_listener(&port)) >= 0);
    CHECK(verifying_config(&conf, "ca.crt") == 0);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 1) == QL_SSL_SUCCESS);
    CHECK((fd = tcp_connect(port)) >= 0);
    CHECK(ql_ssl_new(&ctx) == QL_SSL_SUCCESS && ql_ssl_setup(&ctx, &conf) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_set_socket_fd(&ctx, fd) == QL_SSL_SUCCESS);
    t0 = hook_now_ms();
    CHECK(ql_ssl_handshake(&ctx) == QL_SSL_ERROR_HS_FAILURE);
    ms = hook_now_ms() - t0;
    printf("    gave up after %u ms\n", (unsigned)ms);
    CHECK(ms >= 900 && ms < 5000);
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
    sock_close(fd);
    sock_close(lfd);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

/* DTLS 1.2 with a pre-shared key over UDP, against gnutls-serv -u --echo: the DTLS timer
 * (now_ms) and the blocking drive loop (wait) of the hooks. */
static int dtls_psk_exchange(const char *key_hex, int timeout_s, int *handshake_rc)
{
    static const char message[] = "qlssl bare-metal DTLS";
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    char echo[64];
    int fd, n;
    CHECK(ql_ssl_conf_init(&conf) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_TRANSPORT, QL_SSL_DTLS_PROTOCOL) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_DTLSVERSION, 1) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_PSK_IDENTITY, "qlssl") == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_PSK_KEY, key_hex) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, timeout_s) == QL_SSL_SUCCESS);
    CHECK((fd = udp_connect(dtls_port)) >= 0);
    CHECK(ql_ssl_new(&ctx) == QL_SSL_SUCCESS && ql_ssl_setup(&ctx, &conf) == QL_SSL_SUCCESS);
    CHECK(ql_ssl_set_socket_fd(&ctx, fd) == QL_SSL_SUCCESS);
    *handshake_rc = ql_ssl_handshake(&ctx);
    if (*handshake_rc == QL_SSL_SUCCESS) {
        printf("    suite 0x%04X\n", (unsigned)ql_ssl_get_ciphersuite(&ctx));
        CHECK(ql_ssl_write(&ctx, (const unsigned char *)message, sizeof message - 1) == (int)(sizeof message - 1));
        n = ql_ssl_read(&ctx, (unsigned char *)echo, sizeof echo - 1);
        CHECK(n == (int)(sizeof message - 1));
        echo[n] = '\0';
        CHECK(strcmp(echo, message) == 0);
        CHECK(ql_ssl_close_notify(&ctx) == QL_SSL_SUCCESS);
    }
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS);
    sock_close(fd);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS);
    return 0;
}

static int test_dtls_psk_echo_blocking(void)
{
    int rc = -1;
    CHECK(dtls_psk_exchange("00112233445566778899aabbccddeeff", 10, &rc) == 0);
    CHECK(rc == QL_SSL_SUCCESS);
    return 0;
}

static int test_dtls_psk_wrong_key_refused(void)
{
    int rc = QL_SSL_SUCCESS;
    uint64_t t0 = hook_now_ms();
    /* The server drops the Finished it cannot verify (DTLS discards bad records), so the client
     * retransmits until its negotiate timeout: 2 s here. */
    CHECK(dtls_psk_exchange("ffeeddccbbaa99887766554433221100", 2, &rc) == 0);
    printf("    refused with %d after %u ms\n", rc, (unsigned)(hook_now_ms() - t0));
    CHECK(rc == QL_SSL_ERROR_HS_FAILURE);
    return 0;
}

int main(void)
{
    char top;
    struct mallinfo mi;
    qemu_stack_top = (uintptr_t)&top + 256; /* a test's locals are all below main's frame */
    printf("qlssl bare-metal test: libqlssl (no_std + alloc), armv7a-none-eabi, newlib, qemu-arm\n");
    server_port = read_port_file("port.txt");
    dtls_port = read_port_file("dtls_port.txt");

    run("calls_before_platform_init_refused", test_calls_before_init_refused);
    run("platform_init_checks_table", test_platform_init_checks_table);
    if (failed != 0) {
        printf("baremetal: %d passed, %d failed\n", passed, failed);
        return 1;
    }
    run("mbedtls_self_tests", test_mbedtls_self_tests);
    run("conf_set_get_round_trip", test_conf_set_get_round_trip);
    run("conf_rejects_bad_values", test_conf_rejects_bad_values);
    run("conf_validity_check_not_supported", test_validity_check_not_supported);
    run("handles_checked", test_handles_checked);
    run("heap_cipher_list_adopted_and_freed", test_heap_cipher_list_adopted_and_freed);
    run("setup_missing_ca_file", test_setup_missing_ca_file);
    if (server_port == 0) {
        printf("FAIL tls_* (no port.txt: build.sh starts the server)\n");
        failed++;
    } else {
        run("tls_verified_get", test_tls_verified_get);
        run("tls_wrong_ca_refused", test_tls_wrong_ca_refused);
        run("tls_session_resumed", test_tls_session_resumed);
        run("session_store_with_version_1_table", test_session_store_with_version_1_table);
        run("tls_pin_sha256", test_tls_pin_sha256);
        run("log_callback_events", test_log_callback_events);
        run("tls_nonblocking", test_tls_nonblocking);
        run("tls_cycles_heap_flat", test_tls_cycles_heap_flat);
    }
    run("tls_timeout_silent_peer", test_tls_timeout_silent_peer);
    if (dtls_port == 0) {
        printf("FAIL dtls_* (no dtls_port.txt: build.sh starts gnutls-serv)\n");
        failed++;
    } else {
        run("dtls_psk_echo_blocking", test_dtls_psk_echo_blocking);
        run("dtls_psk_wrong_key_refused", test_dtls_psk_wrong_key_refused);
    }

    mi = mallinfo();
    printf("heap: high-water (arena) %d bytes, in use at exit %d bytes\n", mi.arena, mi.uordblks);
    printf("baremetal: %d passed, %d failed\n", passed, failed);
    fflush(stdout);
    return failed == 0 ? 0 : 1;
}
