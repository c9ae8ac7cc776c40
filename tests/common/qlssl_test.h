/*
 * The C test-support library of every qlssl C suite (tests/c, tests/certs, tests/hardening,
 * tests/interop): one header, one source (qlssl_test.c).
 *
 *   tc_*      building blocks with no policy (clock, result-code names, failure report, peer
 *             spawning, s_server's ACCEPT line, loopback address): they never fail a test by
 *             themselves; interop_client.c and tests/hardening/hsupport.c report in their own words.
 *   the rest  the harness of tests/c and tests/certs: CHECK / CHECK_RC fail the test with
 *             file:line, the library's last recorded error and the logs of the running peers;
 *             peers (openssl s_server, gnutls-serv, any program) are always stopped - at exit, on a
 *             failed check, on the watchdog, and (PR_SET_PDEATHSIG) when the test is killed.
 *
 * CMake: tests/common/qlssl_import.cmake's qlssl_test_support_library() (each suite directory
 * still configures on its own, e.g. tests/c for the cross legs).
 */
#ifndef QLSSL_TESTS_COMMON_QLSSL_TEST_H
#define QLSSL_TESTS_COMMON_QLSSL_TEST_H

#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "ql_ssl.h"

/* ==== Building blocks ========================================================================= */

/* Monotonic clock in seconds. */
double tc_now(void);

/* Sleep for `s` seconds (restarted after signals). */
void tc_sleep(double s);

/*
 * Name of a ql_ssl_error_code_e value: "QL_SSL_ERROR_WANT_READ" / "QL_SSL_SUCCESS", or with
 * short_form "WANT_READ" / "SUCCESS". For any other value: `positive` when rc > 0, else `other`.
 */
const char *tc_rc_name(int rc, int short_form, const char *positive, const char *other);

/*
 * The start of a failure report on stderr, after flushing stdout (so that it follows what the
 * test printed): "FAIL file:line: what: <message>", and when the library recorded a reason for the
 * calling thread's last failed call, a line note_prefix + reason + note_suffix. The reason is read
 * with ql_ssl_last_error(buf, reason_cap) (at most 512).
 */
void tc_vreport_failure(const char *file, int line, const char *what, const char *fmt, va_list ap,
                        const char *note_prefix, const char *note_suffix, size_t reason_cap);

/*
 * fork + exec argv[0] (PATH search) with stdin from /dev/null and stdout + stderr into the file
 * `log`; the child is killed when the test process dies (PR_SET_PDEATHSIG). `preload` (may be
 * NULL) becomes the child's LD_PRELOAD. Returns the child's pid, or -1 with errno set.
 */
pid_t tc_spawn_logged(char *const argv[], const char *log, const char *preload);

/* Read the start of file `path` into text (NUL-terminated, at most cap - 1 bytes); returns the count. */
size_t tc_read_text(const char *path, char *text, size_t cap);

/*
 * The port of `openssl s_server -accept 127.0.0.1:0` from its log text: 1 and *port = the number
 * after "ACCEPT 127.0.0.1:" once that line is complete, else 0 (*port untouched).
 */
int tc_accept_port(const char *text, int *port);

/* 127.0.0.1:port (the tests only ever talk to peers on loopback). */
struct sockaddr_in tc_loopback(int port);

/* ==== Harness: failing a test ================================================================= */

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

