/* SPDX-License-Identifier: MIT */
/* The reference site and its JSON API: shared state, the request as the
 * router parsed it, and the page a handler produces. The server (serve.c)
 * and the static export (site.c) both run pages through web_render(). */
#ifndef PS_WEB_WEB_H
#define PS_WEB_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dynbuf.h"
#include "html.h"
#include "portscope/audit.h"
#include "portscope/portscope.h"

/* Caps of the router: a request beyond them is refused, never truncated. */
#define WEB_PATH_MAX 256   /* decoded path */
#define WEB_SEGMENTS_MAX 5 /* "/api/v1/ports/1712/votes" */
#define WEB_SEGMENT_MAX 64 /* one decoded segment */
#define WEB_PARAMS_MAX 8   /* query or form fields */
#define WEB_PARAM_MAX 200  /* one decoded value */
#define WEB_QUERY_MAX 1024 /* raw query string */
#define WEB_BODY_MAX 1024  /* a form body (the vote) */
/* All header lines of a request: a browser sends about 1 KiB and this site
 * sets no cookies; the server's per-connection memory grows with it. */
#define WEB_HEADER_BYTES_MAX 8192
#define WEB_SEARCH_RESULTS 50

/* Shared, read-only once serving starts: threads use it without locks. */
typedef struct web {
        ps_db *db;
        ps_notes *notes;
        ps_prevalence *prevalence;   /* nmap-services, or NULL */
        struct web_changes *changes; /* /changes, built on first use (web_changes()) */
        bool local;                  /* --local: "on this machine" panels */
        char base_url[256];          /* canonical links and the sitemap, no trailing '/' */
        time_t last_modified;        /* the data's date: the registry's */
        char last_modified_http[64];
        bool votes;              /* a vote store is configured */
        struct web_votes *vote;  /* its routes' state (votes-http.c), serve only */
        struct web_cache *cache; /* serve only */
} web;

typedef struct web_param {
        char key[32];
        char value[WEB_PARAM_MAX + 1];
} web_param;

/* A request after strict parsing. */
typedef struct web_req {
        const char *method;
        char path[WEB_PATH_MAX + 1]; /* decoded */
        char seg[WEB_SEGMENTS_MAX][WEB_SEGMENT_MAX + 1];
        unsigned n_seg;
        web_param params[WEB_PARAMS_MAX];
        unsigned n_params;
        bool has_query;
        const char *body; /* POST: the raw form */
        size_t body_size;
        const char *accept; /* the Accept header, or NULL */
        const char *lang;   /* the /LL/ prefix's language, NULL for English */
} web_req;

typedef enum web_kind {
        WEB_HTML,
        WEB_JSON,
        WEB_PROBLEM,
        WEB_CSS,
        WEB_TEXT,
        WEB_XML,
        WEB_SVG,
} web_kind;

/* What a handler produces. */
typedef struct web_page {
        unsigned status;
        web_kind kind;
        html out;          /* the body, for every kind (html_text() escapes, H() only for HTML) */
        bool no_store;     /* never cached, never exported (search, POST answers) */
        const char *allow; /* 405: the methods the resource has */
        char location[WEB_PATH_MAX + 32]; /* 303 and 301 */
        const char *lang;                 /* the page's language: "en", "de", ... */
        bool localized;                   /* web_lang_localize() has run */
} web_page;

typedef void (*web_handler)(const web *w, const web_req *rq, web_page *pg);

/* A handler that answers over HTTP itself (a vote defers its answer until
 * the store has it on disk); serve only. */
struct httpd_request;
struct httpd_response;
typedef struct web_votes web_votes;
typedef void (*web_raw_handler)(const web *w, const web_req *rq, const struct httpd_request *req,
                                struct httpd_response *resp);

/* A route of the one table in routes.c. */
typedef struct web_route {
        const char *pattern; /* "/ports/{port}", "/api/v1/services/{name}" */
        unsigned methods;    /* WEB_M_* */
        web_handler handler; /* NULL for a route only raw answers */
        bool in_sitemap;     /* a fixed page listed in the sitemap */
        web_raw_handler raw; /* serve calls this instead of handler */
} web_route;

enum {
        WEB_M_GET = 1 << 0, /* GET and HEAD */
        WEB_M_POST = 1 << 1,
};

/* Parses method, raw path and raw query; on success *ret_route is the
 * route and 0 is returned; otherwise an HTTP status (301, 400, 404, 405,
 * 414) with a reason in ret_detail (a static English sentence; for 405 the
 * Allow header's value). Pure: the fuzzer calls it. */
int web_route_match(const char *method, const char *raw_path, const char *raw_query,
                    web_req *ret_req, const web_route **ret_route, const char **ret_detail);
/* The routes, for the sitemap and the export. */
const web_route *web_routes(size_t *ret_n);
/* Parses application/x-www-form-urlencoded (a query or a form body) into
 * params; -EINVAL on bad encoding, -E2BIG over the caps. */
int web_parse_form(const char *s, size_t len, web_param *params, unsigned *n_params);
/* The value of a parameter, or NULL. */
const char *web_param_get(const web_req *rq, const char *key);

/* Runs the route for a request into pg (status, kind, body). */
void web_render(const web *w, const web_req *rq, const web_route *route, web_page *pg);
/* An error page: HTML for pages, an RFC 9457 problem document for /api/
 * or when the client asks for application/problem+json. */
void web_error(const web *w, const web_req *rq, web_page *pg, unsigned status, const char *detail);
void web_page_init(web_page *pg);
void web_page_free(web_page *pg);
const char *web_content_type(web_kind kind);
const char *web_status_title(unsigned status);

/* Layout shared by every HTML page. canonical is the page's path. */
void layout_begin(const web *w, web_page *pg, const char *title, const char *description,
                  const char *canonical);
