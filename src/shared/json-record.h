/* SPDX-License-Identifier: MIT */
/* JSON for the registry's and the notes' own objects, shared by every
 * command and the HTTP API (docs/schema/record.json, note.json). */
#ifndef PS_SHARED_JSON_RECORD_H
#define PS_SHARED_JSON_RECORD_H

#include <jansson.h>
#include <stdbool.h>

#include "portscope/portscope.h"

/*
 * jansson drops a NULL value silently (a string that is not UTF-8, an
 * allocation that failed), which would hide a key or a whole finding. Every
 * set and append of the programs goes through these, which remember the
 * failure; json_build_failed() reports it (and forgets it) before a document
 * is written.
 */
int cli_json_set(json_t *o, const char *key, json_t *v);
int cli_json_append(json_t *a, json_t *v);
bool json_build_failed(void);
#define json_object_set_new(o, key, v) cli_json_set(o, key, v)
#define json_array_append_new(a, v) cli_json_append(a, v)

/* A JSON string of outside text (a file name, an argument), any bytes that
 * are not UTF-8 replaced by '?'. */
json_t *json_text(const char *s);
/* The text, or null when it is NULL or "". */
json_t *json_str_or_null(const char *s);
/* The version every document carries (docs/json.md); it changes only when
 * a member is renamed, removed or changes type. */
#define JSON_SCHEMA_VERSION 1
/* A new document of kind: {"schema_version": 1, "kind": kind}, members follow. */
json_t *json_doc_start(const char *kind);
/* A document of kind: "schema_version" and "kind" first, then body's members.
 * Takes body's reference; NULL when out of memory. */
json_t *json_doc(const char *kind, json_t *body);
/* One registry record, with its status (docs/json.md: record). */
json_t *json_record(const ps_db *db, const ps_record *rec);
/* One note: id, title, tags, confidence, ports, body, sources. */
json_t *json_note(const ps_notes *notes, const ps_note *note);
/* A registrant or contact: id, name, org, uri, updated (docs/json.md). */
json_t *json_person(const ps_person *p);
/* ["tcp", "udp"] from PS_PROTO_BIT() bits; PS_PROTO_NONE is left out. */
json_t *json_protocols(unsigned protocols);

#endif
