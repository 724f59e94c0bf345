/* SPDX-License-Identifier: MIT */
/* /changes: what changed between the IANA registry bundled as the previous
 * snapshot and the one the site serves, from the library's diff (the
 * answer of `portscope diff`), computed once when the site opens its data. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "web.h"

static const ps_record *shown(const ps_diff_entry *e)
{
        return e->kind == PS_DIFF_REMOVED ? &e->old_record : &e->new_record;
}

/* The port, linked, or "-" for a record without one. */
static void port_cell(html *h, const ps_record *r)
{
        if (!(r->flags & PS_REC_HAS_PORT))
                H(h, "-");
        else if (r->port_lo == r->port_hi)
                H(h, "<a href=\"/ports/%u\">%u</a>", r->port_lo, r->port_lo);
        else
                H(h, "<a href=\"/ports/%u-%u\">%u-%u</a>", r->port_lo, r->port_hi, r->port_lo,
                  r->port_hi);
}

/* One table per kind; records that differ only in protocol share a row. */
static void section(const ps_diff *d, html *h, ps_diff_kind kind, const char *id, const char *title,
                    size_t count)
{
        char n[PS_I18N_NUM_MAX];
        H(h, "<h2 id=\"%s\">%s (%s)</h2>\n", id, title, ps_i18n_number(n, sizeof(n), count));
        if (!count)
                return;
        html_table_open(h, _("Port"), _("Protocol"), _("Service"), _("Description"), NULL);
        for (size_t i = 0; i < d->n_entries; i++) {
                const ps_diff_entry *e = ps_diff_entry_at(d, i);
                if (e->kind != kind || !e->group_size)
                        continue;
                const ps_record *r = shown(e);
                H(h, "<tr><td>");
                port_cell(h, r);
                H(h, "</td><td>");
                for (size_t j = 0; j < e->group_size; j++)
                        H(h, "%s%s", j ? ", " : "",
                          ps_proto_name(shown(ps_diff_entry_at(d, i + j))->proto));
                H(h, "</td><td>");
                if (r->name[0] && kind != PS_DIFF_REMOVED)
                        H(h, "<a href=\"/services/%s\">%s</a>", r->name, r->name);
                else
                        H(h, "%s", r->name[0] ? r->name : "-");
                H(h, "</td><td>%s", r->description);
                /* Changed values in full, as the command prints them. */
                if (e->n_changes) {
                        H(h, "<dl class=\"changes\">");
                        for (size_t k = 0; k < e->n_changes; k++) {
                                const ps_diff_change *ch = ps_diff_change_at(e, k);
                                H(h, "<dt><code>%s</code></dt><dd><del>%s</del> <ins>%s</ins></dd>",
                                  ps_diff_field_name(ch->field), ch->old_value, ch->new_value);
                        }
                        H(h, "</dl>");
                }
                H(h, "</td></tr>\n");
        }
        html_table_close(h);
}

void page_changes(const web *w, const web_req *rq, web_page *pg)
{
        html *h = &pg->out;
        const char *crumbs[] = { _("Home"), "/", _("Registry changes"), NULL };
        const ps_diff *d;
        const ps_db *previous;

        if (web_changes(w, &previous, &d) < 0) {
                web_error(w, rq, pg, 500, NULL);
                return;
        }

        layout_begin(w, pg, _("Registry changes"),
                     _("What IANA added, removed and changed between two registries."), "/changes");
        layout_breadcrumb(pg, crumbs, 4);
        H(h, "<h1>%s</h1>\n<p class=\"lead\">", _("Registry changes"));
        char from[64], to[64];
        html_textf(h,
                   _("What IANA added, removed and changed between its registry of %s and that "
                     "of %s, which this site shows."),
                   web_date(ps_db_date(previous), from, sizeof(from)),
                   web_date(ps_db_date(w->db), to, sizeof(to)));
        if (d->n_hidden) {
                H(h, " ");
                char n[PS_I18N_NUM_MAX];
                html_textf(h, _("Changes to unnamed blocks (Unassigned, Reserved) left out: %s."),
                           ps_i18n_number(n, sizeof(n), d->n_hidden));
        }
        H(h, " <a href=\"/api/v1/changes\">%s</a></p>\n", _("JSON API"));
        section(d, h, PS_DIFF_ADDED, "added", _("Added"), d->n_added);
        section(d, h, PS_DIFF_REMOVED, "removed", _("Removed"), d->n_removed);
        section(d, h, PS_DIFF_CHANGED, "changed", _("Changed"), d->n_changed);
        layout_end(w, pg);
}
