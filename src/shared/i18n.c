/* SPDX-License-Identifier: MIT */
/* gettext set-up for the programs, and the per-thread language of the server
 * (docs/translations.md). */
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* The locale each translation is served from per thread: the language's
 * main country, UTF-8. Portuguese is European Portuguese (pt_PT). */
static const char *const thread_locales[PS_I18N_N_LANGUAGES] = {
        "C.UTF-8", "de_DE.UTF-8", "cs_CZ.UTF-8", "pt_PT.UTF-8", "el_GR.UTF-8", "ug_CN.UTF-8",
};

/* Set once by ps_i18n_threads_init() before any thread starts, read-only
 * afterwards. */
static locale_t thread_locale[PS_I18N_N_LANGUAGES];
static bool per_thread;
static int process_lang; /* index of ps_i18n_process_language() */
/* Recursive: a scope may open inside another on the same thread (a vote
 * answered at once inside its request). */
static pthread_mutex_t fallback_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
/* The language this thread set in LANGUAGE, -1 for none: restored when an
 * inner scope ends. */
static __thread int fallback_lang = -1;

/* glibc's catalog counter: gettext caches answers until it changes. */
extern int _nl_msg_cat_cntr;

static int language_index(const char *code)
{
        for (int i = 0; code && i < PS_I18N_N_LANGUAGES; i++)
                if (!strcmp(code, ps_i18n_languages[i]))
                        return i;
        return -1;
}

bool ps_i18n_known(const char *code)
{
        return language_index(code) >= 0;
}

/* The first set, non-empty value among LC_ALL, LC_MESSAGES and LANG: the
 * variable that decides LC_MESSAGES. */
static const char *messages_env(void)
{
        static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
                const char *v = getenv(vars[i]);
                if (v && *v)
                        return v;
        }
        return NULL;
}

static bool is_c_locale(const char *name)
{
        return !strcmp(name, "C") || !strcmp(name, "POSIX") || !strncmp(name, "C.", 2);
}

static const char *localedir(void)
{
        const char *d = getenv("PORTSCOPE_LOCALEDIR");
        return d && *d ? d : PS_LOCALEDIR;
}

/* Whether every locale variable that is set names C, POSIX or C.*: then
 * only LC_CTYPE (the character set) and LC_MESSAGES differ from the C
 * locale the program starts in, and loading the other eleven categories,
 * a file each without a locale archive, is start-up time for nothing. */
static bool only_c_locales(void)
{
        extern char **environ;
        for (char **e = environ; e && *e; e++) {
                const char *eq = strchr(*e, '=');
                if (!eq || (strncmp(*e, "LC_", 3) && strncmp(*e, "LANG=", 5)))
                        continue;
                if (eq[1] && !is_c_locale(eq + 1))
                        return false;
        }
        return true;
}

/* LC_CTYPE for ps_i18n_ctype() to set, NULL once set or when not deferred. */
static const char *ctype_later;

void ps_i18n_ctype(void)
{
        if (ctype_later && !setlocale(LC_CTYPE, ctype_later))
                setlocale(LC_CTYPE, "C.UTF-8");
        ctype_later = NULL;
}

static void bind_domain(void)
{
        ps_i18n_source_only = false;
        bindtextdomain(PS_TEXTDOMAIN, localedir());
        bind_textdomain_codeset(PS_TEXTDOMAIN, "UTF-8");
        textdomain(PS_TEXTDOMAIN);
}

const char *ps_i18n_init_deferred(void)
{
        const char *wish = getenv("LANGUAGE");
        const char *env = messages_env();
        /* English in a C, POSIX or C.* environment: messages stay in the C
         * locale the program starts in (ps_i18n_init() ends there too), and
         * the character set is only asked by wcwidth() for text beyond what
         * every locale prints one column wide. Loading it (the locale alias
         * file, the LC_CTYPE file, the gconv cache: fourteen system calls and
         * three page faults) waits until then; most reports never need it. */
        if ((wish && *wish) || !only_c_locales())
                return ps_i18n_init();
        ctype_later = env ? "" : "C.UTF-8";
        /* No catalog is looked at in the C locale: the domain is not bound
         * either. ngettext() still answers the source's singular or plural. */
        ps_i18n_source_only = true;
        return ps_i18n_current();
}

