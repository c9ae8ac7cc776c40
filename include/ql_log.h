/*
 * ql_log.h - QuecOpen logging on the qlssl host runtime. Lines go to stderr as
 *   [   12.345] I ql_SSL   <task> function:line message
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * Level values, tag constants and macro shapes are the SDK's (components/ql-kernel/inc/ql_log.h of
 * both generations), so SDK code builds unchanged:
 *   QL_LOG(level, module_str, msg, ...)            QL_LOG_PUSH(module_str, msg, ...)
 *   QL_LOG_TAG(level, tag, module_str, msg, ...)   QL_LOG_PUSH_TAG(module_str, tag, msg, ...)
 *   QL_LOG_PRINTF(level, fmt, ...)                 QL_LOG_PRINTF_TAG(level, tag, fmt, ...)
 * On the module a line is emitted when QL_LOG_OUTPUT_LEVEL >= level (so DEBUG and VERBOSE never
 * appear there). On the host the filter is $QLRT_LOG_LEVEL instead: NEVER (or NONE), ERROR, WARN,
 * INFO, DEBUG, VERBOSE or the numbers 0..5 (the QL_LOG_LEVEL_* values); a line is shown when its
 * level is at most that; the default is DEBUG. A line logged at QL_LOG_LEVEL_ERROR is always shown
 * and marks the run as failed (see the runner's success criterion). QL_LOG_PUSH lines (letter P)
 * are always shown and never count as errors. The numeric tag of the *_TAG macros selects a trace
 * channel on the module; on the host it is printed only by QL_LOG_PRINTF(_TAG), which have no
 * module string.
 */
#ifndef QL_LOG_H
#define QL_LOG_H

#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the SDK's osi_log.h pieces its ql_log.h builds on */
#ifndef OSI_MAKE_LOG_TAG
/** Four characters packed 7 bits each into a trace tag. */
#define OSI_MAKE_LOG_TAG(a, b, c, d) ((unsigned)(a) | ((unsigned)(b) << 7) | ((unsigned)(c) << 14) | ((unsigned)(d) << 21))
#endif

/* ---- levels */
#define QL_LOG_LEVEL_NEVER 0 /* on the module: "do not output"; used as a filter value */
#define QL_LOG_LEVEL_ERROR 1
#define QL_LOG_LEVEL_WARN 2
#define QL_LOG_LEVEL_INFO 3
#define QL_LOG_LEVEL_DEBUG 4
#define QL_LOG_LEVEL_VERBOSE 5
/** The module's compile-time filter level, and the level of QL_LOG_PUSH lines there. */
#define QL_LOG_OUTPUT_LEVEL QL_LOG_LEVEL_INFO

#define QL_LOG_ERRCODE_BASE (QL_COMPONENT_LOG << 16)

