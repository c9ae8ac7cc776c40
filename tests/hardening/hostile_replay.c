/*
 * The hostile-server fuzz target (fuzz/fuzz_targets/hostile_handshake.rs) replayed through the C
 * API, and the tool that records its seed corpus from a real server.
 *
 * Input format (shared with the Rust target; keep both in sync):
 *   byte 0     options
 *     bits 0-1   version: 0 QL_SSL_VERSION_ALL, 1 TLS 1.2, 2 TLS 1.1, 3 TLS 1.0
 *     bit 2      QL_SSL_VERIFY_SERVER against fuzz/seed_ca.pem (CACERT_BUFFER), host "localhost";
 *                else QL_SSL_VERIFY_NULL
 *     bit 3      explicit cipher list {C02F, C02B, C013, 009C, 002F, 003D}; else all suites
 *     bit 4      QL_SSL_CONF_SESSION_CACHE on
 *     bit 5      SNI on
 *     bit 6      non-blocking socket (handshake driven with poll)
 *     bit 7      PSK: QL_SSL_VERIFY_PSK, identity "fuzz", key 0102..10 (overrides bit 2)
 *   bytes 1..  everything the "server" sends, then EOF
 * The client end is one side of socketpair(AF_UNIX, SOCK_STREAM); a writer thread feeds the other.
 * The handshake must end with a documented code (HS_FAILURE, SOCKET_RESET; SUCCESS is impossible
 * without the keys, but tolerated) promptly, and nothing may crash, leak (LSan) or overflow (ASan).
 *
 * Usage:
 *   hostile_replay DIR_OR_FILE...                 replay every file (ctest; missing dirs are skipped)
 *   hostile_replay --record OUT OPTIONS PORT CA [request|norequest]
 *                                                 record a seed: handshake with a real TLS server on
 *                                                 127.0.0.1:PORT through a relay (success or not),
 *                                                 then (request) a bench/tls_server 'D' 100 request;
 *                                                 OUT = options byte + everything the server sent
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsupport.h"

static const int SUITES[] = {0xC02F, 0xC02B, 0xC013, 0x009C, 0x002F, 0x003D, 0};

static unsigned char *load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b;
    long n;
    H_CHECK(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)n + 1);
    H_CHECK(b != NULL && fread(b, 1, (size_t)n, f) == (size_t)n, "cannot read %s", path);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static const char *g_ca_path;

/* Configure conf/ctx from the options byte (the mapping of the Rust target). */
static void configure(ql_ssl_config *conf, ql_ssl_context *ctx, int fd, unsigned opt, int timeout_s)
{
    static const int versions[4] = {QL_SSL_VERSION_ALL, QL_SSL_VERSION_3, QL_SSL_VERSION_2, QL_SSL_VERSION_1};
    H_CHECK_RC(ql_ssl_conf_init(conf), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_VERSION, versions[opt & 3]), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_HS_TIMEOUT, timeout_s), QL_SSL_SUCCESS);
    if (opt & 0x80) {
        H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_PSK), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_PSK_IDENTITY, "fuzz"), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_PSK_KEY, "0102030405060708090a0b0c0d0e0f10"), QL_SSL_SUCCESS);
    } else if (opt & 0x04) {
        size_t n;
        unsigned char *ca = load(g_ca_path, &n);
        H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_CACERT_BUFFER, ca, n), QL_SSL_SUCCESS);
        free(ca);
    }
    if (opt & 0x08) {
        H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_CIPHERSUITE, SUITES), QL_SSL_SUCCESS);
    }
    H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_SESSION_CACHE, (opt & 0x10) ? 1 : 0), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_set(conf, QL_SSL_CONF_SNI, (opt & 0x20) ? 1 : 0), QL_SSL_SUCCESS);
    if (opt & 0x40) {
        h_set_nonblocking(fd);
    }
    H_CHECK_RC(ql_ssl_new(ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_setup(ctx, conf), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_socket_fd(ctx, fd), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_hostname(ctx, "localhost"), QL_SSL_SUCCESS);
}

