/* SPDX-License-Identifier: MIT */
/* A minimal TAP producer for the C tests. */
#ifndef PS_TAP_H
#define PS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
        va_list ap;
        printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        if (!cond)
                tap_failed++;
        return cond;
}

static inline void tap_skip(const char *why)
{
        printf("ok %d # SKIP %s\n", ++tap_n, why);
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define is_int(got, want, what)                                                                    \
        do {                                                                                       \
                long long _g = (long long)(got), _w = (long long)(want);                           \
                if (!tap_ok(_g == _w, "%s", what))                                                 \
                        printf("#   got %lld, want %lld\n", _g, _w);                               \
        } while (0)
#define is_str(got, want, what)                                                                    \
        do {                                                                                       \
                const char *_g = (got), *_w = (want);                                              \
                if (!tap_ok(_g && _w && !strcmp(_g, _w), "%s", what))                              \
                        printf("#   got \"%s\", want \"%s\"\n", _g ? _g : "(null)",                \
                               _w ? _w : "(null)");                                                \
        } while (0)

static inline int tap_done(void)
{
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}

#endif
