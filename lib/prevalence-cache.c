/* SPDX-License-Identifier: MIT */
/*
 * The prevalence cache: nmap-services reduced to a compact binary file under
 * $XDG_CACHE_HOME/portscope/, so a report answers one port without parsing
 * and ranking the whole 1 MB source every time.
 *
 * Layout (little-endian, every array 8-byte aligned):
 *   header                     struct cache_header; its XXH3-64 checksum covers
 *                              everything before the data: the header (with
 *                              the sum field zero), the path, the block sums
 *                              and the fences
 *   source path                path_len bytes, no NUL
 *   block sums  u64[n_blocks]  XXH3-64 of each 1 KiB block of the data, from
 *                              the first section to the end of the file (the
 *                              last block shorter)
 *   fences      u16[]          per protocol p (1..4), every FENCE-th listed
 *                              port: port[0], port[FENCE], ... (ceil(n / FENCE))
 *   per protocol p (1..4):     (the data)
 *     port[n]   u16            listed ports, ascending
 *     rec[n]    cache_rec      the port's frequency (u64, 10^15 = 1.0), its
 *                              rank (u32) and its service name's offset in
 *                              the pool (u32)
 *   pool                       NUL-terminated service names, each stored once
 * A report reads everything before the data at once (3 KB for nmap's file),
 * checks it, the key and the bounds of every section; then, per protocol,
 * finds the port's run of FENCE ports from the fences, binary-searches that
 * run and reads the port's record and its name. Every block it reads from is
 * checked against its sum first, so a flipped byte in anything a report uses
 * is noticed (and the file rebuilt), without reading and checksumming the
 * whole file for every report: a report reads about seven of the 549 blocks
 * of nmap's cache, one pread() each.
 * The file and its directory are used only when no other user could have
 * written them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "portscope/portscope.h"
#include "prevalence-internal.h"
#include "ps-limits.h"
#include "utf8.h"
#include "util.h"
/* Inlined: the one function this needs, without a library to load. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#define CACHE_MAGIC "PSNMAPC\0"
/* 2: the CRC covers the whole file. 3: XXH3-64 instead of CRC-32, which cost
 * a report more than a million instructions (docs/benchmarks.md). 4: a sum
 * per block, checked for the blocks a report reads, rather than one over the
 * whole file (issue 11: reading and hashing 289 KB was a fifth of a report).
 * 5: a port's frequency, rank and name in one record, read from one block,
 * rather than from four arrays: 14 reads a report became 8. */
#define CACHE_VERSION 5u
#define BLOCK PS_PREVCACHE_BLOCK
/* 256 ports are 512 bytes: one block, or two. */
#define FENCE 256u
#define PATH_MAX_LEN 4096u
/* A source changed this recently may still change within the same timestamp
 * tick (the kernel's file times are coarse), so it is not cached yet. */
#define RACY_SECONDS 2

static int cache_disabled(void)
{
        const char *e = getenv("PORTSCOPE_NO_CACHE");
        return e && *e && strcmp(e, "0") != 0;
}

/* $XDG_CACHE_HOME/portscope, else $HOME/.cache/portscope; -ENOENT without
 * either (the XDG spec says a relative XDG_CACHE_HOME is to be ignored). */
static int cache_dir(char **ret_dir)
{
        const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
        char *d = NULL;
        if (x && x[0] == '/') {
                if (asprintf(&d, "%s/portscope", x) < 0)
                        return -ENOMEM;
        } else if (h && h[0] == '/') {
                if (asprintf(&d, "%s/.cache/portscope", h) < 0)
                        return -ENOMEM;
        } else
                return -ENOENT;
        *ret_dir = d;
        return 0;
}

int ps_prevcache_file(const char *source, char **ret_file)
{
        char *dir = NULL, *f = NULL;
        int r;
        if (strlen(source) > PATH_MAX_LEN)
                return -ENAMETOOLONG;
        if ((r = cache_dir(&dir)) < 0)
                return r;
        /* The name only needs to keep different sources apart; the header
         * holds the full path and is compared too. */
        r = asprintf(&f, "%s/nmap-services-%016llx.cache", dir,
                     (unsigned long long)ps_fnv1a64(PS_FNV1A64_INIT, source, strlen(source)));
        free(dir);
        if (r < 0)
                return -ENOMEM;
        *ret_file = f;
        return 0;
}

