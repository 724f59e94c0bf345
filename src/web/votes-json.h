/* SPDX-License-Identifier: MIT */
/* Tallies as JSON: one encoder for `portscope votes --json` and the API's
 * GET /api/v1/ports/N/votes (docs/schema/votes.schema.json). */
#ifndef PS_WEB_VOTES_JSON_H
#define PS_WEB_VOTES_JSON_H

#include <jansson.h>

#include "votes-store.h"

/* Adds "tallies" (one object per page and language) and "totals" to doc.
 * Returns 0 or -ENOMEM. */
int votes_json_add(json_t *doc, const struct votes_tally *t, size_t n);

#endif
