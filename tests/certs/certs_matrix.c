/*
 * The certificate matrix of qlssl (tests/certs/matrix.txt, format described at its top).
 *
 *   certs_matrix run   MATRIX PKI_DIR RESULTS_DIR NAME   run one `case` or `sweep` row against a
 *                                                        real peer; writes RESULTS_DIR/NAME.result;
 *                                                        exit 0 when the observation is the expected one
 *   certs_matrix reset RESULTS_DIR                       empty the results directory
 *   certs_matrix table MATRIX RESULTS_DIR DOC            render the tables of DOC (docs/CERTS.md) from
 *                                                        the matrix and the results and fail unless
 *                                                        every row passed and DOC holds exactly that
 *                                                        text (CERTS_WRITE_DOCS=1: rewrite DOC instead)
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qlssl_test.h"
#include "ql_ssl.h"

/* ---- The matrix file --------------------------------------------------------------------------- */

typedef enum { ROW_HEADING, ROW_TEXT, ROW_CASE, ROW_SWEEP, ROW_DEFECT } row_kind;

typedef struct {
    row_kind kind;
    int line;
    char *name;   /* case / sweep; the tag of a defect */
    char *server;
    char *client;
    char *expect; /* the correct outcome */
    char *defect; /* known library defect: its tag ... */
    char *known;  /* ... and the outcome the library gives meanwhile */
    char *text;   /* heading / text / defect description */
} row_t;

#define MAX_ROWS 512

static row_t g_rows[MAX_ROWS];
static int g_nrows;

static char *trim(char *s)
{
    char *end;
    while (*s != '\0' && isspace((unsigned char)*s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) {
        *--end = '\0';
    }
    return s;
}

static char *xstrdup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    CHECK(d != NULL, "out of memory");
    strcpy(d, s);
    return test_keep(d); /* lives until exit */
}

static void parse_matrix(const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0;
    CHECK(f != NULL, "open %s: %s", path, strerror(errno));
    while (getline(&line, &cap, f) >= 0) {
        char *s = trim(line);
        row_t *r;
        lineno++;
        if (s[0] == '\0' || (s[0] == '#' && s[1] != '#')) {
            continue;
        }
        CHECK(g_nrows < MAX_ROWS, "%s: more than %d rows", path, MAX_ROWS);
        r = &g_rows[g_nrows++];
        memset(r, 0, sizeof *r);
        r->line = lineno;
        if (strncmp(s, "## ", 3) == 0) {
            r->kind = ROW_HEADING;
            r->text = xstrdup(trim(s + 3));
        } else if (s[0] == '>') {
            r->kind = ROW_TEXT;
            r->text = xstrdup(trim(s + 1));
        } else if (strncmp(s, "defect ", 7) == 0) {
            char *bar = strchr(s, '|');
            CHECK(bar != NULL, "%s:%d: defect TAG | description", path, lineno);
            *bar = '\0';
            r->kind = ROW_DEFECT;
            r->name = xstrdup(trim(s + 7));
            r->text = xstrdup(trim(bar + 1));
        } else if (strncmp(s, "case ", 5) == 0 || strncmp(s, "sweep ", 6) == 0) {
            char *fields[4];
            char *p = s + (s[0] == 'c' ? 5 : 6);
            r->kind = s[0] == 'c' ? ROW_CASE : ROW_SWEEP;
            for (int i = 0; i < 4; i++) {
                char *bar = strchr(p, '|');
                CHECK((bar != NULL) == (i < 3), "%s:%d: a row needs exactly 4 |-separated fields", path, lineno);
                if (bar != NULL) {
                    *bar = '\0';
                }
                fields[i] = trim(p);
                p = bar != NULL ? bar + 1 : p + strlen(p);
            }
            for (const char *c = fields[0]; *c != '\0'; c++) {
                CHECK(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_' || *c == '.',
                      "%s:%d: bad row name '%s'", path, lineno, fields[0]);
            }
            CHECK(fields[0][0] != '\0' && fields[1][0] != '\0' && fields[3][0] != '\0',
                  "%s:%d: empty name, server or expectation", path, lineno);
            r->name = xstrdup(fields[0]);
            r->server = xstrdup(fields[1]);
            r->client = xstrdup(fields[2]);
            r->expect = xstrdup(fields[3]);
            {
                /* "EXPECTED [defect TAG: OBSERVED]": a known library defect (see matrix.txt). */
                char *open = strstr(r->expect, "[defect ");
                if (open != NULL) {
                    char *colon = strchr(open, ':');
                    char *close = strchr(open, ']');
                    CHECK(colon != NULL && close != NULL && colon < close && close[1] == '\0',
                          "%s:%d: write a known defect as EXPECTED [defect TAG: OBSERVED]", path, lineno);
                    *colon = '\0';
                    *close = '\0';
                    r->defect = xstrdup(trim(open + 8));
                    r->known = xstrdup(trim(colon + 1));
                    *open = '\0';
                    r->expect = xstrdup(trim(r->expect));
                }
            }
            for (int i = 0; i < g_nrows - 1; i++) {
                CHECK(g_rows[i].name == NULL || g_rows[i].kind != r->kind || strcmp(g_rows[i].name, r->name) != 0,
                      "%s:%d: duplicate row name %s", path, lineno, r->name);
            }
        } else {
            test_fail(__FILE__, __LINE__, "parse_matrix", "%s:%d: unrecognised line: %s", path, lineno, s);
        }
    }
    free(line);
    fclose(f);
}

/* Split a copy of `s` at whitespace; returns the count, tokens in out[] (max cap). */
static int split_ws(const char *s, char **out, int cap)
{
    char *copy = xstrdup(s);
    int n = 0;
    for (char *t = strtok(copy, " \t"); t != NULL; t = strtok(NULL, " \t")) {
        CHECK(n < cap, "too many tokens in '%s'", s);
        out[n++] = t;
    }
    return n;
}

/* ---- Servers ----------------------------------------------------------------------------------- */

