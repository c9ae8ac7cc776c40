/*
 * fault_peer: a scripted, misbehaving TLS 1.2 server for the peer-fault tests. A real OpenSSL server
 * runs behind memory BIOs, so the script sees every byte it would send and decides what really
 * goes on the wire: a real first flight cut short, a record cut in half, a flipped MAC byte, a RST
 * or a FIN instead of close_notify, a stall. One connection per process; loopback only.
 *
 * Usage: fault_peer -m MODE -c CERT -k KEY [-x CIPHERS] [-e EXTRA_CERT -n COPIES] [-P]
 *   prints "PORT <n>"; -e/-n append COPIES copies of EXTRA_CERT to the chain (huge chains);
 *   -P dies with the parent.
 * Modes (before the handshake completes):
 *   rst_before_server_hello   read the ClientHello, reset the connection
 *   close_before_server_hello read the ClientHello, close TCP (FIN)
 *   rst_mid_handshake         send the ServerHello record and half of the next one, reset
 *   stall_after_server_hello  send the ServerHello record, then nothing (until the client leaves)
 *   garbage                   answer the ClientHello with 2 KiB of non-TLS bytes
 *   alert_mid_handshake       answer the ClientHello with a fatal handshake_failure alert
 *   huge_chain                a normal handshake with the (huge) configured chain
 * Modes after a completed handshake, once the client sent a bench/tls_server 'D' n request:
 *   rst_mid_record            half of a 16 KiB application record, then reset
 *   truncated_record          half of a 16 KiB application record, then FIN
 *   close_without_notify      n bytes, then FIN without close_notify
 *   bad_record_mac            n bytes in one record whose last byte (MAC/tag) is flipped
 *   stall_mid_record          half of each record, a 1 s pause, the rest; serves requests until EOF
 *   clean_close               n bytes, then close_notify and FIN
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int g_fd = -1;
static SSL *g_ssl;
static BIO *g_rbio, *g_wbio;

static void die(const char *what)
{
    fprintf(stderr, "fault_peer: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

/* Read from the socket into the SSL's input BIO; <= 0 on EOF/error/timeout. */
static int feed(double timeout_s)
{
    unsigned char buf[16384];
    struct pollfd pfd = {g_fd, POLLIN, 0};
    ssize_t n;
    if (poll(&pfd, 1, (int)(timeout_s * 1000)) <= 0) {
        return -1;
    }
    n = read(g_fd, buf, sizeof buf);
    if (n > 0) {
        BIO_write(g_rbio, buf, (int)n);
    }
    return (int)n;
}

