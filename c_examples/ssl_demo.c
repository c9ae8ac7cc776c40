/*
 * ssl_demo.c - a QuecOpen SSL application written for qlssl that makes the same calls, in the same
 * orders and with the same argument shapes, as the SDK's own SSL demos of both header generations
 * (facts: docs/RUNTIME.md, "What the SDK demos do"). Our code; the SDK's is not in this repository.
 *
 *   ql_ssl_app_init() creates a task that
 *     1. waits DEMO_START_DELAY_S seconds, waits for network registration, starts a data call;
 *     2. runs DEMO_LOOPS rounds to DEMO_HTTPS_HOST:443; round r does, by r % 3,
 *          1: blocking: two sockets and two contexts set up from ONE config, a GET on each;
 *          0: non-blocking (O_NONBLOCK + select): one context, the handshake driven by select();
 *          2: session cache: five connections in a row from one config with
 *             QL_SSL_CONF_SESSION_CACHE 1 (conf_init once, conf_set again in every loop,
 *             conf_free after the loop); every connection after the first must be resumed;
 *        every TLS config: VERSION_ALL, TLS, VERIFY_NULL, HS_TIMEOUT 60, SNI 1, a malloc'd
 *        RC4-only suite list (RC4-MD5, RC4-SHA) - zero-terminated like the current SDK demo, or
 *        two ints with NO terminator like the older one - that the config adopts and
 *        ql_ssl_conf_free() releases, and QL_SSL_CONF_CACERT given as (char **paths, int count)
 *        with "UFS:cacert.pem"; responses are read in 120-byte pieces;
 *     3. runs two DTLS-PSK echoes to DEMO_DTLS_SERVER_IP:8252 over non-blocking UDP, HS_TIMEOUT
 *        5000, suites {PSK-RC4-SHA, PSK-AES128-CBC-SHA}: once with the older generation's
 *        QL_SSL_CONF_PSK (key bytes, length, identity, length) and VERIFY_SERVER, once with
 *        QL_SSL_CONF_PSK_IDENTITY / QL_SSL_CONF_PSK_KEY (hex) and DTLS 1.2;
 *     4. logs a summary (at ERROR level if anything failed) and deletes itself.
 *
 * With DEMO_LOOPS 100 that is 266 TLS connections (68 blocking, 33 non-blocking, 165 session-cache
 * of which 132 resumed) and 2 DTLS handshakes. On Linux, scripts/run_demo.sh runs it with
 * runtime/qlrt-run against the embedded server and checks these numbers against the server's own.
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

#define DEMO_SIM 0
#define DEMO_PROFILE 1
#define DEMO_APN "uninet"

#define DEMO_HTTPS_HOST "www.baidu.com"
#define DEMO_HTTPS_PORT 443
#define DEMO_DTLS_SERVER_IP "220.180.239.212"
#define DEMO_DTLS_PORT 8252
/* The older SDK demo's PSK: identity "123", key the six ASCII bytes "123456". */
#define DEMO_PSK_IDENTITY "123"
#define DEMO_PSK_KEY "123456"
#define DEMO_PSK_KEY_HEX "313233343536"

#define DEMO_CA_PATH "UFS:cacert.pem"
#define DEMO_SESSION_LOOPS 5
#define DEMO_READ_CHUNK 120
#define DEMO_IO_TIMEOUT_S 30
#define DEMO_HS_TIMEOUT_S 60
#define DEMO_DTLS_HS_TIMEOUT_S 5000 /* what the SDK demos pass */
#define DEMO_MAX_WAITS 2000         /* select() rounds per exchange */

static ql_task_t demo_task = NULL;
static char *demo_ca_path = DEMO_CA_PATH; /* QL_SSL_CONF_CACERT takes (char **paths, int count) */

struct demo_totals {
    int https_ok, https_fail;
    int blocking_ok, nonblocking_ok, cached_ok, resumed;
    int dtls_ok, dtls_fail;
};

/* The suite list the SDK way: malloc'd, RC4 only, adopted by the config (never freed here). */
static int *demo_rc4_list(int terminated)
{
    int n = terminated ? 3 : 2;
    int *list = malloc(sizeof(int) * (size_t)n);
    if (list == NULL)
        return NULL;
    list[0] = QL_SSL_TLS_RSA_WITH_RC4_128_MD5;
    list[1] = QL_SSL_TLS_RSA_WITH_RC4_128_SHA;
    if (terminated)
        list[2] = 0;
    return list;
}

