/* Bare-metal size probe (engines/baremetal_size.sh): the rustls no_std probe's entry point, which
 * builds a verifying client configuration and a connection and encodes its ClientHello (the
 * handshake, verifier, record layer and ring's primitives are reachable from it), linked with
 * --gc-sections. Never run: size only. */
#include <stddef.h>
#include <stdint.h>

extern int probe_client_hello(const uint8_t *ca_der, size_t ca_len, uint8_t *out, size_t out_len);
extern const unsigned char probe_ca[];
extern size_t probe_ca_len;

int main(void)
{
    static uint8_t hello[1024];
    return probe_client_hello(probe_ca, probe_ca_len, hello, sizeof hello) > 0 ? 0 : 1;
}
