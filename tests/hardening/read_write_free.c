/*
 * One context, several tasks (issue 12, defects 4 and 5), against bench/tls_server (OpenSSL) over
 * blocking loopback sockets. Every case is repeated so that a race shows, and every wait is
 * bounded: a hang is reported as a failure, not waited out.
 *
 *   read_write_free read-write N
 *     N rounds on one connection: a reader thread blocks in ql_ssl_read() on an idle connection;
 *     only then does the main thread ql_ssl_write() an echo request ('E', 64 bytes), which the
 *     reader must receive. Before the fix the write waited behind the reader's lock while the
 *     reader waited for the echo of that write: a deadlock (here: failure after 5 s).
 *   read_write_free free-read N
 *     N connections: a reader thread blocks in ql_ssl_read() on an idle connection and the main
 *     thread ql_ssl_free()s the context (after 0..3 ms; every 10th round after 150 ms, so the
 *     reader's wake-up descriptor exists). free must return within 1 s, the reader must have
 *     returned INVALID_PARAM or SOCKET_RESET within 1 s of that, and after the main thread closed
 *     the socket and opened a new one (which gets the same descriptor number), a byte the new
 *     peer sends must still be there: no library code read from the reused descriptor. Before the
 *     fix free returned at once and the reader stayed blocked.
 *   read_write_free free-handshake N
 *     The same for a task blocked in ql_ssl_handshake() (a peer that accepts TCP and never answers,
 *     negotiate timeout 20 s with a callback): the handshake must return INVALID_PARAM within 1 s
 *     of free, and the timeout callback must never run.
 *
 *   read_write_free two-readers N
 *     N rounds on one connection: two reader threads call ql_ssl_read() at once on an idle
 *     connection. Exactly one must be refused at once with INVALID_PARAM (documented: one read per
 *     context at a time); the other must then receive the echo the main thread requests. Before
 *     the fix the second reader waited on the first one's lock (here: failure after 2 s).
 *
 * Usage: read_write_free read-write|free-read|free-handshake|two-readers ROUNDS
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hsupport.h"

#define PAYLOAD 64

static h_peer g_server;
static ql_ssl_config g_conf;

/* The reader thread's task and result, handed over under g_lock. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static struct {
    ql_ssl_context ctx;
    size_t want;        /* bytes to read (read-write) or 0: one read call (free-read) */
    int entering;       /* set just before the reader calls ql_ssl_read */
    int done;
    int rc;             /* last ql_ssl_read result */
    double done_at;
    unsigned char buf[PAYLOAD];
} g_reader;

static void *reader_main(void *p)
{
    size_t got = 0;
    int rc;
    (void)p;
    pthread_mutex_lock(&g_lock);
    g_reader.entering = 1;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    do {
        size_t room = g_reader.want ? g_reader.want - got : sizeof g_reader.buf;
        rc = ql_ssl_read(&g_reader.ctx, g_reader.buf + got, room);
        if (rc > 0) {
            got += (size_t)rc;
        }
    } while (rc > 0 && g_reader.want && got < g_reader.want);
    pthread_mutex_lock(&g_lock);
    g_reader.rc = rc > 0 ? (int)got : rc;
    g_reader.done = 1;
    g_reader.done_at = h_now();
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    return NULL;
}

static void start_reader(pthread_t *t, ql_ssl_context ctx, size_t want)
{
    memset(&g_reader, 0, sizeof g_reader);
    g_reader.ctx = ctx;
    g_reader.want = want;
    H_CHECK(pthread_create(t, NULL, reader_main, NULL) == 0, "pthread_create");
    pthread_mutex_lock(&g_lock);
    while (!g_reader.entering) {
        pthread_cond_wait(&g_cond, &g_lock);
    }
    pthread_mutex_unlock(&g_lock);
}

/* The writer thread of read-write (the echo request), handed over under g_lock. */
static struct {
    ql_ssl_context ctx;
    const unsigned char *data;
    int done, rc_cmd, rc_data;
} g_writer;

