/* SPDX-License-Identifier: MIT */
/* Advice to the kernel on how memory will be used. */
#ifndef PS_BASIC_MEMORY_H
#define PS_BASIC_MEMORY_H

#include <stddef.h>
#include <sys/mman.h>

/* Linux 5.14; older headers lack them, older kernels answer EINVAL. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/*
 * madvise(2) on the whole pages that [start, start + len) spans. Failure
 * only costs what the advice would have saved (a range not wholly mapped
 * gets ENOMEM), so it is not reported. Rounding out to whole pages is safe
 * for the advice used here, which changes no byte of memory: MADV_RANDOM,
 * MADV_POPULATE_READ, and MADV_POPULATE_WRITE, which maps a page as a write
 * would but writes nothing. It reads no byte either (access(none)): the
 * memory may be uninitialised.
 */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
__attribute__((access(none, 1)))
#endif
void ps_advise_pages(const void *start, size_t len, int advice);

#endif
