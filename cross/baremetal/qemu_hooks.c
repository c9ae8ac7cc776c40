/*
 * The platform hook table for running the bare-metal libqlssl under qemu-user (cross/baremetal/).
 * This is what an SDK integrator writes; here it stands in for the module:
 *   heap       newlib malloc/memalign/free
 *   files      reads: newlib fopen/fread, which semihosting forwards to the host (the run
 *              directory); writes: Linux open/write/fsync/rename (semihosting has no rename),
 *              in the same directory: a file written by one qemu process is there for the next
 *   wall clock CLOCK_REALTIME (on a module: the RTC, 0 until it has been set)
 *   sockets,   Linux system calls (svc #0): qemu-user executes them on the host kernel, so the
 *   clock,     tests reach a real openssl s_server on 127.0.0.1 that build.sh starts. On a
 *   entropy    module these are lwIP (lwip_send/recv/select/fcntl), the RTOS tick and the TRNG.
 * Only 127.0.0.1 is ever connected to.
 */
#define QLSSL_BAREMETAL 1

#include "qemu_hooks.h"

#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Linux system calls (ARM EABI), the stand-in for lwIP and the RTOS ------------------------ */

enum {
    NR_WRITE = 4, NR_OPEN = 5, NR_UNLINK = 10, NR_RENAME = 38, NR_FSYNC = 118,
    NR_CLOSE = 6, NR_POLL = 168, NR_FCNTL64 = 221, NR_CLOCK_GETTIME = 263, NR_SOCKET = 281,
    NR_BIND = 282, NR_CONNECT = 283, NR_LISTEN = 284, NR_GETSOCKNAME = 286, NR_GETPEERNAME = 287,
    NR_SENDTO = 290, NR_RECVFROM = 292, NR_GETRANDOM = 384
};
enum { L_CLOCK_REALTIME = 0, L_CLOCK_MONOTONIC = 1 };
enum { L_EINTR = 4, L_EAGAIN = 11, L_EPIPE = 32, L_ECONNABORTED = 103, L_ECONNRESET = 104,
       L_ENOTCONN = 107, L_ETIMEDOUT = 110 };
enum { L_MSG_DONTWAIT = 0x40, L_MSG_NOSIGNAL = 0x4000, L_F_GETFL = 3, L_F_SETFL = 4,
       L_O_NONBLOCK = 04000, L_POLLIN = 1, L_POLLOUT = 4 };
enum { L_O_WRONLY = 01, L_O_CREAT = 0100, L_O_TRUNC = 01000 };

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    register long r2 __asm__("r2") = c;
    register long r3 __asm__("r3") = d;
    register long r4 __asm__("r4") = e;
    register long r5 __asm__("r5") = f;
    register long r7 __asm__("r7") = nr;
    __asm__ volatile("svc #0"
                     : "+r"(r0)
                     : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
                     : "memory");
    return r0;
}

struct l_sockaddr_in {
    uint16_t family;
    uint16_t port_be;
    uint32_t addr_be;
    uint8_t zero[8];
};

static struct l_sockaddr_in loopback(unsigned port)
{
    struct l_sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.family = 2; /* AF_INET */
    a.port_be = (uint16_t)(((port & 0xff) << 8) | ((port >> 8) & 0xff));
    a.addr_be = 0x0100007fu; /* 127.0.0.1 in network order on little-endian ARM */
    return a;
}

/* A connected socket (SOCK_STREAM 1 or SOCK_DGRAM 2) to 127.0.0.1:port, or -1. */
static int loopback_connect(int type, unsigned port)
{
    struct l_sockaddr_in a = loopback(port);
    long fd = sys6(NR_SOCKET, 2, type, 0, 0, 0, 0);
    if (fd < 0) {
        return -1;
    }
    if (sys6(NR_CONNECT, fd, (long)&a, sizeof a, 0, 0, 0) != 0) {
        sys6(NR_CLOSE, fd, 0, 0, 0, 0, 0);
        return -1;
    }
    return (int)fd;
}

int tcp_connect(unsigned port)
{
    return loopback_connect(1, port);
}

int udp_connect(unsigned port)
{
    return loopback_connect(2, port);
}

