/*
 * osi_unit.c - checks of the host runtime's OSI and log APIs (ql_api_osi.h, ql_log.h), run as an
 * app by tests/runtime/runtime_tests.sh osi with QLRT_TIME_SCALE=10. Every failed check calls
 * qlrt_report_failure(), so the run exits 1; the last line "osi_unit: N checks passed" lets the
 * script see that the checks ran. Times are measured on the host clock and compared with the
 * application times divided by the scale.
 *
 * Families: tasks (events, status, user data, suspend/resume, deletion of a blocked task,
 * priorities as CPU share on one core), queues (full/empty, timeouts, FIFO order, blocking across
 * tasks, deletion under a waiter), semaphores (bounded, timeouts), mutexes (contention, ownership,
 * timeouts), event groups (any/all, clear on exit, timeouts, a three-task rendezvous), timers
 * (one-shot, periodic under the time scale, in a task / in the service, stop, start_us), the
 * software watchdog (fed), critical sections, memory and time calls, the log calls.
 *
 * Built with -DOSI_DOG_EXPIRE it lets the watchdog expire instead (the run must fail), with
 * -DOSI_ASSERT it calls ql_assert() (the run must abort).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ql_api_osi.h"
#include "ql_log.h"
#include "qlrt.h"

/* The SDK's values (ql_osi_def.h, ql_log.h of the current generation). */
_Static_assert((unsigned)QL_OSI_QUEUE_IS_FULL == 0x81000034u && (unsigned)QL_OSI_QUEUE_RECEIVE_FAIL == 0x81000036u &&
                   (unsigned)QL_OSI_SEMA_IS_FULL == 0x81000066u && (unsigned)QL_OSI_MUTEX_UNLOCK_FAIL == 0x81000099u &&
                   (unsigned)QL_OSI_EVENT_SEND_FAIL == 0x810000c8u && (unsigned)QL_OSI_EVENT_GET_FAIL == 0x810000c9u &&
                   (unsigned)QL_OSI_TIMER_BIND_TASK_FAIL == 0x810000feu &&
                   (unsigned)QL_OSI_SWDOG_DISABLE_FAIL == 0x81000130u &&
                   (unsigned)QL_OSI_EGROUP_SYNC_FAIL == 0x81000164u,
               "QL_OSI_* are the SDK's");
_Static_assert((unsigned)QUEC_KERNEL_FEED_DOG == 0x81000005u && (unsigned)QL_EVENT_APP_START == 0x9f000001u &&
                   (unsigned)QUEC_DATACALL_PDP_DEACTIVE_IND == 0x86010003u,
               "event ids are the SDK's");
_Static_assert(QL_WAIT_FOREVER == 0xFFFFFFFFu && QL_NO_WAIT == 0 && Running == 0 && Invalid == 5, "ql_api_osi.h enums");
_Static_assert((unsigned)QL_LOG_PORT_SET_ERR == 0x8e00000fu && QL_LOG_PORT_EXNAND == 5 && QL_LOG_PCAP_ECM_RNDIS == 2 &&
                   QL_FSTRACE_OPT_MOS == 32 && FSTRACE_FNAME_MAX == 64 && QUEC_FS_TRACE_PORT_EXT == 0x8000,
               "ql_log.h values are the SDK's");
_Static_assert(QL_LOG_TAG_OSI == OSI_MAKE_LOG_TAG('Q', 'O', 'S', 'I') && OSI_LOG_LEVEL_VERBOSE == 5,
               "tags and levels");

#define SCALE 10.0 /* QLRT_TIME_SCALE of the test run */

static int g_checks;

