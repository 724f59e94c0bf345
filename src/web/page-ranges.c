/* SPDX-License-Identifier: MIT */
/* /ranges: the three classes of port (RFC 6335 section 6) explained. */
#include <stdio.h>

#include "i18n.h"
#include "report-phrases.h"
#include "web.h"

void page_ranges(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        const char *crumbs[] = { _("Home"), "/", _("Port ranges"), NULL };
        (void)rq;

        layout_begin(w, pg, _("Port ranges"),
                     _("System, user and dynamic ports: who assigns them and who may bind them."),
                     "/ranges");
        layout_breadcrumb(pg, crumbs, 4);
        H(h, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", _("Port ranges"),
          _("RFC 6335 divides the 65,536 port numbers of each transport protocol into three "
            "ranges. The range decides how a port is assigned, and on most systems who may "
            "bind it."));
        for (int c = 0; c < _PS_RANGE_MAX; c++) {
                ps_range_info ri;
                char path[32];
                size_t records = 0;
                ps_iter it;
                ps_record rec;
                if (ps_range_describe((ps_range_class)c, &ri) < 0)
                        continue;
                ps_iter_range(&it, w->db, ri.lo, ri.hi, PS_PROTO_ANY);
                while (ps_iter_next(&it, &rec) > 0)
                        if (rec.name[0] && !(rec.flags & (PS_REC_UNASSIGNED | PS_REC_RESERVED)))
                                records++;
                snprintf(path, sizeof(path), "/ports/%u-%u", ri.lo, ri.hi);
                H(h, "<h2 id=\"%s\">%s (%u-%u)</h2>\n", ri.id, phrase_range_title(ri.cls), ri.lo,
                  ri.hi);
                H(h, "<p>");
                html_textf(h, _("Also called \"%s\"."), phrase_range_aka(ri.cls));
                H(h, " %s</p>\n<p>", phrase_range_explain(ri.cls));
                char n[PS_I18N_NUM_MAX];
                html_textf(h,
                           ngettext("%s registration in this range.",
                                    "%s registrations in this range.", records),
                           ps_i18n_number(n, sizeof(n), records));
                H(h, " <a href=\"%U\">%s</a></p>\n", path, _("List them"));
        }
        H(h, "<h2>%s</h2>\n<p>%s</p>\n", _("On your machine"),
          _("The operating system draws the source ports of outgoing connections from its own "
            "ephemeral range, which need not match IANA's dynamic range: Linux uses 32768-60999 "
            "by default (net.ipv4.ip_local_port_range), Windows 49152-65535. A service that "
            "listens inside the ephemeral range can find its port taken by a client "
            "connection."));
        layout_end(w, pg);
}
