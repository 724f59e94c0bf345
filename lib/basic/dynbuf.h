/* SPDX-License-Identifier: MIT */
#ifndef PS_DYNBUF_H
#define PS_DYNBUF_H

#include <stddef.h>

/*
 * A growable byte buffer with a hard cap, for anything filled from outside
 * input. The contents are always NUL-terminated once anything was added.
 */
typedef struct ps_dynbuf {
        char *buf;
        size_t len, alloc, cap;
} ps_dynbuf;

void ps_dynbuf_init(ps_dynbuf *b, size_t cap);
void ps_dynbuf_free(ps_dynbuf *b);
void ps_dynbuf_reset(ps_dynbuf *b);
/* -E2BIG when the cap would be exceeded (the buffer is left as it was). */
int ps_dynbuf_add(ps_dynbuf *b, const void *data, size_t len);
int ps_dynbuf_addc(ps_dynbuf *b, char c);
/* Hands the contents over to the caller (never NULL); the buffer is reset. */
char *ps_dynbuf_steal(ps_dynbuf *b);

#endif
