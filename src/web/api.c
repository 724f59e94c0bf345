/* SPDX-License-Identifier: MIT */
/* The JSON API under /api/v1/: the same documents as the command line's
 * --json, from the same encoders (src/shared/json-*.c). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "json-record.h"
#include "json-report.h"
#include "page-common.h"
#include "web.h"

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
        json_t *doc =
                json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s,s,s,s]}", "openapi", "/api/v1/openapi.json",
                          "registry_date", ps_db_date(w->db), "documentation", "/about",
                          "endpoints", "/api/v1/ports/{port}", "/api/v1/ports/{low}-{high}",
                          "/api/v1/ranges", "/api/v1/services/{name}", "/api/v1/search?q={words}",
                          "/api/v1/notes", "/api/v1/notes/{tag}", "/api/v1/suggest");
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
        web_report_opts(w, &o);
        if (ps_name_report_build(&o, rq->seg[3], PS_PROTO_ANY, &r) < 0) {
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