/* Server leaves of gen_matrix_pki.sh and the issuer certificate the server sends with each. */
static const struct {
    const char *name;
    const char *issuer;
} PROFILES[] = {
    { "good", "inter" },         { "good_ec", "inter" },         { "cn_only", "inter" },
    { "expired", "inter" },      { "future", "inter" },          { "wrongname", "inter" },
    { "wrong_eku", "inter" },    { "wrong_ku", "inter" },        { "weakkey", "inter" },
    { "sha1", "inter" },         { "badsig", "inter" },          { "selfsigned", NULL },
    { "unknown_ca", NULL },      { "unknown_chain", "unknown_inter" },
    { "expired_inter", "inter_expired" }, { "selfmade_ca", "unknown_root" },
    { "forged_path", "forged_issuers" },
};

typedef struct {
    const char *pki;          /* absolute PKI directory */
    const char *row_name;
    char *spec;               /* the SERVER field */
    peer_t peer;
    int started;
} server_t;

static char *pki_file(const char *pki, const char *name)
{
    return test_strdup_printf("%s/%s", pki, name);
}

static void server_start(server_t *s)
{
    char *tok[16];
    int n = split_ws(s->spec, tok, 16);
    int nochain = 0, mtls = 0, seclevel0 = 0, gnutls;
    const char *issuer = NULL;
    int known = 0;
    const char *args[40];
    int a = 0;

    CHECK(n >= 2, "row %s: server '%s' needs a peer and a profile (or the row cannot connect)", s->row_name,
          s->spec);
    CHECK(strcmp(tok[0], "s_server") == 0 || strcmp(tok[0], "gnutls") == 0, "row %s: unknown peer %s",
          s->row_name, tok[0]);
    gnutls = strcmp(tok[0], "gnutls") == 0;
    for (size_t i = 0; i < sizeof PROFILES / sizeof PROFILES[0]; i++) {
        if (strcmp(PROFILES[i].name, tok[1]) == 0) {
            issuer = PROFILES[i].issuer;
            known = 1;
        }
    }
    CHECK(known, "row %s: unknown server profile %s", s->row_name, tok[1]);
    for (int i = 2; i < n; i++) {
        if (strcmp(tok[i], "nochain") == 0) {
            nochain = 1;
        } else if (strcmp(tok[i], "mtls") == 0) {
            mtls = 1;
        } else if (strcmp(tok[i], "seclevel0") == 0 && !gnutls) {
            seclevel0 = 1;
        } else {
            test_fail(__FILE__, __LINE__, "server_start", "row %s: unknown server option %s", s->row_name, tok[i]);
        }
    }
    if (nochain) {
        issuer = NULL;
    }
    if (!gnutls) {
        args[a++] = "-cert";
        args[a++] = pki_file(s->pki, test_strdup_printf("%s.pem", tok[1]));
        args[a++] = "-key";
        args[a++] = pki_file(s->pki, test_strdup_printf("%s.key", tok[1]));
        if (issuer != NULL) {
            args[a++] = "-cert_chain";
            args[a++] = pki_file(s->pki, test_strdup_printf("%s.pem", issuer));
        }
        args[a++] = "-www";
        if (mtls) {
            args[a++] = "-Verify";
            args[a++] = "1";
            args[a++] = "-verify_return_error";
            args[a++] = "-CAfile";
            args[a++] = pki_file(s->pki, "root.pem");
        }
        if (seclevel0) {
            args[a++] = "-cipher";
            args[a++] = "DEFAULT:@SECLEVEL=0";
        }
        args[a] = NULL;
        peer_start_s_server_argv(&s->peer, args);
    } else {
        args[a++] = "--http";
        args[a++] = "--x509certfile";
        args[a++] = pki_file(s->pki, test_strdup_printf(issuer != NULL ? "%s_chain.pem" : "%s.pem", tok[1]));
        args[a++] = "--x509keyfile";
        args[a++] = pki_file(s->pki, test_strdup_printf("%s.key", tok[1]));
        if (mtls) {
            args[a++] = "--require-client-cert";
            args[a++] = "--verify-client-cert";
            args[a++] = "--x509cafile";
            args[a++] = pki_file(s->pki, "root.pem");
        } else {
            args[a++] = "--disable-client-cert";
        }
        args[a] = NULL;
        peer_start_gnutls_serv(&s->peer, args);
    }
    s->started = 1;
    printf("  peer: %s on 127.0.0.1:%d (%s)\n", s->peer.what, s->peer.port, s->spec);
}

/* ---- One handshake ----------------------------------------------------------------------------- */

typedef struct {
    char text[160];  /* the observation, in the EXPECTED syntax of matrix.txt */
    int rc;          /* the deciding result code */
    int stage;       /* 0 conf, 1 setup, 2 handshake */
} obs_t;

static const char *resolve(const char *pki, const char *name)
{
    /* "UFS:{pki}/x": a UFS name that is the absolute path of a PKI file. */
    if (strncmp(name, "UFS:{pki}", 9) == 0) {
        return test_strdup_printf("UFS:%s%s", pki, name + 9);
    }
    if (strncmp(name, "UFS:", 4) == 0 || name[0] == '/') {
        return xstrdup(name);
    }
    return pki_file(pki, name);
}

