/* SPDX-License-Identifier: MIT */
/* The notes compiled into the library. */
#include <stddef.h>

#include "notes-internal.h"
#include "registry-internal.h"
#include "util.h"

/* The image psnotes compiled from data/notes at build time (builtin-notes.S). */
extern const unsigned char ps_builtin_notes_start[];
extern const unsigned char ps_builtin_notes_end[];

PS_EXPORT int ps_notes_open_builtin(ps_notes **ret_notes)
{
        ps_image_advise_random(ps_builtin_notes_start,
                               (size_t)(ps_builtin_notes_end - ps_builtin_notes_start));
        /* psnotes validated the image fully and the tests do again, so the
         * start-up path skips that work. */
        return ps_notes_open_trusted(ps_builtin_notes_start,
                                     (size_t)(ps_builtin_notes_end - ps_builtin_notes_start),
                                     ret_notes);
}
