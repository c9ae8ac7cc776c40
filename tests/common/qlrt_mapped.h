/*
 * For QuecOpen-style test apps on the host runtime (tests/port/port_checks.c,
 * tests/runtime/evidence_app.c): a TCP connection to 192.0.2.44:443, the documentation address the
 * runs map to the embedded test server (QLRT_MAP '192.0.2.44:443=@https', docs/RUNTIME.md). The
 * runtime's remap table turns it into a loopback connection; nothing leaves the host.
 *
 * Include after the SDK's sockets.h, lwip/inet.h and ql_log.h, with TAG defined (the log tag).
 */
#ifndef QLSSL_TESTS_COMMON_QLRT_MAPPED_H
#define QLSSL_TESTS_COMMON_QLRT_MAPPED_H

#include <string.h>

/* The connected socket, or -1 (the reason logged at INFO: the apps report outcomes their own way). */
static int connect_mapped(void)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&a, 0, sizeof(a));
    a.sin_len = sizeof(a);
    a.sin_family = AF_INET;
    a.sin_port = htons(443);
    inet_aton("192.0.2.44", &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        QL_LOG(QL_LOG_LEVEL_INFO, TAG, "connect to the mapped server failed: %d", fd < 0 ? fd : lwip_get_error(fd));
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

#endif
