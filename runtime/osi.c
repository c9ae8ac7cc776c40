/*
 * osi.c - QuecOpen RTOS tasks, sleeps, mutexes and semaphores on POSIX threads.
 *
 * A task is a detached thread. Handles are unique ids (never reused). A task deleting itself
 * ends at once (pthread_exit); deleting another task marks it and it ends at its next
 * ql_rtos_* call (sleep, yield, mutex, semaphore) - threads are never cancelled
 * asynchronously, so no task dies holding a lock inside the SSL library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ql_api_osi.h"
#include "qlrt_internal.h"

#define MAX_TASKS 256
#define MIN_STACK (256u * 1024u)

enum { SLOT_FREE = 0, SLOT_RUNNING, SLOT_ENDED };

struct task {
    int state;
    int delete_requested;
    uintptr_t id;
    pthread_t tid;
    void (*entry)(void *);
    void *arg;
    char name[32];
};

static struct task g_tasks[MAX_TASKS];
static uintptr_t g_next_id = 1;
static unsigned g_created, g_ended, g_alive;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static __thread struct task *t_self;

static void init_cond(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&g_cond, &a);
    pthread_condattr_destroy(&a);
}

const char *qlrt_current_task_name(void) { return t_self ? t_self->name : "main"; }

static void task_ended(void *p)
{
    struct task *t = p;
    pthread_mutex_lock(&g_lock);
    t->state = SLOT_ENDED;
    g_ended++;
    g_alive--;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

static void *trampoline(void *p)
{
    struct task *t = p;
    t_self = t;
    qlrt_logf(QLRT_LV_DEBUG, "task '%s' started", t->name);
    pthread_cleanup_push(task_ended, t);
    t->entry(t->arg);
    qlrt_logf(QLRT_LV_DEBUG, "task '%s' returned from its entry function", t->name);
    pthread_cleanup_pop(1);
    return NULL;
}

/* Variadic as in the SDK; the host has no use for trailing arguments, so they are not read. */
QlOSStatus ql_rtos_task_create(ql_task_t *task_ref, uint32 stack_size, uint8 priority, char *task_name,
                               void (*task_start)(void *), void *argv, uint32 event_count, ...)
{
    pthread_attr_t attr;
    struct task *t = NULL;
    size_t stack;
    int i, rc;
    (void)priority;
    (void)event_count;
    pthread_once(&g_once, init_cond);
    if (task_ref == NULL || task_start == NULL) return QL_OSI_TASK_PARAM_INVALID;
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < MAX_TASKS; i++)
        if (g_tasks[i].state != SLOT_RUNNING) {
            t = &g_tasks[i];
            break;
        }
    if (t == NULL) {
        pthread_mutex_unlock(&g_lock);
        qlrt_logf(QLRT_LV_WARN, "ql_rtos_task_create: more than %d tasks alive", MAX_TASKS);
        return QL_OSI_TASK_CREATE_FAIL;
    }
    memset(t, 0, sizeof(*t));
    t->state = SLOT_RUNNING;
    t->id = g_next_id++;
    t->entry = task_start;
    t->arg = argv;
    snprintf(t->name, sizeof(t->name), "%s", task_name ? task_name : "task");
    g_created++;
    g_alive++;
    pthread_mutex_unlock(&g_lock);

    stack = stack_size < MIN_STACK ? MIN_STACK : stack_size;
    if (stack > 64u * 1024u * 1024u) stack = 64u * 1024u * 1024u;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, stack);
    /* Publish the handle before the task runs: it may look itself up at once. */
    *task_ref = (ql_task_t)t->id;
    rc = pthread_create(&t->tid, &attr, trampoline, t);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        pthread_mutex_lock(&g_lock);
        t->state = SLOT_FREE;
        g_created--;
        g_alive--;
        pthread_cond_broadcast(&g_cond);
        pthread_mutex_unlock(&g_lock);
        *task_ref = NULL;
        qlrt_logf(QLRT_LV_WARN, "ql_rtos_task_create('%s'): pthread_create: %s", t->name, strerror(rc));
        return QL_OSI_TASK_CREATE_FAIL;
    }
    return QL_OSI_SUCCESS;
}

static struct task *lookup(ql_task_t ref)
{
    uintptr_t id = (uintptr_t)ref;
    int i;
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
    t = lookup(task_ref);
    if (t) t->delete_requested = 1;
    pthread_mutex_unlock(&g_lock);
    if (t == NULL) return QL_OSI_TASK_DELETE_FAIL;
    qlrt_logf(QLRT_LV_DEBUG, "task '%s' marked for deletion (ends at its next ql_rtos_* call)", t->name);
    return QL_OSI_SUCCESS;
}

void qlrt_task_checkpoint(void)
{
    int del = 0;
    if (t_self == NULL) return;
    pthread_mutex_lock(&g_lock);
    del = t_self->delete_requested;
    pthread_mutex_unlock(&g_lock);
    if (del) {
        qlrt_logf(QLRT_LV_DEBUG, "task '%s' ends: deleted by another task", t_self->name);
        pthread_exit(NULL);
    }
}

