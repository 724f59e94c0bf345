/* SPDX-License-Identifier: MIT */
/* /notes and /notes/TAG: the knowledge notes by tag, each linked to the
 * port pages it explains. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "page-common.h"
#include "web.h"

/* What each tag means (docs/notes.md), in ps_tag order. */
static const char *const tag_meaning[_PS_TAG_MAX] = {
        [PS_TAG_OFFICIAL] = N_("What the registry says, explained."),
        [PS_TAG_UNOFFICIAL] = N_("Common use that is not in the registry, or contrary to it."),
        [PS_TAG_LEGACY] = N_("Historic or obsolete use."),
        [PS_TAG_VENDOR] = N_("A product's own port."),
        [PS_TAG_DEV_DEFAULT] = N_("The default port of a development server or tool."),
        [PS_TAG_DATABASE] = N_("Databases."),
        [PS_TAG_CACHE] = N_("Caches."),
        [PS_TAG_CONTAINER] = N_("Containers and their orchestration."),
        [PS_TAG_CLUSTER] = N_("Cluster communication."),
        [PS_TAG_GAME] = N_("Games."),
        [PS_TAG_P2P] = N_("Peer-to-peer software."),
        [PS_TAG_REMOTE_ACCESS] = N_("Remote access and remote desktops."),
        [PS_TAG_IOT] = N_("Devices: cameras, routers, the Internet of Things."),
        [PS_TAG_MONITORING] = N_("Monitoring and metrics."),
        [PS_TAG_ABUSE] = N_("Ports that are scanned, attacked or abused."),
        [PS_TAG_AMPLIFICATION] = N_("UDP reflection and amplification DDoS vectors."),
        [PS_TAG_MALWARE] = N_("Ports a trojan, backdoor or botnet is known for."),
        [PS_TAG_NO_EXPOSE] = N_("Services that should not face the network: bind them to "
                                "loopback or firewall them."),
        [PS_TAG_UNKNOWN] = N_("Registrations with no known real use."),
};

/* The note's first port: where its link goes. */
static unsigned note_first_port(const web *w, const ps_note *note)
{
        ps_note_port p;
        if (note->n_ports && ps_note_get_port(w->notes, note, 0, &p) >= 0)
                return p.lo;
        return 0;
}

static void note_ports(const web *w, html *h, const ps_note *note)
{
        unsigned last_lo = 70000, last_hi = 70000;
        for (unsigned i = 0; i < note->n_ports; i++) {
                ps_note_port p;
                if (ps_note_get_port(w->notes, note, i, &p) < 0 ||
                    (p.lo == last_lo && p.hi == last_hi))
                        continue;
                if (p.lo == p.hi)
                        H(h, " <a href=\"/ports/%u\">%u</a>", p.lo, p.lo);
                else
                        H(h, " <a href=\"/ports/%u-%u\">%u-%u</a>", p.lo, p.hi, p.lo, p.hi);
                last_lo = p.lo;
                last_hi = p.hi;
        }
}

int web_notes_tag(const web *w, const web_req *rq, web_page *pg, ps_tag *ret_tag)
{
        *ret_tag = _PS_TAG_MAX;
        if (strcmp(rq->seg[rq->n_seg - 1], "notes") &&
            ps_tag_from_string(rq->seg[rq->n_seg - 1], ret_tag) < 0) {
                web_error(w, rq, pg, 404, _("There is no such tag."));
                return -ENOENT;
        }
        return 0;
}

void page_notes(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        size_t n = ps_notes_count(w->notes);
        ps_tag tag = _PS_TAG_MAX;

        if (web_notes_tag(w, rq, pg, &tag) < 0)
                return;
        if (tag == _PS_TAG_MAX) {
                const char *crumbs[] = { _("Home"), "/", _("Knowledge notes"), NULL };
                layout_begin(w, pg, _("Knowledge notes"),
                             _("Cited notes on what really uses a port, by tag."), "/notes");
                layout_breadcrumb(pg, crumbs, 4);
                H(h, "<h1>%s</h1>\n<p class=\"lead\">", _("Knowledge notes"));
                html_textf(h,
                           _("%zu notes on what really uses a port, beyond the registry: each "
                             "cites its sources and says how sure it is."),
                           n);
                H(h, "</p>\n");
                html_table_open(h, _("Tag"), _("Notes"), _("Meaning"), NULL);
                for (int t = 0; t < _PS_TAG_MAX; t++) {
                        size_t count = 0;
                        for (uint32_t i = 0; i < n; i++) {
                                ps_note note;
                                if (ps_notes_get(w->notes, i, &note) >= 0 &&
                                    ps_note_has_tag(&note, (ps_tag)t))
                                        count++;
                        }
                        const char *name = ps_tag_name((ps_tag)t);
                        H(h,
                          "<tr><td><a href=\"/notes/%s\">%s</a></td><td>%zu</td><td>%s</td></tr>\n",
                          name, name, count, _(tag_meaning[t]));
                }
                html_table_close(h);
                layout_end(w, pg);
                return;
        }

        const char *name = ps_tag_name(tag);
        char title[96], canonical[64];
        snprintf(title, sizeof(title), _("Notes tagged %s"), name);
        snprintf(canonical, sizeof(canonical), "/notes/%s", name);
        const char *crumbs[] = { _("Home"), "/", _("Knowledge notes"), "/notes", name, NULL };
        layout_begin(w, pg, title, _(tag_meaning[tag]), canonical);
        layout_breadcrumb(pg, crumbs, 6);
        H(h, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<ul>\n", title, _(tag_meaning[tag]));
        for (uint32_t i = 0; i < n; i++) {
                ps_note note;
                if (ps_notes_get(w->notes, i, &note) < 0 || !ps_note_has_tag(&note, tag))
                        continue;
                H(h, "<li><a href=\"/ports/%u#note-%s\">%s</a> <span class=\"meta\">",
                  note_first_port(w, &note), note.slug, note.title);
                H(h, "%s", _("ports"));
                note_ports(w, h, &note);
                H(h, "</span></li>\n");
        }
        H(h, "</ul>\n");
        layout_end(w, pg);
}
