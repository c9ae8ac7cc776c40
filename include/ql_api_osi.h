/*
 * ql_api_osi.h - QuecOpen RTOS API on the qlssl host runtime: tasks are POSIX threads.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * Sleeps are divided by $QLRT_TIME_SCALE (default 1) so long application delays run fast in
 * tests. The runner (runtime/qlrt-run) waits until every task created here has ended.
 */
#ifndef QL_API_OSI_H
#define QL_API_OSI_H

#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Result of every ql_rtos_* call: QL_OSI_SUCCESS or one of the QL_OSI_* errors below. */
typedef int QlOSStatus;

#define QL_OSI_SUCCESS 0
#define QL_OSI_TASK_PARAM_INVALID 0x0301 /* NULL or stale handle, bad argument */
#define QL_OSI_TASK_CREATE_FAIL 0x0302   /* no task slot left or pthread_create failed */
#define QL_OSI_TASK_DELETE_FAIL 0x0303   /* the task has already ended */
#define QL_OSI_NO_MEMORY 0x0304
#define QL_OSI_MUTEX_LOCK_FAIL 0x0305    /* timeout */
#define QL_OSI_SEMA_GET_FAIL 0x0306      /* timeout */

/** Task handle. Handles are never reused within a process; NULL means "the calling task". */
typedef void *ql_task_t;
typedef void *ql_mutex_t;
typedef void *ql_sem_t;

#define QL_WAIT_FOREVER 0xFFFFFFFFU
#define QL_NO_WAIT 0U

/* Task priorities (accepted and logged; host threads all run at the default priority). */
typedef enum {
    APP_PRIORITY_IDLE = 1,
    APP_PRIORITY_LOW = 8,
    APP_PRIORITY_BELOW_NORMAL = 16,
    APP_PRIORITY_NORMAL = 24,
    APP_PRIORITY_ABOVE_NORMAL = 32,
    APP_PRIORITY_HIGH = 40,
    APP_PRIORITY_REALTIME = 48
} ql_app_priority_e;

/**
 * Create a task running task_start(argv) on a new thread. stack_size is the thread's stack
 * (at least 64 KiB is used on the host); priority, event_count are accepted and ignored.
 * *task_ref receives the handle.
 */
QlOSStatus ql_rtos_task_create(ql_task_t *task_ref, uint32 stack_size, uint8 priority, char *task_name,
                               void (*task_start)(void *), void *argv, uint32 event_count);
/**
 * Delete a task. NULL or the caller's own handle ends the calling task at once (does not
 * return). Another task is cancelled at its next blocking call (sleep, select, connect, ...).
 */
QlOSStatus ql_rtos_task_delete(ql_task_t task_ref);
/** The calling task's handle (NULL from a thread the runtime did not create). */
QlOSStatus ql_rtos_task_get_current_ref(ql_task_t *task_ref);
QlOSStatus ql_rtos_task_yield(void);
/** Sleep; the time is divided by $QLRT_TIME_SCALE. */
QlOSStatus ql_rtos_task_sleep_ms(uint32 ms);
QlOSStatus ql_rtos_task_sleep_s(uint32 s);
/** Milliseconds since the runtime started (not scaled). */
uint32 ql_rtos_get_system_tick(void);

/* Mutexes and counting semaphores; timeouts in ms (QL_WAIT_FOREVER / QL_NO_WAIT), scaled. */
QlOSStatus ql_rtos_mutex_create(ql_mutex_t *mutex_ref);
QlOSStatus ql_rtos_mutex_lock(ql_mutex_t mutex_ref, uint32 timeout);
QlOSStatus ql_rtos_mutex_try_lock(ql_mutex_t mutex_ref);
QlOSStatus ql_rtos_mutex_unlock(ql_mutex_t mutex_ref);
QlOSStatus ql_rtos_mutex_delete(ql_mutex_t mutex_ref);
QlOSStatus ql_rtos_semaphore_create(ql_sem_t *sema_ref, uint32 init_count);
QlOSStatus ql_rtos_semaphore_wait(ql_sem_t sema_ref, uint32 timeout);
QlOSStatus ql_rtos_semaphore_release(ql_sem_t sema_ref);
QlOSStatus ql_rtos_semaphore_delete(ql_sem_t sema_ref);

#ifdef __cplusplus
}
#endif

#endif /* QL_API_OSI_H */
