/*
 * lwip_sockets.c - the lwip_* socket, netdb and address functions declared by include/sockets.h,
 * include/lwip/netdb.h, include/lwip/inet.h and include/lwip/ip_addr.h, implemented over the
 * host's sockets (host_net.c) with the network rule of remap.c applied to every destination.
 *
 * This file sees the lwIP-style headers, so BSD names are macros here: host functions are
 * reached through host_net.c or with the name in parentheses, e.g. (close)(s).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/inet.h"
#include "lwip/ip_addr.h"
#include "lwip/netdb.h"
#include "qlrt.h"
#include "sockets.h"
#include "qlrt_internal.h"

/* The QLRT_MSG_* values are lwIP's: flags pass through unchanged to host_net.c. */
typedef char qlrt_check_msg_flags[(MSG_PEEK == QLRT_MSG_PEEK && MSG_WAITALL == QLRT_MSG_WAITALL &&
                                   MSG_OOB == QLRT_MSG_OOB && MSG_DONTWAIT == QLRT_MSG_DONTWAIT &&
                                   MSG_MORE == QLRT_MSG_MORE && MSG_NOSIGNAL == QLRT_MSG_NOSIGNAL)
                                      ? 1
                                      : -1];

const struct in6_addr lwip_in6addr_any = IN6ADDR_ANY_INIT;

/* ---------------------------------------------------------------- per-socket last error */

#define MAX_TRACKED_FD 4096
static int g_sock_err[MAX_TRACKED_FD];
/* Sockets the app opened here (1 = open), those whose peer is "the network" (reached through a
 * QLRT_MAP rule: data call drops and faults act on them), and bytes sent per socket. */
static unsigned char g_open[MEMP_NUM_NETCONN + 1];
static unsigned char g_remote[MEMP_NUM_NETCONN + 1];
static uint64_t g_sent[MEMP_NUM_NETCONN + 1];
static pthread_mutex_t g_reg_lock = PTHREAD_MUTEX_INITIALIZER;
int h_errno;

/* A new socket must fit lwIP's fd_set (numbers 1..MEMP_NUM_NETCONN): the module has that many
 * netconns and no more. Returns s, or -1 with ENFILE after closing it. */
static int admit(int s)
{
    static int warned;
    if (s < 0) return s;
    if (s > MEMP_NUM_NETCONN) {
        (close)(s);
        if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
            qlrt_logf(QLRT_LV_WARN, "socket: no socket number left in 1..%d (FD_SETSIZE, the module's %d netconns); "
                                    "failing with ENFILE", MEMP_NUM_NETCONN, MEMP_NUM_NETCONN);
        errno = ENFILE;
        return -1;
    }
    pthread_mutex_lock(&g_reg_lock);
    g_open[s] = 1;
    g_remote[s] = 0;
    g_sent[s] = 0;
    pthread_mutex_unlock(&g_reg_lock);
    return s;
}

static int is_open(int s) { return s > 0 && s <= MEMP_NUM_NETCONN && __atomic_load_n(&g_open[s], __ATOMIC_RELAXED); }

/* 1: socket s talks to the network (through a QLRT_MAP rule). */
static int is_remote(int s)
{
    return s > 0 && s <= MEMP_NUM_NETCONN && __atomic_load_n(&g_remote[s], __ATOMIC_RELAXED);
}

static void mark_remote(int s)
{
    if (s > 0 && s <= MEMP_NUM_NETCONN) __atomic_store_n(&g_remote[s], 1, __ATOMIC_RELAXED);
}

static void count(int s, int uplink, long n)
{
    if (n <= 0 || s <= 0 || s > MEMP_NUM_NETCONN) return;
    pthread_mutex_lock(&g_reg_lock);
    if (uplink) g_sent[s] += (uint64_t)n;
    pthread_mutex_unlock(&g_reg_lock);
    if (is_remote(s)) qlrt_net_count(uplink, (size_t)n);
}

