/*
 * ql_log.h - QuecOpen logging on the qlssl host runtime: lines go to stderr as
 *   [   12.345] I ql_SSL     function:line message
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * $QLRT_LOG_LEVEL (VERBOSE, DEBUG, INFO, WARN, ERROR or 0..4; default DEBUG) hides lower
 * levels. A line logged at QL_LOG_LEVEL_ERROR marks the run as failed (see the runner's
 * success criterion), whatever the level filter.
 */
#ifndef QL_LOG_H
#define QL_LOG_H

#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    QL_LOG_LEVEL_VERBOSE = 0,
    QL_LOG_LEVEL_DEBUG = 1,
    QL_LOG_LEVEL_INFO = 2,
    QL_LOG_LEVEL_WARN = 3,
    QL_LOG_LEVEL_ERROR = 4,
    QL_LOG_LEVEL_NONE = 5
} ql_log_level_e;

/** Backend of QL_LOG / QL_LOG_PUSH (level -1 = push: always printed, never an error). */
void ql_log_printf(int level, const char *tag, const char *func, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/** QL_LOG(level, tag, fmt, ...): log one line at `level` under `tag`. */
#define QL_LOG(level, tag, ...) ql_log_printf((int)(level), (tag), __func__, __LINE__, __VA_ARGS__)
/** QL_LOG_PUSH(tag, fmt, ...): log one line unconditionally (the SDK's direct push). */
#define QL_LOG_PUSH(tag, ...) ql_log_printf(-1, (tag), __func__, __LINE__, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* QL_LOG_H */
