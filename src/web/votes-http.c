/* SPDX-License-Identifier: MIT */
/* The vote routes of `portscope-web serve`: the page's form (POST
 * /ports/N/vote, 303 back to the page), the API (POST and GET
 * /api/v1/ports/N/votes). A vote's answer is deferred until the store has
 * it on disk, so a worker thread never waits for a flush and concurrent
 * votes share one (docs/votes.md). Abuse: a same-origin check for the
 * form, a rate limit per client, the client taken from X-Forwarded-For only
 * when the peer is a configured proxy. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "httpd.h"
#include "i18n.h"
#include "macro.h"
#include "prom-text.h"
#include "util.h"
#include "votes-http.h"
#include "votes-json.h"
#include "votes-store.h"

#define RATE_SLOTS 4096
#define REOPEN_SECONDS 5
#define EXPIRE_SECONDS 3600
#define DEFAULT_LANG "en"

struct address {
        int family;
        unsigned char bytes[16];
};

struct bucket {
        uint64_t key;
        double tokens;
        uint64_t last_ms;
};

/* What became of a vote, as the site's metrics count it. */
enum vote_result {
        RESULT_STORED,       /* a new ballot, on disk */
        RESULT_REPLACED,     /* the visitor's ballot of the day, changed */
        RESULT_INVALID,      /* 400, 415: not a vote */
        RESULT_CROSS_SITE,   /* 403: the form from another site */
        RESULT_RATE_LIMITED, /* 429 */
        RESULT_UNAVAILABLE,  /* 503: the store could not be opened */
        RESULT_FAILED,       /* 503, 500: the store refused the write */
        _RESULT_MAX,
};

static const char *const result_names[_RESULT_MAX] = {
        "stored", "replaced", "invalid", "cross_site", "rate_limited", "unavailable", "failed",
};

/* The store's faults, by the codes votes_strerror() explains. */
static const struct {
        int code;
        const char *name;
} store_errors[] = {
        { -ENOSPC, "disk_full" },
        { -EROFS, "read_only" },
        { -EACCES, "permission" },
        { -EBADMSG, "corrupted" },
        { -ENOTCONN, "unreachable" },
        { -EBUSY, "busy" },
        { -EPROTONOSUPPORT, "newer_schema" },
        { 0, "other" },
};
#define STORE_ERRORS PS_ELEMENTSOF(store_errors)

struct web_votes {
        pthread_mutex_t lock; /* store, last_try, logged, the expiry thread */
        votes_store *store;
        char *location;
        char shown[512]; /* the location without a password */
        time_t last_try;
        int logged; /* the fault last logged, 0 when none */
        pthread_cond_t wake;
        pthread_t expirer;
        bool expirer_running, stopping;

        struct address proxies[WEB_VOTES_PROXIES_MAX];
        unsigned n_proxies;

        pthread_mutex_t rate_lock;
        unsigned per_minute;
        struct bucket buckets[RATE_SLOTS];

        /* The metrics (--metrics-listen): counted without a lock. */
        _Atomic uint64_t results[_RESULT_MAX];
        _Atomic uint64_t stored_values[VOTE_VALUE_COUNT];
        _Atomic uint64_t errors[STORE_ERRORS];
};

static void count_result(web_votes *v, enum vote_result r)
{
        atomic_fetch_add_explicit(&v->results[r], 1, memory_order_relaxed);
}

static void count_stored(web_votes *v, vote_value value, bool replaced)
{
        count_result(v, replaced ? RESULT_REPLACED : RESULT_STORED);
        atomic_fetch_add_explicit(&v->stored_values[value], 1, memory_order_relaxed);
}

static void count_error(web_votes *v, int code)
{
        size_t i = 0;
        while (i < STORE_ERRORS - 1 && store_errors[i].code != code)
                i++;
        atomic_fetch_add_explicit(&v->errors[i], 1, memory_order_relaxed);
}

/* One line per fault, not per failed vote: a full disk under load would
 * otherwise flood the journal. The line after recovery says so. */
