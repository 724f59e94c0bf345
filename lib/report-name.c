/* SPDX-License-Identifier: MIT */
/* The name report and the range report: registrations, grouped by protocol. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps-limits.h"
#include "report-internal.h"
#include "util.h"

#define SIMILAR_SEARCH 20 /* search hits looked at for "did you mean" */
#define SIMILAR_MAX 5     /* shown */
#define ALIASES_MAX 32    /* other names on one port: the most is far fewer */

struct name_group {
        size_t n_aliases;
        const char *aliases[ALIASES_MAX];
};

struct name_full {
        ps_name_report r;
        char name[PS_NAME_REPORT_NAME_MAX + 1];
        char iana_url[sizeof(IANA_SEARCH_URL) + 3 * PS_SERVICE_NAME_MAX];
        struct group_list groups, similar;
        struct name_group *extra;
};

/* Other names registered on the group's one port, over its protocol. */
static void aliases(const ps_db *db, const ps_report_group *g, struct name_group *ret)
{
        const ps_record *rec = &g->record;
        ps_iter it;
        ps_record o;
        if (!(rec->flags & PS_REC_HAS_PORT) || rec->port_lo != rec->port_hi)
                return;
        ps_iter_port(&it, db, rec->port_lo, rec->proto);
        while (ps_iter_next(&it, &o) > 0 && ret->n_aliases < ALIASES_MAX) {
                if (!*o.name || !ps_strcasecmp_ascii(o.name, rec->name) || o.port_lo != o.port_hi)
                        continue;
                bool dup = false;
                for (size_t i = 0; i < ret->n_aliases && !dup; i++)
                        dup = !ps_strcasecmp_ascii(ret->aliases[i], o.name);
                if (!dup)
                        ret->aliases[ret->n_aliases++] = o.name;
        }
}

/* The best search hits for a name nobody registered; tcp and udp twins fold. */
static int similar(struct name_full *f, const ps_db *db, const char *name, ps_proto proto)
{
        ps_match m[SIMILAR_SEARCH];
        int n = ps_db_search(db, name, proto, m, SIMILAR_SEARCH), k;
        if (n == -EINVAL)
                return 0; /* no searchable words: nothing similar */
        if (n < 0)
                return n;
        for (int i = 0; i < n && i < SIMILAR_SEARCH; i++) {
                ps_record o;
                if (ps_db_record(db, m[i].id, &o) < 0)
                        continue;
                size_t before = f->similar.n;
                if ((k = group_list_add(&f->similar, db, &o, false)) < 0)
                        return k;
                if (f->similar.n > before && f->similar.n > SIMILAR_MAX) {
                        f->similar.n--;
                        break;
                }
        }
        group_list_seal(&f->similar);
        f->r.n_similar = f->similar.n;
        return 0;
}

