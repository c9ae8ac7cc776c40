/*
 * qlssl port layer for the QuecOpen SDK: the bare-metal libqlssl's `ql_ssl_platform_hooks` table
 * implemented over the SDK's own APIs (docs/CROSS.md, "Port layer for the QuecOpen SDK").
 *
 *   heap        malloc / memalign / free: the kernel's heap, as exported to application
 *               images (ql_malloc/ql_free are declared but not exported to them)
 *   clock       ql_rtos_up_time_ms                       (ql_api_osi.h)
 *   lock back-off ql_rtos_task_yield                     (ql_api_osi.h)
 *   sockets     lwip_send / lwip_recv (MSG_DONTWAIT), lwip_select, lwip_fcntl(F_GETFL),
 *               lwip_getpeername, lwip_get_error          (lwip/sockets.h)
 *   files       ql_fopen / ql_fsize / ql_fread / ql_fclose, so "UFS:name" reaches the module's
 *               file system unchanged; the session store's file is replaced with ql_fopen "wb" /
 *               ql_fwrite / ql_fsync / ql_fclose / ql_rename (ql_remove when the rename does not
 *               replace)                                  (ql_fs.h)
 *   wall clock  ql_rtc_get_time (UTC), 0 = unknown while the year is before
 *               QL_SSL_PORT_MIN_YEAR                      (ql_api_rtc.h)
 *   entropy     ql_dev_get_sys_srand, 32 bits a call      (ql_api_dev.h); see QL_SSL_PORT_ENTROPY
 *   panic       QL_LOG at error level, then the task sleeps for ever (ql_log.h)
 *
 * Use: compile ql_ssl_port_quecopen.c into the application with the bare-metal libqlssl.a and call
 * ql_ssl_port_quecopen_init() once, before any other ql_ssl_* call (e.g. first thing in the
 * application's init function). Build-time choices (all optional):
 *   QL_SSL_PORT_ENTROPY=fn   use `int fn(uint8_t *buf, size_t len)` (0 = filled) as the entropy
 *                            source instead of ql_dev_get_sys_srand, e.g. a hardware TRNG driver.
 *   QL_SSL_PORT_LOG_TAG="s"  the QL_LOG module string of the panic line (default "qlssl").
 *   QL_SSL_PORT_MIN_YEAR=y   an RTC year below this is "time unknown" (default 2024): the RTC
 *                            restarts at 2000-01-01 until the network sets it.
 */
#ifndef QL_SSL_PORT_QUECOPEN_H
#define QL_SSL_PORT_QUECOPEN_H

#ifndef QLSSL_BAREMETAL
#define QLSSL_BAREMETAL 1
#endif
#include "ql_ssl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The hook table (static storage; ql_ssl_platform_init copies it). */
const ql_ssl_platform_hooks *ql_ssl_port_quecopen_hooks(void);

/* ql_ssl_platform_init(ql_ssl_port_quecopen_hooks()): 0 (QL_SSL_SUCCESS) once registered, the
 * library's error code otherwise (e.g. already registered). Call once at boot. */
int ql_ssl_port_quecopen_init(void);

#ifdef __cplusplus
}
#endif

#endif
