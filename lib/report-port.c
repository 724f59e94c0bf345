/* SPDX-License-Identifier: MIT */
/* The port report: every decision about one port, made once, as data. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry-internal.h"
#include "report-internal.h"
#include "util.h"

/* Names from this machine's services file that one report shows at most. */
#define LOCAL_NAMES_MAX 16

struct note_entry {
        ps_report_note n;
        ps_report_ports ports[64];
};

struct port_priv {
        struct group_list groups;
        ps_report_status statuses[_PS_PROTO_MAX];
        struct note_entry *notes;
        ps_prevalence_entry prevalence[_PS_PROTO_MAX];
        char *prevalence_path;
        ps_report_item advice[_PS_ADVICE_MAX];
        ps_report_item faq[_PS_FAQ_QUESTION_MAX];
        ps_report_item local[8 + LOCAL_NAMES_MAX];
        struct ps_services_entry services[LOCAL_NAMES_MAX];
        char *services_path;
        char iana_url[128];
        struct check_store checks;
        ps_report_ports *related;
        ps_socket_list *listeners;
};

struct port_full {
        ps_port_report r;
        struct port_priv p;
};

static struct port_priv *priv(const ps_port_report *r)
{
        return r->_priv;
}

/* Which status names a port when several records cover it. */
static int rank(ps_port_status s)
{
        static const int ranks[] = {
                [PS_PORT_NOT_REGISTERED] = 0, [PS_PORT_UNASSIGNED] = 1,  [PS_PORT_RESERVED] = 2,
                [PS_PORT_DEREGISTERED] = 3,   [PS_PORT_PRIVATE_USE] = 4, [PS_PORT_ASSIGNED] = 5,
        };
        return ranks[s];
}

/* The best group among those covering the protocol bits in mask; -1 when none. */
static int best_group(const struct group_list *l, unsigned mask)
{
        int best = -1;
        for (size_t i = 0; i < l->n; i++)
                if ((l->v[i].g.protocols & mask) &&
                    (best < 0 || rank(l->v[i].g.status) > rank(l->v[best].g.status)))
                        best = (int)i;
        return best;
}

static int collect_groups(ps_port_report *r, const ps_db *db)
{
        ps_iter it;
        ps_record rec;
        int k;
        ps_iter_port(&it, db, r->port, r->proto);
        while ((k = ps_iter_next(&it, &rec)) > 0)
                if ((k = group_list_add(&priv(r)->groups, db, &rec, false)) < 0)
                        return k;
        if (k < 0)
                return k;
        group_list_seal(&priv(r)->groups);
        r->n_groups = priv(r)->groups.n;
        return 0;
}

static void decide_status(ps_port_report *r)
{
        struct port_priv *p = priv(r);
        const struct group_list *l = &p->groups;
        unsigned seen = 0;
        for (size_t i = 0; i < l->n; i++)
                seen |= l->v[i].g.protocols;
        for (ps_proto pr = PS_PROTO_TCP; pr < _PS_PROTO_MAX; pr++) {
                bool listed = r->proto == PS_PROTO_ANY
                                      ? pr <= PS_PROTO_UDP || (seen & PS_PROTO_BIT(pr))
                                      : pr == r->proto;
                if (!listed)
                        continue;
                int g = best_group(l, PS_PROTO_BIT(pr) | PS_PROTO_BIT(PS_PROTO_NONE));
                p->statuses[r->n_statuses++] = (ps_report_status){
                        .proto = pr,
                        .status = g < 0 ? PS_PORT_NOT_REGISTERED : l->v[g].g.status,
                        .group = g,
                };
        }
        for (size_t i = 1; i < r->n_statuses; i++)
                if (p->statuses[i].status != p->statuses[0].status)
                        r->statuses_differ = true;

        r->headline = best_group(l, ~0u);
        const ps_report_group *h = r->headline >= 0 ? &l->v[r->headline].g : NULL;
        r->status = h ? h->status : PS_PORT_NOT_REGISTERED;
        ps_report_item *t = &r->title;
        *t = (ps_report_item){ .question = -1, .port = r->port, .text = "", .text2 = "" };
        if (!h) {
                t->code = PS_HEADLINE_NOT_REGISTERED;
                return;
        }
        bool block = h->record.port_lo != h->record.port_hi;
        t->number = h->record.port_lo;
        t->number2 = h->record.port_hi;
        t->protocols = h->protocols;
        switch (h->status) {
        case PS_PORT_ASSIGNED:
                t->code = PS_HEADLINE_ASSIGNED;
                t->text = h->record.name;
                t->text2 = h->record.description;
                break;
        case PS_PORT_PRIVATE_USE:
                t->code = PS_HEADLINE_PRIVATE_USE;
                t->text = h->record.description;
                break;
        case PS_PORT_DEREGISTERED:
                t->code = *h->former_name ? PS_HEADLINE_DEREGISTERED_FORMER
                                          : PS_HEADLINE_DEREGISTERED;
                t->text = h->former_name;
                break;
        case PS_PORT_RESERVED:
                t->code = block ? PS_HEADLINE_RESERVED_BLOCK : PS_HEADLINE_RESERVED;
                break;
        default:
                t->code = *h->former_name ? PS_HEADLINE_UNASSIGNED_FORMER
                          : block         ? PS_HEADLINE_UNASSIGNED_BLOCK
                                          : PS_HEADLINE_UNASSIGNED;
                t->text = h->former_name;
        }
}