/* Split "a,b[,c]" into parts (copies). */
static int split_commas(const char *s, char **out, int cap)
{
    char *copy = xstrdup(s);
    int n = 0;
    char *p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        CHECK(n < cap, "too many comma-separated parts in %s", s);
        out[n++] = p;
        if (comma == NULL) {
            break;
        }
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static unsigned long parse_num(const char *tok, const char *v)
{
    char *end;
    unsigned long x;
    errno = 0;
    x = strtoul(v, &end, 0);
    CHECK(errno == 0 && end != v && *end == '\0', "bad number in token %s", tok);
    return x;
}

/* Write GET / and read the reply; 1 when it is an HTTP 200 response. */
static int http_200(ql_ssl_context *ctx)
{
    static const char req[] = "GET / HTTP/1.0\r\n\r\n";
    char buf[4096];
    size_t sent = 0, got = 0;
    double deadline = now_s() + 20.0;
    for (int i = 0; i < 1000 && sent < sizeof req - 1 && now_s() < deadline; i++) {
        int rc = ql_ssl_write(ctx, (const unsigned char *)req + sent, sizeof req - 1 - sent);
        if (rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE) {
            continue;
        }
        if (rc <= 0) {
            printf("  ql_ssl_write: %s\n", rc_short_name(rc));
            return 0;
        }
        sent += (size_t)rc;
    }
    for (int i = 0; i < 10000 && got < sizeof buf - 1 && now_s() < deadline; i++) {
        int rc = ql_ssl_read(ctx, (unsigned char *)buf + got, sizeof buf - 1 - got);
        if (rc == QL_SSL_ERROR_WANT_READ || rc == QL_SSL_ERROR_WANT_WRITE) {
            continue;
        }
        if (rc <= 0) {
            break; /* 0: close_notify; an error after the response is not this test's concern */
        }
        got += (size_t)rc;
        buf[got] = '\0';
        if (strstr(buf, "\r\n") != NULL) {
            break; /* the status line is all we need */
        }
    }
    buf[got] = '\0';
    return got > 12 && strncasecmp(buf, "HTTP/1.", 7) == 0 && strncmp(buf + 8, " 200", 4) == 0;
}

#define CONF_SET(...)                                                                             \
    do {                                                                                          \
        int conf_rc_ = ql_ssl_conf_set(__VA_ARGS__);                                              \
        if (conf_rc_ != QL_SSL_SUCCESS) {                                                         \
            snprintf(o->text, sizeof o->text, "%s@conf", rc_short_name(conf_rc_));                   \
            o->rc = conf_rc_;                                                                     \
            printf("  conf_set for token '%s' returned %s\n", all[i], rc_short_name(conf_rc_));      \
            goto out_conf;                                                                        \
        }                                                                                         \
    } while (0)

static void attempt(server_t *srv, char **tok, int ntok, obs_t *o)
{
    const char *pki = srv->pki;
    ql_ssl_config conf;
    ql_ssl_context ctx = -1;
    int have_auth = 0, have_ca = 0, have_host = 0;
    const char *host = "localhost";
    char old_cwd[PATH_MAX] = "";
    char reason[512];
    uint32_t flags = 0;
    int rc, frc, fd;
    char flags_text[40];
    int i = -1;
    const char *dflt[] = { "auth=1", "ca=root.pem" };
    char *all[80];
    int nall = 0;
    char *ca_list[16];
    int ca_n = 0;

    memset(o, 0, sizeof *o);
    for (int k = 0; k < ntok; k++) {
        have_auth |= strncmp(tok[k], "auth=", 5) == 0;
        have_ca |= strncmp(tok[k], "ca=", 3) == 0 || strncmp(tok[k], "cabuf=", 6) == 0;
        have_host |= strncmp(tok[k], "host=", 5) == 0;
    }
    if (!have_auth) {
        all[nall++] = (char *)dflt[0];
    }
    if (!have_ca) {
        all[nall++] = (char *)dflt[1];
    }
    for (int k = 0; k < ntok; k++) {
        CHECK(nall < 80, "too many tokens");
        all[nall++] = tok[k];
    }
    (void)have_host;

    printf("  settings:");
    for (int k = 0; k < nall; k++) {
        printf(" %s", all[k]);
    }
    printf("\n");

    CHECK(ql_ssl_conf_init(&conf) == QL_SSL_SUCCESS, "ql_ssl_conf_init");
    CHECK(ql_ssl_conf_set(&conf, QL_SSL_CONF_HS_TIMEOUT, 15) == QL_SSL_SUCCESS, "HS_TIMEOUT");
    /* ca= tokens add to one list; QL_SSL_CONF_CACERT (char **paths, int count) replaces the
     * config's list, so the whole list so far is set after each token. */
    ca_n = 0;
    o->stage = 0;
    for (i = 0; i < nall; i++) {
        const char *t = all[i];
        const char *v = strchr(t, '=');
        CHECK(v != NULL, "token without '=': %s", t);
        v++;
        if (strncmp(t, "auth=", 5) == 0) {
            CONF_SET(&conf, QL_SSL_CONF_AUTHMODE, (int)parse_num(t, v));
        } else if (strncmp(t, "ca=", 3) == 0) {
            if (strcmp(v, "none") == 0) {
                continue;
            }
            if (strcmp(v, "-") == 0) {
                ca_n = 0;
                CONF_SET(&conf, QL_SSL_CONF_CACERT, (char **)NULL, 0);
                continue;
            }
            {
                char *name = xstrdup(v);
                char *star = strchr(name, '*');
                unsigned long times = 1;
                const char *path;
                if (star != NULL) {
                    *star = '\0';
                    times = parse_num(t, star + 1);
                }
                path = resolve(pki, name);
                for (unsigned long k = 0; k < times; k++) {
                    CHECK(ca_n < (int)(sizeof ca_list / sizeof ca_list[0]), "too many ca= paths");
                    ca_list[ca_n++] = (char *)path;
                    CONF_SET(&conf, QL_SSL_CONF_CACERT, ca_list, ca_n);
                }
            }
        } else if (strncmp(t, "cabuf=", 6) == 0) {
            size_t len;
            unsigned char *buf = read_file(resolve(pki, v), &len);
            int r = ql_ssl_conf_set(&conf, QL_SSL_CONF_CACERT_BUFFER, (const unsigned char *)buf, len);
            /* The library copies the buffer: scribble over and free ours at once. */
            memset(buf, 0xA5, len);
            free(buf);
            if (r != QL_SSL_SUCCESS) {
                snprintf(o->text, sizeof o->text, "%s@conf", rc_short_name(r));
                o->rc = r;
                goto out_conf;
            }
        } else if (strncmp(t, "own=", 4) == 0 || strncmp(t, "ownbuf=", 7) == 0) {
            char *part[3];
            int np = split_commas(v, part, 3);
            const char *pwd = np == 3 ? part[2] : NULL;
            CHECK(np >= 2, "%s needs CERT,KEY[,PWD]", t);
            if (t[3] == '=') {
                CONF_SET(&conf, QL_SSL_CONF_OWNCERT, resolve(pki, part[0]), resolve(pki, part[1]), pwd);
            } else {
                size_t clen, klen;
                unsigned char *c = read_file(resolve(pki, part[0]), &clen);
                unsigned char *k = read_file(resolve(pki, part[1]), &klen);
                int r = ql_ssl_conf_set(&conf, QL_SSL_CONF_OWNCERT_BUFFER, (const unsigned char *)c, clen,
                                        (const unsigned char *)k, klen, pwd);
                memset(c, 0xA5, clen);
                memset(k, 0xA5, klen);
                free(c);
                free(k);
                if (r != QL_SSL_SUCCESS) {
                    snprintf(o->text, sizeof o->text, "%s@conf", rc_short_name(r));
                    o->rc = r;
                    goto out_conf;
                }
            }
        } else if (strncmp(t, "host=", 5) == 0) {
            host = strcmp(v, "none") == 0 ? NULL : v;
        } else if (strncmp(t, "sni=", 4) == 0) {
            CONF_SET(&conf, QL_SSL_CONF_SNI, (int)parse_num(t, v));
        } else if (strncmp(t, "localtm=", 8) == 0) {
            CONF_SET(&conf, QL_SSL_CONF_IGNORE_LOCALTM, (int)parse_num(t, v));
        } else if (strncmp(t, "certsign=", 9) == 0) {
            CONF_SET(&conf, QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN, (int)parse_num(t, v));
        } else if (strncmp(t, "certitem=", 9) == 0) {
            CONF_SET(&conf, QL_SSL_CONF_IGNORE_CERT_ITEM, (uint32_t)parse_num(t, v));
        } else if (strncmp(t, "multi=", 6) == 0) {
            CONF_SET(&conf, QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY, (int)parse_num(t, v));
        } else if (strncmp(t, "ufs=", 4) == 0) {
            if (strcmp(v, "env") == 0) {
                setenv("QLSSL_UFS_DIR", pki, 1);
            } else if (strcmp(v, "store") == 0) {
                setenv("QLSSL_UFS_DIR", pki_file(pki, "store"), 1);
            } else {
                CHECK(strcmp(v, "cwd") == 0, "ufs=env|store|cwd");
                unsetenv("QLSSL_UFS_DIR");
                CHECK(getcwd(old_cwd, sizeof old_cwd) != NULL, "getcwd: %s", strerror(errno));
                CHECK(chdir(pki) == 0, "chdir %s: %s", pki, strerror(errno));
            }
        } else {
            test_fail(__FILE__, __LINE__, "attempt", "unknown client token %s", t);
        }
    }

    o->stage = 1;
    CHECK(ql_ssl_new(&ctx) == QL_SSL_SUCCESS, "ql_ssl_new");
    if (host != NULL) {
        CHECK(ql_ssl_set_hostname(&ctx, host) == QL_SSL_SUCCESS, "ql_ssl_set_hostname(%s)", host);
    }
    rc = ql_ssl_setup(&ctx, &conf);
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS, "ql_ssl_conf_free");
    if (old_cwd[0] != '\0') {
        CHECK(chdir(old_cwd) == 0, "chdir back: %s", strerror(errno));
    }
    unsetenv("QLSSL_UFS_DIR");
    if (rc != QL_SSL_SUCCESS) {
        reason[0] = '\0';
        ql_ssl_last_error(reason, sizeof reason);
        printf("  ql_ssl_setup: %s; last error: %s\n", rc_short_name(rc), reason);
        CHECK(reason[0] != '\0', "ql_ssl_setup failed with %s but ql_ssl_last_error gives no reason",
              rc_short_name(rc));
        snprintf(o->text, sizeof o->text, "%s@setup", rc_short_name(rc));
        o->rc = rc;
        CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS, "ql_ssl_free");
        return;
    }

    o->stage = 2;
    if (!srv->started) {
        server_start(srv);
    }
    fd = tcp_connect_bounded(srv->peer.port);
    CHECK(ql_ssl_set_socket_fd(&ctx, fd) == QL_SSL_SUCCESS, "ql_ssl_set_socket_fd");
    rc = ql_ssl_handshake(&ctx);
    o->rc = rc;
    if (rc != QL_SSL_SUCCESS) {
        reason[0] = '\0';
        ql_ssl_last_error(reason, sizeof reason);
        printf("  ql_ssl_handshake: %s; last error: %s\n", rc_short_name(rc), reason);
    }
    frc = ql_ssl_get_verify_result(&ctx, &flags);
    if (frc == QL_SSL_SUCCESS) {
        snprintf(flags_text, sizeof flags_text, "flags=0x%X", (unsigned)flags);
    } else if (frc == QL_SSL_ERROR_INVALID_PARAM) {
        snprintf(flags_text, sizeof flags_text, "noflags");
    } else {
        snprintf(flags_text, sizeof flags_text, "flags?%s", rc_short_name(frc));
    }
    if (rc == QL_SSL_SUCCESS && !http_200(&ctx)) {
        snprintf(o->text, sizeof o->text, "SUCCESS-BUT-NO-HTTP-200 %s", flags_text);
    } else {
        snprintf(o->text, sizeof o->text, "%s %s", rc_short_name(rc), flags_text);
    }
    CHECK(ql_ssl_free(&ctx) == QL_SSL_SUCCESS, "ql_ssl_free");
    close(fd);
    return;