/* The TLS settings every SDK demo round uses; 0 on success. */
static int demo_tls_conf(ql_ssl_config *conf, int terminated_list, int session_cache)
{
    int *list = demo_rc4_list(terminated_list);
    int ret;

    if (list == NULL)
        return QL_SSL_ERROR_OUT_OF_MEM;
    ret = ql_ssl_conf_set(conf, QL_SSL_CONF_CIPHERSUITE, list);
    if (ret != QL_SSL_SUCCESS) {
        free(list); /* not adopted */
        return ret;
    }
    if ((ret = ql_ssl_conf_set(conf, QL_SSL_CONF_VERSION, QL_SSL_VERSION_ALL)) != QL_SSL_SUCCESS ||
        (ret = ql_ssl_conf_set(conf, QL_SSL_CONF_TRANSPORT, QL_SSL_TLS_PROTOCOL)) != QL_SSL_SUCCESS ||
        (ret = ql_ssl_conf_set(conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_NULL)) != QL_SSL_SUCCESS ||
        (ret = ql_ssl_conf_set(conf, QL_SSL_CONF_HS_TIMEOUT, DEMO_HS_TIMEOUT_S)) != QL_SSL_SUCCESS ||
        (ret = ql_ssl_conf_set(conf, QL_SSL_CONF_CACERT, &demo_ca_path, 1)) != QL_SSL_SUCCESS ||
        (ret = ql_ssl_conf_set(conf, QL_SSL_CONF_SNI, 1)) != QL_SSL_SUCCESS)
        return ret;
    if (session_cache)
        ret = ql_ssl_conf_set(conf, QL_SSL_CONF_SESSION_CACHE, 1);
    return ret;
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
    ret = select(fd + 1, want_read ? &set : NULL, want_read ? NULL : &set, NULL, &tv);
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

/* Resolve a name through the data call's DNS, as the SDK demos do; 0 on success. */
static int demo_resolve(const char *host, int port, struct sockaddr_in *server)
{
    struct addrinfo *res = NULL, *ai;
    int ret = getaddrinfo_with_pcid(host, NULL, NULL, &res, (uint32)DEMO_PROFILE);

    if (ret != 0 || res == NULL) {
        DEMO_ERR("cannot resolve %s: %d", host, ret);
        return -1;
    }
    for (ai = res; ai != NULL && ai->ai_family != AF_INET; ai = ai->ai_next)
        ;
    if (ai != NULL) {
        memset(server, 0, sizeof(*server));
        server->sin_len = sizeof(*server);
        server->sin_family = AF_INET;
        server->sin_port = htons(port);
        server->sin_addr = ((struct sockaddr_in *)ai->ai_addr)->sin_addr;
    }
    freeaddrinfo(res);
    return ai != NULL ? 0 : -1;
}

/* TCP connect, blocking or not; returns the socket or -1. */
static int demo_tcp_connect(const struct sockaddr_in *server, const ql_data_call_info_s *info, int nonblock)
{
    int fd, ret, err = 0;
    int err_len = sizeof(err); /* the SDK's socklen_t is int */

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
        DEMO_ERR("connect failed: error %d", lwip_get_error(fd));
        close(fd);
        return -1;
    }
    if (demo_wait_fd(fd, 0, DEMO_IO_TIMEOUT_S) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0 ||
        err != 0) {
        DEMO_ERR("non-blocking connect failed: SO_ERROR %d", err);
        close(fd);
        return -1;
    }
    return fd;
}

/* Handshake to the end (select loop on a non-blocking socket); QL_SSL_SUCCESS or the error. */
static int demo_handshake(ql_ssl_context *ssl_ctx, int fd, int *waits)
{
    for (;;) {
        int ret = ql_ssl_handshark(ssl_ctx); /* the older header's spelling: a macro now */
        if (ret == QL_SSL_SUCCESS)
            return ql_ssl_handshark_finished(ssl_ctx) == 1 ? QL_SSL_SUCCESS : QL_SSL_ERROR_UNKOWN;
        if ((ret != QL_SSL_ERROR_WANT_READ && ret != QL_SSL_ERROR_WANT_WRITE) || demo_wait_ssl(fd, ret, waits) != 0)
            return ret;
    }
}

