/*
 * Benchmark driver, linked with one backend (backend.h) into bench_qlssl / bench_mbedtls /
 * bench_openssl. Talks to bench/tls_server on 127.0.0.1.
 *
 * Usage: bench_<stack> PORT CA_FILE MODE ARGS...
 *   hs SECONDS             full handshakes (connect, handshake, close_notify, close) for ~SECONDS
 *   resume SECONDS         one full handshake, then resumed handshakes for ~SECONDS (all must resume;
 *                          with BE_TLS_VERSION=1.3 each connection also makes a 1-byte echo, which
 *                          reads the server's TLS 1.3 tickets)
 *   bulk BYTES REPS [READ] one connection, REPS downloads of BYTES each, read READ bytes per call
 *                          (default 16384; the SDK demo reads 120); MiB/s over the downloads
 *   heap N                 N connections opened, handshaken and kept open at once, one 1-byte echo
 *                          each; reports with LD_PRELOAD=libmalloc_count.so (without it, it only does
 *                          the work, for valgrind --tool=dhat or massif)
 *   count-hs N, count-resume N, count-bulk BYTES N [READ]
 *                          the same work without timing output, for instruction counting
 *                          (valgrind --tool=callgrind), where fixed costs cancel out as
 *                          (count(N2) - count(N1)) / (N2 - N1)
 *   count-rotate CONFIGS N full handshakes with CONFIGS configs used in turn, each with its own CA
 *                          file: CA_FILE is a pattern with one %d (0 .. CONFIGS-1); qlssl only
 *   Any mode: --nonblock after the mode's arguments makes the socket O_NONBLOCK after connect(),
 *   and the backend waits with poll() when the stack asks it to (WANT_READ / WANT_WRITE).
 * Prints one JSON object per result on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

static int g_port;
static size_t g_read_size = 16384;
int be_nonblock;

void be_wait(int fd, int want_write)
{
    struct pollfd p = {.fd = fd, .events = want_write ? POLLOUT : POLLIN};
    if (poll(&p, 1, 30000) <= 0) {
        fprintf(stderr, "bench_%s: socket not ready within 30 s\n", be_name);
        exit(1);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *what)
{
    fprintf(stderr, "bench_%s: %s\n", be_name, what);
    exit(1);
}

static int tcp_connect(void)
{
    struct sockaddr_in sa;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)g_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        fail("cannot connect to the server");
    }
    /* Every client gets the same socket: no Nagle delay on handshake flights. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (be_nonblock) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    return fd;
}

static be_conn *open_conn(int *fd)
{
    be_conn *c;
    *fd = tcp_connect();
    c = be_open(*fd);
    if (c == NULL) {
        fail("handshake failed");
    }
    return c;
}

static void close_conn(be_conn *c, int fd)
{
    be_close(c);
    close(fd);
}

static void send_cmd(be_conn *c, char op, uint64_t n)
{
    unsigned char cmd[9];
    size_t done = 0;
    cmd[0] = (unsigned char)op;
    for (int i = 8; i >= 1; i--) {
        cmd[i] = (unsigned char)(n & 0xff);
        n >>= 8;
    }
    while (done < sizeof cmd) {
        int r = be_write(c, cmd + done, sizeof cmd - done);
        if (r <= 0) {
            fail("write failed");
        }
        done += (size_t)r;
    }
}

/* Download n bytes; checks the first byte of every read against the server's pattern. */
static void download(be_conn *c, uint64_t n)
{
    static unsigned char buf[16384];
    uint64_t got = 0;
    size_t chunk = g_read_size < sizeof buf ? g_read_size : sizeof buf;
    send_cmd(c, 'D', n);
    while (got < n) {
        size_t want = n - got > chunk ? chunk : (size_t)(n - got);
        int r = be_read(c, buf, want);
        if (r <= 0) {
            fail("read failed during download");
        }
        if (buf[0] != (unsigned char)(got % 251)) {
            fail("downloaded data is corrupt");
        }
        got += (uint64_t)r;
    }
}

static void echo_byte(be_conn *c)
{
    unsigned char b = 0x5a, back = 0;
    send_cmd(c, 'E', 1);
    if (be_write(c, &b, 1) != 1 || be_read(c, &back, 1) != 1 || back != b) {
        fail("echo failed");
    }
}

static void handshakes(double seconds, long count, int expect_resumed)
{
    double t0, t;
    long n = 0, not_resumed = 0;
    int fd;
    be_conn *c;
    /* TLS 1.3 (BE_TLS_VERSION=1.3): the server's tickets arrive after the handshake and are
     * single-use, so every connection reads its tickets with a 1-byte echo before it closes. */
    const char *version = getenv("BE_TLS_VERSION");
    int read_tickets = expect_resumed && version != NULL && strcmp(version, "1.3") == 0;
    if (expect_resumed) { /* the first, full handshake primes the session */
        c = open_conn(&fd);
        if (read_tickets) {
            echo_byte(c);
        }
        close_conn(c, fd);
    }
    t0 = now_s();
    for (;;) {
        c = open_conn(&fd);
        if (expect_resumed && !be_resumed(c)) {
            not_resumed++;
        }
        if (read_tickets) {
            echo_byte(c);
        }
        close_conn(c, fd);
        n++;
        t = now_s();
        if (count > 0 ? n >= count : (t - t0 >= seconds && n >= 5)) {
            break;
        }
    }
    if (not_resumed > 0) {
        fprintf(stderr, "bench_%s: %ld of %ld handshakes did not resume\n", be_name, not_resumed, n);
        exit(1);
    }
    if (count <= 0) {
        printf("{\"client\":\"%s\",\"mode\":\"%s\",\"n\":%ld,\"seconds\":%.4f,\"value\":%.2f,\"unit\":\"hs/s\"}\n",
               be_name, expect_resumed ? "resume" : "hs", n, t - t0, (double)n / (t - t0));
    }
}

