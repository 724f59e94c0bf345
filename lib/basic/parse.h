/* SPDX-License-Identifier: MIT */
#ifndef PS_PARSE_H
#define PS_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The one number parser, strtonum-style and strict: ASCII decimal digits
 * only (no sign, space, base prefix or trailing text), at most max. Returns
 * 0, -EINVAL when the text is not a number, or -ERANGE when it is above
 * max; *ret is untouched on failure.
 */
int ps_parse_uint(const char *s, uint64_t max, uint64_t *ret);
/* The same over exactly the len bytes at s (a field of a larger line). */
int ps_parse_uint_n(const char *s, size_t len, uint64_t max, uint64_t *ret);
/* The same, unsigned int. */
int ps_parse_unsigned(const char *s, unsigned max, unsigned *ret);

/* A port: as above, at most 65535 and at most five digits (-ERANGE). */
int ps_parse_port_n(const char *s, size_t len, unsigned *ret);

#endif