out_conf:
    CHECK(ql_ssl_conf_free(&conf) == QL_SSL_SUCCESS, "ql_ssl_conf_free");
    if (old_cwd[0] != '\0') {
        CHECK(chdir(old_cwd) == 0, "chdir back");
    }
    unsetenv("QLSSL_UFS_DIR");
}

/* ---- Sweeps ------------------------------------------------------------------------------------ */

static const char *const SWEEP[] = {
    "localtm=1",     "certsign=1",     "multi=1",         "certitem=1",      "certitem=4",
    "certitem=8",    "certitem=256",   "certitem=512",    "certitem=2048",   "certitem=4096",
    "certitem=8192", "certitem=16384", "certitem=32768",  "certitem=65536",  "certitem=1048575",
};
#define NSWEEP ((int)(sizeof SWEEP / sizeof SWEEP[0]))

/* Index of a sweep setting, or -1. */
static int sweep_index(const char *s)
{
    for (int i = 0; i < NSWEEP; i++) {
        if (strcmp(SWEEP[i], s) == 0) {
            return i;
        }
    }
    return -1;
}

/* The RESCUERS field in canonical (column) order. */
static void canonical_rescuers(const char *list, const row_t *r, char *out, size_t cap)
{
    char *tok[NSWEEP + 1];
    int n = split_ws(list, tok, NSWEEP + 1);
    int want[NSWEEP] = { 0 };
    if (n == 1 && (strcmp(tok[0], "all") == 0 || strcmp(tok[0], "none") == 0)) {
        snprintf(out, cap, "%s", tok[0]);
        return;
    }
    for (int k = 0; k < n; k++) {
        int idx = sweep_index(tok[k]);
        CHECK(idx >= 0, "sweep %s: '%s' is not a sweep column", r->name, tok[k]);
        want[idx] = 1;
    }
    out[0] = '\0';
    for (int k = 0; k < NSWEEP; k++) {
        if (want[k]) {
            size_t l = strlen(out);
            snprintf(out + l, cap - l, "%s%s", l > 0 ? " " : "", SWEEP[k]);
        }
    }
    if (out[0] == '\0') {
        snprintf(out, cap, "none");
    }
}