static void *writer_main(void *p)
{
    int rc_cmd, rc_data = 0;
    (void)p;
    rc_cmd = h_send_cmd(&g_writer.ctx, 'E', PAYLOAD);
    if (rc_cmd == 9) {
        rc_data = ql_ssl_write(&g_writer.ctx, g_writer.data, PAYLOAD);
    }
    pthread_mutex_lock(&g_lock);
    g_writer.rc_cmd = rc_cmd;
    g_writer.rc_data = rc_data;
    g_writer.done = 1;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    return NULL;
}

/* Wait up to timeout_s until *flag (guarded by g_lock) is set; returns it. */
static int flag_within(const int *flag, double timeout_s)
{
    struct timespec until;
    int done;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)timeout_s;
    until.tv_nsec += (long)((timeout_s - (double)(time_t)timeout_s) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&g_lock);
    while (!*flag) {
        if (pthread_cond_timedwait(&g_cond, &g_lock, &until) != 0) {
            break;
        }
    }
    done = *flag;
    pthread_mutex_unlock(&g_lock);
    return done;
}

static int reader_done_within(double timeout_s)
{
    return flag_within(&g_reader.done, timeout_s);
}

static int writer_done_within(double timeout_s)
{
    return flag_within(&g_writer.done, timeout_s);
}

/* The reader's result so far (under the lock: the TSan build checks the test's own accesses). */
static int reader_finished(int *rc)
{
    int done;
    pthread_mutex_lock(&g_lock);
    done = g_reader.done;
    *rc = g_reader.rc;
    pthread_mutex_unlock(&g_lock);
    return done;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static ql_ssl_context connect_ctx(int *fd)
{
    ql_ssl_context ctx;
    *fd = h_connect(g_server.port);
    H_CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_setup(&ctx, &g_conf), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, *fd), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_SUCCESS);
    return ctx;
}

