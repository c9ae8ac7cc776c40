/*
 * The DTLS part of the SDK's two ssl_demo.c generations, as configured there (our own code):
 *   no_psk  current generation: DTLS 1.2 (VERSION_3), VERIFY_NULL, a malloc'd zero-terminated list
 *           {PSK-RC4-SHA 0x008A, PSK-AES128-CBC-SHA 0x008C} and NO pre-shared key. ql_ssl_setup()
 *           must fail with QL_SSL_ERROR_BAD_REQUEST, ql_ssl_last_error() must say that the listed
 *           suites need a PSK and name the config items; no datagram reaches the peer.
 *   psk     older generation: DTLS 1.2, VERIFY_SERVER with NO CA configured, a malloc'd two-int list
 *           {0x008A, 0x008C} with NO terminator, PSK identity "123" and key ASCII "123456" (given as
 *           QL_SSL_CONF_PSK_IDENTITY "123" + QL_SSL_CONF_PSK_KEY hex "313233343536"), non-blocking
 *           socket and select() as the demo. Against `openssl s_server -dtls -nocert -psk`, the
 *           handshake must succeed with 0x008C (RC4 is not allowed in DTLS), and the server's own
 *           log must show that suite and the line the client sent.
 * Usage: dtls_psk_sdk_demos PKI_DIR no_psk|psk
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qlssl_test.h"

/* A connected UDP socket to 127.0.0.1:port. */
static int udp_connect(int port, int nonblocking)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0, "socket: %s", strerror(errno));
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s", strerror(errno));
    if (nonblocking) {
        CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0, "O_NONBLOCK");
    }
    return fd;
}

/* Read the peer's log (NUL-terminated, at most cap-1 bytes). */
static void read_log(const peer_t *p, char *buf, size_t cap)
{
    FILE *f = fopen(p->log, "rb");
    size_t n = 0;
    if (f != NULL) {
        n = fread(buf, 1, cap - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
}

/*
 * openssl s_server -dtls1_2 -nocert -psk 313233343536 -psk_identity 123 on a free loopback port.
 * Without -www (which DTLS does not allow) s_server stops at EOF on its stdin, so its stdin is a
 * FIFO opened read-write, which never reaches EOF; `exec` keeps the registered pid the server's.
 */
static void start_dtls_psk_server(peer_t *srv)
{
    static char fifo[64];
    const char *openssl = getenv("OPENSSL") != NULL ? getenv("OPENSSL") : "openssl";
    char *argv[] = {"sh", "-c", "f=$1; shift; exec \"$@\" 0<>\"$f\"", "sh", fifo, (char *)openssl,
                    "s_server", "-accept", "127.0.0.1:0", "-dtls1_2", "-nocert", "-psk", "313233343536",
                    "-psk_identity", "123", "-cipher", "PSK:@SECLEVEL=0", NULL};
    char logbuf[4096];

    snprintf(fifo, sizeof fifo, "dtls-psk-stdin-%ld.fifo", (long)getpid());
    unlink(fifo);
    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo %s: %s", fifo, strerror(errno));
    peer_spawn(srv, argv);
    for (int i = 0; i < 1500; i++) {
        const char *a;
        read_log(srv, logbuf, sizeof logbuf);
        a = strstr(logbuf, "ACCEPT 127.0.0.1:");
        if (a != NULL && strchr(a, '\n') != NULL) {
            srv->port = atoi(a + strlen("ACCEPT 127.0.0.1:"));
            break;
        }
        CHECK(peer_wait(srv, 0.01) == -1, "s_server exited during start-up: %s", logbuf);
    }
    unlink(fifo); /* both ends are open in the server; the name is no longer needed */
    CHECK(srv->port > 0, "s_server did not print ACCEPT in time: %s", logbuf);
}

/* The current demo: PSK suites listed, no PSK: refused at setup, before any datagram. */
static void case_no_psk(void)
{
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    char why[512];
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    char junk[2048];
    int port;
    int fd;
    int *suites;
    int sink = socket(AF_INET, SOCK_DGRAM, 0);

    /* A UDP "peer" that only counts datagrams. */
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(sink >= 0 && bind(sink, (struct sockaddr *)&a, sizeof a) == 0, "bind: %s", strerror(errno));
    CHECK(getsockname(sink, (struct sockaddr *)&a, &alen) == 0, "getsockname");
    port = ntohs(a.sin_port);
    fd = udp_connect(port, 1);

    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    suites = malloc(sizeof(int) * 3);
    CHECK(suites != NULL, "malloc");
    suites[0] = QL_SSL_TLS_PSK_WITH_RC4_128_SHA;
    suites[1] = QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA;
    suites[2] = 0;
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_VERSION, QL_SSL_VERSION_3), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_TRANSPORT, QL_SSL_DTLS_PROTOCOL), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_NULL), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CIPHERSUITE, suites), QL_SSL_SUCCESS); /* adopted */
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, &cfg), QL_SSL_ERROR_BAD_REQUEST);
    CHECK_RC(ql_ssl_last_error(why, sizeof why), QL_SSL_SUCCESS);
    printf("setup refused: %s\n", why);
    CHECK(strstr(why, "need a pre-shared key") != NULL, "reason does not say a PSK is needed: %s", why);
    CHECK(strstr(why, "TLS_PSK_WITH_AES_128_CBC_SHA (0x008C)") != NULL, "reason does not name the suite: %s", why);
    CHECK(strstr(why, "QL_SSL_CONF_PSK") != NULL && strstr(why, "QL_SSL_CONF_PSK_IDENTITY") != NULL &&
              strstr(why, "QL_SSL_CONF_PSK_KEY") != NULL,
          "reason does not name the config items: %s", why);
    CHECK(strstr(why, "DTLS 1.2") != NULL, "reason does not name the protocol: %s", why);
    /* As the demo goes on: the handshake of a context that was never set up fails, sending nothing. */
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK(ql_ssl_handshake(&ctx) != QL_SSL_SUCCESS, "handshake without setup succeeded");
    CHECK(wait_fd(sink, 0, 0.3) == 0, "the peer received a datagram (%zd bytes)", recv(sink, junk, sizeof junk, 0));
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    close(fd);
    close(sink);
}

