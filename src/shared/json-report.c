/* SPDX-License-Identifier: MIT */
/* The report model as JSON: the model's codes become stable snake_case names. */
#include <errno.h>

#include "json-record.h"
#include "json-report.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const headline_codes[] = {
        [PS_HEADLINE_ASSIGNED] = "assigned",
        [PS_HEADLINE_UNASSIGNED] = "unassigned",
        [PS_HEADLINE_UNASSIGNED_BLOCK] = "unassigned_block",
        [PS_HEADLINE_UNASSIGNED_FORMER] = "unassigned_former",
        [PS_HEADLINE_RESERVED] = "reserved",
        [PS_HEADLINE_RESERVED_BLOCK] = "reserved_block",
        [PS_HEADLINE_DEREGISTERED] = "de_registered",
        [PS_HEADLINE_DEREGISTERED_FORMER] = "de_registered_former",
        [PS_HEADLINE_PRIVATE_USE] = "private_use",
        [PS_HEADLINE_NOT_REGISTERED] = "not_registered",
};

static const char *const advice_codes[] = {
        [PS_ADVICE_DYNAMIC_UNREGISTERED] = "dynamic_unregistered",
        [PS_ADVICE_NOT_REGISTERED] = "not_registered",
        [PS_ADVICE_SYSTEM_NO_SERVICE] = "system_no_service",
        [PS_ADVICE_NO_SERVICE] = "no_service",
        [PS_ADVICE_PORT_ZERO] = "port_zero",
        [PS_ADVICE_DEREGISTERED] = "de_registered",
        [PS_ADVICE_BROWSER_UNSAFE] = "browser_unsafe",
        [PS_ADVICE_PRIVATE_USE] = "private_use",
};

static const char *const local_codes[] = {
        [PS_LOCAL_EPHEMERAL_INSIDE] = "ephemeral_inside",
        [PS_LOCAL_EPHEMERAL_OUTSIDE] = "ephemeral_outside",
        [PS_LOCAL_RESERVED_LISTED] = "reserved_listed",
        [PS_LOCAL_RESERVED_NOT_LISTED] = "reserved_not_listed",
        [PS_LOCAL_PRIVILEGED] = "privileged",
        [PS_LOCAL_UNPRIVILEGED] = "unprivileged",
        [PS_LOCAL_BIND_ZERO] = "bind_zero",
        [PS_LOCAL_NO_LISTENER] = "no_listener",
        [PS_LOCAL_LISTENERS] = "listeners",
        [PS_LOCAL_LISTENERS_UNKNOWN] = "listeners_unknown",
        [PS_LOCAL_SERVICES_NAME] = "services_name",
};

static const char *const questions[] = {
        [PS_FAQ_TCP_OR_UDP] = "tcp_or_udp",         [PS_FAQ_WHO_REGISTERED] = "who_registered",
        [PS_FAQ_SAFE_TO_EXPOSE] = "safe_to_expose", [PS_FAQ_WHAT_USES] = "what_uses",
        [PS_FAQ_WHY_LISTENING] = "why_listening",   [PS_FAQ_OWN_SERVICE] = "own_service",
};

static const char *const answers[] = {
        [PS_FAQ_PROTO_REGISTERED] = "proto_registered",
        [PS_FAQ_PROTO_UNREGISTERED] = "proto_unregistered",
        [PS_FAQ_PROTO_ZERO] = "proto_zero",
        [PS_FAQ_WHO_ASSIGNEE] = "who_assignee",
        [PS_FAQ_WHO_NOBODY] = "who_nobody",
        [PS_FAQ_WHO_DEREGISTERED] = "who_de_registered",
        [PS_FAQ_SAFE_MALWARE] = "safe_malware",
        [PS_FAQ_SAFE_AMPLIFICATION] = "safe_amplification",
        [PS_FAQ_SAFE_NO_EXPOSE] = "safe_no_expose",
        [PS_FAQ_SAFE_ABUSE] = "safe_abuse",
        [PS_FAQ_SAFE_DEPENDS] = "safe_depends",
        [PS_FAQ_SAFE_ZERO] = "safe_zero",
        [PS_FAQ_WHAT_NOTES] = "what_notes",
        [PS_FAQ_WHAT_REGISTERED] = "what_registered",
        [PS_FAQ_WHAT_NOTHING] = "what_nothing",
        [PS_FAQ_WHY_ZERO] = "why_zero",
        [PS_FAQ_WHY_NOTED] = "why_noted",
        [PS_FAQ_WHY_ASSIGNED] = "why_assigned",
        [PS_FAQ_WHY_SYSTEM_UNKNOWN] = "why_system_unknown",
        [PS_FAQ_WHY_UNOFFICIAL] = "why_unofficial",
        [PS_FAQ_WHY_DYNAMIC] = "why_dynamic",
        [PS_FAQ_OWN_FREE] = "own_free",
        [PS_FAQ_OWN_TAKEN] = "own_taken",
        [PS_FAQ_OWN_NOTED] = "own_noted",
        [PS_FAQ_OWN_SYSTEM] = "own_system",
        [PS_FAQ_OWN_DYNAMIC] = "own_dynamic",
        [PS_FAQ_OWN_BROWSER] = "own_browser",
        [PS_FAQ_OWN_ZERO] = "own_zero",
        [PS_FAQ_OWN_RESERVED] = "own_reserved",
        [PS_FAQ_WHO_UNRECORDED] = "who_unrecorded",
};

