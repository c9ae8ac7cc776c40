/*
 * port_checks.c - checks of the QuecOpen port layer (port/quecopen/) on the host runtime, run by
 * tests/port/host_run.sh --checks with the bare-metal libqlssl: each hook against the SDK call it
 * wraps (as the runtime implements it), then what only the `read_file` hook serves: a verified
 * handshake whose CA comes from "UFS:cacert.pem" (the embedded server's certificate, CN
 * localhost), and a config naming a missing UFS file, which ql_ssl_setup must refuse; the
 * version-2 hooks: write_file replaces a UFS file (read back through read_file, no temporary
 * left) and unix_time agrees with the host's clock. The demos
 * never verify, so they never read a file. Every failed check is an ERROR line (fails the run);
 * the server's counts (one handshake, one 200) say the verified exchange happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ql_api_osi.h"
#include "ql_fs.h"
#include "ql_log.h"
#include "ql_ssl_port_quecopen.h"
#include "sockets.h"
#include "lwip/inet.h"

#define TAG "port_checks"
#define CA_FILE "UFS:cacert.pem"

#include "../common/qlrt_mapped.h"

static int failures;

#define CHECK(cond, ...)                                                                 \
    do {                                                                                 \
        if (cond) {                                                                      \
            QL_LOG(QL_LOG_LEVEL_INFO, TAG, "ok: " #cond);                                \
        } else {                                                                         \
            failures++;                                                                  \
            QL_LOG(QL_LOG_LEVEL_ERROR, TAG, "FAILED: " #cond " -- " __VA_ARGS__);        \
        }                                                                                \
    } while (0)

static void check_hooks(const ql_ssl_platform_hooks *h, int fd)
{
    uint8_t a[32], b[32], zero[32] = {0}, *ca;
    uint64_t t0, t1;
    int size, qf, flags;
    void *p;

    /* files: the hook and the SDK's own calls agree on "UFS:cacert.pem" */
    size = h->read_file(CA_FILE, NULL, 0);
    qf = ql_fopen(CA_FILE, "rb");
    CHECK(size > 0 && qf > 0 && ql_fsize(qf) == size, "size %d, ql_fopen %d", size, qf);
    if (qf > 0) ql_fclose(qf);
    if (size > 0 && (ca = malloc((size_t)size)) != NULL) {
        int n = h->read_file(CA_FILE, ca, (size_t)size);
        CHECK(n == size && memcmp(ca, "-----BEGIN CERTIFICATE-----", 27) == 0, "read %d of %d", n, size);
        n = h->read_file(CA_FILE, ca, 10);
        CHECK(n == 10, "a 10-byte buffer got %d", n);
        free(ca);
    }
    CHECK(h->read_file("UFS:missing.pem", NULL, 0) < 0, "a missing file has a size");
    CHECK(h->read_file("UFS:../cacert.pem", NULL, 0) < 0, "a name leaving the store was read");

    /* entropy: two draws differ and are not zero */
    CHECK(h->entropy(a, sizeof a) == 0 && h->entropy(b, sizeof b) == 0 && memcmp(a, b, sizeof a) != 0 &&
              memcmp(a, zero, sizeof a) != 0, "entropy");

    /* clock: monotonic milliseconds (the runtime's sleeps are scaled, its clock is not) */
    t0 = h->now_ms();
    ql_rtos_task_sleep_ms(2000);
    t1 = h->now_ms();
    CHECK(t1 >= t0 && t1 - t0 < 5000, "now_ms %llu -> %llu", (unsigned long long)t0, (unsigned long long)t1);

    /* heap: alignment honoured */
    p = h->alloc(100, 64);
    CHECK(p != NULL && ((uintptr_t)p & 63u) == 0, "alloc(100, 64) = %p", p);
    if (p) h->free(p);
    p = h->alloc(24, 8);
    CHECK(p != NULL && ((uintptr_t)p & 7u) == 0, "alloc(24, 8) = %p", p);
    if (p) h->free(p);

    /* sockets */
    CHECK(h->is_nonblocking(-1) < 0, "fd -1 is a socket");
    CHECK(h->is_nonblocking(fd) == 0, "a fresh socket is non-blocking");
    flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    CHECK(h->is_nonblocking(fd) == 1, "O_NONBLOCK not seen");
    {
        uint8_t one; /* (h->recv): lwIP's compat headers make recv(...) a macro */
        CHECK((h->recv)(fd, &one, 1, 1) == QL_SSL_PLATFORM_WOULD_BLOCK, "recv on a silent socket");
    }
    fcntl(fd, F_SETFL, flags);
    CHECK(h->is_nonblocking(fd) == 0, "O_NONBLOCK not cleared");
    CHECK(h->wait(fd, 1, 1000) == 1, "a connected socket is not writable");
    CHECK(h->wait(fd, 1, UINT32_MAX) == 1, "no timeout (NULL timeval)");
    CHECK(h->wait(fd, 1, 0xFFFFFFF0u) == 1, "a timeout past lwip_select's range");
    CHECK(h->wait(fd, 0, 20) == 0, "the server spoke first"); /* it waits for the ClientHello */
    {
        uint8_t addr[64];
        int n = h->peer_addr(fd, addr, sizeof addr);
        CHECK(n > 0, "peer_addr %d", n);
    }
    /* version 2: write_file replaces the file whole (twice, the second time over an existing
     * file, shorter), read_file sees exactly the new bytes, the temporary name is gone */
    CHECK(h->version == QL_SSL_PLATFORM_HOOKS_VERSION && h->write_file != NULL && h->unix_time != NULL,
          "version %u", (unsigned)h->version);
    {
        static const uint8_t first[] = "first session bytes, the longer one";
        static const uint8_t second[] = "second";
        uint8_t back[64];
        int n;
        CHECK(h->write_file("UFS:port_store.bin", first, sizeof first) == 0, "write_file (new file)");
        CHECK(h->write_file("UFS:port_store.bin", second, sizeof second) == 0, "write_file (replace)");
        n = h->read_file("UFS:port_store.bin", back, sizeof back);
        CHECK(n == (int)sizeof second && memcmp(back, second, sizeof second) == 0, "read back %d bytes", n);
        CHECK(h->read_file("UFS:port_store.bin.tmp", NULL, 0) < 0, "the temporary file is left");
        CHECK(h->write_file("UFS:../escape.bin", first, sizeof first) < 0, "a name leaving the store was written");
        ql_remove("UFS:port_store.bin");
    }
    {
        uint64_t now = h->unix_time();
        uint64_t host = (uint64_t)time(NULL);
        CHECK(now + 2 >= host && now <= host + 2, "unix_time %llu, host %llu", (unsigned long long)now,
              (unsigned long long)host);
    }
}

