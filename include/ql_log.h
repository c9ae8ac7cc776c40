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
 * module string. As in the SDK, `printf` is a macro for a QL_LOG_PRINTF_TAG line at
 * QL_LOG_OUTPUT_LEVEL with the QOPN tag (on stderr, like every log line); a file that wants the C
 * library's printf after including this header says `#undef printf`.
 *
 * The log-port and file-system-trace calls at the end have no meaning on the host (one output,
 * stderr, no trace files, no packet capture): see each one for what it returns; each logs once at
 * WARN when asked for something the host cannot do, and docs/RUNTIME.md lists them.
 */
#ifndef QL_LOG_H
#define QL_LOG_H

#include <stdio.h> /* declared before `printf` becomes a macro below */

#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the SDK's osi_log.h pieces its ql_log.h builds on */
#ifndef _OSI_LOG_H_ /* the real osi_log.h defines these itself */
enum {
    OSI_LOG_LEVEL_NEVER, /* a filter value: output nothing */
    OSI_LOG_LEVEL_ERROR,
    OSI_LOG_LEVEL_WARN,
    OSI_LOG_LEVEL_INFO,
    OSI_LOG_LEVEL_DEBUG,
    OSI_LOG_LEVEL_VERBOSE
};
#endif
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

/* The SDK routes printf into its trace (both generations). */
#undef printf
#define printf(fmt, ...) QL_LOG_PRINTF_TAG(QL_LOG_OUTPUT_LEVEL, QL_LOG_TAG_OPEN, fmt, ##__VA_ARGS__)

/* ---- file-system trace configuration (the module's; see the functions below) */
#define QUEC_FSTRACE_SUPPORT_NOR_FLASH 0 /* the SDK build has no trace on NOR flash */
/* Trace ports as bits: 11 debug/USB, 12 SD card, 13 NAND, 14 SPI4 NOR, 15 SPI6 NOR. */
#define QUEC_FS_TRACE_PORT_BEFORE (1 << 11)
#define QUEC_FS_TRACE_PORT_SD (1 << 12)
#define QUEC_FS_TRACE_PORT_NAND (1 << 13)
#define QUEC_FS_TRACE_PORT_EXTNOR (1 << 14)
#define QUEC_FS_TRACE_PORT_EXT (1 << 15)
#define FSTRACE_FNAME_MAX (64)
#define FS_MOUNT_POINT_MAX (16) /* longest mount path */

/* ---- error codes */
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

/* Where the module sends its AP log. */
typedef enum {
    QL_LOG_PORT_NONE = 0x0,
    QL_LOG_PORT_UART = 0x1,
    QL_LOG_PORT_USB = 0x2,
    QL_LOG_PORT_SDCARD = 0x4,
    QL_LOG_PORT_EXNAND = 0x5,
#if QUEC_FSTRACE_SUPPORT_NOR_FLASH
    QL_LOG_PORT_EXNOR = 0x6,
    QL_LOG_PORT_EXT = 0x7,
#endif
} ql_log_port_e;

typedef struct {
    int64 total_size_max;
    int aplog_fsize_max;  /* bytes per file of each log kind */
    int cplog_fsize_max;
    int moslog_fsize_max;
    int prolog_fsize_max;
    char fs_trace_mount_point_len;
    char fs_trace_mount_point[FS_MOUNT_POINT_MAX]; /* "/sdcard0", "/exnand", ... */
    char fstrace_fname[FSTRACE_FNAME_MAX];
} quec_fs_trace_path_t;

/* Packet capture of the module's PPP / ECM-RNDIS links, as bits. */
typedef enum {
    QL_LOG_PCAP_NONE = 0,
    QL_LOG_PCAP_PPP = (1 << 0),
    QL_LOG_PCAP_ECM_RNDIS = (1 << 1),
} ql_log_pcap_e;

typedef struct {
    int64 sd_trace_max_size; /* log space on the SD card's first partition; the oldest files go first */
    uint32 fs_trace_opt;     /* ql_fs_trace_opt_e bits: which logs are saved */
} ql_fs_trace_cfg_t;

typedef enum {
    QL_FSTRACE_OPT_AP = (1 << 0),
    QL_FSTRACE_OPT_PRO = (1 << 1),
    QL_FSTRACE_OPT_BS = (1 << 2),
    QL_FSTRACE_OPT_CP = (1 << 3),
    QL_FSTRACE_OPT_ZSP = (1 << 4),
    QL_FSTRACE_OPT_MOS = (1 << 5),
} ql_fs_trace_opt_e;

/* ---- functions (runtime/log.c) */

/** Choose the AP log's port. Host: one output (stderr): QL_LOG_PORT_SET_ERR, WARN once. */
ql_errcode_log_e ql_log_set_port(ql_log_port_e dst_port);
/** Switch the application's log (QL_LOG*, QL_LOG_PRINTF*, printf) on or off; ERROR lines always show. */
void ql_quec_trace_enable(bool allow_Put);
/** Start saving logs to the file system. Host: not possible (no trace files); WARN once. */
void ql_fs_trace_init(void);
/** Host: no trace files: QL_LOG_INVALID_PARAM_ERR for NULL, else QL_LOG_EXECUTE_ERR, WARN once. */
ql_errcode_log_e ql_log_set_trace_max_size(ql_fs_trace_cfg_t *trace_cfg);
/** Host: as ql_log_set_trace_max_size. */
ql_errcode_log_e ql_log_get_trace_max_size(ql_fs_trace_cfg_t *trace_cfg);
/** Which logs to save to the file system. Host: QL_LOG_EXECUTE_ERR, WARN once. */
ql_errcode_log_e ql_log_set_fs_trace_opt(uint32 opt, bool enable);
/** Host: *opt = 0 (no log is saved to a file system), QL_LOG_SUCCESS. */
ql_errcode_log_e ql_log_get_fs_trace_opt(uint32 *opt);
/** Load the capture setting from NV. Host: no NV: QL_LOG_EXECUTE_ERR, WARN once. */
ql_errcode_log_e ql_log_pcap_get_from_nv();
/** Host: *flag = QL_LOG_PCAP_NONE (nothing is captured), QL_LOG_SUCCESS. */
ql_errcode_log_e ql_log_pcap_get(ql_log_pcap_e *flag);
/** Host: QL_LOG_PCAP_NONE is QL_LOG_SUCCESS; any capture is QL_LOG_EXECUTE_ERR, WARN once. */
ql_errcode_log_e ql_log_pcap_set(ql_log_pcap_e flag);

#ifdef __cplusplus
}
#endif

#endif /* QL_LOG_H */
