/*
 * One benchmark client, three TLS stacks. bench_client.c is the driver (sockets, timing, the work);
 * each backend_*.c implements this interface for one stack, so the three executables do exactly the
 * same work and differ only in the TLS calls:
 *   backend_qlssl.c    libqlssl through ql_ssl_* (the product)
 *   backend_mbedtls.c  the same mbedtls 2.28 build the crate links, used directly
 *   backend_openssl.c  OpenSSL libssl (what a Linux user would pick instead)
 * Every backend verifies the server against the CA file and the host name, sends SNI, offers its
 * default cipher-suite list with TLS 1.0..1.2 and, with session_cache, offers the session of the
 * previous connection (replaced after every handshake).
 */
#ifndef QLSSL_BENCH_BACKEND_H
#define QLSSL_BENCH_BACKEND_H

#include <stddef.h>

typedef struct be_conn be_conn;

extern const char *const be_name;

/* Once per process: CA file, expected host name, session resumption on/off. 0 on success. */
int be_global_init(const char *ca_file, const char *hostname, int session_cache);

/* Set up a TLS client on the connected socket fd and complete the handshake; NULL on failure. */
be_conn *be_open(int fd);

/* 1 when the handshake of c resumed the offered session. */
int be_resumed(be_conn *c);

/* > 0 bytes, 0 on close_notify, < 0 on error. */
int be_read(be_conn *c, void *buf, size_t len);

/* > 0 bytes taken, < 0 on error. */
int be_write(be_conn *c, const void *buf, size_t len);

/* Send close_notify and release c (the socket stays open: the driver closes it). */
void be_close(be_conn *c);

void be_global_free(void);

/* Configs used in turn by be_open, each with its own CA file (pattern with one %d, 0..n-1), for
 * the CA-cache rotation benchmark. 0 on success; -1 where the stack has no such notion here. */
int be_ca_rotation(const char *ca_pattern, int n);

/* In bench_client.c: 1 when the sockets are non-blocking (--nonblock); be_wait polls fd until it is
 * readable (want_write 0) or writable (1), at most 30 s. */
extern int be_nonblock;
void be_wait(int fd, int want_write);

#endif
