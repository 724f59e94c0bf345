/* SPDX-License-Identifier: MIT */
/* /services/NAME: a service name's registrations (the name report). */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "page-common.h"
#include "report-phrases.h"
#include "web.h"

void page_service(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        ps_name_report *r = NULL;
        ps_report_opts o;
        char name_buf[WEB_PATH_MAX + 1];
        const char *name = web_req_name(rq, 1, name_buf, sizeof(name_buf));
        char title[128], canonical[96], port[32];

        web_report_opts(w, &o);
        if (ps_name_report_build(&o, name, PS_PROTO_ANY, &r) < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        if (!r->found) {
                /* A 404 that still helps: the closest names. */
                web_error(w, rq, pg, 404, _("No service of that name is registered."));
                if (r->n_similar && pg->kind == WEB_HTML) {
                        html_free(&pg->out);
                        html_init(&pg->out);
                        snprintf(title, sizeof(title), _("No service named %s"), name);
                        layout_begin(w, pg, title, NULL, NULL);
                        H(h, "<h1>%s</h1>\n<p>%s</p>\n<h2>%s</h2>\n<ul>\n", title,
                          _("No service of that name is registered."), _("Did you mean"));
                        for (size_t i = 0; i < r->n_similar; i++) {
                                const ps_report_group *g = ps_name_report_similar_at(r, i);
                                if (!*g->record.name)
                                        continue;
                                H(h, "<li><a href=\"/services/%s\">%s</a> %s</li>\n",
                                  g->record.name, g->record.name, g->record.description);
                        }
                        H(h, "</ul>\n");
                        layout_end(w, pg);
                }
                ps_name_report_free(r);
                return;
        }
        const ps_report_group *first = ps_name_report_group_at(r, 0);
        snprintf(title, sizeof(title), _("Service %s"), first->record.name);
        snprintf(canonical, sizeof(canonical), "/services/%s", first->record.name);
        const char *crumbs[] = {
                _("Home"), "/", _("Services"), "/search", first->record.name, NULL
        };
        layout_begin(w, pg, title, first->record.description, canonical);
        layout_breadcrumb(pg, crumbs, 6);
        H(h, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", title, first->record.description);
        for (size_t i = 0; i < r->n_groups; i++) {
                const ps_report_group *g = ps_name_report_group_at(r, i);
                if (g->record.flags & PS_REC_HAS_PORT) {
                        phrase_record_port(&g->record, port, sizeof(port));
                        if (g->record.port_lo == g->record.port_hi)
                                H(h, "<h2><a href=\"/ports/%u\">%s</a></h2>\n", g->record.port_lo,
                                  port);
                        else
                                H(h, "<h2><a href=\"/ports/%s\">%s</a></h2>\n", port, port);
                }
                render_group(w, h, g, false);
                size_t na = ps_name_report_n_aliases(r, i);
                if (na) {
                        H(h, "<p class=\"meta\">%s", _("Other names on the same port:"));
                        for (size_t k = 0; k < na; k++) {
                                const char *a = ps_name_report_alias_at(r, i, k);
                                H(h, " <a href=\"/services/%s\">%s</a>", a, a);
                        }
                        H(h, "</p>\n");
                }
        }
        layout_end(w, pg);
        ps_name_report_free(r);
}
