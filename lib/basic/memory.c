/* SPDX-License-Identifier: MIT */
#include "memory.h"

#include <stdint.h>
#include <unistd.h>

void ps_advise_pages(const void *start, size_t len, int advice)
{
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t a = (uintptr_t)start & ~(page - 1);
        uintptr_t b = ((uintptr_t)start + len + page - 1) & ~(page - 1);
        if (len && a < b)
                (void)madvise((void *)a, b - a, advice);
}
