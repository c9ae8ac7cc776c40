/*
 * Peer faults: the client against tests/hardening/fault_peer, a real OpenSSL server whose bytes are
 * cut, corrupted, stalled or followed by a reset. Each case must end with the documented code
 * within the negotiate timeout (2 s here) - nothing hangs (a 25 s watchdog fails the test if
 * anything does) - and a failed connection keeps reporting its failure.
 *
 * Usage: peer_faults CASE   (cases: see the table at the end; ctest runs each as hardening_fault_CASE)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsupport.h"

#define NEGOTIATE_TIMEOUT_S 2

static int g_timeout_calls;
static ql_ssl_context *g_timeout_ctx_seen;

static void on_timeout(ql_ssl_context *ctx, void *arg)
{
    g_timeout_calls++;
    g_timeout_ctx_seen = ctx;
    (void)arg;
}

typedef struct {
    h_peer peer;
    ql_ssl_config conf;
    ql_ssl_context ctx;
    int fd;
} conn;

/* Start fault_peer in `mode` and connect a client context to it (no handshake yet). */
static void start(conn *c, const char *mode, int verify, int nonblocking)
{
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)h_env("HARDENING_FAULT_PEER");
    argv[n++] = "-m";
    argv[n++] = (char *)mode;
    argv[n++] = "-c";
    argv[n++] = (char *)h_pki("rsa_server.pem");
    argv[n++] = "-k";
    argv[n++] = (char *)h_pki("rsa_server.key");
    argv[n++] = "-P";
    if (strcmp(mode, "huge_chain") == 0) {
        /* 40 extra copies of the CA: a Certificate message of ~35 KB, beyond any TLS client's
         * single-message limit (mbedtls: 16 KiB). */
        argv[n++] = "-e";
        argv[n++] = (char *)h_pki("rsa_ca.pem");
        argv[n++] = "-n";
        argv[n++] = "40";
    }
    argv[n] = NULL;
    h_peer_start(&c->peer, argv);

    if (verify) {
        h_conf_verifying(&c->conf, h_pki("rsa_ca.pem"), NEGOTIATE_TIMEOUT_S);
    } else {
        H_CHECK_RC(ql_ssl_conf_init(&c->conf), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_conf_set(&c->conf, QL_SSL_CONF_HS_TIMEOUT, NEGOTIATE_TIMEOUT_S), QL_SSL_SUCCESS);
    }
    H_CHECK_RC(ql_ssl_conf_set(&c->conf, QL_SSL_CONF_HS_TIMEOUT_FUNC, on_timeout, (void *)0), QL_SSL_SUCCESS);
    c->fd = h_connect(c->peer.port);
    if (nonblocking) {
        h_set_nonblocking(c->fd);
    }
    H_CHECK_RC(ql_ssl_new(&c->ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_setup(&c->ctx, &c->conf), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_socket_fd(&c->ctx, c->fd), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_hostname(&c->ctx, "localhost"), QL_SSL_SUCCESS);
}

