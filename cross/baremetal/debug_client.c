/*
 * The opt-in debugging aids of the bare-metal library (cargo features `keylog` and `tls-debug`,
 * docs/CROSS.md "Debugging aids"), under qemu-arm. Linked only against the archive built with both
 * features; the default archive has neither (build.sh checks its symbols).
 *
 * Three verified handshakes + GET / against the openssl s_server whose port is in keylog_port.txt
 * (started by build.sh with -keylogfile, so it writes its own NSS key log):
 *   1. log callback at DEBUG, key-log sink registered: exactly one CLIENT_RANDOM line reaches the
 *      sink (written to keylog.txt, which build.sh compares with the server's line), mbedtls's debug
 *      lines (its levels 1-2) reach the log callback at DEBUG, nothing at VERBOSE;
 *   2. sink removed (NULL), log at INFO: no key-log line, no mbedtls line, the library's INFO
 *      lines still come;
 *   3. log at VERBOSE: mbedtls's levels 3-4 (record dumps) arrive at VERBOSE.
 * Prints the figures and one line from mbedtls, then "debug client: ok" or the first failure.
 */
#define QLSSL_BAREMETAL 1
#define QLSSL_KEYLOG 1

#include <stdio.h>
#include <string.h>

#include "qemu_hooks.h"

#define KEYLOG_LINE_LEN (14 + 64 + 1 + 96) /* "CLIENT_RANDOM " + 32 bytes hex + " " + 48 bytes hex */

static int tag; /* the `arg` both callbacks must get back */
static unsigned keylog_lines, keylog_bad_arg;
static char keylog_first[KEYLOG_LINE_LEN + 2];
static unsigned log_lines[6], mbedtls_lines[6], handshakes_done, log_bad_arg;
static char mbedtls_example[160];
static FILE *log_file; /* debug_log.txt during connection 1, for the record */

static void keylog_sink(const char *line, void *arg)
{
    if (arg != &tag) keylog_bad_arg++;
    if (keylog_lines++ == 0) snprintf(keylog_first, sizeof keylog_first, "%s", line);
}

static void log_sink(int level, const char *msg, void *arg)
{
    if (arg != &tag) log_bad_arg++;
    if (level < 1 || level > 5) level = 0;
    log_lines[level]++;
    if (strncmp(msg, "mbedtls ", 8) == 0) {
        mbedtls_lines[level]++;
        if (mbedtls_example[0] == '\0' && strstr(msg, "handshake") != NULL)
            snprintf(mbedtls_example, sizeof mbedtls_example, "%s", msg);
    }
    if (strstr(msg, "handshake done") != NULL) handshakes_done++;
    if (log_file != NULL) fprintf(log_file, "[%d] %s\n", level, msg);
}

/* One verified handshake and GET / on a new context; 0 when the answer is HTTP 200. */
static int get_once(ql_ssl_config *conf, unsigned port)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    ql_ssl_context ctx = 0;
    char line[64];
    int fd = tcp_connect(port), rc, n;
    rc = fd < 0 ? fd : ql_ssl_new(&ctx);
    if (rc == QL_SSL_SUCCESS) rc = ql_ssl_setup(&ctx, conf);
    if (rc == QL_SSL_SUCCESS) rc = ql_ssl_set_hostname(&ctx, "localhost");
    if (rc == QL_SSL_SUCCESS) rc = ql_ssl_set_socket_fd(&ctx, fd);
    if (rc == QL_SSL_SUCCESS) rc = ql_ssl_handshake(&ctx);
    if (rc == QL_SSL_SUCCESS) rc = ql_ssl_write(&ctx, (const unsigned char *)request, sizeof request - 1);
    n = rc >= 0 ? ql_ssl_read(&ctx, (unsigned char *)line, sizeof line - 1) : rc;
    if (n <= 0) {
        ql_ssl_last_error(line, sizeof line);
        printf("debug client: connection failed (fd %d, %d: %s)\n", fd, n, line);
    }
    ql_ssl_free(&ctx);
    if (fd >= 0) sock_close(fd);
    return n > 12 && strncmp(line, "HTTP/1.0 200", 12) == 0 ? 0 : -1;
}