int qlrt_sockets_abort_all(const char *why)
{
    int s, n = 0;
    pthread_mutex_lock(&g_reg_lock);
    for (s = 1; s <= MEMP_NUM_NETCONN; s++)
        if (g_open[s] && g_remote[s] && qlrt_h_tcp_connected(s) && qlrt_h_abort(s) == 0) {
            g_sock_err[s] = ECONNRESET;
            n++;
        }
    pthread_mutex_unlock(&g_reg_lock);
    if (n > 0) qlrt_logf(QLRT_LV_WARN, "%d TCP connection(s) to the network reset (%s)", n, why);
    return n;
}

static void set_err(int s, int e)
{
    if (s >= 0 && s < MAX_TRACKED_FD) __atomic_store_n(&g_sock_err[s], e, __ATOMIC_RELAXED);
}

static int fail(int s, int e)
{
    set_err(s, e);
    errno = e;
    return -1;
}

/* Record the outcome of a host call: r < 0 keeps errno as the socket's error. */
static long done(int s, long r)
{
    if (r < 0) set_err(s, errno);
    return r;
}

int lwip_get_error(int s)
{
    if (s < 0 || s >= MAX_TRACKED_FD) return EBADF;
    return __atomic_load_n(&g_sock_err[s], __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------- address conversion */

/* socklen_t is int (the SDK's lwIP): negative lengths are rejected here and in the callers. */
static int from_lwip(const struct sockaddr *sa, socklen_t len, qlrt_addr_t *a)
{
    memset(a, 0, sizeof(*a));
    if (sa == NULL) return EFAULT;
    if (len < 2) return EINVAL;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)sa;
        if ((size_t)len < sizeof(*s)) return EINVAL;
        a->family = QLRT_FAM_V4;
        a->port = ntohs(s->sin_port);
        memcpy(a->addr, &s->sin_addr, 4);
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)sa;
        if ((size_t)len < sizeof(*s)) return EINVAL;
        a->family = QLRT_FAM_V6;
        a->port = ntohs(s->sin6_port);
        memcpy(a->addr, &s->sin6_addr, 16);
        a->flowinfo = ntohl(s->sin6_flowinfo);
        a->scope_id = s->sin6_scope_id;
        return 0;
    }
    return EAFNOSUPPORT;
}

/* Copies at most *len bytes (none if *len is negative) and sets *len to the full length. */
static void to_lwip(const qlrt_addr_t *a, struct sockaddr *sa, socklen_t *len)
{
    struct sockaddr_storage ss;
    socklen_t full;
    memset(&ss, 0, sizeof(ss));
    if (a->family == QLRT_FAM_V6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)(void *)&ss;
        full = sizeof(*s);
        s->sin6_len = (u8_t)full;
        s->sin6_family = AF_INET6;
        s->sin6_port = htons(a->port);
        s->sin6_flowinfo = htonl(a->flowinfo);
        memcpy(&s->sin6_addr, a->addr, 16);
        s->sin6_scope_id = a->scope_id;
    } else {
        struct sockaddr_in *s = (struct sockaddr_in *)(void *)&ss;
        full = sizeof(*s);
        s->sin_len = (u8_t)full;
        s->sin_family = AF_INET;
        s->sin_port = htons(a->port);
        memcpy(&s->sin_addr, a->addr, 4);
    }
    if (sa && len && *len > 0) memcpy(sa, &ss, (size_t)(*len < full ? *len : full));
    if (len) *len = full;
}

/* ---------------------------------------------------------------- sockets */

int lwip_socket(int domain, int type, int protocol)
{
    int fam = domain == AF_INET ? QLRT_FAM_V4 : domain == AF_INET6 ? QLRT_FAM_V6 : -1;
    int s;
    if (fam < 0) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    s = admit(qlrt_h_socket(fam, type, protocol));
    if (s >= 0) set_err(s, 0);
    return s;
}

int lwip_bind(int s, const struct sockaddr *name, socklen_t namelen)
{
    qlrt_addr_t a;
    int e = from_lwip(name, namelen, &a);
    if (e) return fail(s, e);
    if (qlrt_bind_addr(&a) != 0) return fail(s, EADDRNOTAVAIL);
    return (int)done(s, qlrt_h_bind(s, &a));
}

