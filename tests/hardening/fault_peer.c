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
 *   talkative_after_server_hello  send the ServerHello record, then warning alerts (each one a
 *                             valid record the client must read and skip) faster than the client
 *                             can read them, for up to 15 s
 * Modes after a completed handshake, once the client sent a bench/tls_server 'D' n request:
 *   rst_mid_record            half of a 16 KiB application record, then reset
 *   truncated_record          half of a 16 KiB application record, then FIN
 *   close_without_notify      n bytes, then FIN without close_notify
 *   bad_record_mac            n bytes in one record whose last byte (MAC/tag) is flipped
 *   stall_mid_record          half of each record, a 1 s pause, the rest; serves requests until EOF
 *   clean_close               n bytes, then close_notify and FIN
 * Modes after a completed handshake that write records OpenSSL itself never would (the script
 * rebuilds the server's TLS 1.2 AES-GCM write key from the session and protects them itself;
 * every later record, close_notify included, is written the same way):
 *   empty_records             two empty application records, n/2 bytes, three empty records, the
 *                             rest, close_notify, FIN
 *   no_renegotiation          a warning no_renegotiation alert, n bytes, another one, close_notify
 *   alert_flood               600 000 warning alerts (unrecognized_name), n bytes, close_notify
 * All records of a case leave in one send.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
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
#include <sys/time.h>
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

/* ---- Records the script protects itself (TLS 1.2, AES-128-GCM) --------------------------------- */
static unsigned char g_wkey[16], g_wiv[4];
static uint64_t g_wseq;

/* Rebuild the server's write key and salt from the session (RFC 5246 §6.3 key block:
 * client key, server key, client IV, server IV) and take over its record sequence. */
static void forge_init(void)
{
    unsigned char master[48], seed[13 + 64], block[40];
    const SSL_CIPHER *c = SSL_get_current_cipher(g_ssl);
    uint16_t id = c ? SSL_CIPHER_get_protocol_id(c) : 0;
    if (SSL_version(g_ssl) != TLS1_2_VERSION || (id != 0xC02F && id != 0xC02B)) {
        die("record forging needs TLS 1.2 with ECDHE-*-AES128-GCM-SHA256");
    }
    if (SSL_SESSION_get_master_key(SSL_get_session(g_ssl), master, sizeof master) != sizeof master) {
        die("no master secret");
    }
    memcpy(seed, "key expansion", 13);
    SSL_get_server_random(g_ssl, seed + 13, 32);
    SSL_get_client_random(g_ssl, seed + 13 + 32, 32);
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, master, sizeof master),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed, sizeof seed),
        OSSL_PARAM_construct_end(),
    };
    if (kctx == NULL || EVP_KDF_derive(kctx, block, sizeof block, params) != 1) {
        die("TLS1-PRF");
    }
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    memcpy(g_wkey, block + 16, 16);
    memcpy(g_wiv, block + 36, 4);
    /* The server's Finished was record 0 of epoch 1; a TLS 1.2 server writes nothing after it
     * unasked (a session ticket comes before ChangeCipherSpec). */
    g_wseq = 1;
}

/* Protect one record of `type` with payload p[0..n) into out (n + 29 bytes); returns its length. */
static size_t forge_record(unsigned char *out, unsigned char type, const unsigned char *p, size_t n)
{
    static EVP_CIPHER_CTX *x;
    unsigned char nonce[12], aad[13];
    int outl;
    if (x == NULL) {
        x = EVP_CIPHER_CTX_new();
        if (x == NULL || EVP_EncryptInit_ex(x, EVP_aes_128_gcm(), NULL, g_wkey, NULL) != 1 ||
            EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1) {
            die("AES-GCM key");
        }
    }
    for (int i = 0; i < 8; i++) {
        aad[i] = (unsigned char)(g_wseq >> (56 - 8 * i));
    }
    aad[8] = type;
    aad[9] = 3;
    aad[10] = 3;
    aad[11] = (unsigned char)(n >> 8);
    aad[12] = (unsigned char)n;
    memcpy(nonce, g_wiv, 4);
    memcpy(nonce + 4, aad, 8); /* explicit nonce: the sequence number, as OpenSSL does */
    out[0] = type;
    out[1] = 3;
    out[2] = 3;
    out[3] = (unsigned char)((n + 24) >> 8);
    out[4] = (unsigned char)(n + 24);
    memcpy(out + 5, aad, 8);
    if (EVP_EncryptInit_ex(x, NULL, NULL, NULL, nonce) != 1 || EVP_EncryptUpdate(x, NULL, &outl, aad, 13) != 1 ||
        (n > 0 && EVP_EncryptUpdate(x, out + 13, &outl, p, (int)n) != 1) ||
        EVP_EncryptFinal_ex(x, out + 13 + n, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, 16, out + 13 + n) != 1) {
        die("AES-GCM");
    }
    g_wseq++;
    return n + 29;
}

