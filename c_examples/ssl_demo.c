/*
 * ssl_demo.c - a QuecOpen SSL application in the style of the SDK's SSL demo, written for qlssl.
 *
 * The same source is meant for the module and for Linux (with the qlssl SDK host runtime):
 *
 *   ql_ssl_app_init() creates a task that
 *     1. waits DEMO_START_DELAY_S seconds, waits for network registration, starts a data call
 *        and prints its addresses;
 *     2. runs DEMO_LOOPS HTTPS exchanges with DEMO_HTTPS_HOST:DEMO_HTTPS_PORT, alternating a
 *        blocking socket and a non-blocking one (O_NONBLOCK + select): GET /, response read in
 *        DEMO_READ_CHUNK-byte pieces, cipher suites given the SDK way (a malloc'd two-int list
 *        with no terminator, adopted by the config and released by ql_ssl_conf_free());
 *     3. runs one DTLS-PSK echo with DEMO_DTLS_SERVER_IP:DEMO_DTLS_PORT over a non-blocking UDP
 *        socket;
 *     4. logs a summary (at ERROR level if anything failed), stops the data call and deletes
 *        itself.
 *
 * On Linux, runtime/qlrt-run builds and runs it; the runtime maps the public destinations below
 * to the embedded test server (see scripts/run_demo.sh and docs/RUNTIME.md).
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "ql_api_osi.h"
#include "ql_api_nw.h"
#include "ql_log.h"
#include "ql_api_datacall.h"
#include "sockets.h"
#include "lwip/ip_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/netdb.h"
#include "lwip/netif.h"
#include "lwip/inet.h"
#include "lwip/tcp.h"
#include "ql_ssl.h"

#define DEMO_TAG "ssl_demo"
#define DEMO_LOG(...) QL_LOG(QL_LOG_LEVEL_INFO, DEMO_TAG, __VA_ARGS__)
#define DEMO_ERR(...) QL_LOG(QL_LOG_LEVEL_ERROR, DEMO_TAG, __VA_ARGS__)
#define DEMO_PUSH(...) QL_LOG_PUSH(DEMO_TAG, __VA_ARGS__)

/* Tunables: may be overridden at build time (e.g. -DDEMO_LOOPS=10). */
#ifndef DEMO_LOOPS
#define DEMO_LOOPS 100
#endif
#ifndef DEMO_START_DELAY_S
#define DEMO_START_DELAY_S 10
#endif
#ifndef DEMO_LOOP_PAUSE_MS
#define DEMO_LOOP_PAUSE_MS 1000
#endif

#define DEMO_SIM 0
#define DEMO_PROFILE 1
#define DEMO_APN "cmnet"

#define DEMO_HTTPS_HOST "www.example.com"
#define DEMO_HTTPS_PORT 443
#define DEMO_DTLS_SERVER_IP "220.180.239.212"
#define DEMO_DTLS_PORT 8252
#define DEMO_PSK_IDENTITY "qlssl_demo"
#define DEMO_PSK_KEY "0102030405060708090a0b0c0d0e0f10"

#define DEMO_READ_CHUNK 120
#define DEMO_RESPONSE_MAX 4096
#define DEMO_IO_TIMEOUT_S 30
#define DEMO_HS_TIMEOUT_S 60
#define DEMO_MAX_WAITS 2000 /* select() rounds per exchange */

static ql_task_t demo_task = NULL;

struct demo_totals {
    int https_ok;
    int https_fail;
    int blocking_ok;
    int nonblocking_ok;
    int dtls_ok;
    int dtls_fail;
};

static void demo_hs_timeout_cb(ql_ssl_context *ssl_ctx, void *arg)
{
    DEMO_LOG("handshake timeout callback: ctx %d, arg '%s'", ssl_ctx ? *ssl_ctx : -1, arg ? (char *)arg : "");
}

/* Wait until fd is readable (want_read) or writable; 1 ready, 0 timeout, -1 error. */
static int demo_wait_fd(int fd, int want_read, int timeout_s)
{
    fd_set set;
    struct timeval tv;
    int ret;

    FD_ZERO(&set);
    FD_SET(fd, &set);
    tv.tv_sec = timeout_s;
    tv.tv_usec = 0;
    if (want_read)
        ret = select(fd + 1, &set, NULL, NULL, &tv);
    else
        ret = select(fd + 1, NULL, &set, NULL, &tv);
    if (ret < 0)
        return -1;
    return ret > 0 ? 1 : 0;
}

