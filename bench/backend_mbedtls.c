/*
 * Benchmark backend: raw mbedtls 2.28, compiled with the very config.h and linked against the very
 * libmbedtls.a / libmbedx509.a / libmbedcrypto.a that the qlssl crate's mbedtls-sys-auto build made
 * (see backend.h). Written the way a careful mbedtls application is: one ssl_config, CA chain and
 * CTR_DRBG shared by every connection, one ssl_context per connection, mbedtls_net_* socket I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "backend.h"

const char *const be_name = "mbedtls";

struct be_conn {
    mbedtls_ssl_context ssl;
    mbedtls_net_context net;
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
    fprintf(stderr, "mbedtls: %s failed: -0x%04X %s\n", what, (unsigned)-rc, buf);
}

int be_global_init(const char *ca_file, const char *hostname, int session_cache)
{
    int rc;
    snprintf(g_host, sizeof g_host, "%s", hostname);
    g_cache = session_cache;
    mbedtls_entropy_init(&g_entropy);
    mbedtls_ctr_drbg_init(&g_drbg);
    mbedtls_x509_crt_init(&g_ca);
    mbedtls_ssl_config_init(&g_conf);
    mbedtls_ssl_session_init(&g_saved);
    if ((rc = mbedtls_ctr_drbg_seed(&g_drbg, mbedtls_entropy_func, &g_entropy, NULL, 0)) != 0) {
        report("ctr_drbg_seed", rc);
        return -1;
    }
    if ((rc = mbedtls_x509_crt_parse_file(&g_ca, ca_file)) != 0) {
        report("x509_crt_parse_file", rc);
        return -1;
    }
    if ((rc = mbedtls_ssl_config_defaults(&g_conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        report("ssl_config_defaults", rc);
        return -1;
    }
    /* The same version range as QL_SSL_VERSION_ALL: TLS 1.0 .. TLS 1.2. */
    mbedtls_ssl_conf_min_version(&g_conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_1);
    mbedtls_ssl_conf_max_version(&g_conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_authmode(&g_conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&g_conf, &g_ca, NULL);
    mbedtls_ssl_conf_rng(&g_conf, mbedtls_ctr_drbg_random, &g_drbg);
    return 0;
}

/* Non-blocking sockets: wait for what mbedtls asked for (mbedtls_net_recv/send return WANT_* on EAGAIN). */
static void retry_wait(be_conn *c, int rc)
{
    if (be_nonblock) {
        be_wait(c->net.fd, rc == MBEDTLS_ERR_SSL_WANT_WRITE);
    }
}

be_conn *be_open(int fd)
{
    be_conn *c = calloc(1, sizeof *c);
    int rc;
    if (c == NULL) {
        return NULL;
    }
    mbedtls_ssl_init(&c->ssl);
    c->net.fd = fd;
    if ((rc = mbedtls_ssl_setup(&c->ssl, &g_conf)) != 0 || (rc = mbedtls_ssl_set_hostname(&c->ssl, g_host)) != 0) {
        report("ssl_setup", rc);
        goto fail;
    }
    mbedtls_ssl_set_bio(&c->ssl, &c->net, mbedtls_net_send, mbedtls_net_recv, NULL);
    if (g_cache && g_have_saved && (rc = mbedtls_ssl_set_session(&c->ssl, &g_saved)) != 0) {
        report("ssl_set_session", rc);
        goto fail;
    }
    while ((rc = mbedtls_ssl_handshake(&c->ssl)) != 0) {
        if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) {
            report("ssl_handshake", rc);
            goto fail;
        }
        retry_wait(c, rc);
    }
    /* Resumed when the master secret of the offered session was kept (works for ids and tickets). */
    c->resumed = g_cache && g_have_saved && memcmp(c->ssl.session->master, g_saved.master, 48) == 0;
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

int be_resumed(be_conn *c)
{
    return c->resumed;
}

int be_read(be_conn *c, void *buf, size_t len)
{
    int r;
    do {
        r = mbedtls_ssl_read(&c->ssl, buf, len);
    } while ((r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) && (retry_wait(c, r), 1));
    return r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ? 0 : r;
}

int be_write(be_conn *c, const void *buf, size_t len)
{
    int r;
    do {
        r = mbedtls_ssl_write(&c->ssl, buf, len);
    } while ((r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) && (retry_wait(c, r), 1));
    return r;
}

void be_close(be_conn *c)
{
    int r;
    while ((r = mbedtls_ssl_close_notify(&c->ssl)) == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) {
        retry_wait(c, r);
    }
    mbedtls_ssl_free(&c->ssl);
    free(c);
}

int be_ca_rotation(const char *ca_pattern, int n)
{
    (void)ca_pattern;
    (void)n;
    return -1;
}

void be_global_free(void)
{
    mbedtls_ssl_session_free(&g_saved);
    mbedtls_ssl_config_free(&g_conf);
    mbedtls_x509_crt_free(&g_ca);
    mbedtls_ctr_drbg_free(&g_drbg);
    mbedtls_entropy_free(&g_entropy);
}
