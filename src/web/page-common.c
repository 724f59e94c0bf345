/* SPDX-License-Identifier: MIT */
/* Pieces several pages share; see page-common.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "page-common.h"
#include "report-phrases.h"

void web_report_opts(const web *w, ps_report_opts *opts)
{
        ps_report_opts o = PS_REPORT_OPTS_INIT;
        o.db = w->db;
        o.notes = w->notes;
        o.prevalence = w->prevalence;
        o.flags = w->local ? PS_REPORT_LOCAL : 0;
        *opts = o;
}

int web_port_report(const web *w, unsigned port, ps_port_report **ret_report)
{
        ps_report_opts o;
        web_report_opts(w, &o);
        return ps_port_report_build(&o, port, PS_PROTO_ANY, ret_report);
}

const char *iana_search_url(char *buf, size_t size, unsigned port)
{
        snprintf(buf, size,
                 "https://www.iana.org/assignments/service-names-port-numbers/"
                 "service-names-port-numbers.xhtml?search=%u",
                 port);
        return buf;
}

/* A person as the registry records them: the name (or id), the
 * organisation, and their address as a link. IANA writes "&" for "@". */
static void person(html *h, const ps_person *p)
{
        H(h, "%s", *p->name ? p->name : p->id);
        if (*p->org)
                H(h, ", %s", p->org);
        if (!strncmp(p->uri, "mailto:", 7)) {
                char mail[256];
                snprintf(mail, sizeof(mail), "%s", p->uri);
                for (char *c = mail; *c; c++)
                        if (*c == '&')
                                *c = '@';
                H(h, " <a href=\"%U\">%s</a>", mail, mail + 7);
        } else if (html_url_safe(p->uri))
                H(h, " <a href=\"%U\">%s</a>", p->uri, p->uri);
}

/* Whether the contacts are the assignees, as in most records: then one line. */
static bool people_equal(const web *w, const ps_record *r)
{
        if (r->n_assignees != r->n_contacts)
                return false;
        for (unsigned i = 0; i < r->n_assignees; i++) {
                ps_person a, b;
                if (ps_record_assignee(w->db, r, i, &a) < 0 ||
                    ps_record_contact(w->db, r, i, &b) < 0 || strcmp(a.id, b.id))
                        return false;
        }
        return true;
}

static void people(const web *w, html *h, const ps_record *r, bool contacts, const char *label)
{
        unsigned n = contacts ? r->n_contacts : r->n_assignees;
        if (!n)
                return;
        H(h, "<dt>%s</dt><dd>", label);
        for (unsigned i = 0; i < n; i++) {
                ps_person p;
                int k = contacts ? ps_record_contact(w->db, r, i, &p)
                                 : ps_record_assignee(w->db, r, i, &p);
                if (k < 0)
                        continue;
                if (i)
                        H(h, "<br>");
                person(h, &p);
        }
        H(h, "</dd>\n");
}

void render_group(const web *w, html *h, const ps_report_group *g, bool show_port)
{
        const ps_record *r = &g->record;
        char buf[PHRASE_MAX], port[32];

        H(h, "<article class=\"record\">\n<h3>");
        if (*r->name)
                H(h, "<a href=\"/services/%s\">%s</a>", r->name, r->name);
        else
                H(h, "%s", r->description);
        H(h, "</h3>\n<p class=\"meta\">");
        if (show_port && (r->flags & PS_REC_HAS_PORT))
                H(h, "%s · ", phrase_record_port(r, port, sizeof(port)));
        H(h, "%s · %s</p>\n<dl class=\"record\">\n",
          phrase_protocols(g->protocols, buf, sizeof(buf)), phrase_status(g->status));
        if (*r->name && *r->description)
                H(h, "<dt>%s</dt><dd>%s</dd>\n", _("Description"), r->description);
        if (people_equal(w, r))
                people(w, h, r, false, _("Assignee and contact"));
        else {
                people(w, h, r, false, _("Assignee"));
                people(w, h, r, true, _("Contact"));
        }
        if (*r->registered)
                H(h, "<dt>%s</dt><dd>%s</dd>\n", _("Registered"),
                  web_date(r->registered, buf, sizeof(buf)));
        if (*r->modified)
                H(h, "<dt>%s</dt><dd>%s</dd>\n", _("Modified"),
                  web_date(r->modified, buf, sizeof(buf)));
        if (r->n_refs) {
                H(h, "<dt>%s</dt><dd>", _("References"));
                for (unsigned i = 0; i < r->n_refs; i++) {
                        ps_ref ref;
                        char url[1024];
                        if (ps_record_ref(w->db, r, i, &ref) < 0)
                                continue;
                        if (i)
                                H(h, "<br>");
                        ps_person p;
                        if (ref.type == PS_REF_PERSON &&
                            ps_db_person_by_id(w->db, ref.data, &p) >= 0)
                                person(h, &p);
                        else if (ps_ref_url(&ref, url, sizeof(url)) >= 0 && html_url_safe(url))
                                H(h, "<a href=\"%U\">%s</a>", url, ref.data);
                        else
                                H(h, "%s", ref.data);
                }
                H(h, "</dd>\n");
        }
        if (*r->note)
                H(h, "<dt>%s</dt><dd>%s</dd>\n", _("Registry notes"), r->note);
        if (*r->unauthorized)
                H(h, "<dt class=\"warn\">%s</dt><dd>%s</dd>\n", _("Unauthorized use reported"),
                  r->unauthorized);
        if (*r->service_code)
                H(h, "<dt>%s</dt><dd>%s</dd>\n", _("Service code"), r->service_code);
        H(h, "</dl>\n</article>\n");
}

