/* SPDX-License-Identifier: MIT */
#ifndef PS_NOTES_INTERNAL_H
#define PS_NOTES_INTERNAL_H

#include <stddef.h>

#include "portscope/notes.h"

/* For images built and checked by this project: binds without re-validating. */
int ps_notes_open_trusted(const void *image, size_t size, ps_notes **ret_notes);

#endif