/* A listener on 127.0.0.1 that never accepts: its port in *port, its fd returned (or -1). */
int silent_listener(unsigned *port)
{
    struct l_sockaddr_in a = loopback(0);
    long len = sizeof a;
    long fd = sys6(NR_SOCKET, 2, 1, 0, 0, 0, 0);
    if (fd < 0 || sys6(NR_BIND, fd, (long)&a, sizeof a, 0, 0, 0) != 0 ||
        sys6(NR_LISTEN, fd, 4, 0, 0, 0, 0) != 0 ||
        sys6(NR_GETSOCKNAME, fd, (long)&a, (long)&len, 0, 0, 0) != 0) {
        return -1;
    }
    *port = (unsigned)(((a.port_be & 0xff) << 8) | (a.port_be >> 8));
    return (int)fd;
}

void sock_close(int fd)
{
    sys6(NR_CLOSE, fd, 0, 0, 0, 0, 0);
}

int set_nonblocking(int fd)
{
    long fl = sys6(NR_FCNTL64, fd, L_F_GETFL, 0, 0, 0, 0);
    return fl < 0 ? -1 : (int)sys6(NR_FCNTL64, fd, L_F_SETFL, fl | L_O_NONBLOCK, 0, 0, 0);
}

/* ---- the hook table ----------------------------------------------------------------------------- */

static int io_code(long r)
{
    switch (-r) {
    case L_EAGAIN:
        return QL_SSL_PLATFORM_WOULD_BLOCK;
    case L_EINTR:
        return QL_SSL_PLATFORM_INTERRUPTED;
    case L_ECONNRESET:
    case L_EPIPE:
    case L_ECONNABORTED:
    case L_ENOTCONN:
    case L_ETIMEDOUT:
        return QL_SSL_PLATFORM_RESET;
    default:
        return QL_SSL_PLATFORM_ERROR;
    }
}

static void *hook_alloc(size_t size, size_t align)
{
    return align <= 8 ? malloc(size) : memalign(align, size);
}

static void hook_free(void *p)
{
    free(p);
}