static void fold_port(ps_report_ports *v, size_t *n, size_t cap, unsigned lo, unsigned hi,
                      unsigned protocols)
{
        for (size_t i = 0; i < *n; i++)
                if (v[i].lo == lo && v[i].hi == hi) {
                        v[i].protocols |= protocols;
                        return;
                }
        if (*n < cap)
                v[(*n)++] = (ps_report_ports){ lo, hi, protocols };
}

static int collect_notes(ps_port_report *r, const ps_notes *notes)
{
        struct port_priv *p = priv(r);
        ps_notes_iter it;
        ps_note note;
        size_t alloc = 0, n_related = 0, related_alloc = 0;
        int k;
        if (!notes)
                return 0;
        ps_notes_iter_port(&it, notes, r->port, r->proto);
        while ((k = ps_notes_iter_next(&it, &note)) > 0) {
                if (r->n_notes == alloc) {
                        alloc = alloc ? alloc * 2 : 4;
                        struct note_entry *v = realloc(p->notes, alloc * sizeof(*v));
                        if (!v)
                                return -ENOMEM;
                        p->notes = v;
                }
                struct note_entry *e = &p->notes[r->n_notes++];
                memset(e, 0, sizeof(*e));
                e->n.note = note;
                for (unsigned i = 0; i < note.n_ports; i++) {
                        ps_note_port np;
                        if (ps_note_get_port(notes, &note, i, &np) < 0)
                                continue;
                        fold_port(e->ports, &e->n.n_ports, PS_ELEMENTSOF(e->ports), np.lo, np.hi,
                                  PS_PROTO_BIT(np.proto));
                        if (np.lo <= r->port && r->port <= np.hi)
                                continue;
                        if (n_related == related_alloc) {
                                related_alloc = related_alloc ? related_alloc * 2 : 8;
                                ps_report_ports *v =
                                        realloc(p->related, related_alloc * sizeof(*v));
                                if (!v)
                                        return -ENOMEM;
                                p->related = v;
                        }
                        fold_port(p->related, &n_related, related_alloc, np.lo, np.hi,
                                  PS_PROTO_BIT(np.proto));
                }
        }
        for (size_t i = 0; i < r->n_notes; i++)
                p->notes[i].n._priv = p->notes[i].ports;
        r->n_related = n_related;
        return k < 0 ? k : 0;
}

