/* SPDX-License-Identifier: MIT */
/*
 * `portscope update FILE`: reads IANA's registry (XML or CSV, plain or gzip),
 * checks it completely, and only then replaces the compiled database, in one
 * rename, so a reader sees either the old file or the new one, whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "parse.h"
#include "registry-internal.h"
#include "registry-set.h"
#include "utf8.h"

/* Creates the parent directories of path (like mkdir -p), mode 0755. */
static int make_parents(const char *path)
{
        const char *slash = strrchr(path, '/');
        if (!slash || slash == path)
                return 0;
        char *dir = strndup(path, (size_t)(slash - path));
        if (!dir)
                return -ENOMEM;
        int r = ps_mkdir_p(dir, 0755);
        free(dir);
        return r;
}

/* IANA's own copy of the registry, as its page links it. */
#define IANA_XML_URL                                                                               \
        "https://www.iana.org/assignments/service-names-port-numbers/"                             \
        "service-names-port-numbers.xml"
/* The XML is about 4 MB; sixteen times that is not a registry. */
#define FETCH_MAX_BYTES (64ull << 20)
#define FETCH_STATE_MAX 4096

static struct {
        bool fetch;
        unsigned timeout;
} opt = { .timeout = 60 };

int update_option(struct cli *c, int o, const char *arg)
{
        switch (o) {
        case UPDATE_OPT_FETCH:
                opt.fetch = true;
                return 0;
        case UPDATE_OPT_TIMEOUT:
                if (ps_parse_unsigned(arg, 3600, &opt.timeout) < 0 || !opt.timeout)
                        return cli_error(EXIT_USAGE,
                                         _("--timeout: expected seconds from 1 to 3600, not "
                                           "\"%.20s\""),
                                         arg);
                return 0;
        }
        return cli_error(EXIT_USAGE, _("unexpected option"));
}

static int status_for(int code)
{
        return code == -ENOMEM || code == -EIO ? EXIT_SYSTEM : EXIT_USAGE;
}

/* The database update writes: --db, or the per-user default. A symbolic
 * link is followed: the file it names is replaced, the link stays. */
static int target_path(struct cli *c, char defpath[4096], char resolved[PATH_MAX],
                       const char **ret_path)
{
        const char *path = c->db_path;
        struct stat st;
        if (!path) {
                if (ps_db_default_path(defpath, 4096) < 0)
                        return cli_error(EXIT_USAGE,
                                         _("update: set XDG_DATA_HOME or HOME, or give --db PATH"));
                path = defpath;
        }
        if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
                if (!realpath(path, resolved))
                        return cli_error(EXIT_USAGE, _("%s: a symbolic link to nothing (%s)"), path,
                                         strerror(errno));
                path = resolved;
        }
        /* rename() replaces whatever has the name: as root, --db /dev/null
         * would turn the device into a file. Only a file is replaced. */
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
                return cli_error(EXIT_USAGE,
                                 _("%s: not a regular file, so not replaced by the database"),
                                 path);
        *ret_path = path;
        return 0;
}

/* The default database's directory is created when first needed. */
static int make_dir_for(struct cli *c, const char *path)
{
        int r = c->db_path ? 0 : make_parents(path);
        if (r < 0)
                return cli_error(EXIT_SYSTEM, _("%s: cannot create its directory: %s"), path,
                                 strerror(-r));
        return 0;
}

/* Reads file (named source in messages and in the database), checks all of
 * it, and installs it at path in one rename. */