static void key_from(struct cache_header *h, const struct stat *st)
{
        h->dev = (uint64_t)st->st_dev;
        h->ino = (uint64_t)st->st_ino;
        h->size = (uint64_t)st->st_size;
        h->mtime_sec = (int64_t)st->st_mtim.tv_sec;
        h->mtime_nsec = (int64_t)st->st_mtim.tv_nsec;
}

/* An array of count elements of size sz at off lies inside the file, aligned. */
static int in_file(uint64_t size, uint32_t off, uint32_t count, uint32_t sz)
{
        return off % 8 == 0 && off <= size && (uint64_t)count * sz <= size - off;
}

/* Exactly len bytes at off, or -EBADMSG: the file is shorter than it says. */
static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
        for (size_t done = 0; done < len;) {
                ssize_t k = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return -EBADMSG;
                done += (size_t)k;
        }
        return 0;
}

/* Fences of a protocol with n listed ports. */
static uint64_t n_fences(uint64_t n)
{
        return (n + FENCE - 1) / FENCE;
}

uint64_t ps_prevcache_data_offset(const struct cache_header *h, uint64_t size)
{
        uint64_t fences = 0;
        if (h->path_len > PATH_MAX_LEN)
                return 0;
        for (int p = 0; p < _PS_PROTO_MAX; p++) {
                if (h->sect[p].n > 65536)
                        return 0;
                fences += n_fences(h->sect[p].n);
        }
        uint64_t sums = ((uint64_t)sizeof(*h) + h->path_len + 7u) & ~(uint64_t)7u;
        uint64_t data = sums + 8u * (uint64_t)h->n_blocks + ((2u * fences + 7u) & ~(uint64_t)7u);
        if (data > size || (size - data + BLOCK - 1) / BLOCK != h->n_blocks)
                return 0;
        return data;
}

/* Where the block sums start (the fences follow them). */
static uint64_t sums_offset(const struct cache_header *h)
{
        return ((uint64_t)sizeof(*h) + h->path_len + 7u) & ~(uint64_t)7u;
}

/* Where protocol p's fences start. */
static uint64_t fences_offset(const struct cache_header *h, int p)
{
        uint64_t at = sums_offset(h) + 8u * (uint64_t)h->n_blocks;
        for (int q = 0; q < p; q++)
                at += 2u * n_fences(h->sect[q].n);
        return at;
}

/* The sum over the header (sum field zero), the path and the block sums. */
static uint64_t head_sum(const void *head, size_t data_off)
{
        struct cache_header c;
        XXH3_state_t st;
        memcpy(&c, head, sizeof(c));
        c.sum = 0;
        XXH3_64bits_reset(&st);
        XXH3_64bits_update(&st, &c, sizeof(c));
        XXH3_64bits_update(&st, (const char *)head + sizeof(c), data_off - sizeof(c));
        return XXH3_64bits_digest(&st);
}

int ps_prevcache_seal(void *img, size_t len)
{
        struct cache_header h;
        if (len < sizeof(h))
                return -EBADMSG;
        memcpy(&h, img, sizeof(h));
        if (h.path_len > PATH_MAX_LEN)
                return -EBADMSG;
        uint64_t data = ps_prevcache_data_offset(&h, len);
        if (!data)
                return -EBADMSG;
        char *sums = (char *)img + sums_offset(&h);
        for (uint32_t i = 0; i < h.n_blocks; i++) {
                uint64_t at = data + (uint64_t)i * BLOCK;
                uint64_t sum =
                        XXH3_64bits((const char *)img + at, len - at < BLOCK ? len - at : BLOCK);
                memcpy(sums + 8u * (size_t)i, &sum, sizeof(sum));
        }
        h.sum = head_sum(img, (size_t)data);
        memcpy(img, &h, sizeof(h));
        return 0;
}

/* The data of one cache file, read a checked block at a time; the last four
 * blocks read are kept (the name pool and the ranks are asked again by the
 * next protocol). */
#define KEPT 4
struct blocks {
        int fd;
        uint64_t data, size;
        const char *sums;      /* n of them, u64, not necessarily aligned in memory */
        uint32_t n, cur[KEPT]; /* cur: the block in buf[k], n when none */
        unsigned next;         /* the slot the next block read replaces */
        char buf[KEPT][BLOCK];
};

/* len bytes at off, from blocks checked against their sums: -EBADMSG for a
 * block that does not match (or is short: the file was truncated). */