static int collect_prevalence(ps_port_report *r, const ps_report_opts *o)
{
        struct port_priv *p = priv(r);
        ps_prevalence_entry all[_PS_PROTO_MAX];
        int n = 0;
        const char *path;

        if (o->prevalence) {
                path = ps_prevalence_path(o->prevalence);
                for (ps_proto pr = PS_PROTO_TCP; pr < _PS_PROTO_MAX; pr++)
                        if (ps_prevalence_lookup(o->prevalence, r->port, pr, &all[n]) >= 0)
                                n++;
        } else if (o->flags & PS_REPORT_PREVALENCE) {
                path = o->nmap_services ? o->nmap_services : ps_prevalence_default_path();
                n = o->flags & PS_REPORT_NO_CACHE
                            ? ps_prevalence_port(path, r->port, all, PS_ELEMENTSOF(all))
                            : ps_prevalence_port_cached(path, r->port, all, PS_ELEMENTSOF(all));
        } else {
                r->prevalence_state = PS_PREVALENCE_NOT_ASKED;
                return 0;
        }
        if (!(p->prevalence_path = strdup(path)))
                return -ENOMEM;
        r->prevalence_path = p->prevalence_path;
        if (n == -ENOMEM)
                return n;
        if (n < 0) {
                r->prevalence_state =
                        n == -ENOENT ? PS_PREVALENCE_NOT_INSTALLED : PS_PREVALENCE_UNUSABLE;
                r->prevalence_error = n;
                return 0;
        }
        for (int i = 0; i < n; i++)
                if (r->proto == PS_PROTO_ANY || all[i].proto == r->proto)
                        p->prevalence[r->n_prevalence++] = all[i];
        return 0;
}

/* Ports looked at one by one, through the per-port cover index, before the
 * searches below fall back to walking records in port order. */
#define NEIGHBOUR_SCAN 512

/* An assigned record of proto that starts (start) or ends (!start) at port p. */
static bool assigned_edge(const ps_db *db, unsigned p, ps_proto proto, bool start)
{
        ps_iter it;
        unsigned lo, hi;
        ps_iter_port(&it, db, p, proto);
        while (ps_iter_next_assigned(&it, &lo, &hi) > 0)
                if ((start ? lo : hi) == p)
                        return true;
        return false;
}

/* The nearest ports below and above with a registered service that does not
 * also cover this port. The ports next to this one are looked at first, each
 * through its cover list: a binary search of the 14,000 records touches a
 * page of them per step, and each page the report touches is mapped. */
static void neighbours(ps_port_report *r, const ps_db *db)
{
        ps_iter it;
        unsigned lo, hi;
        r->previous_port = r->next_port = -1;
        for (unsigned p = r->port + 1; p <= 65535 && p <= r->port + NEIGHBOUR_SCAN; p++)
                if (assigned_edge(db, p, r->proto, true)) {
                        r->next_port = (int)p;
                        break;
                }
        if (r->next_port < 0 && r->port + NEIGHBOUR_SCAN < 65535) {
                /* Only records that start above the scanned ports: the blocks
                 * reaching into the range from below would be walked too. */
                ps_iter_starting(&it, db, r->port + NEIGHBOUR_SCAN + 1, 65535, r->proto);
                if (ps_iter_next_assigned(&it, &lo, &hi) > 0)
                        r->next_port = (int)lo;
        }
        for (unsigned p = r->port; p > 0 && p + NEIGHBOUR_SCAN > r->port; p--)
                if (assigned_edge(db, p - 1, r->proto, false)) {
                        r->previous_port = (int)(p - 1);
                        break;
                }
        if (r->previous_port >= 0 || r->port <= NEIGHBOUR_SCAN)
                return;
        /* A record ending below the scanned ports: one overlapping a window
         * [from, top] starts inside it or covers from. */
        unsigned top = r->port - NEIGHBOUR_SCAN - 1;
        for (unsigned w = 64; r->previous_port < 0; w *= 2) {
                unsigned from = w >= top ? 0 : top - w;
                for (int k = 0; k < 2; k++) {
                        if (k == 0)
                                ps_iter_starting(&it, db, from, top, r->proto);
                        else
                                ps_iter_port(&it, db, from, r->proto);
                        while (ps_iter_next_assigned(&it, &lo, &hi) > 0)
                                if (hi <= top && (int)hi > r->previous_port)
                                        r->previous_port = (int)hi;
                }
                if (from == 0)
                        break;
        }
}

static ps_report_item *item(ps_report_item *v, size_t *n, int code, int question, unsigned port)
{
        ps_report_item *i = &v[(*n)++];
        *i = (ps_report_item){
                .code = code, .question = question, .port = port, .text = "", .text2 = ""
        };
        return i;
}

