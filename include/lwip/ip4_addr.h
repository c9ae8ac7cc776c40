/*
 * lwip/ip4_addr.h - lwIP's IPv4 address type, for the qlssl SDK host runtime (docs/RUNTIME.md).
 * The helpers (IP4_ADDR, ip4addr_ntoa, ...) are in lwip/ip_addr.h.
 */
#ifndef QLRT_LWIP_IP4_ADDR_H
#define QLRT_LWIP_IP4_ADDR_H

#include "lwip/arch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* IPv4 address in network byte order (lwIP's layout and tag). */
struct ip4_addr {
    u32_t addr;
};
typedef struct ip4_addr ip4_addr_t;

#ifdef __cplusplus
}
#endif

#endif /* QLRT_LWIP_IP4_ADDR_H */