static int run_handshake(ql_ssl_context *ctx, int fd, unsigned opt)
{
    return (opt & 0x40) ? h_handshake_nonblocking(ctx, fd, 10.0) : ql_ssl_handshake(ctx);
}

/* ---- Replay ---------------------------------------------------------------------------------- */

typedef struct {
    int fd;
    const unsigned char *data;
    size_t len;
} writer_arg;

static void *writer(void *p)
{
    writer_arg *w = p;
    size_t off = 0;
    while (off < w->len) {
        ssize_t n = send(w->fd, w->data + off, w->len - off, MSG_NOSIGNAL);
        if (n <= 0) {
            break; /* the client stopped reading and closed its end */
        }
        off += (size_t)n;
    }
    shutdown(w->fd, SHUT_WR);
    return NULL;
}

static int g_cases;

static void replay_file(const char *path)
{
    size_t len;
    unsigned char *in = load(path, &len);
    ql_ssl_config conf;
    ql_ssl_context ctx;
    pthread_t t;
    writer_arg w;
    int sv[2], rc;
    double t0, dt;

    if (len == 0) {
        free(in);
        return;
    }
    H_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    configure(&conf, &ctx, sv[0], in[0], 2);
    w.fd = sv[1];
    w.data = in + 1;
    w.len = len - 1;
    H_CHECK(pthread_create(&t, NULL, writer, &w) == 0, "pthread_create");
    t0 = h_now();
    rc = run_handshake(&ctx, sv[0], in[0]);
    dt = h_now() - t0;
    if (rc == QL_SSL_SUCCESS) { /* would need the keys; if it ever happens the record layer must cope */
        unsigned char buf[256];
        int r = ql_ssl_read(&ctx, buf, sizeof buf);
        H_CHECK(r >= 0 || r == QL_SSL_ERROR_SOCKET_RESET || r == QL_SSL_ERROR_DECRYPT_FAILURE ||
                    r == QL_SSL_ERROR_WANT_READ,
                "%s: read after handshake returned %d (%s)", path, r, h_rc_name(r));
    } else {
        H_CHECK(rc == QL_SSL_ERROR_HS_FAILURE || rc == QL_SSL_ERROR_SOCKET_RESET,
                "%s (options 0x%02x): handshake returned %d (%s)", path, in[0], rc, h_rc_name(rc));
    }
    H_CHECK(dt < 2.5, "%s: handshake took %.2f s although the peer had closed", path, dt);
    H_CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    close(sv[0]);
    pthread_join(t, NULL);
    close(sv[1]);
    H_CHECK_RC(ql_ssl_conf_free(&conf), QL_SSL_SUCCESS);
    free(in);
    g_cases++;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_path(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    if (stat(path, &st) != 0) {
        printf("skip %s (absent)\n", path);
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        replay_file(path);
        return;
    }
    d = opendir(path);
    H_CHECK(d != NULL, "opendir %s", path);
    while ((e = readdir(d)) != NULL) {
        char full[4096];
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        names = realloc(names, (n + 1) * sizeof *names);
        H_CHECK(names != NULL, "out of memory");
        names[n++] = strdup(full);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        replay_file(names[i]);
        free(names[i]);
    }
    free(names);
}

/* ---- Record ---------------------------------------------------------------------------------- */

typedef struct {
    int local, remote;
    unsigned char *rec;
    size_t len, cap;
} relay_arg;

static void *relay(void *p)
{
    relay_arg *r = p;
    unsigned char buf[16384];
    int local_open = 1, remote_open = 1;
    while (local_open || remote_open) {
        struct pollfd pfd[2] = {{r->local, (short)(local_open ? POLLIN : 0), 0},
                                {r->remote, (short)(remote_open ? POLLIN : 0), 0}};
        if (poll(pfd, 2, 5000) <= 0) {
            break;
        }
        if (pfd[0].revents) {
            ssize_t n = read(r->local, buf, sizeof buf);
            if (n <= 0) {
                local_open = 0;
                shutdown(r->remote, SHUT_WR);
            } else if (send(r->remote, buf, (size_t)n, MSG_NOSIGNAL) != n) {
                break;
            }
        }
        if (pfd[1].revents) {
            ssize_t n = read(r->remote, buf, sizeof buf);
            if (n <= 0) {
                remote_open = 0;
                shutdown(r->local, SHUT_WR);
            } else {
                if (r->len + (size_t)n > r->cap) {
                    r->cap = (r->len + (size_t)n) * 2;
                    r->rec = realloc(r->rec, r->cap);
                    H_CHECK(r->rec != NULL, "out of memory");
                }
                memcpy(r->rec + r->len, buf, (size_t)n);
                r->len += (size_t)n;
                if (send(r->local, buf, (size_t)n, MSG_NOSIGNAL) != n) {
                    break;
                }
            }
        }
    }
    return NULL;
}

static int record(const char *out, unsigned opt, int port, int request)
{
    ql_ssl_config conf;
    ql_ssl_context ctx;
    relay_arg r;
    pthread_t t;
    int sv[2], rc;
    unsigned char buf[100];
    size_t got = 0;
    FILE *f;

    memset(&r, 0, sizeof r);
    H_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    r.local = sv[1];
    r.remote = h_connect(port);
    H_CHECK(pthread_create(&t, NULL, relay, &r) == 0, "pthread_create");
    configure(&conf, &ctx, sv[0], opt, 10);
    rc = run_handshake(&ctx, sv[0], opt);
    printf("handshake: %s\n", h_rc_name(rc));
    if (rc != QL_SSL_SUCCESS) {
        request = 0;
    }
    if (request) {
        do {
            rc = h_send_cmd(&ctx, 'D', sizeof buf);
        } while (rc == QL_SSL_ERROR_WANT_WRITE || rc == QL_SSL_ERROR_WANT_READ);
        H_CHECK_RC(rc, 9);
    }
    while (request && got < sizeof buf) {
        rc = ql_ssl_read(&ctx, buf + got, sizeof buf - got);
        if (rc == QL_SSL_ERROR_WANT_READ) {
            h_wait_fd(sv[0], 0, 1.0);
            continue;
        }
        H_CHECK(rc > 0, "read returned %d", rc);
        got += (size_t)rc;
    }
    ql_ssl_close_notify(&ctx);
    H_CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_free(&conf), QL_SSL_SUCCESS);
    shutdown(sv[0], SHUT_WR);
    pthread_join(t, NULL);
    close(sv[0]);
    close(sv[1]);
    close(r.remote);
    f = fopen(out, "wb");
    H_CHECK(f != NULL, "cannot write %s", out);
    fputc((int)opt, f);
    fwrite(r.rec, 1, r.len, f);
    fclose(f);
    printf("recorded %zu server bytes (options 0x%02x) into %s\n", r.len, opt, out);
    free(r.rec);
    return 0;
}

int main(int argc, char **argv)
{
    h_init(600);
    if (argc >= 6 && strcmp(argv[1], "--record") == 0) {
        g_ca_path = argv[5];
        return record(argv[2], (unsigned)strtoul(argv[3], NULL, 0), atoi(argv[4]),
                      argc < 7 || strcmp(argv[6], "norequest") != 0);
    }
    /* Replay: the CA is fuzz/seed_ca.pem next to the corpus directories. */
    for (int i = 1; i < argc; i++) {
        char ca[4096];
        const char *slash;
        snprintf(ca, sizeof ca, "%s", argv[i]);
        /* <root>/fuzz/corpus/<target> -> <root>/fuzz/seed_ca.pem */
        slash = strstr(ca, "/fuzz/");
        H_CHECK(slash != NULL, "%s is not under a fuzz/ directory", argv[i]);
        snprintf(ca + (slash - ca), sizeof ca - (size_t)(slash - ca), "/fuzz/seed_ca.pem");
        g_ca_path = ca;
        replay_path(argv[i]);
    }
    printf("PASS: %d inputs replayed\n", g_cases);
    return 0;
}
