/*
 * rt_unit.c - checks of the SDK host runtime itself, run as an app by
 * tests/runtime/runtime_tests.sh unit with
 *   QLRT_TIME_SCALE=20  QLRT_MAP='svc.example.net:7000=127.0.0.1:<port>,192.0.2.10:9=<udp echo>'
 * Every failed check calls qlrt_report_failure(), so the run exits 1. A final line
 * "rt_unit: N checks passed" lets the script see that the checks ran.
 *
 * Covered: layouts (sin6_len, lwIP sockaddr sizes), byte order, inet_ and ip4addr_/ip6addr_ text
 * conversions, data call info, getaddrinfo through QLRT_MAP placeholders, TCP over lwip_*
 * (listen/accept/connect/select/fcntl/getsockopt/getpeername with reverse mapping), UDP
 * sendto/recvfrom through a rule, task self-deletion and deletion by another task, the time
 * scale, mutexes and semaphores; the SDK's values of the compat headers' constants (checked at
 * compile time), socklen_t being int (an `int` length is passed as the SDK demos do, and the
 * app is built with -Werror), negative lengths, the log macros of both SDK generations.
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
#include "qlrt.h"

/* Values from the SDK headers (ql_log.h, ql_osi_def.h, ql_api_datacall.h, lwIP's arch.h). */
_Static_assert(QL_LOG_LEVEL_NEVER == 0 && QL_LOG_LEVEL_ERROR == 1 && QL_LOG_LEVEL_WARN == 2 && QL_LOG_LEVEL_INFO == 3 &&
                   QL_LOG_LEVEL_DEBUG == 4 && QL_LOG_LEVEL_VERBOSE == 5 && QL_LOG_OUTPUT_LEVEL == QL_LOG_LEVEL_INFO,
               "QL_LOG_LEVEL_* are the SDK's");
_Static_assert(QL_LOG_TAG_OPEN == 0x9d427d1u && QL_LOG_TAG == QL_LOG_TAG_OPEN, "QOPN tag, both generations' spelling");
_Static_assert(APP_PRIORITY_IDLE == 1 && APP_PRIORITY_LOW == 4 && APP_PRIORITY_BELOW_NORMAL == 8 &&
                   APP_PRIORITY_NORMAL == 12 && APP_PRIORITY_ABOVE_NORMAL == 16 && APP_PRIORITY_HIGH == 25 &&
                   APP_PRIORITY_REALTIME == 30,
               "APP_PRIORITY_* are the SDK's");
_Static_assert((unsigned)QL_OSI_TASK_PARAM_INVALID == 0x81000001u && (unsigned)QL_OSI_TASK_DELETE_FAIL == 0x81000004u &&
                   (unsigned)QL_OSI_SEMA_GET_FAIL == 0x81000068u && (unsigned)QL_OSI_MUTEX_LOCK_FAIL == 0x81000098u,
               "QL_OSI_* are the SDK's");
_Static_assert((unsigned)QL_DATACALL_INVALID_PARAM_ERR == 0x86010003u &&
                   (unsigned)QL_DATACALL_NW_REGISTER_TIMEOUT_ERR == 0x86010004u,
               "QL_DATACALL_* are the SDK's");
_Static_assert(sizeof(socklen_t) == sizeof(int) && (socklen_t)-1 < 0, "socklen_t is int, as in the SDK's lwIP");

static int g_checks;
static volatile int g_victim_loops;
static ql_sem_t g_done;

