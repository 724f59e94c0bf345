/* SPDX-License-Identifier: MIT */
/*
 * Runs a harness over files, without libFuzzer: the seed corpora and every
 * input that once crashed (fuzz/regressions) become ordinary TAP tests.
 *
 *   replay FILE-OR-DIR...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

static int n;

static void run_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        static unsigned char buf[1 << 22];
        if (!f) {
                printf("not ok %d - %s: cannot open\n", ++n, path);
                return;
        }
        size_t len = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, len);
        printf("ok %d - %s\n", ++n, path);
        fflush(stdout);
}

static int cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run(const char *path)
{
        struct stat st;
        if (stat(path, &st) < 0)
                return;
        if (!S_ISDIR(st.st_mode)) {
                run_file(path);
                return;
        }
        DIR *d = opendir(path);
        char *names[4096];
        size_t k = 0;
        struct dirent *e;
        while (d && (e = readdir(d)) && k < 4096)
                if (e->d_name[0] != '.')
                        names[k++] = strdup(e->d_name);
        if (d)
                closedir(d);
        qsort(names, k, sizeof(char *), cmp);
        for (size_t i = 0; i < k; i++) {
                char p[4096];
                snprintf(p, sizeof(p), "%s/%s", path, names[i]);
                run(p);
                free(names[i]);
        }
}

int main(int argc, char **argv)
{
        for (int i = 1; i < argc; i++)
                run(argv[i]);
        printf("1..%d\n", n);
        return 0;
}