#define EXPECT(cond)                                                  \
    do {                                                              \
        if (!(cond)) {                                                \
            printf("debug client: FAILED at line %d: %s\n", __LINE__, #cond); \
            return 1;                                                 \
        }                                                             \
    } while (0)

int main(void)
{
    ql_ssl_config conf;
    unsigned port = read_port_file("keylog_port.txt");
    unsigned mbedtls_after_1, log_after_1;
    FILE *f;
    char top;
    qemu_stack_top = (uintptr_t)&top + 256;

    /* Both registrations work before ql_ssl_platform_init (no allocation). */
    EXPECT(ql_ssl_set_keylog_callback(keylog_sink, &tag) == QL_SSL_SUCCESS);
    EXPECT(ql_ssl_set_log_callback(log_sink, QL_SSL_LOG_DEBUG, &tag) == QL_SSL_SUCCESS);
    EXPECT(ql_ssl_platform_init(&qemu_hooks) == QL_SSL_SUCCESS);
    EXPECT(port != 0);
    EXPECT(ql_ssl_conf_init(&conf) == QL_SSL_SUCCESS);
    EXPECT(ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER) == QL_SSL_SUCCESS);
    EXPECT(ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT, (char *[]){(char *)"ca.crt"}, 1) == QL_SSL_SUCCESS);

    /* 1: DEBUG, sink registered. */
    log_file = fopen("debug_log.txt", "w");
    EXPECT(get_once(&conf, port) == 0);
    fclose(log_file);
    log_file = NULL;
    printf("connection 1 (DEBUG, key-log sink): key-log lines %u, log lines %u (DEBUG %u, of them mbedtls %u; "
           "VERBOSE %u)\n",
           keylog_lines, log_lines[1] + log_lines[2] + log_lines[3] + log_lines[4] + log_lines[5],
           log_lines[QL_SSL_LOG_DEBUG], mbedtls_lines[QL_SSL_LOG_DEBUG], log_lines[QL_SSL_LOG_VERBOSE]);
    printf("  from mbedtls: %s\n", mbedtls_example);
    printf("  key log: %.60s...\n", keylog_first);
    EXPECT(keylog_lines == 1 && keylog_bad_arg == 0 && log_bad_arg == 0);
    EXPECT(strlen(keylog_first) == KEYLOG_LINE_LEN && strncmp(keylog_first, "CLIENT_RANDOM ", 14) == 0);
    EXPECT(mbedtls_lines[QL_SSL_LOG_DEBUG] >= 10 && log_lines[QL_SSL_LOG_VERBOSE] == 0);
    EXPECT(handshakes_done == 1);
    f = fopen("keylog.txt", "w");
    EXPECT(f != NULL);
    fprintf(f, "%s\n", keylog_first);
    fclose(f);

    /* 2: INFO, sink removed. */
    mbedtls_after_1 = mbedtls_lines[QL_SSL_LOG_DEBUG];
    log_after_1 = log_lines[QL_SSL_LOG_DEBUG];
    EXPECT(ql_ssl_set_keylog_callback(NULL, NULL) == QL_SSL_SUCCESS);
    EXPECT(ql_ssl_set_log_callback(log_sink, QL_SSL_LOG_INFO, &tag) == QL_SSL_SUCCESS);
    EXPECT(get_once(&conf, port) == 0);
    printf("connection 2 (INFO, no sink): key-log lines %u, new DEBUG lines %u, handshakes logged %u\n",
           keylog_lines - 1, log_lines[QL_SSL_LOG_DEBUG] - log_after_1, handshakes_done);
    EXPECT(keylog_lines == 1 && mbedtls_lines[QL_SSL_LOG_DEBUG] == mbedtls_after_1 && handshakes_done == 2);
    EXPECT(log_lines[QL_SSL_LOG_DEBUG] == log_after_1);

    /* 3: VERBOSE: mbedtls's record dumps. */
    EXPECT(ql_ssl_set_log_callback(log_sink, QL_SSL_LOG_VERBOSE, &tag) == QL_SSL_SUCCESS);
    EXPECT(get_once(&conf, port) == 0);
    printf("connection 3 (VERBOSE): mbedtls lines at VERBOSE %u\n", mbedtls_lines[QL_SSL_LOG_VERBOSE]);
    EXPECT(mbedtls_lines[QL_SSL_LOG_VERBOSE] >= 10 && keylog_lines == 1 && handshakes_done == 3);

    ql_ssl_set_log_callback(NULL, QL_SSL_LOG_NONE, NULL);
    ql_ssl_conf_free(&conf);
    printf("debug client: ok\n");
    return 0;
}