PS_EXPORT int ps_name_report_build(const ps_report_opts *opts, const char *name, ps_proto proto,
                                   ps_name_report **ret_report)
{
        ps_report_opts o;
        ps_iter it;
        ps_record rec;
        int k;
        if ((k = report_opts(opts, &o)) < 0)
                return k;
        if (!name || !*name)
                return -EINVAL;
        if (strlen(name) > PS_NAME_REPORT_NAME_MAX)
                return -ENAMETOOLONG;
        struct name_full *f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        ps_name_report *r = &f->r;
        r->_priv = f;
        memcpy(f->name, name, strlen(name) + 1);
        r->name = f->name;
        r->proto = proto;
        r->registry_date = ps_db_date(o.db);

        ps_iter_name(&it, o.db, name, proto);
        while ((k = ps_iter_next(&it, &rec)) > 0)
                if ((k = group_list_add(&f->groups, o.db, &rec, false)) < 0)
                        break;
        if (k >= 0 && f->groups.n && !(f->extra = calloc(f->groups.n, sizeof(*f->extra))))
                k = -ENOMEM;
        if (k >= 0 && !f->groups.n)
                k = similar(f, o.db, name, proto);
        if (k < 0) {
                ps_name_report_free(r);
                return k;
        }
        group_list_seal(&f->groups);
        for (size_t i = 0; i < f->groups.n; i++)
                aliases(o.db, &f->groups.v[i].g, &f->extra[i]);
        r->n_groups = f->groups.n;
        r->found = r->n_groups > 0;
        if (r->found) {
                /* The registry's spelling of the name; letters, digits and
                 * hyphens in practice, anything else escaped all the same. */
                const char *n = f->groups.v[0].g.record.name;
                size_t len = strlen(IANA_SEARCH_URL);
                memcpy(f->iana_url, IANA_SEARCH_URL, len);
                for (; *n && len + 4 <= sizeof(f->iana_url); n++) {
                        unsigned char ch = (unsigned char)*n;
                        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                            (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_')
                                f->iana_url[len++] = (char)ch;
                        else
                                len += (size_t)snprintf(f->iana_url + len, 4, "%%%02X", ch);
                }
                f->iana_url[len] = '\0';
                r->iana_url = f->iana_url;
        }
        *ret_report = r;
        return 0;
}

PS_EXPORT void ps_name_report_free(ps_name_report *r)
{
        if (!r)
                return;
        struct name_full *f = r->_priv;
        group_list_free(&f->groups);
        group_list_free(&f->similar);
        free(f->extra);
        free(f);
}

PS_EXPORT const ps_report_group *ps_name_report_group_at(const ps_name_report *r, size_t i)
{
        const struct name_full *f = r ? r->_priv : NULL;
        return f && i < r->n_groups ? &f->groups.v[i].g : NULL;
}

PS_EXPORT size_t ps_name_report_n_aliases(const ps_name_report *r, size_t group)
{
        const struct name_full *f = r ? r->_priv : NULL;
        return f && group < r->n_groups ? f->extra[group].n_aliases : 0;
}

PS_EXPORT const char *ps_name_report_alias_at(const ps_name_report *r, size_t group, size_t i)
{
        return i < ps_name_report_n_aliases(r, group)
                       ? ((const struct name_full *)r->_priv)->extra[group].aliases[i]
                       : NULL;
}

PS_EXPORT const ps_report_group *ps_name_report_similar_at(const ps_name_report *r, size_t i)
{
        const struct name_full *f = r ? r->_priv : NULL;
        return f && i < r->n_similar ? &f->similar.v[i].g : NULL;
}

struct range_full {
        ps_range_report r;
        struct group_list groups;
};

PS_EXPORT int ps_range_report_build(const ps_report_opts *opts, unsigned lo, unsigned hi,
                                    ps_proto proto, ps_range_report **ret_report)
{
        ps_report_opts o;
        ps_iter it;
        ps_record rec;
        int k;
        if ((k = report_opts(opts, &o)) < 0)
                return k;
        if (lo > hi || hi > 65535)
                return -EINVAL;
        struct range_full *f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        ps_range_report *r = &f->r;
        r->_priv = f;
        r->lo = lo;
        r->hi = hi;
        r->proto = proto;
        r->registry_date = ps_db_date(o.db);
        /* Records come in port order: twins that differ only in protocol are neighbours. */
        ps_iter_range(&it, o.db, lo, hi, proto);
        while ((k = ps_iter_next(&it, &rec)) > 0)
                if ((k = group_list_add(&f->groups, o.db, &rec, true)) < 0)
                        break;
        if (k < 0) {
                ps_range_report_free(r);
                return k;
        }
        group_list_seal(&f->groups);
        r->n_groups = f->groups.n;
        r->found = r->n_groups > 0;
        *ret_report = r;
        return 0;
}

PS_EXPORT void ps_range_report_free(ps_range_report *r)
{
        if (!r)
                return;
        struct range_full *f = r->_priv;
        group_list_free(&f->groups);
        free(f);
}

PS_EXPORT const ps_report_group *ps_range_report_group_at(const ps_range_report *r, size_t i)
{
        const struct range_full *f = r ? r->_priv : NULL;
        return f && i < r->n_groups ? &f->groups.v[i].g : NULL;
}
