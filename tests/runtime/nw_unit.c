/*
 * nw_unit.c - checks of the runtime's data call, network (ql_nw_*), netdb and socket families,
 * run as an app by tests/runtime/runtime_tests.sh nw-unit with
 *   QLRT_TIME_SCALE=20  QLRT_MAP='svc.example.net:7000=127.0.0.1:7777'
 * Every failed check calls qlrt_report_failure() (the run exits 1); a final line
 * "nw_unit: N checks passed, M functions called" lets the script see that the checks ran.
 *
 * Covered: the SDK's values and layouts (FD_SETSIZE 15 and the 2-byte lwIP fd_set, socklen_t
 * int, data call and nw error codes, event ids, PROFILE_IDX_*, APN_LEN_MAX, struct tags); all 21
 * ql_api_datacall.h functions (state machine, REPEAT_* errors, synchronous and asynchronous mode
 * with ACT_RSP/DEACT_RSP callbacks, ql_bind_sim_and_profile, NAT calls refused, DNS and default
 * PDN settings); all 35 ql_nw_* functions against the documented default state (registered LTE,
 * good signal) and their parameter checks, the cell-info callback; lwIP's FD_SET range rules and
 * select() over it; the QuecOpen socket size calls; gethostbyname_r / h_errno; the 15-socket
 * limit (ENFILE).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ql_api_osi.h"
#include "ql_api_nw.h"
#include "ql_api_datacall.h"
#include "ql_app_feature_config.h"
#include "ql_log.h"
#include "sockets.h"
#include "lwip/netdb.h"
#include "qlrt.h"

_Static_assert(FD_SETSIZE == 15 && sizeof(fd_set) == 2, "lwIP's fd_set as the SDK configures it");
_Static_assert(_Generic((socklen_t)0, int: 1, default: 0), "socklen_t is int");
_Static_assert(PROFILE_IDX_MIN == 1 && PROFILE_IDX_MAX == 7 && PROFILE_IDX_VOLTE_MAX == 5 && PROFILE_IDX_NUM == 7 &&
                   APN_LEN_MAX == 99 && USERNAME_LEN_MAX == 64 && PASSWORD_LEN_MAX == 64,
               "profile and length limits");
_Static_assert(QL_PDP_TYPE_IP_NONE == 0 && QL_PDP_TYPE_IP == 1 && QL_PDP_TYPE_IPV6 == 2 && QL_PDP_TYPE_IPV4V6 == 3 &&
                   QL_PDP_DEACTIVED == 0 && QL_PDP_ACTIVED == 1 && QL_PDP_AUTH_TYPE_PAP_OR_CHAP == 3,
               "PDP constants");
_Static_assert((unsigned)QL_DATACALL_EXECUTE_ERR == 0x86010001u && (unsigned)QL_DATACALL_REPEAT_ACTIVE_ERR == 0x86010006u &&
                   (unsigned)QL_DATACALL_NO_DFTPDN_INFO_CONTEXT == 0x86010018u,
               "data call error codes");
_Static_assert((unsigned)QL_NW_EXECUTE_ERR == 0x86000001u && (unsigned)QL_NW_OPERATOR_NOT_ALLOWED == 0x86000016u &&
                   (unsigned)QL_NW_PLMNFORMAT_CONVERT_UNFOUND == 0x86000019u,
               "nw error codes");
_Static_assert((unsigned)QUEC_NW_DATA_REG_STATUS_IND == 0x86000003u && (unsigned)QUEC_NW_CELL_INFO_IND == 0x86000008u &&
                   (unsigned)QUEC_DATACALL_ACT_RSP_IND == 0x86010001u &&
                   (unsigned)QUEC_DATACALL_PDP_DEACTIVE_IND == 0x86010003u,
               "event ids");
_Static_assert(sizeof(struct v4_info) == 16 && offsetof(ql_data_call_info_s, v4) == 8 &&
                   sizeof(ql_data_call_conf_s) == 240,
               "data call layouts");
_Static_assert(JDCFG_ENUM_MAX == 10 && QL_NW_CELL_MAX_NUM == 7 && QL_NW_TAU_TYPE_DEFAULT == 3, "nw constants");

static int g_checks, g_calls;
#define CHECK(cond, ...)                                                                                              \
    do {                                                                                                              \
        g_checks++;                                                                                                   \
        if (!(cond)) {                                                                                                \
            qlrt_report_failure("line %d: %s", __LINE__, #cond);                                                      \
            QL_LOG(QL_LOG_LEVEL_WARN, "nw_unit", __VA_ARGS__);                                                        \
        }                                                                                                             \
    } while (0)
/* counts the distinct API functions exercised, for the final line */
#define CALLED(n) (g_calls += (n))