/* The older demo: VERIFY_SERVER, no CA, PSK-only list (unterminated malloc'd), PSK configured. */
static void case_psk(void)
{
    static const char line[] = "qlssl dtls-psk sdk-demo line\n";
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    peer_t srv = {0};
    char logbuf[65536];
    char why[512];
    int *suites;
    int fd;
    int rc;
    int sent = 0;

    start_dtls_psk_server(&srv);
    fd = udp_connect(srv.port, 1);

    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    suites = malloc(sizeof(int) * 2);
    CHECK(suites != NULL, "malloc");
    suites[0] = QL_SSL_TLS_PSK_WITH_RC4_128_SHA;
    suites[1] = QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA;
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_VERSION, QL_SSL_VERSION_3), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_TRANSPORT, QL_SSL_DTLS_PROTOCOL), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_HS_TIMEOUT, 10), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CIPHERSUITE, suites), QL_SSL_SUCCESS); /* adopted */
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK_IDENTITY, "123"), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_PSK_KEY, "313233343536"), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(&ctx, "220.180.239.212"), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    rc = ql_ssl_setup(&ctx, &cfg);
    if (rc != QL_SSL_SUCCESS) {
        ql_ssl_last_error(why, sizeof why);
        CHECK(0, "setup: %s (%s)", rc_name(rc), why);
    }
    rc = handshake_nonblocking(&ctx, fd, 15.0);
    if (rc != QL_SSL_SUCCESS) {
        ql_ssl_last_error(why, sizeof why);
        peer_dump_log(&srv);
        CHECK(0, "handshake: %s (%s)", rc_name(rc), why);
    }
    CHECK(ql_ssl_get_ciphersuite(&ctx) == QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA, "negotiated 0x%04X, expected 0x008C",
          (unsigned)ql_ssl_get_ciphersuite(&ctx));
    for (int i = 0; i < 200 && sent == 0; i++) {
        rc = ql_ssl_write(&ctx, (const unsigned char *)line, strlen(line));
        if (rc == QL_SSL_ERROR_WANT_WRITE || rc == QL_SSL_ERROR_WANT_READ) {
            wait_fd(fd, rc == QL_SSL_ERROR_WANT_WRITE, 0.05);
            continue;
        }
        CHECK(rc == (int)strlen(line), "write returned %d (%s)", rc, rc_name(rc));
        sent = 1;
    }
    CHECK(sent, "write never completed");
    /* Evidence from the server: its log shows the suite and the line (bounded wait). */
    for (int i = 0; i < 300; i++) {
        read_log(&srv, logbuf, sizeof logbuf);
        if (strstr(logbuf, line) != NULL) {
            break;
        }
        wait_fd(fd, 0, 0.01);
    }
    printf("server log:\n%s\n", logbuf);
    CHECK(strstr(logbuf, line) != NULL, "the server did not receive the line");
    CHECK(strstr(logbuf, "CIPHER is PSK-AES128-CBC-SHA") != NULL, "the server does not report PSK-AES128-CBC-SHA");
    /* The server speaks DTLS 1.2 only (-dtls1_2), so the handshake it completed was DTLS 1.2. */
    ql_ssl_close_notify(&ctx);
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    close(fd);
    peer_stop(&srv);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 2 ? argv[2] : "";
    test_init(argc, argv, 60);
    if (strcmp(mode, "no_psk") == 0) {
        case_no_psk();
    } else if (strcmp(mode, "psk") == 0) {
        case_psk();
    } else {
        CHECK(0, "unknown mode '%s'", mode);
    }
    printf("PASS\n");
    return 0;
}