int lwip_connect(int s, const struct sockaddr *name, socklen_t namelen)
{
    qlrt_addr_t a, to;
    int type = qlrt_h_socket_type(s);
    int e = from_lwip(name, namelen, &a);
    if (type < 0) return fail(s, errno);
    if (e) return fail(s, e);
    switch (qlrt_route(&a, type == 2 ? "udp connect" : "tcp connect", &to)) {
    case QLRT_ROUTE_REFUSED:
        return fail(s, type == 2 ? EHOSTUNREACH : ECONNREFUSED);
    case QLRT_ROUTE_REMAPPED:
        /* the network's side: no registration or no data call (after a drop), no route */
        e = qlrt_net_link_error(0);
        if (e) {
            qlrt_logf(QLRT_LV_INFO, "%s connect: no route, the network or the data call is down", type == 2 ? "udp" : "tcp");
            return fail(s, EHOSTUNREACH);
        }
        mark_remote(s);
        break;
    default:
        break;
    }
    qlrt_task_checkpoint();
    if (qlrt_h_connect(s, &to) != 0) return fail(s, errno);
    set_err(s, 0);
    return 0;
}

int lwip_listen(int s, int backlog) { return (int)done(s, qlrt_h_listen(s, backlog)); }

int lwip_accept(int s, struct sockaddr *addr, socklen_t *addrlen)
{
    qlrt_addr_t peer;
    int r;
    qlrt_task_checkpoint();
    r = admit(qlrt_h_accept(s, &peer));
    if (r < 0) return (int)done(s, r);
    set_err(r, 0);
    if (addr && addrlen) to_lwip(&peer, addr, addrlen);
    return r;
}

int lwip_shutdown(int s, int how) { return (int)done(s, qlrt_h_shutdown(s, how)); }

int lwip_close(int s)
{
    int r;
    pthread_mutex_lock(&g_reg_lock);
    r = (close)(s);
    if (r == 0 && s > 0 && s <= MEMP_NUM_NETCONN) g_open[s] = g_remote[s] = 0;
    pthread_mutex_unlock(&g_reg_lock);
    if (r == 0) set_err(s, 0);
    return r;
}

static int getname(int s, int peer, struct sockaddr *name, socklen_t *namelen)
{
    qlrt_addr_t a;
    if (name == NULL || namelen == NULL) return fail(s, EFAULT);
    if (qlrt_h_getname(s, peer, &a) != 0) return fail(s, errno);
    if (peer) qlrt_unroute(&a);
    to_lwip(&a, name, namelen);
    return 0;
}

int lwip_getpeername(int s, struct sockaddr *name, socklen_t *namelen) { return getname(s, 1, name, namelen); }
int lwip_getsockname(int s, struct sockaddr *name, socklen_t *namelen) { return getname(s, 0, name, namelen); }

static int opt_of(int level, int optname)
{
    if (level == SOL_SOCKET) {
        switch (optname) {
        case SO_REUSEADDR: return QLRT_OPT_REUSEADDR;
        case SO_KEEPALIVE: return QLRT_OPT_KEEPALIVE;
        case SO_BROADCAST: return QLRT_OPT_BROADCAST;
        case SO_DEBUG: return QLRT_OPT_DEBUG;
        case SO_ACCEPTCONN: return QLRT_OPT_ACCEPTCONN;
        case SO_DONTROUTE: return QLRT_OPT_DONTROUTE;
        case SO_LINGER: return QLRT_OPT_LINGER;
        case SO_OOBINLINE: return QLRT_OPT_OOBINLINE;
        case SO_REUSEPORT: return QLRT_OPT_REUSEPORT;
        case SO_SNDBUF: return QLRT_OPT_SNDBUF;
        case SO_RCVBUF: return QLRT_OPT_RCVBUF;
        case SO_SNDLOWAT: return QLRT_OPT_SNDLOWAT;
        case SO_RCVLOWAT: return QLRT_OPT_RCVLOWAT;
        case SO_SNDTIMEO: return QLRT_OPT_SNDTIMEO;
        case SO_RCVTIMEO: return QLRT_OPT_RCVTIMEO;
        case SO_ERROR: return QLRT_OPT_ERROR;
        case SO_TYPE: return QLRT_OPT_TYPE;
        default: return QLRT_OPT_UNKNOWN;
        }
    }
    if (level == IPPROTO_TCP) {
        switch (optname) {
        case TCP_NODELAY: return QLRT_OPT_TCP_NODELAY;
        case TCP_KEEPIDLE: return QLRT_OPT_TCP_KEEPIDLE;
        case TCP_KEEPINTVL: return QLRT_OPT_TCP_KEEPINTVL;
        case TCP_KEEPCNT: return QLRT_OPT_TCP_KEEPCNT;
        default: return QLRT_OPT_UNKNOWN;
        }
    }
    if (level == IPPROTO_IP) {
        if (optname == IP_TOS) return QLRT_OPT_IP_TOS;
        if (optname == IP_TTL) return QLRT_OPT_IP_TTL;
    }
    if (level == IPPROTO_IPV6 && optname == IPV6_V6ONLY) return QLRT_OPT_IPV6_V6ONLY;
    return QLRT_OPT_UNKNOWN;
}

