/*
 * The QuecOpen device API on Linux (ql_api_dev.h): the random source; and the RTC's read
 * (ql_api_rtc.h), from the system clock. Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

#include "ql_api_dev.h"
#include "ql_api_rtc.h"
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

ql_errcode_rtc_e ql_rtc_get_time(ql_rtc_time_t *tm)
{
    struct tm utc;
    time_t now = time(NULL);
    if (tm == NULL || gmtime_r(&now, &utc) == NULL) {
        return QL_RTC_INVALID_PARAM_ERR;
    }
    tm->tm_sec = utc.tm_sec;
    tm->tm_min = utc.tm_min;
    tm->tm_hour = utc.tm_hour;
    tm->tm_mday = utc.tm_mday;
    tm->tm_mon = utc.tm_mon + 1;
    tm->tm_year = utc.tm_year + 1900;
    tm->tm_wday = utc.tm_wday;
    return QL_RTC_SUCCESS;
}
