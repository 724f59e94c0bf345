/* SPDX-License-Identifier: MIT */
/* What every report shares: record status and grouping by protocol. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-internal.h"
#include "util.h"

static const char *const status_names[] = {
        [PS_PORT_NOT_REGISTERED] = "not_registered", [PS_PORT_ASSIGNED] = "assigned",
        [PS_PORT_UNASSIGNED] = "unassigned",         [PS_PORT_RESERVED] = "reserved",
        [PS_PORT_DEREGISTERED] = "de_registered",    [PS_PORT_PRIVATE_USE] = "private_use",
};

PS_EXPORT const char *ps_port_status_name(ps_port_status status)
{
        return (unsigned)status < PS_ELEMENTSOF(status_names) ? status_names[status] : NULL;
}

static const char *const os_names[] = { "linux", "macos", "windows" };

PS_EXPORT const char *ps_os_name(ps_os os)
{
        return (unsigned)os < PS_ELEMENTSOF(os_names) ? os_names[os] : NULL;
}

/* IANA's words for a withdrawn registration, at the start of a nameless
 * record's description. */
static const char *const withdrawn[] = {
        "De-registered",  "De-Commissioned", "Decomissioned",
        "Decommissioned", "Deprecated",      "Removed",
};

static bool starts_with(const char *s, const char *prefix)
{
        return !ps_strncasecmp_ascii(s, prefix, strlen(prefix));
}

/* "Unassigned [was netstat]": the name between "[was " and "]". */
static void former_name(const char *desc, char *buf, size_t size)
{
        const char *p = strcasestr(desc, "[was ");
        if (!p || !buf || !size)
                return;
        p += 5;
        size_t n = strcspn(p, "]");
        if (p[n] != ']' || !n)
                return;
        snprintf(buf, size, "%.*s", (int)n, p);
}

PS_EXPORT ps_port_status ps_record_status(const ps_record *rec, char *ret_former, size_t size)
{
        if (ret_former && size)
                ret_former[0] = '\0';
        if (rec->flags & PS_REC_UNASSIGNED)
                return PS_PORT_UNASSIGNED;
        if (rec->flags & PS_REC_RESERVED)
                return PS_PORT_RESERVED;
        if (*rec->name)
                return PS_PORT_ASSIGNED;
        /* No service name: IANA says in the description what the port is. */
        const char *d = rec->description;
        for (size_t i = 0; i < PS_ELEMENTSOF(withdrawn); i++)
                if (starts_with(d, withdrawn[i]))
                        return PS_PORT_DEREGISTERED;
        if (starts_with(d, "Reserved"))
                return PS_PORT_RESERVED;
        if (starts_with(d, "any private"))
                return PS_PORT_PRIVATE_USE;
        /* "Unassigned [was netstat]", "(unassigned) Possibly assigned", and
         * the odd "Possibly used by ...": nobody holds the port. */
        former_name(d, ret_former, size);
        return PS_PORT_UNASSIGNED;
}

void group_list_free(struct group_list *l)
{
        free(l->v);
        l->v = NULL;
        l->n = l->alloc = 0;
}

static bool same_people(const ps_db *db, const ps_record *a, const ps_record *b, bool contacts)
{
        unsigned n = contacts ? a->n_contacts : a->n_assignees;
        if (n != (contacts ? b->n_contacts : b->n_assignees))
                return false;
        for (unsigned i = 0; i < n; i++) {
                ps_person x, y;
                int r1 = contacts ? ps_record_contact(db, a, i, &x)
                                  : ps_record_assignee(db, a, i, &x);
                int r2 = contacts ? ps_record_contact(db, b, i, &y)
                                  : ps_record_assignee(db, b, i, &y);
                if (r1 < 0 || r2 < 0 || x.id != y.id)
                        return false;
        }
        return true;
}

bool report_same_but_proto(const ps_db *db, const ps_record *a, const ps_record *b)
{
        /* Strings are interned, so equal text means an equal pointer. */
        if (a->port_lo != b->port_lo || a->port_hi != b->port_hi || a->flags != b->flags ||
            a->name != b->name || a->description != b->description || a->note != b->note ||
            a->unauthorized != b->unauthorized || a->registered != b->registered ||
            a->modified != b->modified || a->service_code != b->service_code ||
            a->n_refs != b->n_refs || !same_people(db, a, b, false) || !same_people(db, a, b, true))
                return false;
        for (unsigned i = 0; i < a->n_refs; i++) {
                ps_ref x, y;
                if (ps_record_ref(db, a, i, &x) < 0 || ps_record_ref(db, b, i, &y) < 0 ||
                    x.type != y.type || x.data != y.data)
                        return false;
        }
        return true;
}

int group_list_add(struct group_list *l, const ps_db *db, const ps_record *rec, bool adjacent)
{
        for (size_t i = adjacent && l->n ? l->n - 1 : 0; i < l->n; i++)
                if (report_same_but_proto(db, &l->v[i].g.record, rec)) {
                        l->v[i].g.protocols |= PS_PROTO_BIT(rec->proto);
                        return 0;
                }
        if (l->n == l->alloc) {
                size_t na = l->alloc ? l->alloc * 2 : 8;
                struct report_group *v = realloc(l->v, na * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                l->v = v;
                l->alloc = na;
        }
        struct report_group *g = &l->v[l->n++];
        memset(g, 0, sizeof(*g));
        g->g.record = *rec;
        g->g.protocols = PS_PROTO_BIT(rec->proto);
        g->g.status = ps_record_status(rec, g->former, sizeof(g->former));
        return 0;
}

void group_list_seal(struct group_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                l->v[i].g.former_name = l->v[i].former;
}
