/* SPDX-License-Identifier: MIT */
/* The per-request language of src/shared/i18n.c: threads that render in
 * different languages at once each get their own language, in both modes.
 * Run with PORTSCOPE_LOCALEDIR set to the build tree's po/. The language is
 * read back from each catalog's header (gettext("")), which every catalog
 * has, so the test does not depend on which sentences exist. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tap.h"

#define ROUNDS 2000

struct worker {
        int first;    /* index of the first language this thread uses */
        int mismatch; /* rounds where another language answered */
};

static void *work(void *arg)
{
        struct worker *w = arg;
        for (int i = 0; i < ROUNDS; i++) {
                const char *want = ps_i18n_languages[(w->first + i) % PS_I18N_N_LANGUAGES];
                ps_i18n_scope scope;
                ps_i18n_enter(&scope, want);
                if (strcmp(ps_i18n_current(), want))
                        w->mismatch++;
                ps_i18n_leave(&scope);
        }
        return NULL;
}

static int run_threads(void)
{
        struct worker w[PS_I18N_N_LANGUAGES];
        pthread_t t[PS_I18N_N_LANGUAGES];
        int mismatches = 0;
        for (int i = 0; i < PS_I18N_N_LANGUAGES; i++) {
                w[i] = (struct worker){ .first = i };
                pthread_create(&t[i], NULL, work, &w[i]);
        }
        for (int i = 0; i < PS_I18N_N_LANGUAGES; i++) {
                pthread_join(t[i], NULL);
                mismatches += w[i].mismatch;
        }
        return mismatches;
}

int main(int argc, char **argv)
{
        ok(ps_i18n_known("ug") && ps_i18n_known("en") && !ps_i18n_known("fr") &&
                   !ps_i18n_known(NULL),
           "the six languages are known, others are not");

        setenv("LANGUAGE", "cs", 1);
        is_str(ps_i18n_init(), "cs", "LANGUAGE=cs: the CLI set-up answers in Czech");

        /* The serialised fallback works everywhere. */
        ps_i18n_threads_init(true);
        is_str(ps_i18n_threads_mode(), "serialised (LANGUAGE under a lock)", "forced fallback");
        ok(!getenv("LANGUAGE") || strcmp(getenv("LANGUAGE"), "cs"),
           "the server's LANGUAGE no longer decides");
        is_int(run_threads(), 0, "serialised: 6 threads x 2000 pages, each in its own language");

        /* Per-thread locales need generated locales (locales-all). */
        int n = ps_i18n_threads_init(false);
        if (n < PS_I18N_N_LANGUAGES - 1) {
                printf("# only %d of 5 locales are generated (install locales-all)\n", n);
                tap_skip("per-thread mode needs generated locales (Debian locales-all)");
                tap_skip("per-thread mode needs generated locales (Debian locales-all)");
        } else {
                is_str(ps_i18n_threads_mode(), "per-thread locale", "per-thread mode chosen");
                is_int(run_threads(), 0,
                       "per-thread: 6 threads x 2000 pages, each in its own language");
        }
        ps_i18n_scope s;
        ps_i18n_enter(&s, "xx");
        is_str(ps_i18n_current(), "en", "an unknown language renders English");
        ps_i18n_leave(&s);
        return tap_done();
}