static const char *const gaps[] = {
        [PS_CHECK_OK] = NULL,
        [PS_CHECK_NO_PROTOCOL] = "no_protocol",
        [PS_CHECK_PORT_ZERO] = "port_zero",
};

static json_t *code(const char *const *table, size_t n, int c)
{
        return c >= 0 && (size_t)c < n && table[c] ? json_string(table[c]) : json_null();
}
#define CODE(table, c) code(table, ELEMENTSOF(table), (int)(c))

static json_t *proto_or_null(ps_proto proto)
{
        return proto == PS_PROTO_ANY ? json_null() : json_string(ps_proto_name(proto));
}

/* An advice, local fact or FAQ answer: its code and every parameter. */
static json_t *json_item(const ps_report_item *it, const char *const *table, size_t n,
                         const char *key)
{
        json_t *o = json_object();
        if (it->question >= 0)
                json_object_set_new(o, "question", CODE(questions, it->question));
        json_object_set_new(o, key, code(table, n, it->code));
        json_object_set_new(o, "port", json_integer(it->port));
        json_object_set_new(o, "number", json_integer(it->number));
        json_object_set_new(o, "number2", json_integer(it->number2));
        json_object_set_new(o, "protocols", json_protocols(it->protocols));
        json_object_set_new(o, "text", json_str_or_null(it->text));
        json_object_set_new(o, "text2", json_str_or_null(it->text2));
        return o;
}

static json_t *json_ports(const ps_report_ports *p)
{
        return json_pack("{s:i, s:i, s:o}", "port", p->lo, "port_high", p->hi, "protocols",
                         json_protocols(p->protocols));
}

json_t *json_report_group(const ps_db *db, const ps_report_group *g, json_t *records)
{
        json_t *idx = json_array();
        /* The group's records differ only in protocol: each is the first with
         * its own protocol. */
        for (int p = PS_PROTO_NONE; p < _PS_PROTO_MAX; p++) {
                if (!(g->protocols & PS_PROTO_BIT(p)))
                        continue;
                ps_record rec = g->record;
                rec.proto = (ps_proto)p;
                json_array_append_new(idx, json_integer((json_int_t)json_array_size(records)));
                json_array_append_new(records, json_record(db, &rec));
        }
        return json_pack("{s:o, s:o, s:s, s:o}", "records", idx, "protocols",
                         json_protocols(g->protocols), "status", ps_port_status_name(g->status),
                         "former_name", json_str_or_null(g->former_name));
}

static json_t *json_host(const ps_port_report *r)
{
        const ps_report_local *l = &r->local;
        json_t *o = json_object(), *facts = json_array();
        json_object_set_new(o, "ephemeral",
                            l->have_ephemeral
                                    ? json_pack("{s:i, s:i, s:b}", "low", l->ephemeral_lo, "high",
                                                l->ephemeral_hi, "contains", l->ephemeral)
                                    : json_null());
        json_object_set_new(o, "reserved",
                            l->have_reserved ? json_boolean(l->reserved) : json_null());
        json_object_set_new(o, "unprivileged_port_start",
                            l->have_unprivileged ? json_integer(l->unprivileged_start)
                                                 : json_null());
        json_object_set_new(o, "privileged", json_boolean(l->privileged));
        json_object_set_new(o, "sockets_error",
                            l->listeners_error ? json_string(ps_strerror(l->listeners_error))
                                               : json_null());
        for (size_t i = 0; i < r->n_local_facts; i++)
                json_array_append_new(facts,
                                      json_item(ps_port_report_local_fact_at(r, i), local_codes,
                                                ELEMENTSOF(local_codes), "code"));
        json_object_set_new(o, "facts", facts);
        return o;
}

