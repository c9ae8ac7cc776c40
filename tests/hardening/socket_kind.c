/*
 * ql_ssl_set_socket_fd() with descriptors that are not a connected socket of the transport's kind
 * (issue 12): a listening TCP socket, an unconnected TCP socket, a shut-down TCP socket, a UDP
 * socket for TLS, a TCP socket for DTLS, an unconnected UDP socket for DTLS, an eventfd, a pipe, a
 * regular file, a UNIX seqpacket socket. Each is refused with the documented code and a
 * ql_ssl_last_error() text that names the problem, in both call orders the SDK uses:
 *   fd after setup   the transport is known: ql_ssl_set_socket_fd() returns INVALID_PARAM and binds
 *                    nothing (an earlier binding stays);
 *   fd before setup  kinds that fit no transport are refused by ql_ssl_set_socket_fd() already
 *                    (INVALID_PARAM); a kind that fits only the other transport is accepted there
 *                    and refused by ql_ssl_setup() (BAD_REQUEST), which leaves the context new.
 * Evidence that nothing was written: the regular file stays empty, the eventfd counter stays 0,
 * the pipe stays empty, the UDP receiver gets no datagram, the listening socket gets no
 * connection - after ql_ssl_handshake() was called as an application that ignores the results
 * of the earlier calls would (it must answer BAD_REQUEST: no socket bound).
 * And what must still work: a connected TCP socket and a socketpair for TLS (a refused
 * descriptor in between does not disturb the earlier binding: the handshake with bench/tls_server
 * then completes), a connected UDP socket for DTLS (set before and after setup).
 *
 * Usage: socket_kind
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsupport.h"

#define INV QL_SSL_ERROR_INVALID_PARAM
#define BADREQ QL_SSL_ERROR_BAD_REQUEST
#define OK QL_SSL_SUCCESS

static ql_ssl_config g_tls, g_dtls;
static h_peer g_server;
static int g_checked;

/* ql_ssl_last_error() must contain `needle` (case-sensitive). */
static void expect_text(const char *what, const char *needle)
{
    char text[512];
    H_CHECK_RC(ql_ssl_last_error(text, sizeof text), OK);
    H_CHECK(strstr(text, needle) != NULL, "%s: last error \"%s\" does not mention \"%s\"", what, text, needle);
    printf("  %-44s -> \"%s\"\n", what, text);
}

static int loopback_socket(int type, int port, int do_connect)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, type, 0);
    H_CHECK(fd >= 0, "socket: %s", strerror(errno));
    if (do_connect) {
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((unsigned short)port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        H_CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s", strerror(errno));
    }
    return fd;
}

/* A socket bound to a free loopback port: SOCK_DGRAM is the DTLS "peer" (it only counts datagrams),
 * SOCK_STREAM a listener (it only counts connections). */
static int loopback_peer(int type, int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, type, 0);
    H_CHECK(fd >= 0, "socket");
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    H_CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0, "bind");
    if (type == SOCK_STREAM)
        H_CHECK(listen(fd, 4) == 0, "listen");
    H_CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0, "getsockname");
    *port = ntohs(a.sin_port);
    return fd;
}

/* Nothing readable on fd right now (a datagram, a connection to accept, pipe/eventfd data). */
static void expect_nothing_arrived(const char *what, int fd)
{
    H_CHECK(!h_wait_fd(fd, 0, 0.2), "%s: something arrived (the library wrote to the wrong descriptor)", what);
}

/*
 * The refused-descriptor case: a fresh context, `fd` bound before or after setup with `conf`;
 * set_socket_fd must return want_set, setup want_setup (after-setup order: setup comes first and
 * must succeed). Then the handshake an application that ignored those results would call must
 * return BAD_REQUEST (no socket bound) or INVALID_PARAM (setup failed: context still new).
 */
