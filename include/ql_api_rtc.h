/*
 * ql_api_rtc.h - the QuecOpen RTC API subset the qlssl host runtime implements: reading the
 * clock (what the port layer's unix_time hook uses), for Linux. Prototype, type and error values
 * are the SDK's (components/ql-kernel/inc/ql_api_rtc.h). Part of the qlssl SDK host runtime: see
 * docs/RUNTIME.md.
 */
#ifndef QL_API_RTC_H
#define QL_API_RTC_H

#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    QL_RTC_SUCCESS = QL_SUCCESS,
    QL_RTC_INVALID_PARAM_ERR = 1 | (QL_COMPONENT_BSP_RTC << 16),
} ql_errcode_rtc_e;

/* Calendar time as the SDK counts it: month 1-12, full year (2000-2100), weekday 0 = Sunday. */
typedef struct ql_rtc_time_struct {
    int tm_sec;
    int tm_min;
    int tm_hour;
    int tm_mday;
    int tm_mon;
    int tm_year;
    int tm_wday;
} ql_rtc_time_t;

/* The RTC's time (UTC; the host runtime: the system clock). */
ql_errcode_rtc_e ql_rtc_get_time(ql_rtc_time_t *tm);

#ifdef __cplusplus
}
#endif

#endif
