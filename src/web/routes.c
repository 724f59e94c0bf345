/* SPDX-License-Identifier: MIT */
/* Every URL of the site and the API, in one table, and the strict parser
 * that maps a request onto it. Nothing here touches the data: the fuzzer
 * (fuzz/fuzz-router.c) runs it alone. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "web.h"

static const web_route routes[] = {
        { "/", WEB_M_GET, page_home, true, NULL },
        { "/ports/{port}", WEB_M_GET, page_port, false, NULL },
        { "/ports/{port}/vote", WEB_M_POST, NULL, false, web_votes_form },
        { "/ports/{range}", WEB_M_GET, page_range, false, NULL },
        { "/services/{name}", WEB_M_GET, page_service, false, NULL },
        { "/search", WEB_M_GET, page_search, true, NULL },
        { "/notes", WEB_M_GET, page_notes, true, NULL },
        { "/notes/{tag}", WEB_M_GET, page_notes, false, NULL },
        { "/ranges", WEB_M_GET, page_ranges, true, NULL },
        { "/changes", WEB_M_GET, page_changes, true, NULL },
        { "/suggest", WEB_M_GET, page_suggest, true, NULL },
        { "/about", WEB_M_GET, page_about, true, NULL },
        { "/sitemap.xml", WEB_M_GET, page_sitemap, false, NULL },
        { "/robots.txt", WEB_M_GET, page_robots, false, NULL },
        { "/static/style.css", WEB_M_GET, page_css, false, NULL },
        { "/static/icon.svg", WEB_M_GET, page_icon, false, NULL },
        { "/favicon.ico", WEB_M_GET, page_icon, false, NULL },
        { "/healthz", WEB_M_GET, page_healthz, false, NULL },
        { "/api/v1", WEB_M_GET, api_index, false, NULL },
        { "/api/v1/openapi.json", WEB_M_GET, api_openapi, false, NULL },
        { "/api/v1/ports/{port}", WEB_M_GET, api_ports, false, NULL },
        { "/api/v1/ports/{port}/votes", WEB_M_GET | WEB_M_POST, NULL, false, web_votes_api },
        { "/api/v1/ports/{range}", WEB_M_GET, api_ranges, false, NULL },
        { "/api/v1/ranges", WEB_M_GET, api_ranges, false, NULL },
        { "/api/v1/services/{name}", WEB_M_GET, api_services, false, NULL },
        { "/api/v1/search", WEB_M_GET, api_search, false, NULL },
        { "/api/v1/notes", WEB_M_GET, api_notes, false, NULL },
        { "/api/v1/notes/{tag}", WEB_M_GET, api_notes, false, NULL },
        { "/api/v1/suggest", WEB_M_GET, api_suggest, false, NULL },
        { "/api/v1/changes", WEB_M_GET, api_changes, false, NULL },
};

const web_route *web_routes(size_t *ret_n)
{
        *ret_n = sizeof(routes) / sizeof(routes[0]);
        return routes;
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* A port: decimal, no sign or leading zero, at most 65535. */
static bool parse_port(const char *s, size_t len, unsigned *ret)
{
        unsigned v = 0;
        if (len == 0 || len > 5 || (len > 1 && s[0] == '0'))
                return false;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (unsigned)(s[i] - '0');
        }
        if (v > 65535)
                return false;
        *ret = v;
        return true;
}

static bool match_port(const char *s)
{
        unsigned p;
        return parse_port(s, strlen(s), &p);
}

static bool match_range(const char *s)
{
        const char *dash = strchr(s, '-');
        unsigned lo, hi;
        return dash && parse_port(s, (size_t)(dash - s), &lo) &&
               parse_port(dash + 1, strlen(dash + 1), &hi) && lo <= hi;
}

/* IANA service names: letters, digits and '-' (RFC 6335 5.1), plus the
 * '.', '_', '+' and '*' some historical entries carry ("sql*net"). Four
 * old names hold a '/' ("914c/g"): a name that ends the pattern takes the
 * path's remaining segments (see match_route()). */
static bool match_name(const char *s)
{
        size_t n = strlen(s);
        if (n == 0 || n > 63)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '+' || c == '*'))
                        return false;
        }
        return true;
}

static bool match_segment(const char *pat, size_t plen, const char *seg)
{
        if (plen && pat[0] == '{') {
                if (plen == 6 && !strncmp(pat, "{port}", 6))
                        return match_port(seg);
                if (plen == 7 && !strncmp(pat, "{range}", 7))
                        return match_range(seg);
                if (plen == 6 && !strncmp(pat, "{name}", 6))
                        return match_name(seg);
                if (plen == 5 && !strncmp(pat, "{tag}", 5))
                        return match_name(seg);
                return false;
        }
        return strlen(seg) == plen && !strncmp(pat, seg, plen);
}

