/*
 * https_get - a minimal HTTPS client on the QuecOpen ql_ssl_* API (libqlssl).
 *
 * Connects a TCP socket to 127.0.0.1:PORT, verifies the server against CA_FILE for the host name
 * "localhost", sends "GET / HTTP/1.0", prints the response, and exits 0 only if an HTTP response
 * arrived.
 *
 *   usage: https_get PORT CA_FILE
 *   build: cc -std=c99 -Iinclude c_examples/https_get.c -Ltarget/release -lqlssl \
 *             -Wl,-rpath,$PWD/target/release -o https_get
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ql_ssl.h"

static int fail(const char *step, int rc)
{
    char why[256] = "";
    ql_ssl_last_error(why, sizeof why);
    fprintf(stderr, "https_get: %s failed: %d%s%s\n", step, rc, why[0] ? ": " : "", why);
    return rc;
}

static int connect_loopback(int port)
{
    struct sockaddr_in addr;
    struct timeval limit = {10, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("https_get: socket");
        return -1;
    }
    /* A server that stops talking cannot hang the read loop: recv gives up after 10 s. */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("https_get: connect");
        close(fd);
        return -1;
    }
    return fd;
}

/* The TLS part: every ql_ssl_* call in the order an SDK application makes them. */
static int https_get(int fd, const char *ca_file, char head[8], size_t *received)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    unsigned char buf[512];
    ql_ssl_config cfg;
    ql_ssl_context ctx;
    size_t sent = 0;
    int rc;

    *received = 0;
    if ((rc = ql_ssl_conf_init(&cfg)) != QL_SSL_SUCCESS) {
        return fail("ql_ssl_conf_init", rc);
    }
    if ((rc = ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, (char *[]){(char *)ca_file}, 1)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_conf_set(&cfg, QL_SSL_CONF_HS_TIMEOUT, 10)) != QL_SSL_SUCCESS) {
        ql_ssl_conf_free(&cfg);
        return fail("ql_ssl_conf_set", rc);
    }
    if ((rc = ql_ssl_new(&ctx)) != QL_SSL_SUCCESS) {
        ql_ssl_conf_free(&cfg);
        return fail("ql_ssl_new", rc);
    }
    if ((rc = ql_ssl_set_socket_fd(&ctx, fd)) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_set_hostname(&ctx, "localhost")) != QL_SSL_SUCCESS ||
        (rc = ql_ssl_setup(&ctx, &cfg)) != QL_SSL_SUCCESS) {
        fail("context setup", rc);
        goto out;
    }
    if ((rc = ql_ssl_handshake(&ctx)) != QL_SSL_SUCCESS) {
        fail("ql_ssl_handshake", rc);
        goto out;
    }
    fprintf(stderr, "https_get: handshake done, cipher suite 0x%04X\n", (unsigned)ql_ssl_get_ciphersuite(&ctx));

    while (sent < sizeof request - 1) {
        rc = ql_ssl_write(&ctx, (const unsigned char *)request + sent, sizeof request - 1 - sent);
        if (rc <= 0) {
            fail("ql_ssl_write", rc);
            goto out;
        }
        sent += (size_t)rc;
    }

    /* Read until the server closes (0) or an error; the loop ends on its own either way. */
    for (;;) {
        rc = ql_ssl_read(&ctx, buf, sizeof buf);
        if (rc <= 0) {
            break;
        }
        for (int i = 0; i < rc && *received + (size_t)i < 7; i++) {
            head[*received + (size_t)i] = (char)buf[i];
        }
        fwrite(buf, 1, (size_t)rc, stdout);
        *received += (size_t)rc;
    }
    if (rc < 0) {
        fail("ql_ssl_read", rc);
    }
    rc = ql_ssl_close_notify(&ctx); /* the server may already be gone: not an error here */
    if (rc != QL_SSL_SUCCESS) {
        fprintf(stderr, "https_get: close_notify: %d (server already closed)\n", rc);
    }
    rc = QL_SSL_SUCCESS;
out:
    ql_ssl_free(&ctx);
    ql_ssl_conf_free(&cfg);
    return rc;
}

int main(int argc, char **argv)
{
    char head[8] = "";
    size_t received = 0;
    int port, fd, rc;

    if (argc != 3 || (port = atoi(argv[1])) <= 0 || port > 65535) {
        fprintf(stderr, "usage: %s PORT CA_FILE\n", argv[0]);
        return 2;
    }
    fd = connect_loopback(port);
    if (fd < 0) {
        return 1;
    }
    /* The response is printed as it arrives; success means it began like an HTTP response. */
    rc = https_get(fd, argv[2], head, &received);
    close(fd);
    fflush(stdout);
    if (rc != QL_SSL_SUCCESS || strncmp(head, "HTTP/", 5) != 0) {
        fprintf(stderr, "https_get: no HTTP response\n");
        return 1;
    }
    return 0;
}
