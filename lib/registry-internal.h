/* SPDX-License-Identifier: MIT */
#ifndef PS_DB_INTERNAL_H
#define PS_DB_INTERNAL_H

#include <stddef.h>

#include "portscope/registry.h"

/* For images built and checked by this project: binds without re-validating. */
int ps_db_open_trusted(const void *image, size_t size, ps_db **ret_db);

/* Asks the kernel not to map neighbouring pages of an embedded image on each fault. */
void ps_image_advise_random(const void *start, size_t size);

/* The database `portscope update` writes by default and ps_db_open_default
 * reads: $XDG_DATA_HOME/portscope/registry.db, else
 * ~/.local/share/portscope/registry.db. -ENOENT when neither variable is a
 * usable absolute path. */
int ps_db_default_path(char *buf, size_t size);

#endif
