/* SPDX-License-Identifier: MIT */
#ifndef PS_MACRO_H
#define PS_MACRO_H

#include <stdlib.h>
#include <unistd.h>

/* Cleanup on scope exit, instead of hand-written exit paths (systemd's idea). */
#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void ps_freep(void *p)
{
        free(*(void **)p);
}

static inline void ps_closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}

#define _cleanup_free_ _cleanup_(ps_freep)
#define _cleanup_close_ _cleanup_(ps_closep)

/* Hands a pointer over: returns it and leaves NULL behind, so the cleanup
 * of the variable does nothing. */
#define TAKE_PTR(p)                                                                                \
        ({                                                                                         \
                __typeof__(p) _p = (p);                                                            \
                (p) = NULL;                                                                        \
                _p;                                                                                \
        })

#endif
