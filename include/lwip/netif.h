/*
 * lwip/netif.h - lwIP network interface description, for the qlssl SDK host runtime
 * (docs/RUNTIME.md). The host runtime has one interface: the loopback "module" address of the
 * data call. The structure is provided so code that declares or inspects one compiles.
 */
#ifndef QLRT_LWIP_NETIF_H
#define QLRT_LWIP_NETIF_H

#include "lwip/arch.h"
#include "lwip/ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NETIF_MAX_HWADDR_LEN 6U
#define NETIF_NAMESIZE 6
#define LWIP_IPV6_NUM_ADDRESSES 3

#define NETIF_FLAG_UP 0x01U
#define NETIF_FLAG_BROADCAST 0x02U
#define NETIF_FLAG_LINK_UP 0x04U

struct netif {
    struct netif *next;
    ip_addr_t ip_addr;
    ip_addr_t netmask;
    ip_addr_t gw;
    ip_addr_t ip6_addr[LWIP_IPV6_NUM_ADDRESSES];
    u8_t ip6_addr_state[LWIP_IPV6_NUM_ADDRESSES];
    void *state;
    u16_t mtu;
    u8_t hwaddr[NETIF_MAX_HWADDR_LEN];
    u8_t hwaddr_len;
    u8_t flags;
    char name[2];
    u8_t num;
};

#define netif_is_up(netif) (((netif)->flags & NETIF_FLAG_UP) ? (u8_t)1 : (u8_t)0)
#define netif_is_link_up(netif) (((netif)->flags & NETIF_FLAG_LINK_UP) ? (u8_t)1 : (u8_t)0)
#define netif_ip4_addr(netif) ((const ip4_addr_t *)ip_2_ip4(&((netif)->ip_addr)))
#define netif_ip_addr4(netif) ((const ip_addr_t *)&((netif)->ip_addr))

#ifdef __cplusplus
}
#endif

#endif /* QLRT_LWIP_NETIF_H */
