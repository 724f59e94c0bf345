/* SPDX-License-Identifier: MIT */
/* The site in six languages (docs/translations.md): English at the
 * unprefixed URLs, every other language under /LL/; which paths have
 * language versions; the neutral root's Accept-Language lookup (RFC 4647);
 * and the two passes over a rendered page that put its links into the
 * page's language tree and isolate left-to-right text on right-to-left
 * pages. Pure functions of their input: the router's fuzzer runs them. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "web.h"

/* Each language's name in itself, for the switcher. */
static const char *const endonyms[PS_I18N_N_LANGUAGES] = {
        "English", "Deutsch", "Čeština", "Português", "Ελληνικά", "ئۇيغۇرچە",
};

const char *web_lang_name(const char *lang)
{
        for (int i = 0; i < PS_I18N_N_LANGUAGES; i++)
                if (!strcmp(lang, ps_i18n_languages[i]))
                        return endonyms[i];
        return endonyms[0];
}

const char *web_req_lang(const web_req *rq)
{
        return rq && rq->lang ? rq->lang : ps_i18n_languages[0];
}

const char *web_date(const char *iso, char *buf, size_t size)
{
        return ps_i18n_date(iso, buf, size);
}

bool web_lang_rtl(const char *lang)
{
        return !strcmp(lang, "ug");
}

const char *web_lang_of_segment(const char *seg, size_t len)
{
        /* English has no prefix: "/en/..." is not one of its URLs. */
        for (int i = 1; i < PS_I18N_N_LANGUAGES; i++)
                if (strlen(ps_i18n_languages[i]) == len && !memcmp(seg, ps_i18n_languages[i], len))
                        return ps_i18n_languages[i];
        return NULL;
}

bool web_path_localized(const char *path, size_t len)
{
        if (len == 0 || path[0] != '/')
                return false;
        const char *seg = path + 1;
        size_t n = 0;
        while (n < len - 1 && seg[n] != '/' && seg[n] != '?' && seg[n] != '#' && seg[n] != '"')
                n++;
        /* The API, the stylesheet and icon, files such as /sitemap.xml
         * and the health check are the same in every language. */
        if ((n == 3 && !memcmp(seg, "api", 3)) || (n == 6 && !memcmp(seg, "static", 6)) ||
            (n == 7 && !memcmp(seg, "healthz", 7)) || memchr(seg, '.', n) ||
            web_lang_of_segment(seg, n))
                return false;
        return true;
}

int web_lang_path(const char *lang, const char *path, char *buf, size_t size)
{
        int n;
        if (!lang || !strcmp(lang, "en"))
                n = snprintf(buf, size, "%s", path);
        else if (!strcmp(path, "/"))
                n = snprintf(buf, size, "/%s", lang);
        else
                n = snprintf(buf, size, "/%s%s", lang, path);
        return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* An RFC 9110 qvalue ("0", "0.5", "1.000") as thousandths; -1 when
 * malformed. Parsed by hand: strtod would follow the thread's locale. */
static int qvalue(const char *s, size_t n)
{
        if (n == 0 || (s[0] != '0' && s[0] != '1'))
                return -1;
        int v = (s[0] - '0') * 1000, scale = 100;
        if (n == 1)
                return v;
        if (s[1] != '.' || n > 5)
                return -1;
        for (size_t i = 2; i < n; i++, scale /= 10) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v += (s[i] - '0') * scale;
        }
        return v > 1000 ? -1 : v;
}

#define RANGES_MAX 32

typedef struct lang_range {
        const char *s;
        size_t len;
        int q;
} lang_range;

/* A basic language range (RFC 4647 2.1): 1*8ALPHA *("-" 1*8alphanum), or "*". */
static bool range_ok(const char *s, size_t n)
{
        if (n == 1 && s[0] == '*')
                return true;
        size_t sub = 0;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (c == '-') {
                        if (sub == 0 || i + 1 == n)
                                return false;
                        sub = 0;
                        continue;
                }
                bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                bool digit = c >= '0' && c <= '9';
                /* The primary subtag is letters only. */
                if (!(alpha || (digit && memchr(s, '-', i))) || ++sub > 8)
                        return false;
        }
        return n > 0;
}

