/*
 * The smallest useful Linux client on libqlssl, for the size figures of docs/PERFORMANCE.md ("Size",
 * scripts/size.sh): connect to 127.0.0.1:PORT, verify the server against CA_FILE and the name
 * localhost, GET / and print the status line. min_client_mbedtls.c does the same on raw mbedtls.
 *
 * Usage: min_client PORT CA_FILE     exit 0 when the answer is an HTTP status line
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ql_ssl.h"

static int tcp_connect(int port)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    ql_ssl_config conf;
    ql_ssl_context ctx = 0;
    char line[64];
    int fd, n = -1, rc;
    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT CA_FILE\n", argv[0]);
        return 2;
    }
    fd = tcp_connect(atoi(argv[1]));
    if (fd < 0 || ql_ssl_conf_init(&conf) != QL_SSL_SUCCESS) {
        printf("min_client: no connection\n");
        return 1;
    }
    rc = ql_ssl_conf_set(&conf, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER);
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT, (char *[]){argv[2]}, 1);
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_new(&ctx);
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_setup(&ctx, &conf);
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_set_hostname(&ctx, "localhost");
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_set_socket_fd(&ctx, fd);
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_handshake(&ctx);
    if (rc == QL_SSL_SUCCESS)
        rc = ql_ssl_write(&ctx, (const unsigned char *)request, sizeof request - 1);
    if (rc > 0)
        n = ql_ssl_read(&ctx, (unsigned char *)line, sizeof line - 1);
    line[n > 0 ? n : 0] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    printf("min_client: %s\n", n > 0 ? line : "no answer");
    ql_ssl_free(&ctx);
    ql_ssl_conf_free(&conf);
    close(fd);
    return n > 0 && strncmp(line, "HTTP/1.", 7) == 0 ? 0 : 1;
}
