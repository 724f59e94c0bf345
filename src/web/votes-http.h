/* SPDX-License-Identifier: MIT */
/* The vote routes of the server and their settings (src/web/votes-http.c). */
#ifndef PS_WEB_VOTES_HTTP_H
#define PS_WEB_VOTES_HTTP_H

#include <stdint.h>

#include "httpd.h"
#include "votes-store.h"
#include "web.h"

#define WEB_VOTES_PROXIES_MAX 16
#define WEB_VOTES_RATE_DEFAULT 30 /* votes a minute per client, as many at once */

/* Opens the store at location (NULL: the default path) for w. A store that
 * cannot be opened now is logged and tried again at later votes, which get
 * 503 meanwhile; only a newer schema or a bad setting fails here. */
int web_votes_open(web *w, const char *location, const char *const *proxies, size_t n_proxies,
                   unsigned per_minute, char *err, size_t err_size);
void web_votes_close(web_votes *v);

/* POST /ports/N/vote and GET/POST /api/v1/ports/N/votes (routes.c). */
void web_votes_form(const web *w, const web_req *rq, const httpd_request *req,
                    httpd_response *resp);
void web_votes_api(const web *w, const web_req *rq, const httpd_request *req, httpd_response *resp);

/* The votes' metrics (by result, the store's faults) for --metrics-listen. */
struct prom_writer;
void web_votes_metrics(const web *w, struct prom_writer *pw);

/* The port page's tally, summed over languages, for the thanks after a vote. */
int web_votes_tally(const web *w, unsigned port, uint64_t ret_count[VOTE_VALUE_COUNT]);

#endif
