/* SPDX-License-Identifier: MIT */
/* Translation for the programs (never the library): every sentence a
 * renderer prints goes through _() or ngettext(), N_() marks a sentence kept
 * in a table and translated where it is printed. The domain is bound in each
 * program's main() by ps_i18n_init(); until then gettext() returns the
 * English source. docs/translations.md says how the catalogs are kept. */
#ifndef PS_SHARED_I18N_H
#define PS_SHARED_I18N_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>

/* True while the messages are the English source and nothing can make them
 * otherwise (ps_i18n_init_deferred()): _() then returns the source without
 * gettext()'s look-up, whose first calls cost a command-line process page
 * faults of their own. Set before any thread starts, never after. */
extern bool ps_i18n_source_only;

/* format_arg: printf(_("%s"), x) is checked as printf("%s", x) is. */
__attribute__((format_arg(1))) static inline char *ps_gettext(const char *s)
{
        return ps_i18n_source_only ? (char *)s : gettext(s);
}

#define _(s) ps_gettext(s)
#define N_(s) s

#define PS_TEXTDOMAIN "portscope"

/* The languages portscope is translated into, English (the source) first;
 * po/LINGUAS lists the same codes. */
extern const char *const ps_i18n_languages[];
#define PS_I18N_N_LANGUAGES 6

/* Whether code is one of ps_i18n_languages ("en", "de", ...). */
bool ps_i18n_known(const char *code);

/*
 * For a program's main(): takes the locale from the environment as GNU tools
 * do (LC_ALL, LC_MESSAGES, LANG, then LANGUAGE as a priority list), binds the
 * "portscope" domain to $PORTSCOPE_LOCALEDIR or the installed locale
 * directory and makes it the default domain. When the named locale is not
 * installed (a fresh machine has only C, C.UTF-8 and POSIX), it falls back to
 * C.UTF-8 and passes the language on through LANGUAGE, so LANG=de_DE.UTF-8
 * still gives German; an explicit LC_ALL=C, LC_MESSAGES=C or LANG=C keeps
 * English, as scripts expect. Returns the language the messages are in
 * ("de", or "en" for the source).
 */
const char *ps_i18n_init(void);

/*
 * ps_i18n_init() for the command line, which runs once per command: in a C,
 * POSIX or C.* environment without LANGUAGE (English) the character-type
 * locale is set only when ps_i18n_ctype() is first called, which a caller
 * does before anything that depends on it (wcwidth()). Otherwise the same
 * as ps_i18n_init(), and ps_i18n_ctype() does nothing.
 */
const char *ps_i18n_init_deferred(void);
void ps_i18n_ctype(void);

/*
 * The language messages are printed in for this thread now: "de", "cs",
 * "pt", "el", "ug" or "en". Renderers use it for <html lang>, for picking a
 * translated note and for number formatting.
 */
const char *ps_i18n_current(void);

/*
 * Numbers and dates as the language of this thread writes them
 * (docs/translations.md, "Numbers and dates"): ps_i18n_number(65536) is
 * "65.536" in German, "65 536" in Czech and Portuguese (no-break spaces),
 * "65.536" in Greek and "65,536" in Uyghur; ps_i18n_decimal() also puts the
 * decimal mark ("0,5" in German), formatting v as printf's "%.*f" (conv 'f')
 * or "%.*g" (conv 'g') would. English follows the locale's LC_NUMERIC: none
 * in C and C.UTF-8 (scripts and the English site), "65,536" in en_US.
 * ps_i18n_date() writes an ISO date (2025-12-15) as the catalog's
 * translation of the strftime format "%Y-%m-%d" says (15.12.2025 in
 * German), or returns it as given when it is not one.
 * Counts only: port numbers, years, pids and uids are never grouped.
 * Each returns buf, always terminated; PS_I18N_NUM_MAX bytes suffice.
 */
#define PS_I18N_NUM_MAX 48
const char *ps_i18n_number(char *buf, size_t size, unsigned long long n);
const char *ps_i18n_decimal(char *buf, size_t size, double v, int precision, char conv);
const char *ps_i18n_date(const char *iso, char *buf, size_t size);

/*
 * Per-request language for threaded servers (docs/translations.md).
 * ps_i18n_threads_init() runs once in main() after ps_i18n_init() and before
 * any thread starts: it drops LANGUAGE from the environment (it would
 * override every thread's choice) and creates one locale object per
 * language from the generated locales (Debian locales-all: de_DE.UTF-8, ...).
 * When all five are there, each thread switches its own locale (uselocale),
 * which costs a pointer swap. When any is missing, or serialised is true
 * (tests, benchmarks), every ps_i18n_enter() takes one lock and switches the
 * process's LANGUAGE instead: correct, but one page renders at a time.
 * ps_i18n_threads_mode() names the mode. Returns how many of the five
 * translations have a per-thread locale.
 *
 * ps_i18n_enter(lang) switches the calling thread to lang until the matching
 * ps_i18n_leave(); a language the site does not have gives English. Every
 * thread that renders translated text does so between the two. Scopes may
 * nest on one thread; each leave restores the language before its enter.
 * A zeroed scope may be left: _cleanup_(ps_i18n_leave) ps_i18n_scope s = { 0 }.
 */
int ps_i18n_threads_init(bool serialised);
const char *ps_i18n_threads_mode(void);

/*
 * The language the server itself speaks in: the one its environment asked
 * for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), as ps_i18n_current() answered
 * when ps_i18n_threads_init() ran; "en" before. Log lines written from a
 * request's thread enter it, so the journal is not in each visitor's
 * language. In per-thread mode ps_i18n_threads_init() also puts the calling
 * (main) thread in it, which dropping LANGUAGE would otherwise have reset.
 */
const char *ps_i18n_process_language(void);

typedef struct ps_i18n_scope {
        void *saved; /* the thread's previous locale_t, or NULL */
        bool locked; /* holds the fallback lock */
        int prev;    /* the fallback's language before, -1 for none */
} ps_i18n_scope;

void ps_i18n_enter(ps_i18n_scope *scope, const char *lang);
void ps_i18n_leave(ps_i18n_scope *scope);

#endif
