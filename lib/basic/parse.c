/* SPDX-License-Identifier: MIT */
#include "parse.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

int ps_parse_uint_n(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
        uint64_t v = 0;
        int over = 0;
        if (!s || !len)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                unsigned d = (unsigned)(s[i] - '0');
                /* Keep scanning after an overflow: "99999999999999999999x" is
                 * not a number at all, rather than a number too large. */
                if (over || v > (UINT64_MAX - d) / 10)
                        over = 1;
                else
                        v = v * 10 + d;
        }
        if (over || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int ps_parse_uint(const char *s, uint64_t max, uint64_t *ret)
{
        return ps_parse_uint_n(s, s ? strlen(s) : 0, max, ret);
}

int ps_parse_unsigned(const char *s, unsigned max, unsigned *ret)
{
        uint64_t v;
        int r = ps_parse_uint(s, max, &v);
        if (r >= 0)
                *ret = (unsigned)v;
        return r;
}

int ps_parse_port_n(const char *s, size_t len, unsigned *ret)
{
        uint64_t v;
        int r = ps_parse_uint_n(s, len, 65535, &v);
        /* Ports are written with at most five digits: 000080 is not a port. */
        if (r >= 0 && len > 5)
                r = -ERANGE;
        if (r >= 0)
                *ret = (unsigned)v;
        return r;
}