int lwip_getsockopt(int s, int level, int optname, void *optval, socklen_t *optlen)
{
    int opt = opt_of(level, optname);
    unsigned len;
    if (optval == NULL || optlen == NULL) return fail(s, EFAULT);
    if (*optlen < 0) return fail(s, EINVAL);
    if (opt == QLRT_OPT_UNKNOWN) {
        qlrt_logf(QLRT_LV_DEBUG, "getsockopt(level 0x%x, option 0x%x): not supported", level, optname);
        return fail(s, ENOPROTOOPT);
    }
    len = (unsigned)*optlen;
    if (qlrt_h_getsockopt(s, opt, optval, &len) != 0) return fail(s, errno);
    *optlen = (socklen_t)len;
    if (opt == QLRT_OPT_ERROR && len >= sizeof(int)) set_err(s, *(int *)optval);
    return 0;
}

int lwip_setsockopt(int s, int level, int optname, const void *optval, socklen_t optlen)
{
    int opt = opt_of(level, optname);
    if (optval == NULL) return fail(s, EFAULT);
    if (optlen < 0) return fail(s, EINVAL);
    if (opt == QLRT_OPT_UNKNOWN) {
        qlrt_logf(QLRT_LV_DEBUG, "setsockopt(level 0x%x, option 0x%x): not supported", level, optname);
        return fail(s, ENOPROTOOPT);
    }
    return (int)done(s, qlrt_h_setsockopt(s, opt, optval, (unsigned)optlen));
}

ssize_t lwip_recv(int s, void *mem, size_t len, int flags)
{
    ssize_t r;
    qlrt_task_checkpoint();
    r = (ssize_t)done(s, qlrt_h_recvfrom(s, mem, len, flags, NULL));
    if (!(flags & MSG_PEEK)) count(s, 0, (long)r);
    return r;
}

ssize_t lwip_read(int s, void *mem, size_t len)
{
    ssize_t r;
    qlrt_task_checkpoint();
    r = (ssize_t)done(s, (read)(s, mem, len));
    count(s, 0, (long)r);
    return r;
}

ssize_t lwip_recvfrom(int s, void *mem, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
    qlrt_addr_t a;
    ssize_t r;
    qlrt_task_checkpoint();
    if (from == NULL || fromlen == NULL) return (ssize_t)done(s, qlrt_h_recvfrom(s, mem, len, flags, NULL));
    r = qlrt_h_recvfrom(s, mem, len, flags, &a);
    if (r < 0) return (ssize_t)done(s, r);
    if (!(flags & MSG_PEEK)) count(s, 0, (long)r);
    qlrt_unroute(&a);
    to_lwip(&a, from, fromlen);
    return r;
}