static void verified_get(int fd)
{
    ql_ssl_config conf;
    ql_ssl_context ctx;
    unsigned char buf[128];
    const char *req = "GET /port HTTP/1.0\r\n\r\n";
    char *ca = CA_FILE;
    int r, got = 0, i;
    ql_ssl_conf_init(&conf);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT, &ca, 1);
    r = ql_ssl_new(&ctx);
    CHECK(r == QL_SSL_SUCCESS, "ql_ssl_new %d", r);
    r = ql_ssl_setup(&ctx, &conf);
    CHECK(r == QL_SSL_SUCCESS, "ql_ssl_setup with CA %s: %d", CA_FILE, r);
    ql_ssl_set_hostname(&ctx, "localhost");
    ql_ssl_set_socket_fd(&ctx, fd);
    r = ql_ssl_handshake(&ctx);
    CHECK(r == QL_SSL_SUCCESS, "verified handshake %d", r);
    if (r == QL_SSL_SUCCESS) {
        r = ql_ssl_write(&ctx, (const unsigned char *)req, strlen(req));
        CHECK(r == (int)strlen(req), "write %d", r);
        for (i = 0; i < 100 && got < (int)sizeof(buf) - 1; i++) {
            r = ql_ssl_read(&ctx, buf + got, sizeof(buf) - 1 - (size_t)got);
            if (r <= 0) break;
            got += r;
        }
        buf[got] = '\0';
        CHECK(strncmp((char *)buf, "HTTP/1.0 200", 12) == 0, "response '%.20s'", (char *)buf);
        ql_ssl_close_notify(&ctx);
    }
    ql_ssl_free(&ctx);
    ql_ssl_conf_free(&conf);
}

static void missing_ca_refused(void)
{
    ql_ssl_config conf;
    ql_ssl_context ctx;
    char *ca = "UFS:missing.pem";
    int r;
    ql_ssl_conf_init(&conf);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT, &ca, 1);
    ql_ssl_new(&ctx);
    r = ql_ssl_setup(&ctx, &conf);
    CHECK(r == QL_SSL_ERROR_BAD_REQUEST, "ql_ssl_setup with a missing CA file: %d", r);
    ql_ssl_free(&ctx);
    ql_ssl_conf_free(&conf);
}

static void checks_task(void *arg)
{
    int fd = connect_mapped();
    (void)arg;
    CHECK(fd >= 0, "connect to the mapped server");
    if (fd >= 0) {
        check_hooks(ql_ssl_port_quecopen_hooks(), fd);
        verified_get(fd);
        close(fd);
    }
    missing_ca_refused();
    QL_LOG(QL_LOG_LEVEL_INFO, TAG, "port checks: %d failure(s)", failures);
    ql_rtos_task_delete(NULL);
}

int port_checks_init(void)
{
    ql_task_t t;
    return ql_rtos_task_create(&t, 16384, APP_PRIORITY_NORMAL, "port_checks", checks_task, NULL, 0);
}