/* ---- trace tags (current generation) */
#define QL_LOG_TAG_OPEN OSI_MAKE_LOG_TAG('Q', 'O', 'P', 'N')
#define QL_LOG_TAG_QDEV OSI_MAKE_LOG_TAG('Q', 'D', 'E', 'V')
#define QL_LOG_TAG_SMS OSI_MAKE_LOG_TAG('Q', 'S', 'M', 'S')
#define QL_LOG_TAG_QVOLTE OSI_MAKE_LOG_TAG('Q', 'V', 'L', 'T')
#define QL_LOG_TAG_DATACALL OSI_MAKE_LOG_TAG('Q', 'D', 'C', 'A')
#define QL_LOG_TAG_NW OSI_MAKE_LOG_TAG('Q', 'L', 'N', 'W')
#define QL_LOG_TAG_QPBK OSI_MAKE_LOG_TAG('Q', 'P', 'B', 'K')
#define QL_LOG_TAG_QSIM OSI_MAKE_LOG_TAG('Q', 'S', 'I', 'M')
#define QL_LOG_TAG_QVIMADAPT OSI_MAKE_LOG_TAG('Q', 'V', 'S', 'A')
#define QL_LOG_TAG_QUSBNET OSI_MAKE_LOG_TAG('Q', 'U', 'N', 'T')
#define QL_LOG_TAG_QSPI OSI_MAKE_LOG_TAG('Q', 'S', 'P', 'I')
#define QL_LOG_TAG_SPI_NOR_FLASH OSI_MAKE_LOG_TAG('Q', 'S', 'N', 'O')
#define QL_LOG_TAG_SPI_NAND_FLASH OSI_MAKE_LOG_TAG('Q', 'S', 'N', 'A')
#define QL_LOG_TAG_SPI4_EXTNSFFS OSI_MAKE_LOG_TAG('Q', 'E', '4', 'T')
#define QL_LOG_TAG_SPI6_EXTNSFFS OSI_MAKE_LOG_TAG('Q', 'E', '6', 'T')
#define QL_LOG_TAG_TP OSI_MAKE_LOG_TAG('Q', 'T', 'P', '0')
#define QL_LOG_TAG_NTRIP_RTK OSI_MAKE_LOG_TAG('Q', 'N', 'R', 'K')
#define QL_LOG_TAG_VIRT_AT OSI_MAKE_LOG_TAG('Q', 'V', 'A', 'T')
#define QL_LOG_TAG_SDMMC OSI_MAKE_LOG_TAG('Q', 'S', 'D', 'M')
#define QL_LOG_TAG_AUDIO OSI_MAKE_LOG_TAG('Q', 'A', 'D', 'O')
#define QL_LOG_TAG_MTP OSI_MAKE_LOG_TAG('Q', 'M', 'T', 'P')
#define QL_LOG_TAG_CODEC OSI_MAKE_LOG_TAG('Q', 'C', 'O', 'D')
#define QL_LOG_TAG_DECODER OSI_MAKE_LOG_TAG('Q', 'D', 'C', 'D')
#define QL_LOG_TAG_FOTA OSI_MAKE_LOG_TAG('Q', 'F', 'T', 'A')
#define QL_LOG_TAG_GNSS OSI_MAKE_LOG_TAG('Q', 'G', 'N', 'S')
#define QL_LOG_TAG_NMEA OSI_MAKE_LOG_TAG('Q', 'N', 'M', 'E')
#define QL_LOG_TAG_HTTP OSI_MAKE_LOG_TAG('Q', 'H', 'T', 'T')
#define QL_LOG_TAG_LCD OSI_MAKE_LOG_TAG('Q', 'L', 'C', 'D')
#define QL_LOG_TAG_IIC OSI_MAKE_LOG_TAG('Q', 'I', 'I', 'C')
#define QL_LOG_TAG_OSI OSI_MAKE_LOG_TAG('Q', 'O', 'S', 'I')
#define QL_LOG_TAG_POWER OSI_MAKE_LOG_TAG('Q', 'P', 'W', 'R')
#define QL_LOG_TAG_USB OSI_MAKE_LOG_TAG('Q', 'U', 'S', 'B')
#define QL_LOG_TAG_USB_AUDIO OSI_MAKE_LOG_TAG('Q', 'U', 'A', 'C')
#define QL_LOG_TAG_WIFISCAN OSI_MAKE_LOG_TAG('Q', 'W', 'I', 'F')
#define QL_LOG_TAG_CAMERA OSI_MAKE_LOG_TAG('Q', 'C', 'A', 'M')
#define QL_LOG_TAG_ADC OSI_MAKE_LOG_TAG('Q', 'A', 'D', 'C')
#define QL_LOG_TAG_GPIO OSI_MAKE_LOG_TAG('Q', 'G', 'I', 'O')
#define QL_LOG_TAG_KEYPAD OSI_MAKE_LOG_TAG('Q', 'K', 'Y', 'D')
#define QL_LOG_TAG_PWM OSI_MAKE_LOG_TAG('Q', 'P', 'W', 'M')
#define QL_LOG_TAG_RTC OSI_MAKE_LOG_TAG('Q', 'R', 'T', 'C')
#define QL_LOG_TAG_UART OSI_MAKE_LOG_TAG('Q', 'U', 'A', 'T')
#define QL_LOG_TAG_FATFS OSI_MAKE_LOG_TAG('Q', 'F', 'T', 'S')
#define QL_LOG_TAG_NOR_FLASH OSI_MAKE_LOG_TAG('Q', 'N', 'O', 'F')
#define QL_LOG_TAG_TTS OSI_MAKE_LOG_TAG('Q', 'T', 'T', 'S')
#define QL_LOG_TAG_ZIP OSI_MAKE_LOG_TAG('Q', 'Z', 'I', 'P')
#define QL_LOG_TAG_FILE OSI_MAKE_LOG_TAG('Q', 'F', 'I', 'L')
#define QL_LOG_TAG_BT_BLE OSI_MAKE_LOG_TAG('Q', 'B', 'T', 'E')
#define QL_LOG_TAG_BLE_GATT OSI_MAKE_LOG_TAG('Q', 'A', 'T', 'T')
#define QL_LOG_TAG_BT_HFP OSI_MAKE_LOG_TAG('Q', 'H', 'F', 'P')
#define QL_LOG_TAG_BT_HFP_AG OSI_MAKE_LOG_TAG('Q', 'H', 'A', 'G')
#define QL_LOG_TAG_BT_SPP OSI_MAKE_LOG_TAG('Q', 'S', 'P', 'P')
#define QL_LOG_TAG_BT_A2DP_AVRCP OSI_MAKE_LOG_TAG('Q', 'A', 'A', 'C')
#define QL_LOG_TAG_BT_A2DP_AVRCP_TG OSI_MAKE_LOG_TAG('Q', 'A', 'A', 'T')
#define QL_LOG_TAG_BT_SDP OSI_MAKE_LOG_TAG('Q', 'S', 'D', 'P')
#define QL_LOG_TAG_ALIYUN_IOT_SMARTCARD OSI_MAKE_LOG_TAG('Q', 'A', 'L', 'S')
#define QL_LOG_TAG_ALIPAY_IOT OSI_MAKE_LOG_TAG('Q', 'A', 'L', 'P')
#define QL_LOG_TAG_FIREWALL OSI_MAKE_LOG_TAG('Q', 'F', 'I', 'W')
#define QL_LOG_TAG_HW_IOT_DEVICE OSI_MAKE_LOG_TAG('Q', 'H', 'W', 'D')
#define QL_LOG_TAG_CTSREG OSI_MAKE_LOG_TAG('Q', 'C', 'T', 'R')
#define QL_LOG_TAG_CERT OSI_MAKE_LOG_TAG('Q', 'C', 'R', 'T')
#define QL_LOG_TAG_STK OSI_MAKE_LOG_TAG('Q', 'S', 'T', 'K')
#define QL_LOG_TAG_SS OSI_MAKE_LOG_TAG('Q', 'L', 'S', 'S')
#define QL_LOG_TAG_ETHERNET OSI_MAKE_LOG_TAG('Q', 'E', 'T', 'H')
#define QL_LOG_TAG_WIFI OSI_MAKE_LOG_TAG('Q', 'W', 'F', 'I')