/* After WANT_READ/WANT_WRITE: wait for the socket; 0 to go on, -1 to give up. */
static int demo_wait_ssl(int fd, int ret, int *waits)
{
    if (++(*waits) > DEMO_MAX_WAITS) {
        DEMO_ERR("gave up after %d waits", DEMO_MAX_WAITS);
        return -1;
    }
    if (ret == QL_SSL_ERROR_WANT_READ)
        return demo_wait_fd(fd, 1, 1) < 0 ? -1 : 0;
    if (ret == QL_SSL_ERROR_WANT_WRITE)
        return demo_wait_fd(fd, 0, 1) < 0 ? -1 : 0;
    return -1;
}

static int demo_bind_module_addr(int fd, const ql_data_call_info_s *info)
{
    struct sockaddr_in local;

    memset(&local, 0, sizeof(local));
    local.sin_len = sizeof(local);
    local.sin_family = AF_INET;
    local.sin_port = htons(0);
    local.sin_addr.s_addr = info->v4.addr.ip.addr;
    return bind(fd, (struct sockaddr *)&local, sizeof(local));
}

/* TCP connect, blocking or not; returns the socket or -1. */
static int demo_tcp_connect(const struct sockaddr_in *server, const ql_data_call_info_s *info, int nonblock)
{
    int fd, ret, err = 0;
    socklen_t err_len = sizeof(err);

    fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (fd < 0) {
        DEMO_ERR("socket() failed");
        return -1;
    }
    if (demo_bind_module_addr(fd, info) != 0) {
        DEMO_ERR("bind to the module address failed: %d", lwip_get_error(fd));
        close(fd);
        return -1;
    }
    if (nonblock)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);

    ret = connect(fd, (const struct sockaddr *)server, sizeof(*server));
    if (ret == 0)
        return fd;
    if (!nonblock || lwip_get_error(fd) != EINPROGRESS) {
        DEMO_ERR("connect to %s:%d failed: error %d", inet_ntoa(server->sin_addr), ntohs(server->sin_port),
                 lwip_get_error(fd));
        close(fd);
        return -1;
    }
    if (demo_wait_fd(fd, 0, DEMO_IO_TIMEOUT_S) != 1) {
        DEMO_ERR("non-blocking connect did not complete in %d s", DEMO_IO_TIMEOUT_S);
        close(fd);
        return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0 || err != 0) {
        DEMO_ERR("non-blocking connect failed: SO_ERROR %d", err);
        close(fd);
        return -1;
    }
    return fd;
}

