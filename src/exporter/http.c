/* SPDX-License-Identifier: MIT */
/*
 * The exporter's HTTP side, served by the shared wrapper (src/shared/httpd.h):
 * GET /metrics scans and answers in the format Accept asks for; / points
 * there; everything else is an RFC 9457 problem document.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "exporter.h"
#include "httpd.h"
#include "i18n.h"
#include "json-record.h"
#include "prom-http.h"

struct server {
        struct exporter *e;
        /* One scan at a time: a second scrape waits for the first rather than
         * doubling the /proc walk, and the error counters stay consistent. */
        pthread_mutex_t lock;
};

static void problem(httpd_response *resp, unsigned status, const char *title, const char *detail)
{
        /* An RFC 9457 problem, with the members every portscope document has. */
        json_t *doc = json_doc("problem", json_pack("{s:s, s:s, s:i}", "type", "about:blank",
                                                    "title", title, "status", (int)status));
        char *body = NULL;
        if (doc && detail)
                json_object_set_new(doc, "detail", json_string(detail));
        if (doc)
                body = json_dumps(doc, JSON_COMPACT);
        json_decref(doc);
        httpd_response_status(resp, status);
        httpd_response_header(resp, "Content-Type", "application/problem+json");
        if (body)
                httpd_response_body_take(resp, body, strlen(body));
}

static const char index_page[] =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>portscope exporter</title></head>\n<body><h1>portscope exporter</h1>\n"
        "<p>This host's listening sockets and audit findings for Prometheus: "
        "<a href=\"/metrics\">/metrics</a>.</p></body></html>\n";

static void handle(const httpd_request *req, httpd_response *resp, void *userdata)
{
        struct server *srv = userdata;
        bool head = !strcmp(req->method, "HEAD");
        char *buf = NULL;
        size_t len = 0;

        if (req->refuse) {
                problem(resp, req->refuse, "Bad Request", req->refuse_detail);
                return;
        }
        bool metrics = !strcmp(req->path, "/metrics"), root = !strcmp(req->path, "/");
        if (!metrics && !root) {
                problem(resp, 404, "Not Found", "The exporter serves /metrics only.");
                return;
        }
        if (!head && strcmp(req->method, "GET")) {
                httpd_response_header(resp, "Allow", "GET, HEAD");
                problem(resp, 405, "Method Not Allowed", "Use GET or HEAD.");
                return;
        }
        if (root) {
                httpd_response_status(resp, 200);
                httpd_response_header(resp, "Content-Type", "text/html; charset=utf-8");
                httpd_response_body_static(resp, index_page, sizeof(index_page) - 1);
                return;
        }
        prom_format fmt = prom_negotiate(httpd_request_header(req, "Accept"));
        pthread_mutex_lock(&srv->lock);
        int r = exporter_scrape(srv->e, fmt, &buf, &len);
        pthread_mutex_unlock(&srv->lock);
        if (r < 0) {
                problem(resp, 500, "Internal Server Error",
                        "The scrape failed; portscope_scrape_errors_total counts it.");
                return;
        }
        prom_respond(resp, fmt, buf, len);
}

int exporter_serve(struct exporter *e, const char *listen)
{
        struct server srv = { .e = e, .lock = PTHREAD_MUTEX_INITIALIZER };
        httpd_config cfg = {
                .listen = listen,
                .handler = handle,
                .userdata = &srv,
                /* Prometheus scrapes one at a time; two threads leave room for a
                 * person with curl while a scan runs. */
                .threads = 2,
                .max_connections = 64,
                .access_log_fd = -1,
        };
        httpd *server;
        char err[256];
        int r = httpd_start(&cfg, &server, err, sizeof(err));
        if (r == -EINVAL)
                return cli_error(EXIT_USAGE, _("--listen: %s"), err);
        if (r < 0)
                return cli_error(EXIT_SYSTEM, _("exporter: %s"), err);
        httpd_run(server);
        return EXIT_FOUND;
}
