/*
 * ql_api_osi.h - QuecOpen RTOS API (tasks, events, event groups, semaphores, mutexes, queues,
 * timers, software watchdog, time) on the qlssl host runtime, where tasks are POSIX threads.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md, section "OSI and log".
 *
 * Every type, constant and prototype is the current SDK generation's
 * (components/ql-kernel/inc/ql_api_osi.h and the ql_osi_def.h it includes), so SDK code builds
 * unchanged with -Wall -Werror; every function is implemented (runtime/osi.c). Where the host
 * behaves differently from the module, the comment says so.
 *
 * Time: sleeps, delays, timer periods and every timeout in ms are divided by $QLRT_TIME_SCALE
 * (qlrt-run --time-scale; default 1) so long application delays run fast in tests; clocks
 * (ticks, up time, time of day) are not scaled. Timeouts take QL_WAIT_FOREVER or QL_NO_WAIT.
 * The runner (runtime/qlrt-run) waits until every task created here has ended.
 */
#ifndef QL_API_OSI_H
#define QL_API_OSI_H

#include <stdio.h> /* the SDK header pulls these in; apps rely on it */
#include <stdbool.h>
#include <stdint.h>

#include "ql_api_common.h"
#include "ql_osi_def.h"

#ifdef __cplusplus
extern "C" {
#endif

/** ql_rtos_timer_create's task: run the callback on the timer service thread. */
#define QL_TIMER_IN_SERVICE ((void *)0xffffffff)

/** Result of the ql_rtos_* calls: QL_OSI_SUCCESS or one of osi_errcode_e. */
typedef int QlOSStatus;
/* Handles. On the host they are ids checked on every call (never dereferenced), so a NULL,
 * stale, deleted or garbage handle gets an error code rather than a crash; ids are not reused. */
typedef void *ql_task_t;
typedef void *ql_sem_t;
typedef void *ql_mutex_t;
typedef void *ql_queue_t;
typedef void *ql_timer_t;
typedef void *ql_flag_t;
typedef void *ql_egroup_t;

typedef int QuecOSStatus;
typedef uint32 ql_event_bits_t;

/* Timeouts, in ms. */
typedef enum {
    QL_WAIT_FOREVER = 0xFFFFFFFFUL,
    QL_NO_WAIT = 0
} ql_wait_e;

/* A task's state as ql_rtos_task_get_status reports it (FreeRTOS's eTaskState). */
typedef enum {
    Running = 0, /* the task asking about itself */
    Ready,       /* runnable */
    Blocked,     /* waiting with a timeout (sleep, event, queue, semaphore, ...) */
    Suspended,   /* suspended, or waiting forever */
    Deleted,     /* ended; its slot is not reused yet */
    Invalid
} ql_task_state_e;

typedef struct {
    ql_task_t xHandle;
    const char *pcTaskName;        /* valid while the task's slot lives */
    ql_task_state_e eCurrentState;
    unsigned long uxCurrentPriority;
    uint16 usStackHighWaterMark;   /* host: least unused stack so far, in 4-byte words, at most 65535 */
    uint32 eventPendingCnt;        /* events queued for the task */
} ql_task_status_t;

/* An event sent to a task (ql_rtos_event_send) and received by it (ql_event_wait). */
typedef struct {
    uint32 id; /* a ql_api_event_id_e value; 0 after the runtime ran a timer callback (below) */
    uint32 param1;
    uint32 param2;
    uint32 param3;
} ql_event_t;

/* Time of day; not struct timeval (its members are 32-bit on every target). */
typedef struct {
    uint32 sec;
    uint32 usec;
} ql_timeval_t;

/* The module's CPU load bookkeeping; declared for code that names it, not used by any call. */
typedef struct {
    uint total_idle_tick;
    uint sys_tick_old;
    uint cpu_using;
    uint idle_in_tick;
    uint idle_out_tick;
} ql_cpu_using_info_t;

typedef void (*ql_swdog_callback)(uint32 id_type, void *ctx);
typedef void (*lvgl_Callback_t)(void *ctx);

/* ------------------------------------------------------------------ memory */

/** Zero-filled allocation (calloc); NULL when it fails or size < 0. */
void *ql_malloc(int size);
/** Frees what ql_malloc returned; NULL is fine. */
void ql_free(void *ptr);
#define QL_FREE_PTR(p)        \
    {                         \
        if (p != NULL) {      \
            ql_free(p);       \
            p = NULL;         \
        }                     \
    }

/* ------------------------------------------------------------------ tasks */

/**
 * Create a task running taskStart(argv) on a new thread; *taskRef receives its handle (before the
 * task runs). stackSize: the thread gets max(stackSize, 256 KiB) (the host's C library needs more
 * than a module task; at most 64 MiB). priority: see APP_ThreadPriority_e (a nice value per
 * thread). taskName: the first 16 bytes are kept. event_count: capacity of the task's event queue
 * (ql_rtos_event_send; 0 = the task takes no events). Trailing arguments (the SDK's prototype is
 * variadic) are accepted and not read. Returns QL_OSI_TASK_PARAM_INVALID (NULL taskRef or
 * taskStart), QL_OSI_TASK_CNT_REACH_MAX (256 tasks alive), QL_OSI_NO_MEMORY or
 * QL_OSI_TASK_CREATE_FAIL.
 */
extern QlOSStatus ql_rtos_task_create(ql_task_t *taskRef, uint32 stackSize, uint8 priority, char *taskName,
                                      void (*taskStart)(void *), void *argv, uint32 event_count, ...);
/** ql_rtos_task_create with the runtime's default event queue capacity (16 events). */
extern QlOSStatus ql_rtos_task_create_default(ql_task_t *taskRef, uint32 stackSize, uint8 priority,
                                              char *taskName, void (*taskStart)(void *), void *argv, ...);

/**
 * Queue an event for a task without waiting: QL_OSI_EVENT_SEND_FAIL when its queue is full (or it
 * takes no events), QL_OSI_TASK_PARAM_INVALID for a handle that is not a live task.
 */
extern QlOSStatus ql_rtos_event_send(ql_task_t task_ref, ql_event_t *event);
/** The same, waiting up to timeout_ms (scaled) for room in the queue. */
QlOSStatus ql_rtos_event_send_ex(ql_task_t task_ref, ql_event_t *event, uint32 timeout_ms);
/**
 * Take the calling task's next event, waiting up to `timeout` ms (scaled). As on the module, a
 * timer bound to this task runs its callback here: the call then returns QL_OSI_SUCCESS with an
 * event whose id is 0. QL_OSI_EVENT_GET_FAIL on timeout or when called outside a task.
 */
extern QlOSStatus ql_event_wait(ql_event_t *event_strc, uint32 timeout);
/** ql_event_wait without waiting. */
extern QlOSStatus ql_event_try_wait(ql_event_t *event_strc);

/* ------------------------------------------------------------------ event groups (24 usable bits) */

QlOSStatus ql_rtos_event_group_create(ql_egroup_t *egroupRef);
/**
 * Wait until any (WaitForAllBits false) or all of uxBitsToWaitFor are set, up to timeout_ms
 * (scaled); ClearOnExit clears those bits on success. *curr_bits (may be NULL) receives the value
 * when the wait ended, before clearing. QL_OSI_EGROUP_WAIT_BITS_FAIL on timeout; bits 24..31
 * (FreeRTOS's control bits) are refused.
 */
QlOSStatus ql_rtos_event_group_wait(ql_egroup_t egroupRef, const ql_event_bits_t uxBitsToWaitFor,
                                    const bool ClearOnExit, const bool WaitForAllBits, ql_event_bits_t *curr_bits,
                                    uint32 timeout_ms);
QlOSStatus ql_rtos_event_group_clear(ql_egroup_t egroupRef, const ql_event_bits_t uxBitsToClear,
                                     ql_event_bits_t *curr_bits);
QlOSStatus ql_rtos_event_group_set(ql_egroup_t egroupRef, const ql_event_bits_t uxBitsToSet,
                                   ql_event_bits_t *curr_bits);
/**
 * Rendezvous: set uxBitsToSet, then wait until all of uxBitsToWaitFor are set; on success those
 * bits are cleared (for every task in the rendezvous at once). QL_OSI_EGROUP_SYNC_FAIL on timeout.
 */
QlOSStatus ql_rtos_event_group_sync(ql_egroup_t egroupRef, const ql_event_bits_t uxBitsToSet,
                                    const ql_event_bits_t uxBitsToWaitFor, ql_event_bits_t *curr_bits,
                                    uint32 timeout_ms);
QlOSStatus ql_rtos_event_group_get(ql_egroup_t egroupRef, ql_event_bits_t *curr_bits);
QlOSStatus ql_rtos_event_group_delete(ql_egroup_t egroupRef);

/**
 * Delete a task. NULL or the caller's own handle ends the calling task at once (does not return).
 * Another task ends at its next ql_rtos_* call or within 50 ms of a blocking one (threads are never
 * cancelled asynchronously, so no task dies holding a lock). QL_OSI_TASK_DELETE_FAIL for a task
 * that has already ended or a handle that never was one.
 */
extern QlOSStatus ql_rtos_task_delete(ql_task_t taskRef);
/** Suspend a task (NULL: the caller). Another task stops at its next ql_rtos_* call. */
extern QlOSStatus ql_rtos_task_suspend(ql_task_t taskRef);
extern QlOSStatus ql_rtos_task_resume(ql_task_t taskRef);
/** sched_yield(); also a deletion/suspension point. */
extern void ql_rtos_task_yield(void);
/** The calling task's handle (NULL and QL_OSI_TASK_GET_REF_FAIL outside a runtime task). */
extern QlOSStatus ql_rtos_task_get_current_ref(ql_task_t *taskRef);
/** Set a task's priority (NULL: the caller); *old_priority (may be NULL) receives the previous one. */
extern QlOSStatus ql_rtos_task_change_priority(ql_task_t taskRef, uint8 new_priority, uint8 *old_priority);
extern QlOSStatus ql_rtos_task_get_priority(ql_task_t taskRef, uint8 *priority_ptr);
extern QlOSStatus ql_rtos_task_get_status(ql_task_t task_ref, ql_task_status_t *status);
/** Sleep; the time is divided by $QLRT_TIME_SCALE. */
extern void ql_rtos_task_sleep_ms(uint32 ms);
extern void ql_rtos_task_sleep_s(uint32 s);
/** One pointer of user data per task (NULL: the caller). */
QlOSStatus ql_rtos_task_set_userdata(ql_task_t taskRef, void *userData);
QlOSStatus ql_rtos_task_get_userdata(ql_task_t taskRef, void **userData);

/* ------------------------------------------------------------------ critical sections */

/**
 * Enter a critical section; nests; pass the result to ql_rtos_exit_critical, innermost first.
 * Host: a process-wide recursive lock - it excludes the other tasks' critical sections (and the
 * runtime's timer service while it dispatches), not every thread as disabling interrupts does.
 */
extern uint32_t ql_rtos_enter_critical(void);
extern void ql_rtos_exit_critical(uint32_t critical);

/* ------------------------------------------------------------------ semaphores */

/** Counting semaphore with no upper bound other than 0xFFFFFFFF. */
extern QlOSStatus ql_rtos_semaphore_create(ql_sem_t *semaRef, uint32 initialCount);
/** Counting semaphore of at most max_cnt (>= 1; 1: binary); releasing a full one: QL_OSI_SEMA_IS_FULL. */
extern QlOSStatus ql_rtos_semaphore_create_ex(ql_sem_t *semaRef, uint32 initialCount, uint32 max_cnt);
/** Take one; QL_OSI_SEMA_GET_FAIL on timeout. */
extern QlOSStatus ql_rtos_semaphore_wait(ql_sem_t semaRef, uint32 timeout);
extern QlOSStatus ql_rtos_semaphore_release(ql_sem_t semaRef);
extern QlOSStatus ql_rtos_semaphore_get_cnt(ql_sem_t semaRef, uint32 *cnt_ptr);
extern QlOSStatus ql_rtos_semaphore_delete(ql_sem_t semaRef);

/* ------------------------------------------------------------------ mutexes (not recursive) */

extern QlOSStatus ql_rtos_mutex_create(ql_mutex_t *mutexRef);
/** QL_OSI_MUTEX_LOCK_FAIL on timeout (also when the owner locks it again). */
extern QlOSStatus ql_rtos_mutex_lock(ql_mutex_t mutexRef, uint32 timeout);
extern QlOSStatus ql_rtos_mutex_try_lock(ql_mutex_t mutexRef);
/** QL_OSI_MUTEX_UNLOCK_FAIL when the caller does not hold it. */
extern QlOSStatus ql_rtos_mutex_unlock(ql_mutex_t mutexRef);
extern QlOSStatus ql_rtos_mutex_delete(ql_mutex_t mutexRef);

/* ------------------------------------------------------------------ message queues */

/** maxNumber messages of maxSize bytes each (both >= 1). */
extern QlOSStatus ql_rtos_queue_create(ql_queue_t *msgQRef, uint32 maxSize, uint32 maxNumber);
/**
 * Take the oldest message into recvMsg (min(size, maxSize) bytes are copied); QL_OSI_QUEUE_RECEIVE_FAIL
 * when the queue is still empty at the timeout.
 */
extern QlOSStatus ql_rtos_queue_wait(ql_queue_t msgQRef, uint8 *recvMsg, uint32 size, uint32 timeout);
/**
 * Append a message (min(size, maxSize) bytes of msgPtr, the rest of the slot zeroed);
 * QL_OSI_QUEUE_IS_FULL when the queue is still full at the timeout.
 */
extern QlOSStatus ql_rtos_queue_release(ql_queue_t msgQRef, uint32 size, uint8 *msgPtr, uint32 timeout);
extern QlOSStatus ql_rtos_queue_get_cnt(ql_queue_t msgQRef, uint32 *cnt_ptr);
extern QlOSStatus ql_rtos_queue_get_free_cnt(ql_queue_t msgQRef, uint32 *cnt_ptr);
/** Drop every queued message. */
extern QlOSStatus ql_rtos_queue_reset(ql_queue_t msgQRef);
extern QlOSStatus ql_rtos_queue_delete(ql_queue_t msgQRef);

/* ------------------------------------------------------------------ timers */

/**
 * Create a stopped timer. taskRef: a task handle - the callback runs in that task, from its
 * ql_event_wait/ql_event_try_wait (as on the module); QL_TIMER_IN_SERVICE - on the runtime's
 * timer service thread; NULL (the module's "in the interrupt") - on the service thread as well.
 */
extern QlOSStatus ql_rtos_timer_create(ql_timer_t *timerRef, ql_task_t taskRef, void (*callBackRoutine)(void *),
                                       void *timerArgc);
/** Start (or restart) the timer: fire after set_Time ms (scaled), then every set_Time ms if cyclicalEn. */
extern QlOSStatus ql_rtos_timer_start(ql_timer_t timerRef, uint32 set_Time, unsigned char cyclicalEn);
/** As ql_rtos_timer_start: the host never sleeps, so the relaxed time never applies. */
extern QlOSStatus ql_rtos_timer_start_relaxed(ql_timer_t timerRef, uint32 set_Time, unsigned char cyclicalEn,
                                              uint32 relax_time);
/** One shot after set_Time_us microseconds (scaled). */
QlOSStatus ql_rtos_timer_start_us(ql_timer_t timerRef, uint32 set_Time_us);
extern QlOSStatus ql_rtos_timer_stop(ql_timer_t timerRef);
/** 1 while the timer is started, 0 when stopped (or fired once), QL_OSI_TASK_PARAM_INVALID for a bad handle. */
extern QlOSStatus ql_rtos_timer_is_running(ql_timer_t timerRef);
/** Stop and free; a callback running on the service thread is waited for (unless it is the caller). */
extern QlOSStatus ql_rtos_timer_delete(ql_timer_t timerRef);

/* ------------------------------------------------------------------ software watchdog */

/**
 * Register a callback the watchdog calls, on the service thread, once per period with
 * QUEC_KERNEL_FEED_DOG (ctx NULL); up to 16 callbacks. taskRef is the task the callback stands for.
 */
QlOSStatus ql_rtos_swdog_register(ql_swdog_callback callback, ql_task_t taskRef);
QlOSStatus ql_rtos_swdog_unregister(ql_swdog_callback callback);
/** Reset the watchdog's count of periods without feeding. */
QlOSStatus ql_rtos_feed_dog(void);
/**
 * Start the watchdog: every period_ms (scaled) call the callbacks; after missed_cnt periods in a
 * row without ql_rtos_feed_dog the module would restart: the host logs that at ERROR and ends the
 * run (failed).
 */
QlOSStatus ql_rtos_sw_dog_enable(uint32 period_ms, uint32 missed_cnt);
QlOSStatus ql_rtos_sw_dog_disable(void);

/* ------------------------------------------------------------------ time */

/** The host's time of day (CLOCK_REALTIME). */
QlOSStatus ql_gettimeofday(ql_timeval_t *timeval);
/** Milliseconds since the runtime started (not scaled; the module counts OS ticks since boot). */
uint32 ql_rtos_get_system_tick(void);
/** The module's assertion failure: logged at ERROR, then abort() (the run ends with signal 6). */
void ql_assert(void);
/** Milliseconds since the runtime started (monotonic, not scaled). */
int64_t ql_rtos_up_time_ms();
/**
 * The process's CPU use in percent of one core over the last second (0..100); the first call
 * starts the measurement and returns 0.
 */
int ql_rtos_get_cpu_using(void);
/** Busy-wait us microseconds (1..1000000, scaled); QL_OSI_TASK_PARAM_INVALID outside that range. */
QlOSStatus ql_delay_us(uint32_t us);

#ifdef __cplusplus
}
#endif

#endif /* QL_API_OSI_H */