static void send_raw(const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(g_fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            return; /* the client may be gone already: that is its business */
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Everything the SSL object has written so far (malloc'd, *len set). */
static unsigned char *take_out(size_t *len)
{
    size_t pending = BIO_ctrl_pending(g_wbio);
    unsigned char *buf = malloc(pending + 1);
    if (buf == NULL) {
        die("out of memory");
    }
    *len = pending ? (size_t)BIO_read(g_wbio, buf, (int)pending) : 0;
    return buf;
}

static void flush_out(void)
{
    size_t n;
    unsigned char *b = take_out(&n);
    send_raw(b, n);
    free(b);
}

static size_t record_len(const unsigned char *b, size_t avail)
{
    if (avail < 5) {
        return avail;
    }
    size_t n = 5 + ((size_t)b[3] << 8 | b[4]);
    return n > avail ? avail : n;
}

static void rst(void)
{
    struct linger l = {1, 0};
    setsockopt(g_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(g_fd);
    g_fd = -1;
}

/* Read and discard until the client closes (or `seconds` pass). */
static void drain(double seconds)
{
    unsigned char buf[4096];
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd pfd = {g_fd, POLLIN, 0};
        clock_gettime(CLOCK_MONOTONIC, &t);
        double left = seconds - ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9);
        if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0) {
            return;
        }
        if (read(g_fd, buf, sizeof buf) <= 0) {
            return;
        }
    }
}

/* Drive a normal handshake over the wire. 0 when complete. */
static int handshake_passthrough(void)
{
    for (;;) {
        int r = SSL_do_handshake(g_ssl);
        flush_out();
        if (r == 1) {
            return 0;
        }
        if (SSL_get_error(g_ssl, r) != SSL_ERROR_WANT_READ || feed(10.0) <= 0) {
            return -1;
        }
    }
}

/* Feed the ClientHello and let OpenSSL produce its first flight; returns it (malloc'd). */
static unsigned char *first_flight(size_t *len)
{
    int r;
    do {
        if (feed(10.0) <= 0) {
            die("no ClientHello");
        }
        r = SSL_do_handshake(g_ssl);
    } while (r != 1 && SSL_get_error(g_ssl, r) == SSL_ERROR_WANT_READ && BIO_ctrl_pending(g_wbio) == 0);
    return take_out(len);
}

/* Wait for a 9-byte 'D' n request after the handshake; returns n (or -1 on EOF). */
static long long read_request(void)
{
    unsigned char cmd[9];
    int got = 0;
    while (got < 9) {
        int r = SSL_read(g_ssl, cmd + got, 9 - got);
        if (r > 0) {
            got += r;
            continue;
        }
        if (SSL_get_error(g_ssl, r) != SSL_ERROR_WANT_READ || feed(15.0) <= 0) {
            return -1;
        }
    }
    long long n = 0;
    for (int i = 1; i < 9; i++) {
        n = (n << 8) | cmd[i];
    }
    return n;
}

/* Encrypt n pattern bytes (byte i = i % 251, counting from *offset) and return the records. */
static unsigned char *app_records(size_t n, unsigned long long *offset, size_t *len)
{
    unsigned char *data = malloc(n ? n : 1);
    if (data == NULL) {
        die("out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        data[i] = (unsigned char)((*offset + i) % 251);
    }
    *offset += n;
    size_t done = 0;
    while (done < n) {
        int w = SSL_write(g_ssl, data + done, (int)(n - done > 16384 ? 16384 : n - done));
        if (w <= 0) {
            die("SSL_write");
        }
        done += (size_t)w;
    }
    free(data);
    return take_out(len);
}

int main(int argc, char **argv)
{
    const char *mode = NULL, *cert = NULL, *key = NULL, *extra = NULL;
    const char *ciphers = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256";
    int copies = 0, opt, lfd, one = 1;
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    SSL_CTX *ctx;

    while ((opt = getopt(argc, argv, "m:c:k:x:e:n:P")) != -1) {
        switch (opt) {
        case 'm': mode = optarg; break;
        case 'c': cert = optarg; break;
        case 'k': key = optarg; break;
        case 'x': ciphers = optarg; break;
        case 'e': extra = optarg; break;
        case 'n': copies = atoi(optarg); break;
        case 'P': prctl(PR_SET_PDEATHSIG, SIGKILL); break;
        default: die("usage: fault_peer -m MODE -c CERT -k KEY [-x CIPHERS] [-e CERT -n COPIES] [-P]");
        }
    }
    if (mode == NULL || cert == NULL || key == NULL) {
        die("-m, -c and -k are required");
    }
    signal(SIGPIPE, SIG_IGN);

    ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        die("SSL_CTX_new");
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_security_level(ctx, 0);
    if (SSL_CTX_set_cipher_list(ctx, ciphers) != 1 || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        die("cannot configure the server");
    }
    if (extra != NULL) {
        FILE *f = fopen(extra, "r");
        X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
        if (x == NULL) {
            die("cannot read -e certificate");
        }
        fclose(f);
        for (int i = 0; i < copies; i++) {
            if (SSL_CTX_add1_chain_cert(ctx, x) != 1) {
                die("SSL_CTX_add1_chain_cert");
            }
        }
        X509_free(x);
    }

    lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 4) != 0) {
        die("cannot listen");
    }
    getsockname(lfd, (struct sockaddr *)&sa, &sl);
    printf("PORT %d\n", ntohs(sa.sin_port));
    fflush(stdout);
    g_fd = accept(lfd, NULL, NULL);
    if (g_fd < 0) {
        die("accept");
    }
    close(lfd);
    setsockopt(g_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    g_ssl = SSL_new(ctx);
    g_rbio = BIO_new(BIO_s_mem());
    g_wbio = BIO_new(BIO_s_mem());
    if (g_ssl == NULL || g_rbio == NULL || g_wbio == NULL) {
        die("SSL_new");
    }
    SSL_set_bio(g_ssl, g_rbio, g_wbio);
    SSL_set_accept_state(g_ssl);

    if (strcmp(mode, "rst_before_server_hello") == 0 || strcmp(mode, "close_before_server_hello") == 0) {
        if (feed(10.0) <= 0) {
            die("no ClientHello");
        }
        if (mode[0] == 'r') {
            rst();
        } else {
            shutdown(g_fd, SHUT_WR);
            drain(20);
        }
    } else if (strcmp(mode, "rst_mid_handshake") == 0 || strcmp(mode, "stall_after_server_hello") == 0) {
        size_t n;
        unsigned char *flight = first_flight(&n);
        size_t first = record_len(flight, n);
        if (first >= n) {
            die("the first flight has a single record");
        }
        if (mode[0] == 'r') {
            size_t second = record_len(flight + first, n - first);
            send_raw(flight, first + second / 2);
            usleep(100000); /* let the client start on the partial record */
            rst();
        } else {
            send_raw(flight, first);
            drain(20);
        }
        free(flight);
    } else if (strcmp(mode, "garbage") == 0) {
        unsigned char junk[2048];
        uint32_t x = 0x12345678u;
        if (feed(10.0) <= 0) {
            die("no ClientHello");
        }
        for (size_t i = 0; i < sizeof junk; i++) {
            x = x * 1103515245u + 12345u;
            junk[i] = (unsigned char)(x >> 24);
        }
        junk[0] = 'H'; /* not a TLS content type */
        send_raw(junk, sizeof junk);
        drain(20);
    } else if (strcmp(mode, "alert_mid_handshake") == 0) {
        static const unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
        if (feed(10.0) <= 0) {
            die("no ClientHello");
        }
        send_raw(alert, sizeof alert);
        drain(20);
    } else if (strcmp(mode, "huge_chain") == 0) {
        handshake_passthrough();
        drain(20);
    } else {
        unsigned long long offset = 0;
        long long n;
        size_t len;
        unsigned char *rec;
        if (handshake_passthrough() != 0) {
            die("handshake failed");
        }
        n = read_request();
        if (n < 0) {
            die("no request");
        }
        if (strcmp(mode, "rst_mid_record") == 0 || strcmp(mode, "truncated_record") == 0) {
            rec = app_records(16384, &offset, &len);
            send_raw(rec, len / 2);
            usleep(100000);
            if (mode[0] == 'r') {
                rst();
            } else {
                shutdown(g_fd, SHUT_WR);
                drain(20);
            }
        } else if (strcmp(mode, "close_without_notify") == 0 || strcmp(mode, "clean_close") == 0) {
            rec = app_records((size_t)n, &offset, &len);
            send_raw(rec, len);
            if (mode[0] == 'c' && mode[1] == 'l' && mode[2] == 'e') {
                SSL_shutdown(g_ssl);
                flush_out();
            }
            shutdown(g_fd, SHUT_WR);
            drain(20);
        } else if (strcmp(mode, "bad_record_mac") == 0) {
            rec = app_records((size_t)n, &offset, &len);
            rec[len - 1] ^= 0x01;
            send_raw(rec, len);
            drain(20);
        } else if (strcmp(mode, "stall_mid_record") == 0) {
            do {
                rec = app_records((size_t)n, &offset, &len);
                for (size_t off = 0; off < len;) {
                    size_t r = record_len(rec + off, len - off);
                    send_raw(rec + off, r / 2);
                    usleep(1000000);
                    send_raw(rec + off + r / 2, r - r / 2);
                    off += r;
                }
                free(rec);
                rec = NULL;
                n = read_request();
            } while (n >= 0);
        } else {
            die("unknown mode");
        }
        free(rec);
    }
    if (g_fd >= 0) {
        close(g_fd);
    }
    SSL_free(g_ssl);
    SSL_CTX_free(ctx);
    return 0;
}
