/*
 * lwip/sockets.h - the lwIP socket API for the qlssl SDK host runtime (docs/RUNTIME.md).
 *
 * As in lwIP, the BSD names (socket, connect, select, fcntl, close, ...) are macros for lwip_*
 * functions. The runtime implements those over the host's real sockets (a socket is a real
 * file descriptor, so ql_ssl_set_socket_fd() works on it) and applies the network rule:
 * loopback destinations are used as they are, others are remapped by $QLRT_MAP or refused
 * (ECONNREFUSED for TCP, EHOSTUNREACH for UDP) with a log line, and never reached.
 *
 * Types and constants are lwIP's as the SDK configures it (socklen_t is int, struct sockaddr with
 * sa_len, sockaddr_in6 with sin6_len,
 * SOL_SOCKET 0xfff, SO_ERROR 0x1007, MSG_DONTWAIT 0x08, ...); the runtime translates them to
 * the host's. Because of that, the system's <sys/socket.h>, <netinet/in.h>, <arpa/inet.h>,
 * <netinet/tcp.h> and <netdb.h> must not be mixed in: this header claims their include guards
 * so including them afterwards is harmless. <fcntl.h>, <unistd.h>, <sys/time.h> and
 * <sys/ioctl.h> are included first, so struct timeval, O_NONBLOCK, F_GETFL, FIONBIO and the errno
 * values are the host's.
 *
 * fd_set is lwIP's, as the SDK configures it: FD_SETSIZE 15 (MEMP_NUM_NETCONN), a 2-byte bitmap
 * in which socket n is bit n - 1 (LWIP_SOCKET_OFFSET 1), and FD_SET/FD_CLR/FD_ISSET ignore
 * numbers outside 1..15 as the module does. The name fd_set is a macro for the lwIP type, because
 * the C library's own fd_set (from <sys/types.h>) cannot be redeclared; lwip_select() translates
 * to the host's. To keep every socket inside that range the runtime gives out socket numbers up
 * to 15 only, like the module's 15 netconns: a socket or accept that would need a higher file
 * descriptor fails with ENFILE.
 */
#ifndef QLRT_LWIP_SOCKETS_H
#define QLRT_LWIP_SOCKETS_H

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/types.h>
#include <string.h> /* FD_ZERO */
#include <unistd.h>

#include "ql_api_common.h"
#include "lwip/arch.h"
#include "lwip/def.h"
#include "lwip/inet.h"

/* The lwIP definitions below replace these system headers. */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H 1
#endif
#ifndef _NETINET_IN_H
#define _NETINET_IN_H 1
#endif
#ifndef _ARPA_INET_H
#define _ARPA_INET_H 1
#endif
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* socklen_t is int, as in the SDK: see lwip/arch.h. */
typedef u8_t sa_family_t;
typedef u16_t in_port_t;

struct sockaddr_in {
    u8_t sin_len;
    sa_family_t sin_family;
    in_port_t sin_port; /* network byte order */
    struct in_addr sin_addr;
#define SIN_ZERO_LEN 8
    char sin_zero[SIN_ZERO_LEN];
};

struct sockaddr_in6 {
    u8_t sin6_len;            /* length of this structure */
    sa_family_t sin6_family;  /* AF_INET6 */
    in_port_t sin6_port;      /* network byte order */
    u32_t sin6_flowinfo;
    struct in6_addr sin6_addr;
    u32_t sin6_scope_id;
};

struct sockaddr {
    u8_t sa_len;
    sa_family_t sa_family;
    char sa_data[14];
};

struct sockaddr_storage {
    u8_t s2_len;
    sa_family_t ss_family;
    char s2_data1[2];
    u32_t s2_data2[3];
    u32_t s2_data3[3];
};

struct linger {
    int l_onoff;
    int l_linger; /* seconds */
};

#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 10
#define PF_UNSPEC AF_UNSPEC
#define PF_INET AF_INET
#define PF_INET6 AF_INET6

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_IPV6 41
#define IPPROTO_ICMPV6 58
#define IPPROTO_UDPLITE 136
#define IPPROTO_RAW 255

