/* SPDX-License-Identifier: MIT */
/* The HTTP server wrapper over libmicrohttpd; see httpd.h.
 *
 * libmicrohttpd's connection timeout is an inactivity timeout: a client that
 * sends one header byte every few seconds never trips it. The deadline here
 * is absolute: a watchdog thread shuts down every connection that has not
 * delivered a whole request within request_deadline_ms of connecting (or of
 * its previous response), which libmicrohttpd then sees as a closed peer.
 *
 * The threads are the wrapper's own: one acceptor, and workers that each
 * run one libmicrohttpd daemon in its external-epoll mode (MHD_run()). The
 * acceptor hands every new connection to the worker serving the fewest.
 * libmicrohttpd's own thread pool did neither well (docs/benchmarks.md):
 * - its workers all accepted from the one listening socket, whichever woke
 *   first taking up to ten connections at once: 8 connections opened
 *   together all went to one of two workers, and under wrk's 64 one worker
 *   used 2.5 times the CPU time of the other, queueing requests while the
 *   other idled;
 * - its internal epoll loop (0.9.75 and later) calls epoll_wait() again
 *   when the first call filled all 128 slots, with the full timeout: a
 *   worker that had exactly 128 ready connections then slept up to the
 *   30 s idle timeout with all of them waiting. MHD_run() polls with a
 *   zero timeout; the worker blocks in poll() on the daemon's epoll set
 *   instead, which consumes no event. */
#include "httpd.h"
#include "i18n.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_RESPONSE_HEADERS 24
#define LOG_FIELD_MAX 256
#define LOG_LINE_MAX 4096
#define LOG_BUFFER (64 * 1024) /* a worker's access log lines */
#define LOG_FLUSH_MS 100       /* the longest a line waits in it */
#define GRACE_MS 5000

struct httpd_response {
        unsigned status;
        struct {
                char *name, *value;
        } headers[MAX_RESPONSE_HEADERS];
        unsigned n_headers;
        const void *body;
        size_t size;
        enum { BODY_NONE, BODY_OWNED, BODY_STATIC, BODY_SHARED } kind;
        void (*release)(void *cls);
        void *release_cls;
        struct httpd_deferred *deferred;
        struct httpd_prepared *prepared; /* sent instead of all the above */
};

/* libmicrohttpd counts the references of a response itself: every queued
 * send holds one until it is done. */
struct httpd_prepared {
        atomic_int refs;
        struct MHD_Response *r;
        unsigned status;
        size_t size;
};

/* A connection accepted and not yet handed to libmicrohttpd. */
typedef struct pending_conn {
        int fd;
        socklen_t len;
        struct sockaddr_storage addr;
} pending_conn;

/* A worker thread and its libmicrohttpd daemon. */
typedef struct worker {
        struct httpd *h;
        struct MHD_Daemon *mhd;
        int epoll_fd; /* the daemon's; polled, never waited on */
        int wake;     /* eventfd: new connections, a resumed one, stop */
        pthread_t thread;
        bool running;
        atomic_bool stop;
        atomic_uint load;    /* connections queued or served here */
        atomic_bool has_new; /* queue is not empty */
        pthread_mutex_t lock;
        pending_conn *queue; /* under lock */
        size_t queued, queue_cap;
        /* The access log's lines, written by this worker's thread (or by
         * the thread that stops it, once it is joined) and flushed in
         * batches: see log_flush(). */
        char *log;
        size_t log_len;
        uint64_t log_since; /* monotonic ms of the oldest line buffered */
        time_t log_sec;     /* the second log_when shows */
        char log_when[32];  /* "04/Dec/2026:22:21:58 +0000" */
} worker;

/* One per TCP connection, on the watchdog's list. */
typedef struct conn_state {
        struct conn_state *prev, *next;
        int fd;
        dev_t dev;
        ino_t ino;
        worker *w;
        char remote[INET6_ADDRSTRLEN]; /* the client's address as text */
        /* Monotonic ms; 0 while a response is produced. Set by the
         * connection's worker thread without the list's lock (twice a
         * request), read by the watchdog. */
        _Atomic uint64_t deadline;
        bool cut;
} conn_state;

/* The request headers the wrapper and its handlers look up, found in the
 * one pass over the headers that checks them (check_request()):
 * httpd_request_header() answers these without scanning the list again.
 * Each is the first field of its name, as libmicrohttpd's lookup gives. */
static const struct {
        const char *name;
        size_t len;
} known_headers[] = {
#define KNOWN(n)                                                                                   \
        {                                                                                          \
                n, sizeof(n) - 1                                                                   \
        }
        KNOWN("Host"),
        KNOWN("Accept"),
        KNOWN("Referer"),
        KNOWN("User-Agent"),
        KNOWN("Content-Length"),
        KNOWN("Transfer-Encoding"),
        KNOWN("Accept-Encoding"),
        KNOWN("Accept-Language"),
        KNOWN("If-None-Match"),
        KNOWN("If-Modified-Since"),
        KNOWN("Content-Type"),
        KNOWN("Origin"),
        KNOWN("Sec-Fetch-Site"),
        KNOWN("X-Forwarded-For"),
#undef KNOWN
};
enum {
        H_HOST,
        H_ACCEPT,
        H_REFERER,
        H_USER_AGENT,
        H_CONTENT_LENGTH,
        H_TRANSFER_ENCODING,
        N_KNOWN = sizeof(known_headers) / sizeof(known_headers[0]),
};

/* One per request, from the request line to the completion callback. */
typedef struct req_state {
        char *target;
        char method[16];
        const char *remote; /* the connection's, or remote_own */
        char remote_own[INET6_ADDRSTRLEN];
        /* Values in libmicrohttpd's memory pool, valid until the
         * completion callback; NULL when absent. */
        const char *known[N_KNOWN];
        bool scanned; /* known[] is filled */
        conn_state *conn;
        struct timespec when;
        worker *w;
        bool started, queued;
        unsigned refuse;
        const char *refuse_detail;
        unsigned status;
        size_t bytes;
        char *body;
        size_t body_size;
        struct httpd_deferred *deferred; /* the handler's answer comes later */
} req_state;

