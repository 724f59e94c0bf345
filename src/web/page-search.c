/* SPDX-License-Identifier: MIT */
/* /search?q=: the library's ranking over registrations and notes. A port
 * number or a range goes straight to its page. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "web.h"

void page_search(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        const char *q = web_param_get(rq, "q");
        ps_match recs[WEB_SEARCH_RESULTS], notes[WEB_SEARCH_RESULTS];
        ps_port_spec spec;

        pg->no_store = true;
        if (q && ps_parse_port_spec(q, &spec) == 0) {
                pg->status = 303;
                if (spec.lo == spec.hi)
                        snprintf(pg->location, sizeof(pg->location), "/ports/%u", spec.lo);
                else
                        snprintf(pg->location, sizeof(pg->location), "/ports/%u-%u", spec.lo,
                                 spec.hi);
                H(h,
                  "<!DOCTYPE html>\n<html lang=\"en\"><head><title>%s</title></head><body>"
                  "<p><a href=\"%U\">%s</a></p></body></html>\n",
                  pg->location, pg->location, pg->location);
                return;
        }
        const char *crumbs[] = { _("Home"), "/", _("Search"), NULL };
        layout_begin(w, pg, q && *q ? q : _("Search"), _("Search ports, services and notes."),
                     "/search");
        layout_breadcrumb(pg, crumbs, 4);
        H(h, "<h1>%s</h1>\n", _("Search"));
        H(h,
          "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\">\n"
          "<label class=\"vh\" for=\"search-q\">%s</label>\n"
          "<input id=\"search-q\" name=\"q\" type=\"search\" maxlength=\"200\" value=\"%s\">\n"
          "<button type=\"submit\">%s</button>\n</form>\n",
          _("Port number, service name or word"), q ? q : "", _("Search"));
        if (!q || !*q) {
                H(h, "<p>%s</p>\n",
                  _("Type a port number (1712), a range (8000-8100), a service "
                    "name (ssh) or words (\"exchange mapi\")."));
                layout_end(w, pg);
                return;
        }
        int nr = ps_db_search(w->db, q, PS_PROTO_ANY, recs, WEB_SEARCH_RESULTS);
        int nn = ps_notes_search(w->notes, q, PS_PROTO_ANY, notes, WEB_SEARCH_RESULTS);
        if (nr <= 0 && nn <= 0) {
                pg->status = 404;
                H(h, "<p>%s</p>\n", _("Nothing matches all of these words."));
                layout_end(w, pg);
                return;
        }
        if (nn > 0) {
                H(h, "<h2>%s</h2>\n<ul>\n", _("Knowledge notes"));
                for (int i = 0; i < nn && i < WEB_SEARCH_RESULTS; i++) {
                        ps_note note;
                        ps_note_port p = { 0 };
                        if (ps_notes_get(w->notes, notes[i].id, &note) < 0)
                                continue;
                        if (note.n_ports)
                                ps_note_get_port(w->notes, &note, 0, &p);
                        H(h, "<li><a href=\"/ports/%u#note-%s\">%s</a></li>\n", p.lo, note.slug,
                          note.title);
                }
                H(h, "</ul>\n");
        }
        if (nr > 0) {
                H(h, "<h2>%s</h2>\n<p class=\"meta\">", _("Registrations"));
                char n[PS_I18N_NUM_MAX];
                html_textf(h,
                           ngettext("%s match; the best %d shown.",
                                    "%s matches; the best %d shown.", (unsigned long)nr),
                           ps_i18n_number(n, sizeof(n), (unsigned long long)nr),
                           nr < WEB_SEARCH_RESULTS ? nr : WEB_SEARCH_RESULTS);
                H(h, "</p>\n");
                html_table_open(h, _("Port"), _("Protocol"), _("Service"), _("Description"), NULL);
                for (int i = 0; i < nr && i < WEB_SEARCH_RESULTS; i++) {
                        ps_record rec;
                        if (ps_db_record(w->db, recs[i].id, &rec) < 0)
                                continue;
                        H(h, "<tr><td>");
                        if (!(rec.flags & PS_REC_HAS_PORT))
                                H(h, "-");
                        else if (rec.port_lo == rec.port_hi)
                                H(h, "<a href=\"/ports/%u\">%u</a>", rec.port_lo, rec.port_lo);
                        else
                                H(h, "<a href=\"/ports/%u-%u\">%u-%u</a>", rec.port_lo, rec.port_hi,
                                  rec.port_lo, rec.port_hi);
                        H(h, "</td><td>%s</td><td>", ps_proto_name(rec.proto));
                        if (rec.name[0])
                                H(h, "<a href=\"/services/%s\">%s</a>", rec.name, rec.name);
                        H(h, "</td><td>%s</td></tr>\n", rec.description);
                }
                html_table_close(h);
        }
        layout_end(w, pg);
}
