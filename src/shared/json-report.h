/* SPDX-License-Identifier: MIT */
/* The report documents as JSON, one encoder per report, shared by --json and
 * the HTTP API (docs/schema/port_report.schema.json,
 * name_report.schema.json, range_report.schema.json). */
#ifndef PS_SHARED_JSON_REPORT_H
#define PS_SHARED_JSON_REPORT_H

#include <jansson.h>

#include "portscope/portscope.h"

/* db and notes are those the report was built from (notes may be NULL).
 * Listening sockets are left to the caller: "sockets" is null. */
json_t *json_port_report(const ps_port_report *r, const ps_db *db, const ps_notes *notes);
json_t *json_name_report(const ps_name_report *r, const ps_db *db);
json_t *json_range_report(const ps_range_report *r, const ps_db *db);
/* One group of records that differ only in protocol: its records are
 * appended to records (one per protocol), the group names their indices. */
json_t *json_report_group(const ps_db *db, const ps_report_group *g, json_t *records);

#endif