QlOSStatus ql_rtos_task_get_current_ref(ql_task_t *task_ref)
{
    if (task_ref == NULL) return QL_OSI_TASK_PARAM_INVALID;
    *task_ref = t_self ? (ql_task_t)t_self->id : NULL;
    return QL_OSI_SUCCESS;
}

void ql_rtos_task_yield(void)
{
    qlrt_task_checkpoint();
    sched_yield();
}

static void sleep_scaled_ms(double ms)
{
    struct timespec ts;
    double s = ms / qlrt_time_scale() / 1000.0;
    int guard = 0;
    if (s < 0) s = 0;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && guard++ < 1000) {
    }
}

void ql_rtos_task_sleep_ms(uint32 ms)
{
    qlrt_task_checkpoint();
    sleep_scaled_ms((double)ms);
    qlrt_task_checkpoint();
}

void ql_rtos_task_sleep_s(uint32 s)
{
    qlrt_task_checkpoint();
    sleep_scaled_ms((double)s * 1000.0);
    qlrt_task_checkpoint();
}

uint32 ql_rtos_get_system_tick(void) { return (uint32)(qlrt_elapsed_s() * 1000.0); }

int64_t ql_rtos_up_time_ms(void) { return (int64_t)(qlrt_elapsed_s() * 1000.0); }

int qlrt_wait_tasks(double timeout_s)
{
    struct timespec until;
    int alive;
    pthread_once(&g_once, init_cond);
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)timeout_s;
    until.tv_nsec += (long)((timeout_s - (double)(time_t)timeout_s) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&g_lock);
    while (g_alive > 0) {
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

/* ---------------------------------------------------------------- mutexes and semaphores */

#define OBJ_MAGIC_MUTEX 0x514d5458u
#define OBJ_MAGIC_SEM 0x5153454du
#define MAX_OBJS 1024

struct qlrt_mutex {
    unsigned magic;
    pthread_mutex_t m;
};

struct qlrt_sem {
    unsigned magic;
    pthread_mutex_t m;
    pthread_cond_t c;
    unsigned count;
};

/* Mutex and semaphore handles are ids looked up in this table (never dereferenced), so a
 * garbage, stale or deleted handle is rejected instead of crashing. Ids are never reused. */
static struct {
    uintptr_t id;
    void *obj;
} g_objs[MAX_OBJS];
static uintptr_t g_next_obj = 0x10000;

static void *obj_register(void *obj)
{
    uintptr_t id = 0;
    int i;
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < MAX_OBJS; i++)
        if (g_objs[i].obj == NULL) {
            id = g_next_obj++;
            g_objs[i].id = id;
            g_objs[i].obj = obj;
            break;
        }
    pthread_mutex_unlock(&g_lock);
    return (void *)id;
}

static void *obj_find(void *handle, unsigned magic, int remove)
{
    uintptr_t id = (uintptr_t)handle;
    void *found = NULL;
    int i;
    if (id == 0) return NULL;
    pthread_mutex_lock(&g_lock);
    for (i = 0; i < MAX_OBJS; i++)
        if (g_objs[i].obj != NULL && g_objs[i].id == id && *(unsigned *)g_objs[i].obj == magic) {
            found = g_objs[i].obj;
            if (remove) g_objs[i].obj = NULL;
            break;
        }
    pthread_mutex_unlock(&g_lock);
    return found;
}