/* GET over an established context, response read in 120-byte pieces; 0 when it was a 200. */
static int demo_get(ql_ssl_context *ssl_ctx, int fd, int round, const char *what)
{
    static const char request[] = "GET /index.html HTTP/1.1\r\nHost: " DEMO_HTTPS_HOST
                                  "\r\nUser-Agent: QuecOpen\r\nConnection: Keep-Alive\r\n\r\n";
    unsigned char chunk[DEMO_READ_CHUNK + 1];
    char status[16] = "";
    size_t sent = 0, got = 0;
    int ret, waits = 0;

    while (sent < sizeof(request) - 1) {
        ret = ql_ssl_write(ssl_ctx, (const unsigned char *)request + sent, sizeof(request) - 1 - sent);
        if (ret > 0)
            sent += (size_t)ret;
        else if (demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("[%d] %s: write failed: %d", round, what, ret);
            return -1;
        }
    }
    for (;;) {
        memset(chunk, 0, sizeof(chunk));
        ret = ql_ssl_read(ssl_ctx, chunk, DEMO_READ_CHUNK);
        if (ret > 0) {
            if (got < sizeof(status) - 1) {
                size_t n = sizeof(status) - 1 - got < (size_t)ret ? sizeof(status) - 1 - got : (size_t)ret;
                memcpy(status + got, chunk, n);
            }
            got += (size_t)ret;
            continue;
        }
        if (ret == 0 || (ret == QL_SSL_ERROR_SOCKET_RESET && got > 0))
            break; /* the server closes after its response */
        if (demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("[%d] %s: read failed: %d", round, what, ret);
            return -1;
        }
    }
    if (strncmp(status, "HTTP/1.0 200", 12) != 0 && strncmp(status, "HTTP/1.1 200", 12) != 0) {
        DEMO_ERR("[%d] %s: unexpected response '%.15s'", round, what, status);
        return -1;
    }
    DEMO_LOG("[%d] %s: %.15s, %u bytes, cipher suite 0x%04x", round, what, status, (unsigned)got,
             ql_ssl_get_ciphersuite(ssl_ctx));
    return 0;
}

/* r % 3 == 1: two blocking connections, two contexts set up from one config; successes counted. */
static int demo_blocking_pair(int round, const struct sockaddr_in *server, const ql_data_call_info_s *info)
{
    ql_ssl_config conf;
    ql_ssl_context ctx[2] = {-1, -1}; /* -1 is never a handle: freeing an unfilled one is a no-op error */
    int fd[2] = {-1, -1}, ok = 0, i, ret, waits = 0;

    for (i = 0; i < 2; i++) {
        fd[i] = demo_tcp_connect(server, info, 0);
        if (fd[i] < 0)
            goto out;
    }
    ql_ssl_conf_init(&conf);
    ret = demo_tls_conf(&conf, 1, 0);
    for (i = 0; i < 2 && ret == QL_SSL_SUCCESS; i++)
        ret = ql_ssl_new(&ctx[i]);
    /* The current SDK demo's order: socket, setup, then the host name. */
    for (i = 0; i < 2 && ret == QL_SSL_SUCCESS; i++) {
        if ((ret = ql_ssl_set_socket_fd(&ctx[i], fd[i])) == QL_SSL_SUCCESS)
            ret = ql_ssl_setup(&ctx[i], &conf);
    }
    for (i = 0; i < 2 && ret == QL_SSL_SUCCESS; i++)
        ret = ql_ssl_set_hostname(&ctx[i], DEMO_HTTPS_HOST);
    for (i = 0; i < 2 && ret == QL_SSL_SUCCESS; i++)
        ret = demo_handshake(&ctx[i], fd[i], &waits);
    if (ret != QL_SSL_SUCCESS)
        DEMO_ERR("[%d] blocking pair: setup/handshake failed: %d", round, ret);
    for (i = 0; i < 2 && ret == QL_SSL_SUCCESS; i++) {
        if (demo_get(&ctx[i], fd[i], round, i ? "blocking #2" : "blocking #1") == 0)
            ok++;
        ql_ssl_close_notify(&ctx[i]); /* the server has closed already: an error code, no harm */
    }
    ql_ssl_conf_free(&conf);
    ql_ssl_free(&ctx[0]);
    ql_ssl_free(&ctx[1]);
out:
    for (i = 0; i < 2; i++) {
        if (fd[i] >= 0) {
            shutdown(fd[i], SHUT_RDWR);
            close(fd[i]);
        }
    }
    return ok;
}