struct httpd {
        worker *workers;
        unsigned n_workers;
        httpd_config cfg;
        int listen_fd;
        bool activated;
        unsigned port;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        conn_state *conns;
        pthread_t watchdog, acceptor;
        bool watchdog_running, acceptor_running, stopping, draining;
        int acceptor_wake[2]; /* a byte on [1] stops the acceptor */
        atomic_uint live;     /* connections libmicrohttpd serves */
        unsigned deferred;    /* answers deferred and not yet sent */
        pthread_cond_t deferred_sent;
        pthread_mutex_t log_lock; /* one worker's batch at a time */
};

/* A deferred answer: the handler's thread and the finishing thread meet
 * under lock, as either may come first. */
struct httpd_deferred {
        pthread_mutex_t lock;
        bool suspended, finished, orphan;
        httpd *h;
        worker *w; /* the connection's, woken to send the answer */
        struct MHD_Connection *c;
        httpd_response resp;
};

static uint64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void set_err(char *errbuf, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void set_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
        va_list ap;
        if (!errbuf || !errlen)
                return;
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
}

/* ---- response setters ---- */

void httpd_response_status(httpd_response *resp, unsigned status)
{
        resp->status = status;
}

int httpd_response_header(httpd_response *resp, const char *name, const char *value)
{
        /* Vary is a list (RFC 9110 12.5.5): a second one joins the first,
         * so that clients reading one field see every dimension. */
        for (unsigned i = 0; i < resp->n_headers && !ps_strcasecmp_ascii(name, "Vary"); i++)
                if (!ps_strcasecmp_ascii(resp->headers[i].name, name)) {
                        char *v = NULL;
                        if (asprintf(&v, "%s, %s", resp->headers[i].value, value) < 0)
                                return -ENOMEM;
                        free(resp->headers[i].value);
                        resp->headers[i].value = v;
                        return 0;
                }
        if (resp->n_headers >= MAX_RESPONSE_HEADERS)
                return -E2BIG;
        char *n = strdup(name), *v = strdup(value);
        if (!n || !v) {
                free(n);
                free(v);
                return -ENOMEM;
        }
        resp->headers[resp->n_headers].name = n;
        resp->headers[resp->n_headers].value = v;
        resp->n_headers++;
        return 0;
}

static void body_reset(httpd_response *resp)
{
        if (resp->kind == BODY_OWNED)
                free((void *)resp->body);
        else if (resp->kind == BODY_SHARED && resp->release)
                resp->release(resp->release_cls);
        resp->kind = BODY_NONE;
        resp->body = NULL;
        resp->size = 0;
}

void httpd_response_body_take(httpd_response *resp, void *body, size_t size)
{
        body_reset(resp);
        resp->kind = BODY_OWNED;
        resp->body = body;
        resp->size = size;
}

void httpd_response_body_static(httpd_response *resp, const void *body, size_t size)
{
        body_reset(resp);
        resp->kind = BODY_STATIC;
        resp->body = body;
        resp->size = size;
}

void httpd_response_body_shared(httpd_response *resp, const void *body, size_t size,
                                void (*release)(void *cls), void *cls)
{
        body_reset(resp);
        resp->kind = BODY_SHARED;
        resp->body = body;
        resp->size = size;
        resp->release = release;
        resp->release_cls = cls;
}

httpd_prepared *httpd_prepared_new(unsigned status, const void *body, size_t size,
                                   void (*release)(void *cls), void *cls)
{
        httpd_prepared *p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        if (body && release)
                p->r = MHD_create_response_from_buffer_with_free_callback_cls(size, (void *)body,
                                                                              release, cls);
        else
                p->r = MHD_create_response_from_buffer(body ? size : 0, body ? (void *)body : "",
                                                       MHD_RESPMEM_PERSISTENT);
        if (!p->r) {
                free(p);
                return NULL;
        }
        atomic_init(&p->refs, 1);
        p->status = status;
        p->size = body ? size : 0;
        return p;
}

int httpd_prepared_header(httpd_prepared *p, const char *name, const char *value)
{
        return MHD_add_response_header(p->r, name, value) == MHD_YES ? 0 : -ENOMEM;
}

void httpd_prepared_unref(httpd_prepared *p)
{
        if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
                return;
        MHD_destroy_response(p->r);
        free(p);
}

static void response_clear(httpd_response *resp)
{
        httpd_prepared_unref(resp->prepared);
        resp->prepared = NULL;
        for (unsigned i = 0; i < resp->n_headers; i++) {
                free(resp->headers[i].name);
                free(resp->headers[i].value);
        }
        resp->n_headers = 0;
        body_reset(resp);
}

void httpd_response_prepared(httpd_response *resp, httpd_prepared *p)
{
        response_clear(resp);
        atomic_fetch_add(&p->refs, 1);
        resp->prepared = p;
        resp->status = p->status;
}

/* Turns the handler's answer into a libmicrohttpd response; the body moves
 * into it (or is released on failure). */
static struct MHD_Response *response_build(httpd_response *resp)
{
        struct MHD_Response *r = NULL;

        switch (resp->kind) {
        case BODY_OWNED:
                r = MHD_create_response_from_buffer(resp->size, (void *)resp->body,
                                                    MHD_RESPMEM_MUST_FREE);
                break;
        case BODY_SHARED:
                r = MHD_create_response_from_buffer_with_free_callback_cls(
                        resp->size, (void *)resp->body, resp->release, resp->release_cls);
                break;
        case BODY_STATIC:
                r = MHD_create_response_from_buffer(resp->size, (void *)resp->body,
                                                    MHD_RESPMEM_PERSISTENT);
                break;
        case BODY_NONE:
                r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
                break;
        }
        if (!r) {
                response_clear(resp);
                return NULL;
        }
        resp->kind = BODY_NONE; /* owned by r now */
        for (unsigned i = 0; i < resp->n_headers; i++)
                MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
        response_clear(resp);
        return r;
}

/* ---- the connection list and its watchdog ---- */

