/*
 * qlrt_internal.h - private interface of the qlssl SDK host runtime (not installed).
 *
 * The runtime has two kinds of translation units: "compat" ones that include the lwIP-style
 * headers of include/ (so the lwip_* definitions are checked against their declarations), and
 * "host" ones that include the system socket headers. They talk through this header, which
 * uses neither: addresses travel as qlrt_addr_t, socket options and flags as QLRT_* values.
 */
#ifndef QLRT_INTERNAL_H
#define QLRT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define QLRT_FAM_NONE 0
#define QLRT_FAM_V4 4
#define QLRT_FAM_V6 6

typedef struct {
    int family;       /* QLRT_FAM_* */
    uint8_t addr[16]; /* network order; IPv4 uses the first 4 bytes */
    uint16_t port;    /* host order */
    uint32_t flowinfo;
    uint32_t scope_id;
} qlrt_addr_t;

/* Log levels (= the QL_LOG_LEVEL_* values of ql_log.h, the SDK's) and the runtime's own logger
 * (tag "qlrt"). */
#define QLRT_LV_ERROR 1
#define QLRT_LV_WARN 2
#define QLRT_LV_INFO 3
#define QLRT_LV_DEBUG 4
#define QLRT_LV_VERBOSE 5
void qlrt_logf(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qlrt_count_refused(void);
void qlrt_log_counts(unsigned *errors, unsigned *failures, unsigned *refused);
/* Route the qlssl library's log to QL_LOG (tag "qlssl"), up to QLRT_LOG_LEVEL (INFO if unset). */
void qlrt_route_qlssl_log(void);

/* Time. */
double qlrt_time_scale(void);
uint64_t qlrt_now_ms(void);
double qlrt_elapsed_s(void);

/* Tasks (osi.c). */
const char *qlrt_current_task_name(void);
/* Wait until no task is alive or timeout_s passed; returns the number still alive. */
int qlrt_wait_tasks(double timeout_s);
void qlrt_task_counts(unsigned *created, unsigned *ended, unsigned *alive);
/* Cooperative deletion point (ends the calling task if another task deleted it; waits while it
 * is suspended). */
void qlrt_task_checkpoint(void);
/* End the run early (e.g. the software watchdog expired: the module would restart): the runner's
 * wait for the tasks returns at once; the first reason is kept. */
void qlrt_request_stop(const char *reason);
const char *qlrt_stop_reason(void); /* NULL while the run goes on */

/* Address text (host_net.c). */
int qlrt_addr_parse(const char *text, qlrt_addr_t *out); /* numeric v4/v6 only; 0 ok, -1 bad */
const char *qlrt_addr_str(const qlrt_addr_t *a, char *buf, size_t len); /* "1.2.3.4:80" / "[::1]:80" */
int qlrt_addr_is_loopback(const qlrt_addr_t *a);
int qlrt_h_ntop(int fam, const void *src, char *dst, size_t len); /* 0 ok, -1 errno set */
int qlrt_h_pton(int fam, const char *src, void *dst);              /* 1 ok, 0 bad */
int qlrt_h_aton4(const char *cp, uint32_t *net_order);             /* 1 ok, 0 bad */

/* Routing (remap.c): the network rule. */
#define QLRT_ROUTE_DIRECT 0
#define QLRT_ROUTE_REMAPPED 1
#define QLRT_ROUTE_REFUSED -1
/* dst -> *out. what = "tcp connect" / "udp sendto" / ... for the log. */
int qlrt_route(const qlrt_addr_t *dst, const char *what, qlrt_addr_t *out);
/* Reverse: a remapped destination seen as a source (recvfrom) shows as the rule's source. */
void qlrt_unroute(qlrt_addr_t *a);
/* Name -> address (family 0 = any, QLRT_FAM_V4, QLRT_FAM_V6). 0 ok, -1 no such name. */
int qlrt_resolve(const char *name, int family, qlrt_addr_t *out);
/* Rewrite a bind address: any -> loopback; 0 ok, -1 refused (non-loopback). */
int qlrt_bind_addr(qlrt_addr_t *a);

/* Host sockets (host_net.c). Return -1 with errno set on failure. */
#define QLRT_MSG_PEEK 0x01
#define QLRT_MSG_WAITALL 0x02
#define QLRT_MSG_OOB 0x04
#define QLRT_MSG_DONTWAIT 0x08
#define QLRT_MSG_MORE 0x10
#define QLRT_MSG_NOSIGNAL 0x20

enum {
    QLRT_OPT_UNKNOWN = 0,
    QLRT_OPT_REUSEADDR, QLRT_OPT_KEEPALIVE, QLRT_OPT_BROADCAST, QLRT_OPT_DEBUG, QLRT_OPT_ACCEPTCONN,
    QLRT_OPT_DONTROUTE, QLRT_OPT_LINGER, QLRT_OPT_OOBINLINE, QLRT_OPT_REUSEPORT, QLRT_OPT_SNDBUF,
    QLRT_OPT_RCVBUF, QLRT_OPT_SNDLOWAT, QLRT_OPT_RCVLOWAT, QLRT_OPT_SNDTIMEO, QLRT_OPT_RCVTIMEO,
    QLRT_OPT_ERROR, QLRT_OPT_TYPE, QLRT_OPT_TCP_NODELAY, QLRT_OPT_TCP_KEEPIDLE, QLRT_OPT_TCP_KEEPINTVL,
    QLRT_OPT_TCP_KEEPCNT, QLRT_OPT_IP_TOS, QLRT_OPT_IP_TTL, QLRT_OPT_IPV6_V6ONLY
};

int qlrt_h_socket(int family, int type, int protocol);
int qlrt_h_socket_family(int fd); /* QLRT_FAM_* of the socket, -1 if not a socket */
int qlrt_h_socket_type(int fd);   /* 1 stream, 2 datagram, 3 raw, -1 */
int qlrt_h_bind(int fd, const qlrt_addr_t *a);
int qlrt_h_connect(int fd, const qlrt_addr_t *a);
int qlrt_h_accept(int fd, qlrt_addr_t *peer);
int qlrt_h_listen(int fd, int backlog);
int qlrt_h_shutdown(int fd, int how); /* 0 rd, 1 wr, 2 both */
int qlrt_h_getname(int fd, int peer, qlrt_addr_t *a);
ssize_t qlrt_h_sendto(int fd, const void *buf, size_t len, int qflags, const qlrt_addr_t *to);
ssize_t qlrt_h_recvfrom(int fd, void *buf, size_t len, int qflags, qlrt_addr_t *from);
int qlrt_h_getsockopt(int fd, int opt, void *val, unsigned *len);
int qlrt_h_setsockopt(int fd, int opt, const void *val, unsigned len);

/* lwIP's select: bitmaps of nbits sockets (bit n - 1 = socket n), timeout_us < 0 = none. */
int qlrt_h_select(int maxfdp1, uint8_t *rbits, uint8_t *wbits, uint8_t *ebits, int nbits, long timeout_us);
int qlrt_h_abort(int fd);              /* reset a TCP connection in place (RST, ECONNRESET) */
int qlrt_h_pending(int fd, int out);   /* bytes unread (out 0) / not yet acknowledged (out 1) */
int qlrt_h_rcvbuf(int fd);             /* SO_RCVBUF */
int qlrt_h_tcp_connected(int fd);      /* 1: a TCP socket with a connection (or one under way) */

/* ---- Simulated network, data calls and fault injection (netsim.c, datacall.c, faults.c). */
/* Run fn(arg) on the runtime's network thread after app_ms of application time (scaled); the
 * thread also delivers every ql_nw / ql_datacall callback, one at a time. */
void qlrt_net_post(double app_ms, void (*fn)(void *), void *arg);
int qlrt_nw_registered(int sim);               /* 1: registered (home or roaming) */
void qlrt_nw_set_lost(int lost, const char *why); /* fault: take the registration away / back */
/* 0: sockets and DNS of this simcid may use the network (0 = any call); else the errno value. */
int qlrt_net_link_error(uint32_t simcid);
int qlrt_dns_failing(void);
void qlrt_dns_set_failing(int on);
void qlrt_net_count(int uplink, size_t bytes); /* ql_nw_get_data_count */
/* Data calls (datacall.c): the network deactivates matching calls (sim/profile -1 = all). */
int qlrt_datacall_drop(int sim, int profile, const char *why);
int qlrt_datacall_any_dropped(void); /* 1: a call the network dropped has not been restarted */
int qlrt_datacall_active(int sim, int profile);
/* Sockets (lwip_sockets.c): reset every connected TCP socket; returns how many. */
int qlrt_sockets_abort_all(const char *why);
/* Fault injection (faults.c): schedule $QLRT_FAULTS (0, or -1 after logging a bad spec), and the
 * end-of-run account. */
int qlrt_faults_start(void);
void qlrt_faults_report(void);

#endif /* QLRT_INTERNAL_H */
