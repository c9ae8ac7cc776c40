/*
 * The mbedtls-sys-auto build sets MBEDTLS_PLATFORM_PRINTF_MACRO to mbedtls_printf, which the Rust
 * crate supplies; a plain C program linking the same .a files supplies it here (it is only reached
 * by self-tests and debug file dumps, never by the benchmark).
 */
#include <stdarg.h>
#include <stdio.h>

int mbedtls_printf(const char *fmt, ...);

int mbedtls_printf(const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = vprintf(fmt, ap);
    va_end(ap);
    return r;
}
