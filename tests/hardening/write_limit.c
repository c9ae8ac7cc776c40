/*
 * REGRESSION TEST FOR AN OPEN LIBRARY DEFECT (documentation vs behaviour) - fails until fixed.
 *
 * ql_ssl.h, ql_ssl_write: "returns how many were taken (may be fewer than len: at most one record
 * of 16 KiB per call)". With TLS 1.0 and a CBC suite mbedtls splits records 1/n-1 (BEAST
 * countermeasure, MBEDTLS_SSL_CBC_RECORD_SPLITTING), and one ql_ssl_write call of 20000 bytes
 * takes 16385 (two records: 1 + 16384 bytes). Found by fuzz target hostile_records.
 * Fix either side: cap the length handed to mbedtls_ssl_write at 16384 - 1 when the record would
 * be split (or always at 16383), or document "at most 16 KiB + 1 byte".
 * The echo afterwards also checks that the data arrive intact either way.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hsupport.h"

#define LEN 20000

int main(void)
{
    h_peer server;
    ql_ssl_config conf;
    ql_ssl_context ctx;
    static unsigned char out[LEN], in[LEN];
    size_t done = 0, got = 0;
    int fd, first = -1;

    h_init(60);
    h_tls_server_start(&server, h_pki("rsa_server.pem"), h_pki("rsa_server.key"), "ECDHE-RSA-AES128-SHA");
    h_conf_verifying(&conf, h_pki("rsa_ca.pem"), 5);
    H_CHECK_RC(ql_ssl_conf_set(&conf, QL_SSL_CONF_VERSION, QL_SSL_VERSION_1), QL_SSL_SUCCESS);
    fd = h_connect(server.port);
    H_CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_setup(&ctx, &conf), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_handshake(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_get_ciphersuite(&ctx), QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA);
    for (size_t i = 0; i < LEN; i++) {
        out[i] = (unsigned char)(i * 13);
    }
    H_CHECK_RC(h_send_cmd(&ctx, 'E', LEN), 9);
    while (done < LEN) {
        int r = ql_ssl_write(&ctx, out + done, LEN - done);
        H_CHECK(r > 0, "write returned %d (%s)", r, h_rc_name(r));
        if (first < 0) {
            first = r;
        }
        done += (size_t)r;
    }
    while (got < LEN) {
        int r = ql_ssl_read(&ctx, in + got, LEN - got);
        H_CHECK(r > 0, "read returned %d (%s)", r, h_rc_name(r));
        got += (size_t)r;
    }
    H_CHECK(memcmp(in, out, LEN) == 0, "echo differs");
    printf("TLS 1.0 CBC: the first ql_ssl_write(%d bytes) took %d\n", LEN, first);
    H_CHECK(first <= 16384, "one ql_ssl_write took %d bytes: more than the documented one 16 KiB record", first);
    H_CHECK_RC(ql_ssl_close_notify(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    H_CHECK_RC(ql_ssl_conf_free(&conf), QL_SSL_SUCCESS);
    close(fd);
    h_peer_stop(&server);
    printf("PASS\n");
    return 0;
}