/* One HTTPS exchange; 0 on success. */
static int demo_https_once(int round, int nonblock, const ql_data_call_info_s *info)
{
    struct addrinfo hints, *res = NULL;
    struct sockaddr_in server;
    ql_ssl_config conf;
    ql_ssl_context ssl_ctx; /* filled by ql_ssl_new(); freed on every path, as the SDK demo does */
    int *ciphersuites;
    int fd = -1, ret, result = -1, waits = 0, conf_ready = 0;
    char request[256];
    unsigned char chunk[DEMO_READ_CHUNK + 1];
    char response[DEMO_RESPONSE_MAX + 1];
    size_t req_len, sent = 0, got = 0;
    int chunks = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    ret = getaddrinfo_with_pcid(DEMO_HTTPS_HOST, NULL, &hints, &res, (uint32)DEMO_PROFILE);
    if (ret != 0 || res == NULL) {
        DEMO_ERR("[%d] cannot resolve %s: %d", round, DEMO_HTTPS_HOST, ret);
        return -1;
    }
    memset(&server, 0, sizeof(server));
    server.sin_len = sizeof(server);
    server.sin_family = AF_INET;
    server.sin_port = htons(DEMO_HTTPS_PORT);
    server.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
    freeaddrinfo(res);
    if (round == 0)
        DEMO_LOG("%s resolved to %s", DEMO_HTTPS_HOST, inet_ntoa(server.sin_addr));

    fd = demo_tcp_connect(&server, info, nonblock);
    if (fd < 0)
        return -1;

    /* Configuration the SDK way: a malloc'd two-suite list without terminator, never freed here. */
    ql_ssl_conf_init(&conf);
    conf_ready = 1;
    ciphersuites = malloc(2 * sizeof(int));
    if (ciphersuites == NULL) {
        DEMO_ERR("out of memory");
        goto out;
    }
    ciphersuites[0] = QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    ciphersuites[1] = QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256;
    if (ql_ssl_conf_set(&conf, QL_SSL_CONF_CIPHERSUITE, ciphersuites) != QL_SSL_SUCCESS) {
        DEMO_ERR("[%d] cipher suite list rejected", round);
        free(ciphersuites); /* not adopted */
        goto out;
    }
    ql_ssl_conf_set(&conf, QL_SSL_CONF_VERSION, QL_SSL_VERSION_ALL);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_TRANSPORT, QL_SSL_TLS_PROTOCOL);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_NULL);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_SNI, 1);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, DEMO_HS_TIMEOUT_S);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT_FUNC, demo_hs_timeout_cb, (void *)"https");

    ret = ql_ssl_new(&ssl_ctx);
    if (ret != QL_SSL_SUCCESS) {
        DEMO_ERR("[%d] ql_ssl_new: %d", round, ret);
        goto out;
    }
    /* Socket and host name before setup, in the SDK demo's order. */
    ret = ql_ssl_set_socket_fd(&ssl_ctx, fd);
    if (ret == QL_SSL_SUCCESS)
        ret = ql_ssl_set_hostname(&ssl_ctx, DEMO_HTTPS_HOST);
    if (ret == QL_SSL_SUCCESS)
        ret = ql_ssl_setup(&ssl_ctx, &conf);
    if (ret != QL_SSL_SUCCESS) {
        DEMO_ERR("[%d] ssl setup failed: %d", round, ret);
        goto out;
    }

    for (;;) {
        ret = ql_ssl_handshark(&ssl_ctx);
        if (ret == QL_SSL_SUCCESS)
            break;
        if (!nonblock || demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("[%d] handshake failed: %d", round, ret);
            goto out;
        }
    }
    if (ql_ssl_handshark_finished(&ssl_ctx) != 1) {
        DEMO_ERR("[%d] handshake reported done but not finished", round);
        goto out;
    }

    req_len = (size_t)snprintf(request, sizeof(request),
                               "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: qlssl-ssl-demo\r\nConnection: close\r\n\r\n",
                               DEMO_HTTPS_HOST);
    while (sent < req_len) {
        ret = ql_ssl_write(&ssl_ctx, (const unsigned char *)request + sent, req_len - sent);
        if (ret > 0) {
            sent += (size_t)ret;
            continue;
        }
        if (!nonblock || demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("[%d] write failed: %d", round, ret);
            goto out;
        }
    }

    for (;;) {
        memset(chunk, 0, sizeof(chunk));
        ret = ql_ssl_read(&ssl_ctx, chunk, DEMO_READ_CHUNK);
        if (ret > 0) {
            size_t n = (size_t)ret;
            chunks++;
            if (got + n > DEMO_RESPONSE_MAX)
                n = DEMO_RESPONSE_MAX - got;
            memcpy(response + got, chunk, n);
            got += n;
            continue;
        }
        if (ret == 0)
            break; /* close_notify: the response is complete */
        if (ret == QL_SSL_ERROR_SOCKET_RESET && got > 0)
            break;
        if (ret == QL_SSL_ERROR_WANT_READ && !nonblock) {
            DEMO_ERR("[%d] WANT_READ on a blocking socket", round);
            goto out;
        }
        if (demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("[%d] read failed: %d", round, ret);
            goto out;
        }
    }
    response[got] = '\0';

    if (strncmp(response, "HTTP/1.0 200", 12) != 0 && strncmp(response, "HTTP/1.1 200", 12) != 0) {
        DEMO_ERR("[%d] unexpected response: %.60s", round, response);
        goto out;
    }
    if (round < 2) {
        DEMO_PUSH("[%d] %s response, %u bytes in %d reads of up to %d:\n%s", round,
                  nonblock ? "non-blocking" : "blocking", (unsigned)got, chunks, DEMO_READ_CHUNK, response);
    } else {
        DEMO_LOG("[%d] %s: %.15s, %u bytes in %d reads", round, nonblock ? "non-blocking" : "blocking", response,
                 (unsigned)got, chunks);
    }
    ret = ql_ssl_close_notify(&ssl_ctx);
    if (ret != QL_SSL_SUCCESS)
        DEMO_LOG("[%d] close_notify after the server's: %d (the server has already closed)", round, ret);
    result = 0;