static void format_addr(const struct sockaddr *sa, char out[INET6_ADDRSTRLEN])
{
        if (sa && sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                          INET6_ADDRSTRLEN);
        else if (sa && sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                          INET6_ADDRSTRLEN);
        else
                strcpy(out, "-");
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
        worker *w = cls;
        httpd *h = w->h;

        if (code == MHD_CONNECTION_NOTIFY_STARTED) {
                atomic_fetch_add(&h->live, 1);
                atomic_fetch_add(&w->load, 1);
                const union MHD_ConnectionInfo *ci =
                        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
                conn_state *cs = calloc(1, sizeof(*cs));
                struct stat st;
                if (!cs || !ci || fstat(ci->connect_fd, &st) < 0) {
                        free(cs);
                        return;
                }
                cs->fd = ci->connect_fd;
                cs->w = w;
                /* The address is the connection's: formatted once here,
                 * not for every request on it. */
                const union MHD_ConnectionInfo *ai =
                        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
                format_addr(ai ? ai->client_addr : NULL, cs->remote);
                cs->dev = st.st_dev;
                cs->ino = st.st_ino;
                atomic_init(&cs->deadline, now_ms() + h->cfg.request_deadline_ms);
                pthread_mutex_lock(&h->lock);
                cs->next = h->conns;
                if (h->conns)
                        h->conns->prev = cs;
                h->conns = cs;
                pthread_mutex_unlock(&h->lock);
                *socket_context = cs;
        } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
                atomic_fetch_sub(&h->live, 1);
                atomic_fetch_sub(&w->load, 1);
                conn_state *cs = *socket_context;
                if (!cs)
                        return;
                pthread_mutex_lock(&h->lock);
                if (cs->prev)
                        cs->prev->next = cs->next;
                else
                        h->conns = cs->next;
                if (cs->next)
                        cs->next->prev = cs->prev;
                pthread_mutex_unlock(&h->lock);
                free(cs);
                *socket_context = NULL;
        }
}

/* No lock: only the connection's own worker thread frees cs (on close),
 * and a worker that waited for the watchdog's lock twice a request waited
 * a whole time slice whenever the watchdog was preempted holding it. */
static void conn_set_deadline(conn_state *cs, uint64_t deadline)
{
        if (cs)
                atomic_store_explicit(&cs->deadline, deadline, memory_order_relaxed);
}

/* Cuts the connections past their deadline. The descriptor is checked
 * against the one recorded at connect, so a number libmicrohttpd has
 * closed and the kernel handed out again is never touched. */
static void *watchdog_main(void *arg)
{
        httpd *h = arg;

        pthread_mutex_lock(&h->lock);
        while (!h->stopping) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += 100 * 1000000;
                if (ts.tv_nsec >= 1000000000) {
                        ts.tv_sec++;
                        ts.tv_nsec -= 1000000000;
                }
                pthread_cond_timedwait(&h->wake, &h->lock, &ts);
                uint64_t now = now_ms();
                for (conn_state *cs = h->conns; cs; cs = cs->next) {
                        struct stat st;
                        uint64_t deadline =
                                atomic_load_explicit(&cs->deadline, memory_order_relaxed);
                        if (cs->cut || deadline == 0)
                                continue;
                        if (!h->draining && deadline > now)
                                continue;
                        if (fstat(cs->fd, &st) == 0 && st.st_dev == cs->dev && st.st_ino == cs->ino)
                                shutdown(cs->fd, SHUT_RDWR);
                        cs->cut = true;
                }
        }
        pthread_mutex_unlock(&h->lock);
        return NULL;
}

/* ---- requests ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
        req_state *rq = calloc(1, sizeof(*rq));

        if (!rq)
                return NULL;
        rq->w = cls;
        rq->target = strdup(uri);
        if (!rq->target) {
                free(rq);
                return NULL;
        }
        /* The access log shows whole seconds: the coarse clock is enough. */
        clock_gettime(CLOCK_REALTIME_COARSE, &rq->when);
        const union MHD_ConnectionInfo *si =
                MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        rq->conn = si ? si->socket_context : NULL;
        if (rq->conn)
                rq->remote = rq->conn->remote;
        else {
                const union MHD_ConnectionInfo *ci =
                        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
                format_addr(ci ? ci->client_addr : NULL, rq->remote_own);
                rq->remote = rq->remote_own;
        }
        return rq;
}