static void log_fault(web_votes *v, int r, const char *detail)
{
        if (r < 0)
                count_error(v, r);
        /* In the server's language, not the request's that met the fault. */
        _cleanup_(ps_i18n_leave) ps_i18n_scope scope = { 0 };
        ps_i18n_enter(&scope, ps_i18n_process_language());
        pthread_mutex_lock(&v->lock);
        if (r < 0 && r != v->logged)
                fprintf(stderr, "portscope-web: votes: %s: %s%s%s%s\n", v->shown,
                        _(votes_strerror(r)), *detail ? " (" : "", detail, *detail ? ")" : "");
        else if (r >= 0 && v->logged)
                fprintf(stderr, "portscope-web: votes: %s: %s\n", v->shown,
                        _("votes are stored again"));
        v->logged = r < 0 ? r : 0;
        pthread_mutex_unlock(&v->lock);
}

static void *expirer_main(void *arg)
{
        web_votes *v = arg;
        pthread_mutex_lock(&v->lock);
        while (!v->stopping) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_sec += EXPIRE_SECONDS;
                if (pthread_cond_timedwait(&v->wake, &v->lock, &ts) == 0 || v->stopping)
                        continue;
                votes_store *s = v->store;
                pthread_mutex_unlock(&v->lock);
                if (s)
                        (void)votes_expire(s, time(NULL));
                pthread_mutex_lock(&v->lock);
        }
        pthread_mutex_unlock(&v->lock);
        return NULL;
}

/* Opens the store: at start, and again (at most every few seconds) while it
 * could not be opened, so a server whose PostgreSQL is down serves pages
 * and picks the store up once it is back. Called with v->lock held. */
static int try_open(web_votes *v, char *err, size_t err_size)
{
        int r = votes_open(v->location, VOTES_OPEN_CREATE, err, err_size, &v->store);
        v->last_try = time(NULL);
        if (r >= 0)
                (void)votes_expire(v->store, time(NULL));
        return r;
}

static votes_store *store_get(web_votes *v)
{
        char err[256] = "";
        int r = 0;
        pthread_mutex_lock(&v->lock);
        if (!v->store && time(NULL) - v->last_try >= REOPEN_SECONDS)
                r = try_open(v, err, sizeof(err));
        votes_store *s = v->store;
        pthread_mutex_unlock(&v->lock);
        if (r < 0)
                log_fault(v, r, err);
        return s;
}

