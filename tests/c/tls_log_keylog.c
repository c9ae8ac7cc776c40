/*
 * The log hook (ql_ssl_set_log_callback) and SSLKEYLOGFILE, against openssl s_server.
 *
 *   log     levels and events: handshake start/done with version and suite, resumption, a failed
 *           handshake's WARN line carrying the ql_ssl_last_error() text, mbedtls's debug lines at
 *           DEBUG/VERBOSE only, nothing above the registered level, nothing once switched off,
 *           bad levels refused; a second thread re-registers the callback throughout.
 *   keylog  SSLKEYLOGFILE names a file: each handshake (TLS 1.2, TLS 1.0) appends a
 *           CLIENT_RANDOM line, and s_server's own key log (-keylogfile) has the very same line
 *           (same client random, same master secret: the secret is the session's real one, and
 *           a capture decrypts with it); the file is private (0600).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qlssl_test.h"

/* ---- log ------------------------------------------------------------------------------------ */

#define MAX_LINES 20000
static pthread_mutex_t lines_lock = PTHREAD_MUTEX_INITIALIZER;
static char *lines[MAX_LINES];
static int levels[MAX_LINES];
static int nlines, bad_arg;
static int arg_tag;

static void collect(int level, const char *msg, void *arg)
{
    pthread_mutex_lock(&lines_lock);
    if (arg != &arg_tag) bad_arg++;
    if (nlines < MAX_LINES) {
        lines[nlines] = strdup(msg);
        levels[nlines] = level;
        nlines++;
    }
    pthread_mutex_unlock(&lines_lock);
}

static void clear_lines(void)
{
    pthread_mutex_lock(&lines_lock);
    for (int i = 0; i < nlines; i++) free(lines[i]);
    nlines = 0;
    pthread_mutex_unlock(&lines_lock);
}

/* Number of collected lines of `level` (0: any) containing `text`. */
static int count(int level, const char *text)
{
    int n = 0;
    pthread_mutex_lock(&lines_lock);
    for (int i = 0; i < nlines; i++)
        if ((level == 0 || levels[i] == level) && strstr(lines[i], text) != NULL) n++;
    pthread_mutex_unlock(&lines_lock);
    return n;
}

static int max_level_seen(void)
{
    int m = 0;
    pthread_mutex_lock(&lines_lock);
    for (int i = 0; i < nlines; i++)
        if (levels[i] > m) m = levels[i];
    pthread_mutex_unlock(&lines_lock);
    return m;
}

static void dump_lines(void)
{
    pthread_mutex_lock(&lines_lock);
    for (int i = 0; i < nlines && i < 60; i++) fprintf(stderr, "  [%d] %s\n", levels[i], lines[i]);
    pthread_mutex_unlock(&lines_lock);
}

