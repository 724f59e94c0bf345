/* SPDX-License-Identifier: MIT */
/* The JSON API under /api/v1/: the same documents as the command line's
 * --json, from the same encoders (src/shared/json-*.c). */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "json-diff.h"
#include "json-lists.h"
#include "json-record.h"
#include "json-report.h"
#include "page-common.h"
#include "parse.h"
#include "web.h"

#define SUGGEST_COUNT_MAX 100 /* as suggest --count */

extern const char web_asset_openapi_json[];
extern const size_t web_asset_openapi_json_len;

/* Writes doc (and frees it) as the page's body. The members keep their
 * order, as on the command line: schema_version and kind first (docs/json.md). */
static void emit(web_page *pg, json_t *doc)
{
        pg->kind = WEB_JSON;
        char *s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        json_decref(doc);
        if (!s) {
                pg->out.failed = true;
                return;
        }
        if (ps_dynbuf_add(&pg->out.b, s, strlen(s)) < 0 || ps_dynbuf_addc(&pg->out.b, '\n') < 0)
                pg->out.failed = true;
        free(s);
}

void api_index(const web *w, const web_req *rq, web_page *pg)
{
        (void)rq;
        json_t *doc = json_pack(
                "{s:s, s:s, s:s, s:[s,s,s,s,s,s,s,s,s]}", "openapi", "/api/v1/openapi.json",
                "registry_date", ps_db_date(w->db), "documentation", "/about", "endpoints",
                "/api/v1/ports/{port}", "/api/v1/ports/{low}-{high}", "/api/v1/ranges",
                "/api/v1/services/{name}", "/api/v1/search?q={words}", "/api/v1/notes",
                "/api/v1/notes/{tag}", "/api/v1/suggest", "/api/v1/changes");
        emit(pg, json_doc("api_index", doc));
}

void api_openapi(const web *w, const web_req *rq, web_page *pg)
{
        (void)w;
        (void)rq;
        pg->kind = WEB_JSON;
        if (ps_dynbuf_add(&pg->out.b, web_asset_openapi_json, web_asset_openapi_json_len) < 0)
                pg->out.failed = true;
}