static int blocks_read(struct blocks *b, void *dst, size_t len, uint64_t off)
{
        if (off < b->data || off > b->size || len > b->size - off)
                return -EBADMSG;
        while (len) {
                uint64_t rel = off - b->data;
                uint32_t i = (uint32_t)(rel / BLOCK);
                size_t in = (size_t)(rel % BLOCK);
                unsigned k = 0;
                while (k < KEPT && b->cur[k] != i)
                        k++;
                if (k == KEPT) {
                        uint64_t at = b->data + (uint64_t)i * BLOCK;
                        size_t bl = b->size - at < BLOCK ? (size_t)(b->size - at) : BLOCK;
                        uint64_t want;
                        k = b->next;
                        b->next = (b->next + 1) % KEPT;
                        b->cur[k] = b->n;
                        int r = read_at(b->fd, b->buf[k], bl, at);
                        if (r < 0)
                                return r;
                        memcpy(&want, b->sums + 8u * (size_t)i, sizeof(want));
                        if (XXH3_64bits(b->buf[k], bl) != want)
                                return -EBADMSG;
                        b->cur[k] = i;
                }
                size_t m = BLOCK - in < len ? BLOCK - in : len;
                memcpy(dst, b->buf[k] + in, m);
                dst = (char *)dst + m;
                off += m;
                len -= m;
        }
        return 0;
}

/* h and the path after it (in head, head_len bytes read) against the file's
 * size, the source's identity and the bounds of every section. */
static int check_header(const struct cache_header *h, const char *head, size_t head_len,
                        uint64_t size, const char *source, size_t source_len, const struct stat *st)
{
        struct cache_header key = { 0 };
        if (size < sizeof(*h) || memcmp(h->magic, CACHE_MAGIC, sizeof(h->magic)) ||
            h->version != CACHE_VERSION || h->file_size != size || h->path_len > PATH_MAX_LEN)
                return -EBADMSG;
        uint64_t data = ps_prevcache_data_offset(h, size);
        if (!data || data > head_len || head_sum(head, (size_t)data) != h->sum)
                return -EBADMSG;
        key_from(&key, st);
        if (h->dev != key.dev || h->ino != key.ino || h->size != key.size ||
            h->mtime_sec != key.mtime_sec || h->mtime_nsec != key.mtime_nsec ||
            h->path_len != source_len || memcmp(head + sizeof(*h), source, source_len))
                return -ESTALE;
        if (!in_file(size, h->off_pool, h->pool_len, 1) || !h->pool_len || h->off_pool < data)
                return -EBADMSG;
        for (int p = 0; p < _PS_PROTO_MAX; p++) {
                const struct cache_section *s = &h->sect[p];
                if (s->n > 65536 || (p == PS_PROTO_NONE && s->n) ||
                    !in_file(size, s->off_port, s->n, 2) ||
                    !in_file(size, s->off_rec, s->n, sizeof(struct cache_rec)) ||
                    (s->n && (s->off_port < data || s->off_rec < data)))
                        return -EBADMSG;
        }
        return 0;
}

/* One protocol's entry for port: 1 found, 0 not listed, < 0 damaged or
 * unreadable. Binary-searches the protocol's port list and then reads only
 * the few values that go with the port, each from a checked block, rather
 * than mapping the file: a report touches little of it, and mapped pages
 * would all count against its memory. */