/* One handshake (+ GET) on a new context from cfg; returns the handshake's result. */
static int connect_once(const peer_t *server, ql_ssl_config *cfg, int *resumed)
{
    ql_ssl_context ctx;
    static char response[65536];
    int fd = tcp_connect(server->port), rc;
    CHECK_RC(ql_ssl_new(&ctx), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_setup(&ctx, cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_socket_fd(&ctx, fd), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_hostname(&ctx, "localhost"), QL_SSL_SUCCESS);
    rc = ql_ssl_handshake(&ctx);
    if (rc == QL_SSL_SUCCESS) {
        if (resumed) *resumed = ql_ssl_session_resumed(&ctx);
        http_get_200(&ctx, fd, response, sizeof response);
    }
    CHECK_RC(ql_ssl_free(&ctx), QL_SSL_SUCCESS);
    close(fd);
    return rc;
}

static volatile int stop_toggler;
static unsigned long toggles;

/* Re-registers the same callback and level as fast as it can: registration is thread-safe and
 * never loses or tears a message of the handshakes running meanwhile. */
static void *toggler(void *unused)
{
    (void)unused;
    while (!stop_toggler) {
        if (ql_ssl_set_log_callback(collect, QL_SSL_LOG_VERBOSE, &arg_tag) != QL_SSL_SUCCESS) abort();
        toggles++;
    }
    return NULL;
}

static void test_log(void)
{
    peer_t server;
    ql_ssl_config cfg;
    char last[512];
    pthread_t thread;
    int resumed = -1;

    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_SESSION_CACHE, 1), QL_SSL_SUCCESS);

    /* Off (the default): nothing is delivered. */
    CHECK_RC(ql_ssl_set_log_callback(NULL, QL_SSL_LOG_VERBOSE, &arg_tag), QL_SSL_SUCCESS);
    CHECK_RC(connect_once(&server, &cfg, NULL), QL_SSL_SUCCESS);

    /* Bad levels are refused and leave the registration alone (still off). */
    CHECK_RC(ql_ssl_set_log_callback(collect, 6, &arg_tag), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_set_log_callback(collect, -1, &arg_tag), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_free(NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK(nlines == 0, "%d lines delivered while the log was off (first: %s)", nlines, nlines ? lines[0] : "");

    /* INFO: start and result of the (resumed) handshake, no details, no mbedtls lines. */
    CHECK_RC(ql_ssl_set_log_callback(collect, QL_SSL_LOG_INFO, &arg_tag), QL_SSL_SUCCESS);
    CHECK_RC(connect_once(&server, &cfg, &resumed), QL_SSL_SUCCESS);
    CHECK(resumed == 1, "the second connection did not resume (%d)", resumed);
    if (count(QL_SSL_LOG_INFO, "handshake started (host localhost") != 1 ||
        count(QL_SSL_LOG_INFO, "handshake done: TLSv1.2, TLS-") != 1 ||
        count(QL_SSL_LOG_INFO, "session resumed") != 1 || max_level_seen() > QL_SSL_LOG_INFO ||
        count(0, "mbedtls ") != 0) {
        dump_lines();
        CHECK(0, "INFO: expected one start and one resumed done line, nothing above INFO");
    }
    printf("INFO: %d lines\n", nlines);
    clear_lines();

    /* DEBUG: also mbedtls's state changes (its levels 1-2), no VERBOSE line. A failing call gives
     * a WARN line with its name, code and the last-error text. */
    CHECK_RC(ql_ssl_set_log_callback(collect, QL_SSL_LOG_DEBUG, &arg_tag), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_SESSION_CACHE, 0), QL_SSL_SUCCESS);
    CHECK_RC(connect_once(&server, &cfg, &resumed), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, (char *[]){(char *)pki("wrongca.pem")}, 1), QL_SSL_SUCCESS);
    CHECK_RC(connect_once(&server, &cfg, NULL), QL_SSL_ERROR_HS_FAILURE);
    CHECK(ql_ssl_last_error(last, sizeof last) >= 0 && last[0] != '\0', "no last error after a failed handshake");
    {
        char want[600];
        snprintf(want, sizeof want, "ql_ssl_handshake: QL_SSL_ERROR_HS_FAILURE: %s", last);
        if (count(QL_SSL_LOG_WARN, want) != 1 || count(QL_SSL_LOG_INFO, "full handshake") != 1 ||
            count(QL_SSL_LOG_DEBUG, "mbedtls ssl_") < 10 || count(QL_SSL_LOG_DEBUG, "setup: TLS") != 2 ||
            max_level_seen() != QL_SSL_LOG_DEBUG) {
            dump_lines();
            CHECK(0, "DEBUG: expected mbedtls state lines, one full handshake, the failure as WARN: %s", want);
        }
    }
    printf("DEBUG: %d lines, %d from mbedtls\n", nlines, count(0, "mbedtls "));
    clear_lines();

    /* VERBOSE, with another thread re-registering all the time: mbedtls's dumps arrive, every
     * message carries the registered arg. */
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_NULL), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_set_log_callback(collect, QL_SSL_LOG_VERBOSE, &arg_tag), QL_SSL_SUCCESS);
    CHECK(pthread_create(&thread, NULL, toggler, NULL) == 0, "pthread_create");
    for (int i = 0; i < 3; i++) CHECK_RC(connect_once(&server, &cfg, NULL), QL_SSL_SUCCESS);
    stop_toggler = 1;
    pthread_join(thread, NULL);
    if (count(QL_SSL_LOG_VERBOSE, "mbedtls ssl_") < 10 || count(QL_SSL_LOG_INFO, "handshake done") != 3 || bad_arg != 0) {
        dump_lines();
        CHECK(0, "VERBOSE: expected mbedtls dumps and 3 handshakes (bad arg: %d)", bad_arg);
    }
    printf("VERBOSE: %d lines, %lu re-registrations meanwhile\n", nlines, toggles);
    clear_lines();

    /* Off again: nothing, whatever happens. */
    CHECK_RC(ql_ssl_set_log_callback(collect, QL_SSL_LOG_NONE, &arg_tag), QL_SSL_SUCCESS);
    CHECK_RC(connect_once(&server, &cfg, NULL), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_free(NULL), QL_SSL_ERROR_INVALID_PARAM);
    CHECK(nlines == 0, "%d lines delivered after the log was switched off", nlines);

    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    peer_stop(&server);
}

