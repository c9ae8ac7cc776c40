/*
 * lwip/ip_addr.h - lwIP IP address types and helpers, for the qlssl SDK host runtime
 * (docs/RUNTIME.md). ip4_addr_t, ip6_addr_t and the dual-stack ip_addr_t have lwIP's layouts and
 * tags; ql_ssl.h's ql_ssl_session.remote_ip has the same layout under its own type name
 * (qlssl_ip_addr), so that ql_ssl.h also builds next to the real lwIP headers.
 *
 * The *_ntoa functions return a per-thread static buffer (lwIP's is process-wide).
 */
#ifndef QLRT_LWIP_IP_ADDR_H
#define QLRT_LWIP_IP_ADDR_H

#include "lwip/arch.h"
#include "lwip/def.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Dual-stack address (lwIP with IPv4 and IPv6). */
struct ip_addr {
    union {
        ip6_addr_t ip6;
        ip4_addr_t ip4;
    } u_addr;
    u8_t type; /* IPADDR_TYPE_V4 / _V6 */
};
typedef struct ip_addr ip_addr_t;

enum lwip_ip_addr_type { IPADDR_TYPE_V4 = 0U, IPADDR_TYPE_V6 = 6U, IPADDR_TYPE_ANY = 46U };

#define IP4ADDR_STRLEN_MAX 16
#define IPADDR_NONE ((u32_t)0xffffffffUL)
#define IPADDR_LOOPBACK ((u32_t)0x7f000001UL)
#define IPADDR_ANY ((u32_t)0x00000000UL)
#define IPADDR_BROADCAST ((u32_t)0xffffffffUL)

/* ip4_addr_t */
#define IP4_ADDR(ipaddr, a, b, c, d) ((ipaddr)->addr = PP_HTONL(LWIP_MAKEU32(a, b, c, d)))
#define ip4_addr_set_u32(dest_ipaddr, src_u32) ((dest_ipaddr)->addr = (src_u32))
#define ip4_addr_get_u32(src_ipaddr) ((src_ipaddr)->addr)
#define ip4_addr_copy(dest, src) ((dest).addr = (src).addr)
#define ip4_addr_set_zero(ipaddr) ((ipaddr)->addr = 0)
#define ip4_addr_set_any(ipaddr) ((ipaddr)->addr = IPADDR_ANY)
#define ip4_addr_set_loopback(ipaddr) ((ipaddr)->addr = PP_HTONL(IPADDR_LOOPBACK))
#define ip4_addr_cmp(addr1, addr2) ((addr1)->addr == (addr2)->addr)
#define ip4_addr_isany_val(addr1) ((addr1).addr == IPADDR_ANY)
#define ip4_addr_isany(addr1) ((addr1) == NULL || ip4_addr_isany_val(*(addr1)))
#define ip4_addr_isloopback(ipaddr) (((ipaddr)->addr & PP_HTONL(0xff000000UL)) == PP_HTONL(0x7f000000UL))
#define ip4_addr1(ipaddr) (((const u8_t *)(&(ipaddr)->addr))[0])
#define ip4_addr2(ipaddr) (((const u8_t *)(&(ipaddr)->addr))[1])
#define ip4_addr3(ipaddr) (((const u8_t *)(&(ipaddr)->addr))[2])
#define ip4_addr4(ipaddr) (((const u8_t *)(&(ipaddr)->addr))[3])
#define ip4_addr1_16(ipaddr) ((u16_t)ip4_addr1(ipaddr))
#define ip4_addr2_16(ipaddr) ((u16_t)ip4_addr2(ipaddr))
#define ip4_addr3_16(ipaddr) ((u16_t)ip4_addr3(ipaddr))
#define ip4_addr4_16(ipaddr) ((u16_t)ip4_addr4(ipaddr))

/* ip_addr_t (dual stack) */
#define IP_GET_TYPE(ipaddr) ((ipaddr)->type)
#define IP_SET_TYPE_VAL(ipaddr, iptype) ((ipaddr).type = (u8_t)(iptype))
#define IP_SET_TYPE(ipaddr, iptype) ((ipaddr)->type = (u8_t)(iptype))
#define IP_IS_V4_VAL(ipaddr) ((ipaddr).type == IPADDR_TYPE_V4)
#define IP_IS_V6_VAL(ipaddr) ((ipaddr).type == IPADDR_TYPE_V6)
#define IP_IS_V4(ipaddr) (((ipaddr) == NULL) || IP_IS_V4_VAL(*(ipaddr)))
#define IP_IS_V6(ipaddr) (((ipaddr) != NULL) && IP_IS_V6_VAL(*(ipaddr)))
#define ip_2_ip4(ipaddr) (&((ipaddr)->u_addr.ip4))
#define ip_2_ip6(ipaddr) (&((ipaddr)->u_addr.ip6))
#define IP_ADDR4(ipaddr, a, b, c, d)                                                                    \
    do {                                                                                                \
        (ipaddr)->u_addr.ip6.addr[1] = (ipaddr)->u_addr.ip6.addr[2] = (ipaddr)->u_addr.ip6.addr[3] = 0; \
        (ipaddr)->u_addr.ip6.zone = 0;                                                                  \
        IP4_ADDR(ip_2_ip4(ipaddr), a, b, c, d);                                                         \
        IP_SET_TYPE(ipaddr, IPADDR_TYPE_V4);                                                            \
    } while (0)
#define ip_addr_set_zero_ip4(ipaddr) IP_ADDR4(ipaddr, 0, 0, 0, 0)
#define ip_addr_isany(ipaddr)                                                                           \
    ((ipaddr) == NULL ||                                                                                \
     (IP_IS_V6(ipaddr) ? ip6_addr_isany(ip_2_ip6(ipaddr)) : ip4_addr_isany(ip_2_ip4(ipaddr))))
#define ip_addr_isloopback(ipaddr)                                                                      \
    (IP_IS_V6(ipaddr) ? ip6_addr_isloopback(ip_2_ip6(ipaddr)) : ip4_addr_isloopback(ip_2_ip4(ipaddr)))
#define IPADDR_STRLEN_MAX IP6ADDR_STRLEN_MAX

char *ip4addr_ntoa(const ip4_addr_t *addr);
char *ip4addr_ntoa_r(const ip4_addr_t *addr, char *buf, int buflen);
/** Parse "a.b.c.d" (inet_aton forms); 1 on success, 0 on error. addr may be NULL (check only). */
int ip4addr_aton(const char *cp, ip4_addr_t *addr);
/** Network-order address of cp, or IPADDR_NONE. */
u32_t ipaddr_addr(const char *cp);
char *ipaddr_ntoa(const ip_addr_t *addr);
char *ipaddr_ntoa_r(const ip_addr_t *addr, char *buf, int buflen);
/** Parse an IPv4 or IPv6 text address into *addr (type set accordingly); 1 ok, 0 error. */
int ipaddr_aton(const char *cp, ip_addr_t *addr);

#define ipaddr_ntoa_r_buf ipaddr_ntoa_r

#ifdef __cplusplus
}
#endif

#endif /* QLRT_LWIP_IP_ADDR_H */