/* r % 3 == 0: one non-blocking connection, the older demo's call order and unterminated list. */
static int demo_nonblocking(int round, const struct sockaddr_in *server, const ql_data_call_info_s *info)
{
    ql_ssl_config conf;
    ql_ssl_context ctx = -1; /* freed on every path: -1 is never a handle */
    int fd, ret, waits = 0, ok = 0;

    fd = demo_tcp_connect(server, info, 1);
    if (fd < 0)
        return 0;
    ql_ssl_conf_init(&conf);
    ret = demo_tls_conf(&conf, 0, 0);
    if (ret == QL_SSL_SUCCESS)
        ret = ql_ssl_new(&ctx);
    /* The older SDK demo's order: host name and socket before setup. */
    if (ret == QL_SSL_SUCCESS && (ret = ql_ssl_set_hostname(&ctx, DEMO_HTTPS_HOST)) == QL_SSL_SUCCESS &&
        (ret = ql_ssl_set_socket_fd(&ctx, fd)) == QL_SSL_SUCCESS && (ret = ql_ssl_setup(&ctx, &conf)) == QL_SSL_SUCCESS)
        ret = demo_handshake(&ctx, fd, &waits);
    if (ret != QL_SSL_SUCCESS)
        DEMO_ERR("[%d] non-blocking: setup/handshake failed: %d", round, ret);
    else if (demo_get(&ctx, fd, round, "non-blocking") == 0)
        ok = 1;
    ql_ssl_conf_free(&conf); /* also releases the adopted suite list */
    ql_ssl_free(&ctx);
    shutdown(fd, SHUT_WR);
    close(fd);
    return ok;
}

/* r % 3 == 2: DEMO_SESSION_LOOPS connections from one config with the session cache on. */
static int demo_session_cache(int round, const struct sockaddr_in *server, const ql_data_call_info_s *info,
                              int *resumed)
{
    ql_ssl_config conf;
    int loop, ok = 0;

    ql_ssl_conf_init(&conf);
    for (loop = 0; loop < DEMO_SESSION_LOOPS; loop++) {
        ql_ssl_context ctx = -1;
        int fd, ret, waits = 0, again;

        fd = demo_tcp_connect(server, info, 0);
        if (fd < 0)
            continue;
        ret = demo_tls_conf(&conf, 1, 1); /* set again in every loop, as the SDK demo does */
        if (ret == QL_SSL_SUCCESS && (ret = ql_ssl_new(&ctx)) == QL_SSL_SUCCESS &&
            (ret = ql_ssl_setup(&ctx, &conf)) == QL_SSL_SUCCESS &&
            (ret = ql_ssl_set_hostname(&ctx, DEMO_HTTPS_HOST)) == QL_SSL_SUCCESS &&
            (ret = ql_ssl_set_socket_fd(&ctx, fd)) == QL_SSL_SUCCESS)
            ret = demo_handshake(&ctx, fd, &waits);
        if (ret != QL_SSL_SUCCESS) {
            DEMO_ERR("[%d] session cache %d: setup/handshake failed: %d", round, loop, ret);
        } else {
            again = ql_ssl_session_resumed(&ctx);
            if (loop > 0 && again != 1)
                DEMO_ERR("[%d] session cache %d: full handshake where a resumption was expected", round, loop);
            if (demo_get(&ctx, fd, round, again == 1 ? "session cache (resumed)" : "session cache (full)") == 0 &&
                (loop == 0 || again == 1)) {
                ok++;
                *resumed += again == 1;
            }
            ql_ssl_close_notify(&ctx);
        }
        ql_ssl_free(&ctx);
        shutdown(fd, SHUT_RDWR);
        close(fd);
    }
    ql_ssl_conf_free(&conf);
    return ok;
}

