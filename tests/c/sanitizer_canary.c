/*
 * Deliberate bugs, registered only in the sanitizer build: the tests pass only if the sanitizer
 * reports them, so the suite fails if -fsanitize=... were silently missing.
 *   asan   heap buffer overflow by one byte -> "AddressSanitizer: heap-buffer-overflow"
 *   ubsan  signed integer overflow          -> "runtime error: signed integer overflow"
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "asan") == 0) {
        volatile size_t n = 8;
        char *p = malloc(n);
        if (p == NULL) {
            return 2;
        }
        p[n] = 'x'; /* one past the end */
        printf("wrote past the end without a report: %c\n", p[n]);
        free(p);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "ubsan") == 0) {
        volatile int big = INT_MAX;
        int r = big + 1; /* signed overflow */
        printf("overflowed without a report: %d\n", r);
        return 0;
    }
    fprintf(stderr, "usage: %s asan|ubsan\n", argv[0]);
    return 2;
}
