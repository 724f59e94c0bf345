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

/* Case-insensitive comparisons of ASCII letters only. strcasecmp() follows
 * LC_CTYPE: under tr_TR.UTF-8 "IMAP" and "imap" differ, and an index sorted
 * in one locale would be searched in another. Names, protocols and keywords
 * are ASCII, so the library compares them the same way in every locale. */
static inline int ps_ascii_lower(int c)
{
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline int ps_strncasecmp_ascii(const char *a, const char *b, size_t n)
{
        for (; n; n--, a++, b++) {
                int x = ps_ascii_lower((unsigned char)*a), y = ps_ascii_lower((unsigned char)*b);
                if (x != y || !x)
                        return x - y;
        }
        return 0;
}

static inline int ps_strcasecmp_ascii(const char *a, const char *b)
{
        return ps_strncasecmp_ascii(a, b, (size_t)-1);
}

#endif
