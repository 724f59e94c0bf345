/* SPDX-License-Identifier: MIT */
/* /ports/N: the port report (lib/report-port.c) as a page, and the vote
 * form's POST. The library decides; this file only lays the report out,
 * with the terminal's sentences (src/shared/report-phrases.c). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "page-common.h"
#include "report-phrases.h"
#include "votes-http.h"
#include "web.h"

/* The port's registry records, one block per group of records that differ
 * only in protocol. */
static void section_registry(const web *w, html *h, const ps_port_report *r)
{
        char buf[PHRASE_MAX];

        H(h, "<section aria-labelledby=\"registry\">\n<h2 id=\"registry\">%s</h2>\n",
          _("The official registration"));
        H(h, "<p class=\"meta\">");
        html_textf(h, _("IANA Service Name and Transport Protocol Port Number Registry of %s."),
                   web_date(r->registry_date, buf, sizeof(buf)));
        H(h, " <a href=\"%U\">%s</a></p>\n", r->iana_url, _("This port at IANA"));
        for (size_t i = 0; i < r->n_groups; i++)
                render_group(w, h, ps_port_report_group_at(r, i), r->n_groups > 1);
        for (size_t i = 0; i < r->n_advice; i++)
                H(h, "<p>%s</p>\n",
                  phrase_advice(ps_port_report_advice_at(r, i), buf, sizeof(buf)));
        H(h, "</section>\n");
}

/* Knowledge notes: "what really uses it", each with numbered footnotes to
 * its sources, numbered across the page. */
static void section_notes(const web *w, html *h, const ps_port_report *r)
{
        char buf[PHRASE_MAX];
        unsigned fn = 0;

        H(h, "<section aria-labelledby=\"uses\">\n<h2 id=\"uses\">%s</h2>\n",
          _("What really uses it"));
        if (!r->n_notes)
                H(h, "<p>%s</p>\n",
                  _("No knowledge note describes this port yet: nothing beyond the registry is "
                    "known to use it."));
        for (size_t i = 0; i < r->n_notes; i++) {
                const ps_report_note *rn = ps_port_report_note_at(r, i);
                fn = render_note(w, h, rn, fn);
        }
        if (fn) {
                H(h, "<h3 id=\"sources\">%s</h3>\n<ol class=\"footnotes\">\n", _("Sources"));
                unsigned k = 0;
                for (size_t i = 0; i < r->n_notes; i++)
                        k = render_note_sources(w, h, ps_port_report_note_at(r, i), k);
                H(h, "</ol>\n");
        }
        H(h, "<h3>%s</h3>\n", _("Prevalence"));
        if (r->n_prevalence == 0)
                H(h, "<p>%s</p>\n", phrase_prevalence_none(r, buf, sizeof(buf)));
        for (size_t i = 0; i < r->n_prevalence; i++)
                H(h, "<p>%s</p>\n",
                  phrase_prevalence(ps_port_report_prevalence_at(r, i), buf, sizeof(buf)));
        H(h, "</section>\n");
}

static void section_check(html *h, const ps_port_report *r)
{
        char buf[PHRASE_MAX];

        H(h, "<section class=\"check\" aria-labelledby=\"check\">\n<h2 id=\"check\">");
        html_textf(h, _("How to check what uses port %u"), r->port);
        H(h, "</h2>\n");
        for (size_t i = 0; i < r->n_checks; i++) {
                const ps_report_check *c = ps_port_report_check_at(r, i);
                H(h, "<h3>%s</h3>\n", phrase_os(c->os));
                if (c->gap != PS_CHECK_OK || c->n_commands == 0) {
                        H(h, "<p>%s</p>\n", phrase_check_gap(c, r->proto, buf, sizeof(buf)));
                        continue;
                }
                for (size_t k = 0; k < c->n_commands; k++)
                        H(h, "<pre><code>%s</code></pre>\n", c->commands[k]);
        }
        H(h, "</section>\n");
}

/* This machine's facts: only with --local, which only a loopback server
 * accepts. */
