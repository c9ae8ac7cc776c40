/*
 * qlrt_main.c - main() of an application built with the host runtime (linked by qlrt-run).
 *
 * Calls the application's init function ($QLRT_INIT, default ql_ssl_app_init; found with
 * dlsym, so the executable is linked with -rdynamic), waits until every task has ended
 * (at most $QLRT_TIMEOUT seconds, default 600), prints one summary line and exits with:
 *   0  success: init returned 0, every task ended, no ERROR-level log line,
 *      no qlrt_report_failure(), no refused destination
 *   1  the application failed: init returned non-zero (unless $QLRT_IGNORE_INIT_RESULT=1),
 *      an ERROR-level log line, or qlrt_report_failure()
 *   2  timeout: tasks were still running after $QLRT_TIMEOUT seconds
 *   3  only refused destinations (the network rule blocked a non-loopback destination)
 *   4  setup error (init function not found, bad arguments, a bad $QLRT_FAULTS)
 * With $QLRT_DURATION=S (for apps whose tasks run forever, like the SDK's osi_demo) the run ends
 * after S seconds: tasks still running then are not a timeout, and the verdict is the others'.
 * A run the runtime stops early (qlrt_request_stop: the software watchdog expired) fails (1).
 * $QLRT_FAULTS schedules fault injection (faults.c) from the init call on.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qlrt_internal.h"

int main(int argc, char **argv)
{
    const char *init = getenv("QLRT_INIT");
    const char *tos = getenv("QLRT_TIMEOUT");
    const char *ign = getenv("QLRT_IGNORE_INIT_RESULT");
    const char *dur = getenv("QLRT_DURATION");
    const char *stopped;
    double timeout = 600, duration = 0;
    void *sym;
    int (*init_fn)(void);
    int init_rc, alive, code;
    unsigned created, ended, nalive, errors, failures, refused;
    const char *result;

    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: %s   (configured by QLRT_* environment variables, see docs/RUNTIME.md)\n", argv[0]);
        return 0;
    }
    if (init == NULL || *init == '\0') init = "ql_ssl_app_init";
    if (tos && *tos) {
        char *end;
        timeout = strtod(tos, &end);
        if (*end != '\0' || !(timeout > 0 && timeout <= 86400)) {
            fprintf(stderr, "qlrt: QLRT_TIMEOUT='%s' not understood (want 0 < seconds <= 86400)\n", tos);
            return 4;
        }
    }
    if (dur && *dur) {
        char *end;
        duration = strtod(dur, &end);
        if (*end != '\0' || !(duration > 0 && duration <= 86400)) {
            fprintf(stderr, "qlrt: QLRT_DURATION='%s' not understood (want 0 < seconds <= 86400)\n", dur);
            return 4;
        }
    }
    signal(SIGPIPE, SIG_IGN); /* lwIP raises no SIGPIPE */
    sym = dlsym(RTLD_DEFAULT, init);
    if (sym == NULL) {
        fprintf(stderr,
                "qlrt: init function '%s' not found (is it defined, non-static, and the program linked "
                "with -rdynamic?)\n",
                init);
        return 4;
    }
    qlrt_route_qlssl_log();
    qlrt_logf(QLRT_LV_INFO, "calling %s() (time scale %g, timeout %g s)", init, qlrt_time_scale(), timeout);
    *(void **)(&init_fn) = sym;
    if (qlrt_faults_start() != 0) return 4;
    init_rc = init_fn();
    if (init_rc != 0 && !(ign && strcmp(ign, "1") == 0))
        qlrt_logf(QLRT_LV_ERROR, "%s() returned %d", init, init_rc);
    alive = qlrt_wait_tasks(duration > 0 && duration < timeout ? duration : timeout);
    stopped = qlrt_stop_reason();
    if (stopped) qlrt_logf(QLRT_LV_WARN, "run stopped early: %s", stopped);
    else if (alive > 0 && duration > 0 && duration < timeout)
        qlrt_logf(QLRT_LV_INFO, "QLRT_DURATION=%g s reached with %d task(s) running: ending the run", duration, alive);
    qlrt_task_counts(&created, &ended, &nalive);
    qlrt_log_counts(&errors, &failures, &refused);
    if (stopped) {
        code = 1;
        result = "FAIL";
    } else if (alive > 0 && !(duration > 0 && duration < timeout)) {
        code = 2;
        result = "TIMEOUT";
    } else if (errors > 0 || failures > 0) {
        code = 1;
        result = "FAIL";
    } else if (refused > 0) {
        code = 3;
        result = "REFUSED";
    } else {
        code = 0;
        result = "OK";
    }
    qlrt_faults_report();
    fprintf(stderr,
            "qlrt: summary: result=%s exit=%d init=%s init_rc=%d tasks_created=%u tasks_ended=%u tasks_running=%u "
            "errors=%u failures=%u refused=%u elapsed=%.2fs time_scale=%g\n",
            result, code, init, init_rc, created, ended, nalive, errors, failures, refused, qlrt_elapsed_s(),
            qlrt_time_scale());
    fflush(stderr);
    fflush(stdout);
    if (alive > 0) _exit(code); /* tasks still run: do not run exit handlers under them */
    return code;
}
