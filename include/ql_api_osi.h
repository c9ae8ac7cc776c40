/*
 * ql_api_osi.h - QuecOpen RTOS API on the qlssl host runtime: tasks are POSIX threads.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * Every type, constant and prototype here is the SDK's (components/ql-kernel/inc/ql_api_osi.h and
 * the ql_osi_def.h it includes), so SDK code builds unchanged with -Wall -Werror. Only the calls
 * the runtime implements are declared; the rest of the SDK's OSI surface (queues, timers, event
 * groups, ...) is not provided yet.
 *
 * Sleeps are divided by $QLRT_TIME_SCALE (default 1) so long application delays run fast in
 * tests. The runner (runtime/qlrt-run) waits until every task created here has ended.
 */
#ifndef QL_API_OSI_H
#define QL_API_OSI_H

#include <stdio.h> /* the SDK header pulls these in; apps rely on it */
#include <stdbool.h>
#include <stdint.h>

#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- from the SDK's ql_osi_def.h */

/* Task priorities. Accepted and logged; host threads all run at the default priority. */
typedef enum {
    APP_PRIORITY_IDLE = 1,
    APP_PRIORITY_LOW = 4,
    APP_PRIORITY_BELOW_NORMAL = 8,
    APP_PRIORITY_NORMAL = 12,
    APP_PRIORITY_ABOVE_NORMAL = 16,
    APP_PRIORITY_HIGH = 25,
    APP_PRIORITY_REALTIME = 30
} APP_ThreadPriority_e;

/* Result codes of the ql_rtos_* calls: QL_COMPONENT_OSI in the high 16 bits (so as an int they
 * are negative), the detail in the low 16. The runtime returns QL_OSI_TASK_PARAM_INVALID for a
 * NULL, stale or garbage handle, QL_OSI_TASK_CREATE_FAIL when no task slot is left or
 * pthread_create fails, QL_OSI_TASK_DELETE_FAIL for a task that has already ended,
 * QL_OSI_NO_MEMORY, and QL_OSI_MUTEX_LOCK_FAIL / QL_OSI_SEMA_GET_FAIL on timeout. */
typedef enum {
    QL_OSI_SUCCESS = 0,

    QL_OSI_TASK_PARAM_INVALID = 1 | (QL_COMPONENT_OSI << 16),
    QL_OSI_TASK_CREATE_FAIL,
    QL_OSI_NO_MEMORY,
    QL_OSI_TASK_DELETE_FAIL,
    QL_OSI_TASK_PRIO_INVALID,
    QL_OSI_TASK_NAME_INVALID,
    QL_OSI_TASK_EVENT_COUNT_INVALID,
    QL_OSI_INVALID_TASK_REF,
    QL_OSI_TASK_CNT_REACH_MAX,
    QL_OSI_TASK_BIND_EVENT_FAIL,
    QL_OSI_TASK_UNBIND_EVENT_FAIL,
    QL_OSI_TASK_GET_REF_FAIL,
    QL_OSI_TASK_GET_PRIO_FAIL,
    QL_OSI_TASK_SET_PRIO_FAIL,
    QL_OSI_TASK_GET_STATUS_FAIL,
    QL_OSI_TASK_HAS_BINDED_TIMER,

    QL_OSI_QUEUE_CREATE_FAIL = 50 | (QL_COMPONENT_OSI << 16),
    QL_OSI_QUEUE_DELETE_FAIL,
    QL_OSI_QUEUE_IS_FULL,
    QL_OSI_QUEUE_RELEASE_FAIL,
    QL_OSI_QUEUE_RECEIVE_FAIL,
    QL_OSI_QUEUE_GET_CNT_FAIL,
    QL_OSI_QUEUE__FAIL,

    QL_OSI_SEMA_CREATE_FAILE = 100 | (QL_COMPONENT_OSI << 16), /* sic */
    QL_OSI_SEMA_DELETE_FAIL,
    QL_OSI_SEMA_IS_FULL,
    QL_OSI_SEMA_RELEASE_FAIL,
    QL_OSI_SEMA_GET_FAIL,
    QL_OSI_SEMA__FAIL,

    QL_OSI_MUTEX_CREATE_FAIL = 150 | (QL_COMPONENT_OSI << 16),
    QL_OSI_MUTEX_DELETE_FAIL,
    QL_OSI_MUTEX_LOCK_FAIL,
    QL_OSI_MUTEX_UNLOCK_FAIL,

    QL_OSI_EVENT_SEND_FAIL = 200 | (QL_COMPONENT_OSI << 16),
    QL_OSI_EVENT_GET_FAIL,
    QL_OSI_EVENT_REGISTER_FAIL,

    QL_OSI_TIMER_CREATE_FAIL = 250 | (QL_COMPONENT_OSI << 16),
    QL_OSI_TIMER_START_FAIL,
    QL_OSI_TIMER_STOP_FAIL,
    QL_OSI_TIMER_DELETE_FAIL,
    QL_OSI_TIMER_BIND_TASK_FAIL,

    QL_OSI_SWDOG_REGISTER_FAIL = 300 | (QL_COMPONENT_OSI << 16),
    QL_OSI_SWDOG_UNREGISTER_FAIL,
    QL_OSI_SWDOG_FEED_DOG_FAIL,
    QL_OSI_SWDOG_ENABLE_FAIL,
    QL_OSI_SWDOG_DISABLE_FAIL,

    QL_OSI_EGROUP_CREATE_FAILE = 350 | (QL_COMPONENT_OSI << 16), /* sic */
    QL_OSI_EGROUP_DELETE_FAIL,
    QL_OSI_EGROUP_CLEAR_BITS_FAIL,
    QL_OSI_EGROUP_SET_BITS_FAIL,
    QL_OSI_EGROUP_GET_BITS_FAIL,
    QL_OSI_EGROUP_WAIT_BITS_FAIL,
    QL_OSI_EGROUP_SYNC_FAIL
} osi_errcode_e;