static int section_lookup(struct blocks *b, const char *head, const struct cache_header *h, int p,
                          unsigned port, ps_prevalence_entry *e)
{
        const struct cache_section *s = &h->sect[p];
        struct cache_rec rec;
        uint16_t v;
        char service[sizeof(e->service)];
        int r;
        if (!s->n)
                return 0;
        /* The last fence at or below the port starts its run (the fences were
         * checked with the head; wrong ones could only make a port missed). */
        const char *fences = head + fences_offset(h, p);
        size_t f_lo = 0, f_hi = (size_t)n_fences(s->n);
        while (f_lo < f_hi) {
                size_t mid = f_lo + (f_hi - f_lo) / 2;
                memcpy(&v, fences + 2 * mid, sizeof(v));
                if (v <= port)
                        f_lo = mid + 1;
                else
                        f_hi = mid;
        }
        if (!f_lo)
                return 0; /* below the first listed port */
        size_t lo = (f_lo - 1) * FENCE, hi = lo + FENCE < s->n ? lo + FENCE : s->n;
        size_t end = hi;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if ((r = blocks_read(b, &v, sizeof(v), s->off_port + 2 * (uint64_t)mid)) < 0)
                        return r;
                if (v < port)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (lo == end)
                return 0;
        if ((r = blocks_read(b, &v, sizeof(v), s->off_port + 2 * (uint64_t)lo)) < 0)
                return r;
        if (v != port)
                return 0;
        if ((r = blocks_read(b, &rec, sizeof(rec), s->off_rec + sizeof(rec) * (uint64_t)lo)) < 0)
                return r;
        if (rec.name >= h->pool_len || rec.fx > PS_FX_ONE || rec.rank > s->n ||
            (!rec.fx) != (!rec.rank))
                return -EBADMSG;
        /* The pool ends in a NUL (checked), so a name shorter than the field
         * ends inside it; a longer one is cut at a character boundary, as
         * ps_prevalence_port() cuts it: one byte more tells where. */
        char raw[sizeof(service) + 1];
        size_t len = h->pool_len - rec.name < sizeof(raw) ? h->pool_len - rec.name : sizeof(raw);
        if ((r = blocks_read(b, raw, len, (uint64_t)h->off_pool + rec.name)) < 0)
                return r;
        if (!memchr(raw, '\0', len)) {
                if (len < sizeof(raw))
                        return -EBADMSG;
                raw[sizeof(raw) - 1] = '\0';
        }
        ps_text_sanitize_to(service, sizeof(service), raw);
        e->port = port;
        e->proto = (ps_proto)p;
        memcpy(e->service, service, sizeof(service));
        e->frequency = ps_fx_double(rec.fx);
        e->rank = rec.rank;
        e->listed = s->n;
        return 1;
}

/* The directory holding file may be trusted (see ps_stat_trusted()). */
static int dir_trusted(const char *file)
{
        struct stat st;
        const char *slash = strrchr(file, '/');
        _cleanup_free_ char *dir = slash ? strndup(file, (size_t)(slash - file)) : strdup(".");
        if (!dir)
                return -ENOMEM;
        if (stat(*dir ? dir : "/", &st) < 0)
                return -errno;
        return ps_stat_trusted(&st) ? 0 : -EPERM;
}

/* Enough for the header, a path of a few hundred bytes, the block sums of a
 * cache of 800 KB (nmap's is 549 KB) and the fences: one read most often. */
#define HEAD_GUESS 8192u

int ps_prevcache_read(const char *cache_file, const char *source, const struct stat *st,
                      unsigned port, ps_prevalence_entry *ret_entries, size_t cap)
{
        struct stat cst;
        struct cache_header h;
        char guess[HEAD_GUESS], last;
        _cleanup_free_ char *big = NULL;
        const char *head = guess;
        ps_prevalence_entry found[_PS_PROTO_MAX];
        struct blocks b;
        size_t n = 0, head_len = 0;
        int fd = ps_open_regular_at(AT_FDCWD, cache_file, PS_READ_NOFOLLOW, &cst), r = 0;
        if (fd < 0)
                return fd == -EINVAL || fd == -EISDIR ? -EBADMSG : fd;
        uint64_t size = (uint64_t)cst.st_size;
        if (cst.st_size < (off_t)sizeof(h) || cst.st_size > (off_t)PS_PREVCACHE_MAX)
                r = -EBADMSG;
        else if (!ps_stat_trusted(&cst) || (r = dir_trusted(cache_file)) < 0)
                r = r < 0 ? r : -EPERM; /* another user could have forged it */
        if (r >= 0) {
                /* The header, the path and the block sums, in one read most often. */
                head_len = size < sizeof(guess) ? (size_t)size : sizeof(guess);
                r = read_at(fd, guess, head_len, 0);
        }
        if (r >= 0) {
                memcpy(&h, guess, sizeof(h));
                uint64_t data = ps_prevcache_data_offset(&h, size);
                if (data > head_len) {
                        if (!(big = malloc((size_t)data)))
                                r = -ENOMEM;
                        else if ((r = read_at(fd, big, (size_t)data, 0)) >= 0) {
                                head = big;
                                head_len = (size_t)data;
                        }
                }
        }
        if (r >= 0)
                r = check_header(&h, head, head_len, size, source, strlen(source), st);
        if (r >= 0) {
                b = (struct blocks){ .fd = fd,
                                     .data = ps_prevcache_data_offset(&h, size),
                                     .size = size,
                                     .n = h.n_blocks,
                                     .cur = { h.n_blocks, h.n_blocks, h.n_blocks, h.n_blocks },
                                     .sums = head + sums_offset(&h) };
                /* The pool ends in a NUL, so every name in it does. */
                r = blocks_read(&b, &last, 1, (uint64_t)h.off_pool + h.pool_len - 1);
                if (r >= 0 && last != '\0')
                        r = -EBADMSG;
        }
        for (int p = PS_PROTO_TCP; r >= 0 && p < _PS_PROTO_MAX; p++) {
                int k = section_lookup(&b, head, &h, p, port, &found[n]);
                if (k < 0)
                        r = k;
                else
                        n += (size_t)k;
        }
        close(fd);
        if (r < 0)
                return r;
        n = n < cap ? n : cap;
        memcpy(ret_entries, found, n * sizeof(*found));
        return (int)n;
}

