/* SPDX-License-Identifier: MIT */
/*
 * The parsed nmap-services table, shared by lib/prevalence.c (which reads the
 * file) and lib/prevalence-cache.c (which stores it in the per-user cache).
 */
#ifndef PS_PREVALENCE_INTERNAL_H
#define PS_PREVALENCE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "dynbuf.h"
#include "portscope/prevalence.h"

#define PS_FX_ONE 1000000000000000ull /* frequencies in fixed point: 1.0 = 10^15 */

struct ps_prev_entry {
        uint16_t port;
        uint8_t proto;
        uint32_t service; /* offset into the name pool */
        uint64_t fx;
        unsigned rank;
};

struct ps_prevalence {
        char *path;
        ps_dynbuf names;
        struct ps_prev_entry *e; /* sorted by protocol, then port */
        size_t n, alloc;
        struct seen *seen;
        unsigned listed[_PS_PROTO_MAX];
};

/* ps_prevalence_open(), also returning what fstat() said of the file before
 * it was read: the identity the cache is keyed by. */
int ps_prevalence_open_stat(const char *path, ps_prevalence **ret_prev, struct stat *ret_st);

static inline double ps_fx_double(uint64_t fx)
{
        /* Both exact in a double, so the division rounds correctly. */
        return (double)fx / (double)PS_FX_ONE;
}

/* The cache file's header (layout: lib/prevalence-cache.c); here for the
 * fuzzer, which forges caches. */
struct cache_section {
        uint32_t n, pad;
        uint32_t off_port, off_rec;
};

/* What goes with one listed port: read together, from one block. */
struct cache_rec {
        uint64_t fx;
        uint32_t rank;
        uint32_t name; /* offset in the pool */
};

struct cache_header {
        char magic[8];
        uint32_t version, pad0;
        uint64_t sum; /* XXH3-64 of what precedes the data, this field zero (ps_prevcache_seal) */
        uint64_t file_size;
        uint64_t dev, ino, size;
        int64_t mtime_sec, mtime_nsec;
        uint32_t path_len, n_blocks; /* n_blocks: of the data, BLOCK bytes each */
        uint32_t off_pool, pool_len;
        struct cache_section sect[_PS_PROTO_MAX]; /* [PS_PROTO_NONE] unused, zero */
};

/* The data's blocks, each with its checksum. */
#define PS_PREVCACHE_BLOCK 1024u

/* Where the data starts in a cache file of size bytes with header h (after
 * the header, the path, the block sums and the fences); 0 when the header's
 * sizes do not fit. */
uint64_t ps_prevcache_data_offset(const struct cache_header *h, uint64_t size);

/* Fills in the block sums and the header's sum of a cache image of len bytes
 * whose header gives its layout: 0, or -EBADMSG when the header's path length
 * and block count do not fit len (the image is left as it was). */
int ps_prevcache_seal(void *img, size_t len);

/*
 * The cache: CACHE_FILE is the cache file for SOURCE, whose fstat() is st.
 * ps_prevcache_read() answers one port from it like ps_prevalence_port():
 * -ENOENT when there is no cache file, -ESTALE when it was made from another
 * version of the source, -EBADMSG when it is damaged. ps_prevcache_write()
 * stores prev atomically (a temporary file in the same directory, fsync,
 * rename); on failure it leaves nothing behind.
 */
int ps_prevcache_file(const char *source, char **ret_file);
int ps_prevcache_read(const char *cache_file, const char *source, const struct stat *st,
                      unsigned port, ps_prevalence_entry *ret_entries, size_t cap);
int ps_prevcache_write(const char *cache_file, const char *source, const struct stat *st,
                       const ps_prevalence *prev);

#endif
