/* SPDX-License-Identifier: MIT */
/* Helpers shared by the build-time generators (psgen, psnotes). */
#ifndef PS_TOOLS_EMBED_H
#define PS_TOOLS_EMBED_H

#include <stddef.h>

/* Writes path only when its contents differ, so that ninja's restat can
 * skip whatever depends on it. Returns 0 or a negative errno. */
int embed_write_if_changed(const char *path, const void *data, size_t len);

/* Writes the assembly stub that embeds image_path (.incbin) between the
 * hidden symbols ps_builtin_NAME_start and ps_builtin_NAME_end. The stub
 * carries a hash of the image: the assembler's dependencies do not cover
 * .incbin, so the stub itself must change whenever the image does. */
int embed_write_stub(const char *stub_path, const char *image_path, const char *name,
                     const void *image, size_t size);

#endif
