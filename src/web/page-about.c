/* SPDX-License-Identifier: MIT */
/* /about: where the data comes from, its licences, and what the site does
 * not do. */
#include "i18n.h"
#include "web.h"

void page_about(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        const char *crumbs[] = { _("Home"), "/", _("About"), NULL };
        (void)rq;

        layout_begin(w, pg, _("About this site"),
                     _("Data sources, licences and how the pages are made."), "/about");
        layout_breadcrumb(pg, crumbs, 4);
        H(h, "<h1>%s</h1>\n", _("About this site"));
        H(h, "<p>%s</p>\n",
          _("Every page is generated from data bundled with portscope, an open-source command-line "
            "tool and C library; the same facts and sentences appear in its terminal output and "
            "in this site's JSON API."));
        H(h, "<h2>%s</h2>\n<dl class=\"record\">\n", _("Data sources"));
        H(h, "<dt>%s</dt><dd>", _("Registry"));
        html_textf(h,
                   _("The IANA Service Name and Transport Protocol Port Number Registry of %s "
                     "(%zu records)."),
                   ps_db_date(w->db), ps_db_count(w->db));
        H(h,
          " <a href=\"https://www.iana.org/assignments/service-names-port-numbers/\">%s</a>. "
          "%s <a href=\"https://www.iana.org/help/licensing-terms\">%s</a>.</dd>\n",
          _("The registry at IANA"), _("IANA publishes it under its"), _("licensing terms"));
        H(h, "<dt>%s</dt><dd>", _("Knowledge notes"));
        html_textf(h,
                   _("%zu hand-written notes on what really uses a port, each with its sources "
                     "and a confidence level, under CC BY 4.0."),
                   ps_notes_count(w->notes));
        H(h, " <a href=\"https://creativecommons.org/licenses/by/4.0/\">%s</a></dd>\n",
          _("The licence"));
        H(h, "<dt>%s</dt><dd>%s</dd>\n", _("Prevalence"),
          w->prevalence ? _("How often nmap's scans find a port open, from its nmap-services "
                            "file (Nmap Public Source License).")
                        : _("Not shown: nmap's nmap-services file is not installed on this "
                            "server."));
        H(h, "</dl>\n");
        H(h, "<h2>%s</h2>\n<p>%s</p>\n", _("Privacy"),
          _("This site sets no cookies, runs no script and loads nothing from other sites. The "
            "server keeps an access log (address, time, page, browser) for its operator. It "
            "never shows the sockets or processes of the machine it runs on."));
        H(h, "<h2>%s</h2>\n<p>%s <a href=\"/api/v1\">%s</a></p>\n", _("Reuse"),
          _("Every page's facts are also available as JSON, with an OpenAPI description."),
          _("The JSON API"));
        layout_end(w, pg);
}
