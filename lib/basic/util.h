/* SPDX-License-Identifier: MIT */
#ifndef PS_UTIL_H
#define PS_UTIL_H

#include <stdlib.h>
#include <string.h>

/* Marks a function as part of the public ABI; everything else is hidden. */
#define PS_EXPORT __attribute__((visibility("default")))

#define PS_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static inline const char *ps_strempty(const char *s)
{
        return s ? s : "";
}

#endif