void api_ports(const web *w, const web_req *rq, web_page *pg)
{
        ps_port_report *r = NULL;
        unsigned port = (unsigned)strtoul(rq->seg[rq->n_seg - 1], NULL, 10);

        if (web_port_report(w, port, &r) < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        emit(pg, json_port_report(r, w->db, w->notes));
        ps_port_report_free(r);
}

void api_ranges(const web *w, const web_req *rq, web_page *pg)
{
        if (rq->n_seg == 3) {
                /* /api/v1/ranges: the three classes. */
                json_t *arr = json_array();
                for (int c = 0; c < _PS_RANGE_MAX; c++) {
                        ps_range_info ri;
                        if (ps_range_describe((ps_range_class)c, &ri) >= 0)
                                json_array_append_new(
                                        arr,
                                        json_pack("{s:s, s:i, s:i, s:s, s:s, s:s}", "class", ri.id,
                                                  "low", ri.lo, "high", ri.hi, "title", ri.title,
                                                  "aka", ri.aka, "explanation", ri.explain));
                }
                emit(pg, json_pack("{s:i, s:s, s:o}", "schema_version", JSON_SCHEMA_VERSION, "kind",
                                   "ranges", "ranges", arr));
                return;
        }
        ps_range_report *r = NULL;
        ps_report_opts o;
        unsigned lo, hi;
        web_range_bounds(rq, &lo, &hi);
        web_report_opts(w, &o);
        if (ps_range_report_build(&o, lo, hi, PS_PROTO_ANY, &r) < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        emit(pg, json_range_report(r, w->db));
        ps_range_report_free(r);
}

void api_services(const web *w, const web_req *rq, web_page *pg)
{
        ps_name_report *r = NULL;
        ps_report_opts o;
        char name[WEB_PATH_MAX + 1];
        web_report_opts(w, &o);
        if (ps_name_report_build(&o, web_req_name(rq, 3, name, sizeof(name)), PS_PROTO_ANY, &r) <
            0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        /* Not found is still the name report (with the similar names), as
         * the command line prints it; the status says 404. */
        if (!r->found)
                pg->status = 404;
        emit(pg, json_name_report(r, w->db));
        ps_name_report_free(r);
}

/* A 400 problem for a bad API parameter. The details are English, as the
 * router's are: they are read by the programmer of a client. */
static void bad_param(const web *w, const web_req *rq, web_page *pg, const char *detail)
{
        web_error(w, rq, pg, 400, detail);
}

/* ?protocol=: any protocol (search) or tcp and udp only (suggest). */
static int param_proto(const web_req *rq, ps_proto *ret)
{
        const char *s = web_param_get(rq, "protocol");
        *ret = PS_PROTO_ANY;
        return s ? ps_proto_from_string(s, ret) : 0;
}

void api_search(const web *w, const web_req *rq, web_page *pg)
{
        ps_match recs[WEB_SEARCH_RESULTS], notes[WEB_SEARCH_RESULTS];
        const char *q = web_param_get(rq, "q");
        ps_proto proto;

        if (!q || !*q) {
                bad_param(w, rq, pg, "The search needs words: ?q=WORDS.");
                return;
        }
        if (param_proto(rq, &proto) < 0) {
                bad_param(w, rq, pg, "protocol is one of tcp, udp, sctp or dccp.");
                return;
        }
        int nr = ps_db_search(w->db, q, proto, recs, WEB_SEARCH_RESULTS);
        int nn = nr < 0 ? nr : ps_notes_search(w->notes, q, proto, notes, WEB_SEARCH_RESULTS);
        if (nr == -E2BIG || nn == -E2BIG || nr == -EINVAL || nn == -EINVAL) {
                bad_param(w, rq, pg, "q has no words, or more words than a search takes.");
                return;
        }
        if (nr < 0 || nn < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        /* Nothing found is still the search document, as the command line
         * prints it; the status says 404. */
        if (!nr && !nn)
                pg->status = 404;
        emit(pg, json_search(w->db, w->notes, q, nr, recs,
                             (size_t)(nr < WEB_SEARCH_RESULTS ? nr : WEB_SEARCH_RESULTS), nn, notes,
                             (size_t)(nn < WEB_SEARCH_RESULTS ? nn : WEB_SEARCH_RESULTS)));
}

void api_notes(const web *w, const web_req *rq, web_page *pg)
{
        ps_tag tag;
        ps_proto proto;
        size_t n = 0;

        if (web_notes_tag(w, rq, pg, &tag) < 0)
                return;
        if (param_proto(rq, &proto) < 0) {
                bad_param(w, rq, pg, "protocol is one of tcp, udp, sctp or dccp.");
                return;
        }
        json_t *doc = json_notes(w->notes, proto, tag, &n);
        if (doc && !n)
                pg->status = 404;
        emit(pg, doc);
}

void api_suggest(const web *w, const web_req *rq, web_page *pg)
{
        ps_suggestion s[SUGGEST_COUNT_MAX];
        const char *range = web_param_get(rq, "range"), *count = web_param_get(rq, "count");
        const char *name = web_param_get(rq, "for");
        ps_range_class rc = PS_RANGE_USER;
        unsigned protocols = 0, n = 5;
        ps_proto proto;

        if (range && !strcmp(range, "dynamic"))
                rc = PS_RANGE_DYNAMIC;
        else if (range && strcmp(range, "user")) {
                bad_param(w, rq, pg, "range is user or dynamic.");
                return;
        }
        if (count && (ps_parse_unsigned(count, SUGGEST_COUNT_MAX, &n) < 0 || n < 1)) {
                bad_param(w, rq, pg, "count is a number from 1 to 100.");
                return;
        }
        if (param_proto(rq, &proto) < 0 ||
            (proto != PS_PROTO_ANY && proto != PS_PROTO_TCP && proto != PS_PROTO_UDP)) {
                bad_param(w, rq, pg, "protocol is tcp or udp.");
                return;
        }
        if (name && !*name) {
                bad_param(w, rq, pg, "for is a service name.");
                return;
        }
        protocols = proto == PS_PROTO_TCP   ? PS_SUGGEST_TCP
                    : proto == PS_PROTO_UDP ? PS_SUGGEST_UDP
                                            : PS_SUGGEST_TCP | PS_SUGGEST_UDP;
        int got = web_suggest(w, rc, protocols, name, s, n);
        if (got < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        if (!got)
                pg->status = 404;
        emit(pg, json_suggest(s, (size_t)got, protocols, rc, name, NULL));
}

void api_changes(const web *w, const web_req *rq, web_page *pg)
{
        const ps_db *previous;
        const ps_diff *d;

        if (web_changes(w, &previous, &d) < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        /* The inputs as `portscope diff` names them: the file the previous
         * registry was compiled from, and the registry served. */
        emit(pg, json_diff(d, ps_db_source(previous), previous, ps_db_source(w->db), w->db));
}