#define SOL_SOCKET 0xfff
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_BROADCAST 0x0020
#define SO_DEBUG 0x0001
#define SO_ACCEPTCONN 0x0002
#define SO_DONTROUTE 0x0010
#define SO_USELOOPBACK 0x0040
#define SO_LINGER 0x0080
#define SO_DONTLINGER ((int)(~SO_LINGER))
#define SO_OOBINLINE 0x0100
#define SO_REUSEPORT 0x0200
#define SO_SNDBUF 0x1001
#define SO_RCVBUF 0x1002
#define SO_SNDLOWAT 0x1003
#define SO_RCVLOWAT 0x1004
#define SO_SNDTIMEO 0x1005 /* struct timeval */
#define SO_RCVTIMEO 0x1006 /* struct timeval */
#define SO_ERROR 0x1007
#define SO_TYPE 0x1008
#define SO_CONTIMEO 0x1009
#define SO_NO_CHECK 0x100a
#define SO_BINDTODEVICE 0x100b

#define TCP_NODELAY 0x01
#define TCP_KEEPALIVE 0x02
#define TCP_KEEPIDLE 0x03
#define TCP_KEEPINTVL 0x04
#define TCP_KEEPCNT 0x05

#define IP_TOS 1
#define IP_TTL 2
#define IPV6_CHECKSUM 7
#define IPV6_V6ONLY 27

#define MSG_PEEK 0x01
#define MSG_WAITALL 0x02
#define MSG_OOB 0x04
#define MSG_DONTWAIT 0x08
#define MSG_MORE 0x10
#define MSG_NOSIGNAL 0x20

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

/* ---- lwIP's fd_set (see the head of this file) */
#define MEMP_NUM_NETCONN 15
#define LWIP_SOCKET_OFFSET 1
#undef FD_SETSIZE
#undef FD_SET
#undef FD_CLR
#undef FD_ISSET
#undef FD_ZERO
#undef fd_set
#define fd_set qlrt_lwip_fd_set
#define FD_SETSIZE MEMP_NUM_NETCONN
#define FDSETSAFESET(n, code)                                                                                     \
    do {                                                                                                          \
        if (((n)-LWIP_SOCKET_OFFSET < MEMP_NUM_NETCONN) && (((int)(n)-LWIP_SOCKET_OFFSET) >= 0)) {                \
            code;                                                                                                 \
        }                                                                                                         \
    } while (0)
#define FDSETSAFEGET(n, code)                                                                                     \
    (((n)-LWIP_SOCKET_OFFSET < MEMP_NUM_NETCONN) && (((int)(n)-LWIP_SOCKET_OFFSET) >= 0) ? (code) : 0)
#define FD_SET(n, p) FDSETSAFESET(n, (p)->fd_bits[((n)-LWIP_SOCKET_OFFSET) / 8] |= (1 << (((n)-LWIP_SOCKET_OFFSET) & 7)))
#define FD_CLR(n, p) FDSETSAFESET(n, (p)->fd_bits[((n)-LWIP_SOCKET_OFFSET) / 8] &= ~(1 << (((n)-LWIP_SOCKET_OFFSET) & 7)))
#define FD_ISSET(n, p) FDSETSAFEGET(n, (p)->fd_bits[((n)-LWIP_SOCKET_OFFSET) / 8] & (1 << (((n)-LWIP_SOCKET_OFFSET) & 7)))
#define FD_ZERO(p) memset((void *)(p), 0, sizeof(*(p)))

typedef struct fd_set {
    unsigned char fd_bits[(FD_SETSIZE + 7) / 8];
} fd_set;

