/* SPDX-License-Identifier: MIT */
/* The export document (docs/schema/export.schema.json): a whole registry,
 * for `portscope export --format=json`. */
#ifndef PS_SHARED_JSON_EXPORT_H
#define PS_SHARED_JSON_EXPORT_H

#include <jansson.h>
#include <stdio.h>

#include "portscope/portscope.h"

/* Writes every record and person of db to f, "schema_version" and "kind"
 * first, indented by two, one record at a time: a whole registry as one
 * tree took 60 MB. 0, -EIO when writing failed, -ENOMEM, or -EINVAL when a
 * text could not be encoded (the output then ends where it stopped). */
int json_export_write(const ps_db *db, FILE *f);

#endif