const char *ps_i18n_init(void)
{
        const char *env = messages_env();
        bool ok;
        ctype_later = NULL;
        if (only_c_locales())
                ok = setlocale(LC_CTYPE, "") && setlocale(LC_MESSAGES, "");
        else
                ok = setlocale(LC_ALL, "") != NULL;

        if (!ok && env && !is_c_locale(env)) {
                /* LANG=de_DE.UTF-8 without that locale installed: keep the
                 * wish as a LANGUAGE entry (de_DE.UTF-8 is a valid one) so
                 * gettext still finds the German catalog under C.UTF-8. */
                const char *language = getenv("LANGUAGE");
                if (!language || !*language)
                        setenv("LANGUAGE", env, 1);
        }
        /* gettext ignores LANGUAGE in the C locale. Nothing set at all, or a
         * failed locale, moves to C.UTF-8 so that LANGUAGE=de works on a
         * machine without generated locales; an explicit "C" is kept. */
        if (!ok || !env) {
                const char *msg = setlocale(LC_MESSAGES, NULL);
                if (!msg || !strcmp(msg, "C") || !strcmp(msg, "POSIX")) {
                        setlocale(LC_CTYPE, "C.UTF-8");
                        setlocale(LC_MESSAGES, "C.UTF-8");
                }
        }
        /* English from C.UTF-8 (a container's usual LANG) costs a catalog
         * search per message; the C locale answers at once (bench/i18n.sh). */
        const char *wish = getenv("LANGUAGE");
        const char *cur = setlocale(LC_MESSAGES, NULL);
        if ((!wish || !*wish) && cur && !strncmp(cur, "C.", 2))
                setlocale(LC_MESSAGES, "C");
        bind_domain();
        return ps_i18n_current();
}

static void free_locales(void)
{
        for (int i = 0; i < PS_I18N_N_LANGUAGES; i++)
                if (thread_locale[i]) {
                        freelocale(thread_locale[i]);
                        thread_locale[i] = (locale_t)0;
                }
}

int ps_i18n_threads_init(bool serialised)
{
        int n = 0;
        /* Threads choose their language per request: the catalogs are
         * needed after all. */
        if (ps_i18n_source_only)
                bind_domain();
        int p = language_index(ps_i18n_current());
        process_lang = p < 0 ? 0 : p;
        /* LANGUAGE outranks every thread's locale in gettext's lookup.
         * gettext caches answers under the locale's name, and the answers
         * it gave under LANGUAGE carry the same name: the counter drops them. */
        unsetenv("LANGUAGE");
        ++_nl_msg_cat_cntr;
        free_locales();
        for (int i = 0; i < PS_I18N_N_LANGUAGES && !serialised; i++) {
                /* Numbers (the decimal separator) and time follow the
                 * language too: printf and strftime read the thread's locale. */
                thread_locale[i] =
                        newlocale(LC_CTYPE_MASK | LC_MESSAGES_MASK | LC_NUMERIC_MASK | LC_TIME_MASK,
                                  thread_locales[i], (locale_t)0);
                if (thread_locale[i] && i > 0)
                        n++;
        }
        /* English answers from the C messages locale: gettext returns the
         * source at once instead of searching for a "C.UTF-8" catalog. */
        if (thread_locale[0])
                thread_locale[0] = newlocale(LC_MESSAGES_MASK, "C", thread_locale[0]);
        /* All or nothing: in the fallback one thread's LANGUAGE would leak
         * into another's per-thread locale. */
        per_thread = n == PS_I18N_N_LANGUAGES - 1 && thread_locale[0];
        if (!per_thread) {
                free_locales();
                /* gettext ignores LANGUAGE in the C locale. */
                setlocale(LC_CTYPE, "C.UTF-8");
                setlocale(LC_MESSAGES, "C.UTF-8");
        } else
                uselocale(thread_locale[process_lang]);
        return n;
}

const char *ps_i18n_process_language(void)
{
        return ps_i18n_languages[process_lang];
}

const char *ps_i18n_threads_mode(void)
{
        return per_thread ? "per-thread locale" : "serialised (LANGUAGE under a lock)";
}

void ps_i18n_enter(ps_i18n_scope *scope, const char *lang)
{
        int i = language_index(lang);
        if (i < 0)
                i = 0;
        scope->saved = NULL;
        scope->locked = false;
        if (per_thread) {
                scope->saved = uselocale(thread_locale[i]);
                return;
        }
        /* Without generated locales the language is process-wide: one
         * request renders at a time, and the catalog counter makes gettext
         * drop the answers it cached for the previous language. */
        pthread_mutex_lock(&fallback_lock);
        scope->locked = true;
        scope->prev = fallback_lang;
        fallback_lang = i;
        setenv("LANGUAGE", ps_i18n_languages[i], 1);
        ++_nl_msg_cat_cntr;
}

void ps_i18n_leave(ps_i18n_scope *scope)
{
        if (scope->saved)
                uselocale((locale_t)scope->saved);
        if (scope->locked) {
                fallback_lang = scope->prev;
                if (fallback_lang >= 0) {
                        setenv("LANGUAGE", ps_i18n_languages[fallback_lang], 1);
                        ++_nl_msg_cat_cntr;
                }
                pthread_mutex_unlock(&fallback_lock);
        }
        scope->saved = NULL;
        scope->locked = false;
}
