/*
 * The power-cycle case on bare metal (QL_SSL_CONF_SESSION_STORE through the version-2 hooks
 * write_file and unix_time): one qemu process = one boot of the device. It registers qemu_hooks,
 * connects to the test server with the session cache and the store "session.bin" (in the run
 * directory on the host, through semihosting), does GET / and prints one line:
 *
 *   store client: resumed=<ql_ssl_session_resumed> server=<New|Reused> warnings=<n>
 *
 * "server=" is what openssl s_server -www's page for this very connection says (the server's
 * count, not ours); "warnings" counts the library's WARN lines, each also printed as
 * "store client: warn: <text>". build.sh runs it several times against one server with the file
 * left in place, removed or damaged between runs, and judges the lines.
 */
#define QLSSL_BAREMETAL 1

#include <stdio.h>
#include <string.h>

#include "qemu_hooks.h"

static int warnings;

static void on_log(int level, const char *msg, void *arg)
{
    (void)arg;
    if (level <= QL_SSL_LOG_WARN) {
        warnings++;
        printf("store client: warn: %s\n", msg);
    }
}

static int fail(const char *what)
{
    char why[160];
    ql_ssl_last_error(why, sizeof why);
    printf("store client: FAILED at %s (%s)\n", what, why);
    return 1;
}

int main(void)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    static char page[8192];
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    unsigned port = read_port_file("port.txt");
    const char *server;
    int fd, n, got = 0, resumed;
    if (ql_ssl_platform_init(&qemu_hooks) != QL_SSL_SUCCESS) {
        return fail("ql_ssl_platform_init (version 2 table)");
    }
    ql_ssl_set_log_callback(on_log, QL_SSL_LOG_WARN, NULL);
    if (port == 0 || ql_ssl_conf_init(&conf) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT, (char *[]){(char *)"ca.crt"}, 1) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 10) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_SESSION_CACHE, 1) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_SESSION_STORE, "session.bin") != QL_SSL_SUCCESS) {
        return fail("config");
    }
    fd = tcp_connect(port);
    if (fd < 0 || ql_ssl_new(&ctx) != QL_SSL_SUCCESS || ql_ssl_setup(&ctx, &conf) != QL_SSL_SUCCESS ||
        ql_ssl_set_hostname(&ctx, "localhost") != QL_SSL_SUCCESS || ql_ssl_set_socket_fd(&ctx, fd) != QL_SSL_SUCCESS) {
        return fail("setup");
    }
    if (ql_ssl_handshake(&ctx) != QL_SSL_SUCCESS) {
        return fail("handshake");
    }
    resumed = ql_ssl_session_resumed(&ctx);
    if (ql_ssl_write(&ctx, (const unsigned char *)request, sizeof request - 1) != (int)(sizeof request - 1)) {
        return fail("write");
    }
    while (got < (int)sizeof page - 1 &&
           (n = ql_ssl_read(&ctx, (unsigned char *)page + got, sizeof page - 1 - (size_t)got)) > 0) {
        got += n;
    }
    page[got] = '\0';
    server = strstr(page, "\nReused, ") != NULL ? "Reused" : strstr(page, "\nNew, ") != NULL ? "New" : "unknown";
    ql_ssl_free(&ctx);
    sock_close(fd);
    ql_ssl_conf_free(&conf);
    printf("store client: resumed=%d server=%s warnings=%d\n", resumed, server, warnings);
    fflush(stdout);
    return 0;
}
