/* SPDX-License-Identifier: MIT */
/* The registry compiled into the library, and the choice of database. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "memory.h"
#include "portscope/portscope.h"
#include "util.h"

/* The image psgen compiled from data/iana at build time (builtin-db.S). */
extern const unsigned char ps_builtin_db_start[];
extern const unsigned char ps_builtin_db_end[];

#include "registry-internal.h"

/*
 * A lookup touches a few scattered pages of the image. When they are not in
 * the page cache, this hint keeps the kernel from reading ahead around each
 * one, which a short-lived process pays for in resident memory. Pages that
 * are cached are still mapped 64 KiB at a time (fault-around ignores the
 * hint; docs/benchmarks.md). Failure only costs that saving.
 */
void ps_image_advise_random(const void *start, size_t size)
{
        ps_advise_pages(start, size, MADV_RANDOM);
}

PS_EXPORT int ps_db_open_builtin(ps_db **ret_db)
{
        ps_image_advise_random(ps_builtin_db_start,
                               (size_t)(ps_builtin_db_end - ps_builtin_db_start));
        /* psgen validated the image fully and the tests do again, so the
         * start-up path skips that work. */
        return ps_db_open_trusted(ps_builtin_db_start,
                                  (size_t)(ps_builtin_db_end - ps_builtin_db_start), ret_db);
}

int ps_db_default_path(char *buf, size_t size)
{
        const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
        int n = -1;
        if (xdg && *xdg == '/')
                n = snprintf(buf, size, "%s/portscope/registry.db", xdg);
        else if (home && *home == '/')
                n = snprintf(buf, size, "%s/.local/share/portscope/registry.db", home);
        if (n < 0)
                return -ENOENT;
        return (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* The file and its directory belong to the user (or root) and no one else
 * may write them (ps_stat_trusted()). */
static int path_trusted(const char *path)
{
        struct stat st;
        char dir[4096];
        const char *slash = strrchr(path, '/');
        if (stat(path, &st) < 0)
                return -errno;
        if (!ps_stat_trusted(&st))
                return -EPERM;
        if (!slash || (size_t)(slash - path) >= sizeof(dir))
                return 0;
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
        if (stat(*dir ? dir : "/", &st) < 0)
                return -errno;
        return ps_stat_trusted(&st) ? 0 : -EPERM;
}

PS_EXPORT int ps_db_open_default(ps_db **ret_db, const char **ret_path)
{
        const char *env = getenv("PORTSCOPE_DB");
        char buf[4096];
        ps_db *db;
        int r;

        if (env && *env) {
                r = ps_db_open_file(env, &db);
        } else {
                /* The database `portscope update` writes, when there is one:
                 * only if no other user could have planted or changed it
                 * (a shared HOME), so -EPERM for another's file. */
                if (ps_db_default_path(buf, sizeof(buf)) == 0 && access(buf, F_OK) == 0)
                        r = path_trusted(buf) < 0 ? -EPERM : ps_db_open_file(buf, &db);
                else
                        r = ps_db_open_builtin(&db);
        }
        if (r < 0)
                return r;
        if (ret_path)
                *ret_path = ps_db_path(db);
        *ret_db = db;
        return 0;
}
