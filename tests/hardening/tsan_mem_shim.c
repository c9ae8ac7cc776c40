/*
 * Newer LLVM (the nightly rustc that builds the ThreadSanitizer variant of libqlssl, scripts/soak.sh)
 * emits calls to __tsan_memcpy/__tsan_memmove/__tsan_memset, which GCC's older libtsan runtime does
 * not export. These forward to the C library functions, which libtsan intercepts (so the accesses
 * are still checked). Compile this file WITHOUT -fsanitize=thread.
 */
#include <stddef.h>
#include <string.h>

void *__tsan_memcpy(void *dst, const void *src, size_t n);
void *__tsan_memmove(void *dst, const void *src, size_t n);
void *__tsan_memset(void *dst, int c, size_t n);

void *__tsan_memcpy(void *dst, const void *src, size_t n)
{
    return memcpy(dst, src, n);
}

void *__tsan_memmove(void *dst, const void *src, size_t n)
{
    return memmove(dst, src, n);
}

void *__tsan_memset(void *dst, int c, size_t n)
{
    return memset(dst, c, n);
}