static bool has_service(const ps_port_report *r)
{
        return r->status == PS_PORT_ASSIGNED || r->status == PS_PORT_PRIVATE_USE;
}

static void decide_advice(ps_port_report *r)
{
        struct port_priv *p = priv(r);
        ps_report_item *a;
        if (r->port == 0) {
                item(p->advice, &r->n_advice, PS_ADVICE_PORT_ZERO, -1, 0);
        } else if (!r->n_groups) {
                a = item(p->advice, &r->n_advice,
                         r->range.cls == PS_RANGE_DYNAMIC ? PS_ADVICE_DYNAMIC_UNREGISTERED
                                                          : PS_ADVICE_NOT_REGISTERED,
                         -1, r->port);
                a->protocols = r->proto == PS_PROTO_ANY ? 0 : PS_PROTO_BIT(r->proto);
        } else if (r->status == PS_PORT_PRIVATE_USE) {
                a = item(p->advice, &r->n_advice, PS_ADVICE_PRIVATE_USE, -1, r->port);
                a->text = r->title.text;
        } else if (!has_service(r)) {
                if (r->status == PS_PORT_DEREGISTERED) {
                        a = item(p->advice, &r->n_advice, PS_ADVICE_DEREGISTERED, -1, r->port);
                        a->text = r->title.text;
                }
                item(p->advice, &r->n_advice,
                     r->range.cls == PS_RANGE_SYSTEM ? PS_ADVICE_SYSTEM_NO_SERVICE
                                                     : PS_ADVICE_NO_SERVICE,
                     -1, r->port);
        }
        if (ps_port_browser_unsafe(r->port))
                item(p->advice, &r->n_advice, PS_ADVICE_BROWSER_UNSAFE, -1, r->port);
}

/* The first note carrying tag, or NULL. */
static const ps_note *note_with(const ps_port_report *r, ps_tag tag)
{
        for (size_t i = 0; i < r->n_notes; i++)
                if (ps_note_has_tag(&priv(r)->notes[i].n.note, tag))
                        return &priv(r)->notes[i].n.note;
        return NULL;
}

/* A note about this port itself rather than a whole span of ports (the
 * ephemeral range, NodePorts): the first whose port item around the port is
 * narrower than SPECIFIC_SPAN, or NULL. */
#define SPECIFIC_SPAN 64

static const ps_note *specific_note(const ps_port_report *r)
{
        for (size_t i = 0; i < r->n_notes; i++) {
                const struct note_entry *e = &priv(r)->notes[i];
                for (size_t k = 0; k < e->n.n_ports; k++)
                        if (e->ports[k].lo <= r->port && r->port <= e->ports[k].hi &&
                            e->ports[k].hi - e->ports[k].lo < SPECIFIC_SPAN)
                                return &e->n.note;
        }
        return NULL;
}

static const char *assignee(const ps_db *db, const ps_record *rec)
{
        ps_person who;
        if (ps_record_assignee(db, rec, 0, &who) < 0)
                return "";
        return *who.name ? who.name : *who.org ? who.org : who.id;
}

static void faq_protocols(ps_port_report *r, const ps_report_group *h)
{
        struct port_priv *p = priv(r);
        ps_report_item *f;
        unsigned registered = 0, noted = 0;
        for (size_t i = 0; i < p->groups.n; i++)
                if (p->groups.v[i].g.status == PS_PORT_ASSIGNED ||
                    p->groups.v[i].g.status == PS_PORT_PRIVATE_USE)
                        registered |= p->groups.v[i].g.protocols;
        registered &= ~PS_PROTO_BIT(PS_PROTO_NONE);
        for (size_t i = 0; i < r->n_notes; i++)
                for (size_t j = 0; j < p->notes[i].n.n_ports; j++)
                        noted |= p->notes[i].ports[j].protocols;
        if (r->port == 0) {
                f = item(p->faq, &r->n_faq, PS_FAQ_PROTO_ZERO, PS_FAQ_TCP_OR_UDP, 0);
        } else if (registered) {
                f = item(p->faq, &r->n_faq, PS_FAQ_PROTO_REGISTERED, PS_FAQ_TCP_OR_UDP, r->port);
                f->protocols = registered;
                f->text = *h->record.name ? h->record.name : h->record.description;
        } else {
                f = item(p->faq, &r->n_faq, PS_FAQ_PROTO_UNREGISTERED, PS_FAQ_TCP_OR_UDP, r->port);
                f->protocols = noted;
        }
}

