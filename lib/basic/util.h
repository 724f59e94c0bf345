/* SPDX-License-Identifier: MIT */
#ifndef PS_UTIL_H
#define PS_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Marks a function as part of the public ABI; everything else is hidden. */
#define PS_EXPORT __attribute__((visibility("default")))

#define PS_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* FNV-1a 64 of len bytes, going on from h (PS_FNV1A64_INIT to start): for
 * keeping things apart (file names, ETags, hash tables), not against
 * someone who chooses the input. */
#define PS_FNV1A64_INIT 0xcbf29ce484222325ull
static inline uint64_t ps_fnv1a64(uint64_t h, const void *data, size_t len)
{
        const unsigned char *p = data;
        for (size_t i = 0; i < len; i++)
                h = (h ^ p[i]) * 0x100000001b3ull;
        return h;
}

/* qsort() and qsort_r() for any count: C wants a valid pointer even for no
 * element, and a vector that was never filled holds NULL (systemd's
 * qsort_safe()). One element needs no sorting either. */
static inline void ps_qsort(void *base, size_t n, size_t size,
                            int (*cmp)(const void *, const void *))
{
        if (n > 1)
                qsort(base, n, size, cmp);
}

static inline void ps_qsort_r(void *base, size_t n, size_t size,
                              int (*cmp)(const void *, const void *, void *), void *arg)
{
        if (n > 1)
                qsort_r(base, n, size, cmp, arg);
}

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
