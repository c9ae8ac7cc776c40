/*
 * host_net.c - the host side of the runtime's socket layer: real Linux sockets, addressed
 * through qlrt_addr_t and QLRT_* option/flag values (see qlrt_internal.h).
 * This file includes the system socket headers and never the lwIP-style ones.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "qlrt_internal.h"

static socklen_t to_host(const qlrt_addr_t *a, struct sockaddr_storage *ss, int sock_family)
{
    memset(ss, 0, sizeof(*ss));
    if (a->family == QLRT_FAM_V4 && sock_family != QLRT_FAM_V6) {
        struct sockaddr_in *s = (struct sockaddr_in *)ss;
        s->sin_family = AF_INET;
        s->sin_port = htons(a->port);
        memcpy(&s->sin_addr, a->addr, 4);
        return sizeof(*s);
    }
    if (a->family == QLRT_FAM_V4) { /* IPv6 socket, IPv4 destination: v4-mapped */
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
        s->sin6_family = AF_INET6;
        s->sin6_port = htons(a->port);
        s->sin6_addr.s6_addr[10] = 0xff;
        s->sin6_addr.s6_addr[11] = 0xff;
        memcpy(&s->sin6_addr.s6_addr[12], a->addr, 4);
        return sizeof(*s);
    }
    if (a->family == QLRT_FAM_V6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
        s->sin6_family = AF_INET6;
        s->sin6_port = htons(a->port);
        s->sin6_flowinfo = htonl(a->flowinfo);
        memcpy(&s->sin6_addr, a->addr, 16);
        s->sin6_scope_id = a->scope_id;
        return sizeof(*s);
    }
    return 0;
}

static void from_host(const struct sockaddr_storage *ss, qlrt_addr_t *a)
{
    memset(a, 0, sizeof(*a));
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        a->family = QLRT_FAM_V4;
        a->port = ntohs(s->sin_port);
        memcpy(a->addr, &s->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        a->port = ntohs(s->sin6_port);
        if (memcmp(s->sin6_addr.s6_addr, mapped, 12) == 0) {
            a->family = QLRT_FAM_V4;
            memcpy(a->addr, &s->sin6_addr.s6_addr[12], 4);
        } else {
            a->family = QLRT_FAM_V6;
            memcpy(a->addr, &s->sin6_addr, 16);
            a->flowinfo = ntohl(s->sin6_flowinfo);
            a->scope_id = s->sin6_scope_id;
        }
    }
}

static int host_flags(int q)
{
    int f = MSG_NOSIGNAL; /* lwIP never raises SIGPIPE */
    if (q & QLRT_MSG_PEEK) f |= MSG_PEEK;
    if (q & QLRT_MSG_WAITALL) f |= MSG_WAITALL;
    if (q & QLRT_MSG_OOB) f |= MSG_OOB;
    if (q & QLRT_MSG_DONTWAIT) f |= MSG_DONTWAIT;
    if (q & QLRT_MSG_MORE) f |= MSG_MORE;
    return f;
}

int qlrt_addr_parse(const char *text, qlrt_addr_t *out)
{
    memset(out, 0, sizeof(*out));
    if (text == NULL) return -1;
    if (inet_pton(AF_INET, text, out->addr) == 1) {
        out->family = QLRT_FAM_V4;
        return 0;
    }
    if (inet_pton(AF_INET6, text, out->addr) == 1) {
        out->family = QLRT_FAM_V6;
        return 0;
    }
    return -1;
}

const char *qlrt_addr_str(const qlrt_addr_t *a, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN];
    if (a->family == QLRT_FAM_V4 && inet_ntop(AF_INET, a->addr, ip, sizeof(ip)))
        snprintf(buf, len, "%s:%u", ip, (unsigned)a->port);
    else if (a->family == QLRT_FAM_V6 && inet_ntop(AF_INET6, a->addr, ip, sizeof(ip)))
        snprintf(buf, len, "[%s]:%u", ip, (unsigned)a->port);
    else
        snprintf(buf, len, "(no address)");
    return buf;
}

