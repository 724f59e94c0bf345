/* SPDX-License-Identifier: MIT */
/* The server's cache of rendered answers: a hash table keyed by path,
 * bounded in bytes, shared by every HTTP thread. An entry is immutable once
 * it is in the table; requests hold references, so an entry replaced or
 * evicted stays alive until its last send is done. */
#ifndef PS_WEB_CACHE_H
#define PS_WEB_CACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "httpd.h"
#include "web.h"

/* What a page costs in the cache beyond its bytes (the entry, its answers). */
#define WEB_CACHE_ENTRY_OVERHEAD 4096

/* The answers of one path: the body as rendered and gzipped, each ready to
 * send as its status and as 304 (NULL where there is none). The answers
 * own the bodies. */
typedef enum web_variant {
        WEB_PLAIN,
        WEB_GZIP,
        _WEB_VARIANT_MAX,
} web_variant;

typedef struct cache_entry {
        atomic_int refs;
        atomic_bool hot; /* asked for since the eviction hand last passed */
        struct cache_entry *next;
        uint64_t hash;
        char path[WEB_PATH_MAX + 1];
        unsigned status;
        web_kind kind;
        size_t bytes; /* what the bodies cost */
        char etag[_WEB_VARIANT_MAX][28];
        httpd_prepared *ok[_WEB_VARIANT_MAX], *not_modified[_WEB_VARIANT_MAX];
} cache_entry;

typedef struct web_cache web_cache;

/* A cache holding at most max_bytes of entries. NULL: out of memory. */
web_cache *web_cache_new(size_t max_bytes);
void web_cache_free(web_cache *c);

/* The entry for path with a reference the caller drops with
 * cache_entry_unref(), or NULL. */
cache_entry *web_cache_get(web_cache *c, const char *path);
/* Puts e in (replacing the entry of the same path) and keeps its own
 * reference; evicts entries not asked for lately while over the bound. */
void web_cache_put(web_cache *c, cache_entry *e);

/* A new entry for path, with one reference. NULL: out of memory. */
cache_entry *cache_entry_new(const char *path);
/* Drops a reference; the last one drops the answers. */
void cache_entry_unref(cache_entry *e);

#endif