static void finish(conn *c)
{
    H_CHECK_RC(ql_ssl_free(&c->ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_free(&c->conf), QL_SSL_SUCCESS);
    close(c->fd);
    h_peer_stop(&c->peer);
}

/* After a failure every I/O call keeps reporting the same code (ql_ssl.h, ql_ssl_read). */
static void check_failure_sticks(conn *c, int code)
{
    unsigned char b;
    H_CHECK_RC(ql_ssl_read(&c->ctx, &b, 1), code);
    H_CHECK_RC(ql_ssl_write(&c->ctx, (const unsigned char *)"x", 1), code);
    H_CHECK_RC(ql_ssl_handshake_finished(&c->ctx), 0);
}

/* A handshake that must fail with `code` well within the negotiate timeout. */
static void handshake_fails_fast(const char *mode, int verify, int nonblocking, int code)
{
    conn c;
    double t0, dt;
    int rc;
    start(&c, mode, verify, nonblocking);
    t0 = h_now();
    rc = nonblocking ? h_handshake_nonblocking(&c.ctx, c.fd, 10.0) : ql_ssl_handshake(&c.ctx);
    dt = h_now() - t0;
    {
        char why[256] = "";
        ql_ssl_last_error(why, sizeof why);
        printf("%s: handshake returned %s after %.3f s (%s)\n", mode, h_rc_name(rc), dt, why);
    }
    H_CHECK_RC(rc, code);
    H_CHECK(dt < NEGOTIATE_TIMEOUT_S - 0.5, "took %.3f s: the failure should be reported at once, not by the timeout", dt);
    H_CHECK(g_timeout_calls == 0, "the timeout callback ran %d time(s) for a non-timeout failure", g_timeout_calls);
    H_CHECK_RC(ql_ssl_handshake(&c.ctx), code); /* a failed handshake stays failed */
    check_failure_sticks(&c, code);
    finish(&c);
}

/* A silent peer: the negotiate timeout ends the handshake, the callback runs exactly once. */
static void handshake_times_out(int nonblocking)
{
    conn c;
    double t0, dt;
    int rc;
    start(&c, "stall_after_server_hello", 0, nonblocking);
    t0 = h_now();
    rc = nonblocking ? h_handshake_nonblocking(&c.ctx, c.fd, 10.0) : ql_ssl_handshake(&c.ctx);
    dt = h_now() - t0;
    printf("stall_after_server_hello (%s): %s after %.3f s, callback calls %d\n",
           nonblocking ? "non-blocking" : "blocking", h_rc_name(rc), dt, g_timeout_calls);
    H_CHECK_RC(rc, QL_SSL_ERROR_HS_FAILURE);
    H_CHECK(dt >= NEGOTIATE_TIMEOUT_S - 0.1 && dt <= NEGOTIATE_TIMEOUT_S + 1.0,
            "timed out after %.3f s, expected about %d s", dt, NEGOTIATE_TIMEOUT_S);
    H_CHECK(g_timeout_calls == 1, "timeout callback called %d times, expected once", g_timeout_calls);
    H_CHECK(g_timeout_ctx_seen == &c.ctx, "callback did not get the context pointer");
    H_CHECK_RC(ql_ssl_handshake(&c.ctx), QL_SSL_ERROR_HS_FAILURE);
    H_CHECK(g_timeout_calls == 1, "callback ran again on a later call");
    finish(&c);
}

/* Handshake, then request n bytes with a bench/tls_server 'D' command. */
static void established(conn *c, const char *mode, int nonblocking, unsigned long long n)
{
    int rc;
    start(c, mode, 1, nonblocking);
    rc = nonblocking ? h_handshake_nonblocking(&c->ctx, c->fd, 10.0) : ql_ssl_handshake(&c->ctx);
    H_CHECK_RC(rc, QL_SSL_SUCCESS);
    for (;;) {
        rc = h_send_cmd(&c->ctx, 'D', n);
        if (rc != QL_SSL_ERROR_WANT_WRITE && rc != QL_SSL_ERROR_WANT_READ) {
            break;
        }
        h_wait_fd(c->fd, rc == QL_SSL_ERROR_WANT_WRITE, 1.0);
    }
    H_CHECK_RC(rc, 9);
}

/* Blocking reads until something other than data; returns it. *got counts the bytes (checked). */
static int read_until_end(conn *c, size_t *got)
{
    unsigned char buf[4096];
    *got = 0;
    for (;;) {
        int r = ql_ssl_read(&c->ctx, buf, sizeof buf);
        if (r <= 0) {
            return r;
        }
        for (int i = 0; i < r; i++) {
            H_CHECK(buf[i] == (unsigned char)((*got + (size_t)i) % 251), "corrupt byte at %zu", *got + (size_t)i);
        }
        *got += (size_t)r;
    }
}

static void read_ends_with(const char *mode, unsigned long long n, size_t expect_bytes, int code)
{
    conn c;
    size_t got;
    double t0, dt;
    int rc;
    established(&c, mode, 0, n);
    t0 = h_now();
    rc = read_until_end(&c, &got);
    dt = h_now() - t0;
    printf("%s: read %zu bytes, then %s after %.3f s\n", mode, got, h_rc_name(rc), dt);
    H_CHECK(got == expect_bytes, "read %zu bytes, expected %zu", got, expect_bytes);
    H_CHECK_RC(rc, code);
    H_CHECK(dt < 5.0, "took %.3f s", dt);
    if (code == 0) {
        unsigned char b;
        H_CHECK_RC(ql_ssl_read(&c.ctx, &b, 1), 0); /* closed stays closed */
    } else {
        check_failure_sticks(&c, code);
        H_CHECK_RC(ql_ssl_handshake_finished(&c.ctx), 0);
    }
    finish(&c);
}

/* The peer sends half of each record, pauses 1 s, sends the rest: WANT_READ in between, then the
 * complete, intact data (20000 bytes = two records, so a partial record is met twice). */
static void stall_mid_record_nonblocking(void)
{
    conn c;
    unsigned char buf[20000];
    size_t got = 0, want = 20000;
    int want_reads = 0, rc;
    double deadline;
    established(&c, "stall_mid_record", 1, want);
    deadline = h_now() + 15.0;
    while (got < want) {
        rc = ql_ssl_read(&c.ctx, buf + got, want - got);
        if (rc == QL_SSL_ERROR_WANT_READ) {
            want_reads++;
            H_CHECK(h_now() < deadline, "no progress");
            h_wait_fd(c.fd, 0, 2.0);
            continue;
        }
        H_CHECK(rc > 0, "read returned %d (%s) after %zu bytes", rc, h_rc_name(rc), got);
        got += (size_t)rc;
    }
    for (size_t i = 0; i < want; i++) {
        H_CHECK(buf[i] == (unsigned char)(i % 251), "corrupt byte at %zu", i);
    }
    printf("stall_mid_record: %zu bytes intact, %d WANT_READ while records were incomplete\n", got, want_reads);
    H_CHECK(want_reads >= 2, "expected WANT_READ while a record was half there (got %d)", want_reads);
    H_CHECK_RC(ql_ssl_get_bytes_avail(&c.ctx), 0);
    finish(&c);
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "";
    h_init(25);
    if (strcmp(name, "rst_before_server_hello") == 0) {
        handshake_fails_fast(name, 0, 0, QL_SSL_ERROR_SOCKET_RESET);
    } else if (strcmp(name, "close_before_server_hello") == 0) {
        handshake_fails_fast(name, 0, 0, QL_SSL_ERROR_SOCKET_RESET);
    } else if (strcmp(name, "rst_mid_handshake") == 0) {
        handshake_fails_fast(name, 1, 0, QL_SSL_ERROR_SOCKET_RESET);
    } else if (strcmp(name, "rst_mid_handshake_nonblocking") == 0) {
        handshake_fails_fast("rst_mid_handshake", 1, 1, QL_SSL_ERROR_SOCKET_RESET);
    } else if (strcmp(name, "stall_after_server_hello") == 0) {
        handshake_times_out(0);
    } else if (strcmp(name, "stall_after_server_hello_nonblocking") == 0) {
        handshake_times_out(1);
    } else if (strcmp(name, "garbage") == 0) {
        handshake_fails_fast(name, 0, 0, QL_SSL_ERROR_HS_FAILURE);
    } else if (strcmp(name, "alert_mid_handshake") == 0) {
        handshake_fails_fast(name, 1, 0, QL_SSL_ERROR_HS_FAILURE);
    } else if (strcmp(name, "huge_chain") == 0) {
        handshake_fails_fast(name, 0, 0, QL_SSL_ERROR_HS_FAILURE);
    } else if (strcmp(name, "huge_chain_verify") == 0) {
        handshake_fails_fast("huge_chain", 1, 0, QL_SSL_ERROR_HS_FAILURE);
    } else if (strcmp(name, "rst_mid_record") == 0) {
        read_ends_with(name, 16384, 0, QL_SSL_ERROR_SOCKET_RESET);
    } else if (strcmp(name, "truncated_record") == 0) {
        read_ends_with(name, 16384, 0, QL_SSL_ERROR_SOCKET_RESET);
    } else if (strcmp(name, "close_without_notify") == 0) {
        read_ends_with(name, 1000, 1000, QL_SSL_ERROR_SOCKET_RESET);
    } else if (strcmp(name, "bad_record_mac") == 0) {
        read_ends_with(name, 1000, 0, QL_SSL_ERROR_DECRYPT_FAILURE);
    } else if (strcmp(name, "clean_close") == 0) {
        read_ends_with(name, 1000, 1000, 0);
    } else if (strcmp(name, "stall_mid_record_nonblocking") == 0) {
        stall_mid_record_nonblocking();
    } else {
        h_fail(__FILE__, __LINE__, name, "unknown case");
    }
    printf("PASS %s\n", name);
    return 0;
}
