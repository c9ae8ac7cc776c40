/*
 * ql_fs.h - the QuecOpen file API subset the qlssl host runtime implements: what the port layer
 * (port/quecopen/) reads `UFS:` certificates with (open, size, read, close) and replaces its
 * session-store file with (write, sync, rename, remove), for Linux. Prototypes, types and error values are
 * the SDK's (components/ql-kernel/inc/ql_fs.h), so code written for the module builds unchanged.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * Only the "UFS:" drive exists: "UFS:name" is $QLSSL_UFS_DIR/name (default: the working
 * directory), the same store libqlssl's Linux build reads. A name must be a plain relative name
 * (no empty, "." or ".." component, no backslash or control character) and must resolve inside
 * the store; anything else fails with QL_FILE_INVALID_FILE_NAME.
 */
#ifndef QL_FS_H
#define QL_FS_H

#include <stddef.h>

#include "ql_api_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A file ID from ql_fopen: > 0 when open; the functions return a negative QL_FILE_* code on failure. */
typedef int QFILE;

typedef enum {
    QL_FILE_OK = 0,
    QL_FILE_INVALID_INPUT_VALUE = (QL_COMPONENT_STORAGE_FILE << 16) | 400,
    QL_FILE_FILE_NOT_FOUND = (QL_COMPONENT_STORAGE_FILE << 16) | 405,
    QL_FILE_INVALID_FILE_NAME = (QL_COMPONENT_STORAGE_FILE << 16) | 406,
    QL_FILE_FAILED_TO_WRITE_FILE = (QL_COMPONENT_STORAGE_FILE << 16) | 409,
    QL_FILE_FAILED_TO_OPEN_FILE = (QL_COMPONENT_STORAGE_FILE << 16) | 410,
    QL_FILE_FAILED_TO_READ_FILE = (QL_COMPONENT_STORAGE_FILE << 16) | 411,
    QL_FILE_GET_SIZE_FAIL = (QL_COMPONENT_STORAGE_FILE << 16) | 415,
    QL_FILE_INVALID_FILE_DESCRIPTOR = (QL_COMPONENT_STORAGE_FILE << 16) | 416,
    QL_FILE_DELETE_FILE_FAIL = (QL_COMPONENT_STORAGE_FILE << 16) | 418,
    QL_FILE_ERROR_GENERAL = (QL_COMPONENT_STORAGE_FILE << 16) | 427,
    QL_FILE_RENAME_ERROR = (QL_COMPONENT_STORAGE_FILE << 16) | 428,
    QL_FILE_CLOSE_FAIL = (QL_COMPONENT_STORAGE_FILE << 16) | 430,
} ql_errcode_fs_e;

/* Open "UFS:name"; mode as for fopen ("r", "rb", "w+", "ab", ...). A file ID (> 0) or an error. */
QFILE ql_fopen(const char *file_name, const char *mode);
/* QL_FILE_OK or an error. */
int ql_fclose(QFILE fd);
/* Read up to size*num bytes: the bytes read (0 at the end of the file) or an error. */
int ql_fread(void *buffer, size_t size, size_t num, QFILE fd);
/* The file's size in bytes or an error. */
int ql_fsize(int fd);
/* Write size*num bytes: the bytes written or an error. */
int ql_fwrite(void *buffer, size_t size, size_t num, QFILE fd);
/* 0 once the file's data is on the storage, or an error. */
int ql_fsync(int fd);
/* Rename "UFS:old" to "UFS:new" (on the host an existing "UFS:new" is replaced): QL_FILE_OK or an error. */
int ql_rename(const char *oldpath, const char *newpath);
/* Delete "UFS:name": QL_FILE_OK or an error. */
int ql_remove(const char *file_name);

#ifdef __cplusplus
}
#endif

#endif
