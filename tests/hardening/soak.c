/*
 * Soak: CYCLES x (connect, ql_ssl_new, setup, handshake, 64-byte echo, close_notify, ql_ssl_free,
 * close) against bench/tls_server, with session resumption on (so it is mostly resumed handshakes),
 * plus a config re-init every 100 cycles. Checks:
 *   - every cycle succeeds and the echoed data is intact;
 *   - at least 90 % of the handshakes after the first resumed a session;
 *   - the heap is flat: live heap bytes (AddressSanitizer's count in ASan builds, mallinfo2()
 *     otherwise) sampled ten times may not grow by more than 64 KiB between the first sample
 *     (10 % of the run, after warm-up) and the last; RSS is reported (and bounded in plain builds);
 *   - at exit nothing is left: LeakSanitizer (ASan build) or valgrind --leak-check=full
 *     (scripts/soak.sh) report leaks.
 * Usage: soak CYCLES
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsupport.h"

/* AddressSanitizer's exact live-heap count, when the program is built with it. */
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

static size_t heap_bytes(void)
{
    if (__sanitizer_get_current_allocated_bytes) {
        return __sanitizer_get_current_allocated_bytes();
    }
    return mallinfo2().uordblks;
}

static size_t rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) {
            resident = 0;
        }
        fclose(f);
    }
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

static int under_valgrind(void)
{
    const char *p = getenv("LD_PRELOAD");
    return p != NULL && strstr(p, "valgrind") != NULL;
}

int main(int argc, char **argv)
{
    long cycles = argc > 1 ? atol(argv[1]) : 500, resumed = 0;
    long step;
    h_peer server;
    ql_ssl_config conf;
    size_t heap0 = 0, rss0 = 0, heap_max = 0;
    double t0;

    H_CHECK(cycles >= 10, "usage: soak CYCLES (>= 10)");
    step = cycles / 10;
    h_init(cycles > 2000 ? 3600 : 900);
    h_tls_server_start(&server, h_pki("rsa_server.pem"), h_pki("rsa_server.key"), "ECDHE-RSA-AES128-GCM-SHA256");
    h_conf_verifying(&conf, h_pki("rsa_ca.pem"), 10);
    H_CHECK_RC(ql_ssl_conf_set(&conf, QL_SSL_CONF_SESSION_CACHE, 1), QL_SSL_SUCCESS);

    t0 = h_now();
    for (long i = 1; i <= cycles; i++) {
        ql_ssl_context ctx;
        unsigned char out[64], in[64];
        size_t got = 0;
        int fd = h_connect(server.port);

        H_CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_setup(&ctx, &conf), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_SUCCESS);
        resumed += ql_ssl_session_resumed(&ctx) == 1;
        for (size_t k = 0; k < sizeof out; k++) {
            out[k] = (unsigned char)(i * 31 + (long)k);
        }
        H_CHECK_RC(h_send_cmd(&ctx, 'E', sizeof out), 9);
        H_CHECK_RC(ql_ssl_write(&ctx, out, sizeof out), (int)sizeof out);
        while (got < sizeof in) {
            int r = ql_ssl_read(&ctx, in + got, sizeof in - got);
            H_CHECK(r > 0, "cycle %ld: read returned %d (%s)", i, r, h_rc_name(r));
            got += (size_t)r;
        }
        H_CHECK(memcmp(in, out, sizeof in) == 0, "cycle %ld: echo differs", i);
        H_CHECK_RC(ql_ssl_close_notify(&ctx), QL_SSL_SUCCESS);
        H_CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
        close(fd);

        if (i % 100 == 0) { /* a config's whole life, too (its cached sessions go with it) */
            ql_ssl_config tmp;
            h_conf_verifying(&tmp, h_pki("rsa_ca.pem"), 10);
            H_CHECK_RC(ql_ssl_conf_set(&tmp, QL_SSL_CONF_SESSION_CACHE, 1), QL_SSL_SUCCESS);
            H_CHECK_RC(ql_ssl_conf_free(&tmp), QL_SSL_SUCCESS);
        }
        if (i % step == 0) {
            size_t h = heap_bytes(), r = rss_bytes();
            if (i == step) {
                heap0 = h;
                rss0 = r;
            }
            if (h > heap_max) {
                heap_max = h;
            }
            printf("cycle %6ld  %7.1f s  heap %8zu B (%+7ld)  rss %6zu KiB (%+6ld)  resumed %ld\n", i, h_now() - t0,
                   h, (long)h - (long)heap0, r / 1024, ((long)r - (long)rss0) / 1024, resumed);
        }
    }
    H_CHECK_RC(ql_ssl_conf_free(&conf), QL_SSL_SUCCESS);
    h_peer_stop(&server);

    printf("%ld cycles in %.1f s, %ld resumed; heap growth after warm-up %+ld B (max %zu B)\n", cycles,
           h_now() - t0, resumed, (long)heap_max - (long)heap0, heap_max);
    H_CHECK(resumed * 10 >= (cycles - 1) * 9, "only %ld of %ld handshakes resumed", resumed, cycles - 1);
    H_CHECK(heap_max <= heap0 + 64 * 1024, "heap grew by %zu B after warm-up: not flat", heap_max - heap0);
    if (!__sanitizer_get_current_allocated_bytes && !under_valgrind()) {
        size_t r = rss_bytes();
        H_CHECK(r <= rss0 + 8u * 1024 * 1024, "RSS grew by %zu KiB", (r - rss0) / 1024);
    }
    printf("PASS\n");
    return 0;
}
