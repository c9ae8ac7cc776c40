/*
 * Helpers for the certificate-matrix tests (tests/certs): failure reporting, a watchdog, loopback
 * sockets and TLS peers (openssl s_server, gnutls-serv) that are always stopped - at normal exit,
 * on a failed check, on the watchdog, and (PR_SET_PDEATHSIG) when the test process is killed.
 */
#ifndef QLSSL_CERTS_SUPPORT_H
#define QLSSL_CERTS_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

#include "ql_ssl.h"

/* Fail the test: print file:line, the condition and a printf-style message, stop peers, exit 1. */
#define CHECK(cond, ...)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            cs_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                      \
        }                                                                                         \
    } while (0)

void cs_fail(const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/* Arm the watchdog (SIGALRM after `seconds`) and the exit-time peer cleanup. Call first. */
void cs_init(unsigned seconds);

/* Monotonic clock in seconds; sleep for `s` seconds. */
double cs_now(void);
void cs_sleep(double s);

/* "SUCCESS", "HS_FAILURE", "BAD_REQUEST", ... (the ql_ssl_error_code_e name without QL_SSL_ERROR_). */
const char *cs_rc_name(int rc);

/* Read a whole file (malloc'd, NUL-terminated one past *len); fails the test on error. */
unsigned char *cs_read_file(const char *path, size_t *len);

/* Keep malloc'd `p` until exit (freed then, so LeakSanitizer stays quiet); returns p. */
void *cs_keep(void *p);

/* snprintf into a fresh string that lives until exit (cs_keep). */
char *cs_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- Peers ------------------------------------------------------------------------------------ */

typedef struct {
    pid_t pid;          /* 0 when not running */
    int port;           /* loopback port the peer accepts on */
    char log[512];      /* file with its stdout + stderr */
    const char *what;   /* "openssl s_server" / "gnutls-serv" */
} cs_peer;

/*
 * Start `openssl s_server -accept 127.0.0.1:0 <args...>` (NULL-terminated), wait (bounded, 15 s)
 * for its "ACCEPT 127.0.0.1:<port>" line and record the port. $OPENSSL names the binary.
 */
void cs_start_s_server(cs_peer *p, const char *const *args);

/*
 * Start `gnutls-serv -p <port> <args...>` with the loopback-bind shim preloaded ($CERTS_BIND_SHIM,
 * so it listens on 127.0.0.1 / ::1 only), wait (bounded) until it reports listening, and check
 * in /proc/net/tcp{,6} that nothing of it listens beyond loopback. $GNUTLS_SERV names the binary.
 * A port taken meanwhile by someone else is retried with another free port (at most 5 tries).
 */
void cs_start_gnutls_serv(cs_peer *p, const char *const *args);

/* Stop (SIGKILL) and reap a peer. Safe to call twice. */
void cs_stop(cs_peer *p);

/* Print the last lines of the peer's log to stderr. */
void cs_dump_log(const cs_peer *p);

/* ---- Sockets ---------------------------------------------------------------------------------- */

/* Blocking TCP connection to 127.0.0.1:port (fails the test on error). */
int cs_connect(int port);

#endif
