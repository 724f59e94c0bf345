/* SPDX-License-Identifier: MIT */
/* Prometheus text exposition 0.0.4 and OpenMetrics 1.0.0: names, escaping, negotiation. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "prom-text.h"
#include "utf8.h"
#include "util.h"

/* A label value longer than this is cut at a character boundary: values come
 * from process names and unit names, never from anything unbounded. */
#define LABEL_VALUE_MAX 512

void prom_writer_init(struct prom_writer *w, prom_format format, size_t cap)
{
        memset(w, 0, sizeof(*w));
        ps_dynbuf_init(&w->out, cap);
        w->format = format;
        w->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
        if (!w->c_locale)
                w->err = -ENOMEM;
}

void prom_writer_free(struct prom_writer *w)
{
        ps_dynbuf_free(&w->out);
        if (w->c_locale)
                freelocale(w->c_locale);
        w->c_locale = (locale_t)0;
}

static void put(struct prom_writer *w, const char *s, size_t n)
{
        if (!w->err)
                w->err = ps_dynbuf_add(&w->out, s, n);
}

static void puts_(struct prom_writer *w, const char *s)
{
        put(w, s, strlen(s));
}

static const char *suffix(prom_type type)
{
        return type == PROM_COUNTER ? "_total" : type == PROM_INFO ? "_info" : "";
}

/* HELP text: both formats escape backslash and newline; OpenMetrics also the quote. */
static void put_escaped(struct prom_writer *w, const char *s, bool quote)
{
        size_t len = strlen(s), done = 0;
        for (size_t i = 0; i < len && done < LABEL_VALUE_MAX;) {
                uint32_t cp;
                size_t n = ps_utf8_decode(s + i, len - i, &cp);
                if (n == 0) {
                        puts_(w, "\xEF\xBF\xBD"); /* U+FFFD for a byte that is not UTF-8 */
                        i++, done += 3;
                        continue;
                }
                if (cp == '\\')
                        puts_(w, "\\\\");
                else if (cp == '\n')
                        puts_(w, "\\n");
                else if (cp == '"' && quote)
                        puts_(w, "\\\"");
                else
                        put(w, s + i, n);
                i += n, done += n;
        }
}

void prom_family(struct prom_writer *w, const char *name, prom_type type, const char *unit,
                 const char *help)
{
        bool om = w->format == PROM_FORMAT_OPENMETRICS;
        /* The text format has no info type: an info family is a gauge named "*_info". */
        const char *type_name = type == PROM_COUNTER      ? "counter"
                                : type == PROM_INFO && om ? "info"
                                                          : "gauge";
        char full[sizeof(w->family) + 8];

        if (w->err)
                return;
        if (strlen(name) >= sizeof(w->family)) {
                w->err = -ENAMETOOLONG;
                return;
        }
        snprintf(w->family, sizeof(w->family), "%s", name);
        w->type = type;
        /* OpenMetrics names the family without the sample suffix. */
        snprintf(full, sizeof(full), "%s%s", name, om ? "" : suffix(type));
        puts_(w, "# HELP ");
        puts_(w, full);
        puts_(w, " ");
        put_escaped(w, help, om);
        puts_(w, "\n# TYPE ");
        puts_(w, full);
        puts_(w, " ");
        puts_(w, type_name);
        puts_(w, "\n");
        if (om && unit) {
                puts_(w, "# UNIT ");
                puts_(w, full);
                puts_(w, " ");
                puts_(w, unit);
                puts_(w, "\n");
        }
}

static void put_value(struct prom_writer *w, double v)
{
        if (w->err)
                return;
        char num[40];
        if (isnan(v))
                snprintf(num, sizeof(num), "NaN");
        else if (isinf(v))
                snprintf(num, sizeof(num), "%s", v > 0 ? "+Inf" : "-Inf");
        else if (fabs(v) < 1e15 && v == (double)(long long)v)
                snprintf(num, sizeof(num), "%lld", (long long)v);
        else {
                /* uselocale() is per thread: a threaded server may format
                 * several expositions at once. */
                locale_t old = uselocale(w->c_locale);
                snprintf(num, sizeof(num), "%.9g", v);
                uselocale(old);
        }
        puts_(w, num);
}