#define CHECK(cond, ...)                                                                                  \
    do {                                                                                                  \
        g_checks++;                                                                                       \
        if (!(cond)) {                                                                                    \
            qlrt_report_failure("line %d: %s", __LINE__, #cond);                                          \
            QL_LOG(QL_LOG_LEVEL_WARN, "rt_unit", __VA_ARGS__);                                            \
        }                                                                                                 \
    } while (0)

static void check_text(void)
{
    ip4_addr_t a4;
    ip6_addr_t a6;
    ip_addr_t any;
    struct in_addr in;
    struct in6_addr in6;
    char buf[INET6_ADDRSTRLEN];

    CHECK(sizeof(struct sockaddr_in) == 16, "sockaddr_in is %u bytes", (unsigned)sizeof(struct sockaddr_in));
    CHECK(sizeof(struct sockaddr_in6) == 28, "sockaddr_in6 is %u bytes", (unsigned)sizeof(struct sockaddr_in6));
    CHECK(offsetof(struct sockaddr_in6, sin6_len) == 0 && offsetof(struct sockaddr_in6, sin6_family) == 1,
          "sin6_len/sin6_family offsets");
    CHECK(offsetof(struct sockaddr_in6, sin6_addr) == 8, "sin6_addr offset");
    CHECK(htons(0x1234) == 0x3412 && ntohl(htonl(0x01020304UL)) == 0x01020304UL, "byte order");

    CHECK(ip4addr_aton("10.1.2.3", &a4) == 1 && a4.addr == PP_HTONL(LWIP_MAKEU32(10, 1, 2, 3)), "ip4addr_aton");
    CHECK(strcmp(ip4addr_ntoa(&a4), "10.1.2.3") == 0, "ip4addr_ntoa: %s", ip4addr_ntoa(&a4));
    CHECK(ip4addr_aton("300.1.2.3", &a4) == 0, "ip4addr_aton accepts 300.1.2.3");
    CHECK(ip4addr_aton(NULL, &a4) == 0, "ip4addr_aton(NULL)");
    CHECK(inet_addr("127.0.0.1") == PP_HTONL(0x7f000001UL), "inet_addr");
    CHECK(inet_addr("bogus") == INADDR_NONE, "inet_addr(bogus)");
    CHECK(inet_aton("192.0.2.1", &in) == 1 && strcmp(inet_ntoa(in), "192.0.2.1") == 0, "inet_aton/inet_ntoa");
    CHECK(inet_pton(AF_INET, "192.0.2.77", &in) == 1 &&
              strcmp(inet_ntop(AF_INET, &in, buf, sizeof(buf)), "192.0.2.77") == 0,
          "inet_pton/inet_ntop v4");
    CHECK(inet_ntop(AF_INET, &in, buf, 4) == NULL, "inet_ntop into a too small buffer must fail");
    CHECK(inet_pton(AF_INET6, "2001:db8::1", &in6) == 1 && in6.s6_addr[0] == 0x20 && in6.s6_addr[15] == 1,
          "inet_pton v6");
    CHECK(inet6_aton("fe80::2", &in6) == 1 && in6.s6_addr[0] == 0xfe && in6.s6_addr[15] == 2, "inet6_aton");
    CHECK(inet6_aton("not-v6", &in6) == 0, "inet6_aton(bad)");
    CHECK(ip6addr_aton("::1", &a6) == 1 && ip6_addr_isloopback(&a6) && a6.zone == 0, "ip6addr_aton ::1");
    CHECK(strcmp(ip6addr_ntoa(&a6), "::1") == 0, "ip6addr_ntoa: %s", ip6addr_ntoa(&a6));
    CHECK(ipaddr_aton("2001:db8::5", &any) == 1 && IP_IS_V6(&any), "ipaddr_aton v6");
    CHECK(strcmp(ipaddr_ntoa(&any), "2001:db8::5") == 0, "ipaddr_ntoa v6");
    IP_ADDR4(&any, 127, 0, 0, 1);
    CHECK(IP_IS_V4(&any) && ip_addr_isloopback(&any) && strcmp(ipaddr_ntoa(&any), "127.0.0.1") == 0, "IP_ADDR4");
}

static void check_datacall(void)
{
    ql_data_call_info_s info;
    char buf[INET_ADDRSTRLEN];
    CHECK(ql_network_register_wait(0, 10) == 0, "network registration");
    CHECK(ql_network_register_wait(5, 10) == QL_DATACALL_INVALID_PARAM_ERR, "sim 5 must be rejected");
    CHECK(ql_start_data_call(0, 0, QL_PDP_TYPE_IP, "apn", NULL, NULL, 0) != 0, "profile 0 must be rejected");
    CHECK(ql_get_data_call_info(0, 2, NULL) != 0, "NULL info must be rejected");
    CHECK(ql_set_data_call_asyn_mode(0, 2, 0) == 0, "asyn mode");
    CHECK(ql_start_data_call(0, 2, QL_PDP_TYPE_IPV4V6, "apn", NULL, NULL, 0) == 0, "data call");
    CHECK(ql_get_data_call_info(0, 2, &info) == 0, "data call info");
    CHECK(info.profile_idx == 2 && info.ip_version == QL_PDP_TYPE_IPV4V6 && info.v4.state == 1 && info.v6.state == 1,
          "info fields");
    CHECK(strcmp(inet_ntop(AF_INET, &info.v4.addr.ip, buf, sizeof(buf)), "127.0.0.1") == 0, "v4 address");
    CHECK(strcmp(ip6addr_ntoa(&info.v6.addr.ip), "::1") == 0, "v6 address");
    CHECK(ql_stop_data_call(0, 2) == 0, "stop");
    CHECK(ql_get_data_call_info(0, 2, &info) == 0 && info.v4.state == 0, "stopped call is inactive");
}

static void check_dns(void)
{
    struct addrinfo hints, *res = NULL;
    struct sockaddr_in *sin;
    struct hostent *h;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    CHECK(getaddrinfo_with_pcid("svc.example.net", "7000", &hints, &res, 1) == 0 && res, "mapped name resolves");
    if (res) {
        sin = (struct sockaddr_in *)res->ai_addr;
        CHECK(res->ai_family == AF_INET && sin->sin_family == AF_INET && ntohs(sin->sin_port) == 7000, "ai fields");
        CHECK(strcmp(inet_ntoa(sin->sin_addr), "198.18.0.1") == 0, "placeholder address %s", inet_ntoa(sin->sin_addr));
        freeaddrinfo(res);
    }
    res = NULL;
    CHECK(getaddrinfo("127.0.0.9", "80", &hints, &res) == 0 && res, "numeric host");
    if (res) {
        CHECK(strcmp(inet_ntoa(((struct sockaddr_in *)res->ai_addr)->sin_addr), "127.0.0.9") == 0, "numeric value");
        freeaddrinfo(res);
    }
    res = NULL;
    CHECK(getaddrinfo("localhost", "x", &hints, &res) == EAI_SERVICE && res == NULL, "bad service");
    hints.ai_family = 99;
    CHECK(getaddrinfo("localhost", NULL, &hints, &res) == EAI_FAMILY, "bad family");
    hints.ai_family = AF_INET6;
    CHECK(getaddrinfo("localhost", NULL, &hints, &res) == 0 && res && res->ai_family == AF_INET6, "localhost v6");
    if (res) freeaddrinfo(res);
    h = gethostbyname("svc.example.net");
    CHECK(h != NULL && h->h_addrtype == AF_INET && h->h_length == 4, "gethostbyname");
    CHECK(getaddrinfo(NULL, NULL, &hints, &res) == EAI_NONAME, "no node, no service");
}

static void check_tcp(void)
{
    struct sockaddr_in a, peer;
    socklen_t len = sizeof(a);
    int lfd, cfd, sfd, on = 1, err = -1, r;
    int elen = sizeof(err); /* int, not socklen_t: the SDK demos' getsockopt(..., &len) */
    fd_set w;
    struct timeval tv;
    char buf[64];
    struct addrinfo hints, *res = NULL;

    lfd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(lfd >= 0, "socket");
    CHECK(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0, "SO_REUSEADDR");
    memset(&a, 0, sizeof(a));
    a.sin_len = sizeof(a);
    a.sin_family = AF_INET;
    a.sin_port = htons(7777);
    a.sin_addr.s_addr = htonl(INADDR_ANY); /* -> the module address (loopback) */
    r = bind(lfd, (struct sockaddr *)&a, sizeof(a));
    CHECK(r == 0, "bind 7777: error %d", lwip_get_error(lfd));
    CHECK(listen(lfd, 4) == 0, "listen");
    CHECK(getsockname(lfd, (struct sockaddr *)&a, &len) == 0 && a.sin_family == AF_INET && a.sin_len == sizeof(a) &&
              ntohs(a.sin_port) == 7777 && a.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "getsockname: %s:%d", inet_ntoa(a.sin_addr), ntohs(a.sin_port));

    /* Connect through the name rule, non-blocking, as the SDK demo does. */
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    CHECK(getaddrinfo_with_pcid("svc.example.net", NULL, &hints, &res, 1) == 0 && res, "resolve");
    if (res == NULL) return;
    memcpy(&a, res->ai_addr, sizeof(a));
    freeaddrinfo(res);
    a.sin_port = htons(7000);
    cfd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK(fcntl(cfd, F_SETFL, fcntl(cfd, F_GETFL, 0) | O_NONBLOCK) == 0, "O_NONBLOCK");
    CHECK((fcntl(cfd, F_GETFL, 0) & O_NONBLOCK) != 0, "F_GETFL shows O_NONBLOCK");
    r = connect(cfd, (struct sockaddr *)&a, sizeof(a));
    CHECK(r == 0 || lwip_get_error(cfd) == EINPROGRESS, "connect: %d / %d", r, lwip_get_error(cfd));
    FD_ZERO(&w);
    FD_SET(cfd, &w);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    CHECK(select(cfd + 1, NULL, &w, NULL, &tv) == 1, "select writable");
    CHECK(getsockopt(cfd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0, "SO_ERROR %d", err);
    len = sizeof(peer);
    sfd = accept(lfd, (struct sockaddr *)&peer, &len);
    CHECK(sfd >= 0 && peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "accept");
    len = sizeof(peer);
    CHECK(getpeername(cfd, (struct sockaddr *)&peer, &len) == 0, "getpeername");
    CHECK(strcmp(inet_ntoa(peer.sin_addr), "198.18.0.1") == 0 && ntohs(peer.sin_port) == 7000,
          "getpeername shows the mapped source, got %s:%d", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
    CHECK(send(cfd, "ping", 4, 0) == 4, "send");
    memset(buf, 0, sizeof(buf));
    CHECK(recv(sfd, buf, 4, MSG_WAITALL) == 4 && strcmp(buf, "ping") == 0, "recv");
    CHECK(recv(cfd, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN, "MSG_DONTWAIT without data");
    CHECK(shutdown(sfd, SHUT_WR) == 0, "shutdown");
    CHECK(setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0, "TCP_NODELAY");
    CHECK(getsockopt(cfd, SOL_SOCKET, 0x7777, &err, &elen) == -1 && errno == ENOPROTOOPT, "unknown option");
    /* socklen_t is signed: negative lengths are refused, never used as a size. */
    elen = -1;
    CHECK(getsockopt(cfd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1 && errno == EINVAL, "getsockopt length -1");
    CHECK(setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &on, -4) == -1 && errno == EINVAL, "setsockopt length -4");
    CHECK(connect(sfd, (struct sockaddr *)&a, -16) == -1 && errno == EINVAL, "connect length -16");
    memset(&peer, 0xa5, sizeof(peer));
    len = -1;
    CHECK(getpeername(cfd, (struct sockaddr *)&peer, &len) == 0 && len == (socklen_t)sizeof(peer) &&
              peer.sin_len == 0xa5,
          "getpeername with length -1 copies nothing and reports the full length");
    CHECK(inet_ntop(AF_INET, &peer.sin_addr, buf, -1) == NULL, "inet_ntop size -1");
    close(sfd);
    close(cfd);
    close(lfd);

    /* Binding to a non-loopback address is refused. */
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_addr.s_addr = inet_addr("192.0.2.5");
    a.sin_port = 0;
    CHECK(bind(lfd, (struct sockaddr *)&a, sizeof(a)) == -1 && lwip_get_error(lfd) == EADDRNOTAVAIL, "bind public");
    CHECK(connect(lfd, (struct sockaddr *)&a, 3) == -1 && lwip_get_error(lfd) == EINVAL, "short address");
    close(lfd);
}

static void check_udp(void)
{
    struct sockaddr_in srv, dst, from;
    socklen_t len = sizeof(srv);
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    int c = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    char buf[32];
    memset(&srv, 0, sizeof(srv));
    srv.sin_len = sizeof(srv);
    srv.sin_family = AF_INET;
    srv.sin_port = htons(7778);
    srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(s, (struct sockaddr *)&srv, sizeof(srv)) == 0, "udp bind 7778");
    dst = srv;
    dst.sin_addr.s_addr = inet_addr("192.0.2.10");
    dst.sin_port = htons(9);
    CHECK(sendto(c, "dgram", 5, 0, (struct sockaddr *)&dst, sizeof(dst)) == 5, "mapped sendto: %d",
          lwip_get_error(c));
    memset(buf, 0, sizeof(buf));
    CHECK(recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) == 5 && strcmp(buf, "dgram") == 0,
          "udp recvfrom");
    CHECK(sendto(s, "back", 4, 0, (struct sockaddr *)&from, len) == 4, "udp reply");
    len = sizeof(from);
    memset(buf, 0, sizeof(buf));
    CHECK(recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) == 4 && strcmp(buf, "back") == 0,
          "udp reply received");
    CHECK(strcmp(inet_ntoa(from.sin_addr), "192.0.2.10") == 0 && ntohs(from.sin_port) == 9,
          "reply shows the mapped source, got %s:%d", inet_ntoa(from.sin_addr), ntohs(from.sin_port));
    close(s);
    close(c);
}

static void victim(void *arg)
{
    int i;
    (void)arg;
    for (i = 0; i < 100000; i++) {
        g_victim_loops++;
        ql_rtos_task_sleep_ms(20);
    }
    qlrt_report_failure("the deleted task kept running");
}

static void self_deleter(void *arg)
{
    ql_task_t me = NULL;
    ql_rtos_task_get_current_ref(&me);
    CHECK(me != NULL, "current ref");
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(arg ? me : NULL);
    qlrt_report_failure("ql_rtos_task_delete(self) returned");
}

static void unit_task(void *arg)
{
    ql_task_t v = NULL, t1 = NULL, t2 = NULL;
    ql_mutex_t m = NULL;
    uint32 t0, dt;
    int i;
    (void)arg;

    check_text();
    check_datacall();
    check_dns();
    check_tcp();
    check_udp();

    /* Time scale 20: 2 s -> ~100 ms. */
    CHECK(qlrt_time_scale() > 19.9 && qlrt_time_scale() < 20.1, "time scale %g", qlrt_time_scale());
    t0 = ql_rtos_get_system_tick();
    ql_rtos_task_sleep_s(2);
    dt = ql_rtos_get_system_tick() - t0;
    CHECK(dt >= 90 && dt < 1000, "sleep_s(2) at scale 20 took %u ms", dt);

    /* Tasks: self deletion by NULL and by own handle, deletion of another task. */
    CHECK(ql_rtos_semaphore_create(&g_done, 0) == QL_OSI_SUCCESS, "semaphore");
    CHECK(ql_rtos_task_create(&t1, 4096, APP_PRIORITY_NORMAL, "selfdel1", self_deleter, NULL, 0) == 0, "create 1");
    /* ql_rtos_task_create is variadic in the SDK; trailing arguments are accepted and ignored. */
    CHECK(ql_rtos_task_create(&t2, 4096, APP_PRIORITY_NORMAL, "selfdel2", self_deleter, (void *)1, 0, 1, "extra") == 0,
          "create 2");
    CHECK(ql_rtos_semaphore_wait(g_done, 5000) == 0 && ql_rtos_semaphore_wait(g_done, 5000) == 0, "both ran");
    CHECK(ql_rtos_semaphore_wait(g_done, 100) == QL_OSI_SEMA_GET_FAIL, "semaphore timeout");
    CHECK(ql_rtos_task_create(&v, 4096, APP_PRIORITY_NORMAL, "victim", victim, NULL, 0) == 0, "create victim");
    /* Until it has run once (a loaded machine may start it late): at most 250 x 20 ms. */
    for (i = 0; i < 250 && g_victim_loops == 0; i++)
        ql_rtos_task_sleep_ms(400);
    CHECK(g_victim_loops > 0, "victim ran");
    CHECK(ql_rtos_task_delete(v) == QL_OSI_SUCCESS, "delete victim");
    ql_rtos_task_sleep_ms(400);
    CHECK(ql_rtos_task_delete(v) == QL_OSI_TASK_DELETE_FAIL, "victim already gone");
    CHECK(ql_rtos_task_delete((ql_task_t)0x12345) == QL_OSI_TASK_DELETE_FAIL, "garbage handle");
    CHECK(ql_rtos_task_create(NULL, 4096, APP_PRIORITY_NORMAL, "x", victim, NULL, 0) != 0, "NULL ref");

    CHECK(ql_rtos_mutex_create(&m) == 0 && ql_rtos_mutex_lock(m, QL_WAIT_FOREVER) == 0, "mutex");
    CHECK(ql_rtos_mutex_try_lock(m) != 0, "try_lock of a held mutex fails");
    CHECK(ql_rtos_mutex_unlock(m) == 0 && ql_rtos_mutex_delete(m) == 0, "mutex unlock/delete");
    CHECK(ql_rtos_semaphore_delete(g_done) == 0, "semaphore delete");
    /* Garbage, deleted and wrong-kind handles are rejected, not dereferenced. */
    CHECK(ql_rtos_mutex_lock((ql_mutex_t)0xdeadbeef, 0) == QL_OSI_TASK_PARAM_INVALID, "garbage mutex");
    CHECK(ql_rtos_mutex_unlock(m) == QL_OSI_TASK_PARAM_INVALID, "deleted mutex");
    CHECK(ql_rtos_mutex_delete(m) == QL_OSI_TASK_PARAM_INVALID, "mutex deleted twice");
    CHECK(ql_rtos_semaphore_wait(g_done, 0) == QL_OSI_TASK_PARAM_INVALID, "deleted semaphore");
    CHECK(ql_rtos_semaphore_release((ql_sem_t)0x1) == QL_OSI_TASK_PARAM_INVALID, "garbage semaphore");
    CHECK(ql_rtos_mutex_create(&m) == 0 && ql_rtos_semaphore_release((ql_sem_t)m) == QL_OSI_TASK_PARAM_INVALID,
          "a mutex is not a semaphore");
    CHECK(ql_rtos_mutex_delete(m) == 0, "mutex delete");

    /* The SDK's log macros of both generations (the lines are informational). */
    QL_LOG_TAG(QL_LOG_LEVEL_INFO, QL_LOG_TAG_OSI, "rt_unit", "QL_LOG_TAG line");
    QL_LOG_PUSH_TAG("rt_unit", QL_LOG_TAG_OSI, "QL_LOG_PUSH_TAG line %d", 1);
    QL_LOG_PRINTF(QL_LOG_LEVEL_INFO, "QL_LOG_PRINTF line (tag %#x)", (unsigned)QL_LOG_TAG);
    QL_LOG_PRINTF_TAG(QL_LOG_LEVEL_WARN, QL_LOG_TAG_NW, "QL_LOG_PRINTF_TAG line");
    QL_LOG_PUSH("rt_unit", "rt_unit: %d checks passed", g_checks);
    ql_rtos_task_delete(NULL);
}

int rt_unit_init(void)
{
    ql_task_t t;
    return ql_rtos_task_create(&t, 64 * 1024, APP_PRIORITY_NORMAL, "rt_unit", unit_task, NULL, 0);
}
