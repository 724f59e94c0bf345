/* SPDX-License-Identifier: MIT */
/*
 * The programs portscope runs for its rarely used commands, so that the
 * libraries only they need stay out of every other command's start-up:
 * portscope-fetch (libcurl, for update --fetch) and portscope-full (the same
 * command line with votes and exporter linked in: SQLite, libpq, libcrypto,
 * libmicrohttpd; and update, diff and export, with expat and zlib).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_helper_path(const char *name, char *buf, size_t size)
{
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n > 0) {
                self[n] = '\0';
                char *slash = strrchr(self, '/');
                if (slash) {
                        snprintf(buf, size, "%.*s/%s", (int)(slash - self), self, name);
                        if (access(buf, X_OK) == 0)
                                return;
                }
        }
        snprintf(buf, size, "%s/%s", PS_LIBEXECDIR, name);
}

int cli_exec_full(char **argv)
{
        char path[PATH_MAX];
        cli_helper_path("portscope-full", path, sizeof(path));
        fflush(NULL);
        execv(path, argv);
        return cli_error(EXIT_SYSTEM, _("cannot run %s: %s"), path, strerror(errno));
}
