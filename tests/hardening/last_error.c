/*
 * ql_ssl_last_error() scope (issue 12): the text belongs to the calling thread's most recent
 * ql_ssl_* call that returned an error code. When that code was QL_SSL_ERROR_WANT_READ/WANT_WRITE
 * (nothing failed) the text is empty, so an application that asks after a WANT_READ no longer
 * reads an earlier, unrelated failure (the defect). Calls that return success or a value leave the
 * text alone, so the SDK demos' order - clean up (ql_ssl_conf_free, ql_ssl_free), then report -
 * still gets the reason. Reading it (twice) or formatting a code with ql_ssl_strerror() keeps it.
 * Threads do not see each other's text.
 *
 * The steps run 200 times (the clearing must hold every time, not once) and check the text
 * exactly, not only for emptiness.
 *
 * Usage: last_error
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hsupport.h"

#define OK QL_SSL_SUCCESS
#define ROUNDS 200

static void last(char *buf, size_t cap)
{
    H_CHECK_RC(ql_ssl_last_error(buf, cap), OK);
}

static void expect_empty(const char *after)
{
    char text[256];
    last(text, sizeof text);
    H_CHECK(text[0] == '\0', "after %s the last error still reads \"%s\"", after, text);
}

/* A failing call with a known text; returns that text in buf. */
static void fail_hostname(ql_ssl_context *ctx, char *buf, size_t cap)
{
    H_CHECK_RC(ql_ssl_set_hostname(ctx, ""), QL_SSL_ERROR_INVALID_PARAM);
    last(buf, cap);
    H_CHECK(strstr(buf, "host name") != NULL, "unexpected text for an empty host name: \"%s\"", buf);
}

static char g_thread_text[256];

static void *other_thread(void *arg)
{
    ql_ssl_config c;
    (void)arg;
    /* A failure of its own: conf_set on a config that was never initialised. */
    memset(&c, 0xA5, sizeof c);
    H_CHECK_RC(ql_ssl_conf_set(&c, QL_SSL_CONF_VERSION, QL_SSL_VERSION_3), QL_SSL_ERROR_INVALID_PARAM);
    last(g_thread_text, sizeof g_thread_text);
    return NULL;
}

int main(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx;
    int sv[2];
    char first[256], again[256], text[256];

    h_init(60);
    H_CHECK_RC(ql_ssl_conf_init(&conf), OK);
    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    H_CHECK_RC(ql_ssl_setup(&ctx, &conf), OK);
    /* The peer never answers: the non-blocking handshake sends its ClientHello and wants to read. */
    H_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    h_set_nonblocking(sv[0]);
    H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, sv[0]), OK);

    for (int round = 0; round < ROUNDS; round++) {
        /* 1. Reading the text (twice) and formatting a code keep it. */
        fail_hostname(&ctx, first, sizeof first);
        last(again, sizeof again);
        H_CHECK(strcmp(first, again) == 0, "a second ql_ssl_last_error() changed the text");
        H_CHECK_RC(ql_ssl_strerror(QL_SSL_ERROR_INVALID_PARAM, text, sizeof text), OK);
        last(again, sizeof again);
        H_CHECK(strcmp(first, again) == 0, "ql_ssl_strerror() changed the last error");

        /* 2. WANT_READ clears it: the defect. */
        H_CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_ERROR_WANT_READ);
        expect_empty("a handshake call that returned WANT_READ");

        /* 3. Success and values do not touch it: cleaning up before asking still gets the reason. */
        fail_hostname(&ctx, first, sizeof first);
        H_CHECK_RC(ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 30), OK);
        H_CHECK_RC(ql_ssl_handshake_finished(&ctx), 0);
        H_CHECK_RC(ql_ssl_ciphersuit_is_valid(0), 0);
        last(again, sizeof again);
        H_CHECK(strcmp(first, again) == 0, "a successful call changed the last error to \"%s\"", again);

        /* 4. Once WANT_READ cleared it, a success does not bring the old failure back. */
        H_CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_ERROR_WANT_READ);
        H_CHECK_RC(ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 30), OK);
        expect_empty("WANT_READ followed by a successful ql_ssl_conf_set()");

        /* 5. A newer failure replaces an older one. */
        fail_hostname(&ctx, first, sizeof first);
        H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, -1), QL_SSL_ERROR_INVALID_PARAM);
        last(again, sizeof again);
        H_CHECK(again[0] != '\0' && strcmp(first, again) != 0, "the newer failure's text is \"%s\"", again);
    }

    /* 6. The SDK demos' order: setup fails, config and context are released, then the reason. */
    {
        ql_ssl_config missing;
        ql_ssl_context c2;
        H_CHECK_RC(ql_ssl_conf_init(&missing), OK);
        H_CHECK_RC(ql_ssl_conf_set(&missing, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), OK);
        H_CHECK_RC(ql_ssl_conf_set(&missing, QL_SSL_CONF_CACERT, (char *[]){(char *)"/nonexistent/qlssl-ca.pem"}, 1),
                   OK);
        H_CHECK_RC(ql_ssl_new(&c2), OK);
        H_CHECK_RC(ql_ssl_setup(&c2, &missing), QL_SSL_ERROR_BAD_REQUEST);
        H_CHECK_RC(ql_ssl_conf_free(&missing), OK);
        H_CHECK_RC(ql_ssl_free(&c2), OK);
        last(text, sizeof text);
        H_CHECK(strstr(text, "/nonexistent/qlssl-ca.pem") != NULL, "after clean-up the reason reads \"%s\"", text);
    }

    /* 7. Per thread: another thread's failure is not this thread's text, and vice versa. */
    fail_hostname(&ctx, first, sizeof first);
    {
        pthread_t t;
        H_CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0, "pthread_create");
        H_CHECK(pthread_join(t, NULL) == 0, "pthread_join");
    }
    H_CHECK(g_thread_text[0] != '\0' && strcmp(g_thread_text, first) != 0,
            "the other thread read \"%s\" after its own failure", g_thread_text);
    last(again, sizeof again);
    H_CHECK(strcmp(first, again) == 0, "another thread's failure changed this thread's text to \"%s\"", again);

    H_CHECK_RC(ql_ssl_free(&ctx), OK);
    H_CHECK_RC(ql_ssl_conf_free(&conf), OK);
    close(sv[0]);
    close(sv[1]);
    printf("PASS: %d rounds; WANT_READ clears the last error; success, values and reading it keep it\n", ROUNDS);
    return 0;
}