static ql_sem_t g_sem;
static volatile unsigned g_last_ind;
static volatile int g_last_result, g_cell_lte;

static void dc_cb(uint8_t sim, unsigned int ind, int profile, bool result, void *ctx)
{
    (void)sim;
    (void)profile;
    CHECK(ctx == (void *)&g_sem, "callback context");
    g_last_ind = ind;
    g_last_result = result;
    ql_rtos_semaphore_release(g_sem);
}

static void nw_cb(uint8_t sim, unsigned int ind, void *ctx)
{
    (void)sim;
    if (ind == (unsigned)QUEC_NW_CELL_INFO_IND) {
        g_cell_lte = ((ql_nw_cell_info_s *)ctx)->lte_info_valid;
        g_last_ind = ind;
        ql_rtos_semaphore_release(g_sem);
    }
}

static void datacall_checks(void)
{
    ql_data_call_info_s info;
    uint16_t cid = 0;
    uint8_t sim = 9;
    int profile = 0;
    uint32_t nat = 0;
    ql_nat_subnet_config_s subnet;
    ql_nat_assign_cfg_s assign;
    ql_datacall_dns_info_s pri, sec;
    ql_data_call_default_pdn_cfg_s cfg;
    ql_data_call_default_pdn_info_s pdn;
    char long_apn[APN_LEN_MAX + 2];

    CHECK(ql_network_register_wait(0, 5) == QL_DATACALL_SUCCESS, "registered by default");
    CHECK(ql_network_register_wait(2, 5) == QL_DATACALL_INVALID_PARAM_ERR, "sim 2");
    CHECK(ql_set_data_call_asyn_mode(0, 8, 1) == QL_DATACALL_INVALID_PARAM_ERR, "profile 8");
    CHECK(ql_start_data_call(0, 0, QL_PDP_TYPE_IP, "apn", NULL, NULL, 0) == QL_DATACALL_INVALID_PARAM_ERR, "profile 0");
    CHECK(ql_start_data_call(0, 1, QL_PDP_TYPE_IP_NONE, "apn", NULL, NULL, 0) == QL_DATACALL_INVALID_PARAM_ERR,
          "type none");
    memset(long_apn, 'a', sizeof(long_apn) - 1);
    long_apn[sizeof(long_apn) - 1] = '\0';
    CHECK(ql_start_data_call(0, 1, QL_PDP_TYPE_IP, long_apn, NULL, NULL, 0) == QL_DATACALL_INVALID_PARAM_ERR, "apn 100");
    CHECK(ql_get_data_call_info(0, 1, &info) == 0 && info.v4.state == QL_PDP_DEACTIVED && info.ip_version == 0,
          "inactive info");
    CHECK(ql_stop_data_call(0, 1) == QL_DATACALL_REPEAT_DEACTIVE_ERR, "stop inactive");
    /* synchronous */
    CHECK(ql_start_data_call(0, 1, QL_PDP_TYPE_IPV4V6, "apn", "u", "p", QL_PDP_AUTH_TYPE_CHAP) == 0, "sync start");
    CHECK(ql_datacall_get_sim_profile_is_active(0, 1), "active");
    CHECK(ql_start_data_call(0, 1, QL_PDP_TYPE_IP, "apn", NULL, NULL, 0) == QL_DATACALL_REPEAT_ACTIVE_ERR, "repeat");
    CHECK(ql_get_data_call_info(0, 1, &info) == 0 && info.v4.state == QL_PDP_ACTIVED && info.v6.state == QL_PDP_ACTIVED &&
              info.ip_version == QL_PDP_TYPE_IPV4V6 && info.v4.addr.ip.addr == htonl(0x7f000001) &&
              info.v6.addr.ip.addr[3] == htonl(1),
          "active info");
    /* DNS servers and the default PDN */
    memset(&pri, 0, sizeof(pri));
    memset(&sec, 0, sizeof(sec));
    pri.type = sec.type = QL_PDP_TYPE_IP;
    ip4addr_aton("127.0.0.53", &pri.ip4);
    ip4addr_aton("127.0.0.54", &sec.ip4);
    CHECK(ql_datacall_set_dns_addr(0, 1, &pri, &sec) == 0, "set dns");
    memset(&pri, 0, sizeof(pri));
    CHECK(ql_datacall_get_dns_addr(0, 1, &pri, &sec) == 0 && pri.ip4.addr == inet_addr("127.0.0.53"), "get dns");
    CHECK(ql_get_data_call_info(0, 1, &info) == 0 && info.v4.addr.sec_dns.addr == inet_addr("127.0.0.54"), "dns in info");
    CHECK(ql_datacall_get_dns_addr(0, 3, &pri, &sec) == QL_DATACALL_EXECUTE_ERR, "dns of an inactive call");
    CHECK(ql_datacall_get_default_pdn_cfg(0, &cfg) == QL_DATACALL_NO_DFTPDN_CFG_CONTEXT, "no default cfg yet");
    memset(&cfg, 0, sizeof(cfg));
    cfg.ip_version = QL_PDP_TYPE_IP;
    strcpy(cfg.apn_name, "default.apn");
    CHECK(ql_datacall_set_default_pdn_cfg(0, &cfg) == 0, "set default cfg");
    memset(&cfg, 0, sizeof(cfg));
    CHECK(ql_datacall_get_default_pdn_cfg(0, &cfg) == 0 && strcmp(cfg.apn_name, "default.apn") == 0, "get default cfg");
    CHECK(ql_datacall_get_default_pdn_info(0, &pdn) == 0 && pdn.ipv4.addr == htonl(0x7f000001), "default pdn info");
    CHECK(ql_datacall_get_default_pdn_info(1, &pdn) == QL_DATACALL_NO_DFTPDN_INFO_CONTEXT, "sim 1 has none");
    /* simcid */
    CHECK(ql_bind_sim_and_profile(1, 3, &cid) == 0 && cid == (1 << 5 | 3), "bind");
    CHECK(ql_get_sim_and_profile(cid, &sim, &profile) == 0 && sim == 1 && profile == 3, "unbind");
    CHECK(ql_get_sim_and_profile(2 << 5 | 1, &sim, &profile) == QL_DATACALL_INVALID_PARAM_ERR, "sim 2 cid");
    CHECK(ql_bind_sim_and_profile(0, 8, &cid) == QL_DATACALL_INVALID_PARAM_ERR, "bind profile 8");
    /* NAT: no host meaning */
    memset(&subnet, 0, sizeof(subnet));
    memset(&assign, 0, sizeof(assign));
    CHECK(ql_datacall_set_nat(1) == QL_DATACALL_EXECUTE_ERR && ql_datacall_get_nat(&nat) == QL_DATACALL_EXECUTE_ERR &&
              ql_datacall_set_subnet(0, 1, &subnet) == QL_DATACALL_EXECUTE_ERR &&
              ql_datacall_get_subnet(0, 1, &subnet) == QL_DATACALL_EXECUTE_ERR &&
              ql_datacall_set_nat_assign(0, QL_NAT_ASSIGN_TYPE_PPP, &assign) == QL_DATACALL_EXECUTE_ERR &&
              ql_datacall_get_nat_assign(0, QL_NAT_ASSIGN_TYPE_USBNET, &assign) == QL_DATACALL_EXECUTE_ERR,
          "NAT calls refused");
    CHECK(ql_stop_data_call(0, 1) == 0 && !ql_datacall_get_sim_profile_is_active(0, 1), "sync stop");
    /* asynchronous, with callbacks */
    CHECK(ql_datacall_register_cb(0, 2, dc_cb, &g_sem) == 0, "register cb");
    CHECK(ql_set_data_call_asyn_mode(0, 2, 1) == 0, "async");
    g_last_ind = 0;
    CHECK(ql_start_data_call(0, 2, QL_PDP_TYPE_IP, "apn", NULL, NULL, 0) == 0, "async start");
    CHECK(ql_rtos_semaphore_wait(g_sem, 5000) == 0 && g_last_ind == (unsigned)QUEC_DATACALL_ACT_RSP_IND &&
              g_last_result == 1,
          "ACT_RSP_IND, ok");
    CHECK(ql_datacall_get_sim_profile_is_active(0, 2), "active after ACT_RSP_IND");
    CHECK(ql_stop_data_call(0, 2) == 0, "async stop");
    CHECK(ql_rtos_semaphore_wait(g_sem, 5000) == 0 && g_last_ind == (unsigned)QUEC_DATACALL_DEACT_RSP_IND &&
              g_last_result == 1,
          "DEACT_RSP_IND");
    CHECK(ql_datacall_unregister_cb(0, 2, dc_cb, &g_sem) == 0, "unregister");
    CHECK(ql_datacall_unregister_cb(0, 2, dc_cb, &g_sem) == QL_DATACALL_EXECUTE_ERR, "unregister twice");
    CHECK(ql_set_data_call_asyn_mode(0, 2, 0) == 0, "sync again");
    CALLED(21);
}