/* docs/json.md's "nmap": {path, entries}, or null without a usable file. */
static json_t *json_nmap(const ps_port_report *r)
{
        if (r->prevalence_state != PS_PREVALENCE_FOUND)
                return json_null();
        json_t *entries = json_array();
        for (size_t i = 0; i < r->n_prevalence; i++) {
                const ps_prevalence_entry *e = ps_port_report_prevalence_at(r, i);
                json_array_append_new(entries,
                                      json_pack("{s:s, s:s, s:f, s:o, s:i}", "protocol",
                                                ps_proto_name(e->proto), "nmap_service", e->service,
                                                "prevalence", e->frequency, "rank",
                                                e->rank ? json_integer(e->rank) : json_null(),
                                                "listed", (json_int_t)e->listed));
        }
        return json_pack("{s:o, s:o}", "path", json_text(r->prevalence_path), "entries", entries);
}

static json_t *json_checks(const ps_port_report *r)
{
        json_t *o = json_object();
        for (size_t i = 0; i < r->n_checks; i++) {
                const ps_report_check *c = ps_port_report_check_at(r, i);
                json_t *cmds = json_array();
                for (size_t k = 0; k < c->n_commands; k++)
                        json_array_append_new(cmds, json_string(c->commands[k]));
                json_object_set_new(
                        o, ps_os_name(c->os),
                        json_pack("{s:o, s:o}", "commands", cmds, "gap", CODE(gaps, c->gap)));
        }
        return o;
}

static json_t *json_headline(const ps_port_report *r)
{
        const ps_report_item *t = &r->title;
        bool former = t->code == PS_HEADLINE_UNASSIGNED_FORMER ||
                      t->code == PS_HEADLINE_DEREGISTERED_FORMER;
        bool block =
                t->code == PS_HEADLINE_UNASSIGNED_BLOCK || t->code == PS_HEADLINE_RESERVED_BLOCK;
        return json_pack("{s:o, s:o, s:o, s:o}", "code", CODE(headline_codes, t->code), "group",
                         r->headline >= 0 ? json_integer(r->headline) : json_null(), "former_name",
                         former ? json_text(t->text) : json_null(), "block",
                         block ? json_pack("{s:i, s:i}", "low", t->number, "high", t->number2)
                               : json_null());
}

static json_t *json_items(const ps_port_report *r, size_t n,
                          const ps_report_item *(*at)(const ps_port_report *, size_t),
                          const char *const *table, size_t table_n, const char *key)
{
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(a, json_item(at(r, i), table, table_n, key));
        return a;
}

