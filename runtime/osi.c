/*
 * osi.c - the QuecOpen RTOS API (ql_api_osi.h) on POSIX threads.
 *
 * One lock (g_lock) guards every task, object and timer: the host has no interrupt latency to
 * protect, and a single lock makes deletion of an object that others wait on simple (objects are
 * reference-counted by their waiters; the last one out frees a deleted object).
 *
 * Tasks are joinable threads on stacks this file maps (so their unused stack can be measured); a
 * slot whose task ended is joined and unmapped when the slot is reused. A task deleting itself
 * ends at once (pthread_exit); deleting another task marks it, and it ends at its next ql_rtos_*
 * call or, when blocked in one, within WAIT_SLICE_MS - threads are never cancelled
 * asynchronously, so no task dies holding a lock inside the SSL library. Every blocking wait
 * sleeps in slices of at most WAIT_SLICE_MS for that reason.
 *
 * Priorities are nice values per thread (Linux applies setpriority(PRIO_PROCESS, tid) to one
 * thread): nice = the process's nice + APP_PRIORITY_NORMAL - priority, clamped to -20..19. Under
 * CPU contention a higher priority gets a larger share of the CPU (nice 0 vs 8: about 6:1); it does
 * not preempt lower ones outright as on FreeRTOS (real-time policies would need privileges and can
 * freeze a shared machine). Raising above the process's nice needs CAP_SYS_NICE; without it the
 * task keeps the process's nice and a WARN line says so (once).
 *
 * Timers and the software watchdog run on one service thread (not a task: the runner does not
 * wait for it). A timer bound to a task only marks itself pending there; the task runs the
 * callback in ql_event_wait/ql_event_try_wait, as the module's event mechanism does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ql_api_osi.h"
#include "qlrt_internal.h"

#define MAX_TASKS 256
#define MIN_STACK (256u * 1024u)
#define MAX_STACK (64u * 1024u * 1024u)
#define TASK_NAME_LEN 16
#define DEFAULT_EVENT_COUNT 16
#define WAIT_SLICE_MS 50
#define MAX_OBJS 4096
#define MAX_SWDOG_CBS 16
#define EGROUP_USABLE_BITS 0x00FFFFFFu
#define NS_PER_MS 1000000ull
#define FOREVER UINT64_MAX

#if defined(__has_attribute)
#if __has_attribute(no_sanitize_address)
#define NO_ASAN __attribute__((no_sanitize_address))
#endif
#endif
#ifndef NO_ASAN
#define NO_ASAN
#endif

enum { SLOT_FREE = 0, SLOT_RUNNING, SLOT_ENDED };
enum { BLOCK_NONE = 0, BLOCK_TIMED, BLOCK_FOREVER };

struct task {
    int state;
    int delete_requested;
    int suspended;
    int blocked;
    int joinable; /* a thread was started in this slot and not joined yet */
    uintptr_t id;
    pthread_t tid;
    pid_t ktid; /* kernel thread id, for setpriority; 0 until the task runs */
    void (*entry)(void *);
    void *arg;
    char name[TASK_NAME_LEN + 1];
    uint8 prio;
    void *userdata;
    ql_event_t *evq;
    uint32 evcap, evhead, evcount;
    unsigned timers_pending; /* bound timers that fired and wait for this task to run them */
    unsigned empty_polls;    /* ql_event_try_wait calls in a row that found nothing */
    unsigned senders;        /* ql_rtos_event_send_ex calls waiting on `cond` (the slot is not reused) */
    pthread_cond_t cond;     /* events, room, resume, deletion */
    unsigned char *stack_map; /* guard page + stack */
    size_t stack_map_len;
};

static struct task g_tasks[MAX_TASKS];
static uintptr_t g_next_id = 1;
static unsigned g_created, g_ended, g_alive;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond;      /* task ends (qlrt_wait_tasks) */
static pthread_cond_t g_idle_cond; /* blocking by threads that are not tasks */
static pthread_cond_t g_timer_cond;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static __thread struct task *t_self;
static int g_base_nice;
static const char *g_stop_reason;

