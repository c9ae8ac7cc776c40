/*
 * leakprobe.c - built by runtime_tests.sh as libqlssl-leakprobe.so for the verdict-asan test: its
 * function allocates a block and drops the only pointer to it, so LeakSanitizer reports a leak
 * whose allocating module is a libqlssl* library - the case the runner must treat as the
 * library's (qlssl itself keeps every allocation reachable, so it cannot be made to leak on
 * purpose). Returns nonzero so the caller has a value to print.
 */
#include <stdlib.h>
#include <string.h>

void *qlssl_leakprobe_leak(size_t n);

void *qlssl_leakprobe_leak(size_t n)
{
    void *volatile p = malloc(n);
    if (p) memset(p, 0xa5, n);
    return (void *)(size_t)(p != NULL);
}