static void faq_who(ps_port_report *r, const ps_db *db, const ps_report_group *h)
{
        struct port_priv *p = priv(r);
        ps_report_item *f;
        if (r->status == PS_PORT_ASSIGNED && *assignee(db, &h->record)) {
                f = item(p->faq, &r->n_faq, PS_FAQ_WHO_ASSIGNEE, PS_FAQ_WHO_REGISTERED, r->port);
                f->text = assignee(db, &h->record);
                f->text2 = h->record.name;
        } else if (r->status == PS_PORT_ASSIGNED) {
                f = item(p->faq, &r->n_faq, PS_FAQ_WHO_UNRECORDED, PS_FAQ_WHO_REGISTERED, r->port);
                f->text = h->record.name;
        } else if (r->status == PS_PORT_DEREGISTERED) {
                f = item(p->faq, &r->n_faq, PS_FAQ_WHO_DEREGISTERED, PS_FAQ_WHO_REGISTERED,
                         r->port);
                f->text = h->former_name;
        } else {
                f = item(p->faq, &r->n_faq, PS_FAQ_WHO_NOBODY, PS_FAQ_WHO_REGISTERED, r->port);
                f->number = r->status;
        }
}

static void faq_safety(ps_port_report *r)
{
        static const struct {
                ps_tag tag;
                ps_faq_answer answer;
        } by_tag[] = {
                { PS_TAG_MALWARE, PS_FAQ_SAFE_MALWARE },
                { PS_TAG_AMPLIFICATION, PS_FAQ_SAFE_AMPLIFICATION },
                { PS_TAG_NO_EXPOSE, PS_FAQ_SAFE_NO_EXPOSE },
                { PS_TAG_ABUSE, PS_FAQ_SAFE_ABUSE },
        };
        struct port_priv *p = priv(r);
        if (r->port == 0) {
                item(p->faq, &r->n_faq, PS_FAQ_SAFE_ZERO, PS_FAQ_SAFE_TO_EXPOSE, 0);
                return;
        }
        for (size_t i = 0; i < PS_ELEMENTSOF(by_tag); i++) {
                const ps_note *n = note_with(r, by_tag[i].tag);
                if (n) {
                        item(p->faq, &r->n_faq, by_tag[i].answer, PS_FAQ_SAFE_TO_EXPOSE, r->port)
                                ->text = n->title;
                        return;
                }
        }
        item(p->faq, &r->n_faq, PS_FAQ_SAFE_DEPENDS, PS_FAQ_SAFE_TO_EXPOSE, r->port);
}

static void faq_uses(ps_port_report *r, const ps_report_group *h)
{
        struct port_priv *p = priv(r);
        ps_report_item *f;
        const char *first = r->n_notes ? p->notes[0].n.note.title : "";
        if (r->n_notes) {
                f = item(p->faq, &r->n_faq, PS_FAQ_WHAT_NOTES, PS_FAQ_WHAT_USES, r->port);
                f->number = (unsigned)r->n_notes;
                f->text = first;
        } else if (r->status == PS_PORT_ASSIGNED) {
                f = item(p->faq, &r->n_faq, PS_FAQ_WHAT_REGISTERED, PS_FAQ_WHAT_USES, r->port);
                f->text = h->record.name;
                f->text2 = h->record.description;
        } else {
                item(p->faq, &r->n_faq, PS_FAQ_WHAT_NOTHING, PS_FAQ_WHAT_USES, r->port);
        }

        if (r->port == 0) {
                item(p->faq, &r->n_faq, PS_FAQ_WHY_ZERO, PS_FAQ_WHY_LISTENING, 0);
        } else if (r->n_notes) {
                /* A note about this port says more than one about a whole span. */
                const ps_note *n = specific_note(r);
                item(p->faq, &r->n_faq, PS_FAQ_WHY_NOTED, PS_FAQ_WHY_LISTENING, r->port)->text =
                        n ? n->title : first;
        } else if (r->status == PS_PORT_ASSIGNED) {
                item(p->faq, &r->n_faq, PS_FAQ_WHY_ASSIGNED, PS_FAQ_WHY_LISTENING, r->port)->text =
                        h->record.name;
        } else {
                item(p->faq, &r->n_faq,
                     r->range.cls == PS_RANGE_DYNAMIC  ? PS_FAQ_WHY_DYNAMIC
                     : r->range.cls == PS_RANGE_SYSTEM ? PS_FAQ_WHY_SYSTEM_UNKNOWN
                                                       : PS_FAQ_WHY_UNOFFICIAL,
                     PS_FAQ_WHY_LISTENING, r->port);
        }
}