#define CHECK(cond, ...)                                                                                  \
    do {                                                                                                  \
        g_checks++;                                                                                       \
        if (!(cond)) {                                                                                    \
            qlrt_report_failure("line %d: %s", __LINE__, #cond);                                          \
            QL_LOG(QL_LOG_LEVEL_WARN, "osi_unit", __VA_ARGS__);                                           \
        }                                                                                                 \
    } while (0)

/* Host milliseconds (monotonic). */
static double host_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* An application span `app_ms` took about app_ms / SCALE on the host: at least that, and not more
 * than twice that plus 60 ms (a loaded two-core machine). */
static int took(double start, double app_ms)
{
    double dt = host_ms() - start, want = app_ms / SCALE;
    return dt >= want - 1.0 && dt <= 2 * want + 60.0;
}

static ql_sem_t g_done; /* helpers say they finished */

static void wait_helpers(int n, const char *what)
{
    int i;
    for (i = 0; i < n; i++) CHECK(ql_rtos_semaphore_wait(g_done, 20000) == QL_OSI_SUCCESS, "%s: helper %d of %d", what, i, n);
}

/* Wait (at most 5 s of application time) until a task has ended; 1 if it did. */
static int wait_ended(ql_task_t t)
{
    ql_task_status_t st;
    int i;
    for (i = 0; i < 50; i++) {
        if (ql_rtos_task_get_status(t, &st) == 0 && st.eCurrentState == Deleted) return 1;
        ql_rtos_task_sleep_ms(100);
    }
    return 0;
}

/* ------------------------------------------------------------------ queues */

static ql_queue_t g_q;

static void queue_producer(void *arg)
{
    (void)arg;
    ql_rtos_task_sleep_ms(300);
    ql_rtos_queue_release(g_q, 4, (uint8 *)"late", QL_NO_WAIT);
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(NULL);
}

static void queue_waiter_until_deleted(void *arg)
{
    uint8 buf[8];
    QlOSStatus r;
    (void)arg;
    r = ql_rtos_queue_wait(g_q, buf, sizeof(buf), QL_WAIT_FOREVER);
    CHECK(r == QL_OSI_QUEUE_RECEIVE_FAIL, "a waiter of a deleted queue gets QL_OSI_QUEUE_RECEIVE_FAIL, got %#x", r);
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(NULL);
}

static void check_queues(void)
{
    uint8 buf[16];
    uint32 n = 99;
    double t0;
    ql_task_t t;
    int i;

    CHECK(ql_rtos_queue_create(&g_q, 8, 3) == QL_OSI_SUCCESS, "queue create");
    CHECK(ql_rtos_queue_create(&g_q, 0, 3) == QL_OSI_TASK_PARAM_INVALID, "zero-size messages");
    CHECK(ql_rtos_queue_create(NULL, 8, 3) == QL_OSI_TASK_PARAM_INVALID, "NULL ref");
    /* empty */
    t0 = host_ms();
    CHECK(ql_rtos_queue_wait(g_q, buf, 8, QL_NO_WAIT) == QL_OSI_QUEUE_RECEIVE_FAIL, "empty, no wait");
    CHECK(host_ms() - t0 < 20, "QL_NO_WAIT does not wait");
    t0 = host_ms();
    CHECK(ql_rtos_queue_wait(g_q, buf, 8, 500) == QL_OSI_QUEUE_RECEIVE_FAIL, "empty, 500 ms");
    CHECK(took(t0, 500), "an empty queue's 500 ms wait takes 500/scale ms on the host (%.1f)", host_ms() - t0);
    CHECK(ql_rtos_queue_get_cnt(g_q, &n) == 0 && n == 0, "count 0");
    CHECK(ql_rtos_queue_get_free_cnt(g_q, &n) == 0 && n == 3, "free 3");
    /* full */
    for (i = 0; i < 3; i++) {
        uint8 m[8] = {(uint8)('a' + i), 1, 2, 3, 4, 5, 6, 7};
        CHECK(ql_rtos_queue_release(g_q, 8, m, QL_NO_WAIT) == QL_OSI_SUCCESS, "release %d", i);
    }
    CHECK(ql_rtos_queue_get_cnt(g_q, &n) == 0 && n == 3, "count 3");
    CHECK(ql_rtos_queue_get_free_cnt(g_q, &n) == 0 && n == 0, "free 0");
    CHECK(ql_rtos_queue_release(g_q, 8, buf, QL_NO_WAIT) == QL_OSI_QUEUE_IS_FULL, "full, no wait");
    t0 = host_ms();
    CHECK(ql_rtos_queue_release(g_q, 8, buf, 400) == QL_OSI_QUEUE_IS_FULL, "full, 400 ms");
    CHECK(took(t0, 400), "a full queue's 400 ms wait takes 400/scale ms on the host (%.1f)", host_ms() - t0);
    /* FIFO order, truncation on both sides */
    memset(buf, 0xee, sizeof(buf));
    CHECK(ql_rtos_queue_wait(g_q, buf, 16, QL_NO_WAIT) == 0 && buf[0] == 'a' && buf[7] == 7 && buf[8] == 0xee,
          "first in, first out; at most maxSize bytes copied");
    CHECK(ql_rtos_queue_release(g_q, 2, (uint8 *)"zz", QL_NO_WAIT) == 0, "short message");
    memset(buf, 0xee, sizeof(buf));
    CHECK(ql_rtos_queue_wait(g_q, buf, 1, QL_NO_WAIT) == 0 && buf[0] == 'b' && buf[1] == 0xee, "a 1-byte receive");
    CHECK(ql_rtos_queue_wait(g_q, buf, 8, QL_NO_WAIT) == 0 && buf[0] == 'c', "third");
    CHECK(ql_rtos_queue_wait(g_q, buf, 8, QL_NO_WAIT) == 0 && buf[0] == 'z' && buf[1] == 'z' && buf[2] == 0 && buf[7] == 0,
          "a short message's slot is zero-filled");
    /* reset */
    CHECK(ql_rtos_queue_release(g_q, 8, buf, QL_NO_WAIT) == 0 && ql_rtos_queue_reset(g_q) == 0, "reset");
    CHECK(ql_rtos_queue_get_cnt(g_q, &n) == 0 && n == 0, "reset empties");
    /* blocking across tasks: the receiver waits until the producer's message arrives */
    CHECK(ql_rtos_task_create(&t, 4096, APP_PRIORITY_NORMAL, "q_prod", queue_producer, NULL, 0) == 0, "producer");
    t0 = host_ms();
    memset(buf, 0, sizeof(buf));
    CHECK(ql_rtos_queue_wait(g_q, buf, 8, 5000) == 0 && memcmp(buf, "late", 4) == 0, "the blocked receiver got it");
    CHECK(took(t0, 300), "it arrived after the producer's 300 ms (%.1f)", host_ms() - t0);
    wait_helpers(1, "producer");
    /* delete under a waiter */
    CHECK(ql_rtos_task_create(&t, 4096, APP_PRIORITY_NORMAL, "q_wait", queue_waiter_until_deleted, NULL, 0) == 0,
          "waiter");
    ql_rtos_task_sleep_ms(200);
    CHECK(ql_rtos_queue_delete(g_q) == 0, "delete");
    wait_helpers(1, "waiter of the deleted queue");
    CHECK(ql_rtos_queue_release(g_q, 8, buf, QL_NO_WAIT) == QL_OSI_TASK_PARAM_INVALID, "deleted handle");
    CHECK(ql_rtos_queue_get_cnt((ql_queue_t)0x77, &n) == QL_OSI_TASK_PARAM_INVALID, "garbage handle");
}

/* ------------------------------------------------------------------ semaphores and mutexes */

static ql_mutex_t g_m;
static volatile int g_shared, g_in_section, g_overlap;

static void mutex_worker(void *arg)
{
    int i, loops = (int)(intptr_t)arg;
    for (i = 0; i < loops; i++) {
        if (ql_rtos_mutex_lock(g_m, QL_WAIT_FOREVER) != 0) {
            g_overlap++;
            continue;
        }
        if (g_in_section++) g_overlap++;
        g_shared = g_shared + 1;
        if (i % 50 == 0) ql_rtos_task_yield(); /* hold it while others queue up */
        g_in_section--;
        ql_rtos_mutex_unlock(g_m);
    }
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(NULL);
}

static void mutex_holder(void *arg)
{
    (void)arg;
    ql_rtos_mutex_lock(g_m, QL_WAIT_FOREVER);
    ql_rtos_semaphore_release(g_done); /* "I hold it" */
    ql_rtos_task_sleep_ms(600);
    ql_rtos_mutex_unlock(g_m);
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(NULL);
}

static void check_sems_mutexes(void)
{
    ql_sem_t s;
    uint32 n = 0;
    double t0;
    ql_task_t t;
    int i;

    CHECK(ql_rtos_semaphore_create_ex(&s, 1, 2) == 0, "bounded semaphore");
    CHECK(ql_rtos_semaphore_create_ex(&s, 3, 2) == QL_OSI_TASK_PARAM_INVALID, "initial above max");
    CHECK(ql_rtos_semaphore_create_ex(&s, 1, 2) == 0, "bounded semaphore again");
    CHECK(ql_rtos_semaphore_release(s) == 0, "1 -> 2");
    CHECK(ql_rtos_semaphore_release(s) == QL_OSI_SEMA_IS_FULL, "at its maximum: QL_OSI_SEMA_IS_FULL");
    CHECK(ql_rtos_semaphore_get_cnt(s, &n) == 0 && n == 2, "count 2");
    CHECK(ql_rtos_semaphore_wait(s, QL_NO_WAIT) == 0 && ql_rtos_semaphore_wait(s, QL_NO_WAIT) == 0, "take 2");
    t0 = host_ms();
    CHECK(ql_rtos_semaphore_wait(s, QL_NO_WAIT) == QL_OSI_SEMA_GET_FAIL && host_ms() - t0 < 20, "empty, no wait");
    t0 = host_ms();
    CHECK(ql_rtos_semaphore_wait(s, 300) == QL_OSI_SEMA_GET_FAIL, "empty, 300 ms");
    CHECK(took(t0, 300), "semaphore timeout scaled (%.1f)", host_ms() - t0);
    CHECK(ql_rtos_semaphore_delete(s) == 0 && ql_rtos_semaphore_get_cnt(s, &n) == QL_OSI_TASK_PARAM_INVALID,
          "deleted");

    /* contention: 4 tasks x 2000 increments under one mutex, never two inside at once */
    CHECK(ql_rtos_mutex_create(&g_m) == 0, "mutex");
    g_shared = g_in_section = g_overlap = 0;
    for (i = 0; i < 4; i++)
        CHECK(ql_rtos_task_create(&t, 4096, APP_PRIORITY_NORMAL, "mx_worker", mutex_worker, (void *)(intptr_t)2000,
                                  0) == 0,
              "worker %d", i);
    wait_helpers(4, "mutex workers");
    CHECK(g_shared == 8000 && g_overlap == 0, "mutual exclusion: %d of 8000 increments, %d overlaps", g_shared,
          g_overlap);

    /* ownership and timeouts */
    CHECK(ql_rtos_task_create(&t, 4096, APP_PRIORITY_NORMAL, "mx_holder", mutex_holder, NULL, 0) == 0, "holder");
    wait_helpers(1, "holder locked");
    CHECK(ql_rtos_mutex_unlock(g_m) == QL_OSI_MUTEX_UNLOCK_FAIL, "unlock by a task that does not hold it");
    CHECK(ql_rtos_mutex_try_lock(g_m) == QL_OSI_MUTEX_LOCK_FAIL, "try_lock of a held mutex");
    t0 = host_ms();
    CHECK(ql_rtos_mutex_lock(g_m, 200) == QL_OSI_MUTEX_LOCK_FAIL, "lock timeout while held");
    CHECK(took(t0, 200), "mutex timeout scaled (%.1f)", host_ms() - t0);
    CHECK(ql_rtos_mutex_lock(g_m, 5000) == 0, "acquired once the holder lets go");
    CHECK(ql_rtos_mutex_lock(g_m, 100) == QL_OSI_MUTEX_LOCK_FAIL, "not recursive");
    CHECK(ql_rtos_mutex_unlock(g_m) == 0 && ql_rtos_mutex_delete(g_m) == 0, "unlock, delete");
    wait_helpers(1, "holder done");
}

/* ------------------------------------------------------------------ event groups */

static ql_egroup_t g_eg;
static volatile int g_sync_ok;

static void egroup_setter(void *arg)
{
    ql_event_bits_t cur;
    (void)arg;
    ql_rtos_task_sleep_ms(200);
    ql_rtos_event_group_set(g_eg, 0x01, &cur);
    ql_rtos_task_sleep_ms(200);
    ql_rtos_event_group_set(g_eg, 0x04, &cur);
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(NULL);
}

static void egroup_syncer(void *arg)
{
    ql_event_bits_t cur = 0;
    unsigned bit = (unsigned)(uintptr_t)arg;
    ql_rtos_task_sleep_ms(100 * bit);
    if (ql_rtos_event_group_sync(g_eg, bit, 0x7, &cur, 5000) == 0 && (cur & 0x7) == 0x7) g_sync_ok++;
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(NULL);
}

static void check_egroups(void)
{
    ql_event_bits_t cur = 0;
    double t0;
    ql_task_t t;
    unsigned i;

    CHECK(ql_rtos_event_group_create(&g_eg) == 0, "create");
    CHECK(ql_rtos_event_group_set(g_eg, 0x12, &cur) == 0 && cur == 0x12, "set");
    CHECK(ql_rtos_event_group_clear(g_eg, 0x02, &cur) == 0 && cur == 0x12, "clear returns the value before");
    CHECK(ql_rtos_event_group_get(g_eg, &cur) == 0 && cur == 0x10, "get after clear");
    CHECK(ql_rtos_event_group_wait(g_eg, 0x30, FALSE, FALSE, &cur, QL_NO_WAIT) == 0 && cur == 0x10, "any: met");
    t0 = host_ms();
    CHECK(ql_rtos_event_group_wait(g_eg, 0x30, FALSE, TRUE, &cur, 300) == QL_OSI_EGROUP_WAIT_BITS_FAIL && cur == 0x10,
          "all: not met, times out with the current bits");
    CHECK(took(t0, 300), "event group timeout scaled (%.1f)", host_ms() - t0);
    CHECK(ql_rtos_event_group_set(g_eg, 0x01000000, &cur) == QL_OSI_EGROUP_SET_BITS_FAIL, "control bits refused");
    CHECK(ql_rtos_event_group_clear(g_eg, 0x10, NULL) == 0, "clear all");

    /* wait for all of 0x05 while another task sets 0x01, then 0x04; clear on exit */
    CHECK(ql_rtos_task_create(&t, 4096, APP_PRIORITY_NORMAL, "eg_set", egroup_setter, NULL, 0) == 0, "setter");
    t0 = host_ms();
    CHECK(ql_rtos_event_group_wait(g_eg, 0x05, TRUE, TRUE, &cur, 5000) == 0 && cur == 0x05, "all of 0x05 (%#x)",
          (unsigned)cur);
    CHECK(took(t0, 400), "only after the second set (%.1f)", host_ms() - t0);
    CHECK(ql_rtos_event_group_get(g_eg, &cur) == 0 && cur == 0, "cleared on exit");
    wait_helpers(1, "setter");

    /* three-task rendezvous: each sets its bit and waits for all three; the bits end cleared */
    g_sync_ok = 0;
    for (i = 1; i <= 4; i <<= 1)
        CHECK(ql_rtos_task_create(&t, 4096, APP_PRIORITY_NORMAL, "eg_sync", egroup_syncer, (void *)(uintptr_t)i, 0) ==
                  0,
              "syncer %u", i);
    wait_helpers(3, "syncers");
    CHECK(g_sync_ok == 3, "all three met at the rendezvous (%d)", g_sync_ok);
    CHECK(ql_rtos_event_group_get(g_eg, &cur) == 0 && cur == 0, "rendezvous bits cleared (%#x)", (unsigned)cur);
    CHECK(ql_rtos_event_group_delete(g_eg) == 0 && ql_rtos_event_group_get(g_eg, &cur) == QL_OSI_TASK_PARAM_INVALID,
          "delete");
}

/* ------------------------------------------------------------------ timers and task events */

static volatile int g_periodic_fires, g_oneshot_fires, g_service_fires, g_task_timer_fires;
static volatile int g_service_in_task = -1, g_task_timer_in_task = -1;
static volatile double g_first_fire, g_last_fire;
static ql_task_t g_timer_task;

static void periodic_cb(void *arg)
{
    double now = host_ms();
    (void)arg;
    if (g_periodic_fires++ == 0) g_first_fire = now;
    g_last_fire = now;
}

static void oneshot_cb(void *arg)
{
    (void)arg;
    g_oneshot_fires++;
}

static void service_cb(void *arg)
{
    ql_task_t me = (ql_task_t)1;
    (void)arg;
    g_service_in_task = ql_rtos_task_get_current_ref(&me) == QL_OSI_SUCCESS;
    g_service_fires++;
}

static void task_timer_cb(void *arg)
{
    ql_task_t me = NULL;
    ql_rtos_task_get_current_ref(&me);
    g_task_timer_in_task = me == *(ql_task_t *)arg;
    g_task_timer_fires++;
}

/* Takes events; counts the id-0 returns (a timer callback ran here) and the real ones. */
static volatile int g_events_seen, g_zero_events;
static void event_task(void *arg)
{
    ql_event_t ev;
    int i;
    (void)arg;
    ql_rtos_task_sleep_ms(300); /* let the sender fill the queue first */
    for (i = 0; i < 200 && (g_events_seen < 3 || g_zero_events < 1); i++) {
        if (ql_event_wait(&ev, 1000) != 0) continue;
        if (ev.id == 0)
            g_zero_events++;
        else if (ev.id == (uint32)QL_EVENT_APP_START + 1 && ev.param1 == 11)
            g_events_seen++;
    }
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(NULL);
}

static void check_timers_and_events(void)
{
    ql_timer_t per, one, svc, tt;
    ql_event_t ev = {(uint32)QL_EVENT_APP_START + 1, 11, 22, 33};
    double t0, mean, span;
    int fires;

    /* periodic: 100 ms at time scale 10 = 10 ms on the host */
    CHECK(ql_rtos_timer_create(&per, QL_TIMER_IN_SERVICE, periodic_cb, NULL) == 0, "periodic timer");
    CHECK(ql_rtos_timer_is_running(per) == 0, "created stopped");
    t0 = host_ms();
    CHECK(ql_rtos_timer_start(per, 100, 1) == 0 && ql_rtos_timer_is_running(per) == 1, "start cyclic");
    ql_rtos_task_sleep_ms(3000); /* 300 ms on the host: about 30 fires */
    CHECK(ql_rtos_timer_stop(per) == 0 && ql_rtos_timer_is_running(per) == 0, "stop");
    span = host_ms() - t0; /* the sleep may have overslept on a loaded machine */
    fires = g_periodic_fires;
    mean = fires > 1 ? (g_last_fire - g_first_fire) / (fires - 1) : 0;
    CHECK(fires >= 20 && fires >= (int)(span / 10.0 * 0.7) - 1 && fires <= (int)(span / 10.0) + 1,
          "a 100 ms period at scale 10 fires every 10 ms on the host: %d fires in %.1f ms", fires, span);
    CHECK(mean >= 9.0 && mean <= 15.0, "mean host period %.2f ms, want 10", mean);
    CHECK(g_first_fire - t0 >= 9.0, "the first fire comes one period after the start (%.2f)", g_first_fire - t0);
    ql_rtos_task_sleep_ms(300);
    CHECK(g_periodic_fires == fires, "a stopped timer does not fire (%d after %d)", g_periodic_fires, fires);
    CHECK(ql_rtos_timer_delete(per) == 0 && ql_rtos_timer_start(per, 10, 0) == QL_OSI_TASK_PARAM_INVALID, "deleted");

    /* one-shot, restarted before it fires, then start_us; service-thread callbacks are not tasks */
    CHECK(ql_rtos_timer_create(&one, NULL, oneshot_cb, NULL) == 0, "one-shot timer");
    CHECK(ql_rtos_timer_start(one, 400, 0) == 0, "start");
    ql_rtos_task_sleep_ms(200);
    CHECK(ql_rtos_timer_start(one, 400, 0) == 0, "restart");
    ql_rtos_task_sleep_ms(300);
    CHECK(g_oneshot_fires == 0, "a restart postpones it");
    ql_rtos_task_sleep_ms(300);
    CHECK(g_oneshot_fires == 1 && ql_rtos_timer_is_running(one) == 0, "fired once, then stopped (%d)", g_oneshot_fires);
    CHECK(ql_rtos_timer_start_us(one, 50000) == 0, "start_us 50 ms");
    ql_rtos_task_sleep_ms(300);
    CHECK(g_oneshot_fires == 2, "start_us fired (%d)", g_oneshot_fires);
    CHECK(ql_rtos_timer_delete(one) == 0, "delete");
    CHECK(ql_rtos_timer_create(&svc, QL_TIMER_IN_SERVICE, service_cb, NULL) == 0 && ql_rtos_timer_start(svc, 50, 0) == 0,
          "service timer");
    ql_rtos_task_sleep_ms(300);
    CHECK(g_service_fires == 1 && g_service_in_task == 0, "a service callback runs outside any task");
    ql_rtos_timer_delete(svc);
    CHECK(ql_rtos_timer_create(&svc, (ql_task_t)0x4242, service_cb, NULL) == QL_OSI_TIMER_BIND_TASK_FAIL,
          "binding to a task that does not exist");

    /* a task's events: capacity 2; the timer bound to the task runs in it, seen as event id 0 */
    CHECK(ql_rtos_task_create(&g_timer_task, 4096, APP_PRIORITY_NORMAL, "evt_task", event_task, NULL, 2) == 0,
          "event task");
    CHECK(ql_rtos_event_send(g_timer_task, &ev) == 0 && ql_rtos_event_send(g_timer_task, &ev) == 0, "two events");
    CHECK(ql_rtos_event_send(g_timer_task, &ev) == QL_OSI_EVENT_SEND_FAIL, "a full event queue: QL_OSI_EVENT_SEND_FAIL");
    t0 = host_ms();
    CHECK(ql_rtos_event_send_ex(g_timer_task, &ev, 5000) == 0, "send_ex waits for room");
    CHECK(took(t0, 300) || host_ms() - t0 >= 25.0, "room came when the task woke (%.1f)", host_ms() - t0);
    CHECK(ql_rtos_timer_create(&tt, g_timer_task, task_timer_cb, (void *)&g_timer_task) == 0, "task-bound timer");
    CHECK(ql_rtos_timer_start(tt, 100, 0) == 0, "start it");
    wait_helpers(1, "event task");
    CHECK(g_events_seen == 3, "the task received 3 events (%d)", g_events_seen);
    CHECK(g_task_timer_fires == 1 && g_task_timer_in_task == 1 && g_zero_events == 1,
          "the bound timer ran in its task (fires %d, in task %d, id-0 events %d)", g_task_timer_fires,
          g_task_timer_in_task, g_zero_events);
    ql_rtos_timer_delete(tt);
    CHECK(wait_ended(g_timer_task), "the event task ended");
    CHECK(ql_rtos_event_send(g_timer_task, &ev) == QL_OSI_TASK_PARAM_INVALID, "send to an ended task");
    t0 = host_ms();
    CHECK(ql_event_try_wait(&ev) == QL_OSI_EVENT_GET_FAIL, "no events for this task");
    CHECK(ql_event_wait(&ev, 200) == QL_OSI_EVENT_GET_FAIL && took(t0, 200), "event wait timeout scaled (%.1f)",
          host_ms() - t0);
}

/* ------------------------------------------------------------------ tasks */

static volatile unsigned long g_spins[2];
static volatile int g_stop_spin;
static volatile int g_nice_seen[2];
static volatile int g_ticks;

static void spinner(void *arg)
{
    int idx = (int)(intptr_t)arg;
    cpu_set_t mask, one;
    int cpu = 0;
    /* Both on the same core (the lowest this process may use), so they compete for it. */
    if (sched_getaffinity(0, sizeof(mask), &mask) == 0)
        while (cpu < CPU_SETSIZE - 1 && !CPU_ISSET(cpu, &mask)) cpu++;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof(one), &one) != 0) qlrt_report_failure("sched_setaffinity(cpu %d) failed", cpu);
    g_nice_seen[idx] = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
    while (!g_stop_spin) g_spins[idx]++;
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(NULL);
}

