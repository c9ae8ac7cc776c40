/*
 * scripts/glibc_floor.sh's check of scripts/weak_verneed.py on a real older glibc (2.31). The shared
 * object refers weakly to close_range() (glibc 2.34) and gettid() (glibc 2.30): linked on a newer
 * glibc it needs GLIBC_2.34 and GLIBC_2.30 through weak references only, as libqlssl.so needs
 * GLIBC_2.30 for Rust std's weak gettid(). As linked, glibc 2.31's loader refuses it; with those
 * versions dropped it loads silently, close_range is absent (NULL) and gettid, which 2.31 has, is
 * found. The program (built against glibc 2.31) prints what it saw.
 */
#ifdef WEAK_PROBE_LIB
#include <sys/types.h>
#include <unistd.h>

extern int close_range(unsigned int first, unsigned int last, int flags) __attribute__((weak));
extern pid_t gettid(void) __attribute__((weak));

/* Bit 0: close_range resolved; bit 1: gettid resolved and answering. The getpid() call is a strong
 * reference too, as libqlssl.so has many: with only weak ones the linker may leave libc.so.6 out of
 * the needed libraries and the weak symbols unversioned. */
int weak_probe_found(void)
{
    return (close_range != 0) | (gettid != 0 && gettid() == getpid()) << 1;
}
#else
#include <stdio.h>

int weak_probe_found(void);

int main(void)
{
    int found = weak_probe_found();
    printf("weak probe loaded: close_range %s, gettid %s\n", found & 1 ? "present" : "absent",
           found & 2 ? "present" : "absent");
    return 0;
}
#endif
