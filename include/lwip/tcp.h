/*
 * lwip/tcp.h - lwIP TCP constants, for the qlssl SDK host runtime (docs/RUNTIME.md). The raw
 * TCP (pcb) API is not provided: applications use the socket API (sockets.h).
 */
#ifndef QLRT_LWIP_TCP_H
#define QLRT_LWIP_TCP_H

#include "lwip/arch.h"
#include "lwip/ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TCP_MSS
#define TCP_MSS 1460
#endif
#ifndef TCP_WND
#define TCP_WND (4 * TCP_MSS)
#endif
#ifndef TCP_SND_BUF
#define TCP_SND_BUF (2 * TCP_MSS)
#endif

enum tcp_state {
    CLOSED = 0,
    LISTEN = 1,
    SYN_SENT = 2,
    SYN_RCVD = 3,
    ESTABLISHED = 4,
    FIN_WAIT_1 = 5,
    FIN_WAIT_2 = 6,
    CLOSE_WAIT = 7,
    CLOSING = 8,
    LAST_ACK = 9,
    TIME_WAIT = 10
};

#ifdef __cplusplus
}
#endif

#endif /* QLRT_LWIP_TCP_H */
