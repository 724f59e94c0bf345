/* SPDX-License-Identifier: MIT */
/* /suggest: free ports for a new service, decided by the registry, the
 * notes and nmap-services alone; the server's own sockets are not the
 * visitor's. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "web.h"

#define SUGGEST_COUNT 12

int web_suggest(const web *w, ps_range_class range, unsigned protocols, const char *for_name,
                ps_suggestion *ret, size_t count)
{
        ps_suggest_opts o = {
                .db = w->db,
                .notes = w->notes,
                .protocols = protocols,
                .range = range,
                .for_name = for_name,
                .seed = 0,
                .nmap_services = w->prevalence ? ps_prevalence_path(w->prevalence) : "",
                .no_local = true,
        };
        return ps_suggest(&o, ret, count);
}

void page_suggest(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        ps_suggestion s[SUGGEST_COUNT];
        const char *crumbs[] = { _("Home"), "/", _("Free ports"), NULL };
        (void)rq;

        layout_begin(w, pg, _("Free ports for your own service"),
                     _("Ports no registration, known software or scan data claims."), "/suggest");
        layout_breadcrumb(pg, crumbs, 4);
        H(h, "<h1>%s</h1>\n", _("Free ports for your own service"));
        int n = web_suggest(w, PS_RANGE_USER, 0, NULL, s, SUGGEST_COUNT);
        if (n < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        H(h, "<p class=\"lead\">");
        html_textf(h,
                   _("Each port below is unassigned for both tcp and udp in the IANA registry "
                     "of %s, outside Linux's default ephemeral range 32768-60999, not blocked by "
                     "browsers, free of known unofficial uses, and ordered from the least seen "
                     "open."),
                   ps_db_date(w->db));
        H(h, "</p>\n");
        html_table_open(h, _("Port"), _("Seen open by nmap"), NULL);
        for (int i = 0; i < n; i++) {
                H(h, "<tr><td><a href=\"/ports/%u\">%u</a></td><td>", s[i].port, s[i].port);
                if (s[i].open_frequency < 0)
                        H(h, "%s", w->prevalence ? _("not listed") : _("unknown"));
                else {
                        char pct[PS_I18N_NUM_MAX];
                        /* TRANSLATORS: a percentage; put a (no-break) space before %% if your
                           language writes one. */
                        html_textf(h, _("%s%%"),
                                   ps_i18n_decimal(pct, sizeof(pct), s[i].open_frequency * 100, 4,
                                                   'g'));
                }
                H(h, "</td></tr>\n");
        }
        html_table_close(h);
        H(h, "<p>%s</p>\n<pre><code>portscope suggest --for NAME</code></pre>\n",
          _("Before you use one, check your own machine: the command below also leaves out "
            "ports your system reserves or already uses, and picks the same port for the "
            "same service name every time."));
        layout_end(w, pg);
}