/* Report, print the logs of the running peers, exit 1 (the exit handler stops the peers). */
void test_fail(const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/*
 * Call first. argv[1], when argc > 1, is the PKI directory written by scripts/gen_pki.sh (for
 * pki()); tests that take other arguments pass argc 0. Arms a watchdog alarm of `watchdog_s`
 * seconds and the exit-time cleanup (peers stopped, test_keep() memory freed). SIGPIPE keeps its
 * default action (tests/c proves the library never raises it); a suite that does not test that
 * may ignore it itself.
 */
void test_init(int argc, char **argv, unsigned watchdog_s);

/* Path of `file` inside the PKI directory (static storage, one buffer per call slot: up to 8 live). */
const char *pki(const char *file);

/* "QL_SSL_ERROR_WANT_READ", ... or "(positive count)" / "?". */
const char *rc_name(int rc);

/* "WANT_READ", "SUCCESS", ... or "UNKNOWN_CODE" (the names tests/certs/matrix.txt and docs/CERTS.md use). */
const char *rc_short_name(int rc);

/* Monotonic clock in seconds; sleep for `s` seconds. */
double now_s(void);
void sleep_s(double s);

/* Read a whole file (malloc'd, NUL-terminated one past *len; may be empty); fails the test on error. */
unsigned char *read_file(const char *path, size_t *len);

/* Keep malloc'd `p` until exit (freed then, so LeakSanitizer stays quiet); returns p. */
void *test_keep(void *p);

/* snprintf into a fresh string that lives until exit (test_keep). */
char *test_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ==== Harness: peers ========================================================================== */

typedef struct {
    pid_t pid;          /* 0 when not running */
    int port;           /* the loopback port it accepts on */
    char log[512];      /* its stdout + stderr */
    const char *what;   /* "openssl s_server", "gnutls-serv", or the program's name */
} peer_t;

/*
 * Start `openssl s_server -accept 127.0.0.1:0 -cert CERT -key KEY <extra args...>` (NULL-terminated
 * list of extra arguments, e.g. "-www", NULL), wait (bounded, 15 s) until it prints its ACCEPT line
 * and store the port it picked. $OPENSSL names the binary. Fails the test if it does not come up.
 */
void peer_start_s_server(peer_t *p, const char *cert, const char *key, ...) __attribute__((sentinel));

/* The same with every argument after `-accept 127.0.0.1:0` in one NULL-terminated array. */
void peer_start_s_server_argv(peer_t *p, const char *const *args);

/*
 * Start `gnutls-serv -p <port> <args...>` with the loopback-bind shim preloaded ($CERTS_BIND_SHIM,
 * so it listens on 127.0.0.1 / ::1 only), wait (bounded) until it reports listening, and check
 * in /proc/net/tcp{,6} that nothing of it listens beyond loopback. $GNUTLS_SERV names the binary.
 * A port taken meanwhile by someone else is retried with another free port (at most 5 tries).
 */
void peer_start_gnutls_serv(peer_t *p, const char *const *args);

/* Start an arbitrary program (NULL-terminated argv) with the same guarantees; no readiness wait. */
void peer_spawn(peer_t *p, char *const argv[]);

/* Wait up to `timeout_s` for the peer to exit; returns its wait status or -1 on timeout. */
int peer_wait(peer_t *p, double timeout_s);

/* Stop a peer (SIGKILL), reap it and delete its log. Safe to call twice. */
void peer_stop(peer_t *p);

/* Print the peer's log to stderr (for diagnostics). */
void peer_dump_log(const peer_t *p);

/* ==== Harness: sockets ======================================================================== */

/* Blocking TCP connection to 127.0.0.1:port (fails the test on error). */
int tcp_connect(int port);

/* tcp_connect() whose reads and writes give up after 20 s (SO_RCVTIMEO / SO_SNDTIMEO). */
int tcp_connect_bounded(int port);

/*
 * SDK demo style: O_NONBLOCK socket, non-blocking connect, select() until writable, SO_ERROR check.
 * Returns the connected, still non-blocking socket.
 */
int tcp_connect_nonblocking(int port);

/* A listening TCP socket on 127.0.0.1 with a kernel-chosen port (written to *port). */
int tcp_listen(int *port);

/* Wait until `fd` is readable (want_write == 0) or writable; returns 1 when ready, 0 on timeout. */
int wait_fd(int fd, int want_write, double timeout_s);

/* ==== Harness: TLS ============================================================================ */

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

#endif