int qlrt_addr_is_loopback(const qlrt_addr_t *a)
{
    static const uint8_t lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (a->family == QLRT_FAM_V4) return a->addr[0] == 127;
    if (a->family == QLRT_FAM_V6)
        return memcmp(a->addr, lo6, 16) == 0 || (memcmp(a->addr, mapped, 12) == 0 && a->addr[12] == 127);
    return 0;
}

int qlrt_h_ntop(int fam, const void *src, char *dst, size_t len)
{
    if (src == NULL || dst == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (len > 0x7fffffffU) len = 0x7fffffffU;
    return inet_ntop(fam == QLRT_FAM_V6 ? AF_INET6 : AF_INET, src, dst, (socklen_t)len) ? 0 : -1;
}

int qlrt_h_pton(int fam, const char *src, void *dst)
{
    if (src == NULL || dst == NULL) return 0;
    return inet_pton(fam == QLRT_FAM_V6 ? AF_INET6 : AF_INET, src, dst) == 1;
}

int qlrt_h_aton4(const char *cp, uint32_t *net_order)
{
    struct in_addr a;
    if (cp == NULL || inet_aton(cp, &a) == 0) return 0;
    if (net_order) *net_order = a.s_addr;
    return 1;
}

int qlrt_h_socket(int family, int type, int protocol)
{
    int d = family == QLRT_FAM_V6 ? AF_INET6 : family == QLRT_FAM_V4 ? AF_INET : -1;
    int t = type == 1 ? SOCK_STREAM : type == 2 ? SOCK_DGRAM : type == 3 ? SOCK_RAW : -1;
    if (d < 0) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    if (t < 0) {
        errno = EPROTOTYPE;
        return -1;
    }
    return socket(d, t | SOCK_CLOEXEC, protocol);
}

int qlrt_h_socket_family(int fd)
{
    int d = 0;
    socklen_t l = sizeof(d);
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &d, &l) != 0) return -1;
    return d == AF_INET6 ? QLRT_FAM_V6 : d == AF_INET ? QLRT_FAM_V4 : QLRT_FAM_NONE;
}

int qlrt_h_socket_type(int fd)
{
    int t = 0;
    socklen_t l = sizeof(t);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &l) != 0) return -1;
    return t == SOCK_STREAM ? 1 : t == SOCK_DGRAM ? 2 : t == SOCK_RAW ? 3 : 0;
}

int qlrt_h_bind(int fd, const qlrt_addr_t *a)
{
    struct sockaddr_storage ss;
    socklen_t l = to_host(a, &ss, qlrt_h_socket_family(fd));
    if (l == 0) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return bind(fd, (struct sockaddr *)&ss, l);
}

int qlrt_h_connect(int fd, const qlrt_addr_t *a)
{
    struct sockaddr_storage ss;
    int fam = qlrt_h_socket_family(fd);
    socklen_t l;
    if (fam == QLRT_FAM_V4 && a->family == QLRT_FAM_V6) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    l = to_host(a, &ss, fam);
    if (l == 0) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return connect(fd, (struct sockaddr *)&ss, l);
}

int qlrt_h_accept(int fd, qlrt_addr_t *peer)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof(ss);
    int r;
    memset(&ss, 0, sizeof(ss));
    r = accept4(fd, (struct sockaddr *)&ss, &l, SOCK_CLOEXEC);
    if (r >= 0 && peer) from_host(&ss, peer);
    return r;
}

int qlrt_h_listen(int fd, int backlog) { return listen(fd, backlog); }

int qlrt_h_shutdown(int fd, int how)
{
    int h = how == 0 ? SHUT_RD : how == 1 ? SHUT_WR : how == 2 ? SHUT_RDWR : -1;
    if (h < 0) {
        errno = EINVAL;
        return -1;
    }
    return shutdown(fd, h);
}

int qlrt_h_getname(int fd, int peer, qlrt_addr_t *a)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof(ss);
    int r;
    memset(&ss, 0, sizeof(ss));
    r = peer ? getpeername(fd, (struct sockaddr *)&ss, &l) : getsockname(fd, (struct sockaddr *)&ss, &l);
    if (r == 0) from_host(&ss, a);
    return r;
}