/* ---- Running a row ----------------------------------------------------------------------------- */

static const row_t *find_row(const char *name)
{
    for (int i = 0; i < g_nrows; i++) {
        if ((g_rows[i].kind == ROW_CASE || g_rows[i].kind == ROW_SWEEP) && strcmp(g_rows[i].name, name) == 0) {
            return &g_rows[i];
        }
    }
    return NULL;
}

/*
 * Does observation `got` ("RC rest") satisfy `want`? The RC part of `want` may list alternatives
 * separated by '/' ("HS_FAILURE/SOCKET_RESET flags=0x0"); the rest must be equal.
 */
static int outcome_matches(const char *want, const char *got)
{
    size_t wl = strcspn(want, " "), gl = strcspn(got, " ");
    const char *alt = want;
    if (strcmp(want + wl, got + gl) != 0) {
        return 0;
    }
    while (alt < want + wl) {
        size_t al = strcspn(alt, "/ ");
        if (al == gl && strncmp(alt, got, gl) == 0) {
            return 1;
        }
        alt += al;
        if (*alt == '/') {
            alt++;
        }
    }
    return 0;
}

/*
 * Verdict for a row whose observation is `got` (for sweeps: the canonical rescuer list), against
 * `want` (the correct outcome) and, for a known defect, `known` (what the library gives meanwhile).
 * A known-defect row passes only while the library still shows exactly the defect, so fixing the
 * library fails it until matrix.txt (and with it docs/CERTS.md) is updated.
 */
static int verdict(const row_t *r, const char *want, const char *known, const char *got, int print)
{
    if (known == NULL) {
        return outcome_matches(want, got);
    }
    if (outcome_matches(want, got)) {
        if (print) {
            printf("  known defect '%s' is GONE: the library now gives the correct outcome.\n"
                   "  Remove \"[defect %s: ...]\" from matrix.txt line %d and regenerate docs/CERTS.md.\n",
                   r->defect, r->defect, r->line);
        }
        return 0;
    }
    if (print) {
        printf("  known defect '%s': correct would be '%s'; the library still gives '%s'\n", r->defect, want, known);
    }
    return outcome_matches(known, got);
}

static void write_result(const char *results, const char *name, const char *body)
{
    char *path = test_strdup_printf("%s/%s.result", results, name);
    char *tmp = test_strdup_printf("%s.tmp", path);
    FILE *f;
    mkdir(results, 0755);
    f = fopen(tmp, "w");
    CHECK(f != NULL, "create %s: %s", tmp, strerror(errno));
    fputs(body, f);
    CHECK(fclose(f) == 0, "write %s", tmp);
    CHECK(rename(tmp, path) == 0, "rename %s: %s", tmp, strerror(errno));
}

