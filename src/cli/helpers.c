/* SPDX-License-Identifier: MIT */
/*
 * The programs portscope runs for its rarely used commands, so that the
 * libraries only they need stay out of every other command's start-up:
 * portscope-fetch (libcurl, for update --fetch) and portscope-full (the same
 * command line with votes and exporter linked in: SQLite, libpq, libcrypto,
 * libmicrohttpd; and update, diff and export, with expat and zlib).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
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

int cli_run_read(const char *path, char *const argv[], bool quiet, char *out, size_t size,
                 int *ret_status, bool *ret_ran)
{
        extern char **environ;
        int fds[2], r, status;
        pid_t pid;

        *ret_ran = false;
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
        if (quiet)
                posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        r = posix_spawn(&pid, path, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        if (r) {
                close(fds[0]);
                return -r;
        }
        *ret_ran = true;
        size_t len = 0;
        while (len < size - 1) {
                ssize_t k = read(fds[0], out + len, size - 1 - len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                len += (size_t)k;
        }
        out[len] = '\0';
        /* A program that writes more than out holds gets SIGPIPE, and ends. */
        close(fds[0]);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        *ret_status = status;
        return 0;
}