static void section_local(html *h, const ps_port_report *r)
{
        char buf[PHRASE_MAX];

        if (!r->have_local)
                return;
        H(h, "<section class=\"panel\" aria-labelledby=\"local\">\n<h2 id=\"local\">%s</h2>\n",
          _("On this machine"));
        for (size_t i = 0; i < r->n_local_facts; i++)
                H(h, "<p>%s</p>\n",
                  phrase_local(ps_port_report_local_fact_at(r, i), r->proto, buf, sizeof(buf)));
        const ps_socket_list *l = r->local.listeners;
        if (l && l->n) {
                html_table_open(h, _("Protocol"), _("Address"), _("Process"), _("User id"), NULL);
                for (size_t i = 0; i < l->n; i++) {
                        const ps_socket *s = &l->sockets[i];
                        char addr[128];
                        ps_process *p = NULL;
                        ps_socket_addr(s, false, addr, sizeof(addr));
                        H(h, "<tr><td>%s</td><td>%s</td><td>", ps_proto_name(s->proto), addr);
                        if (s->n_pids && ps_process_read(NULL, s->pids[0], &p) >= 0)
                                H(h, "%s (%d)", p->name, p->pid);
                        else if (s->n_pids)
                                H(h, "%d", s->pids[0]);
                        H(h, "</td><td>%u</td></tr>\n", s->uid);
                        ps_process_free(p);
                }
                html_table_close(h);
        }
        H(h, "</section>\n");
}

/* The FAQ, and the same as schema.org FAQPage JSON-LD. */
static void section_faq(html *h, const ps_port_report *r)
{
        char q[PHRASE_MAX], a[PHRASE_MAX];
        json_t *entities = json_array();

        if (!r->n_faq) {
                json_decref(entities);
                return;
        }
        H(h, "<section aria-labelledby=\"faq\">\n<h2 id=\"faq\">%s</h2>\n<dl class=\"faq\">\n",
          _("Frequently asked questions"));
        for (size_t i = 0; i < r->n_faq; i++) {
                const ps_report_item *f = ps_port_report_faq_at(r, i);
                phrase_question(f, q, sizeof(q));
                phrase_answer(f, a, sizeof(a));
                H(h, "<dt>%s</dt>\n<dd>%s</dd>\n", q, a);
                json_array_append_new(entities, json_pack("{s:s, s:s, s:{s:s, s:s}}", "@type",
                                                          "Question", "name", q, "acceptedAnswer",
                                                          "@type", "Answer", "text", a));
        }
        H(h, "</dl>\n</section>\n");
        json_t *ld = json_pack("{s:s, s:s, s:o}", "@context", "https://schema.org", "@type",
                               "FAQPage", "mainEntity", entities);
        /* JSON_ESCAPE_SLASH: no "</script>" can appear inside the block. */
        char *s = ld ? json_dumps(ld, JSON_COMPACT | JSON_ESCAPE_SLASH) : NULL;
        json_decref(ld);
        if (s) {
                html_trusted t = { s };
                H(h, "<script type=\"application/ld+json\">%R</script>\n", &t);
                free(s);
        }
}

static void section_nearby(const web *w, html *h, const ps_port_report *r)
{
        char label[64];
        (void)w;

        H(h, "<nav class=\"neighbours\" aria-label=\"%s\">\n", _("Nearby ports"));
        if (r->port > 0)
                H(h, "<a href=\"/ports/%u\" rel=\"prev\">← %u</a>\n", r->port - 1, r->port - 1);
        if (r->previous_port >= 0 && (unsigned)r->previous_port + 1 != r->port) {
                snprintf(label, sizeof(label), "%d", r->previous_port);
                H(h, "<span>%s <a href=\"/ports/%d\">%s</a></span>\n",
                  _("Previous registered port:"), r->previous_port, label);
        }
        if (r->next_port >= 0 && (unsigned)r->next_port != r->port + 1) {
                snprintf(label, sizeof(label), "%d", r->next_port);
                H(h, "<span>%s <a href=\"/ports/%d\">%s</a></span>\n", _("Next registered port:"),
                  r->next_port, label);
        }
        if (r->port < 65535)
                H(h, "<a href=\"/ports/%u\" rel=\"next\">%u →</a>\n", r->port + 1, r->port + 1);
        H(h, "</nav>\n");
        if (r->n_related) {
                H(h, "<h2 id=\"related\">%s</h2>\n<ul class=\"cols\">\n", _("Related ports"));
                for (size_t i = 0; i < r->n_related; i++) {
                        const ps_report_ports *p = ps_port_report_related_at(r, i);
                        if (p->lo == p->hi)
                                H(h, "<li><a href=\"/ports/%u\">%u</a></li>\n", p->lo, p->lo);
                        else
                                H(h, "<li><a href=\"/ports/%u-%u\">%u-%u</a></li>\n", p->lo, p->hi,
                                  p->lo, p->hi);
                }
                H(h, "</ul>\n");
        }
}