static bool is_tchar(unsigned char ch)
{
        return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

typedef struct header_scan {
        unsigned count, content_length, transfer_encoding, host;
        size_t bytes;
        bool bad;
        const char **known; /* the request's known[] */
} header_scan;

/* The index of name in known_headers, or -1. */
static int known_index(const char *name, size_t len)
{
        char first = (char)(name[0] | 0x20);
        for (int i = 0; i < N_KNOWN; i++)
                if (known_headers[i].len == len && (known_headers[i].name[0] | 0x20) == first &&
                    !ps_strcasecmp_ascii(known_headers[i].name, name))
                        return i;
        return -1;
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
        header_scan *s = cls;

        (void)kind;
        s->count++;
        s->bytes += key_size + value_size + 4;
        if (key_size == 0 || strlen(key) != key_size)
                s->bad = true;
        for (size_t i = 0; i < key_size && !s->bad; i++)
                if (!is_tchar((unsigned char)key[i]))
                        s->bad = true;
        if (value && strlen(value) != value_size)
                s->bad = true; /* a NUL inside the value */
        for (size_t i = 0; value && i < value_size && !s->bad; i++) {
                unsigned char ch = (unsigned char)value[i];
                if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
                        s->bad = true;
        }
        int k = known_index(key, key_size);
        if (k < 0)
                return MHD_YES;
        if (!s->known[k])
                s->known[k] = value ? value : "";
        if (k == H_CONTENT_LENGTH)
                s->content_length++;
        else if (k == H_TRANSFER_ENCODING)
                s->transfer_encoding++;
        else if (k == H_HOST)
                s->host++;
        return MHD_YES;
}

static void refuse(req_state *rq, unsigned status, const char *detail)
{
        if (!rq->refuse) {
                rq->refuse = status;
                rq->refuse_detail = detail;
        }
}

/* The checks libmicrohttpd 0.9 leaves out (it accepts a space in the
 * target, a NUL in a header, duplicate Content-Length...). */
static void check_request(httpd *h, struct MHD_Connection *c, req_state *rq, const char *method,
                          const char *version)
{
        size_t mlen = strlen(method);

        if (mlen == 0 || mlen >= sizeof(rq->method))
                refuse(rq, 400, "The request method is not valid.");
        for (size_t i = 0; i < mlen; i++)
                if (!is_tchar((unsigned char)method[i]))
                        refuse(rq, 400, "The request method is not valid.");
        if (rq->refuse)
                strcpy(rq->method, "-");
        else
                memcpy(rq->method, method, mlen + 1);

        if (strcmp(version, "HTTP/1.1") != 0 && strcmp(version, "HTTP/1.0") != 0)
                refuse(rq, 400, "Only HTTP/1.0 and HTTP/1.1 are served.");

        size_t tlen = strlen(rq->target);
        if (tlen > h->cfg.max_target)
                refuse(rq, 414, "The request target is longer than this server accepts.");
        if (rq->target[0] != '/')
                refuse(rq, 400, "The request target must be a path starting with '/'.");
        for (size_t i = 0; i < tlen; i++) {
                unsigned char ch = (unsigned char)rq->target[i];
                if (ch <= 0x20 || ch >= 0x7f) {
                        refuse(rq, 400,
                               "The request target contains a byte that must be "
                               "percent-encoded.");
                        break;
                }
        }

        header_scan s = { .known = rq->known };
        MHD_get_connection_values_n(c, MHD_HEADER_KIND, scan_header, &s);
        rq->scanned = true;
        if (s.count > h->cfg.max_headers || s.bytes > h->cfg.max_header_bytes)
                refuse(rq, 431,
                       "The request has more or longer header fields than this "
                       "server accepts.");
        if (s.bad)
                refuse(rq, 400, "A header field is malformed.");
        if (s.content_length > 1 || (s.content_length && s.transfer_encoding))
                refuse(rq, 400, "The request has conflicting body lengths.");
        if (s.host != 1 && strcmp(version, "HTTP/1.1") == 0)
                refuse(rq, 400, "An HTTP/1.1 request needs exactly one Host header.");

        const char *cl = rq->known[H_CONTENT_LENGTH];
        if (cl) {
                char *end;
                errno = 0;
                unsigned long long n = strtoull(cl, &end, 10);
                if (errno || end == cl || *end || cl[0] == '-' || cl[0] == '+')
                        refuse(rq, 400, "The Content-Length header is not a number.");
                else if (n > h->cfg.max_body)
                        refuse(rq, 413, "The request body is larger than this server accepts.");
        }
        if (s.transfer_encoding && h->cfg.max_body == 0)
                refuse(rq, 413, "This server accepts no request bodies.");
}

typedef struct request_internal {
        struct MHD_Connection *conn;
        const req_state *rq;
} request_internal;

const char *httpd_request_header(const httpd_request *req, const char *name)
{
        const request_internal *in = req->internal;
        if (in->rq->scanned) {
                int k = known_index(name, strlen(name));
                if (k >= 0)
                        return in->rq->known[k];
        }
        return MHD_lookup_connection_value(in->conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result queue(struct MHD_Connection *c, req_state *rq, httpd_response *resp)
{
        if (rq->refuse)
                resp->status = rq->refuse;
        rq->status = resp->status;
        rq->bytes = strcmp(rq->method, "HEAD") == 0 ? 0 : resp->size;
        if (resp->prepared && !rq->refuse) {
                /* Queued as it is: libmicrohttpd takes its own reference
                 * before ours is dropped. */
                httpd_prepared *p = resp->prepared;
                rq->bytes = strcmp(rq->method, "HEAD") == 0 ? 0 : p->size;
                enum MHD_Result ret = MHD_queue_response(c, p->status, p->r);
                response_clear(resp);
                rq->queued = ret == MHD_YES;
                return ret;
        }

        struct MHD_Response *r = response_build(resp);
        if (!r)
                return MHD_NO;
        enum MHD_Result ret = MHD_queue_response(c, resp->status, r);
        MHD_destroy_response(r);
        rq->queued = ret == MHD_YES;
        return ret;
}

httpd_deferred *httpd_response_defer(httpd_response *resp)
{
        if (!resp->deferred) {
                httpd_deferred *d = calloc(1, sizeof(*d));
                if (!d)
                        return NULL;
                pthread_mutex_init(&d->lock, NULL);
                d->resp.status = 500;
                resp->deferred = d;
        }
        return resp->deferred;
}

httpd_response *httpd_deferred_response(httpd_deferred *d)
{
        return &d->resp;
}

static void deferred_free(httpd_deferred *d)
{
        httpd *h = d->h;
        response_clear(&d->resp);
        pthread_mutex_destroy(&d->lock);
        free(d);
        pthread_mutex_lock(&h->lock);
        h->deferred--;
        pthread_cond_broadcast(&h->deferred_sent);
        pthread_mutex_unlock(&h->lock);
}

static void worker_wake(worker *w)
{
        uint64_t one = 1;
        ssize_t n = write(w->wake, &one, sizeof(one));
        (void)n;
}

void httpd_deferred_finish(httpd_deferred *d)
{
        pthread_mutex_lock(&d->lock);
        d->finished = true;
        bool orphan = d->orphan;
        if (d->suspended && !orphan) {
                /* libmicrohttpd's external mode has no wake-up channel of
                 * its own: the worker learns of the resume from us. */
                MHD_resume_connection(d->c);
                worker_wake(d->w);
        }
        pthread_mutex_unlock(&d->lock);
        if (orphan)
                deferred_free(d);
}

/* Sends a finished deferred answer, on the connection's own thread. */
static enum MHD_Result send_deferred(httpd *h, struct MHD_Connection *c, req_state *rq)
{
        httpd_deferred *d = rq->deferred;
        rq->deferred = NULL;
        (void)h;
        enum MHD_Result ret = queue(c, rq, &d->resp);
        deferred_free(d);
        return ret;
}

/* The handler deferred its answer: suspend the connection unless the
 * answer is already there. */
static enum MHD_Result defer(httpd *h, struct MHD_Connection *c, req_state *rq,
                             httpd_response *resp)
{
        httpd_deferred *d = resp->deferred;
        resp->deferred = NULL;
        response_clear(resp);
        rq->deferred = d;
        pthread_mutex_lock(&h->lock);
        h->deferred++;
        pthread_mutex_unlock(&h->lock);
        pthread_mutex_lock(&d->lock);
        d->h = h;
        d->w = rq->w;
        d->c = c;
        bool finished = d->finished;
        if (!finished) {
                MHD_suspend_connection(c);
                d->suspended = true;
        }
        pthread_mutex_unlock(&d->lock);
        return finished ? send_deferred(h, c, rq) : MHD_YES;
}

static enum MHD_Result respond(httpd *h, struct MHD_Connection *c, req_state *rq)
{
        request_internal in = { .conn = c, .rq = rq };
        char *path = NULL;
        const char *q = strchr(rq->target, '?');

        if (q) {
                path = strndup(rq->target, (size_t)(q - rq->target));
                if (!path)
                        return MHD_NO;
        }
        httpd_request req = {
                .method = rq->method,
                .target = rq->target,
                .path = path ? path : rq->target,
                .query = q ? q + 1 : NULL,
                .remote = rq->remote,
                .body = rq->body ? rq->body : "",
                .body_size = rq->body_size,
                .refuse = rq->refuse,
                .refuse_detail = rq->refuse_detail,
                .internal = &in,
        };
        httpd_response resp = { .status = 500 };

        conn_set_deadline(rq->conn, 0);
        h->cfg.handler(&req, &resp, h->cfg.userdata);
        free(path);
        if (resp.deferred && !rq->refuse)
                return defer(h, c, rq, &resp);
        return queue(c, rq, &resp);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
        httpd *h = cls;
        req_state *rq = *con_cls;

        (void)url;
        if (!rq)
                return MHD_NO;
        if (!rq->started) {
                rq->started = true;
                check_request(h, c, rq, method, version);
                /* A refused request is answered at once, before any body,
                 * and the connection closes after it. A good one is
                 * answered on the next call, which keeps it alive. */
                if (rq->refuse)
                        return respond(h, c, rq);
                return MHD_YES;
        }
        if (*upload_size > 0) {
                size_t n = *upload_size;
                *upload_size = 0;
                if (rq->refuse)
                        return MHD_YES;
                if (rq->body_size + n > h->cfg.max_body) {
                        refuse(rq, 413, "The request body is larger than this server accepts.");
                        free(rq->body);
                        rq->body = NULL;
                        rq->body_size = 0;
                        return MHD_YES;
                }
                char *b = realloc(rq->body, rq->body_size + n + 1);
                if (!b)
                        return MHD_NO;
                memcpy(b + rq->body_size, upload, n);
                rq->body_size += n;
                b[rq->body_size] = '\0';
                rq->body = b;
                return MHD_YES;
        }
        if (rq->queued)
                return MHD_YES;
        if (rq->deferred) {
                /* Called again after httpd_deferred_finish() resumed it. */
                pthread_mutex_lock(&rq->deferred->lock);
                bool finished = rq->deferred->finished;
                pthread_mutex_unlock(&rq->deferred->lock);
                return finished ? send_deferred(h, c, rq) : MHD_YES;
        }
        return respond(h, c, rq);
}

/* Appends s (at most max bytes of it) with quotes, backslashes and control
 * bytes escaped, as Apache does, so a request cannot forge log lines;
 * stops before the escaped text reaches cap - 5 bytes. Returns the bytes
 * written. */
static size_t log_escape(char *out, size_t cap, const char *s, size_t max)
{
        static const char hex[] = "0123456789abcdef";
        size_t n = 0;

        for (size_t i = 0; i < max && s[i] && n + 5 < cap; i++) {
                unsigned char ch = (unsigned char)s[i];
                if (ch == '"' || ch == '\\') {
                        out[n++] = '\\';
                        out[n++] = (char)ch;
                } else if (ch < 0x20 || ch >= 0x7f) {
                        out[n++] = '\\';
                        out[n++] = 'x';
                        out[n++] = hex[ch >> 4];
                        out[n++] = hex[ch & 15];
                } else
                        out[n++] = (char)ch;
        }
        return n;
}

static char *log_put(char *p, const char *s, size_t len)
{
        memcpy(p, s, len);
        return p + len;
}

static char *log_uint(char *p, unsigned long long v)
{
        char tmp[24];
        size_t n = 0;
        do
                tmp[n++] = (char)('0' + v % 10);
        while ((v /= 10) > 0);
        while (n)
                *p++ = tmp[--n];
        return p;
}

/* Writes the worker's buffered lines. The lock keeps the batches of
 * several workers from interleaving, whatever the descriptor is (a pipe
 * splits writes over PIPE_BUF bytes). A non-blocking descriptor that is
 * full keeps the rest for the next flush rather than stall the worker;
 * only the last flush (final, when the server stops) waits for it, up to
 * a second. */
static void log_flush(httpd *h, worker *w, bool final)
{
        size_t off = 0;
        int waits = 0;

        if (!w->log_len)
                return;
        pthread_mutex_lock(&h->log_lock);
        while (off < w->log_len) {
                ssize_t n = write(h->cfg.access_log_fd, w->log + off, w->log_len - off);
                if (n > 0) {
                        off += (size_t)n;
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                struct pollfd pf = { .fd = h->cfg.access_log_fd, .events = POLLOUT };
                if (final && n < 0 && errno == EAGAIN && waits++ < 10 && poll(&pf, 1, 100) >= 0)
                        continue;
                if (n < 0 && errno == EAGAIN && !final)
                        break;    /* kept for the next flush */
                off = w->log_len; /* a broken descriptor: nothing to keep */
        }
        pthread_mutex_unlock(&h->log_lock);
        memmove(w->log, w->log + off, w->log_len - off);
        w->log_len -= off;
}

/* One Combined Log Format line into the worker's buffer; the buffer is
 * written when it fills, when a line in it is LOG_FLUSH_MS old, and
 * whenever the worker has nothing else to do (worker_main()). Before, each
 * line was its own write(): a system call per request, for a line that a
 * pipe or the journal takes just as well in a batch. */
static void access_log(httpd *h, const req_state *rq, uint64_t now)
{
        worker *w = rq->w;
        char line[LOG_LINE_MAX];
        char *p = line;

        if (w->log_sec != rq->when.tv_sec || !w->log_when[0]) {
                struct tm tm;
                gmtime_r(&rq->when.tv_sec, &tm);
                strftime(w->log_when, sizeof(w->log_when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
                w->log_sec = rq->when.tv_sec;
        }
        const char *ref = rq->known[H_REFERER], *ua = rq->known[H_USER_AGENT];
        /* remote + when + method + target + referer + agent, escaped, with
         * their separators: under 2,200 bytes. */
        p = log_put(p, rq->remote, strlen(rq->remote));
        p = log_put(p, " - - [", 6);
        p = log_put(p, w->log_when, strlen(w->log_when));
        p = log_put(p, "] \"", 3);
        p = log_put(p, rq->method, strlen(rq->method));
        *p++ = ' ';
        p += log_escape(p, 1024, rq->target, SIZE_MAX);
        p = log_put(p, " HTTP/1.1\" ", 11);
        p = log_uint(p, rq->status);
        *p++ = ' ';
        p = log_uint(p, rq->bytes);
        p = log_put(p, " \"", 2);
        /* The Referer and User-Agent as their first 255 bytes. */
        p += log_escape(p, LOG_FIELD_MAX * 2, ref ? ref : "-", LOG_FIELD_MAX - 1);
        p = log_put(p, "\" \"", 3);
        p += log_escape(p, LOG_FIELD_MAX * 2, ua ? ua : "-", LOG_FIELD_MAX - 1);
        p = log_put(p, "\"\n", 2);

        size_t n = (size_t)(p - line);
        if (w->log_len + n > LOG_BUFFER)
                log_flush(h, w, false);
        if (w->log_len + n > LOG_BUFFER)
                return; /* the descriptor has taken nothing for 64 KiB */
        if (!w->log_len)
                w->log_since = now;
        memcpy(w->log + w->log_len, line, n);
        w->log_len += n;
        if (w->log_len > LOG_BUFFER / 2 || now - w->log_since >= LOG_FLUSH_MS)
                log_flush(h, w, false);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        httpd *h = cls;
        req_state *rq = *con_cls;

        (void)c;
        (void)toe;
        if (!rq)
                return;
        if (rq->deferred) {
                /* The connection ended before its deferred answer was sent:
                 * free it now, or leave it to its finisher. */
                httpd_deferred *d = rq->deferred;
                pthread_mutex_lock(&d->lock);
                bool finished = d->finished;
                d->orphan = true;
                pthread_mutex_unlock(&d->lock);
                if (finished)
                        deferred_free(d);
        }
        uint64_t now = now_ms();
        if (rq->queued && rq->w->log)
                access_log(h, rq, now);
        /* The next request on this connection gets its own deadline. */
        conn_set_deadline(rq->conn, now + h->cfg.request_deadline_ms);
        free(rq->target);
        free(rq->body);
        free(rq);
        *con_cls = NULL;
}

/* ---- start and stop ---- */

static int listen_fds_take(void)
{
        const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
        char *end;

        if (!pid || !fds)
                return -1;
        errno = 0;
        long p = strtol(pid, &end, 10);
        if (errno || *end || p != (long)getpid())
                return -1;
        long n = strtol(fds, &end, 10);
        if (errno || *end || n < 1)
                return -1;
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_FDNAMES");
        return 3; /* SD_LISTEN_FDS_START; only the first socket is used */
}

static int listen_open(const char *listen_addr, char *errbuf, size_t errlen)
{
        char host[256];
        const char *colon, *port;

        if (!listen_addr || strlen(listen_addr) >= sizeof(host)) {
                set_err(errbuf, errlen, _("invalid listen address '%s'"),
                        listen_addr ? listen_addr : "");
                return -EINVAL;
        }
        if (listen_addr[0] == '[') {
                const char *close = strchr(listen_addr, ']');
                if (!close || close[1] != ':') {
                        set_err(errbuf, errlen, _("invalid listen address '%s' (use [ADDR]:PORT)"),
                                listen_addr);
                        return -EINVAL;
                }
                memcpy(host, listen_addr + 1, (size_t)(close - listen_addr - 1));
                host[close - listen_addr - 1] = '\0';
                port = close + 2;
        } else {
                colon = strrchr(listen_addr, ':');
                if (!colon || strchr(listen_addr, ':') != colon) {
                        set_err(errbuf, errlen, _("invalid listen address '%s' (use ADDR:PORT)"),
                                listen_addr);
                        return -EINVAL;
                }
                memcpy(host, listen_addr, (size_t)(colon - listen_addr));
                host[colon - listen_addr] = '\0';
                port = colon + 1;
        }
        size_t plen = strlen(port);
        if (plen == 0 || plen > 5 || strspn(port, "0123456789") != plen || atoi(port) > 65535) {
                set_err(errbuf, errlen, _("invalid port in listen address '%s'"), listen_addr);
                return -EINVAL;
        }

        struct addrinfo hints = { .ai_family = AF_UNSPEC,
                                  .ai_socktype = SOCK_STREAM,
                                  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE },
                        *ai;
        if (getaddrinfo(host, port, &hints, &ai) != 0) {
                set_err(errbuf, errlen,
                        _("invalid address in listen address '%s' (a numeric "
                          "IPv4 or IPv6 address is needed)"),
                        listen_addr);
                return -EINVAL;
        }
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                int r = -errno;
                freeaddrinfo(ai);
                return r;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6)
                setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
                int r = -errno;
                set_err(errbuf, errlen, _("cannot listen on %s: %s"), listen_addr, strerror(-r));
                close(fd);
                freeaddrinfo(ai);
                return r;
        }
        freeaddrinfo(ai);
        return fd;
}

static unsigned socket_port(int fd)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);

        if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
                return 0;
        if (ss.ss_family == AF_INET)
                return ntohs(((struct sockaddr_in *)&ss)->sin_port);
        if (ss.ss_family == AF_INET6)
                return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        return 0;
}

/* Slow-trickle clients each hold a descriptor until their deadline; the
 * soft limit of 1024 would run out long before the connection cap. */
static unsigned raise_fd_limit(unsigned want)
{
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return 1024;
        rlim_t need = (rlim_t)want + 64;
        if (rl.rlim_cur < need) {
                rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
                setrlimit(RLIMIT_NOFILE, &rl);
                getrlimit(RLIMIT_NOFILE, &rl);
        }
        return rl.rlim_cur > 64 ? (unsigned)(rl.rlim_cur - 64) : 1;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
        (void)cls;
        (void)fmt;
        (void)ap;
        /* libmicrohttpd's own messages are per-connection noise (peers
         * resetting, timeouts); the access log and the status codes carry
         * what an operator needs. */
}

/* Hands the connections queued for w to its daemon, on w's thread (in
 * external mode libmicrohttpd wants them added there). */
static void worker_take(worker *w)
{
        pending_conn batch[64];
        size_t n;

        do {
                pthread_mutex_lock(&w->lock);
                n = w->queued < 64 ? w->queued : 64;
                memcpy(batch, w->queue + (w->queued - n), n * sizeof(*batch));
                w->queued -= n;
                atomic_store(&w->has_new, w->queued > 0);
                pthread_mutex_unlock(&w->lock);
                for (size_t i = 0; i < n; i++) {
                        /* On failure libmicrohttpd has closed the socket. */
                        MHD_add_connection(w->mhd, batch[i].fd,
                                           (const struct sockaddr *)&batch[i].addr, batch[i].len);
                        /* Counted by on_connection() from now on. */
                        atomic_fetch_sub(&w->load, 1);
                }
        } while (n == 64);
}

static void *worker_main(void *arg)
{
        worker *w = arg;

        while (!atomic_load(&w->stop)) {
                MHD_UNSIGNED_LONG_LONG t;
                int timeout = -1;
                if (MHD_get_timeout(w->mhd, &t) == MHD_YES)
                        timeout = t > INT_MAX ? INT_MAX : (int)t;
                struct pollfd pf[2] = {
                        { .fd = w->epoll_fd, .events = POLLIN },
                        { .fd = w->wake, .events = POLLIN },
                };
                /* Busy (timeout 0): straight on, the queue is checked
                 * below; the eventfd is read once the worker is idle.
                 * About to wait: the access log's lines go out first. */
                if (timeout != 0) {
                        log_flush(w->h, w, false);
                        if (poll(pf, 2, timeout) < 0 && errno != EINTR)
                                break;
                }
                if (pf[1].revents & POLLIN) {
                        uint64_t v;
                        ssize_t r = read(w->wake, &v, sizeof(v));
                        (void)r;
                }
                if (atomic_load(&w->has_new))
                        worker_take(w);
                MHD_run(w->mhd);
        }
        return NULL;
}

/* Queues a new connection for the worker serving the fewest. */
static void hand_over(httpd *h, const pending_conn *pc)
{
        worker *best = &h->workers[0];
        for (unsigned i = 1; i < h->n_workers; i++)
                if (atomic_load(&h->workers[i].load) < atomic_load(&best->load))
                        best = &h->workers[i];
        pthread_mutex_lock(&best->lock);
        if (best->queued == best->queue_cap) {
                size_t cap = best->queue_cap ? best->queue_cap * 2 : 64;
                pending_conn *q = realloc(best->queue, cap * sizeof(*q));
                if (!q) {
                        pthread_mutex_unlock(&best->lock);
                        close(pc->fd);
                        return;
                }
                best->queue = q;
                best->queue_cap = cap;
        }
        best->queue[best->queued++] = *pc;
        atomic_fetch_add(&best->load, 1);
        atomic_store(&best->has_new, true);
        pthread_mutex_unlock(&best->lock);
        worker_wake(best);
}

/* Accepts connections and hands each to the least loaded worker. At the
 * cap, new connections wait in the listen backlog, as they did when
 * libmicrohttpd accepted itself. Stops on a byte on acceptor_wake. */
static void *acceptor_main(void *arg)
{
        httpd *h = arg;
        int wait_ms = -1;

        for (;;) {
                struct pollfd pf[2] = {
                        { .fd = h->acceptor_wake[0], .events = POLLIN },
                        { .fd = h->listen_fd, .events = POLLIN },
                };
                /* At the cap (or out of descriptors): look again shortly,
                 * without the listening socket, whose backlog holds them. */
                int n = poll(pf, wait_ms < 0 ? 2 : 1, wait_ms);
                if (n < 0 && errno != EINTR)
                        break;
                if (pf[0].revents)
                        break;
                wait_ms = -1;
                for (unsigned i = 0; i < 64; i++) {
                        if (atomic_load(&h->live) >= h->cfg.max_connections) {
                                wait_ms = 10;
                                break;
                        }
                        pending_conn pc = { .len = sizeof(pc.addr) };
                        pc.fd = accept4(h->listen_fd, (struct sockaddr *)&pc.addr, &pc.len,
                                        SOCK_NONBLOCK | SOCK_CLOEXEC);
                        if (pc.fd < 0) {
                                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                                    errno == ENOMEM)
                                        wait_ms = 10;
                                break;
                        }
                        hand_over(h, &pc);
                }
        }
        return NULL;
}

static void acceptor_stop(httpd *h)
{
        if (!h->acceptor_running)
                return;
        ssize_t w = write(h->acceptor_wake[1], "x", 1);
        (void)w;
        pthread_join(h->acceptor, NULL);
        h->acceptor_running = false;
}

static void workers_stop(httpd *h)
{
        for (unsigned i = 0; i < h->n_workers; i++) {
                worker *w = &h->workers[i];
                if (!w->running)
                        continue;
                atomic_store(&w->stop, true);
                worker_wake(w);
                pthread_join(w->thread, NULL);
                w->running = false;
        }
}

static void workers_free(httpd *h)
{
        for (unsigned i = 0; i < h->n_workers; i++) {
                worker *w = &h->workers[i];
                if (w->mhd)
                        MHD_stop_daemon(w->mhd);
                /* With the lines of the requests that stopping finished:
                 * nothing logged is lost on SIGTERM. */
                log_flush(h, w, true);
                free(w->log);
                for (size_t j = 0; j < w->queued; j++)
                        close(w->queue[j].fd);
                free(w->queue);
                if (w->wake >= 0)
                        close(w->wake);
                pthread_mutex_destroy(&w->lock);
        }
        free(h->workers);
        h->workers = NULL;
        h->n_workers = 0;
}

/* One daemon per worker, in external-epoll mode, without a listening
 * socket. */
static int worker_init(httpd *h, worker *w, size_t pool)
{
        unsigned limit = (h->cfg.max_connections + h->cfg.threads - 1) / h->cfg.threads;

        w->h = h;
        w->epoll_fd = w->wake = -1;
        pthread_mutex_init(&w->lock, NULL);
        w->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (w->wake < 0)
                return -errno;
        if (h->cfg.access_log_fd >= 0 && !(w->log = malloc(LOG_BUFFER)))
                return -ENOMEM;
        w->mhd = MHD_start_daemon(
                MHD_USE_EPOLL | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME |
                        MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG,
                0, NULL, NULL, on_access, h, MHD_OPTION_CONNECTION_LIMIT, limit,
                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)h->cfg.idle_timeout_s,
                MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool, MHD_OPTION_URI_LOG_CALLBACK, on_uri, w,
                MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_NOTIFY_CONNECTION,
                on_connection, w, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h, MHD_OPTION_END);
        if (!w->mhd)
                return -EIO;
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(w->mhd, MHD_DAEMON_INFO_EPOLL_FD);
        if (!di)
                return -EIO;
        w->epoll_fd = di->epoll_fd;
        return 0;
}