out:
    ql_ssl_free(&ssl_ctx);
    if (conf_ready)
        ql_ssl_conf_free(&conf); /* also releases the adopted cipher-suite list */
    if (fd >= 0)
        close(fd);
    return result;
}

/* One DTLS-PSK echo over a non-blocking UDP socket; 0 on success. */
static int demo_dtls_psk(const ql_data_call_info_s *info)
{
    struct sockaddr_in server;
    ql_ssl_config conf;
    ql_ssl_context ssl_ctx;
    int fd = -1, ret, result = -1, waits = 0, conf_ready = 0;
    const char *msg = "hello over DTLS-PSK from ssl_demo";
    unsigned char echo[256];
    size_t msg_len = strlen(msg);

    memset(&server, 0, sizeof(server));
    server.sin_len = sizeof(server);
    server.sin_family = AF_INET;
    server.sin_port = htons(DEMO_DTLS_PORT);
    if (inet_aton(DEMO_DTLS_SERVER_IP, &server.sin_addr) == 0) {
        DEMO_ERR("bad server address %s", DEMO_DTLS_SERVER_IP);
        return -1;
    }

    fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (fd < 0) {
        DEMO_ERR("udp socket() failed");
        return -1;
    }
    if (demo_bind_module_addr(fd, info) != 0) {
        DEMO_ERR("udp bind failed: %d", lwip_get_error(fd));
        goto out;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    if (connect(fd, (struct sockaddr *)&server, sizeof(server)) != 0) {
        DEMO_ERR("udp connect to %s:%d failed: %d", DEMO_DTLS_SERVER_IP, DEMO_DTLS_PORT, lwip_get_error(fd));
        goto out;
    }

    ql_ssl_conf_init(&conf);
    conf_ready = 1;
    ql_ssl_conf_set(&conf, QL_SSL_CONF_TRANSPORT, QL_SSL_DTLS_PROTOCOL);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_DTLSVERSION, 1);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_PSK);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_PSK_IDENTITY, DEMO_PSK_IDENTITY);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_PSK_KEY, DEMO_PSK_KEY);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, DEMO_HS_TIMEOUT_S);

    ret = ql_ssl_new(&ssl_ctx);
    if (ret != QL_SSL_SUCCESS) {
        DEMO_ERR("dtls ql_ssl_new: %d", ret);
        goto out;
    }
    /* This time the newer header's order: setup first, then the socket. */
    ret = ql_ssl_setup(&ssl_ctx, &conf);
    if (ret == QL_SSL_SUCCESS)
        ret = ql_ssl_set_socket_fd(&ssl_ctx, fd);
    if (ret != QL_SSL_SUCCESS) {
        DEMO_ERR("dtls setup failed: %d", ret);
        goto out;
    }

    for (;;) {
        ret = ql_ssl_handshake(&ssl_ctx);
        if (ret == QL_SSL_SUCCESS)
            break;
        if (demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("dtls handshake failed: %d", ret);
            goto out;
        }
    }
    DEMO_LOG("dtls handshake done, cipher suite 0x%04x", ql_ssl_get_ciphersuite(&ssl_ctx));

    for (;;) {
        ret = ql_ssl_write(&ssl_ctx, (const unsigned char *)msg, msg_len);
        if (ret == (int)msg_len)
            break;
        if (ret >= 0 || demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("dtls write failed: %d", ret);
            goto out;
        }
    }
    for (;;) {
        memset(echo, 0, sizeof(echo));
        ret = ql_ssl_read(&ssl_ctx, echo, sizeof(echo) - 1);
        if (ret > 0)
            break;
        if (demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("dtls read failed: %d", ret);
            goto out;
        }
    }
    if ((size_t)ret != msg_len || memcmp(echo, msg, msg_len) != 0) {
        DEMO_ERR("dtls echo mismatch: got %d bytes '%.60s'", ret, (char *)echo);
        goto out;
    }
    DEMO_PUSH("dtls echo: '%s'", (char *)echo);
    for (waits = 0;;) {
        ret = ql_ssl_close_notify(&ssl_ctx);
        if (ret != QL_SSL_ERROR_WANT_WRITE || demo_wait_ssl(fd, ret, &waits) != 0)
            break;
    }
    result = 0;

