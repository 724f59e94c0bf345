/* SPDX-License-Identifier: MIT */
/*
 * Runs commands in turn, one run of each after the other, so that a loaded
 * machine's changing load falls on all of them alike, each turn starting with
 * the next command, so that none always follows the same one
 * (docs/benchmarks.md, issue 11); prints per command the median wall-clock time, CPU time (user +
 * system, from wait4) and minor page faults of each round, and each one's
 * ratio to the last command's.
 *
 *   interleave ROUNDS RUNS 'CMD ARGS...' 'CMD ARGS...' ...   (split at spaces)
 *
 * Output goes to /dev/null; the environment is passed on.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

#define MAX_CMDS 8
#define MAX_ARGS 16

static int cmp_d(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

static double median(double *v, int n)
{
        qsort(v, (size_t)n, sizeof(*v), cmp_d);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
        char *args[MAX_CMDS][MAX_ARGS + 1], *label[MAX_CMDS];
        int ncmd = argc - 3;
        if (argc < 4 || ncmd > MAX_CMDS) {
                fprintf(stderr, "usage: interleave ROUNDS RUNS 'CMD ARGS...'... (up to %d)\n",
                        MAX_CMDS);
                return 2;
        }
        int rounds = atoi(argv[1]), runs = atoi(argv[2]);
        if (rounds < 1 || runs < 1)
                return 2;
        for (int c = 0; c < ncmd; c++) {
                int k = 0;
                if (!(label[c] = strdup(argv[3 + c])))
                        return 1;
                for (char *t = strtok(argv[3 + c], " "); t && k < MAX_ARGS; t = strtok(NULL, " "))
                        args[c][k++] = t;
                args[c][k] = NULL;
        }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        double *wall = malloc(sizeof(double) * (size_t)ncmd * (size_t)runs);
        double *cpu = malloc(sizeof(double) * (size_t)ncmd * (size_t)runs);
        double *flt = malloc(sizeof(double) * (size_t)ncmd * (size_t)runs);
        if (!wall || !cpu || !flt)
                return 1;
        for (int r = 0; r < rounds; r++) {
                double mw[MAX_CMDS], mc[MAX_CMDS], mf[MAX_CMDS];
                for (int i = 0; i < runs; i++)
                        for (int j = 0; j < ncmd; j++) {
                                /* Each run starts with the next command: none
                                 * always follows the same one. */
                                int c = (i + j) % ncmd;
                                struct timespec t0, t1;
                                struct rusage ru;
                                pid_t pid;
                                int status;
                                clock_gettime(CLOCK_MONOTONIC, &t0);
                                if (posix_spawnp(&pid, args[c][0], &fa, NULL, args[c], environ)) {
                                        perror(args[c][0]);
                                        return 1;
                                }
                                if (wait4(pid, &status, 0, &ru) < 0)
                                        return 1;
                                clock_gettime(CLOCK_MONOTONIC, &t1);
                                size_t at = (size_t)c * (size_t)runs + (size_t)i;
                                wall[at] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                                           (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
                                cpu[at] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                                          (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
                                flt[at] = (double)ru.ru_minflt;
                        }
                for (int c = 0; c < ncmd; c++) {
                        mw[c] = median(wall + (size_t)c * (size_t)runs, runs);
                        mc[c] = median(cpu + (size_t)c * (size_t)runs, runs);
                        mf[c] = median(flt + (size_t)c * (size_t)runs, runs);
                }
                printf("round %d (%d runs each, medians):\n", r + 1, runs);
                for (int c = 0; c < ncmd; c++)
                        printf("  %-40.40s wall %.3f ms (%.3fx)  cpu %.3f ms (%.3fx)  faults "
                               "%.0f\n",
                               label[c], mw[c], mw[c] / mw[ncmd - 1], mc[c], mc[c] / mc[ncmd - 1],
                               mf[c]);
                fflush(stdout);
        }
        return 0;
}
