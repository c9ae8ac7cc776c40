/*
 * lwip/def.h - byte-order helpers (lwip_htons, htons, PP_HTONL, ...), for the qlssl SDK host
 * runtime (docs/RUNTIME.md). The system's <netinet/in.h> is not used: see sockets.h.
 */
#ifndef QLRT_LWIP_DEF_H
#define QLRT_LWIP_DEF_H

#include "lwip/arch.h"

#define LWIP_MAKEU32(a, b, c, d)                                                                        \
    (((u32_t)((a)&0xff) << 24) | ((u32_t)((b)&0xff) << 16) | ((u32_t)((c)&0xff) << 8) | (u32_t)((d)&0xff))

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PP_HTONS(x) ((u16_t)(x))
#define PP_HTONL(x) ((u32_t)(x))
#else
#define PP_HTONS(x) ((u16_t)((((x) & (u16_t)0x00ffU) << 8) | (((x) & (u16_t)0xff00U) >> 8)))
#define PP_HTONL(x)                                                                                     \
    ((((x) & (u32_t)0x000000ffUL) << 24) | (((x) & (u32_t)0x0000ff00UL) << 8) |                           \
     (((x) & (u32_t)0x00ff0000UL) >> 8) | (((x) & (u32_t)0xff000000UL) >> 24))
#endif
#define PP_NTOHS(x) PP_HTONS(x)
#define PP_NTOHL(x) PP_HTONL(x)

static inline u16_t lwip_htons(u16_t n) { return (u16_t)PP_HTONS(n); }
static inline u32_t lwip_htonl(u32_t n) { return (u32_t)PP_HTONL(n); }

#define lwip_ntohs(x) lwip_htons(x)
#define lwip_ntohl(x) lwip_htonl(x)
#ifndef htons
#define htons(x) lwip_htons(x)
#endif
#ifndef ntohs
#define ntohs(x) lwip_ntohs(x)
#endif
#ifndef htonl
#define htonl(x) lwip_htonl(x)
#endif
#ifndef ntohl
#define ntohl(x) lwip_ntohl(x)
#endif

#endif /* QLRT_LWIP_DEF_H */
