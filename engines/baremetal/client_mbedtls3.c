/* Bare-metal size probe (engines/baremetal_size.sh): the mbedtls 3.6 calls a verifying TLS client
 * makes (DRBG, CA parsing, config, context, handshake, read/write, close), linked with
 * --gc-sections so the image holds what such a client pulls in. Never run: size only. */
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

extern int probe_send(void *ctx, const unsigned char *buf, size_t len);
extern int probe_recv(void *ctx, unsigned char *buf, size_t len);
extern int probe_entropy(void *ctx, unsigned char *out, size_t len, size_t *olen);
extern const unsigned char probe_ca[];
extern size_t probe_ca_len;

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *c, uint8_t *out, size_t len,
                                             size_t *olen)
{
    (void)c;
    return probe_entropy(NULL, out, len, olen) == 0 ? PSA_SUCCESS : PSA_ERROR_INSUFFICIENT_ENTROPY;
}

int main(void)
{
    static mbedtls_entropy_context entropy;
    static mbedtls_ctr_drbg_context drbg;
    static mbedtls_x509_crt ca;
    static mbedtls_ssl_config conf;
    static mbedtls_ssl_context ssl;
    unsigned char buf[64];
    int fd = 0;
    psa_crypto_init();
    mbedtls_entropy_init(&entropy);
    mbedtls_entropy_add_source(&entropy, probe_entropy, NULL, 32, MBEDTLS_ENTROPY_SOURCE_STRONG);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0);
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_parse(&ca, probe_ca, probe_ca_len);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_setup(&ssl, &conf);
    mbedtls_ssl_set_hostname(&ssl, "localhost");
    mbedtls_ssl_set_bio(&ssl, &fd, probe_send, probe_recv, NULL);
    mbedtls_ssl_handshake(&ssl);
    mbedtls_ssl_write(&ssl, (const unsigned char *)"GET /\r\n", 7);
    mbedtls_ssl_read(&ssl, buf, sizeof buf);
    mbedtls_ssl_close_notify(&ssl);
    mbedtls_ssl_free(&ssl);
    return 0;
}
