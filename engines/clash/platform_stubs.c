/* Symbol clash test, step 3: what the two libraries expect from their Rust wrappers, supplied for a
 * C-only link (mbedtls-sys-auto's printf for 2.28's self tests; 3.6's PSA random source). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int mbedtls_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int mbedtls_psa_external_get_random(void *ctx, uint8_t *out, size_t len, size_t *olen)
{
    (void)ctx;
    (void)out;
    (void)len;
    *olen = 0;
    return -148; /* PSA_ERROR_INSUFFICIENT_ENTROPY: never called by this test */
}
