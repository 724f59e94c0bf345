/* SPDX-License-Identifier: MIT */
/* `portscope-web serve`: the site over HTTP. The glue between the HTTP
 * wrapper and the pages: routing, a cache of rendered pages, conditional
 * requests, gzip, security headers and CORS. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "cache.h"
#include "httpd.h"
#include "i18n.h"
#include "macro.h"
#include "prom-http.h"
#include "util.h"
#include "votes-http.h"
#include "web.h"

/* Picked with `portscope suggest --for portscope-web`: unassigned for tcp
 * and udp in the IANA registry, below every common ephemeral range, not
 * on the browsers' blocked list, no knowledge note, never seen open in
 * nmap's scans. */
#define DEFAULT_LISTEN "127.0.0.1:2194"

#define CACHE_BYTES (128u << 20) /* about 9,000 port pages with their gzip */
#define GZIP_MIN 256

static char *gzip_body(const char *in, size_t len, size_t *ret_len)
{
        z_stream z = { 0 };
        if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                return NULL;
        size_t cap = deflateBound(&z, len);
        char *out = malloc(cap);
        if (!out) {
                deflateEnd(&z);
                return NULL;
        }
        z.next_in = (Bytef *)in;
        z.avail_in = (uInt)len;
        z.next_out = (Bytef *)out;
        z.avail_out = (uInt)cap;
        int r = deflate(&z, Z_FINISH);
        *ret_len = z.total_out;
        deflateEnd(&z);
        if (r != Z_STREAM_END) {
                free(out);
                return NULL;
        }
        return out;
}

