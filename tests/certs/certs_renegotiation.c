/*
 * Server-initiated renegotiation against a real peer (gnutls-serv in echo mode, which sends a
 * HelloRequest when it receives a line starting with "**REHANDSHAKE**"), issue 12.
 *
 *   certs_renegotiation CASE PKI-DIR SHORT-LIVED-LEAF-SCRIPT
 *
 * CASE
 *   expired_refused     renegotiation on, localtm=0; the server certificate is valid at the first
 *                       handshake and expired (notAfter passed) when the server renegotiates. The
 *                       verification policy runs on the renegotiation's certificate: the pending
 *                       ql_ssl_read() returns QL_SSL_ERROR_HS_FAILURE, the verify result shows
 *                       "expired" (0x1), the server receives a fatal alert and nothing more
 *                       is read or written on the connection.
 *   expired_forgiven    the same with localtm=1 (the default): the renegotiation succeeds, the
 *                       verify result shows 0x1 (seen on the new certificate; the first handshake
 *                       had 0), and a line sent afterwards comes back.
 *   disabled_declined   renegotiation off (the default): the client answers the HelloRequest with
 *                       a *warning* alert (gnutls-serv logs "A TLS warning alert has been
 *                       received"; not a fatal one, no handshake) and keeps the connection. What
 *                       follows is the server's choice: gnutls-serv --echo (3.7) closes on any
 *                       alert, and the client's read then returns QL_SSL_ERROR_SOCKET_RESET; a
 *                       server that goes on gets its next line echoed (both branches are checked
 *                       against the server's log).
 * The socket is non-blocking after the handshake (every wait is a bounded poll), so these cases do
 * not depend on how blocking reads treat the HelloRequest.
 */
#include "qlssl_test.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LEAF_LIFETIME_S 4

/* Write all of `s`, bounded in time; returns the last result code (SUCCESS when all was taken). */
static int write_all(ql_ssl_context *ctx, int fd, const char *s)
{
    size_t off = 0, len = strlen(s);
    double deadline = now_s() + 5.0;
    while (off < len && now_s() < deadline) {
        int n = ql_ssl_write(ctx, (const unsigned char *)s + off, len - off);
        if (n > 0) {
            off += (size_t)n;
        } else if (n == QL_SSL_ERROR_WANT_READ || n == QL_SSL_ERROR_WANT_WRITE) {
            (void)wait_fd(fd, n == QL_SSL_ERROR_WANT_WRITE, 0.1);
        } else {
            return n;
        }
    }
    return off == len ? QL_SSL_SUCCESS : QL_SSL_ERROR_WANT_WRITE;
}

/*
 * Read for up to `seconds`, appending to `got`, until `want` (if not NULL) is in it or a read
 * fails. Returns the failing code, or SUCCESS.
 */
static int read_for(ql_ssl_context *ctx, int fd, double seconds, char *got, size_t cap, const char *want)
{
    double deadline = now_s() + seconds;
    while (now_s() < deadline) {
        size_t have = strlen(got);
        int n;
        if (want != NULL && strstr(got, want) != NULL) {
            return QL_SSL_SUCCESS;
        }
        CHECK(have + 1 < cap, "more data than expected: %s", got);
        n = ql_ssl_read(ctx, (unsigned char *)got + have, cap - have - 1);
        if (n > 0) {
            got[have + (size_t)n] = '\0';
        } else if (n == QL_SSL_ERROR_WANT_READ || n == QL_SSL_ERROR_WANT_WRITE) {
            (void)wait_fd(fd, n == QL_SSL_ERROR_WANT_WRITE, 0.1);
        } else {
            return n;
        }
    }
    return QL_SSL_SUCCESS;
}

static char *peer_log(const peer_t *p)
{
    size_t len;
    return (char *)test_keep(read_file(p->log, &len));
}

