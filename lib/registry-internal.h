/* SPDX-License-Identifier: MIT */
#ifndef PS_DB_INTERNAL_H
#define PS_DB_INTERNAL_H

#include <stddef.h>

#include "portscope/registry.h"
#include "ps-limits.h"

/* For images built and checked by this project: binds without re-validating. */
int ps_db_open_trusted(const void *image, size_t size, ps_db **ret_db);

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
