/*
 * Peer faults: the client against tests/hardening/fault_peer, a real OpenSSL server whose bytes are
 * cut, corrupted, stalled or followed by a reset. Each case must end with the documented code
 * within the negotiate timeout (2 s here) - nothing hangs (a 25 s watchdog fails the test if
 * anything does) - and a failed connection keeps reporting its failure.
 *
 * Usage: peer_faults CASE   (cases: see the table at the end; ctest runs each as hardening_fault_CASE)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hsupport.h"

#define NEGOTIATE_TIMEOUT_S 2
/* DTLS cases: mbedtls retransmits after 1 s, 2 s more, then 4 s more (capped at the negotiate
 * timeout) and gives up after that: with 4 s, at 11 s. Neither a retransmission nor mbedtls's own
 * end falls on the deadline, so only the library's deadline can end the handshake at 4 s. */
#define DTLS_NEGOTIATE_TIMEOUT_S 4
/* Longest a single call on a non-blocking socket may take: a bounded slice of work, whatever the
 * peer sends (generous for ASan builds on a loaded machine; a slice is well under 10 ms). */
#define MAX_NONBLOCKING_CALL_S 0.5

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

/* Start dgram_peer in `mode` and connect a DTLS client context to it over UDP (no handshake yet). */
static void start_dtls(conn *c, const char *mode, int nonblocking)
{
    char *argv[] = {(char *)h_env("HARDENING_DGRAM_PEER"), "-m", (char *)mode, "-P", NULL};
    struct sockaddr_in sa;
    h_peer_start(&c->peer, argv);
    H_CHECK_RC(ql_ssl_conf_init(&c->conf), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_set(&c->conf, QL_SSL_CONF_TRANSPORT, QL_SSL_DTLS_PROTOCOL), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_set(&c->conf, QL_SSL_CONF_HS_TIMEOUT, DTLS_NEGOTIATE_TIMEOUT_S), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_set(&c->conf, QL_SSL_CONF_HS_TIMEOUT_FUNC, on_timeout, (void *)0), QL_SSL_SUCCESS);
    c->fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)c->peer.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    H_CHECK(c->fd >= 0 && connect(c->fd, (struct sockaddr *)&sa, sizeof sa) == 0, "UDP socket");
    {
        /* A receive buffer that holds ~1 s of the flood's records, so that the socket never runs
         * dry while the flood lasts (a scheduling pause of the peer would otherwise let the
         * client find it empty and wait, which is when the deadline was always checked).
         * SO_RCVBUFFORCE needs CAP_NET_ADMIN; without it the normal limit applies. */
        int size = 16 << 20;
        if (setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
            setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        }
    }
    if (nonblocking) {
        h_set_nonblocking(c->fd);
    }
    H_CHECK_RC(ql_ssl_new(&c->ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_setup(&c->ctx, &c->conf), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_socket_fd(&c->ctx, c->fd), QL_SSL_SUCCESS);
}

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
        h_conf_init(&c->conf);
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

/* Drive the handshake on a non-blocking socket like an application's select loop would; fails
 * the test when any single call takes longer than MAX_NONBLOCKING_CALL_S. */
static int handshake_nonblocking_sliced(conn *c, double limit_s, int *calls, double *longest)
{
    double end = h_now() + limit_s;
    *calls = 0;
    *longest = 0;
    for (;;) {
        double t0 = h_now();
        int rc = ql_ssl_handshake(&c->ctx);
        double dt = h_now() - t0;
        (*calls)++;
        if (dt > *longest) {
            *longest = dt;
        }
        H_CHECK(dt < MAX_NONBLOCKING_CALL_S, "call %d of ql_ssl_handshake on a non-blocking socket took %.3f s "
                "(returned %s)", *calls, dt, h_rc_name(rc));
        if ((rc != QL_SSL_ERROR_WANT_READ && rc != QL_SSL_ERROR_WANT_WRITE) || h_now() > end) {
            return rc;
        }
        h_wait_fd(c->fd, rc == QL_SSL_ERROR_WANT_WRITE, 0.2);
    }
}

/* The negotiate timeout ends the handshake at the deadline whatever the peer does (silent, or
 * sending records that never complete the handshake), the callback runs exactly once; on a
 * non-blocking socket no single call runs longer than a bounded slice of work. */