out:
    ql_ssl_free(&ssl_ctx);
    if (conf_ready)
        ql_ssl_conf_free(&conf);
    if (fd >= 0)
        close(fd);
    return result;
}

static void ssl_demo_task(void *arg)
{
    ql_data_call_info_s info;
    struct demo_totals t;
    char ip4_str[INET_ADDRSTRLEN];
    int ret, i;

    (void)arg;
    memset(&t, 0, sizeof(t));
    DEMO_LOG("ssl demo task started; waiting %d s", DEMO_START_DELAY_S);
    ql_rtos_task_sleep_s(DEMO_START_DELAY_S);

    ret = ql_network_register_wait(DEMO_SIM, 120);
    if (ret != 0) {
        DEMO_ERR("network registration failed: %d", ret);
        goto exit;
    }
    ql_set_data_call_asyn_mode(DEMO_SIM, DEMO_PROFILE, 0);
    ret = ql_start_data_call(DEMO_SIM, DEMO_PROFILE, QL_PDP_TYPE_IP, DEMO_APN, NULL, NULL, 0);
    if (ret != 0) {
        DEMO_ERR("data call failed: %d", ret);
        goto exit;
    }
    memset(&info, 0, sizeof(info));
    ret = ql_get_data_call_info(DEMO_SIM, DEMO_PROFILE, &info);
    if (ret != 0 || info.v4.state == 0) {
        DEMO_ERR("no data call info: %d", ret);
        goto stop;
    }
    DEMO_LOG("data call: profile %d, ip_version %d, v4 state %d", info.profile_idx, info.ip_version, info.v4.state);
    inet_ntop(AF_INET, &info.v4.addr.ip, ip4_str, sizeof(ip4_str));
    DEMO_LOG("  ipv4 address %s", ip4_str);
    DEMO_LOG("  primary dns %s", ip4addr_ntoa(&info.v4.addr.pri_dns));
    DEMO_LOG("  secondary dns %s", ip4addr_ntoa(&info.v4.addr.sec_dns));
    DEMO_LOG("  ipv6 address %s", ip6addr_ntoa(&info.v6.addr.ip));

    for (i = 0; i < DEMO_LOOPS; i++) {
        int nonblock = i % 2;
        if (demo_https_once(i, nonblock, &info) == 0) {
            t.https_ok++;
            if (nonblock)
                t.nonblocking_ok++;
            else
                t.blocking_ok++;
        } else {
            t.https_fail++;
        }
        if (i + 1 < DEMO_LOOPS)
            ql_rtos_task_sleep_ms(DEMO_LOOP_PAUSE_MS);
    }

    if (demo_dtls_psk(&info) == 0)
        t.dtls_ok++;
    else
        t.dtls_fail++;

    if (t.https_fail == 0 && t.dtls_fail == 0) {
        DEMO_PUSH("summary: https %d/%d ok (blocking %d, non-blocking %d), dtls-psk %d/1 ok", t.https_ok, DEMO_LOOPS,
                  t.blocking_ok, t.nonblocking_ok, t.dtls_ok);
    } else {
        DEMO_ERR("summary: https %d/%d ok (blocking %d, non-blocking %d), dtls-psk %d/1 ok", t.https_ok, DEMO_LOOPS,
                 t.blocking_ok, t.nonblocking_ok, t.dtls_ok);
    }

stop:
    ql_stop_data_call(DEMO_SIM, DEMO_PROFILE);
exit:
    DEMO_LOG("ssl demo task ends");
    ql_rtos_task_delete(NULL);
}

int ql_ssl_app_init(void)
{
    QlOSStatus err = ql_rtos_task_create(&demo_task, 16 * 1024, APP_PRIORITY_ABOVE_NORMAL, "QsslDemo", ssl_demo_task,
                                         NULL, 5);
    if (err != QL_OSI_SUCCESS) {
        DEMO_ERR("task create failed: %d", err);
        return -1;
    }
    return 0;
}