/*
 * QL_LOG_TAG is two things in the SDK: the older generation's tag *constant* (the QOPN tag) and the
 * current generation's function-like macro QL_LOG_TAG(level, tag, module_str, msg, ...). Both work
 * here: a function-like macro name not followed by '(' is not expanded, so a bare QL_LOG_TAG is
 * this enumeration constant.
 */
enum { QL_LOG_TAG = OSI_MAKE_LOG_TAG('Q', 'O', 'P', 'N') };

/* ---- backends (runtime/log.c; not SDK functions) */

/** One line at `level` under `module_str` (NULL: "-"); level -1 is a push (always shown, 'P'). */
void ql_log_printf(int level, const char *module_str, const char *func, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/** One line at `level` with no module string: the 4-character trace tag stands in for it. */
void ql_log_printf_tag(int level, unsigned int tag, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- the SDK's macros */
#define QL_LOG_PRINTF_TAG(level, tag, fmt, ...) ql_log_printf_tag((int)(level), (unsigned int)(tag), fmt, ##__VA_ARGS__)
#define QL_LOG_PRINTF(level, fmt, ...) QL_LOG_PRINTF_TAG(level, QL_LOG_TAG_OPEN, fmt, ##__VA_ARGS__)
#define QL_LOG(level, module_str, msg, ...)                                                            \
    ql_log_printf((int)(level), (module_str), __func__, __LINE__, msg, ##__VA_ARGS__)
#define QL_LOG_PUSH(module_str, msg, ...) ql_log_printf(-1, (module_str), __func__, __LINE__, msg, ##__VA_ARGS__)
#define QL_LOG_TAG(level, tag, module_str, msg, ...)                                                   \
    ((void)(tag), ql_log_printf((int)(level), (module_str), __func__, __LINE__, msg, ##__VA_ARGS__))
#define QL_LOG_PUSH_TAG(module_str, tag, msg, ...)                                                     \
    ((void)(tag), ql_log_printf(-1, (module_str), __func__, __LINE__, msg, ##__VA_ARGS__))

/* ---- error codes and log ports (declared for code that names them; no function uses them here) */
typedef enum {
    QL_LOG_SUCCESS = QL_SUCCESS,
    QL_LOG_EXECUTE_ERR = 1 | QL_LOG_ERRCODE_BASE,
    QL_LOG_MEM_ADDR_NULL_ERR,
    QL_LOG_INVALID_PARAM_ERR,
    QL_LOG_BUSY_ERR,
    QL_LOG_SEMAPHORE_CREATE_ERR,
    QL_LOG_SEMAPHORE_TIMEOUT_ERR,
    QL_LOG_PORT_SET_ERR = 15 | QL_LOG_ERRCODE_BASE
} ql_errcode_log_e;

#ifdef __cplusplus
}
#endif

#endif /* QL_LOG_H */