static bool match_route(const web_route *r, const web_req *rq)
{
        const char *p = r->pattern;
        unsigned i = 0;

        if (!strcmp(p, "/"))
                return rq->n_seg == 0;
        while (*p == '/') {
                p++;
                size_t len = strcspn(p, "/");
                if (i >= rq->n_seg || !match_segment(p, len, rq->seg[i]))
                        return false;
                i++;
                p += len;
                /* A last {name} takes the segments left, each a name's part,
                 * the whole within a name's length. */
                if (!*p && len == 6 && !strncmp(p - 6, "{name}", 6)) {
                        size_t total = strlen(rq->seg[i - 1]);
                        for (; i < rq->n_seg; i++) {
                                total += 1 + strlen(rq->seg[i]);
                                if (!match_name(rq->seg[i]) || total > 63)
                                        return false;
                        }
                }
        }
        return i == rq->n_seg;
}

const char *web_req_name(const web_req *rq, unsigned first, char *buf, size_t size)
{
        size_t n = 0;
        buf[0] = '\0';
        for (unsigned i = first; i < rq->n_seg && n < size; i++)
                n += (size_t)snprintf(buf + n, size - n, "%s%s", i > first ? "/" : "", rq->seg[i]);
        return buf;
}

/* Decodes one %XX-encoded component into out (cap bytes + NUL). Only
 * printable ASCII may result; an encoded '/' or a control byte is refused,
 * so no decoded path can climb out of its segment. */
static int decode_path(const char *s, size_t len, char *out, size_t cap)
{
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '%') {
                        int hi, lo;
                        if (i + 2 >= len)
                                return -EINVAL;
                        hi = hexval(s[i + 1]);
                        lo = hexval(s[i + 2]);
                        if (hi < 0 || lo < 0)
                                return -EINVAL;
                        c = (unsigned char)(hi * 16 + lo);
                        if (c == '/' || c == '\\')
                                return -EINVAL;
                        i += 2;
                }
                if (c <= 0x20 || c >= 0x7f)
                        return -EINVAL;
                if (n >= cap)
                        return -E2BIG;
                out[n++] = (char)c;
        }
        out[n] = '\0';
        return 0;
}

/* Strict UTF-8 (shortest form, no surrogates, at most U+10FFFF) without
 * control characters: what a search box can send. */
static bool text_ok(const unsigned char *s, size_t n)
{
        for (size_t i = 0; i < n;) {
                unsigned char c = s[i];
                uint32_t cp;
                size_t len;
                if (c < 0x80) {
                        if (c < 0x20 || c == 0x7f)
                                return false;
                        i++;
                        continue;
                }
                if (c >= 0xc2 && c <= 0xdf)
                        len = 2, cp = c & 0x1f;
                else if (c >= 0xe0 && c <= 0xef)
                        len = 3, cp = c & 0x0f;
                else if (c >= 0xf0 && c <= 0xf4)
                        len = 4, cp = c & 0x07;
                else
                        return false;
                if (i + len > n)
                        return false;
                for (size_t k = 1; k < len; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = cp << 6 | (s[i + k] & 0x3f);
                }
                if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
                    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
                        return false;
                i += len;
        }
        return true;
}

static int decode_form(const char *s, size_t len, char *out, size_t cap)
{
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '+')
                        c = ' ';
                else if (c == '%') {
                        if (i + 2 >= len)
                                return -EINVAL;
                        int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
                        if (hi < 0 || lo < 0)
                                return -EINVAL;
                        c = (unsigned char)(hi * 16 + lo);
                        i += 2;
                } else if (c <= 0x20 || c >= 0x7f)
                        return -EINVAL;
                if (n >= cap)
                        return -E2BIG;
                out[n++] = (char)c;
        }
        out[n] = '\0';
        return text_ok((const unsigned char *)out, n) ? 0 : -EINVAL;
}

int web_parse_form(const char *s, size_t len, web_param *params, unsigned *n_params)
{
        size_t i = 0;
        *n_params = 0;
        while (i < len) {
                size_t end = i;
                while (end < len && s[end] != '&')
                        end++;
                if (end > i) {
                        const char *eq = memchr(s + i, '=', end - i);
                        size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
                        if (*n_params >= WEB_PARAMS_MAX)
                                return -E2BIG;
                        web_param *p = &params[*n_params];
                        int r = decode_form(s + i, klen, p->key, sizeof(p->key) - 1);
                        if (r < 0)
                                return r;
                        if (eq)
                                r = decode_form(eq + 1, (size_t)(s + end - eq - 1), p->value,
                                                WEB_PARAM_MAX);
                        else
                                p->value[0] = '\0';
                        if (r < 0)
                                return r;
                        (*n_params)++;
                }
                i = end + 1;
        }
        return 0;
}

