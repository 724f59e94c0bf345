/* SPDX-License-Identifier: MIT */
/* Mapping the pages a command will touch in one go. */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "memory.h"

/* How far below main()'s frame a report's deepest call reaches, with room
 * for the loader's lazy binding, which saves the vector registers there. */
#define STACK_PREFAULT (32 * 1024)
/* The start of the heap a report fills: its model, the /proc/sys and
 * /etc/services reads, the netlink buffer's first page and its end. */
#define HEAP_PREFAULT (80 * 1024)

/* The linker's symbols for the start of this program and the end of its
 * code. */
extern const char __executable_start[];
extern const char etext[];

/*
 * A report's first touch of each page of this program's code, of the stack
 * below main() and of the heap is a page fault. On the virtual machines
 * measured a fault costs 9-16 us, against about 1 us a page for a range
 * mapped in one MADV_POPULATE_* call (docs/benchmarks.md), and a report met
 * about 20 such faults. The code is 215 KiB, all mapped from the page cache;
 * the stack and heap pages are zeroed memory the process takes anyway.
 * Kernels before 5.14 answer EINVAL: the faults then happen as before.
 */
void cli_prefault(void)
{
        char here;

        /* ls with 10,000 sockets grows its vectors and buffers by doubling.
         * Taken from the heap, the blocks a vector outgrew hold the next
         * allocations; taken from mmap(), every block is fresh pages, and
         * each page a fault. A command lives milliseconds (--watch reuses
         * what it freed): nothing needs giving back before exit. */
        mallopt(M_MMAP_THRESHOLD, 64 << 20);
        mallopt(M_TRIM_THRESHOLD, 256 << 20);

        ps_advise_pages(__executable_start, (size_t)(etext - __executable_start),
                        MADV_POPULATE_READ);
        ps_advise_pages((const void *)((uintptr_t)&here - STACK_PREFAULT), STACK_PREFAULT,
                        MADV_POPULATE_WRITE);

        /* The first block malloc() hands out is where the heap starts to
         * fill; only the part below the break is the heap's (a block from
         * mmap() is not). */
        void *probe = malloc(1);
        uintptr_t a = (uintptr_t)probe, end = (uintptr_t)sbrk(0);
        if (probe && a < end)
                ps_advise_pages(probe, end - a > HEAP_PREFAULT ? HEAP_PREFAULT : end - a,
                                MADV_POPULATE_WRITE);
        free(probe);
}