static void faq_own(ps_port_report *r, const ps_report_opts *o, const ps_report_group *h)
{
        ps_faq_answer a;
        const char *text = "";
        if (r->port == 0)
                a = PS_FAQ_OWN_ZERO;
        else if (has_service(r)) {
                a = PS_FAQ_OWN_TAKEN;
                text = *h->record.name ? h->record.name : h->record.description;
        } else if (specific_note(r)) {
                a = PS_FAQ_OWN_NOTED;
                text = specific_note(r)->title;
        } else if (r->status == PS_PORT_RESERVED)
                a = PS_FAQ_OWN_RESERVED;
        else if (ps_port_browser_unsafe(r->port))
                a = PS_FAQ_OWN_BROWSER;
        else if (r->range.cls == PS_RANGE_SYSTEM)
                a = PS_FAQ_OWN_SYSTEM;
        else if (r->range.cls == PS_RANGE_DYNAMIC)
                a = PS_FAQ_OWN_DYNAMIC;
        else
                a = PS_FAQ_OWN_FREE;
        if (a != PS_FAQ_OWN_FREE) {
                r->suggested_port = report_suggest_near(o->db, o->notes, r->port);
                if (!r->suggested_port)
                        return; /* no free port anywhere: nothing true to suggest */
        }
        ps_report_item *f = item(priv(r)->faq, &r->n_faq, a, PS_FAQ_OWN_SERVICE, r->port);
        f->number = r->suggested_port;
        f->text = text;
}

/* Whether the registry gives the port the name, or one of the aliases, over proto. */
static bool registry_names(const ps_db *db, unsigned port, ps_proto proto,
                           const struct ps_services_entry *e)
{
        ps_iter it;
        ps_record rec;
        ps_iter_port(&it, db, port, proto);
        while (ps_iter_next(&it, &rec) > 0) {
                if (!*rec.name || rec.proto != proto)
                        continue;
                if (!ps_strcasecmp_ascii(rec.name, e->name))
                        return true;
                size_t n = strlen(rec.name);
                for (const char *a = e->aliases; *a; a += strcspn(a, " "), a += *a == ' ')
                        if (!ps_strncasecmp_ascii(a, rec.name, n) && (a[n] == ' ' || !a[n]))
                                return true;
        }
        return false;
}

/* The services file's names for the port that the registry does not give it,
 * one fact per name (its protocols folded). A missing or unreadable file
 * says nothing: it is optional, and the registry is the report's answer. */
static int collect_local_names(ps_port_report *r, const ps_report_opts *o)
{
        struct port_priv *p = priv(r);
        const char *path = o->services_file ? o->services_file : ps_services_default_path();
        int n = ps_services_port(path, r->port, p->services, LOCAL_NAMES_MAX);
        if (n == -ENOMEM)
                return n;
        if (n <= 0)
                return 0;
        if (!(p->services_path = strdup(path)))
                return -ENOMEM;
        size_t first = r->n_local_facts;
        for (int i = 0; i < n; i++) {
                const struct ps_services_entry *e = &p->services[i];
                if ((r->proto != PS_PROTO_ANY && e->proto != r->proto) ||
                    registry_names(o->db, r->port, e->proto, e))
                        continue;
                ps_report_item *f = NULL;
                for (size_t j = first; j < r->n_local_facts && !f; j++)
                        if (!strcmp(p->local[j].text, e->name))
                                f = &p->local[j];
                if (!f) {
                        f = item(p->local, &r->n_local_facts, PS_LOCAL_SERVICES_NAME, -1, r->port);
                        f->text = e->name;
                        f->text2 = p->services_path;
                }
                f->protocols |= PS_PROTO_BIT(e->proto);
        }
        return 0;
}

