/* Benchmark backend: libqlssl through the ql_ssl_* API (see backend.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "ql_ssl.h"

const char *const be_name = "qlssl";

struct be_conn {
    ql_ssl_context ctx;
    int fd;
};

static ql_ssl_config g_conf;
static char g_host[256];
/* CA rotation (be_ca_rotation): configs used in turn. */
#define MAX_ROTATION 64
static ql_ssl_config g_rot[MAX_ROTATION];
static int g_nrot, g_next_rot;

/* A retry code: wait for the socket (non-blocking sockets only; a blocking call never returns one). */
static int retry(be_conn *c, int rc)
{
    if (rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE) {
        be_wait(c->fd, rc == QL_SSL_ERROR_WANT_WRITE);
        return 1;
    }
    return 0;
}

static void report(const char *what, int rc)
{
    char why[256] = "";
    ql_ssl_last_error(why, sizeof why);
    fprintf(stderr, "qlssl: %s failed: %d (%s)\n", what, rc, why);
}

int be_global_init(const char *ca_file, const char *hostname, int session_cache)
{
    int rc;
    snprintf(g_host, sizeof g_host, "%s", hostname);
    if ((rc = ql_ssl_conf_init(&g_conf)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&g_conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&g_conf, QL_SSL_CONF_CACERT, (char *[]){(char *)ca_file}, 1)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&g_conf, QL_SSL_CONF_SNI, 1)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&g_conf, QL_SSL_CONF_HS_TIMEOUT, 30)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&g_conf, QL_SSL_CONF_SESSION_CACHE, session_cache ? 1 : 0)) != QL_SSL_SUCCESS) {
        report("config", rc);
        return -1;
    }
    /* BE_TLS_VERSION=1.3 (engines/measure.sh): the TLS 1.3 engine, in a libqlssl built with it. */
    const char *version = getenv("BE_TLS_VERSION");
    if (version != NULL && strcmp(version, "1.3") == 0 &&
        (rc = ql_ssl_conf_set(&g_conf, QL_SSL_CONF_VERSION, QL_SSL_VERSION_4)) != QL_SSL_SUCCESS) {
        report("QL_SSL_CONF_VERSION QL_SSL_VERSION_4", rc);
        return -1;
    }
    return 0;
}

be_conn *be_open(int fd)
{
    be_conn *c = malloc(sizeof *c);
    int rc;
    if (c == NULL) {
        return NULL;
    }
    if ((rc = ql_ssl_new(&c->ctx)) != QL_SSL_SUCCESS) {
        report("ql_ssl_new", rc);
        free(c);
        return NULL;
    }
    c->fd = fd;
    ql_ssl_config *conf = g_nrot > 0 ? &g_rot[g_next_rot++ % g_nrot] : &g_conf;
    if ((rc = ql_ssl_setup(&c->ctx, conf)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_set_socket_fd(&c->ctx, fd)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_set_hostname(&c->ctx, g_host)) != QL_SSL_SUCCESS) {
        report("setup", rc);
        ql_ssl_free(&c->ctx);
        free(c);
        return NULL;
    }
    while (retry(c, rc = ql_ssl_handshake(&c->ctx))) {
    }
    if (rc != QL_SSL_SUCCESS) {
        report("setup/handshake", rc);
        ql_ssl_free(&c->ctx);
        free(c);
        return NULL;
    }
    return c;
}

int be_resumed(be_conn *c)
{
    return ql_ssl_session_resumed(&c->ctx) == 1;
}

int be_read(be_conn *c, void *buf, size_t len)
{
    int rc;
    while (retry(c, rc = ql_ssl_read(&c->ctx, buf, len))) {
    }
    return rc;
}

int be_write(be_conn *c, const void *buf, size_t len)
{
    int rc;
    while (retry(c, rc = ql_ssl_write(&c->ctx, buf, len))) {
    }
    return rc;
}

void be_close(be_conn *c)
{
    int rc;
    while (retry(c, rc = ql_ssl_close_notify(&c->ctx))) {
    }
    ql_ssl_free(&c->ctx);
    free(c);
}

int be_ca_rotation(const char *ca_pattern, int n)
{
    static char paths[MAX_ROTATION][512];
    int rc;
    if (n < 1 || n > MAX_ROTATION) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        snprintf(paths[i], sizeof paths[i], ca_pattern, i);
        if ((rc = ql_ssl_conf_init(&g_rot[i])) != QL_SSL_SUCCESS ||
            (rc = ql_ssl_conf_set(&g_rot[i], QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER)) != QL_SSL_SUCCESS ||
            (rc = ql_ssl_conf_set(&g_rot[i], QL_SSL_CONF_CACERT, (char *[]){paths[i]}, 1)) != QL_SSL_SUCCESS ||
            (rc = ql_ssl_conf_set(&g_rot[i], QL_SSL_CONF_SNI, 1)) != QL_SSL_SUCCESS ||
            (rc = ql_ssl_conf_set(&g_rot[i], QL_SSL_CONF_HS_TIMEOUT, 30)) != QL_SSL_SUCCESS) {
            report("rotation config", rc);
            return -1;
        }
        g_nrot = i + 1;
    }
    return 0;
}

void be_global_free(void)
{
    for (int i = 0; i < g_nrot; i++) {
        ql_ssl_conf_free(&g_rot[i]);
    }
    ql_ssl_conf_free(&g_conf);
}