/* ---- ql_api_osi.h proper */

#define QL_TIMER_IN_SERVICE ((void *)0xffffffff)

/** Result of the ql_rtos_* calls: QL_OSI_SUCCESS or one of osi_errcode_e. */
typedef int QlOSStatus;
/** Task handle. Handles are never reused within a process; NULL means "the calling task". */
typedef void *ql_task_t;
typedef void *ql_sem_t;
typedef void *ql_mutex_t;
typedef void *ql_queue_t;
typedef void *ql_timer_t;
typedef void *ql_flag_t;
typedef void *ql_egroup_t;
typedef int QuecOSStatus;
typedef uint32 ql_event_bits_t;

/* Timeouts of the mutex and semaphore calls, in ms. */
typedef enum {
    QL_WAIT_FOREVER = 0xFFFFFFFFUL,
    QL_NO_WAIT = 0
} ql_wait_e;

typedef struct {
    uint32 id;
    uint32 param1;
    uint32 param2;
    uint32 param3;
} ql_event_t;

/**
 * Create a task running taskStart(argv) on a new thread; *taskRef receives the handle.
 * stackSize is the thread's stack (at least 64 KiB is used on the host); priority and
 * event_count are accepted and ignored, and so are the optional trailing arguments the SDK's
 * variadic prototype allows.
 */
extern QlOSStatus ql_rtos_task_create(ql_task_t *taskRef, uint32 stackSize, uint8 priority, char *taskName,
                                      void (*taskStart)(void *), void *argv, uint32 event_count, ...);
/**
 * Delete a task. NULL or the caller's own handle ends the calling task at once (does not
 * return). Another task is cancelled at its next blocking call (sleep, select, connect, ...).
 */
extern QlOSStatus ql_rtos_task_delete(ql_task_t taskRef);
extern void ql_rtos_task_yield(void);
/** The calling task's handle (NULL from a thread the runtime did not create). */
extern QlOSStatus ql_rtos_task_get_current_ref(ql_task_t *taskRef);
/** Sleep; the time is divided by $QLRT_TIME_SCALE. */
extern void ql_rtos_task_sleep_ms(uint32 ms);
extern void ql_rtos_task_sleep_s(uint32 s);

/* Counting semaphores and mutexes; timeouts in ms (QL_WAIT_FOREVER / QL_NO_WAIT), scaled. */
extern QlOSStatus ql_rtos_semaphore_create(ql_sem_t *semaRef, uint32 initialCount);
extern QlOSStatus ql_rtos_semaphore_wait(ql_sem_t semaRef, uint32 timeout);
extern QlOSStatus ql_rtos_semaphore_release(ql_sem_t semaRef);
extern QlOSStatus ql_rtos_semaphore_delete(ql_sem_t semaRef);
extern QlOSStatus ql_rtos_mutex_create(ql_mutex_t *mutexRef);
extern QlOSStatus ql_rtos_mutex_lock(ql_mutex_t mutexRef, uint32 timeout);
extern QlOSStatus ql_rtos_mutex_try_lock(ql_mutex_t mutexRef);
extern QlOSStatus ql_rtos_mutex_unlock(ql_mutex_t mutexRef);
extern QlOSStatus ql_rtos_mutex_delete(ql_mutex_t mutexRef);

/** Milliseconds since the runtime started (not scaled). */
uint32 ql_rtos_get_system_tick(void);
/** Milliseconds since the runtime started (monotonic, not scaled); the SDK: since boot. */
int64_t ql_rtos_up_time_ms(void);

#ifdef __cplusplus
}
#endif

#endif /* QL_API_OSI_H */
