/*
 * qlssl port layer for the QuecOpen SDK: ql_ssl_platform_hooks over the SDK's APIs. See
 * ql_ssl_port_quecopen.h for what each hook uses and docs/CROSS.md ("Port layer for the QuecOpen
 * SDK") for how it was checked: compiled against the SDK's own headers with the module's
 * hard-float flags, and run on the host runtime (runtime/), which implements the same SDK calls.
 * Plain C99; no state besides the constant table.
 */
#include "ql_ssl_port_quecopen.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ql_api_dev.h"
#include "ql_api_osi.h"
#include "ql_api_rtc.h"
#include "ql_fs.h"
#include "ql_log.h"
#include "lwip/sockets.h"

#ifndef QL_SSL_PORT_LOG_TAG
#define QL_SSL_PORT_LOG_TAG "qlssl"
#endif
#ifndef QL_SSL_PORT_MIN_YEAR
#define QL_SSL_PORT_MIN_YEAR 2024
#endif
/* Longest session-store path write_file takes (the temporary name adds ".tmp"). */
#define QL_SSL_PORT_MAX_PATH 120

/* ---- heap ------------------------------------------------------------------------------------
 * The C heap, not ql_malloc/ql_free: an application image reaches the kernel only through the
 * symbols the kernel exports (components/apploader/src/core_export.list in the SDK), and those are
 * malloc/calloc/realloc/free/memalign, not ql_malloc/ql_free. malloc's blocks suit any C type
 * (8 bytes on ARM EABI); a larger alignment goes to memalign, whose blocks free() also releases. */

static void *port_alloc(size_t size, size_t align)
{
    return align <= 8u ? malloc(size) : memalign(align, size);
}

static void port_free(void *ptr)
{
    free(ptr);
}

/* ---- entropy ---------------------------------------------------------------------------------- */

#ifdef QL_SSL_PORT_ENTROPY
int QL_SSL_PORT_ENTROPY(uint8_t *buf, size_t len);
#endif

static int port_entropy(uint8_t *buf, size_t len)
{
#ifdef QL_SSL_PORT_ENTROPY
    return QL_SSL_PORT_ENTROPY(buf, len) == 0 ? 0 : -1;
#else
    while (len > 0) {
        uint32_t r = ql_dev_get_sys_srand();
        size_t n = len < sizeof r ? len : sizeof r;
        memcpy(buf, &r, n);
        buf += n;
        len -= n;
    }
    return 0;
#endif
}

/* ---- clock, yield ----------------------------------------------------------------------------- */

static uint64_t port_now_ms(void)
{
    int64_t ms = ql_rtos_up_time_ms();
    return ms < 0 ? 0u : (uint64_t)ms;
}

static void port_task_yield(void)
{
    ql_rtos_task_yield();
}

/* ---- sockets ---------------------------------------------------------------------------------- */

/* An lwIP errno value as a QL_SSL_PLATFORM_* code. */
static int port_io_code(int err)
{
    switch (err) {
    case EAGAIN:
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return QL_SSL_PLATFORM_WOULD_BLOCK;
    case EINTR:
        return QL_SSL_PLATFORM_INTERRUPTED;
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE:
    case ENOTCONN:
    case ETIMEDOUT:
        return QL_SSL_PLATFORM_RESET;
    default:
        return QL_SSL_PLATFORM_ERROR;
    }
}

/* lwip_get_error: the socket's own last error, which another task's call cannot overwrite. */
static int port_sock_result(int fd, long r)
{
    if (r >= 0) {
        return r > INT_MAX ? INT_MAX : (int)r;
    }
    return port_io_code(lwip_get_error(fd));
}

/* One call moves at most INT_MAX bytes (the hooks return an int). */
static size_t port_clamp(size_t len)
{
    return len > (size_t)INT_MAX ? (size_t)INT_MAX : len;
}

static int port_send(int fd, const uint8_t *buf, size_t len, int dontwait)
{
    return port_sock_result(fd, (long)lwip_send(fd, buf, port_clamp(len), dontwait ? MSG_DONTWAIT : 0));
}