const char *web_lang_negotiate(const char *header)
{
        lang_range r[RANGES_MAX];
        size_t n = 0;

        if (!header)
                return ps_i18n_languages[0];
        for (const char *p = header; *p && n < RANGES_MAX;) {
                p += strspn(p, " \t,");
                size_t len = strcspn(p, ",");
                if (!len)
                        break;
                const char *semi = memchr(p, ';', len);
                size_t rl = semi ? (size_t)(semi - p) : len;
                while (rl && (p[rl - 1] == ' ' || p[rl - 1] == '\t'))
                        rl--;
                int q = 1000;
                if (semi) {
                        const char *w = semi + 1, *end = p + len;
                        while (w < end && (*w == ' ' || *w == '\t'))
                                w++;
                        size_t wl = (size_t)(end - w);
                        while (wl && (w[wl - 1] == ' ' || w[wl - 1] == '\t'))
                                wl--;
                        q = wl > 2 && (w[0] == 'q' || w[0] == 'Q') && w[1] == '='
                                    ? qvalue(w + 2, wl - 2)
                                    : -1;
                }
                /* A malformed element says nothing; the others still count. */
                if (q > 0 && range_ok(p, rl))
                        r[n++] = (lang_range){ p, rl, q };
                p += len;
        }
        /* Highest weight first; equal weights in the order sent. */
        for (size_t i = 1; i < n; i++)
                for (size_t k = i; k > 0 && r[k].q > r[k - 1].q; k--) {
                        lang_range t = r[k];
                        r[k] = r[k - 1];
                        r[k - 1] = t;
                }
        /* RFC 4647 3.4 lookup: each range in turn, progressively truncated
         * ("de-CH-1996", "de-CH", "de"), against the site's languages. The
         * wildcard names no language, so lookup skips it; nothing found
         * gives the default, English. */
        for (size_t i = 0; i < n; i++) {
                size_t len = r[i].len;
                if (len == 1 && r[i].s[0] == '*')
                        continue;
                while (len) {
                        for (int k = 0; k < PS_I18N_N_LANGUAGES; k++)
                                if (strlen(ps_i18n_languages[k]) == len &&
                                    !strncasecmp(r[i].s, ps_i18n_languages[k], len))
                                        return ps_i18n_languages[k];
                        while (len && r[i].s[len - 1] != '-')
                                len--;
                        if (len)
                                len--;
                        /* A single-letter subtag ("x", "u") goes with the one after it. */
                        if (len >= 2 && r[i].s[len - 2] == '-')
                                len -= 2;
                }
        }
        return ps_i18n_languages[0];
}

/* Appends n bytes; false once out of memory. */
static bool put(ps_dynbuf *b, const char *s, size_t n)
{
        return !n || ps_dynbuf_add(b, s, n) >= 0;
}

/* Whether the tag that starts at tag (its '<') and reaches up to end names
 * its own language with hreflang: the switcher and the alternates point
 * to one language's page on purpose. */
static bool tag_has_hreflang(const char *tag, const char *end)
{
        static const char key[] = " hreflang=";
        size_t k = sizeof(key) - 1;
        for (const char *p = tag; p + k <= end; p++)
                if (!memcmp(p, key, k))
                        return true;
        return false;
}

/* Puts every site-relative href="/..." and action="/..." of a page into the
 * language's tree, except language-neutral paths and links that carry
 * hreflang. */
static bool localize_links(ps_dynbuf *out, const char *s, size_t len, const char *lang)
{
        size_t start = 0, ll = strlen(lang);
        /* Jumps from one `="/` to the next (memmem) instead of looking at every
         * byte: on a German page this pass was 3% of the render's CPU, most of
         * the difference to English left after gzip (docs/benchmarks.md). */
        for (const char *p = s, *end = s + len;
             (p = memmem(p, (size_t)(end - p), "=\"/", 3)) != NULL; p++) {
                size_t i = (size_t)(p - s);
                bool href = i >= 5 && !memcmp(s + i - 5, " href", 5);
                bool action = i >= 7 && !memcmp(s + i - 7, " action", 7);
                if (!(href || action))
                        continue;
                const char *url = p + 2, *q = memchr(url, '"', (size_t)(end - url));
                if (!q)
                        break;
                const char *tag = memrchr(s, '<', i);
                if (!web_path_localized(url, (size_t)(q - url)) || (url[1] == '/') ||
                    tag_has_hreflang(tag ? tag : s, p))
                        continue;
                /* "/" becomes "/de", "/ports/1" "/de/ports/1". */
                bool root = q == url + 1 || url[1] == '?' || url[1] == '#';
                if (!put(out, s + start, (size_t)(url - s) - start) || !put(out, "/", 1) ||
                    !put(out, lang, ll))
                        return false;
                start = (size_t)(url - s) + (root ? 1 : 0);
                p = q;
        }
        return put(out, s + start, len - start);
}

