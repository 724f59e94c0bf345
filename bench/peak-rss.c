/* SPDX-License-Identifier: MIT */
/*
 * Runs a command and prints its peak resident set size in KiB.
 * Linux counts the pre-exec image in ru_maxrss, so this launcher stays tiny
 * (unlike a Python or shell parent) to keep that floor low.
 *
 *   peak-rss COMMAND [ARGS...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "usage: peak-rss COMMAND [ARGS...]\n");
                return 2;
        }
        pid_t pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                int fd = open("/dev/null", O_WRONLY);
                if (fd >= 0)
                        dup2(fd, 1);
                execvp(argv[1], argv + 1);
                _exit(127);
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) < 0)
                return 1;
        printf("%ld\n", ru.ru_maxrss);
        return 0;
}
