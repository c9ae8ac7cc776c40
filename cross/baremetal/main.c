/*
 * Bare-metal harness for the mbedtls crate check (src/lib.rs): newlib + semihosting
 * (arm-none-eabi-gcc --specs=rdimon.specs), run with qemu-arm. It supplies the hook table a
 * product would fill from its SDK - heap, entropy, log - and reports "N passed, N failed".
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct bm_hooks {
    void *(*alloc)(size_t size, size_t align);
    void (*free)(void *ptr);
    int (*entropy)(unsigned char *buf, size_t len);
    void (*log)(const char *msg, size_t len);
};

int qlssl_bm_run(int *passed);

static void *hook_alloc(size_t size, size_t align)
{
    return align <= 8 ? malloc(size) : memalign(align, size);
}

static void hook_free(void *ptr)
{
    free(ptr);
}

/*
 * TEST ONLY - NOT ENTROPY. A fixed-seed xorshift so the check is repeatable under emulation; a
 * product must connect its TRNG here (QuecOpen: the module's hardware random source).
 */
static int hook_entropy(unsigned char *buf, size_t len)
{
    static uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char)(x >> 32);
    }
    return 0;
}

static void hook_log(const char *msg, size_t len)
{
    fwrite(msg, 1, len, stdout);
}

const struct bm_hooks bm_hooks = {hook_alloc, hook_free, hook_entropy, hook_log};

void bm_panic(const char *msg, size_t len)
{
    fwrite(msg, 1, len, stdout);
    printf("\nbaremetal: 0 passed, 1 failed\n");
    fflush(stdout);
    exit(2);
}

int main(void)
{
    int passed = 0;
    int failed;
    printf("qlssl bare-metal check: mbedtls 0.13.6 (no_std + alloc), armv7a-none-eabi, newlib\n");
    failed = qlssl_bm_run(&passed);
    {
        struct mallinfo mi = mallinfo();
        printf("heap: arena %d bytes, in use at exit %d bytes\n", mi.arena, mi.uordblks);
    }
    printf("baremetal: %d passed, %d failed\n", passed, failed);
    fflush(stdout);
    return failed == 0 ? 0 : 1;
}
