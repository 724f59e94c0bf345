/* SPDX-License-Identifier: MIT */
/*
 * `portscope update FILE`: reads IANA's registry (XML or CSV, plain or gzip),
 * checks it completely, and only then replaces the compiled database, in one
 * rename, so a reader sees either the old file or the new one, whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "registry-internal.h"
#include "registry-set.h"

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

static int status_for(int code)
{
        return code == -ENOMEM || code == -EIO ? EXIT_SYSTEM : EXIT_USAGE;
}

int cmd_update(struct cli *c, int argc, char **argv)
{
        char err[512], defpath[4096];
        ps_regset set;
        ps_regfmt fmt;
        void *image;
        size_t size;
        ps_db *db;
        int r;

        if (argc != 1)
                return cli_error(EXIT_USAGE, "update: expects one registry file (XML or CSV)");
        const char *file = argv[0], *path = c->db_path;
        if (!path) {
                if ((r = ps_db_default_path(defpath, sizeof(defpath))) < 0)
                        return cli_error(EXIT_USAGE,
                                         "update: set XDG_DATA_HOME or HOME, or give --db PATH");
                path = defpath;
        }
        /* A symbolic link is followed: the file it names is replaced, the link
         * stays (rename() over the link itself would replace the link). */
        struct stat st;
        char resolved[PATH_MAX];
        if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
                if (!realpath(path, resolved))
                        return cli_error(EXIT_USAGE, "%s: a symbolic link to nothing (%s)", path,
                                         strerror(errno));
                path = resolved;
        }
        /* rename() replaces whatever has the name: as root, --db /dev/null
         * would turn the device into a file. Only a file is replaced. */
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
                return cli_error(EXIT_USAGE,
                                 "%s: not a regular file, so not replaced by the database", path);
        if ((r = ps_read_registry(file, &set, &fmt, err, sizeof(err))) < 0)
                return cli_error(status_for(r), "%s: %s", file, err);
        ps_regset_set_source(&set, fmt, file);
        size_t n_people = set.n_people;
        r = ps_regset_compile(&set, &image, &size);
        ps_regset_free(&set);
        if (r < 0)
                return cli_error(status_for(r), "%s: cannot compile: %s", file, ps_strerror(r));
        /* What readers will check, checked before it replaces anything. */
        if ((r = ps_db_open_memory(image, size, &db)) < 0) {
                free(image);
                return cli_error(EXIT_SYSTEM, "%s: the compiled registry does not validate: %s",
                                 file, ps_strerror(r));
        }
        if (!c->db_path && (r = make_parents(path)) < 0) {
                r = cli_error(EXIT_SYSTEM, "%s: cannot create its directory: %s", path,
                              strerror(-r));
                goto out;
        }
        if ((r = ps_write_atomic(path, image, size, 0644)) < 0) {
                r = cli_error(r == -ENOENT || r == -EISDIR || r == -ENOTDIR || r == -EACCES
                                      ? EXIT_USAGE
                                      : EXIT_SYSTEM,
                              "%s: cannot write the database: %s", path, strerror(-r));
                goto out;
        }
        if (c->json) {
                r = json_emit(json_doc(
                        "update", json_pack("{s:o, s:o, s:s, s:s, s:I, s:I, s:I}", "path",
                                            json_text(path), "input", json_text(file), "format",
                                            fmt == PS_FMT_CSV ? "csv" : "xml", "registry_date",
                                            ps_db_date(db), "records_total",
                                            (json_int_t)ps_db_count(db), "people_total",
                                            (json_int_t)n_people, "size_bytes", (json_int_t)size)));
        } else {
                printf("Updated %s\n", path);
                printf("Registry   %s (IANA %s, %zu records, %zu people)\n", ps_db_date(db),
                       ps_regfmt_name(fmt), ps_db_count(db), n_people);
                r = EXIT_FOUND;
        }
        if (!c->db_path && getenv("PORTSCOPE_DB") && *getenv("PORTSCOPE_DB"))
                cli_error(0, "note: PORTSCOPE_DB is set, so it is used instead of %s", path);
out:
        ps_db_free(db);
        free(image);
        return r;
}