/* "Was this page helpful?": a plain form, three faces with names for
 * screen readers. */
/* After a vote (the server's 303 to ?voted=VALUE): thanks, and the tally
 * when the store can be read. */
static void vote_thanks(const web *w, html *h, unsigned port)
{
        uint64_t c[VOTE_VALUE_COUNT];

        H(h, "<p class=\"thanks\" role=\"status\">%s</p>\n",
          _("Thank you: your vote is stored. You may change it today; the last one counts."));
        if (web_votes_tally(w, port, c) < 0)
                return;
        H(h, "<p class=\"tally\">%s %lu · %s %lu · %s %lu</p>\n", _("Yes, it was helpful:"),
          (unsigned long)c[VOTE_HELPFUL], _("Somewhat helpful:"), (unsigned long)c[VOTE_NEUTRAL],
          _("No, it was not helpful:"), (unsigned long)c[VOTE_UNHELPFUL]);
}

static void vote_form(const web *w, const web_req *rq, html *h, unsigned port)
{
        const char *voted = web_param_get(rq, "voted");
        vote_value v;

        H(h, "<div id=\"vote\">\n");
        if (voted && vote_value_from_name(voted, &v) == 0)
                vote_thanks(w, h, port);
        H(h,
          "<form method=\"post\" action=\"/ports/%u/vote\">\n<fieldset class=\"vote\">\n"
          "<legend>%s</legend>\n",
          port, _("Was this page helpful?"));
        H(h,
          "<button type=\"submit\" name=\"vote\" value=\"unhelpful\" aria-label=\"%s\">"
          "<span aria-hidden=\"true\">😔</span></button>\n",
          _("No, it was not helpful"));
        H(h,
          "<button type=\"submit\" name=\"vote\" value=\"neutral\" aria-label=\"%s\">"
          "<span aria-hidden=\"true\">🤨</span></button>\n",
          _("Somewhat helpful"));
        H(h,
          "<button type=\"submit\" name=\"vote\" value=\"helpful\" aria-label=\"%s\">"
          "<span aria-hidden=\"true\">😃</span></button>\n",
          _("Yes, it was helpful"));
        H(h, "</fieldset>\n</form>\n</div>\n");
}

void page_port(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        ps_port_report *r = NULL;
        char title[PHRASE_MAX], canonical[32], range_path[32], crumb[32];
        unsigned port = (unsigned)strtoul(rq->seg[1], NULL, 10);

        if (web_port_report(w, port, &r) < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }
        phrase_headline(r, title, sizeof(title));
        snprintf(canonical, sizeof(canonical), "/ports/%u", port);
        snprintf(range_path, sizeof(range_path), "/ports/%u-%u", r->range.lo, r->range.hi);
        snprintf(crumb, sizeof(crumb), _("Port %u"), port);
        const char *crumbs[] = {
                _("Home"),  "/",   _("Ports"), "/ranges", phrase_range_title(r->range.cls),
                range_path, crumb, NULL
        };

        layout_begin(w, pg, title, r->title.text2 && *r->title.text2 ? r->title.text2 : title,
                     canonical);
        layout_breadcrumb(pg, crumbs, 8);
        H(h, "<h1>%s</h1>\n", title);

        H(h, "<section aria-labelledby=\"range\">\n<h2 id=\"range\">%s</h2>\n<p>",
          _("The range it belongs to"));
        html_textf(h, _("Port %u is a %s (%u-%u), also called \"%s\"."), port,
                   phrase_range_title(r->range.cls), r->range.lo, r->range.hi,
                   phrase_range_aka(r->range.cls));
        H(h, " %s <a href=\"/ranges#%s\">%s</a></p>\n</section>\n",
          phrase_range_explain(r->range.cls), r->range.id, _("The ranges explained"));

        section_local(h, r);
        section_registry(w, h, r);
        section_notes(w, h, r);
        section_check(h, r);
        section_faq(h, r);
        vote_form(w, rq, h, port);
        section_nearby(w, h, r);
        layout_end(w, pg);
        ps_port_report_free(r);
}
