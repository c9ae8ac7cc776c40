/*
 * The platform hooks for libqlssl under qemu-user (qemu_hooks.c) and the socket helpers the
 * bare-metal tests use. Include after defining QLSSL_BAREMETAL.
 */
#ifndef QEMU_HOOKS_H
#define QEMU_HOOKS_H

#include <stdint.h>

#include "ql_ssl.h"

/* The table to pass to ql_ssl_platform_init(): version 2, with write_file and unix_time. */
extern const ql_ssl_platform_hooks qemu_hooks;
/* Upper bound of the stack, for the mem_origin hook: set it in main() before any test runs. */
extern uintptr_t qemu_stack_top;

/* A TCP connection to 127.0.0.1:port, or -1. */
int tcp_connect(unsigned port);
/* A UDP socket connected to 127.0.0.1:port, or -1. */
int udp_connect(unsigned port);
/* A listener on 127.0.0.1 that never accepts: its port in *port, its fd returned (or -1). */
int silent_listener(unsigned *port);
void sock_close(int fd);
int set_nonblocking(int fd);
/* The hooks the tests also call directly. */
uint64_t hook_now_ms(void);
int hook_wait(int fd, int for_write, uint32_t timeout_ms);
/* A test server's port from the file `name` in the working directory (build.sh writes
 * port.txt for openssl s_server, dtls_port.txt for gnutls-serv), 0 if missing. */
unsigned read_port_file(const char *name);

#endif