/* Defect 4: a write from another task while a read waits on the same context. */
static void read_write(int rounds)
{
    int fd;
    ql_ssl_context ctx = connect_ctx(&fd);
    for (int i = 0; i < rounds; i++) {
        unsigned char out[PAYLOAD];
        pthread_t t;
        for (int j = 0; j < PAYLOAD; j++) {
            out[j] = (unsigned char)(i * 31 + j);
        }
        start_reader(&t, ctx, PAYLOAD);
        /* Let the reader get into its wait first (it has nothing to read until the echo). */
        sleep_ms(1 + i % 3);
        {
            int rc;
            pthread_t w;
            H_CHECK(!reader_finished(&rc), "round %d: the reader returned %d (%s) before anything was sent", i, rc,
                    h_rc_name(rc));
            /* The writes run in a third thread so that a write stuck behind the reader is reported
               after 5 s instead of hanging the test. */
            g_writer.ctx = ctx;
            g_writer.data = out;
            g_writer.done = 0;
            H_CHECK(pthread_create(&w, NULL, writer_main, NULL) == 0, "pthread_create");
            if (!writer_done_within(5.0)) {
                h_fail(__FILE__, __LINE__, "writer_done_within(5.0)",
                       "round %d: ql_ssl_write did not return within 5 s while a read waited on the context", i);
            }
            pthread_join(w, NULL);
            H_CHECK(g_writer.rc_cmd == 9, "round %d: ql_ssl_write of the command returned %d (%s)", i, g_writer.rc_cmd,
                    h_rc_name(g_writer.rc_cmd));
            H_CHECK(g_writer.rc_data == PAYLOAD, "round %d: ql_ssl_write returned %d (%s)", i, g_writer.rc_data,
                    h_rc_name(g_writer.rc_data));
        }
        if (!reader_done_within(5.0)) {
            h_fail(__FILE__, __LINE__, "reader_done_within(5.0)",
                   "round %d: the reader did not receive the echo within 5 s", i);
        }
        pthread_join(t, NULL);
        H_CHECK(g_reader.rc == PAYLOAD, "round %d: reader got %d (%s)", i, g_reader.rc, h_rc_name(g_reader.rc));
        H_CHECK(memcmp(g_reader.buf, out, PAYLOAD) == 0, "round %d: echo differs", i);
    }
    H_CHECK_RC(ql_ssl_close_notify(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    close(fd);
    printf("read-write: %d rounds, each a write while a read waited on the same context\n", rounds);
}

/* Defect 5: free while a read waits on the same context. */
static void free_read(int rounds)
{
    double worst_free = 0, worst_reader = 0;
    int reused = 0;
    for (int i = 0; i < rounds; i++) {
        int fd, fd2, sp[2];
        pthread_t t;
        double t0, took;
        unsigned char marker = 0;
        int rc;
        ql_ssl_context ctx = connect_ctx(&fd);
        start_reader(&t, ctx, 0);
        sleep_ms(i % 10 == 9 ? 150 : i % 4);
        H_CHECK(!reader_finished(&rc), "round %d: the reader returned %d (%s) on an idle connection", i, rc,
                h_rc_name(rc));
        t0 = h_now();
        H_CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
        took = h_now() - t0;
        H_CHECK(took < 1.0, "round %d: ql_ssl_free took %.2f s", i, took);
        worst_free = took > worst_free ? took : worst_free;
        /* The application closes its socket after free; the number goes to the next socket. */
        close(fd);
        H_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0, "socketpair");
        fd2 = sp[0];
        reused += fd2 == fd;
        H_CHECK(write(sp[1], "M", 1) == 1, "write marker");
        if (!reader_done_within(1.0)) {
            h_fail(__FILE__, __LINE__, "reader_done_within(1.0)",
                   "round %d: the reader stayed blocked in ql_ssl_read more than 1 s after ql_ssl_free returned", i);
        }
        pthread_join(t, NULL);
        took = g_reader.done_at - t0;
        worst_reader = took > worst_reader ? took : worst_reader;
        H_CHECK(g_reader.rc == QL_SSL_ERROR_INVALID_PARAM || g_reader.rc == QL_SSL_ERROR_SOCKET_RESET,
                "round %d: the reader's ql_ssl_read returned %d (%s)", i, g_reader.rc, h_rc_name(g_reader.rc));
        /* Nothing read from the descriptor's next owner. */
        {
            struct pollfd pfd = {fd2, POLLIN, 0};
            H_CHECK(poll(&pfd, 1, 0) == 1 && read(fd2, &marker, 1) == 1 && marker == 'M',
                    "round %d: the byte sent to the reused descriptor %d was consumed", i, fd2);
        }
        H_CHECK_RC(ql_ssl_read(&ctx, &marker, 1), QL_SSL_ERROR_INVALID_PARAM);
        close(sp[0]);
        close(sp[1]);
    }
    printf("free-read: %d rounds, worst ql_ssl_free %.3f s, worst reader return %.3f s after free began, "
           "descriptor reused in %d rounds\n", rounds, worst_free, worst_reader, reused);
}

/* two-readers: one result slot per reader thread (under g_lock). */
static struct {
    ql_ssl_context ctx;
    int done, rc;
    unsigned char buf[PAYLOAD];
} g_two[2];
static pthread_barrier_t g_two_start;

static void *two_reader_main(void *p)
{
    int k = *(int *)p, rc;
    size_t got = 0;
    pthread_barrier_wait(&g_two_start);
    do {
        rc = ql_ssl_read(&g_two[k].ctx, g_two[k].buf + got, PAYLOAD - got);
        if (rc > 0) {
            got += (size_t)rc;
        }
    } while (rc > 0 && got < PAYLOAD);
    pthread_mutex_lock(&g_lock);
    g_two[k].rc = rc > 0 ? (int)got : rc;
    g_two[k].done = 1;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    return NULL;
}

/* Number of the two readers done (under g_lock), waiting up to timeout_s for at least `want`. */
static int two_done_within(int want, double timeout_s)
{
    double until = h_now() + timeout_s;
    int n;
    for (;;) {
        pthread_mutex_lock(&g_lock);
        n = g_two[0].done + g_two[1].done;
        pthread_mutex_unlock(&g_lock);
        if (n >= want || h_now() >= until) {
            return n;
        }
        sleep_ms(1);
    }
}

/* Concurrent readers on one context: one is refused, the other reads. */
static void two_readers(int rounds)
{
    int fd, refused_first = 0;
    ql_ssl_context ctx = connect_ctx(&fd);
    for (int i = 0; i < rounds; i++) {
        unsigned char out[PAYLOAD];
        pthread_t t[2];
        int ids[2] = {0, 1}, k, other;
        memset(g_two, 0, sizeof g_two);
        for (k = 0; k < 2; k++) {
            g_two[k].ctx = ctx;
        }
        for (int j = 0; j < PAYLOAD; j++) {
            out[j] = (unsigned char)(i * 7 + j);
        }
        H_CHECK(pthread_barrier_init(&g_two_start, NULL, 2) == 0, "pthread_barrier_init");
        for (k = 0; k < 2; k++) {
            H_CHECK(pthread_create(&t[k], NULL, two_reader_main, &ids[k]) == 0, "pthread_create");
        }
        if (two_done_within(1, 2.0) < 1) {
            h_fail(__FILE__, __LINE__, "two_done_within(1, 2.0)",
                   "round %d: neither of two concurrent ql_ssl_read calls was refused within 2 s", i);
        }
        pthread_mutex_lock(&g_lock);
        k = g_two[0].done ? 0 : 1;
        other = 1 - k;
        H_CHECK(g_two[k].rc == QL_SSL_ERROR_INVALID_PARAM && !g_two[other].done,
                "round %d: reader %d returned %d (%s), reader %d done %d", i, k, g_two[k].rc, h_rc_name(g_two[k].rc),
                other, g_two[other].done);
        pthread_mutex_unlock(&g_lock);
        refused_first += k == 0;
        H_CHECK_RC(h_send_cmd(&ctx, 'E', PAYLOAD), 9);
        H_CHECK_RC(ql_ssl_write(&ctx, out, sizeof out), PAYLOAD);
        if (two_done_within(2, 5.0) < 2) {
            h_fail(__FILE__, __LINE__, "two_done_within(2, 5.0)", "round %d: the remaining reader got no echo in 5 s", i);
        }
        for (k = 0; k < 2; k++) {
            pthread_join(t[k], NULL);
        }
        pthread_barrier_destroy(&g_two_start);
        H_CHECK(g_two[other].rc == PAYLOAD && memcmp(g_two[other].buf, out, PAYLOAD) == 0,
                "round %d: the remaining reader got %d (%s) or other bytes", i, g_two[other].rc,
                h_rc_name(g_two[other].rc));
    }
    H_CHECK_RC(ql_ssl_close_notify(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    close(fd);
    printf("two-readers: %d rounds, one of two concurrent reads refused each time (the first-started one in %d)\n",
           rounds, refused_first);
}

static int g_timeout_calls;

static void on_timeout(ql_ssl_context *ctx, void *arg)
{
    (void)ctx;
    (void)arg;
    pthread_mutex_lock(&g_lock);
    g_timeout_calls++;
    pthread_mutex_unlock(&g_lock);
}

static void *handshaker_main(void *p)
{
    int rc;
    (void)p;
    pthread_mutex_lock(&g_lock);
    g_reader.entering = 1;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    rc = ql_ssl_handshake(&g_reader.ctx);
    pthread_mutex_lock(&g_lock);
    g_reader.rc = rc;
    g_reader.done = 1;
    g_reader.done_at = h_now();
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    return NULL;
}

/* Defect 5 for the handshake: free while a handshake waits for a silent peer. */
static void free_handshake(int rounds)
{
    struct sockaddr_in addr;
    socklen_t alen = sizeof addr;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    double worst = 0;
    H_CHECK(listener >= 0, "socket");
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    H_CHECK(bind(listener, (struct sockaddr *)&addr, sizeof addr) == 0 && listen(listener, 64) == 0 &&
                getsockname(listener, (struct sockaddr *)&addr, &alen) == 0,
            "listen on loopback");
    H_CHECK_RC(ql_ssl_conf_set(&g_conf, QL_SSL_CONF_HS_TIMEOUT_FUNC, on_timeout, NULL), QL_SSL_SUCCESS);
    for (int i = 0; i < rounds; i++) {
        int fd = h_connect(ntohs(addr.sin_port));
        int peer = accept(listener, NULL, NULL), rc;
        ql_ssl_context ctx;
        pthread_t t;
        double t0;
        H_CHECK(peer >= 0, "accept");
        H_CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_setup(&ctx, &g_conf), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
        memset(&g_reader, 0, sizeof g_reader);
        g_reader.ctx = ctx;
        H_CHECK(pthread_create(&t, NULL, handshaker_main, NULL) == 0, "pthread_create");
        pthread_mutex_lock(&g_lock);
        while (!g_reader.entering) {
            pthread_cond_wait(&g_cond, &g_lock);
        }
        pthread_mutex_unlock(&g_lock);
        sleep_ms(i % 10 == 9 ? 150 : i % 4);
        H_CHECK(!reader_finished(&rc), "round %d: the handshake returned %d (%s) with a silent peer", i, rc,
                h_rc_name(rc));
        t0 = h_now();
        H_CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
        H_CHECK(h_now() - t0 < 1.0, "round %d: ql_ssl_free took %.2f s", i, h_now() - t0);
        if (!reader_done_within(1.0)) {
            h_fail(__FILE__, __LINE__, "reader_done_within(1.0)",
                   "round %d: ql_ssl_handshake stayed blocked more than 1 s after ql_ssl_free returned", i);
        }
        pthread_join(t, NULL);
        worst = g_reader.done_at - t0 > worst ? g_reader.done_at - t0 : worst;
        H_CHECK(g_reader.rc == QL_SSL_ERROR_INVALID_PARAM, "round %d: the handshake returned %d (%s)", i, g_reader.rc,
                h_rc_name(g_reader.rc));
        close(fd);
        close(peer);
    }
    close(listener);
    H_CHECK(g_timeout_calls == 0, "the timeout callback ran %d times", g_timeout_calls);
    printf("free-handshake: %d rounds, worst handshake return %.3f s after free began\n", rounds, worst);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int rounds = argc > 2 ? atoi(argv[2]) : 200;
    double t0;
    H_CHECK(rounds >= 1, "usage: read_write_free read-write|free-read|free-handshake|two-readers ROUNDS");
    h_init(300);
    h_tls_server_start(&g_server, h_pki("ec_server.pem"), h_pki("ec_server.key"), "ECDHE-ECDSA-AES128-GCM-SHA256");
    h_conf_verifying(&g_conf, h_pki("ec_ca.pem"), 20);
    t0 = h_now();
    if (strcmp(mode, "read-write") == 0) {
        read_write(rounds);
    } else if (strcmp(mode, "free-read") == 0) {
        free_read(rounds);
    } else if (strcmp(mode, "free-handshake") == 0) {
        free_handshake(rounds);
    } else if (strcmp(mode, "two-readers") == 0) {
        two_readers(rounds);
    } else {
        h_fail(__FILE__, __LINE__, "mode", "usage: read_write_free read-write|free-read|free-handshake|two-readers ROUNDS");
    }
    H_CHECK_RC(ql_ssl_conf_free(&g_conf), QL_SSL_SUCCESS);
    h_peer_stop(&g_server);
    printf("%.1f s\nPASS\n", h_now() - t0);
    return 0;
}
