/* SPDX-License-Identifier: MIT */
/* What changed between two registries (include/portscope/diff.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"
#include "macro.h"
#include "portscope/diff.h"
#include "utf8.h"
#include "util.h"

static const char *const field_names[_PS_DIFF_FIELD_MAX] = {
        "service",  "description", "assignees",    "contacts",         "registered",
        "modified", "references",  "service_code", "unauthorized_use", "assignment_note",
};

PS_EXPORT const char *ps_diff_field_name(ps_diff_field field)
{
        return (unsigned)field < _PS_DIFF_FIELD_MAX ? field_names[field] : NULL;
}

struct item {
        const ps_db *db;
        ps_record rec;
};

struct diff_priv {
        struct item *va, *vb;
        ps_diff_entry *entries;
        ps_diff_change *changes; /* _PS_DIFF_FIELD_MAX per entry */
};

static int cmp_key(const ps_record *a, const ps_record *b)
{
        bool pa = a->flags & PS_REC_HAS_PORT, pb = b->flags & PS_REC_HAS_PORT;
        if (pa != pb)
                return pa ? -1 : 1;
        if (pa && a->port_lo != b->port_lo)
                return a->port_lo < b->port_lo ? -1 : 1;
        if (pa && a->port_hi != b->port_hi)
                return a->port_hi < b->port_hi ? -1 : 1;
        int c = ps_strcasecmp_ascii(a->name, b->name);
        if (c)
                return c;
        if (a->proto != b->proto)
                return (int)a->proto - (int)b->proto;
        return 0;
}