int lwip_socket(int domain, int type, int protocol);
int lwip_bind(int s, const struct sockaddr *name, socklen_t namelen);
int lwip_connect(int s, const struct sockaddr *name, socklen_t namelen);
int lwip_listen(int s, int backlog);
int lwip_accept(int s, struct sockaddr *addr, socklen_t *addrlen);
int lwip_shutdown(int s, int how);
int lwip_close(int s);
int lwip_getpeername(int s, struct sockaddr *name, socklen_t *namelen);
int lwip_getsockname(int s, struct sockaddr *name, socklen_t *namelen);
int lwip_getsockopt(int s, int level, int optname, void *optval, socklen_t *optlen);
int lwip_setsockopt(int s, int level, int optname, const void *optval, socklen_t optlen);
ssize_t lwip_recv(int s, void *mem, size_t len, int flags);
ssize_t lwip_read(int s, void *mem, size_t len);
ssize_t lwip_recvfrom(int s, void *mem, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen);
ssize_t lwip_send(int s, const void *dataptr, size_t size, int flags);
ssize_t lwip_sendto(int s, const void *dataptr, size_t size, int flags, const struct sockaddr *to, socklen_t tolen);
ssize_t lwip_write(int s, const void *dataptr, size_t size);
int lwip_select(int maxfdp1, fd_set *readset, fd_set *writeset, fd_set *exceptset, struct timeval *timeout);
int lwip_ioctl(int s, long cmd, void *argp);
/** F_GETFL, F_SETFL (val: O_NONBLOCK or 0), F_GETFD, F_SETFD; val is ignored by the GET commands. */
int lwip_fcntl(int s, int cmd, int val);
const char *lwip_inet_ntop(int af, const void *src, char *dst, socklen_t size);
int lwip_inet_pton(int af, const char *src, void *dst);
/** The last error (errno value) of a call on socket s, 0 if none: e.g. EINPROGRESS after a
 *  non-blocking connect, ECONNREFUSED after a refused destination. */
int lwip_get_error(int s);

/* QuecOpen's additions (CONFIG_QUEC_PROJECT_FEATURE_SOCKET, on in the SDK's configurations), -1
 * for a number that is not an open socket: */
/** Bytes of this socket's data the peer has acknowledged (TCP; for UDP all that was sent). */
int32_t lwip_getAckedSize(int nSocket);
/** Bytes the app has sent on this socket. */
int32_t lwip_getSentSize(int nSocket);
/** Size of the receive buffer. */
int32_t lwip_getRecvBufSize(int nSocket);
/** Bytes received and not yet read. */
int32_t lwip_getRecvAvailSize(int nSocket);
/** Open sockets (the host has one network, so nSim is only checked to be 0 or 1). */
int32_t quec_lwip_getSocketsNum(uint8_t nSim);

#define accept(s, addr, addrlen) lwip_accept(s, addr, addrlen)
#define bind(s, name, namelen) lwip_bind(s, name, namelen)
#define shutdown(s, how) lwip_shutdown(s, how)
#define getpeername(s, name, namelen) lwip_getpeername(s, name, namelen)
#define getsockname(s, name, namelen) lwip_getsockname(s, name, namelen)
#define setsockopt(s, level, optname, opval, optlen) lwip_setsockopt(s, level, optname, opval, optlen)
#define getsockopt(s, level, optname, opval, optlen) lwip_getsockopt(s, level, optname, opval, optlen)
#define closesocket(s) lwip_close(s)
#define connect(s, name, namelen) lwip_connect(s, name, namelen)
#define listen(s, backlog) lwip_listen(s, backlog)
#define recv(s, mem, len, flags) lwip_recv(s, mem, len, flags)
#define recvfrom(s, mem, len, flags, from, fromlen) lwip_recvfrom(s, mem, len, flags, from, fromlen)
#define send(s, dataptr, size, flags) lwip_send(s, dataptr, size, flags)
#define sendto(s, dataptr, size, flags, to, tolen) lwip_sendto(s, dataptr, size, flags, to, tolen)
#define socket(domain, type, protocol) lwip_socket(domain, type, protocol)
#define select(maxfdp1, readset, writeset, exceptset, timeout) lwip_select(maxfdp1, readset, writeset, exceptset, timeout)
#define ioctlsocket(s, cmd, argp) lwip_ioctl(s, cmd, argp)
#define inet_ntop(af, src, dst, size) lwip_inet_ntop(af, src, dst, size)
#define inet_pton(af, src, dst) lwip_inet_pton(af, src, dst)
#define read(s, mem, len) lwip_read(s, mem, len)
#define write(s, dataptr, len) lwip_write(s, dataptr, len)
#define close(s) lwip_close(s)
#define fcntl(s, cmd, val) lwip_fcntl(s, cmd, val)
#define ioctl(s, cmd, argp) lwip_ioctl(s, cmd, argp)

#ifdef __cplusplus
}
#endif

#endif /* QLRT_LWIP_SOCKETS_H */