void layout_end(const web *w, web_page *pg);
/* A breadcrumb: pairs of (label, href), the last without href. */
void layout_breadcrumb(web_page *pg, const char *const *items, size_t n);

/* The site's pages (one file each) and the API. */
void page_home(const web *w, const web_req *rq, web_page *pg);
void page_port(const web *w, const web_req *rq, web_page *pg);
void page_range(const web *w, const web_req *rq, web_page *pg);
void page_service(const web *w, const web_req *rq, web_page *pg);
void page_search(const web *w, const web_req *rq, web_page *pg);
void page_notes(const web *w, const web_req *rq, web_page *pg);
void page_ranges(const web *w, const web_req *rq, web_page *pg);
void page_changes(const web *w, const web_req *rq, web_page *pg);
void page_suggest(const web *w, const web_req *rq, web_page *pg);
void page_about(const web *w, const web_req *rq, web_page *pg);
void page_sitemap(const web *w, const web_req *rq, web_page *pg);
void page_robots(const web *w, const web_req *rq, web_page *pg);
void page_css(const web *w, const web_req *rq, web_page *pg);
void page_icon(const web *w, const web_req *rq, web_page *pg);
void page_healthz(const web *w, const web_req *rq, web_page *pg);
void page_not_found(const web *w, const web_req *rq, web_page *pg);
/* POST /ports/N/vote and GET/POST /api/v1/ports/N/votes (votes-http.c). */
void web_votes_form(const web *w, const web_req *rq, const struct httpd_request *req,
                    struct httpd_response *resp);
void web_votes_api(const web *w, const web_req *rq, const struct httpd_request *req,
                   struct httpd_response *resp);
/* The site's security headers (serve.c), for answers made outside it. */
void web_security_headers(struct httpd_response *resp);
void api_ports(const web *w, const web_req *rq, web_page *pg);
void api_ranges(const web *w, const web_req *rq, web_page *pg);
void api_services(const web *w, const web_req *rq, web_page *pg);
void api_search(const web *w, const web_req *rq, web_page *pg);
void api_notes(const web *w, const web_req *rq, web_page *pg);
void api_changes(const web *w, const web_req *rq, web_page *pg);
void api_suggest(const web *w, const web_req *rq, web_page *pg);
void api_openapi(const web *w, const web_req *rq, web_page *pg);
void api_index(const web *w, const web_req *rq, web_page *pg);

/* Free ports by the registry, notes and nmap-services alone (never this
 * machine's sockets); protocols are PS_SUGGEST_* bits (0: both), for_name
 * may be NULL; ps_suggest()'s return. */
int web_suggest(const web *w, ps_range_class range, unsigned protocols, const char *for_name,
                ps_suggestion *ret, size_t count);

/* LO and HI of the request's last segment, a {range} the router checked. */
int web_range_bounds(const web_req *rq, unsigned *lo, unsigned *hi);

/* "did you mean": the closest page paths to a wrong one. */
size_t web_did_you_mean(const web *w, const char *path, char out[][WEB_PATH_MAX + 1], size_t max);

/* The site's languages (lang.c, docs/translations.md). English is at the
 * unprefixed URLs, the others under /LL/ ("/de/ports/1712", "/de" for
 * the home page). */
/* The request's language: "en" when it has no prefix. */
const char *web_req_lang(const web_req *rq);
/* The language a path segment names ("de"...), or NULL; never "en". */
const char *web_lang_of_segment(const char *seg, size_t len);
/* The service name of a request from segment first on: "914c/g" spans two. */
const char *web_req_name(const web_req *rq, unsigned first, char *buf, size_t size);
/* Whether a path (without prefix; it may go on with a query, a fragment
 * or a closing quote) has language versions: pages do, the API, /static/,
 * files such as /sitemap.xml and /healthz do not. */
bool web_path_localized(const char *path, size_t len);
/* The path in lang's tree; -1 when buf is too small. */
int web_lang_path(const char *lang, const char *path, char *buf, size_t size);
/* RFC 4647 lookup of an Accept-Language value against the site's
 * languages; English when nothing matches or header is NULL. */
const char *web_lang_negotiate(const char *header);
/* The language's own name ("Deutsch"), and whether it is written right to left. */
const char *web_lang_name(const char *lang);
bool web_lang_rtl(const char *lang);
/* For a rendered page in lang: site-relative links into lang's tree, and
 * on right-to-left pages every left-to-right run of text isolated in
 * <bdi dir="ltr">. Nothing for English. */
void web_lang_localize(html *h, const char *lang);
/* An ISO date ("2025-12-15") as the current language writes it; other
 * text is copied as it is. */
const char *web_date(const char *iso, char *buf, size_t size);

/* What changed between the previous registry bundled with the site and the
 * one it serves: built once, on the first call from any thread (opening and
 * comparing two registries takes a second, which a server's or an export's
 * start should not wait for). The results live as long as w. */
int web_changes(const web *w, const ps_db **ret_previous, const ps_diff **ret_diff);

/* Opens the data the pages need; errbuf gets one line on failure. */
int web_open(web *w, char *errbuf, size_t errlen);
void web_close(web *w);

/* Options both commands take. A number from lo to hi for --name (the one
 * strict parser); prints the error and returns -1 otherwise. */
int web_parse_uint_opt(const char *name, const char *arg, unsigned lo, unsigned hi, unsigned *ret);
/* --base-url: an http(s) URL, kept without trailing '/'; prints the error
 * and returns -1 otherwise. */
int web_set_base_url(web *w, const char *url);

/* The two commands of portscope-web. */
int web_serve_main(int argc, char **argv);
int web_site_main(int argc, char **argv);

#endif
