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
#include "qlssl_test.h"

/* This suite's names for the common harness (tests/common/qlssl_test.h): a failed check reports
 * through test_fail() (file:line, the library's last error), exits 1, and the exit handlers stop
 * the peers; rc names and the clock are the common ones. */
#define H_CHECK CHECK
#define H_CHECK_RC CHECK_RC
#define h_fail test_fail
#define h_rc_name rc_name
#define h_now now_s

/* Call first: arms a watchdog (SIGALRM after watchdog_s seconds fails the test) and the cleanup. */
void h_init(unsigned watchdog_s);

/* Path of `file` in $HARDENING_PKI (static buffers, up to 8 live results). */
const char *h_pki(const char *file);

/* Value of a required environment variable (fails the test when unset). */
const char *h_env(const char *name);

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
/* ql_ssl_conf_init, then QL_SSL_CONF_VERSION = $HARDENING_SSL_VERSION when set (the TLS 1.3 variant
 * of the suites sets 5, QL_SSL_VERSION_4; docs/HARDENING.md, "TLS 1.3 engine"). */
void h_conf_init(ql_ssl_config *conf);

#endif
