/* SPDX-License-Identifier: MIT */
/* Escape-by-default HTML; see html.h. */
#include "html.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void html_init(html *h)
{
        ps_dynbuf_init(&h->b, HTML_PAGE_MAX);
        h->failed = false;
}

void html_free(html *h)
{
        ps_dynbuf_free(&h->b);
}

char *html_steal(html *h, size_t *ret_len)
{
        *ret_len = h->b.len;
        return ps_dynbuf_steal(&h->b);
}

static void add(html *h, const char *s, size_t n)
{
        if (n && ps_dynbuf_add(&h->b, s, n) < 0)
                h->failed = true;
}

void html_text_n(html *h, const char *s, size_t n)
{
        size_t start = 0;
        for (size_t i = 0; i < n; i++) {
                const char *rep;
                switch (s[i]) {
                case '&':
                        rep = "&amp;";
                        break;
                case '<':
                        rep = "&lt;";
                        break;
                case '>':
                        rep = "&gt;";
                        break;
                case '"':
                        rep = "&quot;";
                        break;
                case '\'':
                        rep = "&#39;";
                        break;
                default:
                        continue;
                }
                add(h, s + start, i - start);
                add(h, rep, strlen(rep));
                start = i + 1;
        }
        add(h, s + start, n - start);
}

void html_text(html *h, const char *s)
{
        if (s)
                html_text_n(h, s, strlen(s));
}

bool html_url_safe(const char *url)
{
        if (!url)
                return false;
        if (url[0] == '/' && url[1] != '/')
                return true;
        if (url[0] == '#')
                return true;
        return strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0 ||
               strncasecmp(url, "mailto:", 7) == 0;
}

void html_vfmt(html *h, const char *markup, va_list ap)
{
        const char *p = markup;
        while (*p) {
                const char *pct = strchr(p, '%');
                if (!pct) {
                        add(h, p, strlen(p));
                        break;
                }
                add(h, p, (size_t)(pct - p));
                p = pct + 1;
                char num[32];
                switch (*p) {
                case 's':
                        html_text(h, va_arg(ap, const char *));
                        break;
                case 'U': {
                        const char *u = va_arg(ap, const char *);
                        html_text(h, html_url_safe(u) ? u : "#");
                        break;
                }
                case 'R': {
                        const html_trusted *t = va_arg(ap, const html_trusted *);
                        if (t && t->markup)
                                add(h, t->markup, strlen(t->markup));
                        break;
                }
                case 'u':
                        snprintf(num, sizeof(num), "%u", va_arg(ap, unsigned));
                        add(h, num, strlen(num));
                        break;
                case 'd':
                        snprintf(num, sizeof(num), "%d", va_arg(ap, int));
                        add(h, num, strlen(num));
                        break;
                case 'l':
                        if (p[1] == 'u') {
                                p++;
                                snprintf(num, sizeof(num), "%lu", va_arg(ap, unsigned long));
                                add(h, num, strlen(num));
                        }
                        break;
                case 'z':
                        if (p[1] == 'u') {
                                p++;
                                snprintf(num, sizeof(num), "%zu", va_arg(ap, size_t));
                                add(h, num, strlen(num));
                        }
                        break;
                case '%':
                        add(h, "%", 1);
                        break;
                default:
                        /* An unknown conversion in a literal is a programming
                         * error; print nothing rather than guess. */
                        h->failed = true;
                        return;
                }
                p++;
        }
}

void html_fmt(html *h, const char *markup, ...)
{
        va_list ap;
        va_start(ap, markup);
        html_vfmt(h, markup, ap);
        va_end(ap);
}

void html_textf(html *h, const char *fmt, ...)
{
        va_list ap;
        char *s = NULL;
        va_start(ap, fmt);
        int n = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (n < 0) {
                h->failed = true;
                return;
        }
        html_text_n(h, s, (size_t)n);
        free(s);
}

void html_markdown(html *h, const char *md)
{
        /* cmark 0.30's default is safe: raw HTML becomes a comment and
         * javascript:, vbscript:, file: and data: links are dropped. */
        char *out = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);
        if (!out) {
                h->failed = true;
                return;
        }
        add(h, out, strlen(out));
        free(out);
}

void html_table_open(html *h, ...)
{
        va_list ap;
        va_start(ap, h);
        H(h, "<div class=\"table\"><table>\n<thead><tr>");
        for (const char *col; (col = va_arg(ap, const char *));)
                H(h, "<th scope=\"col\">%s</th>", col);
        va_end(ap);
        H(h, "</tr></thead>\n<tbody>\n");
}

void html_table_close(html *h)
{
        H(h, "</tbody></table></div>\n");
}