/* The pool: every distinct name once, found again through a hash table. */
struct pool {
        ps_dynbuf buf;
        uint32_t *slot; /* offset + 1; 0 = empty */
        size_t nslot;
};

static int pool_add(struct pool *pl, const char *name, uint32_t *ret_off)
{
        uint64_t h = ps_fnv1a64(PS_FNV1A64_INIT, name, strlen(name));
        size_t i = (size_t)h & (pl->nslot - 1);
        for (; pl->slot[i]; i = (i + 1) & (pl->nslot - 1))
                if (!strcmp(pl->buf.buf + pl->slot[i] - 1, name)) {
                        *ret_off = pl->slot[i] - 1;
                        return 0;
                }
        uint32_t off = (uint32_t)pl->buf.len;
        int r = ps_dynbuf_add(&pl->buf, name, strlen(name) + 1);
        if (r < 0)
                return r;
        pl->slot[i] = off + 1;
        *ret_off = off;
        return 0;
}

static uint32_t align8(uint32_t x)
{
        return (x + 7u) & ~7u;
}

/* Lays the whole file out in memory; the caller writes it. */
static int build(const char *source, const struct stat *st, const ps_prevalence *prev,
                 char **ret_img, size_t *ret_len)
{
        struct cache_header h = { .version = CACHE_VERSION };
        struct pool pl = { .nslot = 1 };
        size_t path_len = strlen(source), count[_PS_PROTO_MAX] = { 0 },
               first[_PS_PROTO_MAX] = { 0 };
        uint32_t *names = NULL;
        char *img = NULL;
        int r = 0;

        memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
        key_from(&h, st);
        h.path_len = (uint32_t)path_len;
        /* The entries are sorted by protocol, then port: each protocol is a run. */
        for (size_t i = prev->n; i-- > 0;) {
                count[prev->e[i].proto]++;
                first[prev->e[i].proto] = i;
        }
        while (pl.nslot < 2 * prev->n + 2)
                pl.nslot *= 2;
        ps_dynbuf_init(&pl.buf, PS_PREVCACHE_MAX);
        if (!(pl.slot = calloc(pl.nslot, sizeof(*pl.slot))) ||
            !(names = malloc((prev->n ? prev->n : 1) * sizeof(*names)))) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < prev->n; i++)
                if ((r = pool_add(&pl, prev->names.buf + prev->e[i].service, &names[i])) < 0)
                        goto out;
        if (!pl.buf.len && (r = ps_dynbuf_addc(&pl.buf, '\0')) < 0)
                goto out;
        /* The sections are laid out from 0, then moved after the block sums,
         * whose number depends on their size. */
        uint32_t off = 0;
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++) {
                struct cache_section *s = &h.sect[p];
                size_t m = count[p];
                if (m > 65536) {
                        r = -E2BIG;
                        goto out;
                }
                s->n = (uint32_t)m;
                s->off_port = off;
                s->off_rec = s->off_port + align8(2 * s->n);
                off = s->off_rec + (uint32_t)sizeof(struct cache_rec) * s->n;
        }
        uint64_t data_len = (uint64_t)off + pl.buf.len;
        h.n_blocks = (uint32_t)((data_len + BLOCK - 1) / BLOCK);
        uint32_t fences = 0;
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++)
                fences += (uint32_t)n_fences(count[p]);
        uint32_t data =
                align8((uint32_t)(sizeof(h) + path_len)) + 8u * h.n_blocks + align8(2u * fences);
        if (data_len + data > PS_PREVCACHE_MAX) {
                r = -E2BIG;
                goto out;
        }
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++) {
                struct cache_section *s = &h.sect[p];
                s->off_port += data;
                s->off_rec += data;
        }
        h.off_pool = data + off;
        h.pool_len = (uint32_t)pl.buf.len;
        h.file_size = data + data_len;
        if (!(img = calloc(1, (size_t)h.file_size))) {
                r = -ENOMEM;
                goto out;
        }
        memcpy(img + sizeof(h), source, path_len);
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++) {
                const struct cache_section *s = &h.sect[p];
                uint16_t *port = (uint16_t *)(void *)(img + s->off_port);
                struct cache_rec *rec = (struct cache_rec *)(void *)(img + s->off_rec);
                for (size_t i = 0; i < s->n; i++) {
                        const struct ps_prev_entry *e = &prev->e[first[p] + i];
                        port[i] = e->port;
                        rec[i] = (struct cache_rec){ .fx = e->fx,
                                                     .rank = e->rank,
                                                     .name = names[first[p] + i] };
                }
        }
        memcpy(img + h.off_pool, pl.buf.buf, pl.buf.len);
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++) {
                const struct cache_section *s = &h.sect[p];
                char *f = img + fences_offset(&h, p);
                for (uint32_t k = 0; k < n_fences(s->n); k++)
                        memcpy(f + 2u * k, img + s->off_port + 2u * (size_t)k * FENCE, 2);
        }
        memcpy(img, &h, sizeof(h));
        if ((r = ps_prevcache_seal(img, (size_t)h.file_size)) < 0)
                goto out;
        *ret_img = img;
        *ret_len = (size_t)h.file_size;
        img = NULL;
