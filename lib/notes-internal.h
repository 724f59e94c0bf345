/* SPDX-License-Identifier: MIT */
#ifndef PS_NOTES_INTERNAL_H
#define PS_NOTES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "portscope/notes.h"

/* For images built and checked by this project: binds without re-validating. */
int ps_notes_open_trusted(const void *image, size_t size, ps_notes **ret_notes);

/* One block of a body's terminal form (notes-format.h, struct ps_dbnoteblock). */
typedef struct ps_note_block {
        unsigned kind;   /* PS_DBBLOCK_* */
        unsigned blank;  /* newlines before it */
        unsigned indent; /* columns past the body's indent */
        int first;       /* the column the cursor sits at past the indent, or -1 */
        const char *text;
} ps_note_block;

/* The terminal form of a note's body, the original's or a translation's (as
 * ps_note_translate() gave it): returns 1 with its blocks' range, 0 when the
 * image has none for that body (the Markdown is then shown as written). */
int ps_note_blocks(const ps_notes *notes, const ps_note *note, uint32_t *ret_first,
                   uint32_t *ret_n);
/* Block i of that range; i must lie in it. */
void ps_notes_block(const ps_notes *notes, uint32_t i, ps_note_block *ret_block);

#endif
