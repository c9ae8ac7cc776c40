/*
 * min_client.c on raw mbedtls: the same work (connect, verify against CA_FILE and localhost, GET /,
 * print the status line), compiled against the very mbedtls build libqlssl.a carries (its config.h
 * through MBEDTLS_CONFIG_FILE and its three libraries), for the size comparison of scripts/size.sh.
 *
 * Usage: min_client_mbedtls PORT CA_FILE
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

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
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_net_context net;
    char line[64];
    int n = -1, rc;
    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT CA_FILE\n", argv[0]);
        return 2;
    }
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&ca);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    net.fd = tcp_connect(atoi(argv[1]));
    rc = net.fd < 0 ? -1 : mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0);
    if (rc == 0)
        rc = mbedtls_x509_crt_parse_file(&ca, argv[2]);
    if (rc == 0)
        rc = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc == 0) {
        mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
        mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
        mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
        rc = mbedtls_ssl_setup(&ssl, &conf);
    }
    if (rc == 0)
        rc = mbedtls_ssl_set_hostname(&ssl, "localhost");
    if (rc == 0) {
        mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, mbedtls_net_recv, NULL);
        rc = mbedtls_ssl_handshake(&ssl);
    }
    if (rc == 0)
        rc = mbedtls_ssl_write(&ssl, (const unsigned char *)request, sizeof request - 1);
    if (rc > 0)
        n = mbedtls_ssl_read(&ssl, (unsigned char *)line, sizeof line - 1);
    line[n > 0 ? n : 0] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    printf("min_client_mbedtls: %s\n", n > 0 ? line : "no answer");
    mbedtls_ssl_close_notify(&ssl);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&ca);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    if (net.fd >= 0)
        close(net.fd);
    return n > 0 && strncmp(line, "HTTP/1.", 7) == 0 ? 0 : 1;
}