const char *web_param_get(const web_req *rq, const char *key)
{
        for (unsigned i = 0; i < rq->n_params; i++)
                if (!strcmp(rq->params[i].key, key))
                        return rq->params[i].value;
        return NULL;
}

int web_route_match(const char *method, const char *raw_path, const char *raw_query,
                    web_req *ret_req, const web_route **ret_route, const char **ret_detail)
{
        web_req *rq = ret_req;
        size_t rawlen = strlen(raw_path);

        memset(rq, 0, sizeof(*rq));
        rq->method = method;
        *ret_route = NULL;
        *ret_detail = NULL;
        if (rawlen > WEB_PATH_MAX * 3) {
                *ret_detail = N_("The path is longer than any page of this site.");
                return 414;
        }
        if (raw_path[0] != '/') {
                *ret_detail = N_("The path must start with '/'.");
                return 400;
        }
        int r = decode_path(raw_path, rawlen, rq->path, WEB_PATH_MAX);
        if (r == -E2BIG) {
                *ret_detail = N_("The path is longer than any page of this site.");
                return 414;
        }
        if (r < 0) {
                *ret_detail = N_("The path has a malformed percent-encoding, an encoded '/' or "
                                 "'\\', or a byte that no page name contains.");
                return 400;
        }
        if (raw_query) {
                if (strlen(raw_query) > WEB_QUERY_MAX) {
                        *ret_detail = N_("The query string is longer than this site accepts.");
                        return 414;
                }
                rq->has_query = true;
                r = web_parse_form(raw_query, strlen(raw_query), rq->params, &rq->n_params);
                if (r == -E2BIG) {
                        *ret_detail = N_("The query has more or longer parameters than this site "
                                         "accepts.");
                        return 400;
                }
                if (r < 0) {
                        *ret_detail = N_("The query string is not valid form encoding of UTF-8 "
                                         "text.");
                        return 400;
                }
        }

        /* Segments, on the decoded path: no empty, '.' or '..' ones. */
        const char *p = rq->path + 1;
        bool trailing = false;
        while (*p) {
                size_t len = strcspn(p, "/");
                if (len == 0) {
                        *ret_detail = N_("The path has an empty segment ('//').");
                        return 400;
                }
                if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
                        *ret_detail = N_("Path segments '.' and '..' are not allowed.");
                        return 400;
                }
                if (rq->n_seg >= WEB_SEGMENTS_MAX || len > WEB_SEGMENT_MAX)
                        return 404;
                memcpy(rq->seg[rq->n_seg], p, len);
                rq->seg[rq->n_seg][len] = '\0';
                rq->n_seg++;
                p += len;
                if (*p == '/') {
                        p++;
                        if (!*p)
                                trailing = true;
                        else if (*p == '/') {
                                *ret_detail = N_("The path has an empty segment ('//').");
                                return 400;
                        }
                }
        }

        /* "/de/ports/1712": a language (lang.c), then the page's own path. */
        if (rq->n_seg && (rq->lang = web_lang_of_segment(rq->seg[0], strlen(rq->seg[0])))) {
                memmove(rq->seg[0], rq->seg[1], (rq->n_seg - 1) * sizeof(rq->seg[0]));
                rq->n_seg--;
        }

        unsigned allowed = 0;
        const web_route *found = NULL;
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
                if (!match_route(&routes[i], rq) ||
                    (rq->lang && !web_path_localized(routes[i].pattern, strlen(routes[i].pattern))))
                        continue;
                allowed |= routes[i].methods;
                bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
                bool post = !strcmp(method, "POST");
                if (!found && ((get && (routes[i].methods & WEB_M_GET)) ||
                               (post && (routes[i].methods & WEB_M_POST))))
                        found = &routes[i];
        }
        if (found && trailing) {
                /* "/ports/1712/" is "/ports/1712": one canonical URL. */
                *ret_detail = N_("The page's address has no trailing '/'.");
                return 301;
        }
        if (found) {
                *ret_route = found;
                return 0;
        }
        if (allowed) {
                *ret_detail = allowed & WEB_M_POST ? "POST" : "GET, HEAD";
                return 405;
        }
        return 404;
}