static int install(struct cli *c, const char *file, const char *source, const char *path)
{
        char err[512];
        ps_regset set;
        ps_regfmt fmt;
        void *image;
        size_t size;
        ps_db *db;
        int r;

        if ((r = ps_read_registry(file, &set, &fmt, err, sizeof(err))) < 0)
                return cli_error(status_for(r), "%s: %s", source, err);
        ps_regset_set_source(&set, fmt, source);
        size_t n_people = set.n_people;
        r = ps_regset_compile(&set, &image, &size);
        ps_regset_free(&set);
        if (r < 0)
                return cli_error(status_for(r), _("%s: cannot compile: %s"), source,
                                 ps_strerror(r));
        /* What readers will check, checked before it replaces anything. */
        if ((r = ps_db_open_memory(image, size, &db)) < 0) {
                free(image);
                return cli_error(EXIT_SYSTEM, _("%s: the compiled registry does not validate: %s"),
                                 source, ps_strerror(r));
        }
        if ((r = make_dir_for(c, path)))
                goto out;
        if ((r = ps_write_atomic(path, image, size, 0644)) < 0) {
                r = cli_error(r == -ENOENT || r == -EISDIR || r == -ENOTDIR || r == -EACCES
                                      ? EXIT_USAGE
                                      : EXIT_SYSTEM,
                              _("%s: cannot write the database: %s"), path, strerror(-r));
                goto out;
        }
        if (c->json) {
                r = json_emit(json_doc(
                        "update",
                        json_pack("{s:o, s:o, s:b, s:s, s:s, s:I, s:I, s:I}", "path",
                                  json_text(path), "input", json_text(source), "not_modified", 0,
                                  "format", fmt == PS_FMT_CSV ? "csv" : "xml", "registry_date",
                                  ps_db_date(db), "records_total", (json_int_t)ps_db_count(db),
                                  "people_total", (json_int_t)n_people, "size_bytes",
                                  (json_int_t)size)));
        } else {
                char safe[4096];
                char date[64], n1[PS_I18N_NUM_MAX], n2[PS_I18N_NUM_MAX];
                printf(_("Updated %s\n"), ps_text_sanitize_to(safe, sizeof(safe), path));
                /* TRANSLATORS: the registry's date, its format (XML or CSV), the counts. */
                printf(_("Registry   %s (IANA %s, %s records, %s people)\n"),
                       ps_i18n_date(ps_db_date(db), date, sizeof(date)), ps_regfmt_name(fmt),
                       ps_i18n_number(n1, sizeof(n1), ps_db_count(db)),
                       ps_i18n_number(n2, sizeof(n2), n_people));
                r = EXIT_FOUND;
        }
        if (!c->db_path && getenv("PORTSCOPE_DB") && *getenv("PORTSCOPE_DB"))
                cli_error(0, _("note: PORTSCOPE_DB is set, so it is used instead of %s"), path);
out:
        ps_db_free(db);
        free(image);
        return r;
}

/* The validators of the copy in use, kept beside the database as
 * "url URL\netag VALUE\nlast-modified VALUE\n". */
struct fetch_state {
        char url[1024], etag[600], last_modified[600];
};

static void state_path(const char *db, char *buf, size_t size)
{
        snprintf(buf, size, "%s.fetch", db);
}

static void read_state(const char *db, struct fetch_state *st)
{
        char path[PATH_MAX + 8], *text;
        size_t len;
        memset(st, 0, sizeof(*st));
        state_path(db, path, sizeof(path));
        /* A missing or damaged file only costs a full download. */
        if (ps_read_full(path, FETCH_STATE_MAX, 0, &text, &len) < 0)
                return;
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (!strncmp(line, "url ", 4))
                        snprintf(st->url, sizeof(st->url), "%s", line + 4);
                else if (!strncmp(line, "etag ", 5))
                        snprintf(st->etag, sizeof(st->etag), "%s", line + 5);
                else if (!strncmp(line, "last-modified ", 14))
                        snprintf(st->last_modified, sizeof(st->last_modified), "%s", line + 14);
        }
        free(text);
}