int httpd_start(const httpd_config *cfg, httpd **ret_server, char *errbuf, size_t errlen)
{
        if (!cfg || !cfg->handler || !ret_server)
                return -EINVAL;
        httpd *h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        h->cfg = *cfg;
        h->listen_fd = h->acceptor_wake[0] = h->acceptor_wake[1] = -1;
        if (!h->cfg.threads) {
                long n = sysconf(_SC_NPROCESSORS_ONLN);
                h->cfg.threads = n > 0 && n < 64 ? (unsigned)n : 2;
        }
        if (!h->cfg.max_connections)
                h->cfg.max_connections = 4096;
        if (!h->cfg.request_deadline_ms)
                h->cfg.request_deadline_ms = 10000;
        if (!h->cfg.idle_timeout_s)
                h->cfg.idle_timeout_s = 30;
        if (!h->cfg.max_target)
                h->cfg.max_target = 2048;
        if (!h->cfg.max_header_bytes)
                h->cfg.max_header_bytes = 16 * 1024;
        if (!h->cfg.max_headers)
                h->cfg.max_headers = 100;
        pthread_mutex_init(&h->lock, NULL);
        pthread_cond_init(&h->wake, NULL);
        pthread_cond_init(&h->deferred_sent, NULL);
        pthread_mutex_init(&h->log_lock, NULL);

        unsigned fd_cap = raise_fd_limit(h->cfg.max_connections);
        if (h->cfg.max_connections > fd_cap)
                h->cfg.max_connections = fd_cap;

        h->listen_fd = listen_fds_take();
        if (h->listen_fd >= 0)
                h->activated = true;
        else {
                h->listen_fd = listen_open(h->cfg.listen, errbuf, errlen);
                if (h->listen_fd < 0) {
                        int r = h->listen_fd;
                        h->listen_fd = -1;
                        httpd_free(h);
                        return r;
                }
        }
        h->port = socket_port(h->listen_fd);
        int fl = fcntl(h->listen_fd, F_GETFL);
        if (fl < 0 || fcntl(h->listen_fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
            pipe2(h->acceptor_wake, O_CLOEXEC) < 0) {
                int r = -errno;
                set_err(errbuf, errlen, _("cannot listen on %s: %s"),
                        h->activated ? "LISTEN_FDS" : h->cfg.listen, strerror(-r));
                httpd_free(h);
                return r;
        }

        /* Every thread started from here on inherits the blocked signals;
         * httpd_run() takes them with sigwait(). */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set, NULL);

        if (pthread_create(&h->watchdog, NULL, watchdog_main, h) != 0) {
                httpd_free(h);
                return -EAGAIN;
        }
        h->watchdog_running = true;

        /* The per-connection memory pool holds what the caps above allow
         * (the header bytes, the target, libmicrohttpd's entry of about 64
         * bytes per header line) plus room for the response's headers, so
         * that a too-large request usually reaches the handler and gets a
         * problem document; beyond the pool, libmicrohttpd answers 431 or
         * 414 itself. No more than that: libmicrohttpd zeroes the whole
         * pool after every request, and at 256 connections a pool twice
         * this size cost a tenth of the server's time in memset and cache
         * misses (docs/benchmarks.md). */
        size_t pool = h->cfg.max_header_bytes + h->cfg.max_target +
                      (size_t)h->cfg.max_headers * 64 + 4096;
        if (pool < h->cfg.max_body + 8192)
                pool = h->cfg.max_body + 8192;
        h->workers = calloc(h->cfg.threads, sizeof(*h->workers));
        if (!h->workers) {
                httpd_free(h);
                return -ENOMEM;
        }
        for (unsigned i = 0; i < h->cfg.threads; i++) {
                h->n_workers++;
                int r = worker_init(h, &h->workers[i], pool);
                if (r < 0) {
                        set_err(errbuf, errlen, _("the HTTP library could not start its threads"));
                        httpd_free(h);
                        return r;
                }
        }
        for (unsigned i = 0; i < h->n_workers; i++) {
                worker *w = &h->workers[i];
                if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
                        httpd_free(h);
                        return -EAGAIN;
                }
                w->running = true;
                pthread_setname_np(w->thread, "httpd-worker");
        }
        if (pthread_create(&h->acceptor, NULL, acceptor_main, h) != 0) {
                httpd_free(h);
                return -EAGAIN;
        }
        h->acceptor_running = true;
        *ret_server = h;
        return 0;
}

