/*
 * The smallest useful bare-metal libqlssl program, for the size figures in docs/CROSS.md: register
 * the platform hooks, verify the server against ca.crt, GET / and print the status line.
 */
#define QLSSL_BAREMETAL 1

#include <stdio.h>
#include <string.h>

#include "qemu_hooks.h"

int main(void)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    char line[32];
    int fd, n, rc;
    char top;
    qemu_stack_top = (uintptr_t)&top + 256;
    if (ql_ssl_platform_init(&qemu_hooks) != QL_SSL_SUCCESS || ql_ssl_conf_init(&conf) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER) != QL_SSL_SUCCESS ||
        ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT, (char *[]){(char *)"ca.crt"}, 1) != QL_SSL_SUCCESS) {
        printf("minimal client: configuration failed\n");
        return 1;
    }
    fd = tcp_connect(read_port_file("port.txt"));
    rc = fd < 0 ? fd : ql_ssl_new(&ctx);
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_setup(&ctx, &conf);
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_set_hostname(&ctx, "localhost");
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_set_socket_fd(&ctx, fd);
    if (rc != QL_SSL_SUCCESS) {
        ql_ssl_last_error(line, sizeof line);
        printf("minimal client: setup failed (fd %d, %d: %s)\n", fd, rc, line);
        return 1;
    }
    rc = ql_ssl_handshake(&ctx);
    if (rc == QL_SSL_SUCCESS) {
        rc = ql_ssl_write(&ctx, (const unsigned char *)request, sizeof request - 1);
    }
    n = rc >= 0 ? ql_ssl_read(&ctx, (unsigned char *)line, sizeof line - 1) : rc;
    line[n > 0 ? n : 0] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    printf("minimal client: %s\n", n > 0 ? line : "no answer");
    ql_ssl_free(&ctx);
    sock_close(fd);
    ql_ssl_conf_free(&conf);
    return n > 0 && strncmp(line, "HTTP/1.0 200", 12) == 0 ? 0 : 1;
}