static int cmp_item(const void *x, const void *y)
{
        const ps_record *a = &((const struct item *)x)->rec, *b = &((const struct item *)y)->rec;
        int c = cmp_key(a, b);
        if (c)
                return c;
        return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static struct item *collect(const ps_db *db, size_t *ret_n)
{
        size_t n = ps_db_count(db), k = 0;
        struct item *v = calloc(n + 1, sizeof(*v));
        ps_iter it;
        if (!v)
                return NULL;
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (k < n && ps_iter_next(&it, &v[k].rec) > 0)
                v[k++].db = db;
        ps_qsort(v, k, sizeof(*v), cmp_item);
        *ret_n = k;
        return v;
}

/* A field as one folded string; lists in IANA's CSV form, "[a][b]".
 * mask_notes renders footnotes as "[footnote]": IANA's CSV has only their
 * numbers and the XML only their text, so they compare across formats. */
static char *field_value(const struct item *it, ps_diff_field f, bool mask_notes)
{
        const ps_record *r = &it->rec;
        ps_dynbuf b;
        ps_person p;
        ps_ref ref;
        switch (f) {
        case PS_DIFF_SERVICE:
                return strdup(r->name);
        case PS_DIFF_DESCRIPTION:
                return ps_text_fold_space(r->description);
        case PS_DIFF_REGISTERED:
                return ps_text_fold_space(r->registered);
        case PS_DIFF_MODIFIED:
                return ps_text_fold_space(r->modified);
        case PS_DIFF_SERVICE_CODE:
                return ps_text_fold_space(r->service_code);
        case PS_DIFF_UNAUTHORIZED_USE:
                return ps_text_fold_space(r->unauthorized);
        case PS_DIFF_ASSIGNMENT_NOTE:
                return ps_text_fold_space(r->note);
        default:
                break;
        }
        ps_dynbuf_init(&b, 1u << 24);
        unsigned n = f == PS_DIFF_ASSIGNEES  ? r->n_assignees
                     : f == PS_DIFF_CONTACTS ? r->n_contacts
                                             : r->n_refs;
        for (unsigned i = 0; i < n; i++) {
                const char *d = NULL;
                if (f == PS_DIFF_ASSIGNEES && ps_record_assignee(it->db, r, i, &p) >= 0)
                        d = p.id;
                else if (f == PS_DIFF_CONTACTS && ps_record_contact(it->db, r, i, &p) >= 0)
                        d = p.id;
                else if (f == PS_DIFF_REFERENCES && ps_record_ref(it->db, r, i, &ref) >= 0)
                        d = ref.data;
                if (!d)
                        continue;
                if (f == PS_DIFF_REFERENCES && ref.type == PS_REF_NOTE && mask_notes)
                        d = "footnote";
                _cleanup_free_ char *t = ps_text_fold_space(d);
                if (!t || ps_dynbuf_addc(&b, '[') < 0 || ps_dynbuf_add(&b, t, strlen(t)) < 0 ||
                    ps_dynbuf_addc(&b, ']') < 0) {
                        ps_dynbuf_free(&b);
                        return NULL;
                }
        }
        return ps_dynbuf_steal(&b);
}

/* Whether the references differ only in footnotes, which the two formats
 * spell differently. */
static int same_but_footnotes(const struct item *a, const struct item *b)
{
        _cleanup_free_ char *x = field_value(a, PS_DIFF_REFERENCES, true);
        _cleanup_free_ char *y = field_value(b, PS_DIFF_REFERENCES, true);
        if (!x || !y)
                return -ENOMEM;
        return !strcmp(x, y);
}

/* Fills ch (room for every field) with what differs; the count, or -ENOMEM. */
static int compare(const struct item *a, const struct item *b, ps_diff_change *ch)
{
        int n = 0;
        for (int f = 0; f < _PS_DIFF_FIELD_MAX; f++) {
                _cleanup_free_ char *x = field_value(a, (ps_diff_field)f, false);
                _cleanup_free_ char *y = field_value(b, (ps_diff_field)f, false);
                if (!x || !y)
                        return -ENOMEM;
                if (!strcmp(x, y))
                        continue;
                if (f == PS_DIFF_REFERENCES) {
                        int same = same_but_footnotes(a, b);
                        if (same < 0)
                                return same;
                        if (same)
                                continue;
                }
                ch[n++] = (ps_diff_change){ (ps_diff_field)f, TAKE_PTR(x), TAKE_PTR(y) };
        }
        return n;
}

/* The record an entry is shown by: the new one, unless it was removed. */
static const ps_record *shown(const ps_diff_entry *e)
{
        return e->kind == PS_DIFF_REMOVED ? &e->old_record : &e->new_record;
}

/* Entries that read as one line: the same kind, port range, name,
 * description and changes; only the protocol differs. */
static bool same_line(const ps_diff_entry *x, const ps_diff_entry *y)
{
        const ps_record *a = shown(x), *b = shown(y);
        if (x->kind != y->kind || x->n_changes != y->n_changes || a->port_lo != b->port_lo ||
            a->port_hi != b->port_hi ||
            (a->flags & PS_REC_HAS_PORT) != (b->flags & PS_REC_HAS_PORT) ||
            strcmp(a->name, b->name) || strcmp(a->description, b->description))
                return false;
        for (size_t i = 0; i < x->n_changes; i++) {
                const ps_diff_change *c = ps_diff_change_at(x, i), *d = ps_diff_change_at(y, i);
                if (c->field != d->field || strcmp(c->old_value, d->old_value) ||
                    strcmp(c->new_value, d->new_value))
                        return false;
        }
        return true;
}

PS_EXPORT void ps_diff_free(ps_diff *diff)
{
        if (!diff)
                return;
        struct diff_priv *p = diff->_priv;
        if (p) {
                for (size_t i = 0; i < diff->n_entries; i++)
                        for (size_t k = 0; k < p->entries[i].n_changes; k++) {
                                ps_diff_change *c = &p->changes[i * _PS_DIFF_FIELD_MAX + k];
                                free((char *)c->old_value);
                                free((char *)c->new_value);
                        }
                free(p->entries);
                free(p->changes);
                free(p->va);
                free(p->vb);
                free(p);
        }
        free(diff);
}

PS_EXPORT int ps_diff_build(const ps_db *old_db, const ps_db *new_db, unsigned flags,
                            ps_diff **ret_diff)
{
        if (!old_db || !new_db || !ret_diff || (flags & ~(unsigned)PS_DIFF_BLOCKS))
                return -EINVAL;
        ps_diff *d = calloc(1, sizeof(*d));
        struct diff_priv *p = calloc(1, sizeof(*p));
        if (!d || !p) {
                free(d);
                free(p);
                return -ENOMEM;
        }
        d->_priv = p;
        size_t na = 0, nb = 0;
        if (!(p->va = collect(old_db, &na)) || !(p->vb = collect(new_db, &nb)) ||
            !(p->entries = calloc(na + nb + 1, sizeof(*p->entries))) ||
            !(p->changes = calloc((na + nb + 1) * _PS_DIFF_FIELD_MAX, sizeof(*p->changes)))) {
                ps_diff_free(d);
                return -ENOMEM;
        }
        /* Merge the two key-sorted lists. */
        for (size_t i = 0, j = 0; i < na || j < nb;) {
                int k = i == na ? 1 : j == nb ? -1 : cmp_key(&p->va[i].rec, &p->vb[j].rec);
                ps_diff_entry *e = &p->entries[d->n_entries];
                ps_diff_change *ch = &p->changes[d->n_entries * _PS_DIFF_FIELD_MAX];
                memset(e, 0, sizeof(*e));
                e->_priv = ch;
                const ps_record *named;
                if (k < 0) {
                        e->kind = PS_DIFF_REMOVED;
                        e->old_record = p->va[i++].rec;
                        named = &e->old_record;
                } else if (k > 0) {
                        e->kind = PS_DIFF_ADDED;
                        e->new_record = p->vb[j++].rec;
                        named = &e->new_record;
                } else {
                        e->kind = PS_DIFF_CHANGED;
                        int n = compare(&p->va[i], &p->vb[j], ch);
                        if (n < 0) {
                                ps_diff_free(d);
                                return n;
                        }
                        e->old_record = p->va[i++].rec;
                        e->new_record = p->vb[j++].rec;
                        e->n_changes = (size_t)n;
                        named = &e->old_record;
                        if (!n)
                                continue;
                }
                e->block = !*named->name;
                if (e->block && !(flags & PS_DIFF_BLOCKS)) {
                        /* Counted, not kept: free what compare() found. */
                        for (size_t c = 0; c < e->n_changes; c++) {
                                free((char *)ch[c].old_value);
                                free((char *)ch[c].new_value);
                        }
                        d->n_hidden++;
                        continue;
                }
                if (e->kind == PS_DIFF_ADDED)
                        d->n_added++;
                else if (e->kind == PS_DIFF_REMOVED)
                        d->n_removed++;
                else
                        d->n_changed++;
                d->n_entries++;
        }
        for (size_t i = 0; i < d->n_entries;) {
                size_t j = i + 1;
                while (j < d->n_entries && same_line(&p->entries[i], &p->entries[j]))
                        j++;
                p->entries[i].group_size = j - i;
                i = j;
        }
        *ret_diff = d;
        return 0;
}

PS_EXPORT const ps_diff_entry *ps_diff_entry_at(const ps_diff *diff, size_t i)
{
        const struct diff_priv *p = diff->_priv;
        return i < diff->n_entries ? &p->entries[i] : NULL;
}

PS_EXPORT const ps_diff_change *ps_diff_change_at(const ps_diff_entry *entry, size_t i)
{
        const ps_diff_change *ch = entry->_priv;
        return i < entry->n_changes ? &ch[i] : NULL;
}