static void ticker(void *arg)
{
    (void)arg;
    for (;;) {
        g_ticks++;
        ql_rtos_task_sleep_ms(100);
    }
}

static void blocked_forever(void *arg)
{
    ql_event_t ev;
    (void)arg;
    ql_event_wait(&ev, QL_WAIT_FOREVER);
    qlrt_report_failure("a deleted task returned from its wait");
}

static void check_tasks(void)
{
    ql_task_t hi, lo, tk, bl, me = NULL;
    ql_task_status_t st;
    uint8 prio = 0;
    void *ud = NULL;
    int base, ticks, i;
    double ratio;

    CHECK(ql_rtos_task_get_current_ref(&me) == 0 && me != NULL, "own ref");
    CHECK(ql_rtos_task_get_priority(NULL, &prio) == 0 && prio == APP_PRIORITY_NORMAL, "own priority");
    CHECK(ql_rtos_task_set_userdata(NULL, (void *)&g_checks) == 0 && ql_rtos_task_get_userdata(me, &ud) == 0 &&
              ud == (void *)&g_checks,
          "user data");
    CHECK(ql_rtos_task_get_status(me, &st) == 0 && st.eCurrentState == Running && st.xHandle == me &&
              strcmp(st.pcTaskName, "osi_unit_main_ta") == 0 && st.uxCurrentPriority == APP_PRIORITY_NORMAL,
          "own status (name kept to 16 bytes: '%s')", st.pcTaskName);
    CHECK(st.usStackHighWaterMark > 1000 && st.usStackHighWaterMark < 65535, "stack high-water mark %u words",
          (unsigned)st.usStackHighWaterMark);

    /* priorities: NORMAL vs LOW spinning on one core; nice 0 vs 8 should give about 6:1 */
    base = getpriority(PRIO_PROCESS, 0);
    g_stop_spin = 0;
    CHECK(ql_rtos_task_create(&hi, 4096, APP_PRIORITY_NORMAL, "spin_hi", spinner, (void *)0, 0) == 0, "hi");
    CHECK(ql_rtos_task_create(&lo, 4096, APP_PRIORITY_LOW, "spin_lo", spinner, (void *)1, 0) == 0, "lo");
    ql_rtos_task_sleep_ms(6000); /* 600 ms on the host */
    g_stop_spin = 1;
    wait_helpers(2, "spinners");
    ratio = g_spins[1] ? (double)g_spins[0] / (double)g_spins[1] : 1e9;
    QL_LOG(QL_LOG_LEVEL_INFO, "osi_unit", "priority NORMAL vs LOW on one core: %lu vs %lu loops, ratio %.2f (nice %d/%d)",
           g_spins[0], g_spins[1], ratio, g_nice_seen[0], g_nice_seen[1]);
    CHECK(g_nice_seen[1] == (base + 8 > 19 ? 19 : base + 8), "LOW runs at nice +8 (%d)", g_nice_seen[1]);
    CHECK(ratio > 2.0, "the NORMAL task got more than twice the LOW task's CPU (ratio %.2f)", ratio);
    CHECK(ql_rtos_task_change_priority(NULL, APP_PRIORITY_BELOW_NORMAL, &prio) == 0 && prio == APP_PRIORITY_NORMAL,
          "change priority");
    CHECK(getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid)) == base + 4, "BELOW_NORMAL is nice +4");
    CHECK(ql_rtos_task_change_priority(NULL, APP_PRIORITY_NORMAL, NULL) == 0 &&
              getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid)) == base,
          "back to NORMAL");

    /* suspend / resume: a ticker stops counting while suspended */
    CHECK(ql_rtos_task_create(&tk, 4096, APP_PRIORITY_NORMAL, "ticker", ticker, NULL, 0) == 0, "ticker");
    ql_rtos_task_sleep_ms(500);
    CHECK(ql_rtos_task_suspend(tk) == 0, "suspend");
    ql_rtos_task_sleep_ms(300);
    ticks = g_ticks;
    ql_rtos_task_sleep_ms(1000);
    CHECK(g_ticks == ticks, "no ticks while suspended (%d -> %d)", ticks, g_ticks);
    CHECK(ql_rtos_task_get_status(tk, &st) == 0 && st.eCurrentState == Suspended, "status Suspended (%d)",
          (int)st.eCurrentState);
    CHECK(ql_rtos_task_resume(tk) == 0, "resume");
    ql_rtos_task_sleep_ms(1000);
    CHECK(g_ticks >= ticks + 5, "ticking again after resume (%d -> %d)", ticks, g_ticks);
    CHECK(ql_rtos_task_get_status(tk, &st) == 0 && st.eCurrentState == Blocked, "a sleeping task is Blocked (%d)",
          (int)st.eCurrentState);
    CHECK(ql_rtos_task_delete(tk) == 0, "delete the ticker");

    /* a task blocked forever in ql_event_wait ends soon after it is deleted */
    CHECK(ql_rtos_task_create(&bl, 4096, APP_PRIORITY_NORMAL, "blocked", blocked_forever, NULL, 4) == 0, "blocked");
    ql_rtos_task_sleep_ms(200);
    CHECK(ql_rtos_task_get_status(bl, &st) == 0 && st.eCurrentState == Suspended, "waiting forever shows as Suspended");
    CHECK(ql_rtos_task_delete(bl) == 0, "delete the blocked task");
    for (i = 0; i < 50; i++) {
        ql_rtos_task_sleep_ms(100);
        if (ql_rtos_task_get_status(bl, &st) == 0 && st.eCurrentState == Deleted &&
            ql_rtos_task_get_status(tk, &st) == 0 && st.eCurrentState == Deleted)
            break;
    }
    CHECK(i < 20, "both deleted tasks ended within 2 s of application time (%d)", i);
    CHECK(ql_rtos_task_delete(bl) == QL_OSI_TASK_DELETE_FAIL, "deleting it again");
    CHECK(ql_rtos_task_resume((ql_task_t)0x5151) == QL_OSI_TASK_PARAM_INVALID, "garbage handle");
}

