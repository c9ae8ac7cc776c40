/*
 * libmalloc_count.so: an LD_PRELOAD heap counter for the benchmarks. Wraps malloc, calloc, realloc,
 * free and the aligned allocators (glibc's __libc_* entry points underneath), counting live bytes
 * by malloc_usable_size(), the peak of live bytes and the number of allocation calls. The program
 * queries it through dlsym(RTLD_DEFAULT, "mc_query") / "mc_reset_peak", so it runs unchanged
 * without it. The same accounting applies to every client, so the figures compare fairly
 * (usable size includes the allocator's rounding; glibc's per-chunk header is not counted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static _Atomic size_t g_live, g_peak, g_calls;

static void add(void *p)
{
    if (p != NULL) {
        size_t now = atomic_fetch_add(&g_live, malloc_usable_size(p)) + malloc_usable_size(p);
        size_t peak = atomic_load(&g_peak);
        while (now > peak && !atomic_compare_exchange_weak(&g_peak, &peak, now)) {
        }
        atomic_fetch_add(&g_calls, 1);
    }
}

static void sub(void *p)
{
    if (p != NULL) {
        atomic_fetch_sub(&g_live, malloc_usable_size(p));
    }
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    add(p);
    return p;
}

void *calloc(size_t a, size_t b)
{
    void *p = __libc_calloc(a, b);
    add(p);
    return p;
}

void *realloc(void *old, size_t n)
{
    size_t old_size = old ? malloc_usable_size(old) : 0;
    void *p = __libc_realloc(old, n);
    if (p != NULL || n == 0) {
        atomic_fetch_sub(&g_live, old_size);
        add(p);
    }
    return p;
}

void free(void *p)
{
    sub(p);
    __libc_free(p);
}

void *memalign(size_t align, size_t n)
{
    void *p = __libc_memalign(align, n);
    add(p);
    return p;
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p;
    if (align < sizeof(void *) || (align & (align - 1)) != 0) {
        return EINVAL;
    }
    p = memalign(align, n);
    if (p == NULL) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}

void mc_query(size_t *live, size_t *peak, size_t *calls)
{
    *live = atomic_load(&g_live);
    *peak = atomic_load(&g_peak);
    *calls = atomic_load(&g_calls);
}

void mc_reset_peak(void)
{
    atomic_store(&g_peak, atomic_load(&g_live));
}