ssize_t lwip_send(int s, const void *dataptr, size_t size, int flags)
{
    ssize_t r;
    /* a datagram to the network needs the network (a TCP stream keeps its own state) */
    if (is_remote(s) && qlrt_h_socket_type(s) == 2 && qlrt_net_link_error(0))
        return fail(s, EHOSTUNREACH);
    r = (ssize_t)done(s, qlrt_h_sendto(s, dataptr, size, flags, NULL));
    count(s, 1, (long)r);
    return r;
}

ssize_t lwip_sendto(int s, const void *dataptr, size_t size, int flags, const struct sockaddr *to, socklen_t tolen)
{
    qlrt_addr_t a, dst;
    int e;
    if (to == NULL) return lwip_send(s, dataptr, size, flags);
    e = from_lwip(to, tolen, &a);
    if (e) return fail(s, e);
    switch (qlrt_route(&a, qlrt_h_socket_type(s) == 1 ? "tcp sendto" : "udp sendto", &dst)) {
    case QLRT_ROUTE_REFUSED:
        return fail(s, EHOSTUNREACH);
    case QLRT_ROUTE_REMAPPED:
        if (qlrt_net_link_error(0)) return fail(s, EHOSTUNREACH);
        mark_remote(s);
        break;
    default:
        break;
    }
    {
        ssize_t r = (ssize_t)done(s, qlrt_h_sendto(s, dataptr, size, flags, &dst));
        count(s, 1, (long)r);
        return r;
    }
}

ssize_t lwip_write(int s, const void *dataptr, size_t size)
{
    if (qlrt_h_socket_type(s) >= 0) return lwip_send(s, dataptr, size, 0); /* no SIGPIPE */
    return (write)(s, dataptr, size);
}

int lwip_select(int maxfdp1, fd_set *readset, fd_set *writeset, fd_set *exceptset, struct timeval *timeout)
{
    long us = -1;
    qlrt_task_checkpoint();
    if (timeout) {
        if (timeout->tv_sec < 0 || timeout->tv_usec < 0) {
            errno = EINVAL;
            return -1;
        }
        us = timeout->tv_sec > 86400 ? 86400L * 1000000L : (long)timeout->tv_sec * 1000000L + (long)timeout->tv_usec;
    }
    return qlrt_h_select(maxfdp1, readset ? readset->fd_bits : NULL, writeset ? writeset->fd_bits : NULL,
                         exceptset ? exceptset->fd_bits : NULL, FD_SETSIZE, us);
}

int32_t lwip_getAckedSize(int nSocket)
{
    int64_t unacked;
    if (!is_open(nSocket)) return -1;
    unacked = qlrt_h_socket_type(nSocket) == 1 ? qlrt_h_pending(nSocket, 1) : 0;
    if (unacked < 0) return -1;
    return (int32_t)((int64_t)g_sent[nSocket] - unacked);
}

int32_t lwip_getSentSize(int nSocket)
{
    if (!is_open(nSocket)) return -1;
    return (int32_t)g_sent[nSocket];
}

int32_t lwip_getRecvBufSize(int nSocket)
{
    if (!is_open(nSocket)) return -1;
    return qlrt_h_rcvbuf(nSocket);
}

int32_t lwip_getRecvAvailSize(int nSocket)
{
    if (!is_open(nSocket)) return -1;
    return qlrt_h_pending(nSocket, 0);
}

int32_t quec_lwip_getSocketsNum(uint8_t nSim)
{
    int s, n = 0;
    if (nSim > 1) return -1;
    pthread_mutex_lock(&g_reg_lock);
    for (s = 1; s <= MEMP_NUM_NETCONN; s++) n += g_open[s];
    pthread_mutex_unlock(&g_reg_lock);
    return n;
}

int lwip_ioctl(int s, long cmd, void *argp)
{
    if (cmd == (long)FIONBIO) {
        int on, fl;
        if (argp == NULL) return fail(s, EFAULT);
        on = *(int *)argp != 0;
        fl = (fcntl)(s, F_GETFL, 0);
        if (fl < 0) return fail(s, errno);
        return (int)done(s, (fcntl)(s, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK)));
    }
    if (argp == NULL) return fail(s, EFAULT);
    return (int)done(s, (ioctl)(s, (unsigned long)cmd, argp));
}