static void nw_checks(void)
{
    unsigned char csq = 0;
    ql_nw_mode_type_e mode;
    ql_nw_cemode_type_e cemode;
    uint32_t rrc = 0;
    uint16_t drx = 0;
    ql_nw_operator_info_s oper;
    ql_nw_reg_status_info_s reg;
    ql_nw_seclection_info_s sel;
    ql_nw_signal_strength_info_s sig;
    ql_nw_nitz_time_info_s nitz;
    ql_nw_cell_info_s cells;
    uint8_t en = 9, times = 9;
    ql_nw_jamdet_state_e jam;
    quec_jamdet_param_set_s jcfg[JDCFG_ENUM_MAX];
    ql_nw_data_count_info_s count;
    ql_auto_black_elecfence_cfg_s fence = {1, 10};
    int sinr = 0;
    ql_nw_tau_type_e tau;
    ql_nw_cause_s cause;
    ql_edrx_cfg_s edrx;

    CHECK(ql_nw_get_csq(0, &csq) == 0 && csq == 24, "csq %d", csq);
    CHECK(ql_nw_get_csq(2, &csq) == QL_NW_INVALID_PARAM_ERR && ql_nw_get_csq(0, NULL) == QL_NW_INVALID_PARAM_ERR,
          "csq params");
    CHECK(ql_nw_get_mode(0, &mode) == 0 && mode == QL_NW_MODE_AUTO, "mode");
    CHECK(ql_nw_set_mode(0, QL_NW_MODE_LTE) == 0 && ql_nw_get_mode(0, &mode) == 0 && mode == QL_NW_MODE_LTE, "set mode");
    CHECK(ql_nw_set_mode(0, (ql_nw_mode_type_e)3) == QL_NW_INVALID_PARAM_ERR, "bad mode");
    ql_nw_set_mode(0, QL_NW_MODE_AUTO);
    CHECK(ql_nw_get_cemode(0, &cemode) == 0 && cemode == QL_NW_PS_CS_DATA, "cemode");
    CHECK(ql_nw_set_cemode(0, QL_NW_PS_DATA) == 0 && ql_nw_get_cemode(0, &cemode) == 0 && cemode == QL_NW_PS_DATA,
          "set cemode");
    CHECK(ql_nw_set_cemode(0, (ql_nw_cemode_type_e)4) == QL_NW_INVALID_PARAM_ERR, "bad cemode");
    CHECK(ql_nw_get_rrc_duration(0, &rrc) == 0 && rrc == 10000, "rrc");
    CHECK(ql_nw_get_drxtm(0, &drx) == 0 && drx == 1280, "network drx");
    CHECK(ql_nw_set_drxtm(0, 640) == 0 && ql_nw_get_drxtm(0, &drx) == 0 && drx == 640, "drx 640");
    CHECK(ql_nw_set_drxtm(0, 333) == QL_NW_INVALID_PARAM_ERR, "drx 333");
    CHECK(ql_nw_get_operator_name(0, &oper) == 0 && strcmp(oper.long_oper_name, "QLRT Mobile") == 0 &&
              strcmp(oper.mcc, "001") == 0 && strcmp(oper.mnc, "01") == 0,
          "operator");
    CHECK(ql_nw_get_reg_status(0, &reg) == 0 && reg.data_reg.state == QL_NW_REG_STATE_HOME_NETWORK &&
              reg.voice_reg.state == QL_NW_REG_STATE_HOME_NETWORK && reg.data_reg.act == QL_NW_ACCESS_TECH_E_UTRAN &&
              reg.data_reg.cid != 0,
          "registered LTE");
    CHECK(ql_nw_get_selection(0, &sel) == 0 && sel.nw_selection_mode == 0 && strcmp(sel.mcc, "001") == 0, "selection");
    strcpy(sel.mcc, "460");
    strcpy(sel.mnc, "00");
    sel.nw_selection_mode = 1;
    CHECK(ql_nw_set_selection(0, &sel) == QL_NW_OPERATOR_NOT_ALLOWED, "an operator not in range");
    strcpy(sel.mcc, "001");
    strcpy(sel.mnc, "01");
    CHECK(ql_nw_set_selection(0, &sel) == 0 && ql_nw_get_selection(0, &sel) == 0 && sel.nw_selection_mode == 1,
          "manual selection");
    CHECK(ql_nw_get_signal_strength(0, &sig) == 0 && sig.rssi == -65 && sig.rsrp == -85 && sig.rsrq == -9 &&
              sig.bitErrorRate == 99,
          "signal");
    CHECK(ql_nw_get_nitz_time_info(&nitz) == 0 && nitz.abs_time > 1600000000L && strlen(nitz.nitz_time) == 24, "nitz '%s'",
          nitz.nitz_time);
    CHECK(ql_nw_get_cell_info(0, &cells) == 0 && cells.lte_info_valid == 1 && cells.lte_info_num == 1 &&
              cells.lte_info[0].mcc == 1 && cells.gsm_info_valid == 0,
          "cells");
    CHECK(ql_nw_register_cb(nw_cb) == 0, "nw cb");
    g_last_ind = 0;
    CHECK(ql_nw_get_cell_info_async(0) == 0, "async cells");
    CHECK(ql_rtos_semaphore_wait(g_sem, 5000) == 0 && g_last_ind == (unsigned)QUEC_NW_CELL_INFO_IND && g_cell_lte == 1,
          "QUEC_NW_CELL_INFO_IND");
    CHECK(ql_nw_get_jamdet_status(0, &jam) == QL_NW_EXECUTE_ERR, "jamming detection off");
    CHECK(ql_nw_set_jamdet_mode(0, 1) == 0 && ql_nw_get_jamdet_mode(0, &en) == 0 && en == 1, "jamdet on");
    CHECK(ql_nw_get_jamdet_status(0, &jam) == 0 && jam == QL_NO_JAMMING, "no jamming");
    CHECK(ql_nw_get_jamdet_config(0, jcfg) == 0 && jcfg[JDRSRP].qjdcfg_enum == JDRSRP, "jamdet config");
    jcfg[JDMINCH].value = 5;
    CHECK(ql_nw_set_jamdet_config(0, jcfg) == 0, "set jamdet config");
    memset(jcfg, 0, sizeof(jcfg));
    CHECK(ql_nw_get_jamdet_config(0, jcfg) == 0 && jcfg[JDMINCH].value == 5, "jamdet config kept");
    jcfg[3].qjdcfg_enum = JDRSSI;
    CHECK(ql_nw_set_jamdet_config(0, jcfg) == QL_NW_INVALID_PARAM_ERR, "items out of order");
    CHECK(ql_nw_get_data_count(0, &count) == 0, "data count");
    CHECK(ql_nw_reset_data_count(0) == 0 && ql_nw_get_data_count(0, &count) == 0 && count.uplink_data_count == 0,
          "reset count");
    CHECK(ql_nw_set_auto_black_elec_fence(0, &fence) == QL_NW_EXECUTE_ERR &&
              ql_nw_get_auto_black_elec_fence(0, &fence) == QL_NW_EXECUTE_ERR,
          "fence: no host meaning");
    CHECK(ql_nw_get_cell_sinr(0, &sinr) == 0 && sinr == 15, "sinr");
    CHECK(ql_nw_set_tau_type_aft_local_rel(0, QL_NW_TAU_TYPE_DEFAULT) == QL_NW_EXECUTE_ERR &&
              ql_nw_get_tau_type_aft_local_rel(0, &tau) == QL_NW_EXECUTE_ERR,
          "tau: no host meaning");
    CHECK(ql_nw_get_emm_gmm_cause(&cause) == 0 && cause.causeId == QUEC_NW_CS_INTERNAL_CAUSE && cause.causeDetail == 0,
          "no reject");
    CHECK(ql_nw_get_esm_sm_cause(&cause) == 0 && cause.causeId == QUEC_NW_CS_INTERNAL_CAUSE, "no esm reject");
    CHECK(ql_nw_set_esmfail_times(0, 6) == QL_NW_INVALID_PARAM_ERR, "esmfail 6");
    CHECK(ql_nw_set_esmfail_times(0, 3) == 0 && ql_nw_get_esmfail_times(0, &times) == 0 && times == 3, "esmfail 3");
    memset(&edrx, 0, sizeof(edrx));
    edrx.mode = QL_EDRX_MODE_ENABLE;
    edrx.actType = 5;
    CHECK(ql_nw_set_edrx(0, &edrx) == QL_NW_INVALID_PARAM_ERR, "edrx act 5");
    edrx.actType = QL_NW_EDRX_ACTTYPE;
    edrx.reqEDRX = 5;
    edrx.reqPTW = 2;
    CHECK(ql_nw_set_edrx(0, &edrx) == 0, "set edrx");
    memset(&edrx, 0, sizeof(edrx));
    CHECK(ql_nw_get_edrx(0, &edrx) == 0 && edrx.mode == QL_EDRX_MODE_ENABLE && edrx.nwEDRX == 5 && edrx.nwPTW == 2,
          "edrx granted");
    ql_nw_register_cb(NULL);
    CALLED(35);
}