/* Forged records are collected and leave in one send (forge_flush), so the client finds them all
 * in its socket at once, whatever the scheduling: the cases must not depend on timing. */
static unsigned char *g_out;
static size_t g_out_len, g_out_cap;

static void forge_append(unsigned char type, const unsigned char *p, size_t n)
{
    if (g_out_len + n + 29 > g_out_cap) {
        g_out_cap = (g_out_len + n + 29) * 2;
        g_out = realloc(g_out, g_out_cap);
        if (g_out == NULL) {
            die("out of memory");
        }
    }
    g_out_len += forge_record(g_out + g_out_len, type, p, n);
}

static void forge_flush(void)
{
    send_raw(g_out, g_out_len);
    g_out_len = 0;
}

static void forge_alert(unsigned char level, unsigned char desc)
{
    unsigned char a[2] = {level, desc};
    forge_append(21, a, 2);
}

/* n pattern bytes (byte i = i % 251, counting from *offset) in application records. */
static void forge_data(size_t n, unsigned long long *offset)
{
    unsigned char chunk[16384];
    while (n > 0) {
        size_t k = n > sizeof chunk ? sizeof chunk : n;
        for (size_t i = 0; i < k; i++) {
            chunk[i] = (unsigned char)((*offset + i) % 251);
        }
        *offset += k;
        forge_append(23, chunk, k);
        n -= k;
    }
}

/* Plaintext warning alerts (before the handshake has keys) sent as fast as the client reads them,
 * in batches that keep its receive buffer full, until it leaves or `seconds` pass. */
static void plain_alert_flood(double seconds)
{
    static const unsigned char one[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 112};
    unsigned char batch[sizeof one * 1000];
    struct timeval tv = {1, 0};
    struct timespec t0, t;
    unsigned long batches = 0;
    for (size_t i = 0; i < sizeof batch; i += sizeof one) {
        memcpy(batch + i, one, sizeof one);
    }
    setsockopt(g_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int gone = 0; !gone;) {
        /* Whole batches only: a record cut by a send timeout would corrupt the stream. */
        for (size_t off = 0; off < sizeof batch;) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 > seconds) {
                gone = 1;
                break;
            }
            ssize_t w = send(g_fd, batch + off, sizeof batch - off, MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN && errno != EINTR) {
                gone = 1; /* the client is gone */
                break;
            }
            off += w > 0 ? (size_t)w : 0;
        }
        batches++;
    }
    fprintf(stderr, "fault_peer: %lu alert batches sent\n", batches);
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
    /* TLS 1.3 when $HARDENING_PEER_TLS13 is set (the TLS 1.3 variant of the hardening suites). */
    SSL_CTX_set_max_proto_version(ctx, getenv("HARDENING_PEER_TLS13") != NULL ? TLS1_3_VERSION : TLS1_2_VERSION);
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
    } else if (strcmp(mode, "talkative_after_server_hello") == 0) {
        size_t n;
        unsigned char *flight = first_flight(&n);
        send_raw(flight, record_len(flight, n));
        free(flight);
        plain_alert_flood(15.0);
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
        } else if (strcmp(mode, "empty_records") == 0 || strcmp(mode, "no_renegotiation") == 0 ||
                   strcmp(mode, "alert_flood") == 0) {
            forge_init();
            rec = NULL;
            if (mode[0] == 'e') {
                forge_append(23, NULL, 0);
                forge_append(23, NULL, 0);
                forge_data((size_t)n / 2, &offset);
                forge_append(23, NULL, 0);
                forge_append(23, NULL, 0);
                forge_append(23, NULL, 0);
                forge_data((size_t)n - (size_t)n / 2, &offset);
            } else if (mode[0] == 'n') {
                forge_alert(1, 100);
                forge_data((size_t)n, &offset);
                forge_alert(1, 100);
            } else {
                /* 600 000 protected warning alerts (19 MB): seconds of work for the
                 * client, all of it in its socket (or on its way) before it reads the first. */
                for (int i = 0; i < 600000; i++) {
                    forge_alert(1, 112);
                }
                forge_data((size_t)n, &offset);
            }
            forge_alert(1, 0); /* close_notify */
            forge_flush();
            free(g_out);
            shutdown(g_fd, SHUT_WR);
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
