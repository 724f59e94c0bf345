/* SPDX-License-Identifier: MIT */
/* The list documents (docs/json.md: search, notes, suggest), one encoder
 * each, shared by --json and the HTTP API. The callers run the library's
 * search or suggester; these only encode. */
#ifndef PS_SHARED_JSON_LISTS_H
#define PS_SHARED_JSON_LISTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "portscope/audit.h"
#include "portscope/portscope.h"
#include "portscope/ranges.h"

/* search: the registry's matches (records, with their scores) and the
 * notes' (notes may be NULL: no note matches). The totals count every
 * match; the arrays hold the n given. NULL when out of memory. */
json_t *json_search(const ps_db *db, const ps_notes *notes, const char *query, int records_total,
                    const ps_match *records, size_t n_records, int notes_total,
                    const ps_match *note_matches, size_t n_notes);

/* notes: the notes with a port of proto (PS_PROTO_ANY: every note) and,
 * unless tag is _PS_TAG_MAX, that tag, in the order of their lowest port.
 * *ret_count gets how many. NULL when out of memory. */
json_t *json_notes(const ps_notes *notes, ps_proto proto, ps_tag tag, size_t *ret_count);

/* suggest: the suggester's answer. host is this machine's port settings,
 * or NULL when the suggestion was made without them (ps_suggest_opts's
 * no_local: a server's own machine is not its visitor's); the reasons say
 * which. NULL when out of memory. */
json_t *json_suggest(const ps_suggestion *s, size_t n, unsigned protocols, ps_range_class range,
                     const char *requested_name, const ps_host_ports *host);

#endif
