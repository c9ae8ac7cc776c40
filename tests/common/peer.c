/* Helpers shared by the C test suites (see peer.h). */
#include "peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "ql_ssl.h"

#define ACCEPT_PREFIX "ACCEPT 127.0.0.1:"

/* ---- Clock ------------------------------------------------------------------------------------- */

double tc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tc_sleep(double s)
{
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- Result codes and failure messages --------------------------------------------------------- */

static const char *full_rc_name(int rc)
{
    switch (rc) {
    case QL_SSL_SUCCESS: return "QL_SSL_SUCCESS";
    case QL_SSL_ERROR_UNKOWN: return "QL_SSL_ERROR_UNKOWN";
    case QL_SSL_ERROR_WOUNDBLOCK: return "QL_SSL_ERROR_WOUNDBLOCK";
    case QL_SSL_ERROR_INVALID_PARAM: return "QL_SSL_ERROR_INVALID_PARAM";
    case QL_SSL_ERROR_OUT_OF_MEM: return "QL_SSL_ERROR_OUT_OF_MEM";
    case QL_SSL_ERROR_NOT_SUPPORT: return "QL_SSL_ERROR_NOT_SUPPORT";
    case QL_SSL_ERROR_HS_FAILURE: return "QL_SSL_ERROR_HS_FAILURE";
    case QL_SSL_ERROR_DECRYPT_FAILURE: return "QL_SSL_ERROR_DECRYPT_FAILURE";
    case QL_SSL_ERROR_ENCRYPT_FAILURE: return "QL_SSL_ERROR_ENCRYPT_FAILURE";
    case QL_SSL_ERROR_HS_INPROGRESS: return "QL_SSL_ERROR_HS_INPROGRESS";
    case QL_SSL_ERROR_BAD_REQUEST: return "QL_SSL_ERROR_BAD_REQUEST";
    case QL_SSL_ERROR_WANT_READ: return "QL_SSL_ERROR_WANT_READ";
    case QL_SSL_ERROR_WANT_WRITE: return "QL_SSL_ERROR_WANT_WRITE";
    case QL_SSL_ERROR_SOCKET_RESET: return "QL_SSL_ERROR_SOCKET_RESET";
    default: return NULL;
    }
}

const char *tc_rc_name(int rc, int short_form, const char *positive, const char *other)
{
    static const char error_prefix[] = "QL_SSL_ERROR_";
    static const char prefix[] = "QL_SSL_";
    const char *name = full_rc_name(rc);
    if (name == NULL) {
        return rc > 0 ? positive : other;
    }
    if (!short_form) {
        return name;
    }
    if (strncmp(name, error_prefix, sizeof error_prefix - 1) == 0) {
        return name + sizeof error_prefix - 1;
    }
    return name + sizeof prefix - 1;
}

void tc_vreport_failure(const char *file, int line, const char *what, const char *fmt, va_list ap,
                        const char *note_prefix, const char *note_suffix, size_t reason_cap)
{
    char reason[512] = "";
    fflush(stdout);
    fprintf(stderr, "FAIL %s:%d: %s: ", file, line, what);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (reason_cap > sizeof reason) {
        reason_cap = sizeof reason;
    }
    if (ql_ssl_last_error(reason, reason_cap) == QL_SSL_SUCCESS && reason[0] != '\0') {
        fprintf(stderr, "%s%s%s\n", note_prefix, reason, note_suffix);
    }
}

/* ---- Peer processes ---------------------------------------------------------------------------- */

pid_t tc_spawn_logged(char *const argv[], const char *log, const char *preload)
{
    pid_t parent = getpid();
    pid_t pid;
    /* Unflushed output would be written twice, once by the child. */
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_RDONLY);
        /* Die with the test, whatever way the test ends. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* The parent may have died before prctl took effect: then nobody would stop this peer. */
        if (getppid() != parent || logfd < 0 || null < 0) {
            _exit(127);
        }
        dup2(null, 0);
        dup2(logfd, 1);
        dup2(logfd, 2);
        if (preload != NULL) {
            setenv("LD_PRELOAD", preload, 1);
        }
        execvp(argv[0], argv);
        dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

size_t tc_read_text(const char *path, char *text, size_t cap)
{
    size_t n;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        text[0] = '\0';
        return 0;
    }
    n = fread(text, 1, cap - 1, f);
    fclose(f);
    text[n] = '\0';
    return n;
}

int tc_accept_port(const char *text, int *port)
{
    const char *line = strstr(text, ACCEPT_PREFIX);
    /* Only a whole line: the log may be read while s_server is still writing it. */
    if (line == NULL || strchr(line, '\n') == NULL) {
        return 0;
    }
    *port = atoi(line + strlen(ACCEPT_PREFIX));
    return 1;
}

/* ---- Sockets ----------------------------------------------------------------------------------- */

struct sockaddr_in tc_loopback(int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}