int lwip_fcntl(int s, int cmd, int val)
{
    switch (cmd) {
    case F_GETFL:
    case F_GETFD:
        return (int)done(s, (fcntl)(s, cmd));
    case F_SETFL:
    case F_SETFD:
        return (int)done(s, (fcntl)(s, cmd, val));
    default:
        qlrt_logf(QLRT_LV_DEBUG, "fcntl(%d, cmd %d): only F_GETFL/F_SETFL/F_GETFD/F_SETFD are supported", s, cmd);
        return fail(s, EINVAL);
    }
}

const char *lwip_inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    if (af != AF_INET && af != AF_INET6) {
        errno = EAFNOSUPPORT;
        return NULL;
    }
    if (size < 0) {
        errno = ENOSPC;
        return NULL;
    }
    return qlrt_h_ntop(af == AF_INET6 ? QLRT_FAM_V6 : QLRT_FAM_V4, src, dst, (size_t)size) == 0 ? dst : NULL;
}

int lwip_inet_pton(int af, const char *src, void *dst)
{
    if (af != AF_INET && af != AF_INET6) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return qlrt_h_pton(af == AF_INET6 ? QLRT_FAM_V6 : QLRT_FAM_V4, src, dst);
}

/* ---------------------------------------------------------------- netdb */

/* A name that needs the network's DNS (not a numeric address, not localhost) cannot be looked up
 * while a dns_fail fault is on, or the network or that simcid's data call is down. */
static int lookup_blocked(const char *name, uint32_t simcid)
{
    qlrt_addr_t probe;
    int e;
    if (qlrt_addr_parse(name, &probe) == 0 || strcmp(name, "localhost") == 0) return 0;
    if (qlrt_dns_failing()) {
        qlrt_logf(QLRT_LV_INFO, "name lookup '%.64s' failed: DNS failure injected (dns_fail)", name);
        return 1;
    }
    e = qlrt_net_link_error(simcid);
    if (e) {
        qlrt_logf(QLRT_LV_INFO, "name lookup '%.64s' (simcid %u) failed: the network or the data call is down", name,
                  (unsigned)simcid);
        return 1;
    }
    return 0;
}

struct ai_block {
    struct addrinfo ai;
    struct sockaddr_storage sa;
    char name[DNS_MAX_NAME_LENGTH + 1];
};

int lwip_getaddrinfo(const char *nodename, const char *servname, const struct addrinfo *hints, struct addrinfo **res,
                     uint32_t simcid)
{
    int family = AF_UNSPEC, flags = 0, qfam;
    long port = 0;
    qlrt_addr_t a;
    struct ai_block *b;
    socklen_t sl;
    /* The host has one network: simcid (the data call's) only shows in the log. */
    qlrt_logf(QLRT_LV_DEBUG, "getaddrinfo('%.64s', simcid %u)", nodename ? nodename : "(null)", (unsigned)simcid);
    if (res == NULL) return EAI_FAIL;
    *res = NULL;
    if (nodename == NULL && servname == NULL) return EAI_NONAME;
    if (hints) {
        family = hints->ai_family;
        flags = hints->ai_flags;
        if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;
    }
    if (servname) {
        char *end;
        port = strtol(servname, &end, 10);
        if (*servname == '\0' || *end != '\0' || port < 0 || port > 65535) return EAI_SERVICE;
    }
    if (nodename && strlen(nodename) > DNS_MAX_NAME_LENGTH) return EAI_FAIL;
    qfam = family == AF_INET6 ? QLRT_FAM_V6 : family == AF_INET ? QLRT_FAM_V4 : QLRT_FAM_NONE;
    if (nodename == NULL) {
        const char *any = (flags & AI_PASSIVE) ? (qfam == QLRT_FAM_V6 ? "::" : "0.0.0.0")
                                               : (qfam == QLRT_FAM_V6 ? "::1" : "127.0.0.1");
        qlrt_addr_parse(any, &a);
    } else {
        qlrt_addr_t probe;
        if ((flags & AI_NUMERICHOST) && qlrt_addr_parse(nodename, &probe) != 0) return EAI_NONAME;
        if (lookup_blocked(nodename, simcid)) return EAI_FAIL;
        if (qlrt_resolve(nodename, qfam, &a) != 0) return EAI_FAIL;
    }
    a.port = (uint16_t)port;
    b = calloc(1, sizeof(*b));
    if (b == NULL) return EAI_MEMORY;
    sl = sizeof(b->sa);
    to_lwip(&a, (struct sockaddr *)(void *)&b->sa, &sl);
    b->ai.ai_family = a.family == QLRT_FAM_V6 ? AF_INET6 : AF_INET;
    b->ai.ai_addrlen = sl;
    b->ai.ai_addr = (struct sockaddr *)(void *)&b->sa;
    if (hints) {
        b->ai.ai_socktype = hints->ai_socktype;
        b->ai.ai_protocol = hints->ai_protocol;
    }
    if (nodename && (flags & AI_CANONNAME)) {
        snprintf(b->name, sizeof(b->name), "%s", nodename);
        b->ai.ai_canonname = b->name;
    }
    *res = &b->ai;
    return 0;
}

