/* SPDX-License-Identifier: MIT */
/* The language this thread prints in, and numbers and dates as that
 * language writes them (docs/translations.md, "Numbers and dates"). In the
 * shared library, not in i18n.c, because the report's sentences
 * (report-phrases.c) format their numbers with it in every program. */
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"

const char *const ps_i18n_languages[PS_I18N_N_LANGUAGES + 1] = { "en", "de", "cs", "pt",
                                                                 "el", "ug", NULL };

static int language_index(const char *code)
{
        for (int i = 0; code && i < PS_I18N_N_LANGUAGES; i++)
                if (!strcmp(code, ps_i18n_languages[i]))
                        return i;
        return -1;
}

/* Here, with the formatters, so that every program and test that prints
 * through _() has it, with or without i18n.c's set-up. */
bool ps_i18n_source_only;

const char *ps_i18n_current(void)
{
        /* The catalog in use answers "" with its header, which names its
         * language; the English source has no catalog. */
        static const char header[] = "";
        if (ps_i18n_source_only)
                return ps_i18n_languages[0];
        const char *h = gettext(header);
        const char *l = h && *h ? strstr(h, "Language: ") : NULL;
        if (!l || (l > h && l[-1] != '\n'))
                return ps_i18n_languages[0];
        l += strlen("Language: ");
        for (int i = 1; i < PS_I18N_N_LANGUAGES; i++) {
                size_t n = strlen(ps_i18n_languages[i]);
                if (!strncmp(l, ps_i18n_languages[i], n) && (l[n] == '\n' || l[n] == '_'))
                        return ps_i18n_languages[i];
        }
        return ps_i18n_languages[0];
}

/* How each language writes numbers: the group separator, the decimal mark
 * and the fewest digits before the first group (CLDR's minimumGroupingDigits:
 * Portuguese writes 1024 but 65 536). glibc's locales disagree for pt_PT (no
 * grouping), el_GR (no grouping) and cs_CZ (U+202F, which many terminal fonts
 * lack), so the table is the style guides', not the locale's. English (NULL)
 * takes the thread's LC_NUMERIC. */
static const struct {
        const char *group, *decimal;
        unsigned min_lead;
} number_style[PS_I18N_N_LANGUAGES] = {
        { NULL, NULL, 1 },    /* en: the locale's */
        { ".", ",", 1 },      /* de: 65.536, 0,5 */
        { "\u00a0", ",", 1 }, /* cs: 65 536, 1 024, 0,5 */
        { "\u00a0", ",", 2 }, /* pt: 65 536, 1024, 0,5 */
        { ".", ",", 1 },      /* el: 65.536, 0,5 */
        { ",", ".", 1 },      /* ug: 65,536, 0.5 */
};

/* digits (a run of ASCII digits) with the group separator every three from
 * the right, when there are at least 3 + min_lead of them. */
static size_t put_grouped(char *out, size_t size, const char *digits, size_t n, const char *group,
                          unsigned min_lead)
{
        size_t len = 0, glen = group ? strlen(group) : 0;
        bool grouped = glen && n >= 3 + min_lead;
        for (size_t i = 0; i < n; i++) {
                if (grouped && i && (n - i) % 3 == 0)
                        for (size_t k = 0; k < glen; k++)
                                if (len + 1 < size)
                                        out[len++] = group[k];
                if (len + 1 < size)
                        out[len++] = digits[i];
        }
        if (size)
                out[len < size ? len : size - 1] = 0;
        return len;
}

static void style_of(const char **group, const char **decimal, unsigned *min_lead)
{
        int i = language_index(ps_i18n_current());
        if (i > 0) {
                *group = number_style[i].group;
                *decimal = number_style[i].decimal;
                *min_lead = number_style[i].min_lead;
                return;
        }
        /* nl_langinfo reads the calling thread's locale (uselocale). */
        *group = nl_langinfo(THOUSEP);
        *decimal = nl_langinfo(RADIXCHAR);
        *min_lead = 1;
        if (!*decimal || !**decimal)
                *decimal = ".";
}

const char *ps_i18n_number(char *buf, size_t size, unsigned long long n)
{
        char digits[24];
        const char *group, *decimal;
        unsigned min_lead;
        if (!size)
                return buf;
        style_of(&group, &decimal, &min_lead);
        int len = snprintf(digits, sizeof(digits), "%llu", n);
        put_grouped(buf, size, digits, (size_t)len, group, min_lead);
        return buf;
}

const char *ps_i18n_decimal(char *buf, size_t size, double v, int precision, char conv)
{
        char raw[PS_I18N_NUM_MAX];
        const char *group, *decimal;
        unsigned min_lead;
        if (!size)
                return buf;
        style_of(&group, &decimal, &min_lead);
        if (conv == 'g')
                snprintf(raw, sizeof(raw), "%.*g", precision, v);
        else
                snprintf(raw, sizeof(raw), "%.*f", precision, v);
        /* raw is a sign, digits, then whatever printf's locale used as the
         * radix character, more digits, maybe an exponent: only the radix
         * and the grouping change. */
        const char *p = raw;
        size_t len = 0;
        if ((*p == '-' || *p == '+') && size > 1)
                buf[len++] = *p++;
        size_t n = strspn(p, "0123456789");
        if (!n) { /* inf, nan */
                snprintf(buf, size, "%s", raw);
                return buf;
        }
        len += put_grouped(buf + len, size - len, p, n, group, min_lead);
        p += n;
        if (*p && *p != 'e' && *p != 'E') {
                /* the radix: one character, possibly multibyte */
                size_t r = 1;
                while (((unsigned char)p[r] & 0xc0) == 0x80)
                        r++;
                len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s", decimal);
                p += r;
        }
        if (len < size)
                snprintf(buf + len, size - len, "%s", p);
        return buf;
}

/* Whether iso is YYYY-MM-DD with a month and day strptime() accepts. */
static bool iso_date_plain(const char *iso)
{
        static const char shape[] = "dddd-dd-dd";
        for (size_t i = 0; i < sizeof(shape); i++)
                if (shape[i] == 'd' ? !(iso[i] >= '0' && iso[i] <= '9') : iso[i] != shape[i])
                        return false;
        unsigned month = (unsigned)(iso[5] - '0') * 10 + (unsigned)(iso[6] - '0');
        unsigned day = (unsigned)(iso[8] - '0') * 10 + (unsigned)(iso[9] - '0');
        return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const char *ps_i18n_date(const char *iso, char *buf, size_t size)
{
        struct tm tm = { 0 };
        /* TRANSLATORS: how a date is written in your language, as strftime(3)
           formats it (%d day, %m month, %Y year; %-d without a leading zero). */
        /* xgettext:no-c-format */
        const char *fmt = _("%Y-%m-%d");
        /* Written as it came when it is no date (a record without one) or
         * strptime() and strftime() would give it back unchanged: in a
         * short-lived process their first calls cost page faults of their
         * own (the C locale's time names and their code). */
        if (strlen(iso) != 10 || (!strcmp(fmt, "%Y-%m-%d") && iso_date_plain(iso))) {
                snprintf(buf, size, "%s", iso);
                return buf;
        }
        const char *end = strptime(iso, "%Y-%m-%d", &tm);
        /* The format is the translation's, a literal in each catalog. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        size_t n = end && !*end ? strftime(buf, size, fmt, &tm) : 0;
#pragma GCC diagnostic pop
        if (!n)
                snprintf(buf, size, "%s", iso);
        return buf;
}
