/*
 * Benchmark backend (bench/backend.h): raw mbedtls 3.6 LTS, as built by the mbedtls-rs-sys crate
 * (engines/probe-mbedtls3 packs it into one archive). The same program as bench/backend_mbedtls.c
 * (one ssl_config, CA chain and CTR_DRBG shared by every connection, one ssl_context per connection)
 * ported to the 3.6 API, with what that build leaves out supplied here: no MBEDTLS_FS_IO (the CA
 * file is read with stdio), no MBEDTLS_NET_C (send/recv callbacks), no platform entropy
 * (getrandom as the entropy source), and the PSA random source it leaves to its Rust wrapper.
 *
 * BE_TLS_VERSION = 1.2 or 1.3 pins the protocol version (default: TLS 1.2 .. 1.3 offered).
 */
#define _GNU_SOURCE
/* The resumption check reads the session's master secret, as bench/backend_mbedtls.c does. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

#include "backend.h"

const char *const be_name = "mbedtls3";

struct be_conn {
    mbedtls_ssl_context ssl;
    int fd;
    int resumed;
};

static mbedtls_entropy_context g_entropy;
static mbedtls_ctr_drbg_context g_drbg;
static mbedtls_x509_crt g_ca;
static mbedtls_ssl_config g_conf;
static mbedtls_ssl_session g_saved;
static int g_have_saved, g_cache;
static char g_host[256];

static void report(const char *what, int rc)
{
    char buf[128];
    mbedtls_strerror(rc, buf, sizeof buf);
    fprintf(stderr, "mbedtls3: %s failed: -0x%04X %s\n", what, (unsigned)-rc, buf);
}

static int os_entropy(void *unused, unsigned char *out, size_t len, size_t *olen)
{
    (void)unused;
    ssize_t n = getrandom(out, len, 0);
    if (n < 0) {
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = (size_t)n;
    return 0;
}

/* mbedtls-rs-sys leaves this to its Rust wrapper (mbedtls-rs); a C program supplies it. */
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *unused, uint8_t *out,
                                             size_t len, size_t *olen)
{
    (void)unused;
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(out + done, len - done, 0);
        if (n < 0) {
            return PSA_ERROR_INSUFFICIENT_ENTROPY;
        }
        done += (size_t)n;
    }
    *olen = len;
    return PSA_SUCCESS;
}

static int sock_send(void *ctx, const unsigned char *buf, size_t len)
{
    ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
        return errno == EINTR || errno == EAGAIN ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    return (int)n;
}

