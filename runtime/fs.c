/*
 * The QuecOpen file API on Linux (ql_fs.h): the "UFS:" drive is the directory $QLSSL_UFS_DIR
 * (default: the working directory), the store libqlssl's Linux build reads "UFS:name" from, so an
 * app and a port layer (port/quecopen/) see the same files. File IDs are Linux descriptors (> 0).
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ql_fs.h"
#include "qlrt_internal.h"

/* A plain relative name: no empty, "." or ".." component, no backslash or control character. */
static int plain_name(const char *name)
{
    const char *part = name;
    if (*name == '\0') {
        return 0;
    }
    for (const char *c = name;; c++) {
        if (*c == '/' || *c == '\0') {
            size_t n = (size_t)(c - part);
            if (n == 0 || (n == 1 && part[0] == '.') || (n == 2 && part[0] == '.' && part[1] == '.')) {
                return 0;
            }
            if (*c == '\0') {
                return 1;
            }
            part = c + 1;
        } else if (*c == '\\' || (unsigned char)*c < 0x20 || *c == 0x7f) {
            return 0;
        }
    }
}

/* "UFS:name" as a path inside the store (out: PATH_MAX bytes), or a QL_FILE_* error. For a file
 * that exists, symbolic links are resolved and the result must still lie inside the store. */
static int ufs_path(const char *file_name, char *out)
{
    const char *dir = getenv("QLSSL_UFS_DIR");
    char store[PATH_MAX], real[PATH_MAX];
    size_t sl;
    if (file_name == NULL || strncmp(file_name, "UFS:", 4) != 0 || !plain_name(file_name + 4)) {
        qlrt_logf(QLRT_LV_DEBUG, "ql_fs: %s: only plain \"UFS:name\" files exist on the host",
                  file_name ? file_name : "(null)");
        return QL_FILE_INVALID_FILE_NAME;
    }
    if (realpath(dir && *dir ? dir : ".", store) == NULL) {
        return QL_FILE_FILE_NOT_FOUND;
    }
    sl = strlen(store);
    if (sl + 1 + strlen(file_name + 4) >= PATH_MAX) {
        return QL_FILE_INVALID_FILE_NAME;
    }
    memcpy(out, store, sl);
    out[sl] = '/';
    strcpy(out + sl + 1, file_name + 4);
    if (realpath(out, real) != NULL &&
        (strncmp(real, store, sl) != 0 || real[sl] != '/')) {
        qlrt_logf(QLRT_LV_DEBUG, "ql_fs: %s leads outside the UFS directory %s", file_name, store);
        return QL_FILE_INVALID_FILE_NAME;
    }
    return QL_FILE_OK;
}

QFILE ql_fopen(const char *file_name, const char *mode)
{
    char path[PATH_MAX];
    int flags, fd, rc;
    if (mode == NULL) {
        return QL_FILE_INVALID_INPUT_VALUE;
    }
    switch (mode[0]) {
    case 'r': flags = 0; break;
    case 'w': flags = O_CREAT | O_TRUNC; break;
    case 'a': flags = O_CREAT | O_APPEND; break;
    default: return QL_FILE_INVALID_INPUT_VALUE;
    }
    if (strchr(mode, '+') != NULL) {
        flags |= O_RDWR;
    } else {
        flags |= mode[0] == 'r' ? O_RDONLY : O_WRONLY;
    }
    if ((rc = ufs_path(file_name, path)) != QL_FILE_OK) {
        return rc;
    }
    fd = open(path, flags | O_CLOEXEC, 0644);
    if (fd < 0) {
        return errno == ENOENT ? QL_FILE_FILE_NOT_FOUND : QL_FILE_FAILED_TO_OPEN_FILE;
    }
    if (fd == 0) { /* a file ID is > 0 on the module */
        int again = fcntl(fd, F_DUPFD_CLOEXEC, 1);
        close(fd);
        if (again < 0) {
            return QL_FILE_FAILED_TO_OPEN_FILE;
        }
        fd = again;
    }
    return fd;
}

int ql_fclose(QFILE fd)
{
    return fd > 0 && close(fd) == 0 ? QL_FILE_OK : QL_FILE_CLOSE_FAIL;
}

/* ql_fread/ql_fwrite: move size*num bytes, retrying short transfers and EINTR. Returns the bytes
 * moved (a read stops early at the end of the file), or `fail` when nothing moved. */
static int transfer(void *buffer, size_t size, size_t num, QFILE fd, int writing, int fail)
{
    size_t want, done = 0;
    if (buffer == NULL || fd <= 0 || (size != 0 && num > (size_t)INT_MAX / size)) {
        return QL_FILE_INVALID_INPUT_VALUE;
    }
    want = size * num;
    while (done < want) {
        char *at = (char *)buffer + done;
        ssize_t n = writing ? write(fd, at, want - done) : read(fd, at, want - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 || (n == 0 && writing)) {
            return done > 0 ? (int)done : fail;
        }
        if (n == 0) {
            break;
        }
        done += (size_t)n;
    }
    return (int)done;
}

int ql_fread(void *buffer, size_t size, size_t num, QFILE fd)
{
    return transfer(buffer, size, num, fd, 0, QL_FILE_FAILED_TO_READ_FILE);
}

int ql_fsize(int fd)
{
    struct stat st;
    if (fd <= 0 || fstat(fd, &st) != 0 || st.st_size > INT_MAX) {
        return QL_FILE_GET_SIZE_FAIL;
    }
    return (int)st.st_size;
}

int ql_fwrite(void *buffer, size_t size, size_t num, QFILE fd)
{
    return transfer(buffer, size, num, fd, 1, QL_FILE_FAILED_TO_WRITE_FILE);
}

int ql_fsync(int fd)
{
    return fd > 0 && fsync(fd) == 0 ? 0 : QL_FILE_ERROR_GENERAL;
}

int ql_rename(const char *oldpath, const char *newpath)
{
    char from[PATH_MAX], to[PATH_MAX];
    int rc;
    if ((rc = ufs_path(oldpath, from)) != QL_FILE_OK || (rc = ufs_path(newpath, to)) != QL_FILE_OK) {
        return rc;
    }
    return rename(from, to) == 0 ? QL_FILE_OK : QL_FILE_RENAME_ERROR;
}

int ql_remove(const char *file_name)
{
    char path[PATH_MAX];
    int rc;
    if ((rc = ufs_path(file_name, path)) != QL_FILE_OK) {
        return rc;
    }
    if (unlink(path) == 0) {
        return QL_FILE_OK;
    }
    return errno == ENOENT ? QL_FILE_FILE_NOT_FOUND : QL_FILE_DELETE_FILE_FAIL;
}