static int parse_address(const char *s, struct address *ret)
{
        char buf[INET6_ADDRSTRLEN + 1];
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                n--;
        while (n && (*s == ' ' || *s == '\t'))
                s++, n--;
        /* "[::1]" as some proxies write it. */
        if (n > 2 && s[0] == '[' && s[n - 1] == ']')
                s++, n -= 2;
        if (n == 0 || n >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = '\0';
        memset(ret, 0, sizeof(*ret));
        if (inet_pton(AF_INET, buf, ret->bytes) == 1) {
                ret->family = AF_INET;
                return 0;
        }
        if (inet_pton(AF_INET6, buf, ret->bytes) == 1) {
                /* An IPv4 client on a dual-stack socket is an IPv4 client. */
                static const unsigned char mapped[12] = {
                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
                };
                if (!memcmp(ret->bytes, mapped, 12)) {
                        memmove(ret->bytes, ret->bytes + 12, 4);
                        memset(ret->bytes + 4, 0, 12);
                        ret->family = AF_INET;
                } else
                        ret->family = AF_INET6;
                return 0;
        }
        return -EINVAL;
}

static bool is_proxy(const web_votes *v, const struct address *a)
{
        for (unsigned i = 0; i < v->n_proxies; i++)
                if (v->proxies[i].family == a->family &&
                    !memcmp(v->proxies[i].bytes, a->bytes, a->family == AF_INET ? 4 : 16))
                        return true;
        return false;
}

/* Who votes: the peer, or when the peer is a trusted proxy the last address
 * in X-Forwarded-For that is not a trusted proxy. IPv6 clients count by
 * their /64, as one host usually has a whole /64 to pick addresses from. */
static int client_of(const web_votes *v, const httpd_request *req, struct address *ret)
{
        if (parse_address(req->remote, ret) < 0)
                return -EINVAL;
        const char *xff = is_proxy(v, ret) ? httpd_request_header(req, "X-Forwarded-For") : NULL;
        char hops[1024];
        /* An overlong header is not read: the proxy itself is the client. */
        if (xff && strlen(xff) < sizeof(hops)) {
                strcpy(hops, xff);
                for (;;) {
                        char *comma = strrchr(hops, ',');
                        struct address a;
                        if (parse_address(comma ? comma + 1 : hops, &a) < 0)
                                break; /* garbage: keep the last good hop */
                        *ret = a;
                        if (!is_proxy(v, &a) || !comma)
                                break;
                        *comma = '\0';
                }
        }
        if (ret->family == AF_INET6)
                memset(ret->bytes + 8, 0, 8);
        return 0;
}

static uint64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A token bucket per client (slots by hash: clients that collide share
 * one); per_minute tokens a minute, as many at once. Returns 0, or the
 * seconds to wait. */
static unsigned rate_take(web_votes *v, const struct address *a)
{
        uint64_t key = 0xcbf29ce484222325ull;
        for (size_t i = 0; i < sizeof(a->bytes); i++)
                key = (key ^ a->bytes[i]) * 0x100000001b3ull;
        key ^= (uint64_t)a->family;
        uint64_t now = now_ms();
        unsigned wait = 0;

        pthread_mutex_lock(&v->rate_lock);
        struct bucket *b = &v->buckets[key % RATE_SLOTS];
        if (b->key != key || !b->last_ms) {
                b->key = key;
                b->tokens = v->per_minute;
                b->last_ms = now;
        }
        b->tokens += (double)(now - b->last_ms) * v->per_minute / 60000.0;
        if (b->tokens > v->per_minute)
                b->tokens = v->per_minute;
        b->last_ms = now;
        if (b->tokens >= 1)
                b->tokens -= 1;
        else
                wait = (unsigned)((1 - b->tokens) * 60.0 / v->per_minute) + 1;
        pthread_mutex_unlock(&v->rate_lock);
        return wait;
}

/* Whether the form was posted from this site. Sec-Fetch-Site (every current
 * browser) is authoritative; else Origin, then Referer, must name this
 * host. A post with none of them is refused: forms of this site are posted
 * by browsers, which send them. */
static bool same_origin(const httpd_request *req)
{
        const char *site = httpd_request_header(req, "Sec-Fetch-Site");
        if (site)
                return !strcmp(site, "same-origin");
        const char *host = httpd_request_header(req, "Host");
        const char *from = httpd_request_header(req, "Origin");
        if (!from || !strcmp(from, "null"))
                from = httpd_request_header(req, "Referer");
        if (!host || !*host || !from)
                return false;
        const char *p = strstr(from, "://");
        if (!p || (strncmp(from, "http://", 7) && strncmp(from, "https://", 8)))
                return false;
        p += 3;
        size_t hl = strlen(host);
        return !strncasecmp(p, host, hl) && (p[hl] == '\0' || p[hl] == '/');
}

static void security_headers(httpd_response *resp)
{
        web_security_headers(resp);
        httpd_response_header(resp, "Cache-Control", "no-store");
}

/* Sends a rendered page (an error page or problem document) as the answer. */
static void send_page(httpd_response *resp, web_page *pg)
{
        size_t len = 0;
        char *body = html_steal(&pg->out, &len);
        httpd_response_status(resp, pg->status);
        httpd_response_header(resp, "Content-Type", web_content_type(pg->kind));
        security_headers(resp);
        if (body)
                httpd_response_body_take(resp, body, len);
        web_page_free(pg);
}

static void send_error(const web *w, const web_req *rq, httpd_response *resp, unsigned status,
                       const char *detail)
{
        web_page pg;
        web_page_init(&pg);
        web_error(w, rq, &pg, status, detail);
        send_page(resp, &pg);
}

static void send_json(httpd_response *resp, unsigned status, json_t *doc)
{
        char *s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        json_decref(doc);
        if (!s) {
                httpd_response_status(resp, 500);
                return;
        }
        size_t len = strlen(s);
        s[len] = '\n'; /* json_dumps leaves room: its NUL becomes the newline */
        httpd_response_status(resp, status);
        httpd_response_header(resp, "Content-Type", "application/json");
        security_headers(resp);
        httpd_response_body_take(resp, s, len + 1);
}

/* A vote on its way to the disk. */
struct pending {
        const web *w;
        web_votes *v;
        votes_store *s;
        httpd_deferred *d;
        bool api;
        unsigned port;
        vote_value value;
        char lang[VOTES_LANG_MAX + 1];
        char path[WEB_PATH_MAX + 1];
};

static void cast_done(void *userdata, int result, bool replaced)
{
        struct pending *p = userdata;
        httpd_response *resp = httpd_deferred_response(p->d);
        char page[32];
        /* The answer may be written on the store's thread: in the vote's
         * language, on that thread only. */
        _cleanup_(ps_i18n_leave) ps_i18n_scope scope = { 0 };
        ps_i18n_enter(&scope, p->lang);

        snprintf(page, sizeof(page), "/ports/%u", p->port);
        if (result < 0) {
                char detail[256] = "";
                votes_last_error(p->s, detail, sizeof(detail));
                log_fault(p->v, result, detail);
                count_result(p->v, RESULT_FAILED);
                web_req rq = { .method = "POST" };
                snprintf(rq.path, sizeof(rq.path), "%s", p->path);
                char msg[256];
                snprintf(msg, sizeof(msg),
                         _("Your vote could not be stored: %s. Nothing was "
                           "recorded; please try again later."),
                         _(votes_strerror(result)));
                send_error(p->w, &rq, resp, 503, msg);
                httpd_response_header(resp, "Retry-After", "60");
        } else if (p->api) {
                count_stored(p->v, p->value, replaced);
                log_fault(p->v, 0, "");
                httpd_response_header(resp, "Location", p->path);
                send_json(resp, 201,
                          json_pack("{s:i, s:s, s:s, s:s, s:s, s:b}", "schema_version", 1, "kind",
                                    "vote", "page", page, "lang", p->lang, "vote",
                                    vote_value_name(p->value), "replaced", replaced));
        } else {
                char loc[64], back[32];
                count_stored(p->v, p->value, replaced);
                log_fault(p->v, 0, "");
                /* Back to the page in its language, which thanks the visitor
                 * (?voted=). */
                web_lang_path(ps_i18n_known(p->lang) ? p->lang : "en", page, back, sizeof(back));
                snprintf(loc, sizeof(loc), "%s?voted=%s#vote", back, vote_value_name(p->value));
                httpd_response_status(resp, 303);
                httpd_response_header(resp, "Location", loc);
                security_headers(resp);
        }
        httpd_deferred_finish(p->d);
        free(p);
}

static bool lang_ok(const char *l)
{
        size_t n = strlen(l);
        if (n < 2 || n > VOTES_LANG_MAX)
                return false;
        return strspn(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

static void refuse_value(const web *w, const web_req *rq, httpd_response *resp)
{
        count_result(w->vote, RESULT_INVALID);
        send_error(w, rq, resp, 400,
                   _("A vote is one of \"unhelpful\", \"neutral\" or \"helpful\"."));
}

/* The checks every vote passes, then the cast; the answer is deferred. */
static void cast(const web *w, const web_req *rq, const httpd_request *req, httpd_response *resp,
                 bool api, const char *value, const char *lang)
{
        web_votes *v = w->vote;
        unsigned port = (unsigned)strtoul(rq->seg[api ? 3 : 1], NULL, 10);
        struct pending *p;
        struct address a;
        vote_value val;
        char page[32];

        if (!value || vote_value_from_name(value, &val) < 0) {
                refuse_value(w, rq, resp);
                return;
        }
        if (!lang || !*lang)
                lang = DEFAULT_LANG;
        if (!lang_ok(lang)) {
                count_result(w->vote, RESULT_INVALID);
                send_error(w, rq, resp, 400,
                           _("The language is not a language tag (letters, digits and '-')."));
                return;
        }
        if (client_of(v, req, &a) < 0) {
                count_result(w->vote, RESULT_INVALID);
                send_error(w, rq, resp, 400, _("The client's address is not an IP address."));
                return;
        }
        unsigned wait = rate_take(v, &a);
        if (wait) {
                char after[16];
                snprintf(after, sizeof(after), "%u", wait);
                count_result(w->vote, RESULT_RATE_LIMITED);
                send_error(w, rq, resp, 429,
                           _("Too many votes from this address; please wait a minute."));
                httpd_response_header(resp, "Retry-After", after);
                return;
        }
        votes_store *s = store_get(v);
        if (!s) {
                count_result(w->vote, RESULT_UNAVAILABLE);
                send_error(w, rq, resp, 503,
                           _("The vote store cannot be opened right now. Nothing was recorded; "
                             "please try again later."));
                return;
        }
        httpd_deferred *d = httpd_response_defer(resp);
        if (!d || !(p = calloc(1, sizeof(*p)))) {
                count_result(w->vote, RESULT_FAILED);
                send_error(w, rq, resp, 500, NULL);
                return;
        }
        *p = (struct pending){
                .w = w, .v = v, .s = s, .d = d, .api = api, .port = port, .value = val
        };
        snprintf(p->lang, sizeof(p->lang), "%s", lang);
        snprintf(p->path, sizeof(p->path), "%s", rq->path);
        snprintf(page, sizeof(page), "/ports/%u", port);
        struct vote vote = { .page = page,
                             .lang = lang,
                             .value = val,
                             .visitor = a.bytes,
                             .visitor_len = a.family == AF_INET ? 4 : 8,
                             .now = time(NULL) };
        int r = votes_cast_async(s, &vote, cast_done, p);
        if (r < 0)
                cast_done(p, r, false);
}

void web_votes_form(const web *w, const web_req *rq, const httpd_request *req, httpd_response *resp)
{
        web_param params[WEB_PARAMS_MAX];
        unsigned n = 0;
        const char *value = NULL, *lang = NULL;

        if (!w->vote) {
                send_error(w, rq, resp, 503,
                           _("This server does not collect votes. Nothing was recorded."));
                return;
        }
        if (web_parse_form(req->body, req->body_size, params, &n) < 0) {
                count_result(w->vote, RESULT_INVALID);
                send_error(w, rq, resp, 400, _("The form is not valid form encoding."));
                return;
        }
        for (unsigned i = 0; i < n; i++) {
                if (!strcmp(params[i].key, "vote"))
                        value = params[i].value;
                else if (!strcmp(params[i].key, "lang"))
                        lang = params[i].value;
        }
        /* A malformed vote is refused as such first: it stores nothing
         * whoever sent it. */
        if (!value || vote_value_from_name(value, &(vote_value){ 0 }) < 0) {
                refuse_value(w, rq, resp);
                return;
        }
        if (!same_origin(req)) {
                count_result(w->vote, RESULT_CROSS_SITE);
                send_error(w, rq, resp, 403,
                           _("The vote was not sent from this site's page, so it was refused "
                             "(a cross-site request)."));
                return;
        }
        /* The page's language unless the form names one. */
        cast(w, rq, req, resp, false, value, lang ? lang : web_req_lang(rq));
}

static void api_get(const web *w, const web_req *rq, httpd_response *resp)
{
        unsigned port = (unsigned)strtoul(rq->seg[3], NULL, 10);
        struct votes_tally *t = NULL;
        size_t n = 0;
        char page[32];
        int r = -ENOTCONN;

        snprintf(page, sizeof(page), "/ports/%u", port);
        votes_store *s = store_get(w->vote);
        if (s)
                r = votes_tallies(s, page, &t, &n);
        if (r < 0) {
                char detail[256] = "";
                if (s)
                        votes_last_error(s, detail, sizeof(detail));
                log_fault(w->vote, r, detail);
                send_error(w, rq, resp, 503, _("The vote store cannot be read right now."));
                return;
        }
        json_t *doc = json_pack("{s:i, s:s, s:i, s:s}", "schema_version", 1, "kind", "port_votes",
                                "port", (int)port, "page", page);
        if (doc && votes_json_add(doc, t, n) < 0) {
                json_decref(doc);
                doc = NULL;
        }
        free(t);
        send_json(resp, 200, doc);
        httpd_response_header(resp, "Access-Control-Allow-Origin", "*");
}

void web_votes_api(const web *w, const web_req *rq, const httpd_request *req, httpd_response *resp)
{
        if (!w->vote) {
                send_error(w, rq, resp, 503, _("This server does not collect votes."));
                return;
        }
        if (strcmp(rq->method, "POST")) {
                api_get(w, rq, resp);
                return;
        }
        /* JSON only: a browser cannot send it across sites without a
         * preflight, which this server never grants to POST. */
        const char *type = httpd_request_header(req, "Content-Type");
        if (!type || strncasecmp(type, "application/json", 16) ||
            (type[16] && type[16] != ';' && type[16] != ' ')) {
                count_result(w->vote, RESULT_INVALID);
                send_error(w, rq, resp, 415, _("A vote is sent as application/json."));
                return;
        }
        json_error_t jerr;
        json_t *doc = json_loadb(req->body, req->body_size, JSON_REJECT_DUPLICATES, &jerr);
        const char *value = NULL, *lang = NULL;
        if (!json_is_object(doc) ||
            json_unpack(doc, "{s:s, s?s !}", "vote", &value, "lang", &lang)) {
                json_decref(doc);
                count_result(w->vote, RESULT_INVALID);
                send_error(w, rq, resp, 400,
                           _("The body is not {\"vote\": \"unhelpful\"|\"neutral\"|\"helpful\"} "
                             "with an optional \"lang\"."));
                return;
        }
        cast(w, rq, req, resp, true, value, lang);
        json_decref(doc);
}

int web_votes_open(web *w, const char *location, const char *const *proxies, size_t n_proxies,
                   unsigned per_minute, char *err, size_t err_size)
{
        web_votes *v = calloc(1, sizeof(*v));
        char *fallback = NULL;
        int r;

        if (!v)
                return -ENOMEM;
        if (n_proxies > WEB_VOTES_PROXIES_MAX) {
                snprintf(err, err_size, _("--trusted-proxy: at most %d addresses"),
                         WEB_VOTES_PROXIES_MAX);
                free(v);
                return -E2BIG;
        }
        for (size_t i = 0; i < n_proxies; i++)
                if (parse_address(proxies[i], &v->proxies[v->n_proxies++]) < 0) {
                        snprintf(err, err_size, _("--trusted-proxy: \"%s\" is not an IP address"),
                                 proxies[i]);
                        free(v);
                        return -EINVAL;
                }
        if (!location && votes_default_location(&fallback) < 0) {
                snprintf(err, err_size,
                         _("no default vote store: set $STATE_DIRECTORY, "
                           "$XDG_STATE_HOME or $HOME, or give --votes"));
                free(v);
                return -ENOENT;
        }
        v->location = fallback ? fallback : strdup(location);
        v->per_minute = per_minute ? per_minute : WEB_VOTES_RATE_DEFAULT;
        votes_location_redacted(v->location, v->shown, sizeof(v->shown));
        pthread_mutex_init(&v->lock, NULL);
        pthread_mutex_init(&v->rate_lock, NULL);
        pthread_cond_init(&v->wake, NULL);
        char detail[256] = "";
        pthread_mutex_lock(&v->lock);
        r = try_open(v, detail, sizeof(detail));
        pthread_mutex_unlock(&v->lock);
        /* A newer schema or a bad location is the operator's to fix before
         * anything is served; any other fault answers votes 503 meanwhile. */
        if (r == -EPROTONOSUPPORT || r == -EINVAL) {
                snprintf(err, err_size, "%s: %s (%s)", v->shown, votes_strerror(r), detail);
                web_votes_close(v);
                return r;
        }
        if (r < 0)
                log_fault(v, r, detail);
        v->expirer_running = pthread_create(&v->expirer, NULL, expirer_main, v) == 0;
        w->vote = v;
        w->votes = true;
        return 0;
}

void web_votes_close(web_votes *v)
{
        if (!v)
                return;
        pthread_mutex_lock(&v->lock);
        v->stopping = true;
        pthread_cond_signal(&v->wake);
        pthread_mutex_unlock(&v->lock);
        if (v->expirer_running)
                pthread_join(v->expirer, NULL);
        votes_close(v->store);
        pthread_mutex_destroy(&v->lock);
        pthread_mutex_destroy(&v->rate_lock);
        pthread_cond_destroy(&v->wake);
        free(v->location);
        free(v);
}

int web_votes_tally(const web *w, unsigned port, uint64_t ret_count[VOTE_VALUE_COUNT])
{
        struct votes_tally *t = NULL;
        size_t n = 0;
        char page[32];
        votes_store *s = w->vote ? store_get(w->vote) : NULL;
        if (!s)
                return -ENOTCONN;
        snprintf(page, sizeof(page), "/ports/%u", port);
        int r = votes_tallies(s, page, &t, &n);
        if (r < 0)
                return r;
        memset(ret_count, 0, VOTE_VALUE_COUNT * sizeof(uint64_t));
        for (size_t i = 0; i < n; i++)
                for (int k = 0; k < VOTE_VALUE_COUNT; k++)
                        ret_count[k] += t[i].count[k];
        free(t);
        return 0;
}

void web_votes_metrics(const web *w, struct prom_writer *pw)
{
        web_votes *v = w->vote;
        prom_family(pw, "portscope_web_votes_enabled", PROM_GAUGE, NULL,
                    "1 when this server collects votes, 0 with --no-votes.");
        prom_sample(pw, NULL, 0, v ? 1 : 0);
        if (!v)
                return;
        prom_family(pw, "portscope_web_votes", PROM_COUNTER, NULL,
                    "Votes received, by result: stored, replaced (the visitor's ballot of the "
                    "day changed), invalid, cross_site, rate_limited, unavailable (no store), "
                    "failed (the store refused the write).");
        for (int i = 0; i < _RESULT_MAX; i++)
                prom_sample(pw, (const char *const[]){ "result", result_names[i] }, 1,
                            (double)atomic_load_explicit(&v->results[i], memory_order_relaxed));
        prom_family(pw, "portscope_web_votes_stored", PROM_COUNTER, NULL,
                    "Votes on disk (stored or replaced), by value.");
        for (int i = 0; i < VOTE_VALUE_COUNT; i++)
                prom_sample(
                        pw, (const char *const[]){ "vote", vote_value_name((vote_value)i) }, 1,
                        (double)atomic_load_explicit(&v->stored_values[i], memory_order_relaxed));
        prom_family(pw, "portscope_web_vote_store_errors", PROM_COUNTER, NULL,
                    "Faults of the vote store met by votes and tally reads, by kind.");
        for (size_t i = 0; i < STORE_ERRORS; i++)
                prom_sample(pw, (const char *const[]){ "error", store_errors[i].name }, 1,
                            (double)atomic_load_explicit(&v->errors[i], memory_order_relaxed));
        pthread_mutex_lock(&v->lock);
        bool open = v->store != NULL;
        pthread_mutex_unlock(&v->lock);
        prom_family(pw, "portscope_web_vote_store_open", PROM_GAUGE, NULL,
                    "1 when the vote store is open, 0 while it cannot be opened.");
        prom_sample(pw, NULL, 0, open ? 1 : 0);
}