int main(int argc, char **argv)
{
    const char *mode, *pki, *script;
    int refused, forgiven, disabled;
    char leaf_prefix[256], cmd[1024], got[4096] = "", reason[512] = "";
    const char *chain, *ca;
    time_t expires = 0;
    peer_t server;
    ql_ssl_config conf;
    ql_ssl_context ctx;
    uint32_t flags = 0;
    int fd, rc;

    CHECK(argc == 4, "usage: certs_renegotiation expired_refused|expired_forgiven|disabled_declined PKI SCRIPT");
    mode = argv[1];
    pki = argv[2];
    script = argv[3];
    refused = strcmp(mode, "expired_refused") == 0;
    forgiven = strcmp(mode, "expired_forgiven") == 0;
    disabled = strcmp(mode, "disabled_declined") == 0;
    CHECK(refused || forgiven || disabled, "unknown case %s", mode);
    test_init(0, NULL, 60);
    signal(SIGPIPE, SIG_IGN); /* a peer that closes first must not kill the test */

    if (disabled) {
        chain = test_strdup_printf("%s/good_chain.pem", pki);
    } else {
        snprintf(leaf_prefix, sizeof leaf_prefix, "reneg-%ld-leaf", (long)getpid());
        snprintf(cmd, sizeof cmd, "bash '%s' '%s' '%s' %d", script, pki, leaf_prefix, LEAF_LIFETIME_S);
        expires = time(NULL) + LEAF_LIFETIME_S;
        CHECK(system(cmd) == 0, "%s failed", cmd);
        chain = test_strdup_printf("%s_chain.pem", leaf_prefix);
    }
    {
        const char *args[] = { "--echo", "--x509certfile", chain, "--x509keyfile",
                               test_strdup_printf("%s/good.key", pki), NULL };
        peer_start_gnutls_serv(&server, args);
    }

    CHECK(ql_ssl_conf_init(&conf) == QL_SSL_SUCCESS, "ql_ssl_conf_init");
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 15) == QL_SSL_SUCCESS, "HS_TIMEOUT");
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, (int)QL_SSL_VERIFY_SERVER) == QL_SSL_SUCCESS, "AUTHMODE");
    ca = test_strdup_printf("%s/root.pem", pki);
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT, (char **)&ca, 1) == QL_SSL_SUCCESS, "CACERT");
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_IGNORE_LOCALTM, refused ? 0 : 1) == QL_SSL_SUCCESS, "IGNORE_LOCALTM");
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_RENEGOTIATION,
                          (int)(disabled ? QL_SSL_RENEGOTIATION_DISABLED : QL_SSL_RENEGOTIATION_ENABLED)) == QL_SSL_SUCCESS,
          "RENEGOTIATION");
    CHECK(ql_ssl_new(&ctx) == QL_SSL_SUCCESS, "ql_ssl_new");
    CHECK(ql_ssl_set_hostname(&ctx, "localhost") == QL_SSL_SUCCESS, "ql_ssl_set_hostname");
    CHECK(ql_ssl_setup(&ctx, &conf) == QL_SSL_SUCCESS, "ql_ssl_setup");
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS, "ql_ssl_conf_free");

    fd = tcp_connect_bounded(server.port);
    CHECK(ql_ssl_set_socket_fd(&ctx, fd) == QL_SSL_SUCCESS, "ql_ssl_set_socket_fd");
    rc = ql_ssl_handshake(&ctx);
    CHECK(rc == QL_SSL_SUCCESS, "first handshake: %s", rc_short_name(rc));
    CHECK(ql_ssl_get_verify_result(&ctx, &flags) == QL_SSL_SUCCESS && flags == 0,
          "first handshake findings 0x%X, want 0", (unsigned)flags);
    CHECK(expires == 0 || time(NULL) < expires,
          "the first handshake ended after the certificate expired (machine too slow for a %d s leaf)",
          LEAF_LIFETIME_S);
    printf("first handshake done, findings 0\n");
    CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0, "O_NONBLOCK");

    /* Past notAfter by more than a second (certificate times have one-second resolution). */
    while (expires != 0 && time(NULL) <= expires + 1) {
        sleep_s(0.2);
    }

    rc = write_all(&ctx, fd, "**REHANDSHAKE**\n");
    CHECK(rc == QL_SSL_SUCCESS, "writing the renegotiation request: %s", rc_short_name(rc));
    rc = read_for(&ctx, fd, 3.0, got, sizeof got, NULL);
    ql_ssl_last_error(reason, sizeof reason);
    CHECK(ql_ssl_get_verify_result(&ctx, &flags) == QL_SSL_SUCCESS, "ql_ssl_get_verify_result");
    printf("after the HelloRequest: read %s, findings 0x%X, last error \"%s\", data \"%s\"\n", rc_short_name(rc),
           (unsigned)flags, reason, got);

    if (refused) {
        char *log;
        double deadline = now_s() + 5.0;
        CHECK(rc == QL_SSL_ERROR_HS_FAILURE,
              "renegotiation with a certificate that expired and localtm=0: read gave %s, want HS_FAILURE", rc_short_name(rc));
        CHECK(flags & 0x1, "findings 0x%X do not show the expiry", (unsigned)flags);
        CHECK(strstr(reason, "renegotiation") != NULL, "last error does not name the renegotiation: %s", reason);
        /* The connection stays failed. */
        rc = ql_ssl_read(&ctx, (unsigned char *)got, sizeof got - 1);
        CHECK(rc == QL_SSL_ERROR_HS_FAILURE, "read after the failure: %s", rc_short_name(rc));
        rc = ql_ssl_write(&ctx, (const unsigned char *)"x", 1);
        CHECK(rc == QL_SSL_ERROR_HS_FAILURE, "write after the failure: %s", rc_short_name(rc));
        /* The server's view: the client refused the renegotiation's certificate with a fatal alert. */
        do {
            log = peer_log(&server);
            if (strstr(log, "rehandshake") != NULL && strstr(log, "Error in rehandshake") != NULL) {
                break;
            }
            sleep_s(0.1);
        } while (now_s() < deadline);
        printf("server log:\n%s\n", log);
        CHECK(strstr(log, "Error in rehandshake") != NULL, "gnutls-serv does not report the failed rehandshake");
    } else if (disabled) {
        char *log = peer_log(&server);
        printf("server log:\n%s\n", log);
        CHECK(strstr(log, "Sending rehandshake request") != NULL, "gnutls-serv did not send a HelloRequest");
        CHECK(strstr(log, "warning alert has been received") != NULL, "gnutls-serv did not receive a warning alert");
        CHECK(strstr(log, "fatal alert") == NULL && strstr(log, "Error in rehandshake") == NULL,
              "the client sent a fatal alert or renegotiated");
        CHECK(flags == 0, "findings 0x%X, want 0 (no certificate was verified again)", (unsigned)flags);
        if (strstr(log, "Error while receiving data") != NULL) {
            /* The server ended the connection after the warning: the client reports the peer gone. */
            CHECK(rc == QL_SSL_ERROR_SOCKET_RESET, "read after the server closed: %s, want SOCKET_RESET", rc_short_name(rc));
        } else {
            CHECK(rc == QL_SSL_SUCCESS, "read after the HelloRequest failed: %s (%s)", rc_short_name(rc), reason);
            rc = write_all(&ctx, fd, "after the HelloRequest\n");
            CHECK(rc == QL_SSL_SUCCESS, "write after the HelloRequest: %s", rc_short_name(rc));
            rc = read_for(&ctx, fd, 5.0, got, sizeof got, "after the HelloRequest\n");
            CHECK(rc == QL_SSL_SUCCESS && strstr(got, "after the HelloRequest\n") != NULL,
                  "the line sent after the HelloRequest did not come back: %s", rc_short_name(rc));
        }
    } else {
        char *log;
        CHECK(rc == QL_SSL_SUCCESS, "read after the HelloRequest failed: %s (%s)", rc_short_name(rc), reason);
        rc = write_all(&ctx, fd, "after the renegotiation\n");
        CHECK(rc == QL_SSL_SUCCESS, "write after the HelloRequest: %s", rc_short_name(rc));
        rc = read_for(&ctx, fd, 5.0, got, sizeof got, "after the renegotiation\n");
        CHECK(rc == QL_SSL_SUCCESS && strstr(got, "after the renegotiation\n") != NULL,
              "the line sent after the HelloRequest did not come back: %s, data \"%s\"", rc_short_name(rc), got);
        CHECK(ql_ssl_get_verify_result(&ctx, &flags) == QL_SSL_SUCCESS, "ql_ssl_get_verify_result");
        log = peer_log(&server);
        printf("server log:\n%s\n", log);
        CHECK(strstr(log, "Sending rehandshake request") != NULL, "gnutls-serv did not send a HelloRequest");
        /* Seen on the renegotiation's certificate: it was verified again (and forgiven). */
        CHECK(flags == 0x1, "findings after the renegotiation 0x%X, want 0x1 (expired, forgiven)", (unsigned)flags);
        CHECK(strstr(log, "alert has been received") == NULL, "the client sent an alert");
        CHECK(strstr(log, "Error in rehandshake") == NULL, "gnutls-serv reports a failed rehandshake");
    }
    printf("PASS %s\n", mode);
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS, "ql_ssl_free");
    close(fd);
    peer_stop(&server);
    if (!disabled) {
        unlink(test_strdup_printf("%s.pem", leaf_prefix));
        unlink(test_strdup_printf("%s_chain.pem", leaf_prefix));
    }
    return 0;
}