ssize_t qlrt_h_sendto(int fd, const void *buf, size_t len, int qflags, const qlrt_addr_t *to)
{
    struct sockaddr_storage ss;
    socklen_t l;
    if (to == NULL) return send(fd, buf, len, host_flags(qflags));
    l = to_host(to, &ss, qlrt_h_socket_family(fd));
    if (l == 0) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return sendto(fd, buf, len, host_flags(qflags), (struct sockaddr *)&ss, l);
}

ssize_t qlrt_h_recvfrom(int fd, void *buf, size_t len, int qflags, qlrt_addr_t *from)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof(ss);
    ssize_t r;
    int f = host_flags(qflags) & ~MSG_NOSIGNAL;
    if (from == NULL) return recv(fd, buf, len, f);
    memset(&ss, 0, sizeof(ss));
    r = recvfrom(fd, buf, len, f, (struct sockaddr *)&ss, &l);
    if (r >= 0) from_host(&ss, from);
    return r;
}

static int opt_map(int opt, int *level, int *name)
{
    switch (opt) {
    case QLRT_OPT_REUSEADDR: *level = SOL_SOCKET; *name = SO_REUSEADDR; return 0;
    case QLRT_OPT_KEEPALIVE: *level = SOL_SOCKET; *name = SO_KEEPALIVE; return 0;
    case QLRT_OPT_BROADCAST: *level = SOL_SOCKET; *name = SO_BROADCAST; return 0;
    case QLRT_OPT_DEBUG: *level = SOL_SOCKET; *name = SO_DEBUG; return 0;
    case QLRT_OPT_ACCEPTCONN: *level = SOL_SOCKET; *name = SO_ACCEPTCONN; return 0;
    case QLRT_OPT_DONTROUTE: *level = SOL_SOCKET; *name = SO_DONTROUTE; return 0;
    case QLRT_OPT_LINGER: *level = SOL_SOCKET; *name = SO_LINGER; return 0;
    case QLRT_OPT_OOBINLINE: *level = SOL_SOCKET; *name = SO_OOBINLINE; return 0;
    case QLRT_OPT_REUSEPORT: *level = SOL_SOCKET; *name = SO_REUSEPORT; return 0;
    case QLRT_OPT_SNDBUF: *level = SOL_SOCKET; *name = SO_SNDBUF; return 0;
    case QLRT_OPT_RCVBUF: *level = SOL_SOCKET; *name = SO_RCVBUF; return 0;
    case QLRT_OPT_SNDLOWAT: *level = SOL_SOCKET; *name = SO_SNDLOWAT; return 0;
    case QLRT_OPT_RCVLOWAT: *level = SOL_SOCKET; *name = SO_RCVLOWAT; return 0;
    case QLRT_OPT_SNDTIMEO: *level = SOL_SOCKET; *name = SO_SNDTIMEO; return 0;
    case QLRT_OPT_RCVTIMEO: *level = SOL_SOCKET; *name = SO_RCVTIMEO; return 0;
    case QLRT_OPT_ERROR: *level = SOL_SOCKET; *name = SO_ERROR; return 0;
    case QLRT_OPT_TYPE: *level = SOL_SOCKET; *name = SO_TYPE; return 0;
    case QLRT_OPT_TCP_NODELAY: *level = IPPROTO_TCP; *name = TCP_NODELAY; return 0;
    case QLRT_OPT_TCP_KEEPIDLE: *level = IPPROTO_TCP; *name = TCP_KEEPIDLE; return 0;
    case QLRT_OPT_TCP_KEEPINTVL: *level = IPPROTO_TCP; *name = TCP_KEEPINTVL; return 0;
    case QLRT_OPT_TCP_KEEPCNT: *level = IPPROTO_TCP; *name = TCP_KEEPCNT; return 0;
    case QLRT_OPT_IP_TOS: *level = IPPROTO_IP; *name = IP_TOS; return 0;
    case QLRT_OPT_IP_TTL: *level = IPPROTO_IP; *name = IP_TTL; return 0;
    case QLRT_OPT_IPV6_V6ONLY: *level = IPPROTO_IPV6; *name = IPV6_V6ONLY; return 0;
    default: return -1;
    }
}

/* Values pass through unchanged: int options, struct linger {int, int} and struct timeval are
 * laid out the same in lwIP and on the host (the app's struct timeval is the host's). */