static int hook_entropy(uint8_t *buf, size_t len)
{
    while (len > 0) {
        long n = sys6(NR_GETRANDOM, (long)buf, (long)len, 0, 0, 0, 0);
        if (n <= 0) {
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

uint64_t hook_now_ms(void)
{
    struct { long sec; long nsec; } ts = {0, 0};
    sys6(NR_CLOCK_GETTIME, L_CLOCK_MONOTONIC, (long)&ts, 0, 0, 0, 0);
    return (uint64_t)ts.sec * 1000u + (uint64_t)(ts.nsec / 1000000);
}

static int hook_send(int fd, const uint8_t *buf, size_t len, int dontwait)
{
    long r = sys6(NR_SENDTO, fd, (long)buf, (long)len, L_MSG_NOSIGNAL | (dontwait ? L_MSG_DONTWAIT : 0), 0, 0);
    return r >= 0 ? (int)r : io_code(r);
}

static int hook_recv(int fd, uint8_t *buf, size_t len, int dontwait)
{
    long r = sys6(NR_RECVFROM, fd, (long)buf, (long)len, dontwait ? L_MSG_DONTWAIT : 0, 0, 0);
    return r >= 0 ? (int)r : io_code(r);
}

int hook_wait(int fd, int for_write, uint32_t timeout_ms)
{
    struct { int fd; short events; short revents; } p = {fd, (short)(for_write ? L_POLLOUT : L_POLLIN), 0};
    long r = sys6(NR_POLL, (long)&p, 1, (long)(timeout_ms > 0x7fffffffu ? 0x7fffffff : timeout_ms), 0, 0, 0);
    return r >= 0 ? (r > 0) : io_code(r);
}

static int hook_is_nonblocking(int fd)
{
    long fl = sys6(NR_FCNTL64, fd, L_F_GETFL, 0, 0, 0, 0);
    return fl < 0 ? -1 : (fl & L_O_NONBLOCK) != 0;
}

static int hook_peer_addr(int fd, uint8_t *buf, size_t cap)
{
    long len = (long)cap;
    return sys6(NR_GETPEERNAME, fd, (long)buf, (long)&len, 0, 0, 0) == 0 ? (int)len : -1;
}

static int hook_read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    long size;
    size_t n = 0;
    if (f == NULL) {
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    if (buf != NULL) {
        n = fread(buf, 1, cap < (size_t)size ? cap : (size_t)size, f);
    }
    fclose(f);
    return buf == NULL ? (int)size : (int)n;
}

/* Atomic replacement the way a file system without transactions offers it: the bytes go to
 * "<path>.tmp", which is synced and then renamed over the file, so a reader (or the next boot)
 * sees the old file or the new one. Linux system calls, because newlib's semihosting has no
 * rename. Mode 0600: the file holds a master secret. */
static int hook_write_file(const char *path, const uint8_t *buf, size_t len)
{
    char tmp[256];
    long fd, n = 0;
    size_t done = 0;
    if (strlen(path) + sizeof ".tmp" > sizeof tmp) {
        return -1;
    }
    strcpy(tmp, path);
    strcat(tmp, ".tmp");
    fd = sys6(NR_OPEN, (long)tmp, L_O_WRONLY | L_O_CREAT | L_O_TRUNC, 0600, 0, 0, 0);
    if (fd < 0) {
        return -1;
    }
    while (done < len && (n = sys6(NR_WRITE, fd, (long)(buf + done), (long)(len - done), 0, 0, 0)) > 0) {
        done += (size_t)n;
    }
    if (done != len || sys6(NR_FSYNC, fd, 0, 0, 0, 0, 0) != 0) {
        sys6(NR_CLOSE, fd, 0, 0, 0, 0, 0);
        sys6(NR_UNLINK, (long)tmp, 0, 0, 0, 0, 0);
        return -1;
    }
    if (sys6(NR_CLOSE, fd, 0, 0, 0, 0, 0) != 0 || sys6(NR_RENAME, (long)tmp, (long)path, 0, 0, 0, 0) != 0) {
        sys6(NR_UNLINK, (long)tmp, 0, 0, 0, 0, 0);
        return -1;
    }
    return 0;
}

static uint64_t hook_unix_time(void)
{
    struct { long sec; long nsec; } ts = {0, 0};
    if (sys6(NR_CLOCK_GETTIME, L_CLOCK_REALTIME, (long)&ts, 0, 0, 0, 0) != 0 || ts.sec <= 0) {
        return 0;
    }
    return (uint64_t)(unsigned long)ts.sec;
}

/* newlib's heap lies between the linker symbol `end` and the current break (sbrk(0)). */
extern char end;
void *sbrk(ptrdiff_t increment);
uintptr_t qemu_stack_top;

static int hook_mem_origin(const void *p, size_t *block_size)
{
    const char *c = (const char *)p;
    char here;
    if (c >= &end && c < (char *)sbrk(0)) {
        *block_size = malloc_usable_size((void *)p);
        return QL_SSL_PLATFORM_MEM_HEAP;
    }
    if ((uintptr_t)c >= (uintptr_t)&here && (uintptr_t)c < qemu_stack_top) {
        return QL_SSL_PLATFORM_MEM_STACK;
    }
    return QL_SSL_PLATFORM_MEM_STATIC;
}

static void hook_panic(const char *msg, size_t len)
{
    printf("PANIC: %.*s\n", (int)len, msg);
    fflush(stdout);
    exit(3);
}

const ql_ssl_platform_hooks qemu_hooks = {
    QL_SSL_PLATFORM_HOOKS_VERSION, hook_alloc, hook_free, hook_entropy, hook_now_ms, hook_send,
    hook_recv, hook_wait, hook_is_nonblocking, hook_peer_addr, hook_read_file, hook_mem_origin,
    free, NULL, hook_panic, hook_write_file, hook_unix_time,
};

unsigned read_port_file(const char *name)
{
    FILE *f = fopen(name, "r");
    unsigned port = 0;
    if (f != NULL) {
        if (fscanf(f, "%u", &port) != 1) {
            port = 0;
        }
        fclose(f);
    }
    return port;
}