void lwip_freeaddrinfo(struct addrinfo *ai)
{
    int n = 0;
    while (ai && n++ < 1000) {
        struct addrinfo *next = ai->ai_next;
        free(ai); /* the addrinfo is the first member of its ai_block */
        ai = next;
    }
}

struct hostent *lwip_gethostbyname(const char *name, uint32_t simcid)
{
    static __thread struct hostent h;
    static __thread char hname[DNS_MAX_NAME_LENGTH + 1];
    static __thread ip4_addr_t addr;
    static __thread char *addr_list[2];
    static __thread char *aliases[1];
    qlrt_addr_t a;
    if (name == NULL || strlen(name) > DNS_MAX_NAME_LENGTH) {
        h_errno = HOST_NOT_FOUND;
        return NULL;
    }
    if (lookup_blocked(name, simcid)) {
        h_errno = TRY_AGAIN;
        return NULL;
    }
    if (qlrt_resolve(name, QLRT_FAM_V4, &a) != 0) {
        h_errno = HOST_NOT_FOUND;
        return NULL;
    }
    memcpy(&addr.addr, a.addr, 4);
    snprintf(hname, sizeof(hname), "%s", name);
    addr_list[0] = (char *)&addr;
    addr_list[1] = NULL;
    aliases[0] = NULL;
    h.h_name = hname;
    h.h_aliases = aliases;
    h.h_addrtype = AF_INET;
    h.h_length = (int)sizeof(ip4_addr_t);
    h.h_addr_list = addr_list;
    return &h;
}

int lwip_gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen, struct hostent **result,
                         int *h_errnop)
{
    struct hostent *h;
    /* buf holds: the address, the address list (2 pointers), the alias list (1), the name */
    size_t need;
    char **list;
    if (result) *result = NULL;
    if (name == NULL || ret == NULL || buf == NULL || result == NULL) {
        if (h_errnop) *h_errnop = NO_RECOVERY;
        return EINVAL;
    }
    need = sizeof(ip4_addr_t) + 3 * sizeof(char *) + strlen(name) + 1 + sizeof(char *);
    if (buflen < need) {
        if (h_errnop) *h_errnop = NO_RECOVERY;
        return ERANGE;
    }
    h = lwip_gethostbyname(name, 0);
    if (h == NULL) {
        if (h_errnop) *h_errnop = h_errno;
        return ENOENT;
    }
    {
        uintptr_t p = ((uintptr_t)buf + sizeof(char *) - 1) & ~(uintptr_t)(sizeof(char *) - 1);
        list = (char **)p;
        memcpy(list + 3, h->h_addr_list[0], sizeof(ip4_addr_t));
        list[0] = (char *)(list + 3);
        list[1] = NULL;
        list[2] = NULL; /* aliases */
        memcpy((char *)(list + 3) + sizeof(ip4_addr_t), name, strlen(name) + 1);
    }
    ret->h_name = (char *)(list + 3) + sizeof(ip4_addr_t);
    ret->h_aliases = list + 2;
    ret->h_addrtype = AF_INET;
    ret->h_length = (int)sizeof(ip4_addr_t);
    ret->h_addr_list = list;
    *result = ret;
    return 0;
}

