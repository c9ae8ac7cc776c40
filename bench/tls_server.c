/*
 * tls_server: the one TLS server every benchmark client and the hardening soak/concurrency tests
 * talk to. OpenSSL libssl, TLS 1.0..1.2 only (so every client negotiates the same TLS 1.2 suite),
 * server-side session cache and session tickets on, one thread per connection.
 *
 * Usage: tls_server -c CERT -k KEY [-x CIPHERS] [-p PORT] [-a ADDR] [-P]
 *   -x  OpenSSL TLS 1.2 cipher list the server insists on (server preference), default
 *       "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256"
 *   -p  port on ADDR (default 0: the kernel picks one); the port is printed as "PORT <n>" on stdout
 *   -a  listen address, default 127.0.0.1 (loopback only: anything else is refused)
 *   -P  die with the parent process (tests)
 *
 * Wire protocol after the handshake (client -> server), one command = 1 byte + 8-byte big-endian n:
 *   'D' n   server sends n bytes, byte i = (i % 251)
 *   'E' n   server reads n bytes and sends them back
 *   'C' 0   server sends close_notify and closes
 * The connection ends when the client closes or sends anything else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static SSL_CTX *g_ctx;
/* pattern[j] = j % 251, so pattern + (off % 251) starts with byte (off % 251). */
static unsigned char g_pattern[16384 + 251];

static void die(const char *what)
{
    fprintf(stderr, "tls_server: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static int read_full(SSL *ssl, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        int r = SSL_read(ssl, buf + got, (int)(n - got));
        if (r <= 0) {
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

static int write_full(SSL *ssl, const unsigned char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        int r = SSL_write(ssl, buf + done, (int)(n - done));
        if (r <= 0) {
            return -1;
        }
        done += (size_t)r;
    }
    return 0;
}

static void *serve(void *arg)
{
    int fd = (int)(intptr_t)arg;
    unsigned char cmd[9];
    unsigned char *echo = NULL;
    SSL *ssl = SSL_new(g_ctx);

    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
        goto out;
    }
    if (SSL_accept(ssl) != 1) {
        goto out;
    }
    for (;;) {
        uint64_t n = 0;
        if (read_full(ssl, cmd, sizeof cmd) != 0) {
            break;
        }
        for (int i = 1; i < 9; i++) {
            n = (n << 8) | cmd[i];
        }
        if (cmd[0] == 'D') {
            uint64_t off = 0;
            while (off < n) {
                size_t chunk = n - off > 16384 ? 16384 : (size_t)(n - off);
                if (write_full(ssl, g_pattern + (off % 251), chunk) != 0) {
                    goto out;
                }
                off += chunk;
            }
        } else if (cmd[0] == 'E') {
            if (n > (64u << 20)) {
                break;
            }
            echo = realloc(echo, n ? (size_t)n : 1);
            if (echo == NULL || read_full(ssl, echo, (size_t)n) != 0 || write_full(ssl, echo, (size_t)n) != 0) {
                break;
            }
        } else if (cmd[0] == 'C') {
            SSL_shutdown(ssl);
            break;
        } else {
            break;
        }
    }
out:
    free(echo);
    SSL_free(ssl);
    close(fd);
    ERR_clear_error();
    return NULL;
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL, *addr = "127.0.0.1";
    const char *ciphers = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256";
    int port = 0, opt, lfd, one = 1;
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;

    while ((opt = getopt(argc, argv, "c:k:x:p:a:P")) != -1) {
        switch (opt) {
        case 'c': cert = optarg; break;
        case 'k': key = optarg; break;
        case 'x': ciphers = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'a': addr = optarg; break;
        case 'P': prctl(PR_SET_PDEATHSIG, SIGKILL); break;
        default: fprintf(stderr, "usage: %s -c CERT -k KEY [-x CIPHERS] [-p PORT] [-a ADDR] [-P]\n", argv[0]); return 2;
        }
    }
    if (cert == NULL || key == NULL) {
        die("-c CERT and -k KEY are required");
    }
    signal(SIGPIPE, SIG_IGN);
    for (size_t j = 0; j < sizeof g_pattern; j++) {
        g_pattern[j] = (unsigned char)(j % 251);
    }
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1 || (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
        die("listen address must be an IPv4 loopback address");
    }

    g_ctx = SSL_CTX_new(TLS_server_method());
    if (g_ctx == NULL) {
        die("SSL_CTX_new");
    }
    SSL_CTX_set_min_proto_version(g_ctx, TLS1_VERSION);
    /* TLS 1.3 when $HARDENING_PEER_TLS13 is set (the TLS 1.3 variant of the hardening suites). */
    SSL_CTX_set_max_proto_version(g_ctx, getenv("HARDENING_PEER_TLS13") != NULL ? TLS1_3_VERSION : TLS1_2_VERSION);
    SSL_CTX_set_security_level(g_ctx, 0);
    SSL_CTX_set_dh_auto(g_ctx, 1); /* DHE suites, when -x asks for them */
    SSL_CTX_set_options(g_ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_cache_mode(g_ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_set_session_id_context(g_ctx, (const unsigned char *)"qlssl-bench", 11);
    if (SSL_CTX_set_cipher_list(g_ctx, ciphers) != 1) {
        die("bad -x cipher list");
    }
    if (SSL_CTX_use_certificate_chain_file(g_ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(g_ctx, key, SSL_FILETYPE_PEM) != 1) {
        die("cannot load certificate/key");
    }

    lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 256) != 0) {
        die("cannot listen");
    }
    getsockname(lfd, (struct sockaddr *)&sa, &sl);
    printf("PORT %d\n", ntohs(sa.sin_port));
    fflush(stdout);

    for (;;) {
        pthread_t t;
        pthread_attr_t attr;
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) {
                if (errno == EMFILE || errno == ENFILE) {
                    usleep(10000);
                }
                continue;
            }
            die("accept");
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        if (pthread_create(&t, &attr, serve, (void *)(intptr_t)fd) != 0) {
            close(fd);
        }
        pthread_attr_destroy(&attr);
    }
}
