/* SPDX-License-Identifier: MIT */
/*
 * A registry written out: `portscope export` and the site's downloads. IANA's
 * CSV and IANA-style XML read back (portscope update) into the same records;
 * services(5) is for /etc/services. JSON is the programs' (docs/json.md).
 */
#ifndef PORTSCOPE_EXPORT_H
#define PORTSCOPE_EXPORT_H

#include <stddef.h>

#include <portscope/registry.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Append-only. */
typedef enum ps_export_format {
        PS_EXPORT_CSV = 0,      /* IANA's CSV: the 12 columns, RFC 4180 quoting */
        PS_EXPORT_XML = 1,      /* IANA's XML: records, footnotes, people */
        PS_EXPORT_SERVICES = 2, /* services(5): single ports with a name and protocol */
        _PS_EXPORT_FORMAT_MAX
} ps_export_format;

/* Receives the output in order, in pieces; a negative return (an errno-style
 * code) stops the export, which returns it. */
typedef int (*ps_export_write)(const void *data, size_t len, void *userdata);

/*
 * Writes db in format through write. Returns 0, -EINVAL for an unknown
 * format or a NULL argument, -ENOMEM, or what write returned.
 */
int ps_db_export(const ps_db *db, ps_export_format format, ps_export_write write, void *userdata);

#ifdef __cplusplus
}
#endif

#endif
