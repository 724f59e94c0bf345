/* SPDX-License-Identifier: MIT */
/* The site's cache of rendered answers (src/web/cache.c): lookups by path,
 * replacement, the byte bound, the clock hand sparing what was asked for,
 * and references that outlive eviction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "tap.h"

static int released;

static void release(void *p)
{
        free(p);
        released++;
}

/* An entry for path whose answer carries a body of size bytes. */
static cache_entry *entry(const char *path, size_t size)
{
        cache_entry *e = cache_entry_new(path);
        char *body = calloc(1, size);
        e->status = 200;
        e->bytes = size;
        e->ok[WEB_PLAIN] = httpd_prepared_new(200, body, size, release, body);
        return e;
}

int main(void)
{
        const size_t page = 10000, per = page + WEB_CACHE_ENTRY_OVERHEAD;
        web_cache *c = web_cache_new(10 * per);
        char path[64];

        ok(c != NULL, "a cache");
        ok(web_cache_get(c, "/ports/1") == NULL, "an empty cache has nothing");

        /* Paths that would share a slot of a small table all stay. */
        for (int i = 0; i < 10; i++) {
                snprintf(path, sizeof(path), "/ports/%d", i * 65);
                cache_entry *e = entry(path, page);
                web_cache_put(c, e);
                cache_entry_unref(e);
        }
        int found = 0;
        for (int i = 0; i < 10; i++) {
                snprintf(path, sizeof(path), "/ports/%d", i * 65);
                cache_entry *e = web_cache_get(c, path);
                found += e && !strcmp(e->path, path);
                cache_entry_unref(e);
        }
        is_int(found, 10, "ten pages within the bound: all found");

        /* Replacing a path: the new entry answers, the old one is let go
         * once nobody holds it. */
        cache_entry *held = web_cache_get(c, "/ports/0");
        cache_entry *e = entry("/ports/0", page);
        web_cache_put(c, e);
        cache_entry_unref(e);
        cache_entry *now = web_cache_get(c, "/ports/0");
        ok(now == e && now != held, "a put replaces the entry of the same path");
        cache_entry_unref(now);
        int before = released;
        cache_entry_unref(held);
        is_int(released - before, 1, "the replaced entry's body goes with its last reference");

        /* Over the bound: something not asked for since the hand passed is
         * evicted; what was just asked for stays. Entries 0-4 were asked
         * for above after their put; ask for them again to mark them. */
        for (int i = 0; i < 5; i++) {
                snprintf(path, sizeof(path), "/ports/%d", i * 65);
                cache_entry_unref(web_cache_get(c, path));
        }
        held = web_cache_get(c, "/ports/455");
        before = released;
        for (int i = 10; i < 15; i++) {
                snprintf(path, sizeof(path), "/ports/%d", i * 65);
                e = entry(path, page);
                web_cache_put(c, e);
                cache_entry_unref(e);
        }
        int count = 0;
        for (int i = 0; i < 15; i++) {
                snprintf(path, sizeof(path), "/ports/%d", i * 65);
                e = web_cache_get(c, path);
                count += e != NULL;
                cache_entry_unref(e);
        }
        ok(count <= 10, "five more pages: at most ten stay (%d)", count);
        e = web_cache_get(c, "/ports/910");
        ok(e != NULL, "the newest page is in");
        cache_entry_unref(e);
        ok(held && held->ok[WEB_PLAIN] && held->bytes == page,
           "an entry a request holds stays intact through evictions");
        cache_entry_unref(held);
        ok(released > before, "evicted bodies are released (%d)", released - before);

        web_cache_free(c);
        is_int(released, 16, "freeing the cache releases every body");
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
