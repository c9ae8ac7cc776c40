/*
 * Benchmark backend: OpenSSL libssl (see backend.h). TLS 1.2 at most, like the other two clients,
 * so the ClientHello carries no TLS 1.3 key share and every client negotiates the same suite.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend.h"

const char *const be_name = "openssl";

struct be_conn {
    SSL *ssl;
    int resumed;
};

static SSL_CTX *g_ctx;
static SSL_SESSION *g_saved;
static int g_cache;
static char g_host[256];

int be_global_init(const char *ca_file, const char *hostname, int session_cache)
{
    if (be_nonblock) {
        fprintf(stderr, "openssl: --nonblock is not implemented in this backend\n");
        return -1;
    }
    snprintf(g_host, sizeof g_host, "%s", hostname);
    g_cache = session_cache;
    g_ctx = SSL_CTX_new(TLS_client_method());
    if (g_ctx == NULL || SSL_CTX_load_verify_locations(g_ctx, ca_file, NULL) != 1) {
        ERR_print_errors_fp(stderr);
        return -1;
    }
    SSL_CTX_set_min_proto_version(g_ctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(g_ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(g_ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(g_ctx, SSL_SESS_CACHE_OFF);
    return 0;
}

be_conn *be_open(int fd)
{
    be_conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->ssl = SSL_new(g_ctx);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, fd) != 1 || SSL_set_tlsext_host_name(c->ssl, g_host) != 1 ||
        SSL_set1_host(c->ssl, g_host) != 1) {
        goto fail;
    }
    if (g_cache && g_saved != NULL) {
        SSL_set_session(c->ssl, g_saved);
    }
    if (SSL_connect(c->ssl) != 1) {
        goto fail;
    }
    c->resumed = g_cache && SSL_session_reused(c->ssl);
    if (g_cache) {
        SSL_SESSION_free(g_saved);
        g_saved = SSL_get1_session(c->ssl);
    }
    return c;
fail:
    fprintf(stderr, "openssl: handshake failed\n");
    ERR_print_errors_fp(stderr);
    SSL_free(c->ssl);
    free(c);
    return NULL;
}

int be_resumed(be_conn *c)
{
    return c->resumed;
}

int be_read(be_conn *c, void *buf, size_t len)
{
    int r = SSL_read(c->ssl, buf, len > 0x7fffffff ? 0x7fffffff : (int)len);
    if (r > 0) {
        return r;
    }
    return SSL_get_error(c->ssl, r) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

int be_write(be_conn *c, const void *buf, size_t len)
{
    int r = SSL_write(c->ssl, buf, len > 0x7fffffff ? 0x7fffffff : (int)len);
    return r > 0 ? r : -1;
}

void be_close(be_conn *c)
{
    SSL_shutdown(c->ssl);
    SSL_free(c->ssl);
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
    SSL_SESSION_free(g_saved);
    SSL_CTX_free(g_ctx);
}