static void refused(const char *what, ql_ssl_config *conf, int fd, int before_setup, int want_set, int want_setup,
                    const char *needle)
{
    ql_ssl_context ctx;
    char label[160];
    snprintf(label, sizeof label, "%s (fd %s setup)", what, before_setup ? "before" : "after");
    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    if (before_setup) {
        int rc = ql_ssl_set_socket_fd(&ctx, fd);
        H_CHECK(rc == want_set, "%s: set_socket_fd returned %d (%s), expected %s", label, rc, h_rc_name(rc),
                h_rc_name(want_set));
        if (rc != OK) {
            expect_text(label, needle);
        }
        rc = ql_ssl_setup(&ctx, conf);
        H_CHECK(rc == want_setup, "%s: setup returned %d (%s), expected %s", label, rc, h_rc_name(rc),
                h_rc_name(want_setup));
        if (rc != OK) {
            expect_text(label, needle);
        }
        H_CHECK_RC(ql_ssl_handshake(&ctx), rc == OK ? BADREQ : INV);
    } else {
        H_CHECK_RC(ql_ssl_setup(&ctx, conf), OK);
        int rc = ql_ssl_set_socket_fd(&ctx, fd);
        H_CHECK(rc == want_set, "%s: set_socket_fd returned %d (%s), expected %s", label, rc, h_rc_name(rc),
                h_rc_name(want_set));
        expect_text(label, needle);
        H_CHECK_RC(ql_ssl_handshake(&ctx), BADREQ);
    }
    H_CHECK_RC(ql_ssl_handshake_finished(&ctx), 0);
    H_CHECK_RC(ql_ssl_free(&ctx), OK);
    g_checked++;
}

/* Both orders for a descriptor that fits no transport. */
static void refused_always(const char *what, ql_ssl_config *conf, int fd, const char *needle)
{
    refused(what, conf, fd, 1, INV, OK, needle);
    refused(what, conf, fd, 0, INV, OK, needle);
}

/* Both orders for a descriptor that fits only the other transport. */
static void refused_for_transport(const char *what, ql_ssl_config *conf, int fd, const char *needle)
{
    refused(what, conf, fd, 1, OK, BADREQ, needle);
    refused(what, conf, fd, 0, INV, OK, needle);
}

/*
 * A TLS handshake with bench/tls_server on a good socket, with a refused descriptor tried in between
 * (before setup too when it fits no transport: a UDP socket is accepted there, it may be for DTLS).
 */
static void tls_still_works(int bad_fd, int fits_no_transport)
{
    ql_ssl_context ctx;
    int fd = h_connect(g_server.port);
    H_CHECK_RC(ql_ssl_new(&ctx), OK);
    H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), OK);
    if (fits_no_transport) {
        H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, bad_fd), INV); /* before setup: refused, fd stays bound */
    }
    H_CHECK_RC(ql_ssl_setup(&ctx, &g_tls), OK);
    H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, bad_fd), INV); /* after setup: the same */
    H_CHECK_RC(ql_ssl_handshake(&ctx), OK);
    H_CHECK(h_send_cmd(&ctx, 'E', 0) == 9, "write after the handshake");
    H_CHECK_RC(ql_ssl_close_notify(&ctx), OK);
    H_CHECK_RC(ql_ssl_free(&ctx), OK);
    close(fd);
    g_checked++;
}

