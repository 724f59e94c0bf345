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
/* libFuzzer's; weak, so the replay test links without it (and never mutates). */
__attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

typedef struct harness_section {
        uint64_t off, len;
} harness_section;

/* For the images' custom mutators: seed picks one of n sections (or, one
 * time in eight, the whole input), mutated in place with its length kept so
 * that the offsets stay true; fix then makes size and checksum agree, as a
 * forger would. Returns the new size. */
static inline size_t harness_mutate_sections(uint8_t *data, size_t size, size_t max_size,
                                             unsigned seed, const harness_section *sect, size_t n,
                                             void (*fix)(uint8_t *, size_t))
{
        if (!sect || seed % 8 == 0) {
                size = LLVMFuzzerMutate(data, size, max_size);
                fix(data, size);
                return size;
        }
        uint64_t off = sect[seed / 8 % n].off, len = sect[seed / 8 % n].len;
        if (off >= size || !len)
                return fix(data, size), size;
        if (len > size - off)
                len = size - off;
        uint8_t *tmp = malloc(len);
        if (!tmp)
                return size;
        memcpy(tmp, data + off, len);
        size_t m = LLVMFuzzerMutate(tmp, len, len);
        memcpy(data + off, tmp, m < len ? m : len);
        free(tmp);
        fix(data, size);
        return size;
}

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
