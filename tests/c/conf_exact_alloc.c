/*
 * The library writes no byte outside sizeof(ql_ssl_config): an object compiled with the SDK's
 * header allocates exactly that much. Every config here is a block of exactly sizeof(ql_ssl_config)
 * bytes, either
 *   malloc   from malloc() (the ASan build of this program turns any access past the end into a
 *            heap-buffer-overflow report), or
 *   guard    placed so that its last byte is the last byte of a page followed by a PROT_NONE page
 *            (any write past the end crashes, whether or not the writer is instrumented)
 * and goes through a full flow against openssl s_server: conf_init, the SDK demo's sets (CACERT as
 * (char **, 1) set twice, HS_TIMEOUT 5000, SNI, session cache, CACERT_BUFFER), new, setup,
 * ql_ssl_set_hostname AFTER setup, handshake with verification, GET, free, conf_free. Then struct
 * copies (`*b = *a`, each block again exact): changing the copy leaves the original working, both
 * are released.
 * The server presents a certificate for wrong.example unless the client sends SNI "localhost"
 * (-servername/-cert2), so the verified handshake also proves that the host name set after setup
 * was sent as SNI; with SNI off the same flow must fail.
 * Usage: conf_exact_alloc PKI_DIR malloc|guard
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "qlssl_test.h"

static int g_guard;

typedef struct {
    void *map;
    size_t map_len;
} block_t;

static ql_ssl_config *block_new(block_t *b)
{
    if (!g_guard) {
        b->map = NULL;
        b->map_len = 0;
        return malloc(sizeof(ql_ssl_config));
    }
    {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        size_t data_pages = (sizeof(ql_ssl_config) + page - 1) / page;
        unsigned char *m;
        b->map_len = (data_pages + 1) * page;
        m = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(m != MAP_FAILED, "mmap");
        CHECK(mprotect(m + data_pages * page, page, PROT_NONE) == 0, "mprotect");
        b->map = m;
        /* 8-aligned because sizeof(ql_ssl_config) is a multiple of its alignment (8). */
        return (ql_ssl_config *)(m + data_pages * page - sizeof(ql_ssl_config));
    }
}

static void block_free(block_t *b, ql_ssl_config *c)
{
    if (!g_guard) {
        free(c);
    } else {
        munmap(b->map, b->map_len);
    }
}

static const int SUITES[] = {QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA, 0};

/* The SDK demo's configuration, with server verification on. */
static void configure(ql_ssl_config *cfg, int sni)
{
    char *chain_path = (char *)pki("ca.pem");
    size_t ca_len;
    unsigned char *ca_pem = read_file(pki("ca.pem"), &ca_len);

    CHECK_RC(ql_ssl_conf_init(cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_VERSION, QL_SSL_VERSION_ALL), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_TRANSPORT, QL_SSL_TLS_PROTOCOL), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_HS_TIMEOUT, 5000), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_CIPHERSUITE, SUITES), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_CACERT, &chain_path, 1), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_CACERT, &chain_path, 1), QL_SSL_SUCCESS); /* replaced */
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_CACERT_BUFFER, ca_pem, ca_len), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_SNI, sni), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(cfg, QL_SSL_CONF_SESSION_CACHE, 1), QL_SSL_SUCCESS);
    free(ca_pem);
}

