/*
 * sockets.h - QuecOpen's top-level socket header: the lwIP socket API (see lwip/sockets.h).
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 */
#ifndef QLRT_SOCKETS_H
#define QLRT_SOCKETS_H

#include "lwip/sockets.h"

#endif /* QLRT_SOCKETS_H */
