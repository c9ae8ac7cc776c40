/*
 * The QuecOpen device API on Linux (ql_api_dev.h): the random source. Part of the qlssl SDK host
 * runtime: see docs/RUNTIME.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "ql_api_dev.h"
#include "qlrt_internal.h"

uint32_t ql_dev_get_sys_srand(void)
{
    uint32_t r = 0;
    unsigned char *p = (unsigned char *)&r;
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = getrandom(p + got, sizeof r - got, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* The kernel's generator does not fail once seeded; a module without randomness
             * would be a broken module, so the runtime stops rather than return a constant. */
            qlrt_logf(QLRT_LV_ERROR, "ql_dev_get_sys_srand: getrandom failed");
            abort();
        }
        got += (size_t)n;
    }
    return r;
}