static int port_recv(int fd, uint8_t *buf, size_t len, int dontwait)
{
    return port_sock_result(fd, (long)lwip_recv(fd, buf, port_clamp(len), dontwait ? MSG_DONTWAIT : 0));
}

/* The longest timeout lwip_select computes without overflow: tv_sec * 1000 + 999 <= INT32_MAX. */
#define PORT_MAX_SELECT_MS 2147482647u

static int port_wait(int fd, int for_write, uint32_t timeout_ms)
{
    fd_set set;
    struct timeval tv;
    int r;
    if (fd < 0) {
        return QL_SSL_PLATFORM_ERROR;
    }
    FD_ZERO(&set);
    FD_SET(fd, &set);
    /* lwip_select computes tv_sec * 1000 in a long (32 bits on the module), so a timeout past
     * about 24.8 days would overflow: those are cut to just below it. UINT32_MAX is the
     * library's "as long as it takes", i.e. no timeout. */
    if (timeout_ms > PORT_MAX_SELECT_MS && timeout_ms != UINT32_MAX) {
        timeout_ms = PORT_MAX_SELECT_MS;
    }
    tv.tv_sec = (long)(timeout_ms / 1000u);
    tv.tv_usec = (long)(timeout_ms % 1000u) * 1000L;
    r = lwip_select(fd + 1, for_write ? NULL : &set, for_write ? &set : NULL, NULL,
                    timeout_ms == UINT32_MAX ? NULL : &tv);
    if (r > 0) {
        return 1;
    }
    if (r == 0) {
        return 0;
    }
    /* select reports through errno (it has no single socket to record the error on). */
    return errno == EINTR ? QL_SSL_PLATFORM_INTERRUPTED : QL_SSL_PLATFORM_ERROR;
}

static int port_is_nonblocking(int fd)
{
    int flags = lwip_fcntl(fd, F_GETFL, 0);
    if (flags < 0) {
        return -1;
    }
    return (flags & O_NONBLOCK) != 0;
}

static int port_peer_addr(int fd, uint8_t *buf, size_t cap)
{
    /* sockaddr_in6 is the largest address lwIP reports; a union keeps sockaddr's alignment. */
    union {
        struct sockaddr sa;
        struct sockaddr_in in4;
#if LWIP_IPV6 || defined(AF_INET6)
        struct sockaddr_in6 in6;
#endif
    } addr;
    socklen_t len = (socklen_t)sizeof addr;
    size_t n;
    memset(&addr, 0, sizeof addr);
    if (lwip_getpeername(fd, &addr.sa, &len) != 0 || len == 0) {
        return -1;
    }
    n = (size_t)len < sizeof addr ? (size_t)len : sizeof addr;
    n = n < cap ? n : cap;
    memcpy(buf, &addr, n);
    return (int)n;
}

/* ---- files ------------------------------------------------------------------------------------ */

static int port_read_file(const char *path, uint8_t *buf, size_t cap)
{
    QFILE fd = ql_fopen(path, "rb");
    int size, got = 0;
    if (fd <= 0) { /* a file ID is > 0; errors are negative QL_FILE_* codes */
        return -1;
    }
    size = ql_fsize(fd);
    if (size >= 0 && buf != NULL) {
        size_t want = cap < (size_t)size ? cap : (size_t)size;
        while ((size_t)got < want) {
            int n = ql_fread(buf + got, 1, want - (size_t)got, fd);
            if (n <= 0) {
                break;
            }
            got += n;
        }
        if ((size_t)got != want) {
            size = -1; /* short read: the caller sees a failure, not a truncated certificate */
        }
    }
    ql_fclose(fd);
    if (size < 0) {
        return -1;
    }
    return buf == NULL ? size : got;
}

/* Replace `path` for the session store: the bytes go to "<path>.tmp", which is synced, closed and
 * renamed over `path`, so after a power loss the file holds the old session, the new one or (see
 * below) none; the library ignores a torn file anyway (it checks a SHA-256 over it). The SDK's
 * header does not say whether ql_rename replaces an existing file: when the rename fails, the old
 * file is removed and the rename tried once more (a power loss between the two leaves no file:
 * the next boot does a full handshake). */