static int collect_local(ps_port_report *r, const ps_report_opts *o)
{
        struct port_priv *p = priv(r);
        ps_report_local *l = &r->local;
        ps_host_ports *host = malloc(sizeof(*host));
        ps_report_item *f;
        int k;
        if (!host)
                return -ENOMEM;
        if ((k = ps_host_ports_read(o->proc_root, host)) < 0) {
                free(host);
                return k;
        }
        r->have_local = true;
        l->have_ephemeral = host->have_ephemeral;
        l->ephemeral_lo = host->ephemeral_lo;
        l->ephemeral_hi = host->ephemeral_hi;
        l->ephemeral = ps_host_port_ephemeral(host, r->port);
        l->have_reserved = host->have_reserved;
        l->reserved = ps_host_port_reserved(host, r->port);
        l->have_unprivileged = host->have_unprivileged;
        l->unprivileged_start = host->have_unprivileged ? host->unprivileged_start : 1024;
        /* A bind to port 0 takes any free port and needs no privilege. */
        l->privileged = r->port != 0 && ps_host_port_privileged(host, r->port);
        free(host);

        if (r->port == 0) {
                f = item(p->local, &r->n_local_facts, PS_LOCAL_BIND_ZERO, -1, 0);
                if (l->have_ephemeral) {
                        f->number = l->ephemeral_lo;
                        f->number2 = l->ephemeral_hi;
                }
        } else if (l->have_ephemeral) {
                f = item(p->local, &r->n_local_facts,
                         l->ephemeral ? PS_LOCAL_EPHEMERAL_INSIDE : PS_LOCAL_EPHEMERAL_OUTSIDE, -1,
                         r->port);
                f->number = l->ephemeral_lo;
                f->number2 = l->ephemeral_hi;
        }
        if (r->port != 0 && l->have_reserved)
                item(p->local, &r->n_local_facts,
                     l->reserved ? PS_LOCAL_RESERVED_LISTED : PS_LOCAL_RESERVED_NOT_LISTED, -1,
                     r->port);
        if (r->port != 0)
                item(p->local, &r->n_local_facts,
                     l->privileged ? PS_LOCAL_PRIVILEGED : PS_LOCAL_UNPRIVILEGED, -1, r->port)
                        ->number = l->unprivileged_start;
        if (r->port == 0)
                return 0; /* nothing can listen there: no socket list to read */
        if ((k = collect_local_names(r, o)) < 0)
                return k;

        ps_socket_query q;
        ps_socket_query_init(&q);
        q.proc_root = o->proc_root;
        q.port = (int)r->port;
        q.flags |= PS_QUERY_LISTENING;
        if (r->proto != PS_PROTO_ANY)
                q.protocols = PS_PROTO_BIT(r->proto);
        k = ps_socket_list_query(&q, &p->listeners);
        if (k == -ENOMEM)
                return k;
        if (k < 0) {
                l->listeners_error = k;
                f = item(p->local, &r->n_local_facts, PS_LOCAL_LISTENERS_UNKNOWN, -1, r->port);
                f->number = (unsigned)-k;
                return 0;
        }
        l->listeners = p->listeners;
        f = item(p->local, &r->n_local_facts,
                 p->listeners->n ? PS_LOCAL_LISTENERS : PS_LOCAL_NO_LISTENER, -1, r->port);
        f->number = (unsigned)p->listeners->n;
        f->protocols = r->proto == PS_PROTO_ANY ? 0 : PS_PROTO_BIT(r->proto);
        return 0;
}

