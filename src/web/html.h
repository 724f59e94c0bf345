/* SPDX-License-Identifier: MIT */
/* The site's HTML renderer: escape by default. Markup can only come from
 * string literals (the format of H(), which the macro forces to be one);
 * every %s argument is text and is escaped, %U is a URL that is escaped
 * and must be http(s), mailto or site-relative, %R is a fragment another
 * html buffer already built (or cmark's safe output). */
#ifndef PS_WEB_HTML_H
#define PS_WEB_HTML_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "dynbuf.h"

#define HTML_PAGE_MAX (4u << 20) /* no page is near this; the cap stops runaways */

typedef struct html {
        ps_dynbuf b;
        bool failed; /* out of memory or over the cap: the page is an error */
} html;

/* A fragment of markup that is already safe (from another html buffer or
 * cmark with its safe default); %R prints it as is. */
typedef struct html_trusted {
        const char *markup;
} html_trusted;

void html_init(html *h);
void html_free(html *h);
/* Hands the bytes over (never NULL); *ret_len gets their length. */
char *html_steal(html *h, size_t *ret_len);

/* Formats: %s text (escaped), %U URL (escaped, unsafe schemes become "#"),
 * %R a const html_trusted *, %u %d %zu %lu numbers, %% a percent sign. */
void html_fmt(html *h, const char *markup, ...);
void html_vfmt(html *h, const char *markup, va_list ap);
#define H(h, markup, ...) html_fmt((h), "" markup, ##__VA_ARGS__)

/* A printf-formatted sentence (a translated one with its numbers), escaped
 * as a whole: the translation is text, never markup. */
void html_textf(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Escaped text. */
void html_text(html *h, const char *s);
void html_text_n(html *h, const char *s, size_t n);

/* A table in its scrolling wrapper, with a header row of the column titles
 * given (text, escaped), up to a NULL; html_table_close() ends it. */
void html_table_open(html *h, ...) __attribute__((sentinel));
void html_table_close(html *h);

/* Whether url may appear in an href: http(s), mailto, or a site path. */
bool html_url_safe(const char *url);

/* The Markdown of a knowledge note as safe HTML (cmark, raw HTML dropped,
 * unsafe links removed). */
void html_markdown(html *h, const char *md);

#endif