/* One DTLS-PSK echo over non-blocking UDP; older_api: QL_SSL_CONF_PSK + VERIFY_SERVER. 0 on success. */
static int demo_dtls_psk(const ql_data_call_info_s *info, int older_api)
{
    const char *what = older_api ? "dtls (QL_SSL_CONF_PSK)" : "dtls (PSK_IDENTITY/PSK_KEY)";
    const char *msg = "hello over DTLS-PSK from ssl_demo";
    struct sockaddr_in server;
    ql_ssl_config conf;
    ql_ssl_context ctx = -1;
    unsigned char echo[256];
    int *list, fd, ret, waits = 0, result = -1;
    size_t msg_len = strlen(msg);

    memset(&server, 0, sizeof(server));
    server.sin_len = sizeof(server);
    server.sin_family = AF_INET;
    server.sin_port = htons(DEMO_DTLS_PORT);
    inet_aton(DEMO_DTLS_SERVER_IP, &server.sin_addr);
    fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (fd < 0)
        return -1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    if (demo_bind_module_addr(fd, info) != 0 || connect(fd, (struct sockaddr *)&server, sizeof(server)) != 0) {
        DEMO_ERR("%s: udp bind/connect failed: %d", what, lwip_get_error(fd));
        close(fd);
        return -1;
    }

    ql_ssl_conf_init(&conf);
    list = malloc(2 * sizeof(int)); /* unterminated, as the older demo passes it */
    if (list == NULL) {
        ret = QL_SSL_ERROR_OUT_OF_MEM;
        goto out;
    }
    list[0] = QL_SSL_TLS_PSK_WITH_RC4_128_SHA; /* not allowed in DTLS: never chosen */
    list[1] = QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA;
    if ((ret = ql_ssl_conf_set(&conf, QL_SSL_CONF_CIPHERSUITE, list)) != QL_SSL_SUCCESS) {
        free(list);
        goto out;
    }
    ql_ssl_conf_set(&conf, QL_SSL_CONF_VERSION, QL_SSL_VERSION_3);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_TRANSPORT, QL_SSL_DTLS_PROTOCOL);
    ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, DEMO_DTLS_HS_TIMEOUT_S);
    if (older_api) {
        ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER);
        ret = ql_ssl_conf_set(&conf, QL_SSL_CONF_PSK, (const unsigned char *)DEMO_PSK_KEY, (int)strlen(DEMO_PSK_KEY),
                              (const unsigned char *)DEMO_PSK_IDENTITY, (int)strlen(DEMO_PSK_IDENTITY));
    } else {
        ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_NULL);
        ql_ssl_conf_set(&conf, QL_SSL_CONF_DTLSVERSION, QL_SSL_VER_DTLS12);
        if ((ret = ql_ssl_conf_set(&conf, QL_SSL_CONF_PSK_IDENTITY, DEMO_PSK_IDENTITY)) == QL_SSL_SUCCESS)
            ret = ql_ssl_conf_set(&conf, QL_SSL_CONF_PSK_KEY, DEMO_PSK_KEY_HEX);
    }
    if (ret == QL_SSL_SUCCESS && (ret = ql_ssl_new(&ctx)) == QL_SSL_SUCCESS &&
        (ret = ql_ssl_setup(&ctx, &conf)) == QL_SSL_SUCCESS &&
        (ret = ql_ssl_set_hostname(&ctx, DEMO_DTLS_SERVER_IP)) == QL_SSL_SUCCESS &&
        (ret = ql_ssl_set_socket_fd(&ctx, fd)) == QL_SSL_SUCCESS)
        ret = demo_handshake(&ctx, fd, &waits);
    if (ret != QL_SSL_SUCCESS) {
        DEMO_ERR("%s: setup/handshake failed: %d", what, ret);
        goto out_ctx;
    }
    for (;;) {
        ret = ql_ssl_write(&ctx, (const unsigned char *)msg, msg_len);
        if (ret == (int)msg_len)
            break;
        if (ret >= 0 || demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("%s: write failed: %d", what, ret);
            goto out_ctx;
        }
    }
    for (;;) {
        memset(echo, 0, sizeof(echo));
        ret = ql_ssl_read(&ctx, echo, sizeof(echo) - 1);
        if (ret > 0)
            break;
        if (demo_wait_ssl(fd, ret, &waits) != 0) {
            DEMO_ERR("%s: read failed: %d", what, ret);
            goto out_ctx;
        }
    }
    if ((size_t)ret == msg_len && memcmp(echo, msg, msg_len) == 0) {
        DEMO_LOG("%s: echo ok, cipher suite 0x%04x", what, ql_ssl_get_ciphersuite(&ctx));
        result = 0;
    } else {
        DEMO_ERR("%s: echo mismatch: %d bytes '%.60s'", what, ret, (char *)echo);
    }
    for (waits = 0;;) {
        ret = ql_ssl_close_notify(&ctx);
        if (ret != QL_SSL_ERROR_WANT_WRITE || demo_wait_ssl(fd, ret, &waits) != 0)
            break;
    }