unsigned render_note(const web *w, html *h, const ps_report_note *rn, unsigned fn)
{
        char buf[PHRASE_MAX];
        /* The note in the page's language when its translation is current;
         * otherwise the English, marked as such, and a line that says so. */
        const char *lang = ps_i18n_current();
        ps_note shown = rn->note;
        int tr = strcmp(lang, "en") ? ps_note_translate(w->notes, &rn->note, lang, &shown) : 0;
        const ps_note *n = &shown;
        /* English inside a right-to-left page runs left to right. */
        const char *en = !tr                  ? ""
                         : web_lang_rtl(lang) ? " lang=\"en\" dir=\"ltr\""
                                              : " lang=\"en\"";
        html_trusted mark = { en };

        H(h, "<article class=\"note\" id=\"note-%s\">\n<h3%R>%s</h3>\n", n->slug, &mark, n->title);
        if (tr < 0)
                H(h, "<p class=\"l10n\">%s</p>\n",
                  tr == -ESTALE ? _("The translation of this note is out of date; the English "
                                    "original follows.")
                                : _("This note is not translated yet; the English original "
                                    "follows."));
        H(h, "<p class=\"meta\">");
        for (size_t i = 0; i < rn->n_ports; i++) {
                const ps_report_ports *p = ps_report_note_ports_at(rn, i);
                char prot[64];
                phrase_protocols(p->protocols, prot, sizeof(prot));
                if (p->lo == p->hi)
                        H(h, "%s<a href=\"/ports/%u\">%u</a> %s", i ? ", " : "", p->lo, p->lo,
                          prot);
                else
                        H(h, "%s<a href=\"/ports/%u-%u\">%u-%u</a> %s", i ? ", " : "", p->lo, p->hi,
                          p->lo, p->hi, prot);
        }
        H(h, " · ");
        html_textf(h, _("confidence: %s"), ps_confidence_name(n->confidence));
        H(h, "</p>\n<ul class=\"tags\" aria-label=\"%s\">\n", _("Tags"));
        for (int t = 0; t < _PS_TAG_MAX; t++)
                if (ps_note_has_tag(n, (ps_tag)t))
                        H(h, "<li><a href=\"/notes/%s\">%s</a></li>\n", ps_tag_name((ps_tag)t),
                          ps_tag_name((ps_tag)t));
        H(h, "</ul>\n<div class=\"body\"%R>\n", &mark);
        html_markdown(h, n->body);
        H(h, "</div>\n");
        if (n->n_sources) {
                H(h, "<p class=\"meta\">%s", _("Sources:"));
                for (unsigned i = 0; i < n->n_sources; i++) {
                        fn++;
                        snprintf(buf, sizeof(buf), _("source %u"), fn);
                        H(h,
                          " <sup class=\"fn\"><a href=\"#fn-%u\" aria-label=\"%s\">[%u]</a></sup>",
                          fn, buf, fn);
                }
                H(h, "</p>\n");
        }
        H(h, "</article>\n");
        (void)w;
        return fn;
}

unsigned render_note_sources(const web *w, html *h, const ps_report_note *rn, unsigned fn)
{
        const ps_note *n = &rn->note;
        for (unsigned i = 0; i < n->n_sources; i++) {
                ps_note_source s;
                fn++;
                if (ps_note_get_source(w->notes, n, i, &s) < 0)
                        continue;
                H(h, "<li id=\"fn-%u\"><a href=\"%U\">%s</a> <span class=\"meta\">(%s)</span>", fn,
                  s.url, s.title, ps_source_kind_name(s.kind));
                if (*s.quote && !s.unreadable) {
                        H(h, "<blockquote><p>%s</p></blockquote><p class=\"meta\">", s.quote);
                        char date[64];
                        html_textf(h, _("Quoted as read on %s."),
                                   web_date(s.read_date, date, sizeof(date)));
                        H(h, "</p>");
                }
                H(h, "</li>\n");
        }
        return fn;
}