json_t *json_port_report(const ps_port_report *r, const ps_db *db, const ps_notes *notes)
{
        json_t *doc = json_doc_start("port_report"), *a, *records = json_array(),
               *groups = json_array();
        json_object_set_new(doc, "port", json_integer(r->port));
        json_object_set_new(doc, "protocol", proto_or_null(r->proto));
        json_object_set_new(doc, "found", json_boolean(r->found));
        json_object_set_new(doc, "registry_date", json_string(r->registry_date));
        json_object_set_new(doc, "iana_url", json_string(r->iana_url));
        json_object_set_new(doc, "status", json_string(ps_port_status_name(r->status)));
        a = json_array();
        for (size_t i = 0; i < r->n_statuses; i++) {
                const ps_report_status *s = ps_port_report_status_at(r, i);
                json_array_append_new(a,
                                      json_pack("{s:s, s:s}", "protocol", ps_proto_name(s->proto),
                                                "status", ps_port_status_name(s->status)));
        }
        json_object_set_new(doc, "statuses", a);
        json_object_set_new(doc, "statuses_differ", json_boolean(r->statuses_differ));
        json_object_set_new(doc, "headline", json_headline(r));
        json_object_set_new(doc, "range",
                            json_pack("{s:s, s:i, s:i, s:s, s:s, s:s}", "class", r->range.id, "low",
                                      r->range.lo, "high", r->range.hi, "title", r->range.title,
                                      "aka", r->range.aka, "explanation", r->range.explain));
        json_object_set_new(
                doc, "range_note",
                json_string(r->range_note == PS_RANGE_NOTE_ZERO ? "port_zero" : "class"));
        for (size_t i = 0; i < r->n_groups; i++)
                json_array_append_new(
                        groups, json_report_group(db, ps_port_report_group_at(r, i), records));
        json_object_set_new(doc, "records", records);
        json_object_set_new(doc, "groups", groups);
        a = json_array();
        for (size_t i = 0; i < r->n_notes; i++) {
                const ps_report_note *n = ps_port_report_note_at(r, i);
                json_t *o = json_note(notes, &n->note), *pg = json_array();
                for (size_t k = 0; k < n->n_ports; k++)
                        json_array_append_new(pg, json_ports(ps_report_note_ports_at(n, k)));
                json_object_set_new(o, "port_groups", pg);
                json_array_append_new(a, o);
        }
        json_object_set_new(doc, "notes", a);
        json_object_set_new(doc, "nmap", json_nmap(r));
        json_object_set_new(doc, "nmap_error",
                            r->prevalence_state == PS_PREVALENCE_UNUSABLE
                                    ? json_string(r->prevalence_error == -EINVAL
                                                          ? "not a regular file"
                                                          : ps_strerror(r->prevalence_error))
                                    : json_null());
        json_object_set_new(doc, "advice",
                            json_items(r, r->n_advice, ps_port_report_advice_at, advice_codes,
                                       ELEMENTSOF(advice_codes), "code"));
        json_object_set_new(doc, "faq",
                            json_items(r, r->n_faq, ps_port_report_faq_at, answers,
                                       ELEMENTSOF(answers), "answer"));
        json_object_set_new(doc, "check", json_checks(r));
        json_object_set_new(
                doc, "neighbours",
                json_pack("{s:o, s:o}", "previous",
                          r->previous_port >= 0 ? json_integer(r->previous_port) : json_null(),
                          "next", r->next_port >= 0 ? json_integer(r->next_port) : json_null()));
        a = json_array();
        for (size_t i = 0; i < r->n_related; i++)
                json_array_append_new(a, json_ports(ps_port_report_related_at(r, i)));
        json_object_set_new(doc, "related", a);
        json_object_set_new(doc, "suggested_port",
                            r->suggested_port ? json_integer(r->suggested_port) : json_null());
        json_object_set_new(doc, "host", r->have_local ? json_host(r) : json_null());
        json_object_set_new(doc, "sockets", json_null());
        return doc;
}

json_t *json_name_report(const ps_name_report *r, const ps_db *db)
{
        json_t *doc = json_doc_start("name_report"), *records = json_array(),
               *groups = json_array(), *similar = json_array(), *sim_groups = json_array();
        for (size_t i = 0; i < r->n_groups; i++) {
                json_t *g = json_report_group(db, ps_name_report_group_at(r, i), records),
                       *al = json_array();
                for (size_t k = 0; k < ps_name_report_n_aliases(r, i); k++)
                        json_array_append_new(al, json_string(ps_name_report_alias_at(r, i, k)));
                json_object_set_new(g, "same_port", al);
                json_array_append_new(groups, g);
        }
        for (size_t i = 0; i < r->n_similar; i++)
                json_array_append_new(
                        sim_groups,
                        json_report_group(db, ps_name_report_similar_at(r, i), similar));
        json_object_set_new(doc, "service", json_text(r->name));
        json_object_set_new(doc, "protocol", proto_or_null(r->proto));
        json_object_set_new(doc, "found", json_boolean(r->found));
        json_object_set_new(doc, "registry_date", json_string(r->registry_date));
        json_object_set_new(doc, "iana_url", r->iana_url ? json_string(r->iana_url) : json_null());
        json_object_set_new(doc, "records", records);
        json_object_set_new(doc, "groups", groups);
        json_object_set_new(doc, "similar_records", similar);
        json_object_set_new(doc, "similar_groups", sim_groups);
        return doc;
}

json_t *json_range_report(const ps_range_report *r, const ps_db *db)
{
        json_t *doc = json_doc_start("range_report"), *records = json_array(),
               *groups = json_array();
        for (size_t i = 0; i < r->n_groups; i++)
                json_array_append_new(
                        groups, json_report_group(db, ps_range_report_group_at(r, i), records));
        json_object_set_new(doc, "low", json_integer(r->lo));
        json_object_set_new(doc, "high", json_integer(r->hi));
        json_object_set_new(doc, "protocol", proto_or_null(r->proto));
        json_object_set_new(doc, "found", json_boolean(r->found));
        json_object_set_new(doc, "registry_date", json_string(r->registry_date));
        json_object_set_new(doc, "records", records);
        json_object_set_new(doc, "groups", groups);
        return doc;
}
