/*
 * minimal_client.c on raw mbedtls, for the bare-metal size comparison of scripts/size.sh: the same
 * work (verify the server against ca.crt and localhost, GET /, print the status line) with the
 * mbedtls libraries of the very bare-metal build libqlssl.a carries (its config.h through
 * MBEDTLS_CONFIG_FILE). The platform services come from the same qemu hook table the qlssl client
 * registers (qemu_hooks.c: sockets, the TRNG, the CA file through semihosting), called directly, as
 * an integrator's raw mbedtls port would call its SDK.
 */
#define QLSSL_BAREMETAL 1

#include <stdio.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ssl.h"
#include "mbedtls/threading.h"
#include "mbedtls/x509_crt.h"

#include "qemu_hooks.h"

/* The bare-metal mbedtls build has no entropy module (MBEDTLS_NO_PLATFORM_ENTROPY, no
 * MBEDTLS_ENTROPY_C): the CTR_DRBG is seeded from the TRNG hook directly, as libqlssl does. */
static int trng(void *data, unsigned char *out, size_t len)
{
    (void)data;
    return qemu_hooks.entropy(out, len) == 0 ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

/* Its threading layer (MBEDTLS_THREADING_IMPL) takes the mutex functions from the application,
 * which libqlssl provides over the platform hooks; this program is single-threaded. */
static void mutex_noop(mbedtls_threading_mutex_t *m)
{
    (void)m;
}
static int mutex_ok(mbedtls_threading_mutex_t *m)
{
    (void)m;
    return 0;
}
void (*mbedtls_mutex_init)(mbedtls_threading_mutex_t *) = mutex_noop;
void (*mbedtls_mutex_free)(mbedtls_threading_mutex_t *) = mutex_noop;
int (*mbedtls_mutex_lock)(mbedtls_threading_mutex_t *) = mutex_ok;
int (*mbedtls_mutex_unlock)(mbedtls_threading_mutex_t *) = mutex_ok;

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    int r = qemu_hooks.send(*(int *)ctx, buf, len, 0);
    return r >= 0 ? r : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    int r = qemu_hooks.recv(*(int *)ctx, buf, len, 0);
    return r >= 0 ? r : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

int main(void)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    static unsigned char ca_pem[8192];
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    char line[32];
    int fd, n = -1, rc, len;
    char top;
    qemu_stack_top = (uintptr_t)&top + 256;
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&ca);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    len = qemu_hooks.read_file("ca.crt", ca_pem, sizeof ca_pem - 1);
    fd = tcp_connect(read_port_file("port.txt"));
    rc = len > 0 && fd >= 0 ? 0 : -1;
    if (rc == 0) {
        ca_pem[len] = '\0';
        rc = mbedtls_x509_crt_parse(&ca, ca_pem, (size_t)len + 1);
    }
    if (rc == 0)
        rc = mbedtls_ctr_drbg_seed(&drbg, trng, NULL, NULL, 0);
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
        mbedtls_ssl_set_bio(&ssl, &fd, bio_send, bio_recv, NULL);
        rc = mbedtls_ssl_handshake(&ssl);
    }
    if (rc == 0)
        rc = mbedtls_ssl_write(&ssl, (const unsigned char *)request, sizeof request - 1);
    if (rc > 0)
        n = mbedtls_ssl_read(&ssl, (unsigned char *)line, sizeof line - 1);
    line[n > 0 ? n : 0] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    printf("minimal client (raw mbedtls): %s\n", n > 0 ? line : "no answer");
    if (n <= 0) {
        printf("minimal client (raw mbedtls): failed with -0x%04x\n", (unsigned)-rc);
    }
    mbedtls_ssl_close_notify(&ssl);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&ca);
    mbedtls_ctr_drbg_free(&drbg);
    if (fd >= 0)
        sock_close(fd);
    return n > 0 && strncmp(line, "HTTP/1.", 7) == 0 ? 0 : 1;
}