int main(void)
{
    int listen_port, udp_port, fd, sv[2], pipefd[2];
    char path[] = "/tmp/qlssl_socket_kind_XXXXXX";
    struct stat st;
    uint64_t counter;

    h_init(60);
    h_tls_server_start(&g_server, h_pki("rsa_server.pem"), h_pki("rsa_server.key"), "ECDHE-RSA-AES128-GCM-SHA256");
    H_CHECK_RC(ql_ssl_conf_init(&g_tls), OK); /* VERIFY_NULL, all suites: the socket is what is tested */
    H_CHECK_RC(ql_ssl_conf_init(&g_dtls), OK);
    H_CHECK_RC(ql_ssl_conf_set(&g_dtls, QL_SSL_CONF_TRANSPORT, QL_SSL_DTLS_PROTOCOL), OK);

    int listener = loopback_peer(SOCK_STREAM, &listen_port);
    int udp_peer = loopback_peer(SOCK_DGRAM, &udp_port);

    printf("refused descriptors:\n");
    refused_always("listening TCP socket, TLS", &g_tls, listener, "listening");
    refused_always("listening TCP socket, DTLS", &g_dtls, listener, "listening");
    expect_nothing_arrived("listening socket", listener);

    fd = loopback_socket(SOCK_STREAM, 0, 0);
    refused_always("unconnected TCP socket, TLS", &g_tls, fd, "not connected");
    close(fd);

    fd = loopback_socket(SOCK_STREAM, listen_port, 1);
    H_CHECK(shutdown(fd, SHUT_WR) == 0, "shutdown");
    refused_always("TCP socket after shutdown(SHUT_WR), TLS", &g_tls, fd, "shut down");
    close(fd);
    {   /* take the connection the listener got from the shutdown case: it must carry no byte */
        char b;
        int conn = accept(listener, NULL, NULL);
        H_CHECK(conn >= 0, "accept");
        H_CHECK(h_wait_fd(conn, 0, 2.0), "the shut-down connection's FIN did not arrive");
        H_CHECK(recv(conn, &b, 1, MSG_DONTWAIT) == 0, "bytes arrived on the shut-down connection");
        close(conn);
    }
    expect_nothing_arrived("listening socket", listener);

    fd = loopback_socket(SOCK_DGRAM, udp_port, 1);
    refused_for_transport("connected UDP socket, TLS", &g_tls, fd, "is a datagram (UDP) socket");
    tls_still_works(fd, 0);
    close(fd);
    expect_nothing_arrived("UDP receiver", udp_peer);

    fd = loopback_socket(SOCK_DGRAM, 0, 0);
    refused_always("unconnected UDP socket, DTLS", &g_dtls, fd, "not connected");
    close(fd);
    expect_nothing_arrived("UDP receiver", udp_peer);

    fd = h_connect(g_server.port);
    refused_for_transport("connected TCP socket, DTLS", &g_dtls, fd, "is a stream (TCP) socket");
    close(fd);

    fd = eventfd(0, EFD_NONBLOCK);
    H_CHECK(fd >= 0, "eventfd");
    refused_always("eventfd, TLS", &g_tls, fd, "not a socket");
    refused_always("eventfd, DTLS", &g_dtls, fd, "not a socket");
    tls_still_works(fd, 1);
    H_CHECK(read(fd, &counter, sizeof counter) < 0 && errno == EAGAIN, "the eventfd was written to");
    close(fd);

    H_CHECK(pipe(pipefd) == 0, "pipe");
    refused_always("pipe (write end), TLS", &g_tls, pipefd[1], "not a socket");
    h_set_nonblocking(pipefd[0]);
    expect_nothing_arrived("pipe", pipefd[0]);
    close(pipefd[0]);
    close(pipefd[1]);

    fd = mkstemp(path);
    H_CHECK(fd >= 0, "mkstemp");
    unlink(path);
    refused_always("regular file, TLS", &g_tls, fd, "not a socket");
    refused_always("regular file, DTLS", &g_dtls, fd, "not a socket");
    tls_still_works(fd, 1);
    H_CHECK(fstat(fd, &st) == 0 && st.st_size == 0, "the regular file was written to (%lld bytes)",
            (long long)st.st_size);
    close(fd);

    H_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair");
    refused_always("UNIX seqpacket socket, TLS", &g_tls, sv[0], "neither");
    close(sv[0]);
    close(sv[1]);

    printf("accepted descriptors:\n");
    {   /* A connected stream socketpair for TLS (tests and the fuzz harnesses use one). */
        ql_ssl_context ctx;
        H_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
        H_CHECK_RC(ql_ssl_new(&ctx), OK);
        H_CHECK_RC(ql_ssl_setup(&ctx, &g_tls), OK);
        H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, sv[0]), OK);
        H_CHECK_RC(ql_ssl_free(&ctx), OK);
        close(sv[0]);
        close(sv[1]);
        printf("  stream socketpair, TLS: SUCCESS\n");
    }
    for (int before = 0; before < 2; before++) { /* A connected UDP socket for DTLS, both orders. */
        ql_ssl_context ctx;
        char b[64];
        fd = loopback_socket(SOCK_DGRAM, udp_port, 1);
        h_set_nonblocking(fd);
        H_CHECK_RC(ql_ssl_new(&ctx), OK);
        if (before) {
            H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), OK);
        }
        H_CHECK_RC(ql_ssl_setup(&ctx, &g_dtls), OK);
        if (!before) {
            H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), OK);
        }
        H_CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_ERROR_WANT_READ);
        H_CHECK(h_wait_fd(udp_peer, 0, 2.0) && recv(udp_peer, b, sizeof b, 0) > 13 && b[0] == 22,
                "no DTLS ClientHello reached the UDP peer");
        H_CHECK_RC(ql_ssl_free(&ctx), OK);
        close(fd);
        printf("  connected UDP socket, DTLS (fd %s setup): ClientHello sent\n", before ? "before" : "after");
    }
    tls_still_works(listener, 1); /* the TCP case against bench/tls_server, once more */

    close(listener);
    close(udp_peer);
    H_CHECK_RC(ql_ssl_conf_free(&g_tls), OK);
    H_CHECK_RC(ql_ssl_conf_free(&g_dtls), OK);
    h_peer_stop(&g_server);
    printf("PASS: %d refusal/binding cases, nothing written to a wrong descriptor\n", g_checked);
    return 0;
}
