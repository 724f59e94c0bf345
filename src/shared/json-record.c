/* SPDX-License-Identifier: MIT */
/* JSON for registry records and notes. */
#include <stdlib.h>
#include <string.h>

#include "json-record.h"
#include "utf8.h"

static _Thread_local bool json_broken;

int cli_json_set(json_t *o, const char *key, json_t *v)
{
        if (!v || (json_object_set_new)(o, key, v) < 0) {
                json_broken = true;
                return -1;
        }
        return 0;
}

int cli_json_append(json_t *a, json_t *v)
{
        if (!v || (json_array_append_new)(a, v) < 0) {
                json_broken = true;
                return -1;
        }
        return 0;
}

bool json_build_failed(void)
{
        bool b = json_broken;
        json_broken = false;
        return b;
}

json_t *json_text(const char *s)
{
        if (ps_utf8_valid(s, strlen(s)))
                return json_string(s);
        /* Not UTF-8 (a file name, an argument): JSON strings must be, so
         * the offending bytes become '?' rather than the document failing. */
        char *t = strdup(s);
        if (!t)
                return NULL;
        ps_text_sanitize(t);
        json_t *j = json_string(t);
        free(t);
        return j;
}

json_t *json_str_or_null(const char *s)
{
        return s && *s ? json_text(s) : json_null();
}

json_t *json_protocols(unsigned protocols)
{
        json_t *a = json_array();
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++)
                if (protocols & PS_PROTO_BIT(p))
                        json_array_append_new(a, json_string(ps_proto_name((ps_proto)p)));
        return a;
}

json_t *json_person(const ps_person *p)
{
        return json_pack("{s:s, s:o, s:o, s:o, s:o}", "id", p->id, "name",
                         json_str_or_null(p->name), "org", json_str_or_null(p->org), "uri",
                         json_str_or_null(p->uri), "updated", json_str_or_null(p->updated));
}

json_t *json_doc_start(const char *kind)
{
        return json_pack("{s:i, s:s}", "schema_version", JSON_SCHEMA_VERSION, "kind", kind);
}

json_t *json_doc(const char *kind, json_t *body)
{
        json_t *doc = json_doc_start(kind);
        if (!doc || !body || json_object_update(doc, body) < 0) {
                json_decref(doc);
                doc = NULL;
        }
        json_decref(body);
        return doc;
}

json_t *json_record(const ps_db *db, const ps_record *rec)
{
        json_t *o = json_object(), *a = json_array(), *ct = json_array(), *refs = json_array();
        ps_person p;
        ps_ref ref;
        char url[1024];

        for (unsigned i = 0; i < rec->n_assignees; i++)
                if (ps_record_assignee(db, rec, i, &p) >= 0)
                        json_array_append_new(a, json_person(&p));
        for (unsigned i = 0; i < rec->n_contacts; i++)
                if (ps_record_contact(db, rec, i, &p) >= 0)
                        json_array_append_new(ct, json_person(&p));
        for (unsigned i = 0; i < rec->n_refs; i++) {
                if (ps_record_ref(db, rec, i, &ref) < 0)
                        continue;
                int n = ps_ref_url(&ref, url, sizeof(url));
                json_array_append_new(refs,
                                      json_pack("{s:s, s:s, s:o}", "type",
                                                ps_ref_type_name(ref.type), "data", ref.data, "url",
                                                n >= 0 ? json_string(url) : json_null()));
        }
        bool has_port = rec->flags & PS_REC_HAS_PORT;
        json_object_set_new(o, "service", json_str_or_null(rec->name));
        json_object_set_new(o, "port", has_port ? json_integer(rec->port_lo) : json_null());
        json_object_set_new(o, "port_high", has_port ? json_integer(rec->port_hi) : json_null());
        json_object_set_new(o, "protocol", json_str_or_null(ps_proto_name(rec->proto)));
        json_object_set_new(o, "status",
                            json_string(ps_port_status_name(ps_record_status(rec, NULL, 0))));
        json_object_set_new(o, "description", json_string(rec->description));
        json_object_set_new(o, "assignees", a);
        json_object_set_new(o, "contacts", ct);
        json_object_set_new(o, "registered", json_str_or_null(rec->registered));
        json_object_set_new(o, "modified", json_str_or_null(rec->modified));
        json_object_set_new(o, "references", refs);
        json_object_set_new(o, "assignment_note", json_str_or_null(rec->note));
        json_object_set_new(o, "unauthorized_use", json_str_or_null(rec->unauthorized));
        json_object_set_new(o, "service_code", json_str_or_null(rec->service_code));
        return o;
}

json_t *json_note(const ps_notes *notes, const ps_note *note)
{
        json_t *o = json_object(), *tags = json_array(), *ports = json_array(),
               *sources = json_array();
        for (int t = 0; t < _PS_TAG_MAX; t++)
                if (ps_note_has_tag(note, (ps_tag)t))
                        json_array_append_new(tags, json_string(ps_tag_name((ps_tag)t)));
        for (unsigned i = 0; i < note->n_ports; i++) {
                ps_note_port p;
                if (ps_note_get_port(notes, note, i, &p) >= 0)
                        json_array_append_new(ports, json_pack("{s:i, s:i, s:s}", "port", p.lo,
                                                               "port_high", p.hi, "protocol",
                                                               ps_proto_name(p.proto)));
        }
        for (unsigned i = 0; i < note->n_sources; i++) {
                ps_note_source s;
                if (ps_note_get_source(notes, note, i, &s) >= 0)
                        json_array_append_new(sources, json_pack("{s:s, s:s, s:s}", "type",
                                                                 ps_source_kind_name(s.kind),
                                                                 "title", s.title, "url", s.url));
        }
        json_object_set_new(o, "id", json_string(note->slug));
        json_object_set_new(o, "title", json_string(note->title));
        json_object_set_new(o, "tags", tags);
        json_object_set_new(o, "confidence", json_string(ps_confidence_name(note->confidence)));
        json_object_set_new(o, "ports", ports);
        json_object_set_new(o, "body", json_string(note->body));
        json_object_set_new(o, "sources", sources);
        return o;
}
