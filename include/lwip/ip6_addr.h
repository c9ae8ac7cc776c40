/*
 * lwip/ip6_addr.h - lwIP's IPv6 address type and helpers, for the qlssl SDK host runtime
 * (docs/RUNTIME.md).
 */
#ifndef QLRT_LWIP_IP6_ADDR_H
#define QLRT_LWIP_IP6_ADDR_H

#include "lwip/arch.h"
#include "lwip/def.h"

#ifdef __cplusplus
extern "C" {
#endif

/* IPv6 address, four 32-bit words in network byte order, and the scope zone (lwIP's layout with
 * LWIP_IPV6_SCOPES, and its tag). */
struct ip6_addr {
    u32_t addr[4];
    u8_t zone;
};
typedef struct ip6_addr ip6_addr_t;

#define IP6ADDR_STRLEN_MAX 46
#define IP6_NO_ZONE 0

#define IP6_ADDR_PART(ip6addr, idx, a, b, c, d) ((ip6addr)->addr[idx] = PP_HTONL(LWIP_MAKEU32(a, b, c, d)))
#define IP6_ADDR(ip6addr, i0, i1, i2, i3)                                                               \
    do {                                                                                                \
        (ip6addr)->addr[0] = (i0);                                                                      \
        (ip6addr)->addr[1] = (i1);                                                                      \
        (ip6addr)->addr[2] = (i2);                                                                      \
        (ip6addr)->addr[3] = (i3);                                                                      \
        (ip6addr)->zone = IP6_NO_ZONE;                                                                  \
    } while (0)
#define ip6_addr_set_zero(ip6addr) IP6_ADDR(ip6addr, 0, 0, 0, 0)
#define ip6_addr_set_any(ip6addr) ip6_addr_set_zero(ip6addr)
#define ip6_addr_set_loopback(ip6addr) IP6_ADDR(ip6addr, 0, 0, 0, PP_HTONL(0x00000001UL))
#define ip6_addr_isany_val(ip6addr)                                                                     \
    (((ip6addr).addr[0] | (ip6addr).addr[1] | (ip6addr).addr[2] | (ip6addr).addr[3]) == 0)
#define ip6_addr_isany(ip6addr) (((ip6addr) == NULL) || ip6_addr_isany_val(*(ip6addr)))
#define ip6_addr_isloopback(ip6addr)                                                                    \
    (((ip6addr)->addr[0] == 0) && ((ip6addr)->addr[1] == 0) && ((ip6addr)->addr[2] == 0) &&          \
     ((ip6addr)->addr[3] == PP_HTONL(0x00000001UL)))
#define ip6_addr_cmp(a, b)                                                                              \
    (((a)->addr[0] == (b)->addr[0]) && ((a)->addr[1] == (b)->addr[1]) &&                              \
     ((a)->addr[2] == (b)->addr[2]) && ((a)->addr[3] == (b)->addr[3]))

char *ip6addr_ntoa(const ip6_addr_t *addr);
char *ip6addr_ntoa_r(const ip6_addr_t *addr, char *buf, int buflen);
/** Parse an IPv6 text address; 1 on success, 0 on error (zone set to 0). addr may be NULL. */
int ip6addr_aton(const char *cp, ip6_addr_t *addr);

#ifdef __cplusplus
}
#endif

#endif /* QLRT_LWIP_IP6_ADDR_H */