/* new, setup, set_hostname after setup, handshake, GET, free; returns the handshake's result. */
static int connect_flow(int port, ql_ssl_config *cfg)
{
    ql_ssl_context ctx;
    char response[16384];
    int fd = tcp_connect(port);
    int rc;

    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);
    rc = ql_ssl_handshake(&ctx);
    if (rc == QL_SSL_SUCCESS) {
        http_get_200(&ctx, fd, response, sizeof response);
    }
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    peer_t server;
    block_t ba, bb;
    ql_ssl_config *a, *b;
    char cert2[512], key2[512];

    test_init(argc, argv, 90);
    CHECK(argc == 3 && (strcmp(argv[2], "malloc") == 0 || strcmp(argv[2], "guard") == 0),
          "usage: %s PKI_DIR malloc|guard", argv[0]);
    g_guard = strcmp(argv[2], "guard") == 0;
    printf("sizeof(ql_ssl_config) = %zu, blocks from %s\n", sizeof(ql_ssl_config),
           g_guard ? "pages with a PROT_NONE page right after the struct" : "malloc");

    snprintf(cert2, sizeof cert2, "%s", pki("server.pem"));
    snprintf(key2, sizeof key2, "%s", pki("server.key"));
    peer_start_s_server(&server, pki("wronghost.pem"), pki("wronghost.key"), "-www", "-servername", "localhost",
                        "-cert2", cert2, "-key2", key2, NULL);

    /* 1. Full flow, SNI on: the server switches to the localhost certificate only on SNI. */
    a = block_new(&ba);
    configure(a, 1);
    CHECK(a->ca_cert_path[0] != NULL && a->ca_cert_path[1] == NULL, "CACERT set twice is one path");
    CHECK(a->ca_cert_buffer[0] != NULL && a->ca_cert_buffer[1] == NULL, "ca_cert_buffer[0]");
    CHECK_RC(connect_flow(server.port, a), QL_SSL_SUCCESS);
    CHECK_RC(connect_flow(server.port, a), QL_SSL_SUCCESS); /* again, from the session cache */

    /* 2. The same with SNI off (and no session to resume, which would skip the certificate):
     * wrong.example's certificate, the name check fails. */
    CHECK_RC(ql_ssl_conf_set(a, QL_SSL_CONF_SNI, 0), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(a, QL_SSL_CONF_SESSION_CACHE, 0), QL_SSL_SUCCESS);
    CHECK_RC(connect_flow(server.port, a), QL_SSL_ERROR_HS_FAILURE);
    CHECK_RC(ql_ssl_conf_set(a, QL_SSL_CONF_SNI, 1), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(a, QL_SSL_CONF_SESSION_CACHE, 1), QL_SSL_SUCCESS);

    /* 3. A struct copy into another exact block; the copy is changed, the original still works. */
    b = block_new(&bb);
    *b = *a;
    {
        char *other = (char *)pki("wrongca.pem");
        static const int other_suites[] = {QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA, 0};
        CHECK_RC(ql_ssl_conf_set(b, QL_SSL_CONF_CACERT, &other, 1), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_set(b, QL_SSL_CONF_CACERT_BUFFER, (const unsigned char *)NULL, (size_t)0),
                 QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_set(b, QL_SSL_CONF_CIPHERSUITE, other_suites), QL_SSL_SUCCESS);
    }
    CHECK(strcmp(a->ca_cert_path[0], pki("ca.pem")) == 0 && a->ca_cert_buffer[0] != NULL,
          "the original changed through the copy");
    CHECK_RC(connect_flow(server.port, a), QL_SSL_SUCCESS);
    CHECK_RC(connect_flow(server.port, b), QL_SSL_ERROR_HS_FAILURE); /* wrong CA only */
    CHECK_RC(ql_ssl_conf_free(b), QL_SSL_SUCCESS);
    CHECK_RC(connect_flow(server.port, a), QL_SSL_SUCCESS);

    /* 4. Copy, then free the original first: the copy still works on its own. */
    *b = *a;
    CHECK_RC(ql_ssl_conf_set(b, QL_SSL_CONF_HS_TIMEOUT, 2147483647), QL_SSL_SUCCESS); /* deadline math */
    CHECK_RC(ql_ssl_conf_free(a), QL_SSL_SUCCESS);
    CHECK_RC(connect_flow(server.port, b), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(b), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(b), QL_SSL_ERROR_INVALID_PARAM);

    block_free(&bb, b);
    block_free(&ba, a);
    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
