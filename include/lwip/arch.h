/*
 * lwip/arch.h - lwIP's basic integer types, for the qlssl SDK host runtime (docs/RUNTIME.md).
 */
#ifndef QLRT_LWIP_ARCH_H
#define QLRT_LWIP_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <unistd.h> /* settles the C library's own socklen_t typedef before the macro below */

typedef uint8_t u8_t;
typedef int8_t s8_t;
typedef uint16_t u16_t;
typedef int16_t s16_t;
typedef uint32_t u32_t;
typedef int32_t s32_t;
typedef uintptr_t mem_ptr_t;
/** lwIP error code (lwip/err.h): 0 = ERR_OK, negative = error. */
typedef s8_t err_t;

#define ERR_OK 0
#define ERR_MEM -1
#define ERR_TIMEOUT -3
#define ERR_VAL -6
#define ERR_CONN -11
#define ERR_ARG -16

/*
 * The SDK's lwIP port makes socklen_t a macro for int (its arch.h), and SDK code relies on it:
 * the demos pass an `int *` length to getsockopt(). The C library's typedef (unsigned) cannot be
 * redeclared, so the name is a macro here too. glibc declares its typedef only once, guarded by
 * __socklen_t_defined, which <unistd.h> above has already set, so system headers included later
 * do not see the macro in a declaration.
 */
#ifndef socklen_t
#define socklen_t int
#endif

#ifndef LWIP_UNUSED_ARG
#define LWIP_UNUSED_ARG(x) (void)(x)
#endif

#endif /* QLRT_LWIP_ARCH_H */