void prom_sample(struct prom_writer *w, const char *const *labels, size_t n_labels, double value)
{
        puts_(w, w->family);
        puts_(w, suffix(w->type));
        if (n_labels) {
                puts_(w, "{");
                for (size_t i = 0; i < n_labels; i++) {
                        if (i)
                                puts_(w, ",");
                        puts_(w, labels[2 * i]);
                        puts_(w, "=\"");
                        put_escaped(w, labels[2 * i + 1] ? labels[2 * i + 1] : "", true);
                        puts_(w, "\"");
                }
                puts_(w, "}");
        }
        puts_(w, " ");
        put_value(w, value);
        puts_(w, "\n");
}

int prom_finish(struct prom_writer *w)
{
        if (w->format == PROM_FORMAT_OPENMETRICS)
                puts_(w, "# EOF\n");
        return w->err;
}

const char *prom_content_type(prom_format format)
{
        return format == PROM_FORMAT_OPENMETRICS
                       ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                       : "text/plain; version=0.0.4; charset=utf-8";
}

/* A q value, "0", "1", "0.5", "0.125" (RFC 9110 section 12.4.2), as thousandths; -1 when malformed.
 */
static int parse_q(const char *s, size_t len)
{
        uint64_t whole, frac = 0;
        size_t dot = 0;
        while (dot < len && s[dot] != '.')
                dot++;
        if (ps_parse_uint_n(s, dot, 1, &whole) < 0)
                return -1;
        if (dot < len) {
                size_t nf = len - dot - 1;
                if (nf > 3 || (nf && ps_parse_uint_n(s + dot + 1, nf, 999, &frac) < 0))
                        return -1;
                for (; nf < 3; nf++)
                        frac *= 10;
        }
        if (whole == 1 && frac)
                return -1;
        return (int)(whole * 1000 + frac);
}

static size_t trim(const char **s, size_t len)
{
        while (len && (**s == ' ' || **s == '\t'))
                (*s)++, len--;
        while (len && ((*s)[len - 1] == ' ' || (*s)[len - 1] == '\t'))
                len--;
        return len;
}

prom_format prom_negotiate(const char *accept)
{
        int best_om = -1, best_text = -1;

        if (!accept || strlen(accept) > 4096)
                return PROM_FORMAT_TEXT;
        for (const char *p = accept; *p;) {
                size_t n = strcspn(p, ",");
                const char *range = p;
                size_t rlen = strcspn(range, ";");
                if (rlen > n)
                        rlen = n;
                int q = 1000;
                /* Parameters after the media range: only q matters here. */
                for (const char *par = range + rlen; par < p + n && *par == ';';) {
                        par++;
                        size_t plen = strcspn(par, ";,");
                        const char *v = par;
                        size_t vlen = trim(&v, plen);
                        if (vlen > 2 && (v[0] == 'q' || v[0] == 'Q') && v[1] == '=')
                                q = parse_q(v + 2, vlen - 2);
                        par += plen;
                }
                rlen = trim(&range, rlen);
                if (q >= 0) {
                        if (rlen == 28 &&
                            !ps_strncasecmp_ascii(range, "application/openmetrics-text", 28))
                                best_om = q > best_om ? q : best_om;
                        else if ((rlen == 10 && !ps_strncasecmp_ascii(range, "text/plain", 10)) ||
                                 (rlen == 3 && !strncmp(range, "*/*", 3)) ||
                                 (rlen == 6 && !ps_strncasecmp_ascii(range, "text/*", 6)))
                                best_text = q > best_text ? q : best_text;
                }
                p += n;
                if (*p == ',')
                        p++;
        }
        return best_om > 0 && best_om >= best_text ? PROM_FORMAT_OPENMETRICS : PROM_FORMAT_TEXT;
}