/* Runs portscope-fetch; its stdout (the new validators) goes to out_state. */
static int run_helper(const char *url, const char *body, const struct fetch_state *old,
                      struct fetch_state *ret)
{
        char helper[PATH_MAX], timeout[16], max[24];
        int status;
        cli_helper_path("portscope-fetch", helper, sizeof(helper));
        snprintf(timeout, sizeof(timeout), "%u", opt.timeout);
        snprintf(max, sizeof(max), "%llu", FETCH_MAX_BYTES);
        char *argv[] = { helper,
                         (char *)url,
                         (char *)body,
                         timeout,
                         max,
                         (char *)old->etag,
                         (char *)old->last_modified,
                         NULL };
        char out[2048];
        bool ran;
        int r = cli_run_read(helper, argv, false, out, sizeof(out), &status, &ran);
        if (r < 0 && !ran)
                return cli_error(EXIT_SYSTEM, _("update --fetch: cannot run %s: %s"), helper,
                                 strerror(-r));
        if (r < 0)
                return cli_error(EXIT_SYSTEM, _("update --fetch: %s"), strerror(-r));
        memset(ret, 0, sizeof(*ret));
        snprintf(ret->url, sizeof(ret->url), "%s", url);
        for (char *line = out, *next; *line; line = next) {
                next = line + strcspn(line, "\n");
                if (*next)
                        *next++ = '\0';
                if (!strncmp(line, "etag ", 5))
                        snprintf(ret->etag, sizeof(ret->etag), "%s", line + 5);
                else if (!strncmp(line, "last-modified ", 14))
                        snprintf(ret->last_modified, sizeof(ret->last_modified), "%s", line + 14);
        }
        if (!WIFEXITED(status))
                return cli_error(EXIT_SYSTEM, _("update --fetch: %s died"), helper);
        return WEXITSTATUS(status);
}

static int fetch(struct cli *c, const char *url, const char *path)
{
        struct fetch_state old, now;
        char body[PATH_MAX + 32], state[PATH_MAX + 8];
        struct stat st;
        int r;

        if (strlen(url) > 1000)
                return cli_error(EXIT_USAGE, _("update --fetch: the URL is too long"));
        if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
                return cli_error(EXIT_USAGE, _("update --fetch: %s: expected an http or https URL"),
                                 url);
        /* Ask "has it changed?" only about the file we have, from the same URL. */
        read_state(path, &old);
        if (strcmp(old.url, url) || stat(path, &st) < 0)
                old.etag[0] = old.last_modified[0] = '\0';
        if ((r = make_dir_for(c, path)))
                return r;
        /* The download goes beside the database, never over it. */
        snprintf(body, sizeof(body), "%s.download-XXXXXX", path);
        int fd = mkstemp(body);
        if (fd < 0)
                return cli_error(EXIT_SYSTEM, "%s: %s", body, strerror(errno));
        close(fd);
        r = run_helper(url, body, &old, &now);
        if (r == 4) {
                unlink(body);
                if (c->json)
                        return json_emit(
                                json_doc("update",
                                         json_pack("{s:o, s:o, s:b, s:n, s:n, s:n, s:n, s:n}",
                                                   "path", json_text(path), "input", json_text(url),
                                                   "not_modified", 1, "format", "registry_date",
                                                   "records_total", "people_total", "size_bytes")));
                printf(_("Up to date: %s has not changed since the copy in %s\n"), url, path);
                return EXIT_FOUND;
        }
        if (r) {
                unlink(body);
                return r == EXIT_USAGE ? EXIT_USAGE : EXIT_SYSTEM;
        }
        r = install(c, body, url, path);
        unlink(body);
        if (r)
                return r;
        /* Validators for next time; without them the next fetch is a full one. */
        char text[2400];
        int n = snprintf(text, sizeof(text), "url %s\n%s%s%s%s%s%s", now.url,
                         *now.etag ? "etag " : "", now.etag, *now.etag ? "\n" : "",
                         *now.last_modified ? "last-modified " : "", now.last_modified,
                         *now.last_modified ? "\n" : "");
        state_path(path, state, sizeof(state));
        if (ps_write_atomic(state, text, (size_t)n, 0644) < 0)
                cli_error(0, _("note: %s: cannot write (the next --fetch downloads in full)"),
                          state);
        return r;
}

int cmd_update(struct cli *c, int argc, char **argv)
{
        char defpath[4096], resolved[PATH_MAX];
        const char *path = NULL;
        int r;

        if (opt.fetch ? argc > 1 : argc != 1)
                return cli_error(EXIT_USAGE, opt.fetch
                                                     ? _("update --fetch: expects at most one URL")
                                                     : _("update: expects one registry file (XML "
                                                         "or CSV), or --fetch"));
        if ((r = target_path(c, defpath, resolved, &path)))
                return r;
        if (opt.fetch)
                return fetch(c, argc ? argv[0] : IANA_XML_URL, path);
        return install(c, argv[0], argv[0], path);
}
