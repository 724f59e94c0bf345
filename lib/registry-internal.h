/* SPDX-License-Identifier: MIT */
#ifndef PS_DB_INTERNAL_H
#define PS_DB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "portscope/registry.h"
#include "ps-limits.h"

/* For images built and checked by this project: binds without re-validating. */
int ps_db_open_trusted(const void *image, size_t size, ps_db **ret_db);

/* Like ps_iter_range(), but only the records that start in [lo, hi], not
 * those reaching into it from below: a search for the next record above a
 * port need not walk every block that covers it. */
void ps_iter_starting(ps_iter *it, const ps_db *db, unsigned lo, unsigned hi, ps_proto proto);

/* Whether the registry assigns or reserves port for proto: a record of
 * proto, or of no protocol, that is not an Unassigned block. What
 * ps_iter_port() would say, without filling in a ps_record per record (the
 * port report's suggestion asks it for a hundred ports or more). */
bool ps_db_port_taken(const ps_db *db, unsigned port, ps_proto proto);

/* ps_iter_next() for the records ps_record_status() calls assigned, giving
 * only their ports: a search for the nearest assigned port need not fill in
 * a ps_record for each of the hundred records it passes. */
int ps_iter_next_assigned(ps_iter *it, unsigned *ret_lo, unsigned *ret_hi);

/* Asks the kernel not to map neighbouring pages of an embedded image on each fault. */
void ps_image_advise_random(const void *start, size_t size);

/* The database `portscope update` writes by default and ps_db_open_default
 * reads: $XDG_DATA_HOME/portscope/registry.db, else
 * ~/.local/share/portscope/registry.db. -ENOENT when neither variable is a
 * usable absolute path. */
int ps_db_default_path(char *buf, size_t size);

/* One line of a services file (services(5)) for the port asked about. */
struct ps_services_entry {
        char name[PS_SERVICE_NAME_MAX + 1];
        ps_proto proto;
        char aliases[256]; /* space-separated; those that fit */
};

/* $PORTSCOPE_SERVICES, else /etc/services. */
const char *ps_services_default_path(void);
/* The entries of the services file at path for port, in file order, at most
 * cap: how many, or -errno (-ENOENT without the file). */
int ps_services_port(const char *path, unsigned port, struct ps_services_entry *ret, size_t cap);

#endif
