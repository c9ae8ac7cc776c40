/*
 * Shared helpers for the qlssl C tests: failure reporting, the test PKI, loopback sockets and an
 * `openssl s_server` peer that is always stopped (also when a test fails or is killed).
 */
#ifndef QLSSL_TEST_SUPPORT_H
#define QLSSL_TEST_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

#include "ql_ssl.h"

/* Fail the test with a message (file:line, the failed condition and a printf-style explanation). */
#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            test_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                  \
        }                                                                       \
    } while (0)

/* Check that a ql_ssl_* call returned `expected`; prints both codes by name otherwise. */
#define CHECK_RC(call, expected)                                                \
    do {                                                                        \
        int check_rc_got_ = (call);                                             \
        int check_rc_want_ = (expected);                                        \
        if (check_rc_got_ != check_rc_want_) {                                  \
            test_fail(__FILE__, __LINE__, #call, "returned %d (%s), expected %d (%s)", \
                      check_rc_got_, rc_name(check_rc_got_), check_rc_want_,    \
                      rc_name(check_rc_want_));                                 \
        }                                                                       \
    } while (0)

void test_fail(const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/*
 * Call first. argv[1] is the PKI directory written by scripts/gen_pki.sh (may be absent for tests
 * that need no certificates). Arms a watchdog alarm of `watchdog_s` seconds and the cleanup that
 * stops every peer at exit.
 */
void test_init(int argc, char **argv, unsigned watchdog_s);

/* Path of `file` inside the PKI directory (static storage, one buffer per call slot: up to 8 live). */
const char *pki(const char *file);

/* Name of a ql_ssl_error_code_e value ("QL_SSL_ERROR_WANT_READ", ...) or "?". */
const char *rc_name(int rc);

/* Monotonic clock in seconds. */
double now_s(void);

/* ---- Peers ------------------------------------------------------------------------------------ */

typedef struct {
    pid_t pid;      /* 0 when not running */
    int port;       /* the loopback port it accepts on */
    char log[256];  /* its stdout+stderr */
} peer_t;

/*
 * Start `openssl s_server -accept 127.0.0.1:0 -cert CERT -key KEY <extra args...>` (NULL-terminated
 * list of extra arguments, e.g. "-www", NULL), wait (bounded) until it prints its ACCEPT line and
 * store the port it picked. Fails the test if it does not come up. The server is registered for
 * cleanup and also dies with the test process (PR_SET_PDEATHSIG).
 */
void peer_start_s_server(peer_t *p, const char *cert, const char *key, ...)
    __attribute__((sentinel));

/* Start an arbitrary program (NULL-terminated argv) with the same guarantees; no readiness wait. */
void peer_spawn(peer_t *p, char *const argv[]);

/* Wait up to `timeout_s` for the peer to exit; returns its wait status or -1 on timeout. */
int peer_wait(peer_t *p, double timeout_s);

/* Stop a peer (SIGKILL) and reap it. Safe to call twice. */
void peer_stop(peer_t *p);

/* Print the peer's log to stderr (for diagnostics). */
void peer_dump_log(const peer_t *p);

/* ---- Sockets ---------------------------------------------------------------------------------- */

/* Blocking TCP connection to 127.0.0.1:port. */
int tcp_connect(int port);

/*
 * SDK demo style: O_NONBLOCK socket, non-blocking connect, select() until writable, SO_ERROR check.
 * Returns the connected, still non-blocking socket.
 */
int tcp_connect_nonblocking(int port);

/* A listening TCP socket on 127.0.0.1 with a kernel-chosen port (written to *port). */
int tcp_listen(int *port);

/* Wait until `fd` is readable (want_write == 0) or writable; returns 1 when ready, 0 on timeout. */
int wait_fd(int fd, int want_write, double timeout_s);

/* ---- TLS helpers ------------------------------------------------------------------------------ */

/*
 * On an established context: write "GET / HTTP/1.0\r\n\r\n" and read the whole response into
 * buf (NUL-terminated) until ql_ssl_read returns 0 or an error. Works on blocking and non-blocking
 * sockets (fd is used to wait). Returns the final ql_ssl_read result (0 on a clean close).
 */
int http_get(ql_ssl_context *ctx, int fd, char *buf, size_t cap);

/* http_get() that must end cleanly (0) with an "HTTP/1.0 200" response; fails the test otherwise. */
void http_get_200(ql_ssl_context *ctx, int fd, char *buf, size_t cap);

/* Drive ql_ssl_handshake on a non-blocking socket with select(); returns the final result. */
int handshake_nonblocking(ql_ssl_context *ctx, int fd, double timeout_s);

/* Read a whole file into a malloc'd buffer (*len set); fails the test on error. */
unsigned char *read_file(const char *path, size_t *len);

#endif