static void socket_checks(void)
{
    fd_set set;
    int lfd, cfd, afd, n, fds[20], i, count_ok = 0;
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    struct timeval tv = {2, 0};
    char buf[64];
    struct hostent h, *hp = NULL;
    char hbuf[256];
    int herr = 0;
    struct addrinfo *res = NULL;

    FD_ZERO(&set);
    FD_SET(0, &set);  /* outside 1..15: ignored, as lwIP does */
    FD_SET(16, &set); /* ditto */
    CHECK(set.fd_bits[0] == 0 && set.fd_bits[1] == 0 && !FD_ISSET(16, &set), "FD_SET range");
    FD_SET(15, &set);
    CHECK(set.fd_bits[1] == 0x40 && FD_ISSET(15, &set), "socket 15 is bit 14");

    lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(lfd > 0 && lfd <= FD_SETSIZE, "socket number %d", lfd);
    CHECK(bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(lfd, 2) == 0 &&
              getsockname(lfd, (struct sockaddr *)&a, &alen) == 0,
          "listener");
    cfd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(cfd, (struct sockaddr *)&a, sizeof(a)) == 0, "connect");
    afd = accept(lfd, NULL, NULL);
    CHECK(afd > 0 && afd <= FD_SETSIZE, "accepted %d", afd);
    CHECK(quec_lwip_getSocketsNum(0) >= 3, "sockets %d", (int)quec_lwip_getSocketsNum(0));
    CHECK(send(cfd, "hello", 5, 0) == 5, "send");
    FD_ZERO(&set);
    FD_SET(afd, &set);
    CHECK(select(afd + 1, &set, NULL, NULL, &tv) == 1 && FD_ISSET(afd, &set), "select readable");
    CHECK(lwip_getRecvAvailSize(afd) == 5, "5 bytes waiting");
    CHECK(lwip_getRecvBufSize(afd) > 0, "receive buffer");
    CHECK(recv(afd, buf, sizeof(buf), 0) == 5 && memcmp(buf, "hello", 5) == 0, "recv");
    CHECK(lwip_getSentSize(cfd) == 5, "5 sent");
    for (i = 0; i < 50 && lwip_getAckedSize(cfd) != 5; i++) ql_rtos_task_sleep_ms(20);
    CHECK(lwip_getAckedSize(cfd) == 5, "5 acknowledged");
    CHECK(lwip_getSentSize(99) == -1, "not a socket");
    FD_ZERO(&set);
    FD_SET(afd, &set);
    tv.tv_sec = 0;
    tv.tv_usec = 50000;
    CHECK(select(afd + 1, &set, NULL, NULL, &tv) == 0 && !FD_ISSET(afd, &set), "select timeout clears the set");
    /* the module has 15 sockets: the 16th socket fails */
    for (i = 0; i < 20; i++) {
        fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
        if (fds[i] < 0) break;
        count_ok++;
    }
    CHECK(i < 20 && fds[i] < 0 && errno == ENFILE, "ENFILE after %d more sockets", count_ok);
    for (n = 0; n < count_ok; n++) close(fds[n]);
    close(afd);
    close(cfd);
    close(lfd);

    /* netdb with the DNS feature */
    CHECK(getaddrinfo_with_pcid("svc.example.net", "7000", NULL, &res, 1) == 0 && res != NULL, "mapped name");
    if (res) freeaddrinfo(res);
    CHECK(gethostbyname_with_pcid("svc.example.net", 1) != NULL, "gethostbyname_with_pcid");
    CHECK(gethostbyname_r("svc.example.net", &h, hbuf, sizeof(hbuf), &hp, &herr) == 0 && hp == &h &&
              strcmp(h.h_name, "svc.example.net") == 0 && h.h_addr_list[0] != NULL && h.h_addr_list[1] == NULL,
          "gethostbyname_r");
    CHECK(gethostbyname_r("svc.example.net", &h, hbuf, 8, &hp, &herr) == ERANGE && hp == NULL, "ERANGE");
    {
        static char too_long[DNS_MAX_NAME_LENGTH + 2];
        memset(too_long, 'x', sizeof(too_long) - 1); /* longer than lwIP's names can be */
        h_errno = 0;
        CHECK(gethostbyname(too_long) == NULL && h_errno == HOST_NOT_FOUND, "h_errno %d", h_errno);
    }
    CHECK(lwip_gethostbyname_r(NULL, &h, hbuf, sizeof(hbuf), &hp, &herr) == EINVAL && herr == NO_RECOVERY, "NULL name");
}

static void nw_unit_task(void *arg)
{
    (void)arg;
    ql_rtos_semaphore_create(&g_sem, 0);
    datacall_checks();
    nw_checks();
    socket_checks();
    ql_rtos_semaphore_delete(g_sem);
    QL_LOG(QL_LOG_LEVEL_INFO, "nw_unit", "nw_unit: %d checks passed, %d functions called", g_checks, g_calls);
    ql_rtos_task_delete(NULL);
}

int nw_unit_init(void)
{
    ql_task_t t;
    return ql_rtos_task_create(&t, 64 * 1024, APP_PRIORITY_NORMAL, "nw_unit", nw_unit_task, NULL, 0);
}
