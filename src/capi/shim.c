/*
 * The C-variadic half of the API. Stable Rust cannot define variadic functions, so these four read
 * their arguments with va_arg, according to the config type, into a qlssl_va_args record and hand it
 * to typed Rust functions (src/capi/mod.rs). Everything else - validation, storage, errors - is Rust.
 * The exported names ql_ssl_conf_set etc. are Rust naked functions (src/capi/variadic.rs) that jump
 * here with the caller's registers and stack untouched: rustc exports only Rust-defined symbols
 * from a cdylib, and this keeps one definition for both the .so and the .a.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#if defined(__linux__)
#include <malloc.h>
#endif

typedef struct {
    int i;
    int j;
    uint32_t u;
    void *p[5];
    size_t n[2];
} qlssl_va_args;

/*
 * Rust side (src/capi/mod.rs). conf is NULL for the by_id variants, which pass ctx_id instead.
 * Declared hidden: the linker gives a symbol the most restrictive visibility any object declares
 * for it, so these two internal entry points stay out of libqlssl.so's dynamic symbol table
 * (rustc would export them: they are #[no_mangle]). Only the ql_ssl_* API is exported.
 */
#if defined(__GNUC__) || defined(__clang__)
#define QLSSL_INTERNAL __attribute__((visibility("hidden")))
#else
#define QLSSL_INTERNAL
#endif
QLSSL_INTERNAL int qlssl_conf_set_args(void *conf, int by_id, int ctx_id, int type, const qlssl_va_args *args);
QLSSL_INTERNAL int qlssl_conf_get_args(void *conf, int by_id, int ctx_id, int type, const qlssl_va_args *args);
QLSSL_INTERNAL int qlssl_conf_set_by_id_args(void *conf, int by_id, int ctx_id, int type, const qlssl_va_args *args);
QLSSL_INTERNAL int qlssl_conf_get_by_id_args(void *conf, int by_id, int ctx_id, int type, const qlssl_va_args *args);

enum {
    ARGS_NONE, ARGS_INT, ARGS_U32, ARGS_PTR1, ARGS_PTR2, ARGS_PTR3, ARGS_PTR4, ARGS_BUF, ARGS_OWNBUF,
    ARGS_PTR_INT,        /* void *, int              -> p[0], i */
    ARGS_PTR_INT_PTR_INT /* void *, int, void *, int -> p[0], i, p[1], j */
};

/* set_shape(), get_shape() and LAST_TYPE, generated from the config-item table (src/capi/items.rs). */
#include "shim_shapes.h"

static void read_args(int shape, va_list ap, qlssl_va_args *a)
{
    switch (shape) {
    case ARGS_INT: a->i = va_arg(ap, int); a->u = (uint32_t)a->i; break;
    case ARGS_U32: a->u = va_arg(ap, uint32_t); a->i = (int)a->u; break;
    case ARGS_PTR1: a->p[0] = va_arg(ap, void *); break;
    case ARGS_PTR2: a->p[0] = va_arg(ap, void *); a->p[1] = va_arg(ap, void *); break;
    case ARGS_PTR3:
        a->p[0] = va_arg(ap, void *); a->p[1] = va_arg(ap, void *); a->p[2] = va_arg(ap, void *);
        break;
    case ARGS_PTR4:
        a->p[0] = va_arg(ap, void *); a->p[1] = va_arg(ap, void *); a->p[2] = va_arg(ap, void *);
        a->p[3] = va_arg(ap, void *);
        break;
    case ARGS_PTR_INT: a->p[0] = va_arg(ap, void *); a->i = va_arg(ap, int); break;
    case ARGS_PTR_INT_PTR_INT:
        a->p[0] = va_arg(ap, void *); a->i = va_arg(ap, int);
        a->p[1] = va_arg(ap, void *); a->j = va_arg(ap, int);
        break;
    case ARGS_BUF: a->p[0] = va_arg(ap, void *); a->n[0] = va_arg(ap, size_t); break;
    case ARGS_OWNBUF:
        a->p[0] = va_arg(ap, void *); a->n[0] = va_arg(ap, size_t);
        a->p[1] = va_arg(ap, void *); a->n[1] = va_arg(ap, size_t);
        a->p[2] = va_arg(ap, void *);
        break;
    default: break;
    }
}

/*
 * One exported entry point: `first` is its parameter before `type` (the caller's config, or the
 * library-owned config's id); the arguments `type` takes (`shape_of`) are read into a record that
 * goes to `rust` with the config (conf, by_id, ctx_id) it names.
 */
#define QLSSL_SHIM_ENTRY(name, first, conf, by_id, ctx_id, shape_of, rust) \
    int name(first, int type, ...)                                          \
    {                                                                       \
        qlssl_va_args a = {0};                                              \
        va_list ap;                                                         \
        va_start(ap, type);                                                 \
        read_args(shape_of(type), ap, &a);                                  \
        va_end(ap);                                                         \
        return rust(conf, by_id, ctx_id, type, &a);                         \
    }

QLSSL_SHIM_ENTRY(qlssl_shim_conf_set, void *conf, conf, 0, 0, set_shape, qlssl_conf_set_args)
QLSSL_SHIM_ENTRY(qlssl_shim_conf_get, void *conf, conf, 0, 0, get_shape, qlssl_conf_get_args)
QLSSL_SHIM_ENTRY(qlssl_shim_conf_set_by_id, int id, NULL, 1, id, set_shape, qlssl_conf_set_by_id_args)
QLSSL_SHIM_ENTRY(qlssl_shim_conf_get_by_id, int id, NULL, 1, id, get_shape, qlssl_conf_get_by_id_args)

#if defined(__linux__)
/* Linux only: on bare metal the integrator's mem_origin hook answers these questions. */
/*
 * Size of the malloc block at p, for reading an unterminated cipher list without over-reading.
 * Under AddressSanitizer its allocator answers exactly (and safely); otherwise the C library's
 * malloc_usable_size (exact under valgrind, rounded up to the chunk size by glibc).
 */
extern size_t __sanitizer_get_allocated_size(const volatile void *p) __attribute__((weak));
extern int __sanitizer_get_ownership(const volatile void *p) __attribute__((weak));

/*
 * Under ASan with detect_stack_use_after_return, local arrays live on ASan's "fake stack", outside
 * the thread's stack range: ask ASan, so such a list is still recognised as borrowed stack memory.
 */
extern void *__asan_get_current_fake_stack(void) __attribute__((weak));
extern void *__asan_addr_is_in_fake_stack(void *fake_stack, void *addr, void **beg, void **end)
    __attribute__((weak));

int qlssl_on_sanitizer_fake_stack(const void *p)
{
    void *fs;
    if (!__asan_get_current_fake_stack || !__asan_addr_is_in_fake_stack) {
        return 0;
    }
    fs = __asan_get_current_fake_stack();
    return fs != NULL && __asan_addr_is_in_fake_stack(fs, (void *)p, NULL, NULL) != NULL;
}

size_t qlssl_heap_block_size(const void *p)
{
    if (__sanitizer_get_ownership && __sanitizer_get_allocated_size) {
        return __sanitizer_get_ownership(p) ? __sanitizer_get_allocated_size(p) : 0;
    }
    return malloc_usable_size((void *)p);
}
#endif
