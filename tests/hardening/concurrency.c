/*
 * Concurrency: THREADS threads x CONTEXTS contexts each, every context on its own socket to
 * bench/tls_server. Even threads set up from one shared config with the session cache on (so they
 * share the cache too), odd threads from a second shared config without it (full handshakes). Each thread keeps up to 5 of its contexts open at once and interleaves them: handshake all,
 * then an echo of a thread/context-specific pattern on each, then close_notify + free.
 * Meanwhile a prober thread hammers the same library from outside: handshake_finished /
 * get_bytes_avail / session_resumed on the other threads' live handles (per-context locking),
 * garbage-handle frees, conf_set_by_id / conf_get_by_id on the shared library-owned configs,
 * ql_ssl_ciphersuit_is_valid and ql_ssl_last_error (thread-local).
 * Checks: every operation succeeds, data intact, bad handles rejected, nothing left at the end.
 * Built three ways: plain, ASan+UBSan (top-level sanitizer build) and ThreadSanitizer
 * (hardening_concurrency_tsan); scripts/soak.sh also runs it under valgrind --tool=helgrind.
 * Usage: concurrency THREADS CONTEXTS
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsupport.h"

#define BATCH 5
#define MAX_THREADS 64

static h_peer g_server;
static ql_ssl_config g_conf, g_conf_full;
static int g_contexts;

/* Live handles published for the prober (guarded by g_lock). */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static ql_ssl_context g_live[MAX_THREADS * BATCH];
static int g_live_used[MAX_THREADS * BATCH];
static int g_stop;
static long g_probes, g_handshakes, g_resumed;
/* All workers start together, so the library's first setups and handshakes really overlap. */
static pthread_barrier_t g_start;

static void publish(int slot, ql_ssl_context h, int used)
{
    pthread_mutex_lock(&g_lock);
    g_live[slot] = h;
    g_live_used[slot] = used;
    pthread_mutex_unlock(&g_lock);
}

typedef struct {
    int id;
} worker_arg;

static void *worker(void *p)
{
    int id = ((worker_arg *)p)->id;
    pthread_barrier_wait(&g_start);
    for (int base = 0; base < g_contexts; base += BATCH) {
        int n = g_contexts - base < BATCH ? g_contexts - base : BATCH;
        ql_ssl_context ctx[BATCH];
        int fd[BATCH];
        for (int k = 0; k < n; k++) {
            fd[k] = h_connect(g_server.port);
            H_CHECK_RC(ql_ssl_new(&ctx[k]), QL_SSL_SUCCESS);
            H_CHECK_RC(ql_ssl_setup(&ctx[k], id % 2 == 0 ? &g_conf : &g_conf_full), QL_SSL_SUCCESS);
            H_CHECK_RC(ql_ssl_set_socket_fd(&ctx[k], fd[k]), QL_SSL_SUCCESS);
            H_CHECK_RC(ql_ssl_set_hostname(&ctx[k], "localhost"), QL_SSL_SUCCESS);
            publish(id * BATCH + k, ctx[k], 1);
        }
        for (int k = 0; k < n; k++) {
            int rc = ql_ssl_handshake(&ctx[k]);
            if (rc != QL_SSL_SUCCESS) {
                char why[256] = "";
                ql_ssl_last_error(why, sizeof why);
                h_fail(__FILE__, __LINE__, "ql_ssl_handshake", "thread %d context %d: %s (%s)", id, base + k,
                       h_rc_name(rc), why);
            }
            pthread_mutex_lock(&g_lock);
            g_handshakes++;
            g_resumed += ql_ssl_session_resumed(&ctx[k]) == 1;
            pthread_mutex_unlock(&g_lock);
        }
        for (int k = 0; k < n; k++) {
            unsigned char out[200], in[200];
            size_t got = 0;
            for (size_t j = 0; j < sizeof out; j++) {
                out[j] = (unsigned char)(id * 131 + (base + k) * 7 + (int)j);
            }
            H_CHECK_RC(h_send_cmd(&ctx[k], 'E', sizeof out), 9);
            H_CHECK_RC(ql_ssl_write(&ctx[k], out, sizeof out), (int)sizeof out);
            while (got < sizeof in) {
                int r = ql_ssl_read(&ctx[k], in + got, sizeof in - got);
                H_CHECK(r > 0, "thread %d: read returned %d (%s)", id, r, h_rc_name(r));
                got += (size_t)r;
            }
            H_CHECK(memcmp(in, out, sizeof in) == 0, "thread %d context %d: echo differs", id, base + k);
        }
        for (int k = 0; k < n; k++) {
            publish(id * BATCH + k, 0, 0);
            H_CHECK_RC(ql_ssl_close_notify(&ctx[k]), QL_SSL_SUCCESS);
            H_CHECK_RC(ql_ssl_free(&ctx[k]), QL_SSL_SUCCESS);
            H_CHECK_RC(ql_ssl_free(&ctx[k]), QL_SSL_ERROR_INVALID_PARAM); /* double free rejected */
            close(fd[k]);
        }
    }
    return NULL;
}

