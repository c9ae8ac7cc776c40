/*
 * fault_app.c - a QuecOpen app with the recovery paths a field app needs, for the fault-injection
 * tests (tests/runtime/runtime_tests.sh fault-*). It talks to a TCP echo server by name
 * ("echo.example.net:7100", mapped by QLRT_MAP to tests/runtime/echo_peer.py) and must complete
 * FAULT_APP_EXCHANGES request/echo exchanges, one every 100 ms of application time. Whatever
 * the runtime injects (network loss, data call drop, DNS failure, connection reset), it recovers
 * the SDK way: wait for registration, restart the data call, look the name up again, reconnect.
 *
 * At the end it logs one line that the test script checks,
 *   fault_app: done=N connects=N dns_failures=N resets=N connect_failures=N pdp_deactive=N
 *              reg_inds=N reg_lost=N starts=N register_waits=N
 * and it fails the run (an ERROR line) if it did not complete its exchanges, or if an echo came
 * back different from what was sent. Every loop is bounded.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "ql_api_osi.h"
#include "ql_api_nw.h"
#include "ql_api_datacall.h"
#include "ql_log.h"
#include "sockets.h"
#include "lwip/netdb.h"

#ifndef FAULT_APP_EXCHANGES
#define FAULT_APP_EXCHANGES 40
#endif
#define APP_LOG(...) QL_LOG(QL_LOG_LEVEL_INFO, "fault_app", __VA_ARGS__)
#define APP_ERR(...) QL_LOG(QL_LOG_LEVEL_ERROR, "fault_app", __VA_ARGS__)

static struct {
    int done, connects, dns_failures, resets, connect_failures, starts, register_waits;
    volatile int pdp_deactive, reg_inds, reg_lost;
} g;

static void nw_cb(uint8_t sim, unsigned int ind, void *ctx)
{
    (void)sim;
    if (ind == (unsigned int)QUEC_NW_DATA_REG_STATUS_IND) {
        const ql_nw_common_reg_status_info_s *r = ctx;
        __atomic_add_fetch(&g.reg_inds, 1, __ATOMIC_RELAXED);
        if (r->state != QL_NW_REG_STATE_HOME_NETWORK && r->state != QL_NW_REG_STATE_ROAMING)
            __atomic_add_fetch(&g.reg_lost, 1, __ATOMIC_RELAXED);
        APP_LOG("data registration state %d", (int)r->state);
    }
}

static void dc_cb(uint8_t sim, unsigned int ind, int profile, bool result, void *ctx)
{
    (void)ctx;
    if (ind == (unsigned int)QUEC_DATACALL_PDP_DEACTIVE_IND) {
        __atomic_add_fetch(&g.pdp_deactive, 1, __ATOMIC_RELAXED);
        APP_LOG("sim %u profile %d deactivated by the network (result %d)", (unsigned)sim, profile, (int)result);
    }
}

/* Wait up to 5 s for fd to be readable; 1 ready, 0 timeout, -1 error. */
static int wait_readable(int fd)
{
    fd_set rs;
    struct timeval tv = {5, 0};
    FD_ZERO(&rs);
    FD_SET(fd, &rs);
    return select(fd + 1, &rs, NULL, NULL, &tv);
}

static void app_task(void *arg)
{
    int fd = -1, attempts;
    uint16_t simcid = 0;
    (void)arg;
    ql_nw_register_cb(nw_cb);
    ql_datacall_register_cb(0, 1, dc_cb, NULL);
    ql_bind_sim_and_profile(0, 1, &simcid);
    for (attempts = 0; g.done < FAULT_APP_EXCHANGES && attempts < FAULT_APP_EXCHANGES * 10; attempts++) {
        char out[64], in[64];
        int n, len, got;
        ql_nw_reg_status_info_s reg;
        ql_nw_get_reg_status(0, &reg);
        if (reg.data_reg.state != QL_NW_REG_STATE_HOME_NETWORK && reg.data_reg.state != QL_NW_REG_STATE_ROAMING) {
            g.register_waits++;
            APP_LOG("not registered (state %d): waiting", (int)reg.data_reg.state);
            if (ql_network_register_wait(0, 30) != QL_DATACALL_SUCCESS) continue;
        }
        if (!ql_datacall_get_sim_profile_is_active(0, 1)) {
            int rc;
            if (fd >= 0) {
                close(fd);
                fd = -1;
            }
            g.starts++;
            rc = ql_start_data_call(0, 1, QL_PDP_TYPE_IP, "fault.apn", NULL, NULL, QL_PDP_AUTH_TYPE_NONE);
            APP_LOG("data call start: 0x%x", rc);
            if (rc != QL_DATACALL_SUCCESS) {
                ql_rtos_task_sleep_ms(500);
                continue;
            }
        }
        if (fd < 0) {
            struct addrinfo hints, *res = NULL;
            memset(&hints, 0, sizeof(hints));
            hints.ai_family = AF_INET;
            hints.ai_socktype = SOCK_STREAM;
            if (getaddrinfo_with_pcid("echo.example.net", "7100", &hints, &res, simcid) != 0 || res == NULL) {
                g.dns_failures++;
                APP_LOG("name lookup failed: retry in 500 ms");
                ql_rtos_task_sleep_ms(500);
                continue;
            }
            fd = socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
                g.connect_failures++;
                APP_LOG("connect failed (errno %d): retry in 500 ms", fd >= 0 ? lwip_get_error(fd) : -1);
                if (fd >= 0) close(fd);
                fd = -1;
                freeaddrinfo(res);
                ql_rtos_task_sleep_ms(500);
                continue;
            }
            freeaddrinfo(res);
            g.connects++;
        }
        len = snprintf(out, sizeof(out), "exchange %d\n", g.done);
        n = (int)send(fd, out, (size_t)len, 0);
        got = 0;
        while (n == len && got < len && wait_readable(fd) == 1) {
            int r = (int)recv(fd, in + got, (size_t)(len - got), 0);
            if (r <= 0) break;
            got += r;
        }
        if (n != len || got != len) {
            int e = lwip_get_error(fd);
            if (e == ECONNRESET || e == ECONNABORTED || e == EPIPE || e == ENOTCONN) g.resets++;
            APP_LOG("exchange %d broke (sent %d, echoed %d, error %d): reconnecting", g.done, n, got, e);
            close(fd);
            fd = -1;
            continue;
        }
        if (memcmp(in, out, (size_t)len) != 0) {
            APP_ERR("echo differs from what was sent");
            break;
        }
        g.done++;
        ql_rtos_task_sleep_ms(100);
    }
    if (fd >= 0) close(fd);
    APP_LOG("fault_app: done=%d connects=%d dns_failures=%d resets=%d connect_failures=%d pdp_deactive=%d reg_inds=%d "
            "reg_lost=%d starts=%d register_waits=%d",
            g.done, g.connects, g.dns_failures, g.resets, g.connect_failures, g.pdp_deactive, g.reg_inds, g.reg_lost,
            g.starts, g.register_waits);
    if (g.done < FAULT_APP_EXCHANGES) APP_ERR("only %d of %d exchanges completed", g.done, FAULT_APP_EXCHANGES);
    ql_datacall_unregister_cb(0, 1, dc_cb, NULL);
    ql_rtos_task_delete(NULL);
}

int fault_app_init(void)
{
    ql_task_t t;
    return ql_rtos_task_create(&t, 16 * 1024, APP_PRIORITY_NORMAL, "fault_app", app_task, NULL, 5);
}
