/*
 * Helpers shared by the C test suites (tests/c, tests/certs, tests/hardening, tests/interop): the
 * parts that were written again in each suite's support file. Each suite keeps its own failure
 * reporting, watchdog and peer bookkeeping; nothing here fails a test by itself - a helper returns
 * what went wrong and the suite reports it with its own words (some tests and docs read them).
 *
 * Built into each suite by its CMakeLists.txt (the source file is added to the suite's own targets,
 * so tests/c still configures on its own, e.g. for the cross legs).
 */
#ifndef QLSSL_TESTS_COMMON_PEER_H
#define QLSSL_TESTS_COMMON_PEER_H

#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- Clock ------------------------------------------------------------------------------------ */

/* Monotonic clock in seconds. */
double tc_now(void);

/* Sleep for `s` seconds (restarted after signals). */
void tc_sleep(double s);

/* ---- Result codes and failure messages -------------------------------------------------------- */

/*
 * Name of a ql_ssl_error_code_e value: "QL_SSL_ERROR_WANT_READ" / "QL_SSL_SUCCESS", or with
 * short_form "WANT_READ" / "SUCCESS". For any other value: `positive` when rc > 0, else `other`
 * (each suite keeps the texts its output and documents always had).
 */
const char *tc_rc_name(int rc, int short_form, const char *positive, const char *other);

/*
 * The start of a failure report on stderr, after flushing stdout (so that it follows what the
 * test printed): "FAIL file:line: what: <message>", and when the library recorded a reason for the
 * calling thread's last failed call, a line note_prefix + reason + note_suffix. The reason is read
 * with ql_ssl_last_error(buf, reason_cap) (at most 512), i.e. truncated as the suite always had it.
 */
void tc_vreport_failure(const char *file, int line, const char *what, const char *fmt, va_list ap,
                        const char *note_prefix, const char *note_suffix, size_t reason_cap);

/* ---- Peer processes --------------------------------------------------------------------------- */

/*
 * fork + exec argv[0] (PATH search) with stdin from /dev/null and stdout + stderr into the file
 * `log`; the child is killed when the test process dies (PR_SET_PDEATHSIG), whatever way the test
 * ends. `preload` (may be NULL) becomes the child's LD_PRELOAD. Returns the child's pid, or -1
 * with errno set when fork failed.
 */
pid_t tc_spawn_logged(char *const argv[], const char *log, const char *preload);

/* Read the start of file `path` into text (NUL-terminated, at most cap - 1 bytes); returns the count. */
size_t tc_read_text(const char *path, char *text, size_t cap);

/*
 * The port of `openssl s_server -accept 127.0.0.1:0` from its log text: 1 and *port = the number
 * after "ACCEPT 127.0.0.1:" once that line is complete, else 0 (*port untouched).
 */
int tc_accept_port(const char *text, int *port);

/* ---- Sockets ---------------------------------------------------------------------------------- */

/* 127.0.0.1:port (the tests only ever talk to peers on loopback). */
struct sockaddr_in tc_loopback(int port);

#endif