/* ------------------------------------------------------------------ watchdog, critical, misc, log */

static volatile int g_dog_calls;
static ql_task_t g_dog_task;

static void dog_cb(uint32 id_type, void *ctx)
{
    ql_event_t ev = {0, 0, 0, 0};
    (void)ctx;
    if (id_type != (uint32)QUEC_KERNEL_FEED_DOG) return;
    g_dog_calls++;
    ev.id = QUEC_KERNEL_FEED_DOG;
    ql_rtos_event_send(g_dog_task, &ev);
}

static void dog_feeder(void *arg)
{
    ql_event_t ev;
    int fed = 0;
    (void)arg;
    while (fed < 6)
        if (ql_event_wait(&ev, 5000) == 0 && ev.id == (uint32)QUEC_KERNEL_FEED_DOG) {
#ifndef OSI_DOG_EXPIRE
            ql_rtos_feed_dog();
#endif
            fed++;
        }
    ql_rtos_semaphore_release(g_done);
    ql_rtos_task_delete(NULL);
}

static void check_dog_critical_misc(void)
{
    uint32_t c1, c2;
    ql_timeval_t tv;
    unsigned char *p;
    ql_log_pcap_e pc = QL_LOG_PCAP_PPP;
    ql_fs_trace_cfg_t cfg;
    uint32 opt = 99;
    int64_t up;
    int cpu;

    /* watchdog: period 200 ms, 3 misses allowed; the feeder feeds on each call (6 periods) */
    CHECK(ql_rtos_task_create(&g_dog_task, 4096, APP_PRIORITY_NORMAL, "feeder", dog_feeder, NULL, 4) == 0, "feeder");
    CHECK(ql_rtos_swdog_register(dog_cb, g_dog_task) == 0, "register");
    CHECK(ql_rtos_swdog_register(dog_cb, g_dog_task) == QL_OSI_SWDOG_REGISTER_FAIL, "registered twice");
    CHECK(ql_rtos_feed_dog() == QL_OSI_SWDOG_FEED_DOG_FAIL, "feeding a disabled watchdog");
    CHECK(ql_rtos_sw_dog_enable(200, 3) == 0, "enable");
    wait_helpers(1, "feeder");
#ifdef OSI_DOG_EXPIRE
    ql_rtos_task_sleep_ms(3000); /* not fed: the watchdog ends the run */
    qlrt_report_failure("the watchdog did not end the run");
#endif
    CHECK(g_dog_calls >= 6, "the watchdog called back every period (%d)", g_dog_calls);
    CHECK(ql_rtos_sw_dog_disable() == 0 && ql_rtos_swdog_unregister(dog_cb) == 0, "disable, unregister");
    CHECK(ql_rtos_swdog_unregister(dog_cb) == QL_OSI_SWDOG_UNREGISTER_FAIL, "unregistered twice");

    /* critical sections nest, innermost first */
    c1 = ql_rtos_enter_critical();
    c2 = ql_rtos_enter_critical();
    CHECK(c1 == 0 && c2 == 1, "nesting tokens %u %u", (unsigned)c1, (unsigned)c2);
    ql_rtos_exit_critical(c2);
    ql_rtos_exit_critical(c1);
    ql_rtos_exit_critical(c1); /* unbalanced: ignored, one WARN line */

    p = ql_malloc(64);
    CHECK(p != NULL && p[0] == 0 && p[63] == 0, "ql_malloc zero-fills");
    QL_FREE_PTR(p);
    CHECK(p == NULL, "QL_FREE_PTR clears the pointer");
    ql_free(NULL);
    CHECK(ql_malloc(-1) == NULL, "negative size");
    CHECK(ql_gettimeofday(&tv) == 0 && (long)tv.sec - (long)time(NULL) <= 1 && (long)time(NULL) - (long)tv.sec <= 1 &&
              tv.usec < 1000000,
          "time of day");
    up = ql_rtos_up_time_ms();
    CHECK(up > 0 && (int64_t)ql_rtos_get_system_tick() - up <= 5, "up time and tick agree");
    CHECK(ql_delay_us(0) == QL_OSI_TASK_PARAM_INVALID && ql_delay_us(1000001) == QL_OSI_TASK_PARAM_INVALID,
          "delay range");
    CHECK(ql_delay_us(1000) == 0, "delay 1 ms");
    cpu = ql_rtos_get_cpu_using();
    CHECK(cpu >= 0 && cpu <= 100, "cpu using %d", cpu);

    /* log calls with no host meaning: the SDK's codes (and one WARN line each, checked by the script) */
    CHECK(ql_log_set_port(QL_LOG_PORT_USB) == QL_LOG_PORT_SET_ERR, "set_port");
    CHECK(ql_log_set_port(QL_LOG_PORT_UART) == QL_LOG_PORT_SET_ERR, "set_port again (warned once)");
    CHECK(ql_log_pcap_get(&pc) == QL_LOG_SUCCESS && pc == QL_LOG_PCAP_NONE, "pcap: none");
    CHECK(ql_log_pcap_set(QL_LOG_PCAP_NONE) == QL_LOG_SUCCESS && ql_log_pcap_set(QL_LOG_PCAP_PPP) == QL_LOG_EXECUTE_ERR,
          "pcap set");
    CHECK(ql_log_pcap_get_from_nv() == QL_LOG_EXECUTE_ERR, "pcap from NV");
    memset(&cfg, 0, sizeof(cfg));
    CHECK(ql_log_set_trace_max_size(&cfg) == QL_LOG_EXECUTE_ERR && ql_log_get_trace_max_size(NULL) ==
                                                                       QL_LOG_INVALID_PARAM_ERR,
          "trace size");
    CHECK(ql_log_set_fs_trace_opt(QL_FSTRACE_OPT_AP, true) == QL_LOG_EXECUTE_ERR &&
              ql_log_get_fs_trace_opt(&opt) == QL_LOG_SUCCESS && opt == 0,
          "fs trace options");
    ql_fs_trace_init();
    printf("osi_unit: printf is a QOPN log line %d\n", 42);
    QL_LOG_PRINTF_TAG(QL_LOG_LEVEL_INFO, QL_LOG_TAG_OSI, "osi_unit: tagged %s", "line");
    ql_quec_trace_enable(false);
    QL_LOG(QL_LOG_LEVEL_INFO, "osi_unit", "MUTED-LINE must not appear");
    printf("MUTED-LINE from printf must not appear either\n");
    ql_quec_trace_enable(true);
    QL_LOG(QL_LOG_LEVEL_INFO, "osi_unit", "log back on");
}

static void main_task(void *arg)
{
    (void)arg;
    CHECK(ql_rtos_semaphore_create(&g_done, 0) == 0, "semaphore");
#ifdef OSI_ASSERT
    ql_assert();
#endif
    check_queues();
    check_sems_mutexes();
    check_egroups();
    check_timers_and_events();
    check_tasks();
    check_dog_critical_misc();
    QL_LOG(QL_LOG_LEVEL_INFO, "osi_unit", "osi_unit: %d checks passed", g_checks);
    ql_rtos_task_delete(NULL);
}

int osi_unit_init(void)
{
    ql_task_t t;
    /* A name longer than 16 bytes: the SDK keeps the first 16. */
    return ql_rtos_task_create(&t, 8192, APP_PRIORITY_NORMAL, "osi_unit_main_task", main_task, NULL, 0);
}
