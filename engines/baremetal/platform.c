/* Bare-metal size probe: the few platform functions both probe clients expect (socket I/O, entropy,
 * clock, a CA certificate), trivial: they are never run. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

const unsigned char probe_ca[] = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
size_t probe_ca_len = sizeof probe_ca;
int probe_send(void *ctx, const unsigned char *buf, size_t len) { (void)ctx; (void)buf; return (int)len; }
int probe_recv(void *ctx, unsigned char *buf, size_t len) { (void)ctx; memset(buf, 0, len); return (int)len; }
int probe_entropy(void *ctx, unsigned char *out, size_t len, size_t *olen)
{
    (void)ctx;
    memset(out, 0x5a, len);
    *olen = len;
    return 0;
}
int probe_random(uint8_t *out, size_t len) { memset(out, 0x5a, len); return 0; }
uint64_t probe_unix_time(void) { return 1795000000u; }
