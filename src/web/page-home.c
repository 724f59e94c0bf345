/* SPDX-License-Identifier: MIT */
/* The home page: what the site is, a search box, the three ranges and a
 * few ports worth a look. */
#include <stdio.h>

#include "i18n.h"
#include "report-phrases.h"
#include "web.h"

/* Ports people look up often, and ports whose pages show what the site can
 * do (a cited unofficial use, an amplification vector, a dormant
 * registration). */
static const unsigned examples[] = { 22,   53,   80,   123,  443,  445,   1712,
                                     3306, 3389, 5432, 6379, 8080, 11211, 27017 };

void page_home(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        (void)rq;

        layout_begin(w, pg, _("Every network port, explained"),
                     _("What each TCP and UDP port is registered for, what really uses it, "
                       "how to check it, and free ports for your own service."),
                     "/");
        H(h, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", _("Every network port, explained"),
          _("The complete IANA registry, cited notes on what really uses a port, how often "
            "scanners find it open, and how to see what listens on it."));
        H(h,
          "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\">\n"
          "<label class=\"vh\" for=\"home-q\">%s</label>\n"
          "<input id=\"home-q\" name=\"q\" type=\"search\" maxlength=\"200\" "
          "placeholder=\"%s\">\n<button type=\"submit\">%s</button>\n</form>\n",
          _("Port number, service name or word"), _("1712, ssh, memcached..."), _("Look up"));

        H(h, "<h2>%s</h2>\n<ul>\n", _("Port ranges"));
        for (int c = 0; c < _PS_RANGE_MAX; c++) {
                ps_range_info ri;
                char path[32];
                if (ps_range_describe((ps_range_class)c, &ri) < 0)
                        continue;
                snprintf(path, sizeof(path), "/ports/%u-%u", ri.lo, ri.hi);
                H(h, "<li><a href=\"%U\">%s (%u-%u)</a>: %s</li>\n", path,
                  phrase_range_title(ri.cls), ri.lo, ri.hi, phrase_range_explain(ri.cls));
        }
        H(h, "</ul>\n<p><a href=\"/ranges\">%s</a></p>\n", _("What the ranges mean"));

        H(h, "<h2>%s</h2>\n<ul class=\"cols\">\n", _("Ports to start with"));
        for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
                ps_iter it;
                ps_record rec;
                const char *name = "";
                ps_iter_port(&it, w->db, examples[i], PS_PROTO_ANY);
                while (ps_iter_next(&it, &rec) > 0)
                        if (rec.name[0]) {
                                name = rec.name;
                                break;
                        }
                H(h, "<li><a href=\"/ports/%u\">%u</a> %s</li>\n", examples[i], examples[i], name);
        }
        H(h, "</ul>\n");

        H(h, "<h2>%s</h2>\n<ul>\n", _("More"));
        H(h, "<li><a href=\"/notes\">%s</a></li>\n",
          _("Knowledge notes by tag: malware, "
            "amplification, development defaults..."));
        H(h, "<li><a href=\"/suggest\">%s</a></li>\n",
          _("Free ports for your own service, and why each is safe"));
        H(h, "<li><a href=\"/api/v1\">%s</a></li>\n", _("The JSON API"));
        H(h, "</ul>\n");
        layout_end(w, pg);
}
