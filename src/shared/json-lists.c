/* SPDX-License-Identifier: MIT */
/* The list documents; see json-lists.h. */
#include "json-lists.h"

#include <stdlib.h>

#include "json-record.h"
#include "util.h"

json_t *json_search(const ps_db *db, const ps_notes *notes, const char *query, int records_total,
                    const ps_match *records, size_t n_records, int notes_total,
                    const ps_match *note_matches, size_t n_notes)
{
        json_t *doc = json_doc_start("search"), *recs = json_array(), *ns = json_array();

        for (size_t i = 0; i < n_records; i++) {
                ps_record rec;
                if (ps_db_record(db, records[i].id, &rec) < 0)
                        continue;
                json_t *o = json_record(db, &rec);
                json_object_set_new(o, "score", json_integer(records[i].score));
                json_array_append_new(recs, o);
        }
        for (size_t i = 0; notes && i < n_notes; i++) {
                ps_note note;
                if (ps_notes_get(notes, note_matches[i].id, &note) < 0)
                        continue;
                json_t *o = json_note(notes, &note);
                json_object_set_new(o, "score", json_integer(note_matches[i].score));
                json_array_append_new(ns, o);
        }
        json_object_set_new(doc, "query", json_text(query));
        json_object_set_new(doc, "records_total", json_integer(records_total));
        json_object_set_new(doc, "records", recs);
        json_object_set_new(doc, "notes_total", json_integer(notes ? notes_total : 0));
        json_object_set_new(doc, "notes", ns);
        return doc;
}

static bool note_has_proto(const ps_notes *notes, const ps_note *note, ps_proto proto)
{
        ps_note_port p;
        for (unsigned i = 0; i < note->n_ports; i++)
                if (ps_note_get_port(notes, note, i, &p) >= 0 &&
                    (proto == PS_PROTO_ANY || p.proto == proto))
                        return true;
        return false;
}

/* A note and its lowest port, to list notes in port order. */
typedef struct note_key {
        uint32_t id;
        unsigned first;
} note_key;

static int cmp_key(const void *a, const void *b)
{
        const note_key *x = a, *y = b;
        if (x->first != y->first)
                return x->first < y->first ? -1 : 1;
        return x->id < y->id ? -1 : x->id > y->id;
}

json_t *json_notes(const ps_notes *notes, ps_proto proto, ps_tag tag, size_t *ret_count)
{
        size_t n = ps_notes_count(notes), shown = 0;
        /* Sorted by a key computed once, without a global for qsort: the
         * server calls this from several threads. */
        note_key *keys = malloc((n ? n : 1) * sizeof(*keys));
        if (!keys)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                ps_note note;
                ps_note_port p;
                keys[i] = (note_key){ .id = (uint32_t)i, .first = 65536 };
                if (ps_notes_get(notes, (uint32_t)i, &note) < 0)
                        continue;
                for (unsigned k = 0; k < note.n_ports; k++)
                        if (ps_note_get_port(notes, &note, k, &p) >= 0 && p.lo < keys[i].first)
                                keys[i].first = p.lo;
        }
        ps_qsort(keys, n, sizeof(*keys), cmp_key);
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
                ps_note note;
                if (ps_notes_get(notes, keys[i].id, &note) < 0 ||
                    !note_has_proto(notes, &note, proto) ||
                    (tag != _PS_TAG_MAX && !ps_note_has_tag(&note, tag)))
                        continue;
                json_array_append_new(arr, json_note(notes, &note));
                shown++;
        }
        free(keys);
        if (ret_count)
                *ret_count = shown;
        return json_doc("notes", json_pack("{s:o}", "notes", arr));
}

json_t *json_suggest(const ps_suggestion *s, size_t n, unsigned protocols, ps_range_class range,
                     const char *requested_name, const ps_host_ports *host)
{
        json_t *arr = json_array(), *protos = json_array();
        ps_range_info ri;

        for (size_t i = 0; i < n; i++)
                json_array_append_new(
                        arr, json_pack("{s:i, s:o, s:b}", "port", s[i].port, "prevalence",
                                       s[i].open_frequency >= 0 ? json_real(s[i].open_frequency)
                                                                : json_null(),
                                       "checked", s[i].checked));
        if (protocols & PS_SUGGEST_TCP)
                json_array_append_new(protos, json_string("tcp"));
        if (protocols & PS_SUGGEST_UDP)
                json_array_append_new(protos, json_string("udp"));
        ps_range_describe(range, &ri);
        /* Without this machine's settings and sockets, the suggester stands
         * in Linux's default ephemeral range and binds nothing. */
        json_t *reasons = host ? json_pack("[s,s,s,s,s,s]", "unassigned in the IANA registry",
                                           "outside the ephemeral range and reserved ports",
                                           "not bound by any local socket now",
                                           "not on the browsers' unsafe-port list",
                                           "no known unofficial use (knowledge notes)",
                                           "rarely or never seen open (nmap-services)")
                               : json_pack("[s,s,s,s,s]", "unassigned in the IANA registry",
                                           "outside Linux's default ephemeral range 32768-60999",
                                           "not on the browsers' unsafe-port list",
                                           "no known unofficial use (knowledge notes)",
                                           "rarely or never seen open (nmap-services)");
        json_t *body = json_pack("{s:o, s:{s:s, s:i, s:i}, s:o, s:o, s:o, s:o}", "protocols",
                                 protos, "range", "class", ri.id, "low", ri.lo, "high", ri.hi,
                                 "requested_name", json_str_or_null(requested_name), "ephemeral",
                                 host && host->have_ephemeral
                                         ? json_pack("{s:i, s:i}", "low", host->ephemeral_lo,
                                                     "high", host->ephemeral_hi)
                                         : json_null(),
                                 "suggestions", arr, "reasons", reasons);
        return json_doc("suggest", body);
}