static void bulk(uint64_t bytes, long reps, int timed)
{
    int fd;
    be_conn *c = open_conn(&fd);
    double t0 = now_s(), t;
    for (long i = 0; i < reps; i++) {
        download(c, bytes);
    }
    t = now_s();
    close_conn(c, fd);
    if (timed) {
        printf("{\"client\":\"%s\",\"mode\":\"bulk\",\"bytes\":%llu,\"reps\":%ld,\"seconds\":%.4f,\"value\":%.2f,"
               "\"unit\":\"MiB/s\"}\n",
               be_name, (unsigned long long)bytes, reps, t - t0, (double)bytes * (double)reps / (t - t0) / 1048576.0);
    }
}

typedef void (*mc_query_fn)(size_t *live, size_t *peak, size_t *calls);
typedef void (*mc_reset_fn)(void);

static void heap(int n)
{
    mc_query_fn query = (mc_query_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "mc_query");
    mc_reset_fn reset = (mc_reset_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "mc_reset_peak");
    size_t base, live, peak, calls0, calls, peak1, one_live;
    be_conn **conns = calloc((size_t)n, sizeof *conns);
    int *fds = calloc((size_t)n, sizeof *fds);
    if (query == NULL || reset == NULL) {
        /* Not preloaded (e.g. under valgrind --tool=dhat/massif): do the work, report nothing. */
        for (int i = 0; i < n; i++) {
            conns[i] = open_conn(&fds[i]);
            echo_byte(conns[i]);
        }
        for (int i = 0; i < n; i++) {
            close_conn(conns[i], fds[i]);
        }
        free(conns);
        free(fds);
        return;
    }
    /* Warm-up connection: one-time lazy initialisation (tables, caches) is not per connection. */
    conns[0] = open_conn(&fds[0]);
    echo_byte(conns[0]);
    close_conn(conns[0], fds[0]);

    query(&base, &peak, &calls0);
    reset();
    conns[0] = open_conn(&fds[0]);
    echo_byte(conns[0]);
    query(&one_live, &peak1, &calls);
    for (int i = 1; i < n; i++) {
        conns[i] = open_conn(&fds[i]);
        echo_byte(conns[i]);
    }
    query(&live, &peak, &calls);
    for (int i = 0; i < n; i++) {
        close_conn(conns[i], fds[i]);
    }
    printf("{\"client\":\"%s\",\"mode\":\"heap\",\"n\":%d,\"steady_per_conn\":%.0f,\"peak_per_conn\":%.0f,"
           "\"first_conn_peak\":%zu,\"first_conn_live\":%zu,\"allocs_per_conn\":%.1f}\n",
           be_name, n, (double)(live - base) / n, (double)(peak - base) / n, peak1 - base, one_live - base,
           (double)(calls - calls0) / n);
    free(conns);
    free(fds);
}

int main(int argc, char **argv)
{
    const char *mode;
    int cache;
    if (argc < 5) {
        fprintf(stderr, "usage: %s PORT CA_FILE hs|resume|bulk|heap|count-hs|count-resume|count-bulk|count-rotate ARGS... [--nonblock]\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (strcmp(argv[argc - 1], "--nonblock") == 0) {
        be_nonblock = 1;
        argc--;
    }
    g_port = atoi(argv[1]);
    mode = argv[3];
    cache = strcmp(mode, "resume") == 0 || strcmp(mode, "count-resume") == 0;
    if (be_global_init(argv[2], "localhost", cache) != 0) {
        fail("init failed");
    }
    if ((strcmp(mode, "bulk") == 0 || strcmp(mode, "count-bulk") == 0) && argc >= 7) {
        g_read_size = (size_t)strtoul(argv[6], NULL, 0);
        if (g_read_size == 0) {
            fail("read size must be > 0");
        }
    }
    if (strcmp(mode, "hs") == 0 || strcmp(mode, "resume") == 0) {
        handshakes(atof(argv[4]), 0, cache);
    } else if (strcmp(mode, "count-hs") == 0 || strcmp(mode, "count-resume") == 0) {
        handshakes(0, atol(argv[4]), cache);
    } else if ((strcmp(mode, "bulk") == 0 || strcmp(mode, "count-bulk") == 0) && argc >= 6) {
        bulk(strtoull(argv[4], NULL, 0), atol(argv[5]), strcmp(mode, "bulk") == 0);
    } else if (strcmp(mode, "count-rotate") == 0 && argc >= 6) {
        if (be_ca_rotation(argv[2], atoi(argv[4])) != 0) {
            fail("CA rotation not available");
        }
        handshakes(0, atol(argv[5]), 0);
    } else if (strcmp(mode, "heap") == 0) {
        heap(atoi(argv[4]) > 0 ? atoi(argv[4]) : 1);
    } else {
        fail("unknown mode");
    }
    be_global_free();
    return 0;
}