static int sock_recv(void *ctx, unsigned char *buf, size_t len)
{
    ssize_t n = recv(*(int *)ctx, buf, len, 0);
    if (n < 0) {
        return errno == EINTR || errno == EAGAIN ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    return (int)n;
}

static int read_file(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        if (f) fclose(f);
        return -1;
    }
    *out = calloc(1, (size_t)n + 1); /* PEM parsing wants the terminating NUL counted */
    if (*out == NULL || fread(*out, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        return -1;
    }
    fclose(f);
    *len = (size_t)n + 1;
    return 0;
}

int be_global_init(const char *ca_file, const char *hostname, int session_cache)
{
    int rc;
    unsigned char *pem;
    size_t pem_len;
    const char *v = getenv("BE_TLS_VERSION");
    snprintf(g_host, sizeof g_host, "%s", hostname);
    g_cache = session_cache;
    if (psa_crypto_init() != PSA_SUCCESS) { /* TLS 1.3 (and 3.6's USE_PSA paths) need PSA */
        fprintf(stderr, "mbedtls3: psa_crypto_init failed\n");
        return -1;
    }
    mbedtls_entropy_init(&g_entropy);
    mbedtls_ctr_drbg_init(&g_drbg);
    mbedtls_x509_crt_init(&g_ca);
    mbedtls_ssl_config_init(&g_conf);
    mbedtls_ssl_session_init(&g_saved);
    if ((rc = mbedtls_entropy_add_source(&g_entropy, os_entropy, NULL, 32, MBEDTLS_ENTROPY_SOURCE_STRONG)) != 0 ||
        (rc = mbedtls_ctr_drbg_seed(&g_drbg, mbedtls_entropy_func, &g_entropy, NULL, 0)) != 0) {
        report("ctr_drbg_seed", rc);
        return -1;
    }
    if (read_file(ca_file, &pem, &pem_len) != 0) {
        fprintf(stderr, "mbedtls3: cannot read %s\n", ca_file);
        return -1;
    }
    rc = mbedtls_x509_crt_parse(&g_ca, pem, pem_len);
    free(pem);
    if (rc != 0) {
        report("x509_crt_parse", rc);
        return -1;
    }
    if ((rc = mbedtls_ssl_config_defaults(&g_conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        report("ssl_config_defaults", rc);
        return -1;
    }
    mbedtls_ssl_conf_min_tls_version(&g_conf, v && strcmp(v, "1.3") == 0 ? MBEDTLS_SSL_VERSION_TLS1_3
                                                                         : MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(&g_conf, v && strcmp(v, "1.2") == 0 ? MBEDTLS_SSL_VERSION_TLS1_2
                                                                         : MBEDTLS_SSL_VERSION_TLS1_3);
    mbedtls_ssl_conf_authmode(&g_conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&g_conf, &g_ca, NULL);
    mbedtls_ssl_conf_rng(&g_conf, mbedtls_ctr_drbg_random, &g_drbg);
    return 0;
}

be_conn *be_open(int fd)
{
    be_conn *c = calloc(1, sizeof *c);
    int rc;
    if (c == NULL) {
        return NULL;
    }
    mbedtls_ssl_init(&c->ssl);
    c->fd = fd;
    if ((rc = mbedtls_ssl_setup(&c->ssl, &g_conf)) != 0 || (rc = mbedtls_ssl_set_hostname(&c->ssl, g_host)) != 0) {
        report("ssl_setup", rc);
        goto fail;
    }
    mbedtls_ssl_set_bio(&c->ssl, &c->fd, sock_send, sock_recv, NULL);
    if (g_cache && g_have_saved && (rc = mbedtls_ssl_set_session(&c->ssl, &g_saved)) != 0) {
        report("ssl_set_session", rc);
        goto fail;
    }
    while ((rc = mbedtls_ssl_handshake(&c->ssl)) != 0) {
        if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) {
            report("ssl_handshake", rc);
            goto fail;
        }
    }
    /* Resumed when the master secret of the offered session was kept (TLS 1.2; tickets and ids). */
    c->resumed = g_cache && g_have_saved &&
                 memcmp(c->ssl.MBEDTLS_PRIVATE(session)->MBEDTLS_PRIVATE(master), g_saved.MBEDTLS_PRIVATE(master), 48) == 0;
    if (g_cache) {
        mbedtls_ssl_session_free(&g_saved);
        mbedtls_ssl_session_init(&g_saved);
        g_have_saved = mbedtls_ssl_get_session(&c->ssl, &g_saved) == 0;
    }
    return c;
fail:
    mbedtls_ssl_free(&c->ssl);
    free(c);
    return NULL;
}

/* The driver's count-rotate mode (one config per CA file) is qlssl's CA-cache measurement. */
int be_ca_rotation(const char *ca_pattern, int n)
{
    (void)ca_pattern;
    (void)n;
    fprintf(stderr, "mbedtls3: count-rotate is not measured for this backend\n");
    return -1;
}

int be_resumed(be_conn *c)
{
    return c->resumed;
}

int be_read(be_conn *c, void *buf, size_t len)
{
    int r;
    do {
        r = mbedtls_ssl_read(&c->ssl, buf, len);
    } while (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE ||
             r == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET);
    return r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ? 0 : r;
}

int be_write(be_conn *c, const void *buf, size_t len)
{
    int r;
    do {
        r = mbedtls_ssl_write(&c->ssl, buf, len);
    } while (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE ||
             r == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET);
    return r;
}

void be_close(be_conn *c)
{
    mbedtls_ssl_close_notify(&c->ssl);
    mbedtls_ssl_free(&c->ssl);
    free(c);
}

void be_global_free(void)
{
    mbedtls_ssl_session_free(&g_saved);
    mbedtls_ssl_config_free(&g_conf);
    mbedtls_x509_crt_free(&g_ca);
    mbedtls_ctr_drbg_free(&g_drbg);
    mbedtls_entropy_free(&g_entropy);
    mbedtls_psa_crypto_free();
}
