/* SPDX-License-Identifier: MIT */
/* The cost of a page's sentences per language (docs/translations.md): two
 * threads render "pages" of the catalog's messages, in English, in German
 * per-thread (uselocale) and in German serialised (LANGUAGE under a lock),
 * in one run; prints ns per page and the ratios to English.
 * Usage: bench-i18n MSGIDS-FILE [PAGES]  (one msgid per line; run with
 * PORTSCOPE_LOCALEDIR=build/po; bench/i18n.sh makes the file). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"

static char *ids[1024];
static size_t n_ids;
static long pages;
static const char *lang;

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *render(void *arg)
{
        size_t sum = 0;
        for (long p = 0; p < pages; p++) {
                ps_i18n_scope s;
                ps_i18n_enter(&s, lang);
                for (size_t i = 0; i < n_ids; i++)
                        sum += strlen(gettext(ids[i]));
                ps_i18n_leave(&s);
        }
        *(size_t *)arg = sum;
        return NULL;
}

static double run(const char *l)
{
        pthread_t t[2];
        size_t sum[2];
        lang = l;
        double t0 = now();
        for (int i = 0; i < 2; i++)
                pthread_create(&t[i], NULL, render, &sum[i]);
        for (int i = 0; i < 2; i++)
                pthread_join(t[i], NULL);
        return (now() - t0) * 1e9 / (2.0 * pages);
}

int main(int argc, char **argv)
{
        char line[4096];
        if (argc < 2)
                return 2;
        pages = argc > 2 ? atol(argv[2]) : 2000;
        FILE *f = fopen(argv[1], "r");
        if (!f)
                return 2;
        while (n_ids < 1024 && fgets(line, sizeof(line), f)) {
                line[strcspn(line, "\n")] = '\0';
                if (*line)
                        ids[n_ids++] = strdup(line);
        }
        fclose(f);
        ps_i18n_init();
        if (ps_i18n_threads_init(false) < PS_I18N_N_LANGUAGES - 1) {
                fprintf(stderr, "bench-i18n: per-thread mode needs locales-all\n");
                return 1;
        }
        double en = 0, de = 0, ser = 0;
        for (int round = 0; round < 3; round++) {
                ps_i18n_threads_init(false);
                en += run("en");
                de += run("de");
                ps_i18n_threads_init(true);
                ser += run("de");
        }
        printf("%zu messages a page, 2 threads, %ld pages each, 3 rounds interleaved\n", n_ids,
               pages);
        printf("english            %8.0f ns/page\n", en / 3);
        printf("german per-thread  %8.0f ns/page  %.2fx english\n", de / 3, de / en);
        printf("german serialised  %8.0f ns/page  %.2fx english\n", ser / 3, ser / en);
        return 0;
}