int qlrt_h_getsockopt(int fd, int opt, void *val, unsigned *len)
{
    int level, name, r;
    socklen_t l;
    if (val == NULL || len == NULL) {
        errno = EFAULT;
        return -1;
    }
    if (opt_map(opt, &level, &name) != 0) {
        errno = ENOPROTOOPT;
        return -1;
    }
    l = *len;
    r = getsockopt(fd, level, name, val, &l);
    if (r == 0) {
        if (opt == QLRT_OPT_TYPE && l >= sizeof(int)) {
            int t = *(int *)val;
            *(int *)val = t == SOCK_STREAM ? 1 : t == SOCK_DGRAM ? 2 : t == SOCK_RAW ? 3 : t;
        }
        *len = l;
    }
    return r;
}

int qlrt_h_setsockopt(int fd, int opt, const void *val, unsigned len)
{
    int level, name;
    if (opt_map(opt, &level, &name) != 0) {
        errno = ENOPROTOOPT;
        return -1;
    }
    return setsockopt(fd, level, name, val, len);
}

/* lwIP's fd_set travels as a bitmap in which bit n - 1 is socket n (n = 1..nbits). */
static int bits_to_host(const uint8_t *bits, int nbits, fd_set *out)
{
    int n, any = 0;
    FD_ZERO(out);
    if (bits == NULL) return 0;
    for (n = 1; n <= nbits; n++)
        if (bits[(n - 1) / 8] & (1u << ((n - 1) & 7))) {
            FD_SET(n, out);
            any = 1;
        }
    return any;
}

static void host_to_bits(const fd_set *in, uint8_t *bits, int nbits)
{
    int n;
    if (bits == NULL) return;
    for (n = 1; n <= nbits; n++) {
        if (FD_ISSET(n, in))
            bits[(n - 1) / 8] |= (uint8_t)(1u << ((n - 1) & 7));
        else
            bits[(n - 1) / 8] &= (uint8_t)~(1u << ((n - 1) & 7));
    }
}

int qlrt_h_select(int maxfdp1, uint8_t *rbits, uint8_t *wbits, uint8_t *ebits, int nbits, long timeout_us)
{
    fd_set r, w, e;
    struct timeval tv, *ptv = NULL;
    int rc;
    if (maxfdp1 < 0) {
        errno = EINVAL;
        return -1;
    }
    if (maxfdp1 > nbits + 1) maxfdp1 = nbits + 1; /* lwIP looks at its own sockets only */
    bits_to_host(rbits, nbits, &r);
    bits_to_host(wbits, nbits, &w);
    bits_to_host(ebits, nbits, &e);
    if (timeout_us >= 0) {
        tv.tv_sec = timeout_us / 1000000;
        tv.tv_usec = timeout_us % 1000000;
        ptv = &tv;
    }
    rc = select(maxfdp1, rbits ? &r : NULL, wbits ? &w : NULL, ebits ? &e : NULL, ptv);
    if (rc < 0) return -1;
    host_to_bits(&r, rbits, nbits);
    host_to_bits(&w, wbits, nbits);
    host_to_bits(&e, ebits, nbits);
    return rc;
}

int qlrt_h_abort(int fd)
{
    /* connect(AF_UNSPEC) dissolves a TCP connection in place: Linux sends the peer a RST and
     * leaves ECONNRESET pending on the socket, which the app's next call (or select) sees; the
     * descriptor stays the app's, so nothing is closed under its feet. */
    struct sockaddr sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_family = AF_UNSPEC;
    return connect(fd, &sa, sizeof(sa));
}

int qlrt_h_pending(int fd, int out)
{
    int v = 0;
    if (ioctl(fd, out ? SIOCOUTQ : SIOCINQ, &v) != 0) return -1;
    return v;
}

int qlrt_h_rcvbuf(int fd)
{
    int v = 0;
    socklen_t l = sizeof(v);
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &l) != 0) return -1;
    return v;
}

int qlrt_h_tcp_connected(int fd)
{
    struct tcp_info ti;
    socklen_t l = sizeof(ti);
    if (qlrt_h_socket_type(fd) != 1) return 0;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &l) != 0) return 0;
    return ti.tcpi_state != TCP_CLOSE && ti.tcpi_state != TCP_LISTEN;
}
