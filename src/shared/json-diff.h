/* SPDX-License-Identifier: MIT */
/* The diff document (docs/schema/diff.schema.json), shared by `portscope diff
 * --json` and the site's API. */
#ifndef PS_SHARED_JSON_DIFF_H
#define PS_SHARED_JSON_DIFF_H

#include <jansson.h>

#include "portscope/portscope.h"

/* The whole document, "schema_version" and "kind" first. old_input and
 * new_input name the two registries as the reader asked for them ("builtin",
 * a file); the databases are those the diff was built from. NULL when out
 * of memory. */
json_t *json_diff(const ps_diff *diff, const char *old_input, const ps_db *old_db,
                  const char *new_input, const ps_db *new_db);

#endif
