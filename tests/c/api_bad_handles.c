/*
 * Garbage, NULL, stale and double-freed handles (and double-freed configs), as the SDK demo's
 * failure paths produce them, give QL_SSL_ERROR_INVALID_PARAM and never touch another context:
 * context A is created and set up first, all the bad calls happen, then A completes a verified
 * handshake and an HTTP exchange.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qlssl_test.h"

/* Leave a recognisable pattern where the next call's locals will live. */
static void __attribute__((noinline)) scribble_stack(void)
{
    volatile unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++) {
        junk[i] = 0xA5;
    }
}

/* The demo's failure path: ql_ssl_free() on a handle ql_ssl_new() never wrote. */
static int __attribute__((noinline)) free_uninitialised_handle(void)
{
    ql_ssl_context never_created;
    return ql_ssl_free(&never_created);
}

int main(int argc, char **argv)
{
    static const ql_ssl_context garbage[] = {0, -1, 1, 6, (int)0xA5A5A5A5u, 0x5A5A5A5A, INT_MAX, INT_MIN};
    peer_t server;
    ql_ssl_config cfg, cfg2, never_init, junk_cfg;
    ql_ssl_context a, b, bad;
    char response[16384];
    unsigned char byte = 0;
    int fd;

    test_init(argc, argv, 60);
    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);

    /* Context A: set up and bound to its socket, handshake not yet started. */
    fd = tcp_connect(server.port);
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, (char *[]){(char *)pki("ca.pem")}, 1), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&a), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&a, &cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&a, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(&a, "localhost"), QL_SSL_SUCCESS);
    printf("live context A = %d\n", a);

    /* Stack garbage. */
    scribble_stack();
    CHECK_RC(free_uninitialised_handle(), QL_SSL_ERROR_INVALID_PARAM);

    /* Fixed garbage values (skipping A's own value, in case one happened to match). */
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        bad = garbage[i];
        if (bad == a) {
            continue;
        }
        CHECK_RC(ql_ssl_free(&bad), QL_SSL_ERROR_INVALID_PARAM);
        CHECK_RC(ql_ssl_handshake(&bad), QL_SSL_ERROR_INVALID_PARAM);
        CHECK_RC(ql_ssl_read(&bad, &byte, 1), QL_SSL_ERROR_INVALID_PARAM);
        CHECK_RC(ql_ssl_write(&bad, &byte, 1), QL_SSL_ERROR_INVALID_PARAM);
        CHECK_RC(ql_ssl_close_notify(&bad), QL_SSL_ERROR_INVALID_PARAM);
        CHECK(ql_ssl_handshake_finished(&bad) < 0, "handshake_finished accepted garbage handle %d", bad);
    }

    /* NULL everywhere a handle or config is expected. */
    CHECK_RC(ql_ssl_free(NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_new(NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_setup(NULL, &cfg), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_set_socket_fd(NULL, fd), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_set_hostname(NULL, "localhost"), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_handshake(NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_read(NULL, &byte, 1), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_write(NULL, &byte, 1), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_close_notify(NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_conf_init(NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_conf_free(NULL), QL_SSL_ERROR_INVALID_PARAM);

    /* A stale handle: B is created, freed, then freed again and used. */
    CHECK_RC(ql_ssl_new(&b), QL_SSL_SUCCESS);
    CHECK(b != a, "two live contexts share handle %d", a);
    CHECK_RC(ql_ssl_free(&b), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_free(&b), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_setup(&b, &cfg), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_set_socket_fd(&b, fd), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_handshake(&b), QL_SSL_ERROR_INVALID_PARAM);
    /* Handles are never reused: a new context does not bring B's number back to life. */
    CHECK_RC(ql_ssl_new(&bad), QL_SSL_SUCCESS);
    CHECK(bad != a && bad != b, "handle %d was reused", bad);
    CHECK_RC(ql_ssl_free(&b), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_free(&bad), QL_SSL_SUCCESS);

    /* Configs: double free, never initialised (zeroed), and garbage-filled. */
    CHECK_RC(ql_ssl_conf_init(&cfg2), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg2, QL_SSL_CONF_CACERT, (char *[]){(char *)pki("ca.pem")}, 1), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg2), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg2), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_conf_set(&cfg2, QL_SSL_CONF_SNI, 1), QL_SSL_ERROR_INVALID_PARAM);
    memset(&never_init, 0, sizeof never_init);
    CHECK_RC(ql_ssl_conf_free(&never_init), QL_SSL_ERROR_INVALID_PARAM);
    memset(&junk_cfg, 0xA5, sizeof junk_cfg);
    CHECK_RC(ql_ssl_conf_free(&junk_cfg), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_conf_set(&junk_cfg, QL_SSL_CONF_SNI, 1), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_new(&bad), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&bad, &cfg2), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_setup(&bad, &junk_cfg), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_free(&bad), QL_SSL_SUCCESS);

    /* A's config is released twice as well; A keeps its own copy. */
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_ERROR_INVALID_PARAM);

    /* A is untouched by all of the above. */
    CHECK_RC(ql_ssl_handshake_finished(&a), 0);
    CHECK_RC(ql_ssl_handshake(&a), QL_SSL_SUCCESS);
    http_get_200(&a, fd, response, sizeof response);
    CHECK_RC(ql_ssl_free(&a), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_free(&a), QL_SSL_ERROR_INVALID_PARAM);

    close(fd);
    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
