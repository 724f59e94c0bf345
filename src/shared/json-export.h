/* SPDX-License-Identifier: MIT */
/* The export document (docs/schema/export.schema.json): a whole registry,
 * for `portscope export --format=json` and the site's API. */
#ifndef PS_SHARED_JSON_EXPORT_H
#define PS_SHARED_JSON_EXPORT_H

#include <jansson.h>

#include "portscope/portscope.h"

/* Every record and person of db, "schema_version" and "kind" first; NULL
 * when out of memory. */
json_t *json_export(const ps_db *db);

#endif
