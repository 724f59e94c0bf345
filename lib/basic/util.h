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

/* The index of key in the ascending array v[n], or n when it is not there. */
static inline size_t ps_find_u16(const unsigned short *v, size_t n, unsigned key)
{
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (v[mid] < key)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < n && v[lo] == key ? lo : n;
}

#endif