static void handshake_times_out(const char *mode, int dtls, int nonblocking)
{
    conn c;
    double t0, dt, longest = 0;
    int rc, calls = 1;
    int timeout_s = dtls ? DTLS_NEGOTIATE_TIMEOUT_S : NEGOTIATE_TIMEOUT_S;
    if (dtls) {
        start_dtls(&c, mode, nonblocking);
    } else {
        start(&c, mode, 0, nonblocking);
    }
    t0 = h_now();
    rc = nonblocking ? handshake_nonblocking_sliced(&c, 10.0, &calls, &longest) : ql_ssl_handshake(&c.ctx);
    dt = h_now() - t0;
    {
        char why[256] = "";
        ql_ssl_last_error(why, sizeof why);
        printf("%s (%s%s): %s after %.3f s (%s), callback calls %d; %d call(s), longest %.4f s\n", mode,
               dtls ? "DTLS, " : "", nonblocking ? "non-blocking" : "blocking", h_rc_name(rc), dt, why,
               g_timeout_calls, calls, nonblocking ? longest : dt);
    }
    H_CHECK_RC(rc, QL_SSL_ERROR_HS_FAILURE);
    H_CHECK(dt >= timeout_s - 0.1 && dt <= timeout_s + 1.0,
            "timed out after %.3f s, expected about %d s", dt, timeout_s);
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

/* Non-blocking reads until something other than data or WANT_READ; returns it. Every call must
 * return within MAX_NONBLOCKING_CALL_S. *got counts the bytes (checked), *longest the longest call. */
static int read_until_end_nonblocking(conn *c, size_t *got, double *longest)
{
    unsigned char buf[4096];
    double end = h_now() + 15.0;
    *got = 0;
    *longest = 0;
    for (;;) {
        double t0 = h_now();
        int r = ql_ssl_read(&c->ctx, buf, sizeof buf);
        double dt = h_now() - t0;
        if (dt > *longest) {
            *longest = dt;
        }
        H_CHECK(dt < MAX_NONBLOCKING_CALL_S, "a non-blocking ql_ssl_read took %.3f s (returned %s)", dt, h_rc_name(r));
        if (r == QL_SSL_ERROR_WANT_READ) {
            H_CHECK(h_now() < end, "no end of the stream after 15 s (%zu bytes)", *got);
            h_wait_fd(c->fd, 0, 1.0);
            continue;
        }
        if (r <= 0) {
            return r;
        }
        for (int i = 0; i < r; i++) {
            H_CHECK(buf[i] == (unsigned char)((*got + (size_t)i) % 251), "corrupt byte at %zu", *got + (size_t)i);
        }
        *got += (size_t)r;
    }
}

static void read_ends_with_mode(const char *mode, int nonblocking, unsigned long long n, size_t expect_bytes, int code)
{
    conn c;
    size_t got;
    double t0, dt, longest = 0;
    int rc;
    established(&c, mode, nonblocking, n);
    t0 = h_now();
    rc = nonblocking ? read_until_end_nonblocking(&c, &got, &longest) : read_until_end(&c, &got);
    dt = h_now() - t0;
    {
        char why[256] = "";
        if (rc < 0) {
            ql_ssl_last_error(why, sizeof why);
        }
        printf("%s%s: read %zu bytes, then %s after %.3f s %s", mode, nonblocking ? " (non-blocking)" : "", got,
               h_rc_name(rc), dt, why);
        if (nonblocking) {
            printf(" (longest call %.4f s)", longest);
        }
        printf("\n");
    }
    H_CHECK(got == expect_bytes, "read %zu bytes, expected %zu", got, expect_bytes);
    H_CHECK_RC(rc, code);
    H_CHECK(dt < 10.0, "took %.3f s", dt);
    if (code == 0) {
        unsigned char b;
        H_CHECK_RC(ql_ssl_read(&c.ctx, &b, 1), 0); /* closed stays closed */
    } else {
        check_failure_sticks(&c, code);
        H_CHECK_RC(ql_ssl_handshake_finished(&c.ctx), 0);
    }
    finish(&c);
}

static void read_ends_with(const char *mode, unsigned long long n, size_t expect_bytes, int code)
{
    read_ends_with_mode(mode, 0, n, expect_bytes, code);
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
        handshake_times_out(name, 0, 0);
    } else if (strcmp(name, "stall_after_server_hello_nonblocking") == 0) {
        handshake_times_out("stall_after_server_hello", 0, 1);
    } else if (strcmp(name, "talkative_handshake") == 0) {
        handshake_times_out("talkative_after_server_hello", 0, 0);
    } else if (strcmp(name, "talkative_handshake_nonblocking") == 0) {
        handshake_times_out("talkative_after_server_hello", 0, 1);
    } else if (strcmp(name, "dtls_alert_flood") == 0) {
        handshake_times_out("alert_flood", 1, 0);
    } else if (strcmp(name, "dtls_alert_flood_nonblocking") == 0) {
        handshake_times_out("alert_flood", 1, 1);
    } else if (strcmp(name, "dtls_junk_flood") == 0) {
        handshake_times_out("junk_flood", 1, 0);
    } else if (strcmp(name, "dtls_junk_flood_nonblocking") == 0) {
        handshake_times_out("junk_flood", 1, 1);
    } else if (strcmp(name, "dtls_junk_burst") == 0) {
        handshake_times_out("junk_burst", 1, 0);
    } else if (strcmp(name, "dtls_empty_datagrams") == 0) {
        handshake_times_out("empty_burst", 1, 0);
    } else if (strcmp(name, "empty_records") == 0) {
        read_ends_with(name, 20000, 20000, 0);
    } else if (strcmp(name, "empty_records_nonblocking") == 0) {
        read_ends_with_mode("empty_records", 1, 20000, 20000, 0);
    } else if (strcmp(name, "no_renegotiation_alert") == 0) {
        read_ends_with("no_renegotiation", 1000, 1000, 0);
    } else if (strcmp(name, "alert_flood_read_nonblocking") == 0) {
        read_ends_with_mode("alert_flood", 1, 1000, 1000, 0);
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
