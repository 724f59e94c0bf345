/* SPDX-License-Identifier: MIT */
/* The cache of rendered answers; see cache.h. A direct-mapped table made
 * every fourth page of a 1,000-page mix collide with another and be
 * rendered again on every other request; this one chains, and evicts with
 * a clock hand (an entry asked for since the hand last passed gets another
 * round) only when the byte bound is reached. */
#include "cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 65536 /* every port page without long chains */
#define STRIPES 64    /* locks, so that threads rarely wait for each other */

struct web_cache {
        pthread_mutex_t lock[STRIPES];
        cache_entry *bucket[BUCKETS];
        atomic_size_t bytes;
        size_t max_bytes;
        atomic_size_t hand; /* the next bucket the eviction looks at */
};

static uint64_t hash_path(const char *path)
{
        uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
        for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
                h ^= *p;
                h *= 0x100000001b3ull;
        }
        return h;
}

static size_t cost(const cache_entry *e)
{
        return e->bytes + WEB_CACHE_ENTRY_OVERHEAD;
}

cache_entry *cache_entry_new(const char *path)
{
        cache_entry *e = calloc(1, sizeof(*e));
        if (!e)
                return NULL;
        atomic_init(&e->refs, 1);
        atomic_init(&e->hot, false);
        snprintf(e->path, sizeof(e->path), "%s", path);
        e->hash = hash_path(e->path);
        return e;
}

void cache_entry_unref(cache_entry *e)
{
        if (!e || atomic_fetch_sub(&e->refs, 1) != 1)
                return;
        for (int v = 0; v < _WEB_VARIANT_MAX; v++) {
                httpd_prepared_unref(e->ok[v]);
                httpd_prepared_unref(e->not_modified[v]);
        }
        free(e);
}

web_cache *web_cache_new(size_t max_bytes)
{
        web_cache *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        for (size_t i = 0; i < STRIPES; i++)
                pthread_mutex_init(&c->lock[i], NULL);
        atomic_init(&c->bytes, 0);
        atomic_init(&c->hand, 0);
        c->max_bytes = max_bytes;
        return c;
}

void web_cache_free(web_cache *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < BUCKETS; i++)
                while (c->bucket[i]) {
                        cache_entry *e = c->bucket[i];
                        c->bucket[i] = e->next;
                        cache_entry_unref(e);
                }
        for (size_t i = 0; i < STRIPES; i++)
                pthread_mutex_destroy(&c->lock[i]);
        free(c);
}

cache_entry *web_cache_get(web_cache *c, const char *path)
{
        uint64_t h = hash_path(path);
        size_t b = h % BUCKETS;
        cache_entry *e;

        pthread_mutex_lock(&c->lock[b % STRIPES]);
        for (e = c->bucket[b]; e; e = e->next)
                if (e->hash == h && !strcmp(e->path, path)) {
                        atomic_fetch_add(&e->refs, 1);
                        break;
                }
        pthread_mutex_unlock(&c->lock[b % STRIPES]);
        if (e && !atomic_load_explicit(&e->hot, memory_order_relaxed))
                atomic_store_explicit(&e->hot, true, memory_order_relaxed);
        return e;
}

/* Evicts from the bucket under the hand; an entry that was asked for
 * loses its mark instead. Returns the bytes freed. */
static size_t evict_one_bucket(web_cache *c)
{
        size_t b = atomic_fetch_add(&c->hand, 1) % BUCKETS, freed = 0;
        cache_entry *drop = NULL;

        pthread_mutex_lock(&c->lock[b % STRIPES]);
        for (cache_entry **pp = &c->bucket[b]; *pp;) {
                cache_entry *e = *pp;
                if (atomic_exchange(&e->hot, false)) {
                        pp = &e->next;
                        continue;
                }
                *pp = e->next;
                e->next = drop;
                drop = e;
                freed += cost(e);
        }
        pthread_mutex_unlock(&c->lock[b % STRIPES]);
        atomic_fetch_sub(&c->bytes, freed);
        while (drop) {
                cache_entry *next = drop->next;
                cache_entry_unref(drop);
                drop = next;
        }
        return freed;
}

void web_cache_put(web_cache *c, cache_entry *e)
{
        size_t b = e->hash % BUCKETS;
        cache_entry *old = NULL;

        /* Two sweeps of the hand clear every mark, so this ends. */
        for (size_t n = 0; atomic_load(&c->bytes) + cost(e) > c->max_bytes && n < 2 * BUCKETS; n++)
                evict_one_bucket(c);
        atomic_fetch_add(&e->refs, 1);
        pthread_mutex_lock(&c->lock[b % STRIPES]);
        for (cache_entry **pp = &c->bucket[b]; *pp; pp = &(*pp)->next)
                if ((*pp)->hash == e->hash && !strcmp((*pp)->path, e->path)) {
                        old = *pp;
                        *pp = old->next;
                        break;
                }
        e->next = c->bucket[b];
        c->bucket[b] = e;
        pthread_mutex_unlock(&c->lock[b % STRIPES]);
        atomic_fetch_add(&c->bytes, cost(e));
        if (old) {
                atomic_fetch_sub(&c->bytes, cost(old));
                cache_entry_unref(old);
        }
}