static int port_write_file(const char *path, const uint8_t *buf, size_t len)
{
    char tmp[QL_SSL_PORT_MAX_PATH + sizeof ".tmp"];
    size_t plen = strlen(path), done = 0;
    QFILE fd;
    int ok;
    if (plen > QL_SSL_PORT_MAX_PATH || len > (size_t)INT_MAX) {
        return -1;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", sizeof ".tmp");
    fd = ql_fopen(tmp, "wb");
    if (fd <= 0) {
        return -1;
    }
    while (done < len) {
        /* ql_fwrite takes a non-const buffer; it only reads it. */
        int n = ql_fwrite((void *)(uintptr_t)(buf + done), 1, len - done, fd);
        if (n <= 0) {
            break;
        }
        done += (size_t)n;
    }
    ok = done == len && ql_fsync(fd) == 0;
    ok = ql_fclose(fd) == QL_FILE_OK && ok;
    if (ok && ql_rename(tmp, path) != QL_FILE_OK) {
        ql_remove(path);
        ok = ql_rename(tmp, path) == QL_FILE_OK;
    }
    if (!ok) {
        ql_remove(tmp);
        return -1;
    }
    return 0;
}

/* ---- wall clock ------------------------------------------------------------------------------- */

/* Days from 1970-01-01 to year-month-day (Gregorian, month 1-12, year >= 1970). 32-bit arithmetic
 * (the RTC's years 2000-2100 are far inside it), so no 64-bit division helper is needed. */
static long port_days_from_civil(int y, int m, int d)
{
    long era, yoe, doy, doe;
    y -= m <= 2;
    era = (long)y / 400;
    yoe = (long)y - era * 400;
    doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097L + doe - 719468L;
}

/* The RTC (UTC) as Unix seconds; 0 = unknown. Without a backup battery the RTC restarts at
 * 2000-01-01 until the network sets it: a year before QL_SSL_PORT_MIN_YEAR is taken as unset, so a
 * saved session is neither judged nor saved on a clock that is decades off. */
static uint64_t port_unix_time(void)
{
    ql_rtc_time_t tm;
    long days;
    memset(&tm, 0, sizeof tm);
    if (ql_rtc_get_time(&tm) != QL_RTC_SUCCESS || tm.tm_year < QL_SSL_PORT_MIN_YEAR || tm.tm_mon < 1 ||
        tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31) {
        return 0;
    }
    days = port_days_from_civil(tm.tm_year, tm.tm_mon, tm.tm_mday);
    if (days <= 0) {
        return 0;
    }
    return (uint64_t)days * 86400u + (uint64_t)(tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
}

/* ---- panic ------------------------------------------------------------------------------------ */

static void port_panic(const char *msg, size_t len)
{
    int shown = len > 200 ? 200 : (int)len;
    QL_LOG(QL_LOG_LEVEL_ERROR, QL_SSL_PORT_LOG_TAG, "library bug, this task stops: %.*s", shown, msg);
    /* The library cannot continue this task; sleeping keeps it from spinning on the CPU. */
    for (;;) {
        ql_rtos_task_sleep_s(3600);
    }
}

/* ---- the table -------------------------------------------------------------------------------- */

static const ql_ssl_platform_hooks port_hooks = {
    QL_SSL_PLATFORM_HOOKS_VERSION,
    port_alloc,
    port_free,
    port_entropy,
    port_now_ms,
    port_send,
    port_recv,
    port_wait,
    port_is_nonblocking,
    port_peer_addr,
    port_read_file,
    NULL, /* mem_origin: the SDK cannot tell heap from static memory; cipher lists are borrowed */
    NULL, /* heap_free: nothing is adopted without mem_origin */
    port_task_yield,
    port_panic,
    port_write_file,
    port_unix_time,
};

const ql_ssl_platform_hooks *ql_ssl_port_quecopen_hooks(void)
{
    return &port_hooks;
}

int ql_ssl_port_quecopen_init(void)
{
    return ql_ssl_platform_init(&port_hooks);
}