/* The options as this library knows them, zero beyond what the caller set. */
static int opts_copy(const ps_report_opts *o, ps_report_opts *ret)
{
        memset(ret, 0, sizeof(*ret));
        if (!o || o->size < offsetof(ps_report_opts, flags) + sizeof(o->flags))
                return -EINVAL;
        memcpy(ret, o, o->size < sizeof(*ret) ? o->size : sizeof(*ret));
        return ret->db ? 0 : -EINVAL;
}

int report_opts(const ps_report_opts *o, ps_report_opts *ret)
{
        return opts_copy(o, ret);
}

PS_EXPORT int ps_port_report_build(const ps_report_opts *opts, unsigned port, ps_proto proto,
                                   ps_port_report **ret_report)
{
        ps_report_opts o;
        int k;
        if ((k = opts_copy(opts, &o)) < 0)
                return k;
        if (port > 65535 ||
            (proto != PS_PROTO_ANY && (proto <= PS_PROTO_NONE || proto >= _PS_PROTO_MAX)))
                return -EINVAL;
        struct port_full *f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        ps_port_report *r = &f->r;
        r->_priv = &f->p;
        r->port = port;
        r->proto = proto;
        r->registry_date = ps_db_date(o.db);
        ps_range_classify(port, &r->range);
        r->range_note = port == 0 ? PS_RANGE_NOTE_ZERO : PS_RANGE_NOTE_CLASS;
        snprintf(f->p.iana_url, sizeof(f->p.iana_url), "%s%u", IANA_SEARCH_URL, port);
        r->iana_url = f->p.iana_url;

        if ((k = collect_groups(r, o.db)) < 0 || (k = collect_notes(r, o.notes)) < 0 ||
            (k = collect_prevalence(r, &o)) < 0 ||
            ((o.flags & PS_REPORT_LOCAL) && (k = collect_local(r, &o)) < 0)) {
                ps_port_report_free(r);
                return k;
        }
        decide_status(r);
        r->found = r->n_groups || r->n_notes;
        neighbours(r, o.db);
        decide_advice(r);
        const ps_report_group *h = r->headline >= 0 ? &f->p.groups.v[r->headline].g : NULL;
        faq_protocols(r, h);
        faq_who(r, o.db, h);
        faq_safety(r);
        faq_uses(r, h);
        faq_own(r, &o, h);

        unsigned seen = 0;
        for (size_t i = 0; i < r->n_groups; i++)
                seen |= f->p.groups.v[i].g.protocols;
        report_checks(port, proto, seen, &f->p.checks);
        r->n_checks = _PS_OS_MAX;
        *ret_report = r;
        return 0;
}

PS_EXPORT void ps_port_report_free(ps_port_report *r)
{
        if (!r)
                return;
        struct port_priv *p = priv(r);
        group_list_free(&p->groups);
        free(p->notes);
        free(p->prevalence_path);
        free(p->services_path);
        free(p->related);
        ps_socket_list_free(p->listeners);
        free(r);
}

#define AT(fn, type, count, expr)                                                                  \
        PS_EXPORT const type *fn(const ps_port_report *r, size_t i)                                \
        {                                                                                          \
                return r && i < r->count ? &(expr) : NULL;                                         \
        }

AT(ps_port_report_group_at, ps_report_group, n_groups, priv(r)->groups.v[i].g)
AT(ps_port_report_status_at, ps_report_status, n_statuses, priv(r)->statuses[i])
AT(ps_port_report_note_at, ps_report_note, n_notes, priv(r)->notes[i].n)
AT(ps_port_report_prevalence_at, ps_prevalence_entry, n_prevalence, priv(r)->prevalence[i])
AT(ps_port_report_advice_at, ps_report_item, n_advice, priv(r)->advice[i])
AT(ps_port_report_faq_at, ps_report_item, n_faq, priv(r)->faq[i])
AT(ps_port_report_local_fact_at, ps_report_item, n_local_facts, priv(r)->local[i])
AT(ps_port_report_check_at, ps_report_check, n_checks, priv(r)->checks.checks[i])
AT(ps_port_report_related_at, ps_report_ports, n_related, priv(r)->related[i])

PS_EXPORT const ps_report_ports *ps_report_note_ports_at(const ps_report_note *n, size_t i)
{
        return n && i < n->n_ports ? &((const ps_report_ports *)n->_priv)[i] : NULL;
}
