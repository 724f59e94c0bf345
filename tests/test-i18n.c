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
        is_str(ps_i18n_process_language(), "cs",
               "the server's own language (its log lines) is still the one LANGUAGE named");
        is_int(run_threads(), 0, "serialised: 6 threads x 2000 pages, each in its own language");

        /* Per-thread locales need generated locales (locales-all). */
        int n = ps_i18n_threads_init(false);
        if (n < PS_I18N_N_LANGUAGES - 1) {
                printf("# only %d of 5 locales are generated (install locales-all)\n", n);
                tap_skip("per-thread mode needs generated locales (Debian locales-all)");
                tap_skip("per-thread mode needs generated locales (Debian locales-all)");
        } else {
                is_str(ps_i18n_threads_mode(), "per-thread locale", "per-thread mode chosen");
                is_str(ps_i18n_current(), ps_i18n_process_language(),
                       "per-thread: the main thread speaks the server's own language");
                is_int(run_threads(), 0,
                       "per-thread: 6 threads x 2000 pages, each in its own language");
        }
        /* Numbers and dates in each language (docs/translations.md, "Numbers
         * and dates"), in whichever mode the server runs, on this thread. */
        static const struct {
                const char *lang, *big, *small, *dec, *date;
        } fmt[] = {
                /* English in the server is C.UTF-8: no grouping. */
                { "en", "65536", "1024", "0.5", "2025-12-15" },
                { "de", "65.536", "1.024", "0,5", "15.12.2025" },
                { "cs", "65\u00a0536", "1\u00a0024", "0,5", "15. 12. 2025" },
                { "pt", "65\u00a0536", "1024", "0,5", "15/12/2025" },
                { "el", "65.536", "1.024", "0,5", "15/12/2025" },
                { "ug", "65,536", "1,024", "0.5", "2025-12-15" },
        };
        for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
                char a[PS_I18N_NUM_MAX], b[PS_I18N_NUM_MAX], c[PS_I18N_NUM_MAX], d[64];
                ps_i18n_scope sc;
                ps_i18n_enter(&sc, fmt[i].lang);
                ps_i18n_number(a, sizeof(a), 65536);
                ps_i18n_number(b, sizeof(b), 1024);
                ps_i18n_decimal(c, sizeof(c), 0.5, 1, 'f');
                ps_i18n_date("2025-12-15", d, sizeof(d));
                ps_i18n_leave(&sc);
                ok(!strcmp(a, fmt[i].big) && !strcmp(b, fmt[i].small) && !strcmp(c, fmt[i].dec) &&
                           !strcmp(d, fmt[i].date),
                   "%s: 65536 is %s, 1024 is %s, 0.5 is %s, 2025-12-15 is %s", fmt[i].lang, a, b, c,
                   d);
        }
        /* A date is parsed only where the language writes it otherwise;
         * none, or a malformed one, is shown as it came in every language. */
        {
                static const char *const odd[] = { "",           "2025-1-15",  "2025-13-01",
                                                   "2025-12-1x", "2025-00-10", "abcd-ef-gh" };
                static const char *const langs[] = { "en", "de" };
                bool same = true;
                char d[64];
                for (size_t l = 0; l < 2; l++)
                        for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
                                ps_i18n_scope sc;
                                ps_i18n_enter(&sc, langs[l]);
                                ps_i18n_date(odd[i], d, sizeof(d));
                                ps_i18n_leave(&sc);
                                if (strcmp(d, odd[i])) {
                                        printf("# %s: \"%s\" became \"%s\"\n", langs[l], odd[i], d);
                                        same = false;
                                }
                        }
                ok(same, "no date or a malformed one is shown unchanged in en and de");
                ps_i18n_scope sc;
                ps_i18n_enter(&sc, "de");
                ps_i18n_date("2008-06-23", d, sizeof(d));
                ps_i18n_leave(&sc);
                is_str(d, "23.06.2008", "de: a date of the registry in the German form");
        }
        {
                char a[PS_I18N_NUM_MAX], b[PS_I18N_NUM_MAX], c[8];
                ps_i18n_scope sc;
                ps_i18n_enter(&sc, "de");
                ps_i18n_decimal(a, sizeof(a), -1234567.891, 2, 'f');
                ps_i18n_decimal(b, sizeof(b), 0.0125, 4, 'g');
                ps_i18n_number(c, sizeof(c), 1234567890);
                ps_i18n_leave(&sc);
                ok(!strcmp(a, "-1.234.567,89") && !strcmp(b, "0,0125") && !strcmp(c, "1.234.5"),
                   "de: a sign, %%g and a short buffer (cut, terminated): %s, %s, %s", a, b, c);
        }
        ps_i18n_scope s;
        ps_i18n_enter(&s, "xx");
        is_str(ps_i18n_current(), "en", "an unknown language renders English");
        ps_i18n_leave(&s);
        return tap_done();
}