/* ---- keylog --------------------------------------------------------------------------------- */

/* The CLIENT_RANDOM lines of `path` (at most `max`), or -1 when it cannot be read. */
static int read_keylog(const char *path, char out[][180], int max)
{
    char line[512];
    int n = 0;
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    while (fgets(line, sizeof line, f) != NULL && n < max) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "CLIENT_RANDOM ", 14) == 0) {
            CHECK(strlen(line) == 14 + 64 + 1 + 96, "malformed key-log line: %s", line);
            memcpy(out[n++], line, 14 + 64 + 1 + 96 + 1);
        }
    }
    fclose(f);
    return n;
}

/* One handshake against s_server (extra args) with `version`; our new key-log line must be the
 * server's. */
static void keylog_case(const char *ours, int *ours_before, int version, const char *tls_arg, const char *cipher_arg)
{
    peer_t server;
    ql_ssl_config cfg;
    char theirs_path[64], ours_lines[8][180], theirs[8][180];
    int n_ours, n_theirs;

    snprintf(theirs_path, sizeof theirs_path, "server-keylog-%d.txt", version);
    unlink(theirs_path);
    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", "-keylogfile", theirs_path, tls_arg,
                        "-cipher", cipher_arg, NULL);
    CHECK_RC(ql_ssl_conf_init(&cfg), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_set(&cfg, QL_SSL_CONF_VERSION, version), QL_SSL_SUCCESS);
    CHECK_RC(connect_once(&server, &cfg, NULL), QL_SSL_SUCCESS);
    CHECK_RC(ql_ssl_conf_free(&cfg), QL_SSL_SUCCESS);
    peer_stop(&server);

    n_ours = read_keylog(ours, ours_lines, 8);
    n_theirs = read_keylog(theirs_path, theirs, 8);
    CHECK(n_ours == *ours_before + 1, "SSLKEYLOGFILE has %d lines, expected %d", n_ours, *ours_before + 1);
    CHECK(n_theirs == 1, "s_server's key log has %d CLIENT_RANDOM lines, expected 1", n_theirs);
    CHECK(strcmp(ours_lines[n_ours - 1], theirs[0]) == 0, "key-log lines differ:\n  ours   %s\n  server %s",
          ours_lines[n_ours - 1], theirs[0]);
    printf("version %d: same line as s_server: %.40s...\n", version, theirs[0]);
    *ours_before = n_ours;
}

static void test_keylog(void)
{
    char path[256];
    struct stat st;
    int lines_so_far = 0;
    CHECK(getcwd(path, sizeof path - 32) != NULL, "getcwd");
    strcat(path, "/sslkeylog.txt");
    unlink(path);
    /* Read once, when the library builds its first config: set before any ql_ssl_* call. */
    CHECK(setenv("SSLKEYLOGFILE", path, 1) == 0, "setenv");
    keylog_case(path, &lines_so_far, QL_SSL_VERSION_3, "-tls1_2", "DEFAULT");
    keylog_case(path, &lines_so_far, QL_SSL_VERSION_1, "-tls1", "DEFAULT:@SECLEVEL=0");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "key log mode %o, expected 600", st.st_mode & 0777);
}

int main(int argc, char **argv)
{
    test_init(argc, argv, 90);
    if (argc > 2 && strcmp(argv[2], "log") == 0) {
        test_log();
    } else if (argc > 2 && strcmp(argv[2], "keylog") == 0) {
        test_keylog();
    } else {
        CHECK(0, "usage: %s PKI_DIR log|keylog", argv[0]);
    }
    printf("PASS\n");
    return 0;
}