out:
        free(img);
        free(names);
        free(pl.slot);
        ps_dynbuf_free(&pl.buf);
        return r;
}

int ps_prevcache_write(const char *cache_file, const char *source, const struct stat *st,
                       const ps_prevalence *prev)
{
        _cleanup_free_ char *img = NULL, *dir = NULL;
        size_t len = 0;
        int r;
        if ((r = build(source, st, prev, &img, &len)) < 0)
                return r;
        const char *slash = strrchr(cache_file, '/');
        if (!slash || slash == cache_file)
                return -EINVAL;
        if (!(dir = strndup(cache_file, (size_t)(slash - cache_file))))
                return -ENOMEM;
        /* Private, as the XDG spec asks. */
        if ((r = ps_mkdir_p(dir, 0700)) < 0)
                return r;
        return ps_write_atomic(cache_file, img, len, 0600);
}

PS_EXPORT int ps_prevalence_port_cached(const char *path, unsigned port,
                                        ps_prevalence_entry *ret_entries, size_t cap)
{
        char *cache = NULL;
        struct stat st;
        ps_prevalence *prev = NULL;
        int r;

        if (port > 65535)
                return -EINVAL;
        if (!path || !*path)
                path = ps_prevalence_default_path();
        /* Without a usable cache location, or for anything but a plain file
         * (the reader then says what is wrong), this is ps_prevalence_port(). */
        if (cache_disabled() || stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
            ps_prevcache_file(path, &cache) < 0)
                return ps_prevalence_port(path, port, ret_entries, cap);
        r = ps_prevcache_read(cache, path, &st, port, ret_entries, cap);
        if (r >= 0)
                goto out;
        /* Another user's file or directory is neither read nor replaced. */
        bool untrusted = r == -EPERM;
        /* Missing, stale or damaged: read the source, answer, store it again. */
        r = ps_prevalence_open_stat(path, &prev, &st);
        if (r < 0)
                goto out;
        ps_prevalence_entry found[_PS_PROTO_MAX];
        size_t n = 0;
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++)
                if (ps_prevalence_lookup(prev, port, (ps_proto)p, &found[n]) == 0)
                        n++;
        n = n < cap ? n : cap;
        memcpy(ret_entries, found, n * sizeof(*found));
        r = (int)n;
        struct timespec now;
        if (!untrusted && clock_gettime(CLOCK_REALTIME, &now) == 0 &&
            now.tv_sec - st.st_mtim.tv_sec >= RACY_SECONDS)
                (void)ps_prevcache_write(cache, path, &st, prev); /* the answer stands anyway */
out:
        ps_prevalence_free(prev);
        free(cache);
        return r;
}