static const char *const security_headers[][2] = {
        /* No script at all; styles and images only from this site; forms
         * post only here; no framing. JSON-LD is data, not script. */
        { "Content-Security-Policy",
          "default-src 'none'; style-src 'self'; img-src 'self'; "
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'" },
        { "X-Content-Type-Options", "nosniff" },
        /* same-origin, not no-referrer: other sites learn nothing of where a
         * visitor came from, while this site's own form posts keep their
         * Origin and Referer (under no-referrer a browser sends Origin: null,
         * and one without Sec-Fetch-Site had its vote refused as cross-site). */
        { "Referrer-Policy", "same-origin" },
        { "X-Frame-Options", "DENY" },
        { "Cross-Origin-Opener-Policy", "same-origin" },
};

void web_security_headers(httpd_response *resp)
{
        for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
                httpd_response_header(resp, security_headers[i][0], security_headers[i][1]);
}

/* One answer of an entry, with every header a request for it gets: a
 * request that hits the cache then only picks one. */
static httpd_prepared *prepare(const web *w, const cache_entry *e, unsigned status, char *body,
                               size_t len, web_variant v, bool varies, bool cors, bool no_store,
                               const char *const extra[2])
{
        httpd_prepared *p = httpd_prepared_new(status, body, len, body ? free : NULL, body);
        int r = 0;
        if (!p) {
                free(body);
                return NULL;
        }
        if (status != 304)
                r |= httpd_prepared_header(p, "Content-Type", web_content_type(e->kind));
        for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
                r |= httpd_prepared_header(p, security_headers[i][0], security_headers[i][1]);
        if (cors)
                r |= httpd_prepared_header(p, "Access-Control-Allow-Origin", "*");
        if (varies)
                r |= httpd_prepared_header(p, "Vary", "Accept-Encoding");
        if (v == WEB_GZIP && status != 304)
                r |= httpd_prepared_header(p, "Content-Encoding", "gzip");
        r |= httpd_prepared_header(p, "ETag", e->etag[v]);
        r |= httpd_prepared_header(p, "Last-Modified", w->last_modified_http);
        r |= httpd_prepared_header(p, "Cache-Control",
                                   no_store ? "no-store" : "public, max-age=3600");
        if (extra[0])
                r |= httpd_prepared_header(p, extra[0], extra[1]);
        if (r < 0) {
                httpd_prepared_unref(p);
                return NULL;
        }
        return p;
}

/* The answers for a rendered page; NULL when out of memory. */
static cache_entry *entry_from_page(const web *w, const char *path, web_page *pg, bool cors,
                                    const char *const extra[2])
{
        cache_entry *e = cache_entry_new(path);
        size_t len, gzlen = 0;
        char *body = html_steal(&pg->out, &len), *gz = NULL;
        bool no_store = w->local || pg->no_store;

        if (!e || !body) {
                free(body);
                free(e);
                return NULL;
        }
        e->status = pg->status;
        e->kind = pg->kind;
        uint64_t h = ps_fnv1a64(PS_FNV1A64_INIT, body, len);
        snprintf(e->etag[WEB_PLAIN], sizeof(e->etag[WEB_PLAIN]), "\"%016llx\"",
                 (unsigned long long)h);
        if (len >= GZIP_MIN)
                gz = gzip_body(body, len, &gzlen);
        /* A strong validator names one representation: the compressed one
         * gets its own. */
        snprintf(e->etag[WEB_GZIP], sizeof(e->etag[WEB_GZIP]), "\"%016llx-gz\"",
                 (unsigned long long)h);
        e->bytes = len + gzlen;
        bool ok = (e->ok[WEB_PLAIN] = prepare(w, e, e->status, body, len, WEB_PLAIN, gz, cors,
                                              no_store, extra)) != NULL;
        if (gz)
                ok = ok && (e->ok[WEB_GZIP] = prepare(w, e, e->status, gz, gzlen, WEB_GZIP, true,
                                                      cors, no_store, extra)) != NULL;
        if (ok && e->status == 200)
                for (int v = 0; v < (gz ? 2 : 1); v++)
                        ok = ok && (e->not_modified[v] = prepare(w, e, 304, NULL, 0, v, gz, cors,
                                                                 no_store, extra)) != NULL;
        if (!ok) {
                if (!e->ok[WEB_PLAIN])
                        body = NULL;
                cache_entry_unref(e);
                return NULL;
        }
        return e;
}

/* Whether the client accepts gzip: a "gzip" token without q=0. */
static bool accepts_gzip(const char *ae)
{
        if (!ae)
                return false;
        for (const char *p = ae; *p;) {
                p += strspn(p, " \t,");
                size_t len = strcspn(p, ",");
                if (len >= 4 && !strncasecmp(p, "gzip", 4) &&
                    (len == 4 || p[4] == ';' || p[4] == ' ' || p[4] == '\t')) {
                        const char *q = memchr(p, ';', len);
                        if (!q)
                                return true;
                        const char *qv = strstr(q, "q=");
                        if (!qv || qv >= p + len)
                                return true;
                        return strtod(qv + 2, NULL) > 0;
                }
                p += len;
        }
        return false;
}

static bool etag_matches(const char *inm, const char *etag)
{
        if (!inm)
                return false;
        if (!strcmp(inm, "*"))
                return true;
        size_t elen = strlen(etag);
        for (const char *p = inm; (p = strstr(p, etag)); p += elen) {
                /* A weak comparison (RFC 9110 13.1.2): "W/" does not matter. */
                char after = p[elen];
                if (after == '\0' || after == ',' || after == ' ')
                        return true;
        }
        return false;
}

typedef struct serve_ctx {
        web *w;
} serve_ctx;

/* Whether the client's validators match the entry (RFC 9110 13.1). */
static bool fresh(const web *w, const httpd_request *req, const char *etag)
{
        const char *inm = httpd_request_header(req, "If-None-Match");
        if (inm)
                return etag_matches(inm, etag);
        const char *ims = httpd_request_header(req, "If-Modified-Since");
        if (!ims)
                return false;
        struct tm tm = { 0 };
        const char *end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        return end && !*end && timegm(&tm) >= w->last_modified;
}

/* Sends one of an entry's answers and drops the caller's reference. */
static void send_entry(const web *w, const httpd_request *req, httpd_response *resp, cache_entry *e)
{
        web_variant v =
                e->ok[WEB_GZIP] && accepts_gzip(httpd_request_header(req, "Accept-Encoding"))
                        ? WEB_GZIP
                        : WEB_PLAIN;
        if (e->not_modified[v] && fresh(w, req, e->etag[v]))
                httpd_response_prepared(resp, e->not_modified[v]);
        else
                httpd_response_prepared(resp, e->ok[v]);
        cache_entry_unref(e);
}

/* The neutral root "/": an explicit ?lang= choice, else the reader's
 * Accept-Language (RFC 4647 lookup). English is answered here; another
 * language is a redirect to its home page. Returns true when answered. */
static bool root_redirect(const web *w, web_req *rq, const httpd_request *req, httpd_response *resp,
                          web_page *pg)
{
        const char *chosen = web_param_get(rq, "lang");
        const char *lang;

        if (chosen) {
                if (!ps_i18n_known(chosen)) {
                        web_error(w, rq, pg, 400,
                                  _("The lang parameter names a language this site is not in: "
                                    "en, de, cs, pt, el or ug."));
                        return false;
                }
                lang = chosen;
        } else {
                lang = web_lang_negotiate(httpd_request_header(req, "Accept-Language"));
                httpd_response_header(resp, "Vary", "Accept-Language");
        }
        if (!strcmp(lang, "en"))
                return false;
        char loc[16];
        web_lang_path(lang, "/", loc, sizeof(loc));
        httpd_response_status(resp, 302);
        httpd_response_header(resp, "Location", loc);
        web_security_headers(resp);
        return true;
}

static void on_request(const httpd_request *req, httpd_response *resp, void *userdata)
{
        serve_ctx *ctx = userdata;
        web *w = ctx->w;
        web_req rq;
        web_page pg;
        const web_route *route = NULL;
        const char *detail = NULL;
        unsigned status;
        bool get = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");

        web_page_init(&pg);
        if (req->refuse) {
                memset(&rq, 0, sizeof(rq));
                rq.method = req->method;
                /* Enough of the path to pick a problem document for the API. */
                if (!strncmp(req->target, "/api/", 5))
                        snprintf(rq.path, sizeof(rq.path), "/api/");
                status = req->refuse;
                detail = req->refuse_detail;
        } else
                status = (unsigned)web_route_match(req->method, req->path, req->query, &rq, &route,
                                                   &detail);
        rq.accept = httpd_request_header(req, "Accept");
        bool api = !strncmp(rq.path, "/api/", 5) || !strcmp(rq.path, "/api");
        /* Everything from here on is in the request's language, on this
         * thread only (src/shared/i18n.h). */
        _cleanup_(ps_i18n_leave) ps_i18n_scope scope = { 0 };
        ps_i18n_enter(&scope, web_req_lang(&rq));

        /* A header only this answer has (a redirect's Location, a 405's
         * Allow), for answers that are never cached. */
        const char *extra[2] = { NULL, NULL };
        char loc[WEB_PATH_MAX + WEB_QUERY_MAX + 2];
        /* The neutral root's English answer depends on Accept-Language too
         * (root_redirect() sends the other languages elsewhere). */
        if (!status && route->handler == page_home && !rq.lang)
                extra[0] = "Vary", extra[1] = "Accept-Language";
        if (status == 301) {
                size_t l = strlen(rq.path);
                while (l > 1 && rq.path[l - 1] == '/')
                        l--;
                snprintf(loc, sizeof(loc), "%.*s%s%s", (int)l, req->path, req->query ? "?" : "",
                         req->query ? req->query : "");
                extra[0] = "Location", extra[1] = loc;
                web_error(w, &rq, &pg, 301, NULL);
        } else if (status == 405) {
                extra[0] = "Allow", extra[1] = detail;
                web_error(w, &rq, &pg, 405, NULL);
        } else if (status) {
                web_error(w, &rq, &pg, status, detail);
        } else if (get && route->handler == page_home && !rq.lang &&
                   root_redirect(w, &rq, req, resp, &pg)) {
                web_page_free(&pg);
                return;
        } else if (pg.status != 200) {
                /* root_redirect() refused the request. */
        } else if (route->raw) {
                route->raw(w, &rq, req, resp);
                web_page_free(&pg);
                return;
        } else if (get && !rq.has_query && !w->local) {
                cache_entry *e = web_cache_get(w->cache, rq.path);
                if (!e) {
                        web_render(w, &rq, route, &pg);
                        e = entry_from_page(w, rq.path, &pg, api, extra);
                        if (e && !pg.no_store)
                                web_cache_put(w->cache, e);
                }
                web_page_free(&pg);
                if (!e)
                        httpd_response_status(resp, 500);
                else
                        send_entry(w, req, resp, e);
                return;
        } else {
                rq.body = req->body;
                rq.body_size = req->body_size;
                web_render(w, &rq, route, &pg);
                if (pg.location[0])
                        extra[0] = "Location", extra[1] = pg.location;
        }
        if (pg.status == 303 && pg.location[0] == '\0')
                pg.status = 500;
        cache_entry *e = entry_from_page(w, rq.path, &pg, api, extra);
        web_page_free(&pg);
        if (!e)
                httpd_response_status(resp, 500);
        else
                send_entry(w, req, resp, e);
}

static bool is_loopback(const struct sockaddr *sa)
{
        if (sa->sa_family == AF_INET)
                return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
        if (sa->sa_family == AF_INET6)
                return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
        return false;
}

/* Whether ADDR:PORT names a loopback address (127.0.0.0/8 or [::1]). */
static bool addr_is_loopback(const char *listen_addr)
{
        char host[128];
        const char *colon = strrchr(listen_addr, ':');
        if (!colon || (size_t)(colon - listen_addr) >= sizeof(host))
                return false;
        memcpy(host, listen_addr, (size_t)(colon - listen_addr));
        host[colon - listen_addr] = '\0';
        struct in_addr a4;
        struct in6_addr a6;
        if (inet_pton(AF_INET, host, &a4) == 1)
                return (ntohl(a4.s_addr) >> 24) == 127;
        if (host[0] == '[' && host[strlen(host) - 1] == ']') {
                host[strlen(host) - 1] = '\0';
                return inet_pton(AF_INET6, host + 1, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
        }
        return false;
}

/* --local shows this machine's sockets: only to this machine. */
static bool listen_is_loopback(const char *listen_addr)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        const char *pid = getenv("LISTEN_PID");

        if (pid && atol(pid) == (long)getpid())
                return getsockname(3, (struct sockaddr *)&ss, &len) == 0 &&
                       is_loopback((struct sockaddr *)&ss);
        return addr_is_loopback(listen_addr);
}

/* The metrics listener (--metrics-listen): GET /metrics in Prometheus text
 * or OpenMetrics, as the exporter serves them; nothing else. */
static void on_metrics(const httpd_request *req, httpd_response *resp, void *userdata)
{
        const web *w = userdata;
        struct prom_writer pw;
        bool head = !strcmp(req->method, "HEAD");
        if (req->refuse || strcmp(req->path, "/metrics")) {
                httpd_response_status(resp, req->refuse ? req->refuse : 404);
                return;
        }
        if (!head && strcmp(req->method, "GET")) {
                httpd_response_status(resp, 405);
                httpd_response_header(resp, "Allow", "GET, HEAD");
                return;
        }
        prom_format fmt = prom_negotiate(httpd_request_header(req, "Accept"));
        prom_writer_init(&pw, fmt, 1 << 20);
        web_votes_metrics(w, &pw);
        if (prom_finish(&pw) < 0) {
                prom_writer_free(&pw);
                httpd_response_status(resp, 500);
                return;
        }
        size_t len = pw.out.len;
        char *body = ps_dynbuf_steal(&pw.out);
        prom_writer_free(&pw);
        prom_respond(resp, fmt, body, len);
}

static void serve_usage(FILE *f)
{
        fprintf(f, "%s",
                _("Usage: portscope-web serve [--base-url URL] [--listen ADDR:PORT] [--local]\n"
                  "                           [--max-connections N] [--metrics-listen ADDR:PORT]\n"
                  "                           [--no-access-log] [--no-votes]\n"
                  "                           [--request-timeout SECONDS] [--threads N]\n"
                  "                           [--trusted-proxy ADDR]... [--vote-rate N]\n"
                  "                           [--votes FILE|URL]\n"));
}

int web_serve_main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "base-url", required_argument, NULL, 'b' },
                { "help", no_argument, NULL, 'h' },
                { "listen", required_argument, NULL, 'l' },
                { "local", no_argument, NULL, 'L' },
                { "max-connections", required_argument, NULL, 'm' },
                { "metrics-listen", required_argument, NULL, 'M' },
                { "no-access-log", no_argument, NULL, 'n' },
                { "no-votes", no_argument, NULL, 'N' },
                { "request-timeout", required_argument, NULL, 't' },
                { "threads", required_argument, NULL, 'T' },
                { "trusted-proxy", required_argument, NULL, 'P' },
                { "vote-rate", required_argument, NULL, 'R' },
                { "votes", required_argument, NULL, 'v' },
                {},
        };
        const char *listen_addr = DEFAULT_LISTEN, *metrics_addr = NULL;
        web w = { 0 };
        unsigned threads = 0, max_conn = 0, timeout = 10;
        bool local = false, log = true, no_votes = false;
        const char *votes_at = NULL, *proxies[WEB_VOTES_PROXIES_MAX + 1];
        size_t n_proxies = 0;
        unsigned vote_rate = 0;
        int c;

        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
                switch (c) {
                case 'b':
                        if (web_set_base_url(&w, optarg) < 0)
                                return 2;
                        break;
                case 'h':
                        serve_usage(stdout);
                        return 0;
                case 'l':
                        listen_addr = optarg;
                        break;
                case 'L':
                        local = true;
                        break;
                case 'm':
                        if (web_parse_uint_opt("max-connections", optarg, 16, 100000, &max_conn) <
                            0)
                                return 2;
                        break;
                case 'M':
                        metrics_addr = optarg;
                        break;
                case 'n':
                        log = false;
                        break;
                case 'N':
                        no_votes = true;
                        break;
                case 'P':
                        if (n_proxies > WEB_VOTES_PROXIES_MAX) {
                                fprintf(stderr, _("portscope-web: --trusted-proxy: at most %d\n"),
                                        WEB_VOTES_PROXIES_MAX);
                                return 2;
                        }
                        proxies[n_proxies++] = optarg;
                        break;
                case 'R':
                        if (web_parse_uint_opt("vote-rate", optarg, 1, 100000, &vote_rate) < 0)
                                return 2;
                        break;
                case 'v':
                        if (!*optarg) {
                                fprintf(stderr, _("portscope-web: --votes: expected a file or a "
                                                  "postgresql:// URL\n"));
                                return 2;
                        }
                        votes_at = optarg;
                        break;
                case 't':
                        if (web_parse_uint_opt("request-timeout", optarg, 1, 600, &timeout) < 0)
                                return 2;
                        break;
                case 'T':
                        if (web_parse_uint_opt("threads", optarg, 1, 256, &threads) < 0)
                                return 2;
                        break;
                default:
                        serve_usage(stderr);
                        return 2;
                }
        }
        if (optind != argc) {
                serve_usage(stderr);
                return 2;
        }
        if (local && !listen_is_loopback(listen_addr)) {
                fprintf(stderr, _("portscope-web: --local shows this machine's sockets and "
                                  "processes, so it needs a loopback listen address "
                                  "(127.0.0.1:PORT or [::1]:PORT)\n"));
                return 2;
        }
        if (metrics_addr && !addr_is_loopback(metrics_addr)) {
                fprintf(stderr, _("portscope-web: --metrics-listen: the metrics are for this "
                                  "machine's Prometheus, so they need a loopback address "
                                  "(127.0.0.1:PORT or [::1]:PORT)\n"));
                return 2;
        }
        w.local = local;
        char err[512];
        w.cache = web_cache_new(CACHE_BYTES);
        if (!w.cache) {
                fprintf(stderr, _("portscope-web: out of memory\n"));
                return 3;
        }
        if (web_open(&w, err, sizeof(err)) < 0) {
                fprintf(stderr, "portscope-web: %s\n", err);
                web_cache_free(w.cache);
                return 3;
        }
        /* Before any thread starts: each request picks its own language. */
        ps_i18n_threads_init(false);
        if (!no_votes &&
            web_votes_open(&w, votes_at, proxies, n_proxies, vote_rate, err, sizeof(err)) < 0) {
                fprintf(stderr, "portscope-web: votes: %s\n", err);
                web_close(&w);
                web_cache_free(w.cache);
                return 3;
        }

        serve_ctx ctx = { .w = &w };
        httpd_config cfg = {
                .listen = listen_addr,
                .handler = on_request,
                .userdata = &ctx,
                .threads = threads,
                .max_connections = max_conn,
                .request_deadline_ms = timeout * 1000,
                .max_header_bytes = WEB_HEADER_BYTES_MAX,
                .max_body = WEB_BODY_MAX,
                .access_log_fd = log ? STDOUT_FILENO : -1,
        };
        httpd *server;
        int r = httpd_start(&cfg, &server, err, sizeof(err));
        if (r < 0) {
                fprintf(stderr, "portscope-web: %s\n", err);
                web_votes_close(w.vote);
                web_close(&w);
                web_cache_free(w.cache);
                return 3;
        }
        /* After the site's server, which takes a socket systemd passed. */
        httpd *metrics = NULL;
        if (metrics_addr) {
                httpd_config mcfg = {
                        .listen = metrics_addr,
                        .handler = on_metrics,
                        .userdata = &w,
                        .threads = 2,
                        .max_connections = 16,
                        .access_log_fd = -1,
                };
                if (httpd_start(&mcfg, &metrics, err, sizeof(err)) < 0) {
                        fprintf(stderr, "portscope-web: --metrics-listen: %s\n", err);
                        httpd_free(server);
                        web_votes_close(w.vote);
                        web_close(&w);
                        web_cache_free(w.cache);
                        return 3;
                }
                fprintf(stderr, _("portscope-web: metrics at http://%.*s:%u/metrics\n"),
                        (int)(strrchr(metrics_addr, ':') - metrics_addr), metrics_addr,
                        httpd_port(metrics));
        }
        /* The address as bound (port 0 picks a free one): canonical links
         * use it unless --base-url names the public one. */
        char bound[200];
        const char *colon = strrchr(listen_addr, ':');
        snprintf(bound, sizeof(bound), "%.*s:%u",
                 colon && !httpd_socket_activated(server) ? (int)(colon - listen_addr) : 9,
                 colon && !httpd_socket_activated(server) ? listen_addr : "localhost",
                 httpd_port(server));
        if (!w.base_url[0])
                snprintf(w.base_url, sizeof(w.base_url), "http://%s", bound);
        /* NOTRANSLATE: scripts, bench/ and the tests wait for this line and read
           the port from it, whatever the server's language. */
        fprintf(stderr, "portscope-web: serving http://%s%s; languages: %s\n", bound,
                local ? " with this machine's sockets (--local)" : "", ps_i18n_threads_mode());
        httpd_run(server);
        httpd_free(metrics);
        /* After the server: every deferred vote has been answered. */
        web_votes_close(w.vote);
        web_cache_free(w.cache);
        web_close(&w);
        return 0;
}