static void init_cond(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

static void init_once(void)
{
    init_cond(&g_cond);
    init_cond(&g_idle_cond);
    init_cond(&g_timer_cond);
    errno = 0;
    g_base_nice = getpriority(PRIO_PROCESS, 0);
    if (errno != 0) g_base_nice = 0;
}

static void osi_init(void) { pthread_once(&g_once, init_once); }

/* Logs a WARN line the first time `*flag` is seen clear. */
static void warn_once(int *flag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn_once(int *flag, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    int first;
    pthread_mutex_lock(&g_lock);
    first = !*flag;
    *flag = 1;
    pthread_mutex_unlock(&g_lock);
    if (!first) return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    qlrt_logf(QLRT_LV_WARN, "%s", msg);
}

/* ---------------------------------------------------------------- time */

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* A span of `ms` application milliseconds in host nanoseconds (divided by the time scale). */
static uint64_t scaled_ns(double ms)
{
    double ns = ms * 1e6 / qlrt_time_scale();
    if (ns < 0) ns = 0;
    if (ns > 1e18) ns = 1e18;
    return (uint64_t)ns;
}

/* The deadline of a ql timeout: FOREVER for QL_WAIT_FOREVER. */
static uint64_t deadline_of(uint32 timeout_ms)
{
    if (timeout_ms == QL_WAIT_FOREVER) return FOREVER;
    return now_ns() + scaled_ns((double)timeout_ms);
}

static void ts_of(uint64_t ns, struct timespec *ts)
{
    ts->tv_sec = (time_t)(ns / 1000000000ull);
    ts->tv_nsec = (long)(ns % 1000000000ull);
}

/*
 * Wait on `c` (g_lock held) until woken, the deadline passes, or a slice ends. Returns 1 when the
 * deadline has passed, -1 when the calling task has been deleted (the caller releases what it
 * holds, unlocks and calls qlrt_task_checkpoint), 0 otherwise (re-check the condition).
 */
static int block_on(pthread_cond_t *c, uint64_t deadline)
{
    struct timespec ts;
    uint64_t now = now_ns(), wake;
    if (t_self && t_self->delete_requested) return -1;
    if (now >= deadline) return 1;
    wake = now + WAIT_SLICE_MS * NS_PER_MS;
    if (deadline < wake) wake = deadline;
    ts_of(wake, &ts);
    if (t_self) t_self->blocked = deadline == FOREVER ? BLOCK_FOREVER : BLOCK_TIMED;
    pthread_cond_timedwait(c ? c : (t_self ? &t_self->cond : &g_idle_cond), &g_lock, &ts);
    if (t_self) t_self->blocked = BLOCK_NONE;
    if (t_self && t_self->delete_requested) return -1;
    return 0;
}

/* ---------------------------------------------------------------- tasks */

static __thread const char *t_thread_name; /* threads of the runtime's own that are not tasks */

const char *qlrt_current_task_name(void) { return t_self ? t_self->name : t_thread_name ? t_thread_name : "main"; }

static void task_ended(void *p)
{
    struct task *t = p;
    pthread_mutex_lock(&g_lock);
    t->state = SLOT_ENDED;
    pthread_cond_broadcast(&t->cond); /* senders waiting for room give up */
    g_ended++;
    g_alive--;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

static int nice_for(uint8 prio)
{
    int n = g_base_nice + (int)APP_PRIORITY_NORMAL - (int)prio;
    if (n < -20) n = -20;
    if (n > 19) n = 19;
    return n;
}

/* Give task t (its thread has started) the nice value of its priority. */
static void apply_priority(struct task *t, uint8 prio, pid_t ktid)
{
    static int warned;
    int want = nice_for(prio);
    if (ktid == 0) return;
    if (setpriority(PRIO_PROCESS, (id_t)ktid, want) == 0) return;
    if (want < g_base_nice) {
        int e = errno;
        setpriority(PRIO_PROCESS, (id_t)ktid, g_base_nice);
        warn_once(&warned,
                  "task '%s': priority %u would be nice %d, not permitted (%s; needs CAP_SYS_NICE): the task runs at "
                  "nice %d like APP_PRIORITY_NORMAL (logged once)",
                  t->name, (unsigned)prio, want, strerror(e), g_base_nice);
    }
}

static void *trampoline(void *p)
{
    struct task *t = p;
    pid_t ktid = (pid_t)syscall(SYS_gettid);
    uint8 prio;
    t_self = t;
    pthread_setname_np(pthread_self(), t->name[0] ? t->name : "task");
    pthread_mutex_lock(&g_lock);
    t->ktid = ktid;
    prio = t->prio;
    pthread_mutex_unlock(&g_lock);
    apply_priority(t, prio, ktid);
    qlrt_logf(QLRT_LV_DEBUG, "task '%s' started (priority %u, nice %d)", t->name, (unsigned)prio,
              getpriority(PRIO_PROCESS, (id_t)ktid));
    pthread_cleanup_push(task_ended, t);
    qlrt_task_checkpoint(); /* deleted or suspended before it ran */
    t->entry(t->arg);
    qlrt_logf(QLRT_LV_DEBUG, "task '%s' returned from its entry function", t->name);
    pthread_cleanup_pop(1);
    return NULL;
}

/* Release what an ended task's slot holds (g_lock held; its thread has run task_ended). */
static void reap_slot(struct task *t)
{
    if (t->joinable) {
        pthread_join(t->tid, NULL); /* the thread is past its last use of g_lock */
        t->joinable = 0;
    }
    if (t->stack_map) munmap(t->stack_map, t->stack_map_len);
    t->stack_map = NULL;
    free(t->evq);
    t->evq = NULL;
    pthread_cond_destroy(&t->cond);
}

static QlOSStatus task_create(ql_task_t *task_ref, uint32 stack_size, uint8 priority, const char *task_name,
                              void (*task_start)(void *), void *argv, uint32 event_count)
{
    pthread_attr_t attr;
    struct task *t = NULL;
    size_t stack, page = (size_t)sysconf(_SC_PAGESIZE);
    int i, rc;
    osi_init();
    if (task_ref == NULL || task_start == NULL) return QL_OSI_TASK_PARAM_INVALID;
    if (event_count > 65536) return QL_OSI_TASK_EVENT_COUNT_INVALID;
    stack = stack_size < MIN_STACK ? MIN_STACK : stack_size;
    if (stack > MAX_STACK) stack = MAX_STACK;
    stack = (stack + page - 1) / page * page;

    pthread_mutex_lock(&g_lock);
    for (i = 0; i < MAX_TASKS && t == NULL; i++)
        if (g_tasks[i].state == SLOT_FREE) t = &g_tasks[i];
    for (i = 0; i < MAX_TASKS && t == NULL; i++)
        if (g_tasks[i].state == SLOT_ENDED && g_tasks[i].senders == 0) {
            t = &g_tasks[i];
            reap_slot(t);
        }
    if (t == NULL) {
        pthread_mutex_unlock(&g_lock);
        qlrt_logf(QLRT_LV_WARN, "ql_rtos_task_create: %d tasks alive, no slot left", MAX_TASKS);
        return QL_OSI_TASK_CNT_REACH_MAX;
    }
    memset(t, 0, sizeof(*t));
    t->state = SLOT_RUNNING; /* reserved; undone below on failure */
    t->id = g_next_id++;
    pthread_mutex_unlock(&g_lock);

    t->entry = task_start;
    t->arg = argv;
    t->prio = priority;
    snprintf(t->name, sizeof(t->name), "%s", task_name ? task_name : "task");
    init_cond(&t->cond);
    t->evcap = event_count;
    t->evq = event_count ? calloc(event_count, sizeof(ql_event_t)) : NULL;
    t->stack_map_len = stack + page;
    t->stack_map = mmap(NULL, t->stack_map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (t->stack_map == MAP_FAILED) t->stack_map = NULL;
    if ((event_count && t->evq == NULL) || t->stack_map == NULL) {
        pthread_mutex_lock(&g_lock);
        reap_slot(t);
        t->state = SLOT_FREE;
        pthread_mutex_unlock(&g_lock);
        return QL_OSI_NO_MEMORY;
    }
    mprotect(t->stack_map, page, PROT_NONE); /* guard page below the stack */

    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, t->stack_map + page, stack);
    /* Publish the handle before the task runs: it may look itself up at once. */
    *task_ref = (ql_task_t)t->id;
    pthread_mutex_lock(&g_lock);
    g_created++;
    g_alive++;
    rc = pthread_create(&t->tid, &attr, trampoline, t);
    if (rc == 0) t->joinable = 1;
    pthread_mutex_unlock(&g_lock);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        pthread_mutex_lock(&g_lock);
        g_created--;
        g_alive--;
        reap_slot(t);
        t->state = SLOT_FREE;
        pthread_cond_broadcast(&g_cond);
        pthread_mutex_unlock(&g_lock);
        *task_ref = NULL;
        qlrt_logf(QLRT_LV_WARN, "ql_rtos_task_create('%s'): pthread_create: %s", t->name, strerror(rc));
        return QL_OSI_TASK_CREATE_FAIL;
    }
    return QL_OSI_SUCCESS;
}

/* Variadic as in the SDK; the host has no use for trailing arguments, so they are not read. */
QlOSStatus ql_rtos_task_create(ql_task_t *task_ref, uint32 stack_size, uint8 priority, char *task_name,
                               void (*task_start)(void *), void *argv, uint32 event_count, ...)
{
    return task_create(task_ref, stack_size, priority, task_name, task_start, argv, event_count);
}

QlOSStatus ql_rtos_task_create_default(ql_task_t *task_ref, uint32 stack_size, uint8 priority, char *task_name,
                                       void (*task_start)(void *), void *argv, ...)
{
    return task_create(task_ref, stack_size, priority, task_name, task_start, argv, DEFAULT_EVENT_COUNT);
}

/* A live task by handle; NULL = the caller when `null_is_self` (g_lock held). */
static struct task *lookup(ql_task_t ref, int null_is_self)
{
    uintptr_t id = (uintptr_t)ref;
    int i;
    if (ref == NULL) return null_is_self ? t_self : NULL;
    for (i = 0; i < MAX_TASKS; i++)
        if (g_tasks[i].state == SLOT_RUNNING && g_tasks[i].id == id) return &g_tasks[i];
    return NULL;
}

QlOSStatus ql_rtos_task_delete(ql_task_t task_ref)
{
    struct task *t;
    if (task_ref == NULL || (t_self && (uintptr_t)task_ref == t_self->id)) {
        if (t_self == NULL) return QL_OSI_TASK_PARAM_INVALID; /* not a runtime task */
        qlrt_logf(QLRT_LV_DEBUG, "task '%s' deletes itself", t_self->name);
        pthread_exit(NULL);
    }
    pthread_mutex_lock(&g_lock);
    t = lookup(task_ref, 0);
    if (t) {
        t->delete_requested = 1;
        pthread_cond_broadcast(&t->cond);
    }
    pthread_mutex_unlock(&g_lock);
    if (t == NULL) return QL_OSI_TASK_DELETE_FAIL;
    qlrt_logf(QLRT_LV_DEBUG, "task '%s' marked for deletion (ends at its next ql_rtos_* call)", t->name);
    return QL_OSI_SUCCESS;
}

void qlrt_task_checkpoint(void)
{
    int del;
    if (t_self == NULL) return;
    pthread_mutex_lock(&g_lock);
    while (t_self->suspended && !t_self->delete_requested) {
        struct timespec ts;
        ts_of(now_ns() + WAIT_SLICE_MS * NS_PER_MS, &ts);
        t_self->blocked = BLOCK_FOREVER;
        pthread_cond_timedwait(&t_self->cond, &g_lock, &ts);
        t_self->blocked = BLOCK_NONE;
    }
    del = t_self->delete_requested;
    pthread_mutex_unlock(&g_lock);
    if (del) {
        qlrt_logf(QLRT_LV_DEBUG, "task '%s' ends: deleted by another task", t_self->name);
        pthread_exit(NULL);
    }
}

QlOSStatus ql_rtos_task_suspend(ql_task_t task_ref)
{
    struct task *t;
    pthread_mutex_lock(&g_lock);
    t = lookup(task_ref, 1);
    if (t) t->suspended = 1;
    pthread_mutex_unlock(&g_lock);
    if (t == NULL) return QL_OSI_TASK_PARAM_INVALID;
    if (t == t_self) qlrt_task_checkpoint(); /* returns once resumed */
    return QL_OSI_SUCCESS;
}

QlOSStatus ql_rtos_task_resume(ql_task_t task_ref)
{
    struct task *t;
    pthread_mutex_lock(&g_lock);
    t = lookup(task_ref, 0);
    if (t) {
        t->suspended = 0;
        pthread_cond_broadcast(&t->cond);
    }
    pthread_mutex_unlock(&g_lock);
    return t ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_task_get_current_ref(ql_task_t *task_ref)
{
    if (task_ref == NULL) return QL_OSI_TASK_PARAM_INVALID;
    *task_ref = t_self ? (ql_task_t)t_self->id : NULL;
    return t_self ? QL_OSI_SUCCESS : QL_OSI_TASK_GET_REF_FAIL;
}

QlOSStatus ql_rtos_task_change_priority(ql_task_t task_ref, uint8 new_priority, uint8 *old_priority)
{
    struct task *t;
    pid_t ktid = 0;
    uint8 old = 0;
    pthread_mutex_lock(&g_lock);
    t = lookup(task_ref, 1);
    if (t) {
        old = t->prio;
        t->prio = new_priority;
        ktid = t->ktid;
    }
    pthread_mutex_unlock(&g_lock);
    if (t == NULL) return QL_OSI_TASK_PARAM_INVALID;
    if (old_priority) *old_priority = old;
    apply_priority(t, new_priority, ktid); /* a task not started yet applies it itself */
    return QL_OSI_SUCCESS;
}

QlOSStatus ql_rtos_task_get_priority(ql_task_t task_ref, uint8 *priority_ptr)
{
    struct task *t;
    if (priority_ptr == NULL) return QL_OSI_TASK_PARAM_INVALID;
    pthread_mutex_lock(&g_lock);
    t = lookup(task_ref, 1);
    if (t) *priority_ptr = t->prio;
    pthread_mutex_unlock(&g_lock);
    return t ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

/* Least unused stack so far: fresh mapped pages read as zero, and the stack grows down from the
 * top, so the zero bytes above the guard page were never touched. Reads another thread's stack,
 * hence not instrumented by ASan (its redzones there are not ours). */
NO_ASAN static size_t stack_unused(const struct task *t)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const volatile unsigned long *p = (const volatile unsigned long *)(void *)(t->stack_map + page);
    size_t n = (t->stack_map_len - page) / sizeof(unsigned long), i = 0;
    while (i < n && p[i] == 0) i++;
    return i * sizeof(unsigned long);
}

QlOSStatus ql_rtos_task_get_status(ql_task_t task_ref, ql_task_status_t *status)
{
    struct task *t = NULL;
    uintptr_t id = (uintptr_t)task_ref;
    int i;
    if (status == NULL) return QL_OSI_TASK_PARAM_INVALID;
    pthread_mutex_lock(&g_lock);
    if (task_ref == NULL) t = t_self;
    for (i = 0; i < MAX_TASKS && t == NULL; i++)
        if (g_tasks[i].state != SLOT_FREE && g_tasks[i].id == id) t = &g_tasks[i];
    if (t) {
        size_t words = t->stack_map ? stack_unused(t) / 4 : 0;
        status->xHandle = (ql_task_t)t->id;
        status->pcTaskName = t->name;
        if (t->state == SLOT_ENDED)
            status->eCurrentState = Deleted;
        else if (t == t_self)
            status->eCurrentState = Running;
        else if (t->suspended || t->blocked == BLOCK_FOREVER)
            status->eCurrentState = Suspended;
        else if (t->blocked == BLOCK_TIMED)
            status->eCurrentState = Blocked;
        else
            status->eCurrentState = Ready;
        status->uxCurrentPriority = t->prio;
        status->usStackHighWaterMark = (uint16)(words > 65535 ? 65535 : words);
        status->eventPendingCnt = t->evcount;
    }
    pthread_mutex_unlock(&g_lock);
    return t ? QL_OSI_SUCCESS : QL_OSI_TASK_GET_STATUS_FAIL;
}

QlOSStatus ql_rtos_task_set_userdata(ql_task_t task_ref, void *user_data)
{
    struct task *t;
    pthread_mutex_lock(&g_lock);
    t = lookup(task_ref, 1);
    if (t) t->userdata = user_data;
    pthread_mutex_unlock(&g_lock);
    return t ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_task_get_userdata(ql_task_t task_ref, void **user_data)
{
    struct task *t;
    if (user_data == NULL) return QL_OSI_TASK_PARAM_INVALID;
    pthread_mutex_lock(&g_lock);
    t = lookup(task_ref, 1);
    if (t) *user_data = t->userdata;
    pthread_mutex_unlock(&g_lock);
    return t ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

void ql_rtos_task_yield(void)
{
    qlrt_task_checkpoint();
    sched_yield();
}

static void sleep_until(uint64_t deadline)
{
    int r;
    osi_init();
    qlrt_task_checkpoint();
    pthread_mutex_lock(&g_lock);
    while ((r = block_on(NULL, deadline)) == 0) {
    }
    pthread_mutex_unlock(&g_lock);
    qlrt_task_checkpoint();
}

void ql_rtos_task_sleep_ms(uint32 ms) { sleep_until(now_ns() + scaled_ns((double)ms)); }

void ql_rtos_task_sleep_s(uint32 s) { sleep_until(now_ns() + scaled_ns((double)s * 1000.0)); }

int qlrt_wait_tasks(double timeout_s)
{
    struct timespec until;
    int alive;
    osi_init();
    ts_of(now_ns() + (uint64_t)(timeout_s * 1e9), &until);
    pthread_mutex_lock(&g_lock);
    while (g_alive > 0 && g_stop_reason == NULL) {
        if (pthread_cond_timedwait(&g_cond, &g_lock, &until) == ETIMEDOUT) break;
    }
    alive = (int)g_alive;
    pthread_mutex_unlock(&g_lock);
    return alive;
}

void qlrt_task_counts(unsigned *created, unsigned *ended, unsigned *alive)
{
    pthread_mutex_lock(&g_lock);
    *created = g_created;
    *ended = g_ended;
    *alive = g_alive;
    pthread_mutex_unlock(&g_lock);
}

void qlrt_request_stop(const char *reason)
{
    osi_init();
    pthread_mutex_lock(&g_lock);
    if (g_stop_reason == NULL) g_stop_reason = reason;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

const char *qlrt_stop_reason(void)
{
    const char *r;
    pthread_mutex_lock(&g_lock);
    r = g_stop_reason;
    pthread_mutex_unlock(&g_lock);
    return r;
}

/* ---------------------------------------------------------------- task events */

static QlOSStatus event_send(ql_task_t task_ref, const ql_event_t *event, uint32 timeout_ms)
{
    struct task *t;
    uint64_t deadline;
    uintptr_t id = (uintptr_t)task_ref;
    QlOSStatus r = QL_OSI_EVENT_SEND_FAIL;
    int w = 0;
    if (event == NULL || task_ref == NULL) return QL_OSI_TASK_PARAM_INVALID;
    osi_init();
    qlrt_task_checkpoint();
    deadline = deadline_of(timeout_ms);
    pthread_mutex_lock(&g_lock);
    for (;;) {
        t = lookup(task_ref, 0);
        if (t == NULL || t->id != id) {
            r = QL_OSI_TASK_PARAM_INVALID;
            break;
        }
        if (t->evcap > 0 && t->evcount < t->evcap) {
            t->evq[(t->evhead + t->evcount) % t->evcap] = *event;
            t->evcount++;
            pthread_cond_broadcast(&t->cond);
            r = QL_OSI_SUCCESS;
            break;
        }
        if (t->evcap == 0) break;
        /* Full: wait on the receiver's condition, which it signals when it takes an event or ends. */
        t->senders++;
        w = block_on(&t->cond, deadline);
        t->senders--;
        if (w != 0) break;
    }
    pthread_mutex_unlock(&g_lock);
    if (w < 0) qlrt_task_checkpoint();
    return r;
}

QlOSStatus ql_rtos_event_send(ql_task_t task_ref, ql_event_t *event) { return event_send(task_ref, event, QL_NO_WAIT); }

QlOSStatus ql_rtos_event_send_ex(ql_task_t task_ref, ql_event_t *event, uint32 timeout_ms)
{
    return event_send(task_ref, event, timeout_ms);
}

struct timer;
static struct timer *take_pending_timer(struct task *t, void (**cb)(void *), void **arg);
static void timer_put(struct timer *tm);

static QlOSStatus event_wait(ql_event_t *event, uint64_t deadline, int polling)
{
    static int warned_not_task;
    struct task *me = t_self;
    QlOSStatus r = QL_OSI_EVENT_GET_FAIL;
    struct timer *tm = NULL;
    void (*cb)(void *) = NULL;
    void *arg = NULL;
    int w = 0;
    if (event == NULL) return QL_OSI_TASK_PARAM_INVALID;
    if (me == NULL) {
        warn_once(&warned_not_task, "ql_event_wait/ql_event_try_wait called outside a task: QL_OSI_EVENT_GET_FAIL");
        return QL_OSI_EVENT_GET_FAIL;
    }
    qlrt_task_checkpoint();
    pthread_mutex_lock(&g_lock);
    for (;;) {
        if (me->timers_pending > 0 && (tm = take_pending_timer(me, &cb, &arg)) != NULL) {
            memset(event, 0, sizeof(*event));
            r = QL_OSI_SUCCESS;
            break;
        }
        if (me->evcount > 0) {
            *event = me->evq[me->evhead];
            me->evhead = (me->evhead + 1) % me->evcap;
            me->evcount--;
            pthread_cond_broadcast(&me->cond); /* senders waiting for room */
            r = QL_OSI_SUCCESS;
            break;
        }
        if ((w = block_on(&me->cond, deadline)) != 0) break;
    }
    if (r == QL_OSI_SUCCESS || w < 0)
        me->empty_polls = 0;
    else if (polling)
        me->empty_polls++;
    pthread_mutex_unlock(&g_lock);
    if (tm) {
        cb(arg); /* the timer's callback, in this task, as the module runs it */
        pthread_mutex_lock(&g_lock);
        timer_put(tm);
        pthread_mutex_unlock(&g_lock);
    }
    if (w < 0) qlrt_task_checkpoint();
    /* A task that polls an empty queue in a tight loop (the SDK's osi_demo does) would hold a host
     * core at 100 %: after 64 empty polls in a row, each further one also sleeps 1 ms. */
    if (polling && r != QL_OSI_SUCCESS && me->empty_polls >= 64) {
        struct timespec d = {0, 1000000L};
        nanosleep(&d, NULL);
    }
    return r;
}

QlOSStatus ql_event_wait(ql_event_t *event_strc, uint32 timeout)
{
    return event_wait(event_strc, deadline_of(timeout), 0);
}

QlOSStatus ql_event_try_wait(ql_event_t *event_strc) { return event_wait(event_strc, 0, 1); }

/* ---------------------------------------------------------------- objects */

enum { OBJ_MUTEX = 1, OBJ_SEM, OBJ_QUEUE, OBJ_EGROUP, OBJ_TIMER };

struct obj {
    int type;
    int users; /* calls inside the object (waiting, or running its callback) */
    int dead;  /* deleted; freed when the last user leaves */
    uintptr_t id;
    pthread_cond_t cond;
};

struct mutex_obj {
    struct obj h;
    const void *owner; /* a per-thread address; NULL when unlocked */
};

struct sem_obj {
    struct obj h;
    uint32 count, max;
};

struct queue_obj {
    struct obj h;
    uint32 msg_size, cap, head, count;
    uint8 *buf;
};

struct egroup_waiter {
    struct egroup_waiter *next;
    ql_event_bits_t want;
    int all, clear, done;
    ql_event_bits_t value;
};

struct egroup_obj {
    struct obj h;
    ql_event_bits_t bits;
    struct egroup_waiter *waiters;
};

struct timer {
    struct obj h;
    uintptr_t task_id; /* 0: the service thread */
    void (*cb)(void *);
    void *arg;
    int armed, cyclic, pending, in_callback;
    uint64_t due, period;
};

static struct {
    uintptr_t id;
    struct obj *obj;
} g_objs[MAX_OBJS];
static uintptr_t g_next_obj = 0x10000;
static __thread char t_owner_mark; /* its address identifies the thread (mutex owner) */

/* Register a new object; returns its handle, NULL when the table is full (g_lock not held). */
static void *obj_register(struct obj *o, int type)
{
    int i;
    o->type = type;
    init_cond(&o->cond);
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < MAX_OBJS; i++)
        if (g_objs[i].obj == NULL) {
            o->id = g_next_obj++;
            g_objs[i].id = o->id;
            g_objs[i].obj = o;
            break;
        }
    pthread_mutex_unlock(&g_lock);
    if (i == MAX_OBJS) {
        pthread_cond_destroy(&o->cond);
        return NULL;
    }
    return (void *)o->id;
}

/* The live object of `type` behind a handle (g_lock held), or NULL. */
static struct obj *obj_get(void *handle, int type)
{
    uintptr_t id = (uintptr_t)handle;
    int i;
    if (id == 0) return NULL;
    for (i = 0; i < MAX_OBJS; i++)
        if (g_objs[i].obj != NULL && g_objs[i].id == id) return g_objs[i].obj->type == type ? g_objs[i].obj : NULL;
    return NULL;
}

static void obj_free(struct obj *o)
{
    pthread_cond_destroy(&o->cond);
    if (o->type == OBJ_QUEUE) free(((struct queue_obj *)o)->buf);
    free(o);
}

/* Unlist a deleted object and wake its waiters; freed now or by the last user (g_lock held). */
static void obj_kill(struct obj *o)
{
    int i;
    for (i = 0; i < MAX_OBJS; i++)
        if (g_objs[i].obj == o) g_objs[i].obj = NULL;
    o->dead = 1;
    pthread_cond_broadcast(&o->cond);
    if (o->users == 0) obj_free(o);
}

/* A user leaves (g_lock held). */
static void obj_leave(struct obj *o)
{
    if (--o->users == 0 && o->dead) obj_free(o);
}

/*
 * The common shape of a blocking call: wait on the object until ready(o) or the deadline. Returns
 * 1 ready, 0 timed out, -1 object deleted meanwhile, -2 calling task deleted (g_lock held on
 * return; on -2 the caller must unlock and call qlrt_task_checkpoint()).
 */
static int obj_wait(struct obj *o, uint64_t deadline, int (*ready)(struct obj *, void *), void *ctx)
{
    int r = 0, w;
    o->users++;
    for (;;) {
        if (o->dead) {
            r = -1;
            break;
        }
        if (ready(o, ctx)) {
            r = 1;
            break;
        }
        w = block_on(&o->cond, deadline);
        if (w == 1) break;
        if (w < 0) {
            r = -2;
            break;
        }
    }
    obj_leave(o);
    return r;
}

/* ---------------------------------------------------------------- mutexes */

QlOSStatus ql_rtos_mutex_create(ql_mutex_t *mutex_ref)
{
    struct mutex_obj *m;
    if (mutex_ref == NULL) return QL_OSI_TASK_PARAM_INVALID;
    osi_init();
    m = calloc(1, sizeof(*m));
    if (m == NULL) return QL_OSI_NO_MEMORY;
    *mutex_ref = obj_register(&m->h, OBJ_MUTEX);
    if (*mutex_ref == NULL) {
        free(m);
        return QL_OSI_MUTEX_CREATE_FAIL;
    }
    return QL_OSI_SUCCESS;
}

static int mutex_free_now(struct obj *o, void *ctx)
{
    (void)ctx;
    return ((struct mutex_obj *)o)->owner == NULL;
}

QlOSStatus ql_rtos_mutex_lock(ql_mutex_t mutex_ref, uint32 timeout)
{
    static int warned_relock;
    struct mutex_obj *m;
    uint64_t deadline;
    int r;
    qlrt_task_checkpoint();
    deadline = deadline_of(timeout);
    pthread_mutex_lock(&g_lock);
    m = (struct mutex_obj *)obj_get(mutex_ref, OBJ_MUTEX);
    if (m == NULL) {
        pthread_mutex_unlock(&g_lock);
        return QL_OSI_TASK_PARAM_INVALID;
    }
    if (m->owner == &t_owner_mark) {
        pthread_mutex_unlock(&g_lock);
        warn_once(&warned_relock, "ql_rtos_mutex_lock: task '%s' locks a mutex it holds (not recursive; on the "
                                  "module it blocks until the timeout): QL_OSI_MUTEX_LOCK_FAIL at once (logged once)",
                  qlrt_current_task_name());
        return QL_OSI_MUTEX_LOCK_FAIL;
    }
    r = obj_wait(&m->h, deadline, mutex_free_now, NULL);
    if (r == 1) m->owner = &t_owner_mark;
    pthread_mutex_unlock(&g_lock);
    if (r == -2) qlrt_task_checkpoint();
    return r == 1 ? QL_OSI_SUCCESS : QL_OSI_MUTEX_LOCK_FAIL;
}

QlOSStatus ql_rtos_mutex_try_lock(ql_mutex_t mutex_ref)
{
    struct mutex_obj *m;
    QlOSStatus r = QL_OSI_MUTEX_LOCK_FAIL;
    pthread_mutex_lock(&g_lock);
    m = (struct mutex_obj *)obj_get(mutex_ref, OBJ_MUTEX);
    if (m == NULL)
        r = QL_OSI_TASK_PARAM_INVALID;
    else if (m->owner == NULL) {
        m->owner = &t_owner_mark;
        r = QL_OSI_SUCCESS;
    }
    pthread_mutex_unlock(&g_lock);
    return r;
}

QlOSStatus ql_rtos_mutex_unlock(ql_mutex_t mutex_ref)
{
    struct mutex_obj *m;
    QlOSStatus r = QL_OSI_SUCCESS;
    pthread_mutex_lock(&g_lock);
    m = (struct mutex_obj *)obj_get(mutex_ref, OBJ_MUTEX);
    if (m == NULL)
        r = QL_OSI_TASK_PARAM_INVALID;
    else if (m->owner != &t_owner_mark)
        r = QL_OSI_MUTEX_UNLOCK_FAIL;
    else {
        m->owner = NULL;
        pthread_cond_broadcast(&m->h.cond);
    }
    pthread_mutex_unlock(&g_lock);
    return r;
}

QlOSStatus ql_rtos_mutex_delete(ql_mutex_t mutex_ref)
{
    struct obj *o;
    pthread_mutex_lock(&g_lock);
    o = obj_get(mutex_ref, OBJ_MUTEX);
    if (o) obj_kill(o);
    pthread_mutex_unlock(&g_lock);
    return o ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

/* ---------------------------------------------------------------- semaphores */

QlOSStatus ql_rtos_semaphore_create_ex(ql_sem_t *sema_ref, uint32 init_count, uint32 max_cnt)
{
    struct sem_obj *s;
    if (sema_ref == NULL || max_cnt == 0 || init_count > max_cnt) return QL_OSI_TASK_PARAM_INVALID;
    osi_init();
    s = calloc(1, sizeof(*s));
    if (s == NULL) return QL_OSI_NO_MEMORY;
    s->count = init_count;
    s->max = max_cnt;
    *sema_ref = obj_register(&s->h, OBJ_SEM);
    if (*sema_ref == NULL) {
        free(s);
        return QL_OSI_SEMA_CREATE_FAILE;
    }
    return QL_OSI_SUCCESS;
}

QlOSStatus ql_rtos_semaphore_create(ql_sem_t *sema_ref, uint32 init_count)
{
    return ql_rtos_semaphore_create_ex(sema_ref, init_count, 0xFFFFFFFFu);
}

static int sem_available(struct obj *o, void *ctx)
{
    (void)ctx;
    return ((struct sem_obj *)o)->count > 0;
}

QlOSStatus ql_rtos_semaphore_wait(ql_sem_t sema_ref, uint32 timeout)
{
    struct sem_obj *s;
    uint64_t deadline;
    int r;
    qlrt_task_checkpoint();
    deadline = deadline_of(timeout);
    pthread_mutex_lock(&g_lock);
    s = (struct sem_obj *)obj_get(sema_ref, OBJ_SEM);
    if (s == NULL) {
        pthread_mutex_unlock(&g_lock);
        return QL_OSI_TASK_PARAM_INVALID;
    }
    r = obj_wait(&s->h, deadline, sem_available, NULL);
    if (r == 1) s->count--;
    pthread_mutex_unlock(&g_lock);
    if (r == -2) qlrt_task_checkpoint();
    return r == 1 ? QL_OSI_SUCCESS : QL_OSI_SEMA_GET_FAIL;
}

QlOSStatus ql_rtos_semaphore_release(ql_sem_t sema_ref)
{
    struct sem_obj *s;
    QlOSStatus r = QL_OSI_SUCCESS;
    pthread_mutex_lock(&g_lock);
    s = (struct sem_obj *)obj_get(sema_ref, OBJ_SEM);
    if (s == NULL)
        r = QL_OSI_TASK_PARAM_INVALID;
    else if (s->count >= s->max)
        r = QL_OSI_SEMA_IS_FULL;
    else {
        s->count++;
        pthread_cond_broadcast(&s->h.cond);
    }
    pthread_mutex_unlock(&g_lock);
    return r;
}

QlOSStatus ql_rtos_semaphore_get_cnt(ql_sem_t sema_ref, uint32 *cnt_ptr)
{
    struct sem_obj *s;
    if (cnt_ptr == NULL) return QL_OSI_TASK_PARAM_INVALID;
    pthread_mutex_lock(&g_lock);
    s = (struct sem_obj *)obj_get(sema_ref, OBJ_SEM);
    if (s) *cnt_ptr = s->count;
    pthread_mutex_unlock(&g_lock);
    return s ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_semaphore_delete(ql_sem_t sema_ref)
{
    struct obj *o;
    pthread_mutex_lock(&g_lock);
    o = obj_get(sema_ref, OBJ_SEM);
    if (o) obj_kill(o);
    pthread_mutex_unlock(&g_lock);
    return o ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

/* ---------------------------------------------------------------- message queues */

QlOSStatus ql_rtos_queue_create(ql_queue_t *msgq_ref, uint32 max_size, uint32 max_number)
{
    struct queue_obj *q;
    if (msgq_ref == NULL || max_size == 0 || max_number == 0) return QL_OSI_TASK_PARAM_INVALID;
    if ((uint64_t)max_size * max_number > 64ull * 1024 * 1024) return QL_OSI_QUEUE_CREATE_FAIL;
    osi_init();
    q = calloc(1, sizeof(*q));
    if (q == NULL) return QL_OSI_NO_MEMORY;
    q->buf = calloc(max_number, max_size);
    if (q->buf == NULL) {
        free(q);
        return QL_OSI_NO_MEMORY;
    }
    q->msg_size = max_size;
    q->cap = max_number;
    *msgq_ref = obj_register(&q->h, OBJ_QUEUE);
    if (*msgq_ref == NULL) {
        free(q->buf);
        free(q);
        return QL_OSI_QUEUE_CREATE_FAIL;
    }
    return QL_OSI_SUCCESS;
}

static int queue_not_empty(struct obj *o, void *ctx)
{
    (void)ctx;
    return ((struct queue_obj *)o)->count > 0;
}

static int queue_not_full(struct obj *o, void *ctx)
{
    struct queue_obj *q = (struct queue_obj *)o;
    (void)ctx;
    return q->count < q->cap;
}

QlOSStatus ql_rtos_queue_wait(ql_queue_t msgq_ref, uint8 *recv_msg, uint32 size, uint32 timeout)
{
    struct queue_obj *q;
    uint64_t deadline;
    int r;
    if (recv_msg == NULL) return QL_OSI_TASK_PARAM_INVALID;
    qlrt_task_checkpoint();
    deadline = deadline_of(timeout);
    pthread_mutex_lock(&g_lock);
    q = (struct queue_obj *)obj_get(msgq_ref, OBJ_QUEUE);
    if (q == NULL) {
        pthread_mutex_unlock(&g_lock);
        return QL_OSI_TASK_PARAM_INVALID;
    }
    r = obj_wait(&q->h, deadline, queue_not_empty, NULL);
    if (r == 1) {
        memcpy(recv_msg, q->buf + (size_t)q->head * q->msg_size, size < q->msg_size ? size : q->msg_size);
        q->head = (q->head + 1) % q->cap;
        q->count--;
        pthread_cond_broadcast(&q->h.cond);
    }
    pthread_mutex_unlock(&g_lock);
    if (r == -2) qlrt_task_checkpoint();
    return r == 1 ? QL_OSI_SUCCESS : QL_OSI_QUEUE_RECEIVE_FAIL;
}

QlOSStatus ql_rtos_queue_release(ql_queue_t msgq_ref, uint32 size, uint8 *msg_ptr, uint32 timeout)
{
    struct queue_obj *q;
    uint64_t deadline;
    int r;
    if (msg_ptr == NULL && size > 0) return QL_OSI_TASK_PARAM_INVALID;
    qlrt_task_checkpoint();
    deadline = deadline_of(timeout);
    pthread_mutex_lock(&g_lock);
    q = (struct queue_obj *)obj_get(msgq_ref, OBJ_QUEUE);
    if (q == NULL) {
        pthread_mutex_unlock(&g_lock);
        return QL_OSI_TASK_PARAM_INVALID;
    }
    r = obj_wait(&q->h, deadline, queue_not_full, NULL);
    if (r == 1) {
        uint8 *slot = q->buf + (size_t)((q->head + q->count) % q->cap) * q->msg_size;
        uint32 n = size < q->msg_size ? size : q->msg_size;
        if (n) memcpy(slot, msg_ptr, n);
        memset(slot + n, 0, q->msg_size - n);
        q->count++;
        pthread_cond_broadcast(&q->h.cond);
    }
    pthread_mutex_unlock(&g_lock);
    if (r == -2) qlrt_task_checkpoint();
    if (r == 1) return QL_OSI_SUCCESS;
    return r == 0 ? QL_OSI_QUEUE_IS_FULL : QL_OSI_QUEUE_RELEASE_FAIL;
}

static QlOSStatus queue_count(ql_queue_t msgq_ref, uint32 *cnt_ptr, int free_slots)
{
    struct queue_obj *q;
    if (cnt_ptr == NULL) return QL_OSI_TASK_PARAM_INVALID;
    pthread_mutex_lock(&g_lock);
    q = (struct queue_obj *)obj_get(msgq_ref, OBJ_QUEUE);
    if (q) *cnt_ptr = free_slots ? q->cap - q->count : q->count;
    pthread_mutex_unlock(&g_lock);
    return q ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_queue_get_cnt(ql_queue_t msgq_ref, uint32 *cnt_ptr) { return queue_count(msgq_ref, cnt_ptr, 0); }

QlOSStatus ql_rtos_queue_get_free_cnt(ql_queue_t msgq_ref, uint32 *cnt_ptr)
{
    return queue_count(msgq_ref, cnt_ptr, 1);
}

QlOSStatus ql_rtos_queue_reset(ql_queue_t msgq_ref)
{
    struct queue_obj *q;
    pthread_mutex_lock(&g_lock);
    q = (struct queue_obj *)obj_get(msgq_ref, OBJ_QUEUE);
    if (q) {
        q->head = 0;
        q->count = 0;
        pthread_cond_broadcast(&q->h.cond);
    }
    pthread_mutex_unlock(&g_lock);
    return q ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_queue_delete(ql_queue_t msgq_ref)
{
    struct obj *o;
    pthread_mutex_lock(&g_lock);
    o = obj_get(msgq_ref, OBJ_QUEUE);
    if (o) obj_kill(o);
    pthread_mutex_unlock(&g_lock);
    return o ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

/* ---------------------------------------------------------------- event groups */

QlOSStatus ql_rtos_event_group_create(ql_egroup_t *egroup_ref)
{
    struct egroup_obj *e;
    if (egroup_ref == NULL) return QL_OSI_TASK_PARAM_INVALID;
    osi_init();
    e = calloc(1, sizeof(*e));
    if (e == NULL) return QL_OSI_NO_MEMORY;
    *egroup_ref = obj_register(&e->h, OBJ_EGROUP);
    if (*egroup_ref == NULL) {
        free(e);
        return QL_OSI_EGROUP_CREATE_FAILE;
    }
    return QL_OSI_SUCCESS;
}

static int bits_met(ql_event_bits_t have, ql_event_bits_t want, int all)
{
    return all ? (have & want) == want : (have & want) != 0;
}

/* After bits were set: satisfy every waiter whose condition now holds, each seeing the same value,
 * then clear what the satisfied waiters asked to clear (FreeRTOS's order; g_lock held). */
static void egroup_settle(struct egroup_obj *e)
{
    struct egroup_waiter *w;
    ql_event_bits_t clear = 0;
    for (w = e->waiters; w; w = w->next)
        if (!w->done && bits_met(e->bits, w->want, w->all)) {
            w->done = 1;
            w->value = e->bits;
            if (w->clear) clear |= w->want;
        }
    e->bits &= ~clear;
    pthread_cond_broadcast(&e->h.cond);
}

static int waiter_done(struct obj *o, void *ctx)
{
    (void)o;
    return ((struct egroup_waiter *)ctx)->done;
}

/* wait / sync. set: bits to set first (sync). Returns 1 met, 0 timeout, -1 deleted, -2 task
 * deleted, -3 bad handle; *value the bits when it ended (g_lock not held). */
static int egroup_wait(ql_egroup_t ref, ql_event_bits_t set, ql_event_bits_t want, int clear, int all,
                       uint32 timeout_ms, ql_event_bits_t *value)
{
    struct egroup_obj *e;
    struct egroup_waiter me, **pp;
    uint64_t deadline;
    int r;
    qlrt_task_checkpoint();
    deadline = deadline_of(timeout_ms);
    pthread_mutex_lock(&g_lock);
    e = (struct egroup_obj *)obj_get(ref, OBJ_EGROUP);
    if (e == NULL) {
        pthread_mutex_unlock(&g_lock);
        return -3;
    }
    memset(&me, 0, sizeof(me));
    me.want = want;
    me.all = all;
    me.clear = clear;
    me.next = e->waiters;
    e->waiters = &me;
    if (set) e->bits |= set;
    egroup_settle(e); /* settles this waiter too when its condition already holds */
    e->h.users++; /* keep e alive while unlinking below */
    r = obj_wait(&e->h, deadline, waiter_done, &me);
    if (r == -1) { /* deleted: the waiter list went with it */
        *value = 0;
    } else {
        for (pp = &e->waiters; *pp; pp = &(*pp)->next)
            if (*pp == &me) {
                *pp = me.next;
                break;
            }
        *value = me.done ? me.value : e->bits;
    }
    obj_leave(&e->h);
    pthread_mutex_unlock(&g_lock);
    if (r == -2) qlrt_task_checkpoint();
    return r;
}

QlOSStatus ql_rtos_event_group_wait(ql_egroup_t egroup_ref, const ql_event_bits_t bits_to_wait_for,
                                    const bool clear_on_exit, const bool wait_for_all_bits, ql_event_bits_t *curr_bits,
                                    uint32 timeout_ms)
{
    ql_event_bits_t v = 0;
    int r;
    if (bits_to_wait_for == 0 || (bits_to_wait_for & ~EGROUP_USABLE_BITS)) return QL_OSI_EGROUP_WAIT_BITS_FAIL;
    r = egroup_wait(egroup_ref, 0, bits_to_wait_for, clear_on_exit, wait_for_all_bits, timeout_ms, &v);
    if (r == -3) return QL_OSI_TASK_PARAM_INVALID;
    if (curr_bits) *curr_bits = v;
    return r == 1 ? QL_OSI_SUCCESS : QL_OSI_EGROUP_WAIT_BITS_FAIL;
}

QlOSStatus ql_rtos_event_group_sync(ql_egroup_t egroup_ref, const ql_event_bits_t bits_to_set,
                                    const ql_event_bits_t bits_to_wait_for, ql_event_bits_t *curr_bits,
                                    uint32 timeout_ms)
{
    ql_event_bits_t v = 0;
    int r;
    if (bits_to_wait_for == 0 || ((bits_to_wait_for | bits_to_set) & ~EGROUP_USABLE_BITS))
        return QL_OSI_EGROUP_SYNC_FAIL;
    r = egroup_wait(egroup_ref, bits_to_set, bits_to_wait_for, 1, 1, timeout_ms, &v);
    if (r == -3) return QL_OSI_TASK_PARAM_INVALID;
    if (curr_bits) *curr_bits = v;
    return r == 1 ? QL_OSI_SUCCESS : QL_OSI_EGROUP_SYNC_FAIL;
}

QlOSStatus ql_rtos_event_group_set(ql_egroup_t egroup_ref, const ql_event_bits_t bits_to_set,
                                   ql_event_bits_t *curr_bits)
{
    struct egroup_obj *e;
    if (bits_to_set & ~EGROUP_USABLE_BITS) return QL_OSI_EGROUP_SET_BITS_FAIL;
    pthread_mutex_lock(&g_lock);
    e = (struct egroup_obj *)obj_get(egroup_ref, OBJ_EGROUP);
    if (e) {
        e->bits |= bits_to_set;
        egroup_settle(e);
        if (curr_bits) *curr_bits = e->bits;
    }
    pthread_mutex_unlock(&g_lock);
    return e ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_event_group_clear(ql_egroup_t egroup_ref, const ql_event_bits_t bits_to_clear,
                                     ql_event_bits_t *curr_bits)
{
    struct egroup_obj *e;
    if (bits_to_clear & ~EGROUP_USABLE_BITS) return QL_OSI_EGROUP_CLEAR_BITS_FAIL;
    pthread_mutex_lock(&g_lock);
    e = (struct egroup_obj *)obj_get(egroup_ref, OBJ_EGROUP);
    if (e) {
        if (curr_bits) *curr_bits = e->bits; /* FreeRTOS returns the value before clearing */
        e->bits &= ~bits_to_clear;
    }
    pthread_mutex_unlock(&g_lock);
    return e ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_event_group_get(ql_egroup_t egroup_ref, ql_event_bits_t *curr_bits)
{
    struct egroup_obj *e;
    if (curr_bits == NULL) return QL_OSI_EGROUP_GET_BITS_FAIL;
    pthread_mutex_lock(&g_lock);
    e = (struct egroup_obj *)obj_get(egroup_ref, OBJ_EGROUP);
    if (e) *curr_bits = e->bits;
    pthread_mutex_unlock(&g_lock);
    return e ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_event_group_delete(ql_egroup_t egroup_ref)
{
    struct obj *o;
    pthread_mutex_lock(&g_lock);
    o = obj_get(egroup_ref, OBJ_EGROUP);
    if (o) obj_kill(o);
    pthread_mutex_unlock(&g_lock);
    return o ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

/* ---------------------------------------------------------------- critical sections */

static pthread_mutex_t g_crit = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static __thread uint32_t t_crit_depth;

uint32_t ql_rtos_enter_critical(void)
{
    pthread_mutex_lock(&g_crit);
    return t_crit_depth++;
}

void ql_rtos_exit_critical(uint32_t critical)
{
    static int warned;
    if (t_crit_depth == 0 || critical != t_crit_depth - 1) {
        warn_once(&warned, "ql_rtos_exit_critical(%u): not the innermost critical section of this thread (depth "
                           "%u); ignored (logged once)",
                  (unsigned)critical, (unsigned)t_crit_depth);
        return;
    }
    t_crit_depth--;
    pthread_mutex_unlock(&g_crit);
}

/* ---------------------------------------------------------------- timers and the watchdog */

static pthread_once_t g_service_once = PTHREAD_ONCE_INIT;
static pthread_t g_service_tid;
static int g_service_ok;
static struct {
    int enabled;
    uint32 missed_max, missed;
    uint64_t period, due;
    ql_swdog_callback cbs[MAX_SWDOG_CBS];
    uintptr_t task_ids[MAX_SWDOG_CBS];
} g_dog;

/* A pending timer bound to t, reserved for the caller to run (g_lock held). */
static struct timer *take_pending_timer(struct task *t, void (**cb)(void *), void **arg)
{
    int i;
    for (i = 0; i < MAX_OBJS; i++) {
        struct timer *tm = (struct timer *)g_objs[i].obj;
        if (tm && tm->h.type == OBJ_TIMER && tm->pending && tm->task_id == t->id) {
            tm->pending = 0;
            t->timers_pending--;
            tm->h.users++;
            *cb = tm->cb;
            *arg = tm->arg;
            return tm;
        }
    }
    t->timers_pending = 0; /* the pending timers were deleted */
    return NULL;
}

static void timer_put(struct timer *tm) { obj_leave(&tm->h); }

/* Fire one due timer (g_lock held; may unlock around a service-thread callback). */
static void timer_fire(struct timer *tm, uint64_t now)
{
    static int warned_gone;
    if (tm->cyclic) {
        tm->due += tm->period;
        if (tm->due <= now) tm->due = now + tm->period; /* fell behind: skip, do not burst */
    } else {
        tm->armed = 0;
    }
    if (tm->task_id != 0) {
        struct task *t = lookup((ql_task_t)tm->task_id, 0);
        if (t == NULL) {
            pthread_mutex_unlock(&g_lock);
            warn_once(&warned_gone, "a timer fired for a task that has ended; its callback is not run (logged once)");
            pthread_mutex_lock(&g_lock);
            return;
        }
        if (!tm->pending) { /* a timer pending already is not queued twice */
            tm->pending = 1;
            t->timers_pending++;
            pthread_cond_broadcast(&t->cond);
        }
        return;
    }
    tm->h.users++;
    tm->in_callback = 1;
    pthread_mutex_unlock(&g_lock);
    pthread_mutex_lock(&g_crit); /* not while a task is in a critical section */
    tm->cb(tm->arg);
    pthread_mutex_unlock(&g_crit);
    pthread_mutex_lock(&g_lock);
    tm->in_callback = 0;
    pthread_cond_broadcast(&g_timer_cond);
    obj_leave(&tm->h);
}

static void dog_tick(void)
{
    ql_swdog_callback cbs[MAX_SWDOG_CBS];
    int i, n = 0;
    if (g_dog.missed >= g_dog.missed_max) {
        uint32 missed = g_dog.missed, period_ms = (uint32)(g_dog.period / NS_PER_MS);
        g_dog.enabled = 0;
        pthread_mutex_unlock(&g_lock);
        qlrt_logf(QLRT_LV_ERROR,
                  "software watchdog: %u periods (%u ms each, host time) without ql_rtos_feed_dog(); the module would "
                  "restart here - the run ends",
                  (unsigned)missed, (unsigned)period_ms);
        qlrt_request_stop("software watchdog expired");
        pthread_mutex_lock(&g_lock);
        return;
    }
    g_dog.missed++;
    g_dog.due += g_dog.period;
    for (i = 0; i < MAX_SWDOG_CBS; i++)
        if (g_dog.cbs[i]) cbs[n++] = g_dog.cbs[i];
    pthread_mutex_unlock(&g_lock);
    for (i = 0; i < n; i++) cbs[i](QUEC_KERNEL_FEED_DOG, NULL);
    pthread_mutex_lock(&g_lock);
}

static void *service_main(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "qlrt-timers");
    t_thread_name = "timer-service";
    pthread_mutex_lock(&g_lock);
    for (;;) {
        uint64_t now = now_ns(), next = now + 1000 * NS_PER_MS;
        struct timer *due = NULL;
        struct timespec ts;
        int i;
        for (i = 0; i < MAX_OBJS; i++) {
            struct timer *tm = (struct timer *)g_objs[i].obj;
            if (tm == NULL || tm->h.type != OBJ_TIMER || !tm->armed) continue;
            if (tm->due <= now) {
                if (due == NULL || tm->due < due->due) due = tm;
            } else if (tm->due < next) {
                next = tm->due;
            }
        }
        if (due) {
            timer_fire(due, now);
            continue;
        }
        if (g_dog.enabled) {
            if (g_dog.due <= now) {
                dog_tick();
                continue;
            }
            if (g_dog.due < next) next = g_dog.due;
        }
        ts_of(next, &ts);
        pthread_cond_timedwait(&g_timer_cond, &g_lock, &ts);
    }
    return NULL;
}

static void service_start(void)
{
    pthread_attr_t a;
    osi_init();
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    g_service_ok = pthread_create(&g_service_tid, &a, service_main, NULL) == 0;
    pthread_attr_destroy(&a);
    if (!g_service_ok) qlrt_logf(QLRT_LV_WARN, "could not start the timer service thread");
}

static int service_running(void)
{
    pthread_once(&g_service_once, service_start);
    return g_service_ok;
}

QlOSStatus ql_rtos_timer_create(ql_timer_t *timer_ref, ql_task_t task_ref, void (*callback)(void *), void *arg)
{
    struct timer *tm;
    uintptr_t task_id = 0;
    if (timer_ref == NULL || callback == NULL) return QL_OSI_TASK_PARAM_INVALID;
    if (!service_running()) return QL_OSI_TIMER_CREATE_FAIL;
    if (task_ref != NULL && task_ref != QL_TIMER_IN_SERVICE) {
        pthread_mutex_lock(&g_lock);
        if (lookup(task_ref, 0)) task_id = (uintptr_t)task_ref;
        pthread_mutex_unlock(&g_lock);
        if (task_id == 0) return QL_OSI_TIMER_BIND_TASK_FAIL;
    }
    tm = calloc(1, sizeof(*tm));
    if (tm == NULL) return QL_OSI_NO_MEMORY;
    tm->task_id = task_id;
    tm->cb = callback;
    tm->arg = arg;
    *timer_ref = obj_register(&tm->h, OBJ_TIMER);
    if (*timer_ref == NULL) {
        free(tm);
        return QL_OSI_TIMER_CREATE_FAIL;
    }
    return QL_OSI_SUCCESS;
}

static QlOSStatus timer_arm(ql_timer_t timer_ref, uint64_t span_ns, int cyclic)
{
    struct timer *tm;
    if (span_ns == 0) span_ns = 1;
    pthread_mutex_lock(&g_lock);
    tm = (struct timer *)obj_get(timer_ref, OBJ_TIMER);
    if (tm) {
        tm->armed = 1;
        tm->cyclic = cyclic;
        tm->period = span_ns;
        tm->due = now_ns() + span_ns;
        pthread_cond_broadcast(&g_timer_cond);
    }
    pthread_mutex_unlock(&g_lock);
    return tm ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_timer_start(ql_timer_t timer_ref, uint32 set_time, unsigned char cyclical_en)
{
    if (cyclical_en && set_time == 0) return QL_OSI_TIMER_START_FAIL; /* a period of 0 would spin */
    return timer_arm(timer_ref, scaled_ns((double)set_time), cyclical_en != 0);
}

QlOSStatus ql_rtos_timer_start_relaxed(ql_timer_t timer_ref, uint32 set_time, unsigned char cyclical_en,
                                       uint32 relax_time)
{
    (void)relax_time; /* the host never sleeps, so the timer is never late */
    return ql_rtos_timer_start(timer_ref, set_time, cyclical_en);
}

QlOSStatus ql_rtos_timer_start_us(ql_timer_t timer_ref, uint32 set_time_us)
{
    return timer_arm(timer_ref, scaled_ns((double)set_time_us / 1000.0), 0);
}

QlOSStatus ql_rtos_timer_stop(ql_timer_t timer_ref)
{
    struct timer *tm;
    pthread_mutex_lock(&g_lock);
    tm = (struct timer *)obj_get(timer_ref, OBJ_TIMER);
    if (tm) {
        tm->armed = 0;
        if (tm->pending) { /* fired but not run yet: a stopped timer does not run */
            struct task *t = lookup((ql_task_t)tm->task_id, 0);
            tm->pending = 0;
            if (t && t->timers_pending) t->timers_pending--;
        }
    }
    pthread_mutex_unlock(&g_lock);
    return tm ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_timer_is_running(ql_timer_t timer_ref)
{
    struct timer *tm;
    int running = 0;
    pthread_mutex_lock(&g_lock);
    tm = (struct timer *)obj_get(timer_ref, OBJ_TIMER);
    if (tm) running = tm->armed;
    pthread_mutex_unlock(&g_lock);
    return tm ? running : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_timer_delete(ql_timer_t timer_ref)
{
    struct timer *tm;
    pthread_mutex_lock(&g_lock);
    tm = (struct timer *)obj_get(timer_ref, OBJ_TIMER);
    if (tm == NULL) {
        pthread_mutex_unlock(&g_lock);
        return QL_OSI_TASK_PARAM_INVALID;
    }
    tm->armed = 0;
    if (tm->pending) {
        struct task *t = lookup((ql_task_t)tm->task_id, 0);
        tm->pending = 0;
        if (t && t->timers_pending) t->timers_pending--;
    }
    /* A callback running on the service thread finishes first, unless this is that callback (or the
     * caller is in a critical section, which the callback waits for). */
    if (!pthread_equal(pthread_self(), g_service_tid) && t_crit_depth == 0) {
        tm->h.users++;
        while (tm->in_callback) {
            struct timespec ts;
            ts_of(now_ns() + WAIT_SLICE_MS * NS_PER_MS, &ts);
            pthread_cond_timedwait(&g_timer_cond, &g_lock, &ts);
        }
        tm->h.users--;
    }
    obj_kill(&tm->h);
    pthread_mutex_unlock(&g_lock);
    return QL_OSI_SUCCESS;
}

QlOSStatus ql_rtos_swdog_register(ql_swdog_callback callback, ql_task_t task_ref)
{
    int i, slot = -1;
    if (callback == NULL) return QL_OSI_SWDOG_REGISTER_FAIL;
    if (!service_running()) return QL_OSI_SWDOG_REGISTER_FAIL;
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < MAX_SWDOG_CBS; i++) {
        if (g_dog.cbs[i] == callback) slot = -2;
        if (slot == -1 && g_dog.cbs[i] == NULL) slot = i;
    }
    if (slot >= 0) {
        g_dog.cbs[slot] = callback;
        g_dog.task_ids[slot] = (uintptr_t)task_ref;
    }
    pthread_mutex_unlock(&g_lock);
    return slot >= 0 ? QL_OSI_SUCCESS : QL_OSI_SWDOG_REGISTER_FAIL;
}

QlOSStatus ql_rtos_swdog_unregister(ql_swdog_callback callback)
{
    int i, found = 0;
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < MAX_SWDOG_CBS; i++)
        if (callback != NULL && g_dog.cbs[i] == callback) {
            g_dog.cbs[i] = NULL;
            found = 1;
        }
    pthread_mutex_unlock(&g_lock);
    return found ? QL_OSI_SUCCESS : QL_OSI_SWDOG_UNREGISTER_FAIL;
}

QlOSStatus ql_rtos_feed_dog(void)
{
    int on;
    pthread_mutex_lock(&g_lock);
    on = g_dog.enabled;
    g_dog.missed = 0;
    pthread_mutex_unlock(&g_lock);
    return on ? QL_OSI_SUCCESS : QL_OSI_SWDOG_FEED_DOG_FAIL;
}

QlOSStatus ql_rtos_sw_dog_enable(uint32 period_ms, uint32 missed_cnt)
{
    if (period_ms == 0 || missed_cnt == 0) return QL_OSI_SWDOG_ENABLE_FAIL;
    if (!service_running()) return QL_OSI_SWDOG_ENABLE_FAIL;
    pthread_mutex_lock(&g_lock);
    g_dog.enabled = 1;
    g_dog.missed = 0;
    g_dog.missed_max = missed_cnt;
    g_dog.period = scaled_ns((double)period_ms);
    if (g_dog.period == 0) g_dog.period = 1;
    g_dog.due = now_ns() + g_dog.period;
    pthread_cond_broadcast(&g_timer_cond);
    pthread_mutex_unlock(&g_lock);
    return QL_OSI_SUCCESS;
}

QlOSStatus ql_rtos_sw_dog_disable(void)
{
    int was;
    pthread_mutex_lock(&g_lock);
    was = g_dog.enabled;
    g_dog.enabled = 0;
    pthread_mutex_unlock(&g_lock);
    return was ? QL_OSI_SUCCESS : QL_OSI_SWDOG_DISABLE_FAIL;
}

/* ---------------------------------------------------------------- memory, time, misc */

void *ql_malloc(int size)
{
    if (size < 0) return NULL;
    return calloc(1, size ? (size_t)size : 1);
}

void ql_free(void *ptr) { free(ptr); }

QlOSStatus ql_gettimeofday(ql_timeval_t *timeval)
{
    struct timespec t;
    if (timeval == NULL) return QL_OSI_TASK_PARAM_INVALID;
    clock_gettime(CLOCK_REALTIME, &t);
    timeval->sec = (uint32)t.tv_sec;
    timeval->usec = (uint32)(t.tv_nsec / 1000);
    return QL_OSI_SUCCESS;
}

uint32 ql_rtos_get_system_tick(void) { return (uint32)(qlrt_elapsed_s() * 1000.0); }

int64_t ql_rtos_up_time_ms(void) { return (int64_t)(qlrt_elapsed_s() * 1000.0); }

void ql_assert(void)
{
    qlrt_logf(QLRT_LV_ERROR, "ql_assert() called by task '%s': the module would halt here; aborting",
              qlrt_current_task_name());
    abort();
}

int ql_rtos_get_cpu_using(void)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static uint64_t wall0, cpu0;
    static int last = 0, started = 0;
    struct timespec c;
    uint64_t wall = now_ns(), cpu;
    int r;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
    cpu = (uint64_t)c.tv_sec * 1000000000ull + (uint64_t)c.tv_nsec;
    pthread_mutex_lock(&lock);
    if (!started) {
        started = 1;
        wall0 = wall;
        cpu0 = cpu;
        last = 0;
    } else if (wall - wall0 >= 1000 * NS_PER_MS) { /* a new one-second window */
        uint64_t pct = (cpu - cpu0) * 100u / (wall - wall0);
        last = pct > 100 ? 100 : (int)pct;
        wall0 = wall;
        cpu0 = cpu;
    }
    r = last;
    pthread_mutex_unlock(&lock);
    return r;
}

QlOSStatus ql_delay_us(uint32_t us)
{
    uint64_t end;
    if (us < 1 || us > 1000000) return QL_OSI_TASK_PARAM_INVALID;
    end = now_ns() + scaled_ns((double)us / 1000.0);
    while (now_ns() < end) {
    }
    return QL_OSI_SUCCESS;
}
