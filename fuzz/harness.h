/* SPDX-License-Identifier: MIT */
/* Shared checks of the fuzz harnesses; a failed check aborts, which both
 * libFuzzer and the replay test report with the input. */
#ifndef PS_HARNESS_H
#define PS_HARNESS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portscope/portscope.h"
#include "registry-set.h"

#define HARNESS_FAIL(msg)                                                                          \
        do {                                                                                       \
                fprintf(stderr, "harness: %s\n", msg);                                             \
                abort();                                                                           \
        } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A refusal must say something, on one line. */
static inline void harness_check_error(const char *err)
{
        if (!*err)
                HARNESS_FAIL("refused without a message");
        if (strchr(err, '\n'))
                HARNESS_FAIL("an error message spans lines");
}

static inline void harness_compile(ps_regset *set)
{
        char err[512];
        void *image;
        size_t size;
        ps_db *db;
        int r = ps_regset_check(set, err, sizeof(err));
        if (r == -ENOMEM)
                HARNESS_FAIL("out of memory");
        if (r >= 0) {
                r = ps_regset_compile(set, &image, &size);
                if (r < 0)
                        HARNESS_FAIL("an accepted registry does not compile");
                if (ps_db_open_memory(image, size, &db) < 0)
                        HARNESS_FAIL("a compiled registry does not validate");
                ps_db_free(db);
                free(image);
        }
        ps_regset_free(set);
}

#endif
