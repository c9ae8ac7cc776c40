/*
 * lwip/inet.h - struct in_addr / in6_addr and the inet_* helpers the lwIP way, for the qlssl SDK
 * host runtime (docs/RUNTIME.md). Layouts are lwIP's (= BSD's for these two structs).
 */
#ifndef QLRT_LWIP_INET_H
#define QLRT_LWIP_INET_H

#include "lwip/arch.h"
#include "lwip/def.h"
#include "lwip/ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef u32_t in_addr_t;

struct in_addr {
    in_addr_t s_addr; /* network byte order */
};

struct in6_addr {
    union {
        u32_t u32_addr[4];
        u8_t u8_addr[16];
    } un;
#define s6_addr un.u8_addr
};

#define INADDR_NONE IPADDR_NONE
#define INADDR_LOOPBACK IPADDR_LOOPBACK
#define INADDR_ANY IPADDR_ANY
#define INADDR_BROADCAST IPADDR_BROADCAST

#define IN6ADDR_ANY_INIT {{{0, 0, 0, 0}}}
#define IN6ADDR_LOOPBACK_INIT {{{0, 0, 0, PP_HTONL(1)}}}
extern const struct in6_addr lwip_in6addr_any;
#define in6addr_any lwip_in6addr_any

#define INET_ADDRSTRLEN IP4ADDR_STRLEN_MAX
#define INET6_ADDRSTRLEN IP6ADDR_STRLEN_MAX

#define IN_LOOPBACKNET 127
#define IN_LOOPBACK(a) ((((u32_t)(a)) & 0xff000000UL) == 0x7f000000UL)

#define inet_addr_from_ip4addr(target_inaddr, source_ipaddr) ((target_inaddr)->s_addr = ip4_addr_get_u32(source_ipaddr))
#define inet_addr_to_ip4addr(target_ipaddr, source_inaddr) (ip4_addr_set_u32(target_ipaddr, (source_inaddr)->s_addr))
#define inet6_addr_from_ip6addr(target_in6addr, source_ip6addr)                                         \
    do {                                                                                                \
        int qlrt_i_;                                                                                    \
        for (qlrt_i_ = 0; qlrt_i_ < 4; qlrt_i_++)                                                       \
            (target_in6addr)->un.u32_addr[qlrt_i_] = (source_ip6addr)->addr[qlrt_i_];                   \
    } while (0)
#define inet6_addr_to_ip6addr(target_ip6addr, source_in6addr)                                           \
    do {                                                                                                \
        int qlrt_i_;                                                                                    \
        for (qlrt_i_ = 0; qlrt_i_ < 4; qlrt_i_++)                                                       \
            (target_ip6addr)->addr[qlrt_i_] = (source_in6addr)->un.u32_addr[qlrt_i_];                   \
        (target_ip6addr)->zone = 0;                                                                     \
    } while (0)

/* IPv6 text <-> 16-byte address (struct in6_addr, or the first 16 bytes of an ip6_addr_t). */
int qlrt_inet6_aton(const char *cp, void *addr16);
char *qlrt_inet6_ntoa(const void *addr16);
char *qlrt_inet6_ntoa_r(const void *addr16, char *buf, int buflen);

#define inet_addr(cp) ipaddr_addr(cp)
#define inet_aton(cp, addr) ip4addr_aton((cp), (ip4_addr_t *)(void *)(addr))
#define inet_ntoa(addr) ip4addr_ntoa((const ip4_addr_t *)(const void *)&(addr))
#define inet_ntoa_r(addr, buf, buflen) ip4addr_ntoa_r((const ip4_addr_t *)(const void *)&(addr), (buf), (buflen))
#define inet6_aton(cp, addr) qlrt_inet6_aton((cp), (void *)(addr))
#define inet6_ntoa(addr) qlrt_inet6_ntoa((const void *)&(addr))
#define inet6_ntoa_r(addr, buf, buflen) qlrt_inet6_ntoa_r((const void *)&(addr), (buf), (buflen))

#ifdef __cplusplus
}
#endif

#endif /* QLRT_LWIP_INET_H */
