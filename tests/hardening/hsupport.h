/*
 * Helpers shared by the hardening tests (tests/hardening/): failure reporting, peers that are
 * always stopped, loopback sockets, a monotonic clock.
 *
 * The tests find their peers and PKI through environment variables that CMake sets:
 *   HARDENING_PKI         directory written by gen_pki.sh (rsa_*.pem, ec_*.pem)
 *   HARDENING_TLS_SERVER  bench/tls_server (OpenSSL, thread per connection)
 *   HARDENING_FAULT_PEER  fault_peer (scripted misbehaving TLS server)
 *   HARDENING_DGRAM_PEER  dgram_peer (hostile raw-UDP DTLS peer)
 */
#ifndef QLSSL_HARDENING_SUPPORT_H
#define QLSSL_HARDENING_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

#include "ql_ssl.h"

#define H_CHECK(cond, ...)                                                   \
    do {                                                                     \
        if (!(cond)) {                                                       \
            h_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                  \
        }                                                                    \
    } while (0)

#define H_CHECK_RC(call, expected)                                           \
    do {                                                                     \
        int h_got_ = (call);                                                 \
        int h_want_ = (expected);                                            \
        if (h_got_ != h_want_) {                                             \
            h_fail(__FILE__, __LINE__, #call, "returned %d (%s), expected %d (%s)", h_got_, \
                   h_rc_name(h_got_), h_want_, h_rc_name(h_want_));          \
        }                                                                    \
    } while (0)

void h_fail(const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/* Call first: arms a watchdog (SIGALRM after watchdog_s seconds fails the test) and the cleanup. */
void h_init(unsigned watchdog_s);

/* Path of `file` in $HARDENING_PKI (static buffers, up to 8 live results). */
const char *h_pki(const char *file);

/* Value of a required environment variable (fails the test when unset). */
const char *h_env(const char *name);

/* "QL_SSL_ERROR_WANT_READ" etc., or "?" */
const char *h_rc_name(int rc);

double h_now(void);

typedef struct {
    pid_t pid;
    int port;
} h_peer;

/*
 * Start argv (NULL-terminated) with stdout on a pipe; waits (bounded) for its "PORT <n>" line.
 * The peer dies with the test (PR_SET_PDEATHSIG) and is killed at exit in any case.
 */
void h_peer_start(h_peer *p, char *const argv[]);

/* bench/tls_server with `cert`/`key` from the PKI and OpenSSL cipher list `ciphers`. */
void h_tls_server_start(h_peer *p, const char *cert, const char *key, const char *ciphers);

/* SIGKILL and reap. Safe to call twice. */
void h_peer_stop(h_peer *p);

/* Blocking TCP connection to 127.0.0.1:port (TCP_NODELAY). */
int h_connect(int port);

/* Make fd non-blocking. */
void h_set_nonblocking(int fd);

/* 1 when fd is readable (or writable with want_write) within timeout_s. */
int h_wait_fd(int fd, int want_write, double timeout_s);

/* Drive ql_ssl_handshake on a non-blocking socket; returns the final code. */
int h_handshake_nonblocking(ql_ssl_context *ctx, int fd, double timeout_s);

/* Send a bench/tls_server command ('D', 'E', 'C') with argument n through ql_ssl_write. */
int h_send_cmd(ql_ssl_context *ctx, char op, unsigned long long n);

/* Initialise conf as a verifying client for the PKI's `ca` file (VERIFY_SERVER, SNI on, timeout_s). */
void h_conf_verifying(ql_ssl_config *conf, const char *ca, int timeout_s);

#endif