static bool ascii_alnum(char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The name of the tag at s ('<' or '</' skipped), lower case, into name. */
static void tag_name(const char *s, size_t n, char name[16])
{
        size_t k = 0;
        while (k < n && k < 15 && ascii_alnum(s[k])) {
                char c = s[k];
                name[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        name[k] = '\0';
}

/* Wraps the left-to-right runs of one text node in <bdi dir="ltr">: each
 * maximal stretch of ASCII that starts and ends with a letter or digit
 * (port numbers, ranges, commands, addresses, registry keys, Latin names
 * with the spaces between their words), with a closing bracket whose
 * opening one is inside. Character references count as punctuation. */
static bool isolate_text(ps_dynbuf *out, const char *s, size_t n)
{
        size_t i = 0, done = 0;
        while (i < n) {
                if (s[i] == '&') {
                        const char *semi = memchr(s + i, ';', n - i);
                        i = semi ? (size_t)(semi - s) + 1 : n;
                        continue;
                }
                if (!ascii_alnum(s[i])) {
                        i++;
                        continue;
                }
                size_t begin = i, last = i;
                int depth = 0;
                while (i < n && !((unsigned char)s[i] & 0x80)) {
                        if (s[i] == '&') {
                                const char *semi = memchr(s + i, ';', n - i);
                                i = semi ? (size_t)(semi - s) + 1 : n;
                                continue;
                        }
                        if (s[i] == '(' || s[i] == '[')
                                depth++;
                        else if ((s[i] == ')' || s[i] == ']') && depth > 0)
                                depth--;
                        if (ascii_alnum(s[i]))
                                last = i;
                        i++;
                }
                size_t end = last + 1;
                /* A bracket opened inside closes inside. */
                int open = 0;
                for (size_t k = begin; k < end; k++)
                        open += s[k] == '(' || s[k] == '['   ? 1
                                : s[k] == ')' || s[k] == ']' ? -1
                                                             : 0;
                while (open > 0 && end < n && (s[end] == ')' || s[end] == ']')) {
                        end++;
                        open--;
                }
                if (!put(out, s + done, begin - done) || !put(out, "<bdi dir=\"ltr\">", 15) ||
                    !put(out, s + begin, end - begin) || !put(out, "</bdi>", 6))
                        return false;
                done = end;
                i = end;
        }
        return put(out, s + done, n - done);
}

/* Isolates left-to-right text on a right-to-left page: in every text node
 * outside elements that are already left-to-right (dir="ltr", <bdi>) or
 * hold no markup (<title>, <script>, <style>, <option>, <textarea>). */
static bool isolate_ltr(ps_dynbuf *out, const char *s, size_t len)
{
        char skip[16] = "";
        unsigned depth = 0;
        size_t i = 0;
        while (i < len) {
                if (s[i] != '<') {
                        size_t k = i;
                        while (k < len && s[k] != '<')
                                k++;
                        if (!(skip[0] ? put(out, s + i, k - i) : isolate_text(out, s + i, k - i)))
                                return false;
                        i = k;
                        continue;
                }
                const char *gt = memchr(s + i, '>', len - i);
                size_t end = gt ? (size_t)(gt - s) + 1 : len;
                bool closing = i + 1 < len && s[i + 1] == '/';
                char name[16];
                tag_name(s + i + 1 + closing, end - i - 1 - closing, name);
                if (skip[0] && !strcmp(name, skip)) {
                        if (!closing)
                                depth++;
                        else if (--depth == 0)
                                skip[0] = '\0';
                } else if (!skip[0] && !closing && name[0]) {
                        static const char *const opaque[] = { "title",  "script",   "style",
                                                              "option", "textarea", "bdi" };
                        bool ltr = memmem(s + i, end - i, " dir=\"ltr\"", 10) != NULL;
                        for (size_t k = 0; k < sizeof(opaque) / sizeof(opaque[0]) && !ltr; k++)
                                ltr = !strcmp(name, opaque[k]);
                        bool void_tag = end >= 2 && s[end - 2] == '/';
                        if (ltr && !void_tag) {
                                snprintf(skip, sizeof(skip), "%s", name);
                                depth = 1;
                        }
                }
                if (!put(out, s + i, end - i))
                        return false;
                i = end;
        }
        return true;
}

void web_lang_localize(html *h, const char *lang)
{
        if (!lang || !strcmp(lang, "en") || h->failed)
                return;
        ps_dynbuf a, b;
        ps_dynbuf_init(&a, HTML_PAGE_MAX);
        ps_dynbuf_init(&b, HTML_PAGE_MAX);
        size_t len = h->b.len;
        const char *s = h->b.buf ? h->b.buf : "";
        bool ok = localize_links(&a, s, len, lang);
        if (ok && web_lang_rtl(lang)) {
                ok = isolate_ltr(&b, a.buf ? a.buf : "", a.len);
                ps_dynbuf_free(&a);
                a = b;
        } else
                ps_dynbuf_free(&b);
        if (!ok) {
                ps_dynbuf_free(&a);
                h->failed = true;
                return;
        }
        ps_dynbuf_free(&h->b);
        h->b = a;
}
