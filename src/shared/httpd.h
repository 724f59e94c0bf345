/* SPDX-License-Identifier: MIT */
/* The one HTTP/1.1 server of the programs (the site and the Prometheus
 * exporter), a thin layer over libmicrohttpd. It adds what the library
 * leaves to its users: an absolute deadline for receiving a request (a
 * slow-trickle client is cut off, not only an idle one), strict checks of
 * the request line and headers with caps, bodies with a cap, an access log
 * in the Combined Log Format, systemd socket activation and a graceful stop
 * on SIGTERM. The handler sees the raw request-target and decides
 * everything else; it runs on several threads at once. */
#ifndef PS_SHARED_HTTPD_H
#define PS_SHARED_HTTPD_H

#include <stdbool.h>
#include <stddef.h>

typedef struct httpd httpd;

/* A request as the handler sees it; valid during the call only. */
typedef struct httpd_request {
        const char *method;        /* "GET", "HEAD", "POST", ...: a valid token */
        const char *target;        /* the raw request-target, never decoded */
        const char *path;          /* target up to '?', still percent-encoded */
        const char *query;         /* after '?' (raw), or NULL */
        const char *remote;        /* the client's address as text */
        const void *body;          /* the request body (POST), NUL-terminated */
        size_t body_size;          /* at most httpd_config.max_body */
        unsigned refuse;           /* nonzero: the server refused the request with
                                    * this status (400, 413, 414, 431); the handler
                                    * only renders that error */
        const char *refuse_detail; /* why, one English sentence, or NULL */
        void *internal;
} httpd_request;

/* The handler's answer. Fill it with the setters below. */
typedef struct httpd_response httpd_response;

typedef void (*httpd_handler)(const httpd_request *req, httpd_response *resp, void *userdata);

typedef struct httpd_config {
        const char *listen; /* "127.0.0.1:8080", "[::1]:0"; ignored
                             * when systemd passes a socket */
        httpd_handler handler;
        void *userdata;
        unsigned threads;             /* 0: one per CPU */
        unsigned max_connections;     /* 0: 4096 */
        unsigned request_deadline_ms; /* time to receive a whole request,
                                       * from connect or the previous
                                       * response; 0: 10,000 */
        unsigned idle_timeout_s;      /* libmicrohttpd's inactivity timeout; 0: 30 */
        size_t max_target;            /* longest request-target; 0: 2048 (414) */
        size_t max_header_bytes;      /* all header lines; 0: 16 KiB (431) */
        unsigned max_headers;         /* header lines; 0: 100 (431) */
        size_t max_body;              /* longest body; 0 refuses bodies (413) */
        int access_log_fd;            /* Combined Log Format lines; -1: none */
} httpd_config;

/* Header lookup, case-insensitive; NULL when absent. */
const char *httpd_request_header(const httpd_request *req, const char *name);

/* The status defaults to 500 with an empty body until set. */
void httpd_response_status(httpd_response *resp, unsigned status);
/* Adds a header; both strings are copied. Returns -ENOMEM or -E2BIG (more
 * than 24 headers). */
int httpd_response_header(httpd_response *resp, const char *name, const char *value);
/* The body: a buffer the response owns from now on (freed with free()). */
void httpd_response_body_take(httpd_response *resp, void *body, size_t size);
/* The body: a buffer that outlives the response (static data). */
void httpd_response_body_static(httpd_response *resp, const void *body, size_t size);
/* The body: a shared buffer; release(cls) is called once the response no
 * longer needs it (for reference-counted caches). */
void httpd_response_body_shared(httpd_response *resp, const void *body, size_t size,
                                void (*release)(void *cls), void *cls);

/* An answer built once and sent many times, from any thread at once (a
 * cache of rendered pages): its status, headers and body are fixed when it
 * is made, so a request that sends it allocates nothing. It is counted:
 * every response that sends it holds a reference until the send is done;
 * release(cls) frees the body after the last. */
typedef struct httpd_prepared httpd_prepared;
/* status with body (size bytes; body NULL for none), one reference. NULL:
 * out of memory (the body is not released then). */
httpd_prepared *httpd_prepared_new(unsigned status, const void *body, size_t size,
                                   void (*release)(void *cls), void *cls);
/* Adds a header; only before the first send. -ENOMEM on failure. */
int httpd_prepared_header(httpd_prepared *p, const char *name, const char *value);
void httpd_prepared_unref(httpd_prepared *p);
/* Answers with p (taking a reference); whatever else was set on resp is
 * dropped. */
void httpd_response_prepared(httpd_response *resp, httpd_prepared *p);

/* An answer that comes later. A handler that waits for something slow (a
 * vote's disk flush) defers its answer instead of holding a worker thread:
 * it calls httpd_response_defer() and returns; the connection waits,
 * suspended, until httpd_deferred_finish() is called, from any thread, with
 * the answer set on httpd_deferred_response(). Whatever the handler set on
 * resp itself is dropped. Finish every deferred answer exactly once: the
 * server waits for all of them before it stops. NULL: out of memory. */
typedef struct httpd_deferred httpd_deferred;
httpd_deferred *httpd_response_defer(httpd_response *resp);
httpd_response *httpd_deferred_response(httpd_deferred *d);
void httpd_deferred_finish(httpd_deferred *d);

/* Binds (or takes the socket systemd passed in LISTEN_FDS) and starts the
 * worker threads. Blocks SIGTERM and SIGINT in the calling thread first, so
 * that every thread inherits the mask and httpd_run() can wait for them.
 * Errors: -EINVAL (bad listen address or config), -errno of socket/bind,
 * -EIO (libmicrohttpd refused to start). errbuf gets one English sentence. */
int httpd_start(const httpd_config *cfg, httpd **ret_server, char *errbuf, size_t errlen);
/* The bound TCP port (useful with port 0). */
unsigned httpd_port(const httpd *server);
/* Whether the socket came from systemd (LISTEN_FDS). */
bool httpd_socket_activated(const httpd *server);
/* Waits for SIGTERM or SIGINT, then stops gracefully: no new connections,
 * requests in flight finish (up to 5 s), then everything is freed. */
void httpd_run(httpd *server);
/* Stops at once and frees; for tests and error paths. NULL is fine. */
void httpd_free(httpd *server);

#endif
