/*
 * qlrt.h - extensions of the qlssl SDK host runtime that do not exist on the module.
 * See docs/RUNTIME.md. Code meant to run on the module too should not need them: the run's
 * result is also judged from ERROR-level logs and task completion.
 */
#ifndef QLRT_H
#define QLRT_H

#ifdef __cplusplus
extern "C" {
#endif

/** Mark the run as failed (the runner exits 1) and log the reason at ERROR level. */
void qlrt_report_failure(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/** The time-scale factor in force ($QLRT_TIME_SCALE, default 1). */
double qlrt_time_scale(void);

#ifdef __cplusplus
}
#endif

#endif /* QLRT_H */