out_ctx:
    ql_ssl_free(&ctx);
out:
    ql_ssl_conf_free(&conf);
    close(fd);
    return result;
}

static void ssl_demo_task(void *arg)
{
    ql_data_call_info_s info;
    struct sockaddr_in server;
    struct demo_totals t;
    char ip4_str[INET_ADDRSTRLEN];
    int ret, round, n, expected = 0, expected_resumed = 0;

    (void)arg;
    memset(&t, 0, sizeof(t));
    ql_rtos_task_sleep_s(DEMO_START_DELAY_S);
    if ((ret = ql_network_register_wait(DEMO_SIM, 120)) != 0) {
        DEMO_ERR("network registration failed: %d", ret);
        goto exit;
    }
    ql_set_data_call_asyn_mode(DEMO_SIM, DEMO_PROFILE, 0);
    if ((ret = ql_start_data_call(DEMO_SIM, DEMO_PROFILE, QL_PDP_TYPE_IP, DEMO_APN, NULL, NULL, 0)) != 0) {
        DEMO_ERR("data call failed: %d", ret);
        goto exit;
    }
    memset(&info, 0, sizeof(info));
    if ((ret = ql_get_data_call_info(DEMO_SIM, DEMO_PROFILE, &info)) != 0 || info.v4.state == 0) {
        DEMO_ERR("no data call info: %d", ret);
        goto stop;
    }
    inet_ntop(AF_INET, &info.v4.addr.ip, ip4_str, sizeof(ip4_str));
    DEMO_LOG("data call: profile %d, ipv4 %s", info.profile_idx, ip4_str);

    for (round = 1; round <= DEMO_LOOPS; round++) {
        if (demo_resolve(DEMO_HTTPS_HOST, DEMO_HTTPS_PORT, &server) != 0) {
            t.https_fail++;
            continue;
        }
        switch (round % 3) {
        case 1:
            n = demo_blocking_pair(round, &server, &info);
            t.blocking_ok += n;
            expected += 2;
            break;
        case 0:
            n = demo_nonblocking(round, &server, &info);
            t.nonblocking_ok += n;
            expected += 1;
            break;
        default:
            n = demo_session_cache(round, &server, &info, &t.resumed);
            t.cached_ok += n;
            expected += DEMO_SESSION_LOOPS;
            expected_resumed += DEMO_SESSION_LOOPS - 1;
            break;
        }
        t.https_ok += n;
        ql_rtos_task_sleep_s(1);
    }
    t.https_fail = expected - t.https_ok;

    for (n = 0; n < 2; n++) {
        if (demo_dtls_psk(&info, n == 0) == 0)
            t.dtls_ok++;
        else
            t.dtls_fail++;
    }

    if (t.https_fail == 0 && t.dtls_fail == 0 && t.resumed == expected_resumed) {
        DEMO_PUSH("summary: https %d/%d ok (blocking %d, non-blocking %d, session cache %d, resumed %d/%d), "
                  "dtls-psk %d/2 ok",
                  t.https_ok, expected, t.blocking_ok, t.nonblocking_ok, t.cached_ok, t.resumed, expected_resumed,
                  t.dtls_ok);
    } else {
        DEMO_ERR("summary: https %d/%d ok (blocking %d, non-blocking %d, session cache %d, resumed %d/%d), "
                 "dtls-psk %d/2 ok",
                 t.https_ok, expected, t.blocking_ok, t.nonblocking_ok, t.cached_ok, t.resumed, expected_resumed,
                 t.dtls_ok);
    }
stop:
    ql_stop_data_call(DEMO_SIM, DEMO_PROFILE);
exit:
    ql_rtos_task_delete(demo_task); /* deletes itself, as the SDK demo does */
}

int ql_ssl_app_init(void)
{
    QlOSStatus err = ql_rtos_task_create(&demo_task, 16 * 1024, APP_PRIORITY_ABOVE_NORMAL, "QsslApp", ssl_demo_task,
                                         NULL, 5);
    if (err != QL_OSI_SUCCESS)
        DEMO_ERR("ssl_app init failed: %d", err);
    return err;
}