static void deadline_after(uint32 timeout_ms, struct timespec *ts)
{
    double s = (double)timeout_ms / 1000.0 / qlrt_time_scale();
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += (time_t)s;
    ts->tv_nsec += (long)((s - (double)(time_t)s) * 1e9);
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

QlOSStatus ql_rtos_mutex_create(ql_mutex_t *mutex_ref)
{
    struct qlrt_mutex *m;
    if (mutex_ref == NULL) return QL_OSI_TASK_PARAM_INVALID;
    m = calloc(1, sizeof(*m));
    if (m == NULL) return QL_OSI_NO_MEMORY;
    m->magic = OBJ_MAGIC_MUTEX;
    pthread_mutex_init(&m->m, NULL);
    *mutex_ref = obj_register(m);
    if (*mutex_ref == NULL) {
        pthread_mutex_destroy(&m->m);
        free(m);
        return QL_OSI_NO_MEMORY;
    }
    return QL_OSI_SUCCESS;
}

static struct qlrt_mutex *as_mutex(ql_mutex_t r) { return obj_find(r, OBJ_MAGIC_MUTEX, 0); }

QlOSStatus ql_rtos_mutex_lock(ql_mutex_t mutex_ref, uint32 timeout)
{
    struct qlrt_mutex *m = as_mutex(mutex_ref);
    struct timespec ts;
    uint64_t end;
    if (m == NULL) return QL_OSI_TASK_PARAM_INVALID;
    qlrt_task_checkpoint();
    if (timeout == QL_WAIT_FOREVER) return pthread_mutex_lock(&m->m) == 0 ? QL_OSI_SUCCESS : QL_OSI_MUTEX_LOCK_FAIL;
    deadline_after(timeout, &ts);
    end = (uint64_t)ts.tv_sec * 1000u + (uint64_t)(ts.tv_nsec / 1000000);
    /* pthread_mutex_timedlock uses CLOCK_REALTIME: poll against the monotonic deadline instead. */
    for (;;) {
        if (pthread_mutex_trylock(&m->m) == 0) return QL_OSI_SUCCESS;
        if (qlrt_now_ms() >= end) return QL_OSI_MUTEX_LOCK_FAIL;
        {
            struct timespec d = {0, 1000000L};
            nanosleep(&d, NULL);
        }
    }
}

QlOSStatus ql_rtos_mutex_try_lock(ql_mutex_t mutex_ref)
{
    struct qlrt_mutex *m = as_mutex(mutex_ref);
    if (m == NULL) return QL_OSI_TASK_PARAM_INVALID;
    return pthread_mutex_trylock(&m->m) == 0 ? QL_OSI_SUCCESS : QL_OSI_MUTEX_LOCK_FAIL;
}

QlOSStatus ql_rtos_mutex_unlock(ql_mutex_t mutex_ref)
{
    struct qlrt_mutex *m = as_mutex(mutex_ref);
    if (m == NULL) return QL_OSI_TASK_PARAM_INVALID;
    return pthread_mutex_unlock(&m->m) == 0 ? QL_OSI_SUCCESS : QL_OSI_TASK_PARAM_INVALID;
}

QlOSStatus ql_rtos_mutex_delete(ql_mutex_t mutex_ref)
{
    struct qlrt_mutex *m = obj_find(mutex_ref, OBJ_MAGIC_MUTEX, 1);
    if (m == NULL) return QL_OSI_TASK_PARAM_INVALID;
    m->magic = 0;
    pthread_mutex_destroy(&m->m);
    free(m);
    return QL_OSI_SUCCESS;
}

QlOSStatus ql_rtos_semaphore_create(ql_sem_t *sema_ref, uint32 init_count)
{
    struct qlrt_sem *s;
    pthread_condattr_t a;
    if (sema_ref == NULL) return QL_OSI_TASK_PARAM_INVALID;
    s = calloc(1, sizeof(*s));
    if (s == NULL) return QL_OSI_NO_MEMORY;
    s->magic = OBJ_MAGIC_SEM;
    s->count = init_count;
    pthread_mutex_init(&s->m, NULL);
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&s->c, &a);
    pthread_condattr_destroy(&a);
    *sema_ref = obj_register(s);
    if (*sema_ref == NULL) {
        pthread_cond_destroy(&s->c);
        pthread_mutex_destroy(&s->m);
        free(s);
        return QL_OSI_NO_MEMORY;
    }
    return QL_OSI_SUCCESS;
}

static struct qlrt_sem *as_sem(ql_sem_t r) { return obj_find(r, OBJ_MAGIC_SEM, 0); }

QlOSStatus ql_rtos_semaphore_wait(ql_sem_t sema_ref, uint32 timeout)
{
    struct qlrt_sem *s = as_sem(sema_ref);
    struct timespec ts;
    QlOSStatus r = QL_OSI_SUCCESS;
    if (s == NULL) return QL_OSI_TASK_PARAM_INVALID;
    qlrt_task_checkpoint();
    deadline_after(timeout == QL_WAIT_FOREVER ? 0 : timeout, &ts);
    pthread_mutex_lock(&s->m);
    while (s->count == 0) {
        if (timeout == QL_WAIT_FOREVER) {
            pthread_cond_wait(&s->c, &s->m);
        } else if (pthread_cond_timedwait(&s->c, &s->m, &ts) == ETIMEDOUT) {
            r = QL_OSI_SEMA_GET_FAIL;
            break;
        }
    }
    if (r == QL_OSI_SUCCESS) s->count--;
    pthread_mutex_unlock(&s->m);
    return r;
}

QlOSStatus ql_rtos_semaphore_release(ql_sem_t sema_ref)
{
    struct qlrt_sem *s = as_sem(sema_ref);
    if (s == NULL) return QL_OSI_TASK_PARAM_INVALID;
    pthread_mutex_lock(&s->m);
    s->count++;
    pthread_cond_signal(&s->c);
    pthread_mutex_unlock(&s->m);
    return QL_OSI_SUCCESS;
}

QlOSStatus ql_rtos_semaphore_delete(ql_sem_t sema_ref)
{
    struct qlrt_sem *s = obj_find(sema_ref, OBJ_MAGIC_SEM, 1);
    if (s == NULL) return QL_OSI_TASK_PARAM_INVALID;
    s->magic = 0;
    pthread_cond_destroy(&s->c);
    pthread_mutex_destroy(&s->m);
    free(s);
    return QL_OSI_SUCCESS;
}