static void *prober(void *p)
{
    int threads = *(int *)p;
    unsigned x = 12345;
    char buf[128];
    for (long i = 0;; i++) {
        ql_ssl_context h = 0, garbage;
        int v = -1, used, slot, r;
        pthread_mutex_lock(&g_lock);
        if (g_stop) {
            pthread_mutex_unlock(&g_lock);
            break;
        }
        x = x * 1103515245u + 12345u;
        slot = (int)((x >> 8) % (unsigned)(threads * BATCH));
        used = g_live_used[slot];
        h = g_live[slot];
        pthread_mutex_unlock(&g_lock);
        if (used) {
            /* The owner may free it any moment: the answer is a state or INVALID_PARAM, never a crash. */
            r = ql_ssl_handshake_finished(&h);
            H_CHECK(r == 0 || r == 1 || r == QL_SSL_ERROR_INVALID_PARAM, "handshake_finished on a live handle: %d", r);
            r = ql_ssl_session_resumed(&h);
            H_CHECK(r == 0 || r == 1 || r == QL_SSL_ERROR_INVALID_PARAM, "session_resumed: %d", r);
        }
        garbage = (ql_ssl_context)(0x7000000 + (int)(x % 100000));
        H_CHECK_RC(ql_ssl_free(&garbage), QL_SSL_ERROR_INVALID_PARAM);
        H_CHECK_RC(ql_ssl_conf_set_by_id((int)(i % 6), QL_SSL_CONF_HS_TIMEOUT, 10 + (int)(i % 50)), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_conf_get_by_id((int)(i % 6), QL_SSL_CONF_HS_TIMEOUT, &v), QL_SSL_SUCCESS);
        H_CHECK(v >= 10 && v < 60, "conf_get_by_id returned %d", v);
        H_CHECK_RC(ql_ssl_ciphersuit_is_valid(QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), 1);
        H_CHECK_RC(ql_ssl_last_error(buf, sizeof buf), QL_SSL_SUCCESS);
        pthread_mutex_lock(&g_lock);
        g_probes++;
        pthread_mutex_unlock(&g_lock);
        usleep(200);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    pthread_t t[MAX_THREADS], probe;
    worker_arg args[MAX_THREADS];
    double t0;

    g_contexts = argc > 2 ? atoi(argv[2]) : 20;
    H_CHECK(threads >= 1 && threads <= MAX_THREADS && g_contexts >= 1, "usage: concurrency THREADS CONTEXTS");
    h_init(600);
    h_tls_server_start(&g_server, h_pki("rsa_server.pem"), h_pki("rsa_server.key"), "ECDHE-RSA-AES128-GCM-SHA256");
    h_conf_verifying(&g_conf, h_pki("rsa_ca.pem"), 60);
    H_CHECK_RC(ql_ssl_conf_set(&g_conf, QL_SSL_CONF_SESSION_CACHE, 1), QL_SSL_SUCCESS);
    h_conf_verifying(&g_conf_full, h_pki("rsa_ca.pem"), 60);

    t0 = h_now();
    H_CHECK(pthread_barrier_init(&g_start, NULL, (unsigned)threads) == 0, "pthread_barrier_init");
    H_CHECK(pthread_create(&probe, NULL, prober, &threads) == 0, "pthread_create");
    for (int i = 0; i < threads; i++) {
        args[i].id = i;
        H_CHECK(pthread_create(&t[i], NULL, worker, &args[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
    }
    pthread_mutex_lock(&g_lock);
    g_stop = 1;
    pthread_mutex_unlock(&g_lock);
    pthread_join(probe, NULL);
    pthread_barrier_destroy(&g_start);

    H_CHECK_RC(ql_ssl_conf_free(&g_conf), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_free(&g_conf_full), QL_SSL_SUCCESS);
    h_peer_stop(&g_server);
    printf("%d threads x %d contexts: %ld handshakes (%ld resumed), %ld probes, %.1f s\n", threads, g_contexts,
           g_handshakes, g_resumed, g_probes, h_now() - t0);
    H_CHECK(g_handshakes == (long)threads * g_contexts, "handshake count");
    printf("PASS\n");
    return 0;
}
