/* SPDX-License-Identifier: MIT */
/* JSON for the registry's and the notes' own objects, shared by every
 * command and the HTTP API (docs/schema/record.json, note.json). */
#ifndef PS_SHARED_JSON_RECORD_H
#define PS_SHARED_JSON_RECORD_H

#include <jansson.h>

#include "portscope/portscope.h"

/* A JSON string of outside text (a file name, an argument), any bytes that
 * are not UTF-8 replaced by '?'. */
json_t *json_text(const char *s);
/* The text, or null when it is NULL or "". */
json_t *json_str_or_null(const char *s);
/* One registry record, with its status. */
json_t *json_record(const ps_db *db, const ps_record *rec);
/* One note: id, title, tags, confidence, ports, body, sources. */
json_t *json_note(const ps_notes *notes, const ps_note *note);
/* ["tcp", "udp"] from PS_PROTO_BIT() bits; PS_PROTO_NONE is left out. */
json_t *json_protocols(unsigned protocols);

#endif
