/*
 * evidence_app.c - a QuecOpen-style app for the runner's verdict tests (runtime_tests.sh
 * verdict-*): it talks to the embedded server through QLRT_MAP ('192.0.2.44:443=@https') and,
 * like the SDK's own demos, logs every outcome at INFO only and never reports a failure itself,
 * so whatever fails the run comes from the runner's evidence. One behaviour per build (-D...):
 *
 *   (default)       one TLS handshake + GET, expecting HTTP 200 (the server counts 1 handshake)
 *   -DEV_PLAINTEXT  sends a plaintext HTTP request on the TLS port: the server's handshake fails
 *   -DEV_LIB_ERROR  the default, then frees its context twice: the second ql_ssl_free returns
 *                   QL_SSL_ERROR_INVALID_PARAM (a library-side failure for --strict)
 *   -DEV_APP_LEAK   the default, then drops a malloc'd block (an app-side leak under --asan)
 *   -DEV_PROBE_LEAK the default, then calls qlssl_leakprobe_leak() from a test library named
 *                   libqlssl-leakprobe.so, which drops a block it allocated (a leak whose
 *                   allocating module is a libqlssl* library, as a real library leak would be)
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "ql_api_osi.h"
#include "ql_log.h"
#include "sockets.h"
#include "lwip/inet.h"
#include "ql_ssl.h"

#define TAG "evidence"

#include "../common/qlrt_mapped.h"

#ifdef EV_PROBE_LEAK
void *qlssl_leakprobe_leak(size_t n);
#endif
#ifdef EV_APP_LEAK
void *volatile evidence_keep; /* overwritten below, so the block becomes unreachable */
#endif

#ifndef EV_PLAINTEXT
static void https_get(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx;
    unsigned char buf[256];
    const char *req = "GET /evidence HTTP/1.0\r\n\r\n";
    int fd = connect_mapped(), r, got = 0, i;
    if (fd < 0) return;
    ql_ssl_conf_init(&conf);
    ql_ssl_new(&ctx);
    ql_ssl_setup(&ctx, &conf);
    ql_ssl_set_socket_fd(&ctx, fd);
    r = ql_ssl_handshake(&ctx);
    QL_LOG(QL_LOG_LEVEL_INFO, TAG, "handshake: %d", r);
    if (r == QL_SSL_SUCCESS && ql_ssl_write(&ctx, (const unsigned char *)req, strlen(req)) == (int)strlen(req)) {
        for (i = 0; i < 100 && got < (int)sizeof(buf) - 1; i++) {
            r = ql_ssl_read(&ctx, buf + got, sizeof(buf) - 1 - (size_t)got);
            if (r <= 0) break;
            got += r;
        }
        buf[got] = '\0';
        QL_LOG(QL_LOG_LEVEL_INFO, TAG, "response: %.15s", (char *)buf);
        ql_ssl_close_notify(&ctx);
    }
    ql_ssl_free(&ctx);
#ifdef EV_LIB_ERROR
    r = ql_ssl_free(&ctx);
    QL_LOG(QL_LOG_LEVEL_INFO, TAG, "second ql_ssl_free: %d", r);
#endif
    ql_ssl_conf_free(&conf);
    close(fd);
}
#else

static void plaintext_on_tls_port(void)
{
    const char *req = "GET / HTTP/1.0\r\n\r\n";
    char junk[64];
    int fd = connect_mapped();
    if (fd < 0) return;
    send(fd, req, strlen(req), 0);
    recv(fd, junk, sizeof(junk), 0); /* the server's alert or its close */
    close(fd);
    QL_LOG(QL_LOG_LEVEL_INFO, TAG, "sent plaintext to the TLS port");
}
#endif

static void evidence_task(void *arg)
{
    (void)arg;
#ifdef EV_PLAINTEXT
    plaintext_on_tls_port();
#else
    https_get();
#endif
#ifdef EV_APP_LEAK
    evidence_keep = malloc(48);
    memset(evidence_keep, 0x5a, 48);
    evidence_keep = NULL;
#endif
#ifdef EV_PROBE_LEAK
    QL_LOG(QL_LOG_LEVEL_INFO, TAG, "probe block at %p", qlssl_leakprobe_leak(40) ? (void *)1 : NULL);
#endif
    ql_rtos_task_delete(NULL);
}

int evidence_app_init(void)
{
    ql_task_t t;
    return ql_rtos_task_create(&t, 8192, APP_PRIORITY_NORMAL, "evidence", evidence_task, NULL, 0);
}