static int run_row(const char *matrix, const char *pki_in, const char *results, const char *name)
{
    const row_t *r;
    server_t srv;
    char pki[PATH_MAX];
    char *tok[64];
    int ntok;
    char body[2048];
    int ok;

    parse_matrix(matrix);
    r = find_row(name);
    CHECK(r != NULL, "no row named %s in %s", name, matrix);
    CHECK(realpath(pki_in, pki) != NULL, "PKI directory %s: %s", pki_in, strerror(errno));
    {
        char *stamp = pki_file(pki, "pki.ok");
        CHECK(access(stamp, R_OK) == 0, "%s missing: run tests/certs/gen_matrix_pki.sh %s first", stamp, pki);
    }
    unsetenv("QLSSL_UFS_DIR");
    memset(&srv, 0, sizeof srv);
    srv.pki = pki;
    srv.row_name = r->name;
    srv.spec = r->server;
    ntok = split_ws(r->client, tok, 60);
    printf("%s %s (matrix line %d)\n  server: %s\n", r->kind == ROW_CASE ? "case" : "sweep", r->name, r->line,
           r->server);

    if (r->kind == ROW_CASE) {
        obs_t o;
        attempt(&srv, tok, ntok, &o);
        printf("  expected: %s\n  observed: %s\n", r->expect, o.text);
        ok = verdict(r, r->expect, r->known, o.text, 1);
        snprintf(body, sizeof body, "%s\n", o.text);
    } else {
        obs_t strict, each;
        char want[512], known[512], got[512] = "", cells[256] = "";
        int all_rescue = 1, any_rescue = 0, consistent = 1;
        tok[ntok++] = (char *)"localtm=0";
        /* localtm=0 goes first so that the row's own tokens and the swept setting come after it. */
        memmove(tok + 1, tok, sizeof tok[0] * (size_t)(ntok - 1));
        tok[0] = (char *)"localtm=0";
        printf("  -- strict\n");
        attempt(&srv, tok, ntok, &strict);
        printf("  => %s\n", strict.text);
        for (int k = 0; k < NSWEEP; k++) {
            int rescued;
            char expect_success[200];
            const char *flags_part = strchr(strict.text, ' ');
            tok[ntok] = (char *)SWEEP[k];
            printf("  -- + %s\n", SWEEP[k]);
            attempt(&srv, tok, ntok + 1, &each);
            rescued = each.rc == QL_SSL_SUCCESS;
            printf("  => %s\n", each.text);
            snprintf(expect_success, sizeof expect_success, "SUCCESS%s", flags_part != NULL ? flags_part : "");
            if (rescued ? strcmp(each.text, expect_success) != 0 : strcmp(each.text, strict.text) != 0) {
                printf("  !! with %s: observed '%s', but the strict handshake gave '%s'\n", SWEEP[k], each.text,
                       strict.text);
                consistent = 0;
            }
            all_rescue &= rescued;
            any_rescue |= rescued;
            if (rescued) {
                size_t l = strlen(got);
                snprintf(got + l, sizeof got - l, "%s%s", l > 0 ? " " : "", SWEEP[k]);
            }
            {
                size_t l = strlen(cells);
                snprintf(cells + l, sizeof cells - l, "%s%s", k > 0 ? " " : "", rescued ? "pass" : "-");
            }
        }
        if (strict.rc == QL_SSL_SUCCESS && all_rescue) {
            snprintf(got, sizeof got, "all");
        } else if (!any_rescue) {
            snprintf(got, sizeof got, "none");
        }
        canonical_rescuers(r->expect, r, want, sizeof want);
        if (r->known != NULL) {
            canonical_rescuers(r->known, r, known, sizeof known);
        }
        ok = consistent && verdict(r, want, r->known != NULL ? known : NULL, got, 1) &&
             (strcmp(got, "all") == 0) == (strict.rc == QL_SSL_SUCCESS);
        printf("  strict:            %s\n  expected rescuers: %s\n  observed rescuers: %s%s\n", strict.text, want,
               got, consistent ? "" : "  (INCONSISTENT findings, see above)");
        snprintf(body, sizeof body, "%s%s\nstrict %s\ncells %s\n", got, consistent ? "" : " INCONSISTENT",
                 strict.text, cells);
    }
    write_result(results, r->name, body);
    if (srv.started) {
        peer_stop(&srv.peer);
    }
    printf("%s: %s\n", r->name, ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}

static int reset_results(const char *results)
{
    DIR *d = opendir(results);
    if (d != NULL) {
        struct dirent *e;
        for (int i = 0; i < 100000 && (e = readdir(d)) != NULL; i++) {
            if (strstr(e->d_name, ".result") != NULL || strstr(e->d_name, ".tmp") != NULL ||
                strstr(e->d_name, ".md") != NULL) {
                char *p = test_strdup_printf("%s/%s", results, e->d_name);
                CHECK(unlink(p) == 0, "unlink %s: %s", p, strerror(errno));
            }
        }
        closedir(d);
    }
    CHECK(mkdir(results, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", results, strerror(errno));
    return 0;
}

/* ---- The document tables ----------------------------------------------------------------------- */

#define BEGIN_MARK "<!-- BEGIN GENERATED BY tests/certs (matrix.txt + ctest results): do not edit by hand -->"
#define END_MARK "<!-- END GENERATED BY tests/certs -->"

typedef struct {
    char *buf;
    size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    CHECK(n >= 0, "vsnprintf");
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->buf = realloc(b->buf, b->cap);
        CHECK(b->buf != NULL, "out of memory");
    }
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Names of MBEDTLS_X509_BADCERT_* bits, for the outcome column. */
static void flag_names(unsigned long f, char *out, size_t cap)
{
    static const struct {
        unsigned long bit;
        const char *name;
    } N[] = {
        { 0x1, "expired" },        { 0x4, "CN/SAN mismatch" }, { 0x8, "not trusted" },
        { 0x100, "other" },        { 0x200, "future" },        { 0x800, "keyUsage" },
        { 0x1000, "extKeyUsage" }, { 0x2000, "nsCertType" },   { 0x4000, "bad MD" },
        { 0x8000, "bad PK" },      { 0x10000, "bad key" },
    };
    out[0] = '\0';
    for (size_t i = 0; i < sizeof N / sizeof N[0]; i++) {
        if (f & N[i].bit) {
            size_t l = strlen(out);
            snprintf(out + l, cap - l, "%s%s", l > 0 ? ", " : "", N[i].name);
            f &= ~N[i].bit;
        }
    }
    if (f != 0) {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%sbits 0x%lX", l > 0 ? ", " : "", f);
    }
}

/* "HS_FAILURE flags=0x8" -> "**HS_FAILURE**, findings 0x8 (not trusted)"; "A/B" -> "A or B". */
static void outcome_text(const char *expect, char *out, size_t cap)
{
    const char *f = strstr(expect, "flags=");
    char rc[96] = "";
    size_t rclen = strcspn(expect, " ");
    const char *p = expect;
    char *at;
    while (p < expect + rclen) {
        size_t l = strcspn(p, "/ ");
        size_t used = strlen(rc);
        snprintf(rc + used, sizeof rc - used, "%s**%.*s**", used > 0 ? " or " : "", (int)l, p);
        p += l;
        if (*p == '/') {
            p++;
        }
    }
    at = strchr(rc, '@');
    if (f != NULL) {
        unsigned long v = strtoul(f + 6, NULL, 0);
        char names[160];
        flag_names(v, names, sizeof names);
        if (v == 0) {
            snprintf(out, cap, "%s, findings 0", rc);
        } else {
            snprintf(out, cap, "%s, findings 0x%lX (%s)", rc, v, names);
        }
    } else if (strstr(expect, "noflags") != NULL) {
        snprintf(out, cap, "%s, not verified", rc);
    } else if (at != NULL) {
        char stage[16];
        snprintf(stage, sizeof stage, "%.*s", (int)strcspn(at + 1, "*"), at + 1);
        snprintf(out, cap, "%.*s** from `ql_ssl_%s`", (int)(at - rc), rc,
                 strcmp(stage, "conf") == 0 ? "conf_set" : stage);
    } else {
        snprintf(out, cap, "%s", rc);
    }
}

static char *ctest_name(const row_t *r)
{
    char *n = test_strdup_printf("certs_%s%s", r->kind == ROW_SWEEP ? "sweep_" : "", r->name);
    for (char *p = n; *p != '\0'; p++) {
        if (*p == '.') {
            *p = '_';
        }
    }
    return n;
}

/* Read RESULTS/NAME.result; NULL when missing. Line 1 is the observation. */
static char *read_result(const char *results, const char *name)
{
    char *path = test_strdup_printf("%s/%s.result", results, name);
    size_t len;
    if (access(path, R_OK) != 0) {
        return NULL;
    }
    return (char *)read_file(path, &len);
}

static const char *result_line(const char *body, const char *key, char *out, size_t cap)
{
    const char *p = body;
    size_t klen = strlen(key);
    for (int i = 0; i < 16 && p != NULL && *p != '\0'; i++) {
        const char *nl = strchr(p, '\n');
        size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p);
        if (klen == 0 || (l > klen && strncmp(p, key, klen) == 0 && p[klen] == ' ')) {
            size_t off = klen == 0 ? 0 : klen + 1;
            snprintf(out, cap, "%.*s", (int)(l - off), p + off);
            return out;
        }
        p = nl != NULL ? nl + 1 : NULL;
    }
    out[0] = '\0';
    return NULL;
}

/* The client settings column: the CLIENT field, or "(defaults)". */
static void client_text(const row_t *r, char *out, size_t cap)
{
    if (r->client[0] == '\0') {
        snprintf(out, cap, "(defaults)");
    } else {
        snprintf(out, cap, "`%s`", r->client);
    }
}

/* The sweep columns, shortened for the table header. */
static const char *sweep_header(int k)
{
    const char *v = strchr(SWEEP[k], '=') + 1;
    return strncmp(SWEEP[k], "certitem=", 9) == 0 ? v : SWEEP[k];
}

static int render(const char *results, sbuf *out)
{
    int failures = 0, ncases = 0, nsweeps = 0, ndefect_rows = 0, in_table = 0;
    sbuf body = { NULL, 0, 0 };

    for (int i = 0; i < g_nrows; i++) {
        const row_t *r = &g_rows[i];
        int is_row = r->kind == ROW_CASE || r->kind == ROW_SWEEP;
        char *res = is_row ? read_result(results, r->name) : NULL;
        char first[512] = "";
        if (res != NULL) {
            result_line(res, "", first, sizeof first);
        }
        if (in_table && !((r->kind == ROW_CASE && in_table == 1) || (r->kind == ROW_SWEEP && in_table == 2))) {
            sb_printf(&body, "\n");
            in_table = 0;
        }
        if (r->kind == ROW_HEADING) {
            sb_printf(&body, "### %s\n\n", r->text);
        } else if (r->kind == ROW_TEXT) {
            int next_text = i + 1 < g_nrows && g_rows[i + 1].kind == ROW_TEXT;
            sb_printf(&body, "%s\n%s", r->text, next_text ? "" : "\n");
        } else if (r->kind == ROW_DEFECT) {
            int used = 0;
            sb_printf(&body, "- **%s**: %s Rows:", r->name, r->text);
            for (int k = 0; k < g_nrows; k++) {
                if ((g_rows[k].kind == ROW_CASE || g_rows[k].kind == ROW_SWEEP) && g_rows[k].defect != NULL &&
                    strcmp(g_rows[k].defect, r->name) == 0) {
                    sb_printf(&body, "%s `%s`", used++ > 0 ? "," : "", ctest_name(&g_rows[k]));
                }
            }
            sb_printf(&body, "%s\n", used > 0 ? "." : " none (fixed: remove this entry).");
            if (i + 1 >= g_nrows || g_rows[i + 1].kind != ROW_DEFECT) {
                sb_printf(&body, "\n");
            }
        } else if (r->kind == ROW_CASE) {
            char setting[600], outcome[300], known[300] = "";
            const char *status = "";
            ncases++;
            if (!in_table) {
                sb_printf(&body, "| ctest case | server (peer, certificate) | client settings | outcome |\n");
                sb_printf(&body, "|---|---|---|---|\n");
                in_table = 1;
            }
            client_text(r, setting, sizeof setting);
            outcome_text(r->expect, outcome, sizeof outcome);
            if (r->known != NULL) {
                outcome_text(r->known, known, sizeof known);
                ndefect_rows++;
            }
            if (res == NULL) {
                status = " **NOT RUN**";
                failures++;
                fprintf(stderr, "row %s (matrix line %d): no result - did its ctest case run?\n", r->name, r->line);
            } else if (!verdict(r, r->expect, r->known, first, 0)) {
                status = " **MISMATCH**";
                failures++;
                fprintf(stderr, "row %s (matrix line %d): expected '%s'%s%s%s, observed '%s'\n", r->name, r->line,
                        r->expect, r->known != NULL ? " (known defect: '" : "", r->known != NULL ? r->known : "",
                        r->known != NULL ? "')" : "", first);
            }
            if (r->known != NULL) {
                sb_printf(&body, "| `%s` | %s | %s | should be %s; **defect %s**: the library gives %s%s%s%s |\n",
                          ctest_name(r), r->server, setting, outcome, r->defect, known, status,
                          status[0] != '\0' ? ": observed " : "", status[0] != '\0' ? first : "");
            } else {
                sb_printf(&body, "| `%s` | %s | %s | %s%s%s%s |\n", ctest_name(r), r->server, setting, outcome,
                          status, status[0] != '\0' ? ": observed " : "", status[0] != '\0' ? first : "");
            }
        } else if (r->kind == ROW_SWEEP) {
            char want[512], known[512] = "", cells[512] = "", strict[200] = "", outcome[300];
            char *cell[NSWEEP + 1];
            int nc = 0;
            nsweeps++;
            canonical_rescuers(r->expect, r, want, sizeof want);
            if (r->known != NULL) {
                canonical_rescuers(r->known, r, known, sizeof known);
                ndefect_rows++;
            }
            if (!in_table) {
                sb_printf(&body, "| ctest case | server | strict outcome |");
                for (int k = 0; k < NSWEEP; k++) {
                    sb_printf(&body, " %s |", sweep_header(k));
                }
                sb_printf(&body, " correct rescuers |\n|---|---|---|");
                for (int k = 0; k < NSWEEP; k++) {
                    sb_printf(&body, "---|");
                }
                sb_printf(&body, "---|\n");
                in_table = 2;
            }
            if (res != NULL) {
                result_line(res, "cells", cells, sizeof cells);
                result_line(res, "strict", strict, sizeof strict);
                nc = split_ws(cells, cell, NSWEEP + 1);
            }
            if (res == NULL || nc != NSWEEP || !verdict(r, want, r->known != NULL ? known : NULL, first, 0)) {
                failures++;
                fprintf(stderr, "sweep %s (matrix line %d): expected rescuers '%s'%s%s, observed '%s'\n", r->name,
                        r->line, want, r->known != NULL ? ", known defect: " : "", r->known != NULL ? known : "",
                        res != NULL ? first : "(no result)");
                sb_printf(&body, "| `%s` | %s | **%s** |", ctest_name(r), r->server,
                          res == NULL ? "NOT RUN" : "MISMATCH");
                for (int k = 0; k < NSWEEP; k++) {
                    sb_printf(&body, " %s |", k < nc ? cell[k] : "?");
                }
                sb_printf(&body, " %s |\n", want);
                free(res);
                continue;
            }
            if (strcmp(want, "none") == 0) {
                failures++;
                fprintf(stderr, "sweep %s: the correct outcome must name at least one rescuer\n", r->name);
            }
            outcome_text(strict, outcome, sizeof outcome);
            sb_printf(&body, "| `%s` | %s%s%s | %s |", ctest_name(r), r->server, r->client[0] != '\0' ? ", " : "",
                      r->client, outcome);
            for (int k = 0; k < NSWEEP; k++) {
                sb_printf(&body, " %s |", strcmp(cell[k], "pass") == 0 ? "**pass**" : "-");
            }
            {
                char shortlist[512] = "";
                char *w[NSWEEP + 1];
                int nw = split_ws(want, w, NSWEEP + 1);
                for (int k = 0; k < nw; k++) {
                    const char *v = strncmp(w[k], "certitem=", 9) == 0 ? w[k] + 9 : w[k];
                    size_t l = strlen(shortlist);
                    snprintf(shortlist + l, sizeof shortlist - l, "%s%s", k > 0 ? ", " : "", v);
                }
                if (r->known != NULL) {
                    sb_printf(&body, " %s; **defect %s**: today %s |\n", shortlist, r->defect, known);
                } else {
                    sb_printf(&body, " %s |\n", shortlist);
                }
            }
        }
        free(res);
    }
    if (in_table) {
        sb_printf(&body, "\n");
    }
    sb_printf(out, "%s\n\n", BEGIN_MARK);
    sb_printf(out,
              "%d handshake cases and %d sweeps (each: a strict handshake plus one per column), one ctest case "
              "each. This text is generated from `tests/certs/matrix.txt` and the results of the run; the ctest "
              "case `certs_docs_table` fails when it differs from what the run observed. %d row(s) show a known "
              "library defect: they state the correct outcome and what the library gives today, and their ctest "
              "case fails as soon as the library changes, so this document has to be updated with the fix.\n\n",
              ncases, nsweeps, ndefect_rows);
    sb_printf(out, "%s", body.buf != NULL ? body.buf : "");
    sb_printf(out, "%s\n", END_MARK);
    free(body.buf);
    return failures;
}

static int table(const char *matrix, const char *results, const char *doc)
{
    sbuf gen = { NULL, 0, 0 };
    size_t doclen;
    char *text, *begin, *end;
    int failures;
    int write = getenv("CERTS_WRITE_DOCS") != NULL && strcmp(getenv("CERTS_WRITE_DOCS"), "1") == 0;
    char *genpath = test_strdup_printf("%s/CERTS.generated.md", results);

    parse_matrix(matrix);
    failures = render(results, &gen);
    test_keep(gen.buf);
    {
        FILE *f = fopen(genpath, "w");
        CHECK(f != NULL, "create %s", genpath);
        fputs(gen.buf, f);
        fclose(f);
    }
    if (failures > 0) {
        fprintf(stderr, "FAIL: %d matrix row(s) did not pass (see above); the table was written to %s\n", failures,
                genpath);
        return 1;
    }
    text = test_keep(read_file(doc, &doclen));
    begin = strstr(text, BEGIN_MARK);
    end = begin != NULL ? strstr(begin, END_MARK) : NULL;
    CHECK(begin != NULL && end != NULL, "%s lacks the generated-table markers:\n%s\n%s", doc, BEGIN_MARK, END_MARK);
    end += strlen(END_MARK);
    if (*end == '\n') {
        end++;
    }
    if ((size_t)(end - begin) == gen.len && memcmp(begin, gen.buf, gen.len) == 0) {
        printf("%s matches the matrix and the results of this run\n", doc);
        return 0;
    }
    if (write) {
        char *tmp = test_strdup_printf("%s.tmp", doc);
        FILE *f = fopen(tmp, "w");
        CHECK(f != NULL, "create %s: %s", tmp, strerror(errno));
        fwrite(text, 1, (size_t)(begin - text), f);
        fputs(gen.buf, f);
        fputs(end, f);
        CHECK(fclose(f) == 0, "write %s", tmp);
        CHECK(rename(tmp, doc) == 0, "rename %s", tmp);
        printf("rewrote the generated part of %s\n", doc);
        return 0;
    }
    {
        /* Point at the first differing line. */
        const char *a = begin, *b = gen.buf;
        int line = 1;
        while (*a != '\0' && *b != '\0' && *a == *b) {
            if (*a == '\n') {
                line++;
            }
            a++;
            b++;
        }
        fprintf(stderr,
                "FAIL: the generated part of %s is out of date (first difference at line %d of that part).\n"
                "  expected text: %s\n"
                "  update with:   CERTS_WRITE_DOCS=1 ctest -R certs_docs_table\n",
                doc, line, genpath);
    }
    return 1;
}

int main(int argc, char **argv)
{
    test_init(0, NULL, 240);
    signal(SIGPIPE, SIG_IGN); /* a peer that closes first must not kill the test */
    if (argc == 6 && strcmp(argv[1], "run") == 0) {
        return run_row(argv[2], argv[3], argv[4], argv[5]);
    }
    if (argc == 3 && strcmp(argv[1], "reset") == 0) {
        return reset_results(argv[2]);
    }
    if (argc == 5 && strcmp(argv[1], "table") == 0) {
        return table(argv[2], argv[3], argv[4]);
    }
    fprintf(stderr,
            "usage: %s run MATRIX PKI_DIR RESULTS_DIR NAME\n"
            "       %s reset RESULTS_DIR\n"
            "       %s table MATRIX RESULTS_DIR DOC\n",
            argv[0], argv[0], argv[0]);
    return 2;
}
