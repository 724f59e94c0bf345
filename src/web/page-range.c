/* SPDX-License-Identifier: MIT */
/* /ports/LO-HI: every registration in a range (the range report). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "page-common.h"
#include "report-phrases.h"
#include "web.h"

int web_range_bounds(const web_req *rq, unsigned *lo, unsigned *hi)
{
        const char *s = rq->seg[rq->n_seg - 1];
        char *end;
        *lo = (unsigned)strtoul(s, &end, 10);
        *hi = (unsigned)strtoul(end + 1, NULL, 10);
        return 0;
}

void page_range(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        ps_range_report *r = NULL;
        ps_report_opts o;
        unsigned lo, hi;
        char title[96], canonical[32], buf[PHRASE_MAX], port[32];

        web_range_bounds(rq, &lo, &hi);
        web_report_opts(w, &o);
        if (ps_range_report_build(&o, lo, hi, PS_PROTO_ANY, &r) < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        snprintf(title, sizeof(title), _("Ports %u-%u"), lo, hi);
        snprintf(canonical, sizeof(canonical), "/ports/%u-%u", lo, hi);
        const char *crumbs[] = { _("Home"), "/", _("Ports"), "/ranges", title, NULL };
        layout_begin(w, pg, title, _("Every registration in this range of ports."), canonical);
        layout_breadcrumb(pg, crumbs, 6);
        H(h, "<h1>%s</h1>\n<p class=\"lead\">", title);
        char n[PS_I18N_NUM_MAX], date[64];
        html_textf(h,
                   ngettext("%s registration in the IANA registry of %s.",
                            "%s registrations in the IANA registry of %s.", r->n_groups),
                   ps_i18n_number(n, sizeof(n), r->n_groups),
                   web_date(r->registry_date, date, sizeof(date)));
        H(h, "</p>\n");
        if (r->n_groups) {
                html_table_open(h, _("Port"), _("Protocols"), _("Service"), _("Description"), NULL);
                for (size_t i = 0; i < r->n_groups; i++) {
                        const ps_report_group *g = ps_range_report_group_at(r, i);
                        const ps_record *rec = &g->record;
                        phrase_record_port(rec, port, sizeof(port));
                        if (rec->port_lo == rec->port_hi)
                                H(h, "<tr><td><a href=\"/ports/%u\">%s</a></td>", rec->port_lo,
                                  port);
                        else
                                H(h, "<tr><td>%s</td>", port);
                        H(h, "<td>%s</td><td>", phrase_protocols(g->protocols, buf, sizeof(buf)));
                        if (*rec->name)
                                H(h, "<a href=\"/services/%s\">%s</a>", rec->name, rec->name);
                        H(h, "</td><td>%s</td></tr>\n", rec->description);
                }
                html_table_close(h);
        }
        layout_end(w, pg);
        ps_range_report_free(r);
}
