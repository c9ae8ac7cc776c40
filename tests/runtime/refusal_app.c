/*
 * refusal_app.c - a QuecOpen-style app that tries public destinations the runtime must refuse,
 * and one that QLRT_MAP sends to the embedded server (positive control, a real TLS GET).
 * Run by tests/runtime/runtime_tests.sh refused, inside a loopback-only network namespace and
 * under strace: the script checks that no connect()/sendto() to a public address happened.
 *
 * Expected: 5 refusals (summary refused=5), no ERROR log, runner exit status 3.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "ql_api_osi.h"
#include "ql_log.h"
#include "ql_api_datacall.h"
#include "sockets.h"
#include "lwip/netdb.h"
#include "lwip/inet.h"
#include "ql_ssl.h"
#include "qlrt.h"

#define TAG "refusal"
#define CHECK(cond, ...)                                                                                  \
    do {                                                                                                  \
        if (!(cond)) qlrt_report_failure(__VA_ARGS__);                                                    \
    } while (0)

static struct sockaddr_in addr4(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_len = sizeof(a);
    a.sin_family = AF_INET;
    a.sin_port = htons((u16_t)port);
    if (inet_aton(ip, &a.sin_addr) == 0) qlrt_report_failure("inet_aton(%s) failed", ip);
    return a;
}

static void expect_tcp_refused(const char *ip, int port, int nonblock)
{
    struct sockaddr_in a = addr4(ip, port);
    int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    int r;
    CHECK(fd >= 0, "socket");
    if (nonblock) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    r = connect(fd, (struct sockaddr *)&a, sizeof(a));
    CHECK(r == -1, "connect to %s:%d succeeded (%d) but must be refused", ip, port, r);
    CHECK(lwip_get_error(fd) == ECONNREFUSED, "connect to %s:%d: error %d, want ECONNREFUSED", ip, port,
          lwip_get_error(fd));
    CHECK(errno == ECONNREFUSED, "connect to %s:%d: errno %d, want ECONNREFUSED", ip, port, errno);
    QL_LOG(QL_LOG_LEVEL_INFO, TAG, "tcp %s:%d%s refused as expected", ip, port, nonblock ? " (non-blocking)" : "");
    close(fd);
}

/* Positive control: a public address mapped by QLRT_MAP reaches the embedded server. */
static void expect_mapped_https(void)
{
    struct sockaddr_in a = addr4("198.51.100.7", 443);
    ql_ssl_config conf;
    ql_ssl_context ctx;
    unsigned char buf[512];
    const char *req = "GET /mapped HTTP/1.0\r\n\r\n";
    int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), r, got = 0, i;
    CHECK(fd >= 0, "socket");
    r = connect(fd, (struct sockaddr *)&a, sizeof(a));
    CHECK(r == 0, "mapped connect failed: %d", lwip_get_error(fd));
    ql_ssl_conf_init(&conf);
    CHECK(ql_ssl_new(&ctx) == QL_SSL_SUCCESS, "ql_ssl_new");
    CHECK(ql_ssl_setup(&ctx, &conf) == QL_SSL_SUCCESS, "ql_ssl_setup");
    CHECK(ql_ssl_set_socket_fd(&ctx, fd) == QL_SSL_SUCCESS, "set_socket_fd");
    r = ql_ssl_handshake(&ctx);
    CHECK(r == QL_SSL_SUCCESS, "mapped handshake: %d", r);
    r = ql_ssl_write(&ctx, (const unsigned char *)req, strlen(req));
    CHECK(r == (int)strlen(req), "mapped write: %d", r);
    for (i = 0; i < 100; i++) {
        r = ql_ssl_read(&ctx, buf + got, sizeof(buf) - 1 - (size_t)got);
        if (r <= 0) break;
        got += r;
        if (got >= (int)sizeof(buf) - 1) break;
    }
    buf[got] = '\0';
    CHECK(strncmp((char *)buf, "HTTP/1.0 200", 12) == 0, "mapped response: '%.40s'", (char *)buf);
    QL_LOG(QL_LOG_LEVEL_INFO, TAG, "mapped 198.51.100.7:443 answered: %.15s", (char *)buf);
    ql_ssl_free(&ctx);
    ql_ssl_conf_free(&conf);
    close(fd);
}

static void refusal_task(void *arg)
{
    struct addrinfo hints, *res = NULL;
    struct sockaddr_in a;
    const char *msg = "must never leave the machine";
    int fd, r;
    (void)arg;

    /* 1, 2: TCP, blocking and non-blocking (refused at once, not EINPROGRESS) */
    expect_tcp_refused("93.184.216.34", 443, 0);
    expect_tcp_refused("1.1.1.1", 443, 1);

    /* 3: UDP sendto */
    fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    a = addr4("220.180.239.212", 8252);
    r = (int)sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&a, sizeof(a));
    CHECK(r == -1 && lwip_get_error(fd) == EHOSTUNREACH, "udp sendto: %d / error %d, want -1 / EHOSTUNREACH", r,
          lwip_get_error(fd));

    /* 4: UDP connect */
    a = addr4("8.8.8.8", 53);
    r = connect(fd, (struct sockaddr *)&a, sizeof(a));
    CHECK(r == -1 && lwip_get_error(fd) == EHOSTUNREACH, "udp connect: %d / error %d, want -1 / EHOSTUNREACH", r,
          lwip_get_error(fd));
    close(fd);

    /* 5: a host name no rule names: no DNS query, EAI_FAIL */
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    r = getaddrinfo_with_pcid("unmapped.example.org", NULL, &hints, &res, 1);
    CHECK(r == EAI_FAIL && res == NULL, "getaddrinfo of an unmapped name: %d, want EAI_FAIL", r);

    /* Loopback needs no rule; a mapped public address works. */
    expect_mapped_https();
    ql_rtos_task_delete(NULL);
}

int refusal_app_init(void)
{
    ql_task_t t;
    return ql_rtos_task_create(&t, 8192, APP_PRIORITY_NORMAL, "refusal", refusal_task, NULL, 0);
}