unsigned httpd_port(const httpd *server)
{
        return server->port;
}

bool httpd_socket_activated(const httpd *server)
{
        return server->activated;
}

void httpd_run(httpd *server)
{
        sigset_t set;
        int sig;

        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        while (sigwait(&set, &sig) != 0)
                ;

        /* Stop accepting; connections waiting for a request are cut, those
         * producing a response finish it. */
        acceptor_stop(server);
        close(server->listen_fd);
        server->listen_fd = -1;
        pthread_mutex_lock(&server->lock);
        server->draining = true;
        pthread_cond_signal(&server->wake);
        pthread_mutex_unlock(&server->lock);
        uint64_t end = now_ms() + GRACE_MS;
        while (atomic_load(&server->live) > 0 && now_ms() < end) {
                struct timespec ts = { 0, 20 * 1000000 };
                nanosleep(&ts, NULL);
        }
        httpd_free(server);
}

void httpd_free(httpd *server)
{
        if (!server)
                return;
        /* Deferred answers hold suspended connections that libmicrohttpd
         * must not free under their finisher: wait until all are sent. */
        pthread_mutex_lock(&server->lock);
        while (server->n_workers && server->deferred > 0)
                pthread_cond_wait(&server->deferred_sent, &server->lock);
        pthread_mutex_unlock(&server->lock);
        acceptor_stop(server);
        workers_stop(server);
        workers_free(server);
        if (server->watchdog_running) {
                pthread_mutex_lock(&server->lock);
                server->stopping = true;
                pthread_cond_signal(&server->wake);
                pthread_mutex_unlock(&server->lock);
                pthread_join(server->watchdog, NULL);
        }
        if (server->listen_fd >= 0)
                close(server->listen_fd);
        for (int i = 0; i < 2; i++)
                if (server->acceptor_wake[i] >= 0)
                        close(server->acceptor_wake[i]);
        while (server->conns) {
                conn_state *next = server->conns->next;
                free(server->conns);
                server->conns = next;
        }
        pthread_mutex_destroy(&server->lock);
        pthread_cond_destroy(&server->wake);
        pthread_cond_destroy(&server->deferred_sent);
        pthread_mutex_destroy(&server->log_lock);
        free(server);
}
