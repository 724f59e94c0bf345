/* SPDX-License-Identifier: MIT */
/* `portscope-web serve`: the site over HTTP. The glue between the HTTP
 * wrapper and the pages: routing, a cache of rendered pages, conditional
 * requests, gzip, security headers and CORS. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "httpd.h"
#include "i18n.h"
#include "macro.h"
#include "votes-http.h"
#include "web.h"

/* Picked with `portscope suggest --for portscope-web`: unassigned for tcp
 * and udp in the IANA registry, below every common ephemeral range, not
 * on the browsers' blocked list, no knowledge note, never seen open in
 * nmap's scans. */
#define DEFAULT_LISTEN "127.0.0.1:2194"

#define CACHE_SLOTS 4096
#define GZIP_MIN 256

/* One rendered answer, shared by every request for the same path until it
 * is replaced; the body goes to libmicrohttpd by reference. */
typedef struct cache_entry {
        atomic_int refs;
        char path[WEB_PATH_MAX + 1];
        unsigned status;
        web_kind kind;
        char *body, *gz;
        size_t len, gzlen;
        char etag[24], gzetag[28];
} cache_entry;

typedef struct web_cache {
        pthread_mutex_t lock;
        cache_entry *slots[CACHE_SLOTS];
} web_cache;

static void entry_unref(void *p)
{
        cache_entry *e = p;
        if (e && atomic_fetch_sub(&e->refs, 1) == 1) {
                free(e->body);
                free(e->gz);
                free(e);
        }
}

static uint64_t fnv1a(const void *data, size_t len, uint64_t h)
{
        const unsigned char *p = data;
        for (size_t i = 0; i < len; i++) {
                h ^= p[i];
                h *= 0x100000001b3ull;
        }
        return h;
}

static size_t slot_of(const char *path)
{
        return (size_t)(fnv1a(path, strlen(path), 0xcbf29ce484222325ull) % CACHE_SLOTS);
}

static cache_entry *cache_get(web_cache *c, const char *path)
{
        cache_entry *e;
        pthread_mutex_lock(&c->lock);
        e = c->slots[slot_of(path)];
        if (e && !strcmp(e->path, path))
                atomic_fetch_add(&e->refs, 1);
        else
                e = NULL;
        pthread_mutex_unlock(&c->lock);
        return e;
}

static void cache_put(web_cache *c, cache_entry *e)
{
        cache_entry *old;
        atomic_fetch_add(&e->refs, 1);
        pthread_mutex_lock(&c->lock);
        size_t s = slot_of(e->path);
        old = c->slots[s];
        c->slots[s] = e;
        pthread_mutex_unlock(&c->lock);
        entry_unref(old);
}

static bool compressible(web_kind kind)
{
        return kind != WEB_SVG || true;
}

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

