/* SPDX-License-Identifier: MIT */
#include "dynbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ps_dynbuf_init(ps_dynbuf *b, size_t cap)
{
        b->buf = NULL;
        b->len = b->alloc = 0;
        b->cap = cap;
}

void ps_dynbuf_free(ps_dynbuf *b)
{
        free(b->buf);
        b->buf = NULL;
        b->len = b->alloc = 0;
}

void ps_dynbuf_reset(ps_dynbuf *b)
{
        b->len = 0;
        if (b->buf)
                b->buf[0] = '\0';
}

int ps_dynbuf_add(ps_dynbuf *b, const void *data, size_t len)
{
        if (len > b->cap || b->len > b->cap - len)
                return -E2BIG;
        if (b->len + len + 1 > b->alloc) {
                size_t n = b->alloc ? b->alloc : 64;
                while (n < b->len + len + 1)
                        n *= 2;
                char *p = realloc(b->buf, n);
                if (!p)
                        return -ENOMEM;
                b->buf = p;
                b->alloc = n;
        }
        if (len)
                memcpy(b->buf + b->len, data, len);
        b->len += len;
        b->buf[b->len] = '\0';
        return 0;
}

int ps_dynbuf_addc(ps_dynbuf *b, char c)
{
        return ps_dynbuf_add(b, &c, 1);
}

char *ps_dynbuf_steal(ps_dynbuf *b)
{
        char *p = b->buf ? b->buf : strdup("");
        b->buf = NULL;
        b->len = b->alloc = 0;
        return p;
}