/* ---------------------------------------------------------------- ip_addr helpers */

static __thread char t_ntoa[IP6ADDR_STRLEN_MAX + 1];

char *ip4addr_ntoa_r(const ip4_addr_t *addr, char *buf, int buflen)
{
    if (addr == NULL || buf == NULL || buflen <= 0) return NULL;
    return qlrt_h_ntop(QLRT_FAM_V4, &addr->addr, buf, (size_t)buflen) == 0 ? buf : NULL;
}

char *ip4addr_ntoa(const ip4_addr_t *addr) { return ip4addr_ntoa_r(addr, t_ntoa, (int)sizeof(t_ntoa)); }

int ip4addr_aton(const char *cp, ip4_addr_t *addr)
{
    uint32_t v;
    if (!qlrt_h_aton4(cp, &v)) return 0;
    if (addr) addr->addr = v;
    return 1;
}

u32_t ipaddr_addr(const char *cp)
{
    ip4_addr_t a;
    return ip4addr_aton(cp, &a) ? a.addr : IPADDR_NONE;
}

char *ip6addr_ntoa_r(const ip6_addr_t *addr, char *buf, int buflen)
{
    if (addr == NULL || buf == NULL || buflen <= 0) return NULL;
    return qlrt_h_ntop(QLRT_FAM_V6, addr->addr, buf, (size_t)buflen) == 0 ? buf : NULL;
}

char *ip6addr_ntoa(const ip6_addr_t *addr) { return ip6addr_ntoa_r(addr, t_ntoa, (int)sizeof(t_ntoa)); }

int ip6addr_aton(const char *cp, ip6_addr_t *addr)
{
    uint8_t b[16];
    if (!qlrt_h_pton(QLRT_FAM_V6, cp, b)) return 0;
    if (addr) {
        memcpy(addr->addr, b, 16);
        addr->zone = IP6_NO_ZONE;
    }
    return 1;
}

char *ipaddr_ntoa_r(const ip_addr_t *addr, char *buf, int buflen)
{
    if (addr == NULL) return NULL;
    return IP_IS_V6(addr) ? ip6addr_ntoa_r(ip_2_ip6(addr), buf, buflen) : ip4addr_ntoa_r(ip_2_ip4(addr), buf, buflen);
}

char *ipaddr_ntoa(const ip_addr_t *addr) { return ipaddr_ntoa_r(addr, t_ntoa, (int)sizeof(t_ntoa)); }

int ipaddr_aton(const char *cp, ip_addr_t *addr)
{
    ip_addr_t tmp;
    memset(&tmp, 0, sizeof(tmp));
    if (cp == NULL) return 0;
    if (strchr(cp, ':')) {
        if (!ip6addr_aton(cp, &tmp.u_addr.ip6)) return 0;
        tmp.type = IPADDR_TYPE_V6;
    } else {
        if (!ip4addr_aton(cp, &tmp.u_addr.ip4)) return 0;
        tmp.type = IPADDR_TYPE_V4;
    }
    if (addr) *addr = tmp;
    return 1;
}

int qlrt_inet6_aton(const char *cp, void *addr16)
{
    uint8_t b[16];
    if (!qlrt_h_pton(QLRT_FAM_V6, cp, b)) return 0;
    if (addr16) memcpy(addr16, b, 16);
    return 1;
}

char *qlrt_inet6_ntoa_r(const void *addr16, char *buf, int buflen)
{
    if (addr16 == NULL || buf == NULL || buflen <= 0) return NULL;
    return qlrt_h_ntop(QLRT_FAM_V6, addr16, buf, (size_t)buflen) == 0 ? buf : NULL;
}

char *qlrt_inet6_ntoa(const void *addr16) { return qlrt_inet6_ntoa_r(addr16, t_ntoa, (int)sizeof(t_ntoa)); }