static cache_entry *entry_from_page(const char *path, web_page *pg)
{
        cache_entry *e = calloc(1, sizeof(*e));
        if (!e)
                return NULL;
        atomic_init(&e->refs, 1);
        snprintf(e->path, sizeof(e->path), "%s", path);
        e->status = pg->status;
        e->kind = pg->kind;
        e->body = html_steal(&pg->out, &e->len);
        uint64_t h = fnv1a(e->body, e->len, 0xcbf29ce484222325ull);
        snprintf(e->etag, sizeof(e->etag), "\"%016llx\"", (unsigned long long)h);
        if (compressible(e->kind) && e->len >= GZIP_MIN) {
                e->gz = gzip_body(e->body, e->len, &e->gzlen);
                /* A strong validator names one representation: the
                 * compressed one gets its own. */
                snprintf(e->gzetag, sizeof(e->gzetag), "\"%016llx-gz\"", (unsigned long long)h);
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

void web_security_headers(httpd_response *resp)
{
        /* No script at all; styles and images only from this site; forms
         * post only here; no framing. JSON-LD is data, not script. */
        httpd_response_header(resp, "Content-Security-Policy",
                              "default-src 'none'; style-src 'self'; img-src 'self'; "
                              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        httpd_response_header(resp, "X-Content-Type-Options", "nosniff");
        httpd_response_header(resp, "Referrer-Policy", "no-referrer");
        httpd_response_header(resp, "X-Frame-Options", "DENY");
        httpd_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
}

typedef struct serve_ctx {
        web *w;
} serve_ctx;

/* Sends a rendered entry (shared) with its validators and encoding. */
static void send_entry(const web *w, const httpd_request *req, httpd_response *resp, cache_entry *e,
                       bool api)
{
        bool gz = e->gz && accepts_gzip(httpd_request_header(req, "Accept-Encoding"));
        const char *etag = gz ? e->gzetag : e->etag;

        httpd_response_header(resp, "Content-Type", web_content_type(e->kind));
        web_security_headers(resp);
        if (api)
                httpd_response_header(resp, "Access-Control-Allow-Origin", "*");
        if (e->gz)
                httpd_response_header(resp, "Vary", "Accept-Encoding");
        httpd_response_header(resp, "ETag", etag);
        httpd_response_header(resp, "Last-Modified", w->last_modified_http);
        httpd_response_header(resp, "Cache-Control",
                              w->local ? "no-store" : "public, max-age=3600");

        const char *inm = httpd_request_header(req, "If-None-Match");
        const char *ims = httpd_request_header(req, "If-Modified-Since");
        bool fresh = false;
        if (e->status == 200) {
                if (inm)
                        fresh = etag_matches(inm, etag);
                else if (ims) {
                        struct tm tm = { 0 };
                        const char *end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm);
                        fresh = end && !*end && timegm(&tm) >= w->last_modified;
                }
        }
        if (fresh) {
                httpd_response_status(resp, 304);
                entry_unref(e);
                return;
        }
        httpd_response_status(resp, e->status);
        if (gz) {
                httpd_response_header(resp, "Content-Encoding", "gzip");
                httpd_response_body_shared(resp, e->gz, e->gzlen, entry_unref, e);
        } else
                httpd_response_body_shared(resp, e->body, e->len, entry_unref, e);
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

        if (status == 301) {
                char loc[WEB_PATH_MAX + WEB_QUERY_MAX + 2];
                size_t l = strlen(rq.path);
                while (l > 1 && rq.path[l - 1] == '/')
                        l--;
                snprintf(loc, sizeof(loc), "%.*s%s%s", (int)l, req->path, req->query ? "?" : "",
                         req->query ? req->query : "");
                httpd_response_header(resp, "Location", loc);
                web_error(w, &rq, &pg, 301, NULL);
        } else if (status == 405) {
                httpd_response_header(resp, "Allow", detail);
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
                cache_entry *e = cache_get(w->cache, rq.path);
                if (!e) {
                        web_render(w, &rq, route, &pg);
                        e = entry_from_page(rq.path, &pg);
                        if (!e) {
                                httpd_response_status(resp, 500);
                                web_page_free(&pg);
                                return;
                        }
                        if (!pg.no_store)
                                cache_put(w->cache, e);
                }
                send_entry(w, req, resp, e, api);
                web_page_free(&pg);
                return;
        } else {
                rq.body = req->body;
                rq.body_size = req->body_size;
                web_render(w, &rq, route, &pg);
                if (pg.location[0])
                        httpd_response_header(resp, "Location", pg.location);
        }
        if (pg.status == 303 && pg.location[0] == '\0')
                pg.status = 500;
        cache_entry *e = entry_from_page(rq.path, &pg);
        web_page_free(&pg);
        if (!e) {
                httpd_response_status(resp, 500);
                return;
        }
        send_entry(w, req, resp, e, api);
        httpd_response_header(resp, "Cache-Control", "no-store");
}

static bool is_loopback(const struct sockaddr *sa)
{
        if (sa->sa_family == AF_INET)
                return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
        if (sa->sa_family == AF_INET6)
                return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
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

static int parse_uint_opt(const char *name, const char *arg, unsigned lo, unsigned hi,
                          unsigned *ret)
{
        char *end;
        errno = 0;
        unsigned long v = strtoul(arg, &end, 10);
        if (errno || end == arg || *end || arg[0] == '-' || arg[0] == '+' || v < lo || v > hi) {
                fprintf(stderr, "portscope-web: --%s: expected a number from %u to %u, got '%s'\n",
                        name, lo, hi, arg);
                return -1;
        }
        *ret = (unsigned)v;
        return 0;
}

static void serve_usage(FILE *f)
{
        fprintf(f, "%s",
                _("Usage: portscope serve [--base-url URL] [--listen ADDR:PORT] [--local]\n"
                  "                       [--max-connections N] [--no-access-log]\n"
                  "                       [--no-votes] [--request-timeout SECONDS]\n"
                  "                       [--threads N] [--trusted-proxy ADDR]...\n"
                  "                       [--vote-rate N] [--votes FILE|URL]\n"));
}

int web_serve_main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "base-url", required_argument, NULL, 'b' },
                { "help", no_argument, NULL, 'h' },
                { "listen", required_argument, NULL, 'l' },
                { "local", no_argument, NULL, 'L' },
                { "max-connections", required_argument, NULL, 'm' },
                { "no-access-log", no_argument, NULL, 'n' },
                { "no-votes", no_argument, NULL, 'N' },
                { "request-timeout", required_argument, NULL, 't' },
                { "threads", required_argument, NULL, 'T' },
                { "trusted-proxy", required_argument, NULL, 'P' },
                { "vote-rate", required_argument, NULL, 'R' },
                { "votes", required_argument, NULL, 'v' },
                {},
        };
        const char *listen_addr = DEFAULT_LISTEN, *base_url = NULL;
        unsigned threads = 0, max_conn = 0, timeout = 10;
        bool local = false, log = true, no_votes = false;
        const char *votes_at = NULL, *proxies[WEB_VOTES_PROXIES_MAX + 1];
        size_t n_proxies = 0;
        unsigned vote_rate = 0;
        int c;

        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
                switch (c) {
                case 'b':
                        base_url = optarg;
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
                        if (parse_uint_opt("max-connections", optarg, 16, 100000, &max_conn) < 0)
                                return 2;
                        break;
                case 'n':
                        log = false;
                        break;
                case 'N':
                        no_votes = true;
                        break;
                case 'P':
                        if (n_proxies > WEB_VOTES_PROXIES_MAX) {
                                fprintf(stderr, "portscope-web: --trusted-proxy: at most %d\n",
                                        WEB_VOTES_PROXIES_MAX);
                                return 2;
                        }
                        proxies[n_proxies++] = optarg;
                        break;
                case 'R':
                        if (parse_uint_opt("vote-rate", optarg, 1, 100000, &vote_rate) < 0)
                                return 2;
                        break;
                case 'v':
                        if (!*optarg) {
                                fprintf(stderr, "portscope-web: --votes: expected a file or a "
                                                "postgresql:// URL\n");
                                return 2;
                        }
                        votes_at = optarg;
                        break;
                case 't':
                        if (parse_uint_opt("request-timeout", optarg, 1, 600, &timeout) < 0)
                                return 2;
                        break;
                case 'T':
                        if (parse_uint_opt("threads", optarg, 1, 256, &threads) < 0)
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
                fprintf(stderr, "portscope-web: --local shows this machine's sockets and "
                                "processes, so it needs a loopback listen address "
                                "(127.0.0.1:PORT or [::1]:PORT)\n");
                return 2;
        }
        if (base_url &&
            !(strncmp(base_url, "http://", 7) == 0 || strncmp(base_url, "https://", 8) == 0)) {
                fprintf(stderr,
                        "portscope-web: --base-url: expected an http:// or https:// "
                        "URL, got '%s'\n",
                        base_url);
                return 2;
        }

        web w = { .local = local };
        web_cache cache = { 0 };
        char err[512];
        pthread_mutex_init(&cache.lock, NULL);
        w.cache = &cache;
        if (web_open(&w, err, sizeof(err)) < 0) {
                fprintf(stderr, "portscope-web: %s\n", err);
                return 3;
        }
        /* Before any thread starts: each request picks its own language. */
        ps_i18n_threads_init(false);
        if (!no_votes &&
            web_votes_open(&w, votes_at, proxies, n_proxies, vote_rate, err, sizeof(err)) < 0) {
                fprintf(stderr, "portscope-web: votes: %s\n", err);
                web_close(&w);
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
                .max_body = WEB_BODY_MAX,
                .access_log_fd = log ? STDOUT_FILENO : -1,
        };
        httpd *server;
        int r = httpd_start(&cfg, &server, err, sizeof(err));
        if (r < 0) {
                fprintf(stderr, "portscope-web: %s\n", err);
                web_votes_close(w.vote);
                web_close(&w);
                return 3;
        }
        /* The address as bound (port 0 picks a free one): canonical links
         * use it unless --base-url names the public one. */
        char bound[200];
        const char *colon = strrchr(listen_addr, ':');
        snprintf(bound, sizeof(bound), "%.*s:%u",
                 colon && !httpd_socket_activated(server) ? (int)(colon - listen_addr) : 9,
                 colon && !httpd_socket_activated(server) ? listen_addr : "localhost",
                 httpd_port(server));
        if (base_url)
                snprintf(w.base_url, sizeof(w.base_url), "%s", base_url);
        else
                snprintf(w.base_url, sizeof(w.base_url), "http://%s", bound);
        size_t bl = strlen(w.base_url);
        while (bl && w.base_url[bl - 1] == '/')
                w.base_url[--bl] = '\0';
        fprintf(stderr, "portscope-web: serving http://%s%s; languages: %s\n", bound,
                local ? " with this machine's sockets (--local)" : "", ps_i18n_threads_mode());
        httpd_run(server);
        /* After the server: every deferred vote has been answered. */
        web_votes_close(w.vote);
        for (size_t i = 0; i < CACHE_SLOTS; i++)
                entry_unref(cache.slots[i]);
        web_close(&w);
        return 0;
}
