/* SPDX-License-Identifier: MIT */
/* nmap-services: open frequencies and their ranks per protocol. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dynbuf.h"
#include "fileio.h"
#include "parse.h"
#include "portscope/portscope.h"
#include "prevalence-internal.h"
#include "utf8.h"
#include "util.h"

#define MAX_ENTRIES 500000u /* nmap 7.93 lists about 27,000 */
#define MAX_LINE 4096u
#define CHUNK (64u << 10)
#define FX_ONE PS_FX_ONE

/* One parsed line. */
struct line {
        const char *service;
        unsigned port;
        ps_proto proto;
        uint64_t fx; /* exact, for comparing */
};

static int blank(char c)
{
        return c == ' ' || c == '\t';
}

/* A frequency as nmap writes it: digits, optionally a point and digits, 0..1.
 * Parsed by hand, not with strtod(), whose decimal point follows the locale. */
static int parse_freq(char **pp, uint64_t *ret_fx)
{
        const char *s = *pp;
        uint64_t mant = 0;
        unsigned frac = 0, digits = 0;
        for (; *s >= '0' && *s <= '9'; s++, digits++)
                mant = mant * 10 + (uint64_t)(*s - '0');
        if (*s == '.')
                for (s++; *s >= '0' && *s <= '9'; s++, digits++, frac++)
                        mant = mant * 10 + (uint64_t)(*s - '0');
        /* At most 15 digits in all, so mant * 10^(15 - frac) fits in 64 bits. */
        if (!digits || digits > 15 || (*s && !blank(*s)))
                return -EBADMSG;
        for (unsigned k = frac; k < 15; k++)
                mant *= 10;
        if (mant > FX_ONE)
                return -EBADMSG;
        *ret_fx = mant;
        *pp = (char *)s;
        return 0;
}

/* Parses "name<TAB>port/proto<TAB>freq[<TAB># comment]". 0 to skip, 1 for an entry.
 * One hand-written walk: the whole file is read for every report. */
static int parse_line(char *line, struct line *e)
{
        char *p = line;
        unsigned port = 0;
        if (!*p || *p == '#')
                return 0;
        while (*p && !blank(*p))
                p++;
        if (!*p)
                return -EBADMSG;
        *p++ = '\0';
        while (blank(*p))
                p++;
        size_t digits = strspn(p, "0123456789");
        if (ps_parse_port_n(p, digits, &port) < 0)
                return -EBADMSG;
        p += digits;
        if (*p++ != '/')
                return -EBADMSG;
        const char *proto = p;
        while (*p && !blank(*p))
                p++;
        size_t plen = (size_t)(p - proto);
        while (blank(*p))
                p++;
        if (!*p || *p == '#' || parse_freq(&p, &e->fx) < 0)
                return -EBADMSG;
        while (blank(*p))
                p++;
        if (*p && *p != '#')
                return -EBADMSG;
        /* nmap writes protocols in lower case, as this library names them. */
        if (plen == 3 && !memcmp(proto, "tcp", 3))
                e->proto = PS_PROTO_TCP;
        else if (plen == 3 && !memcmp(proto, "udp", 3))
                e->proto = PS_PROTO_UDP;
        else if (plen == 4 && !memcmp(proto, "sctp", 4))
                e->proto = PS_PROTO_SCTP;
        else if (plen == 4 && !memcmp(proto, "dccp", 4))
                e->proto = PS_PROTO_DCCP;
        else
                return 0; /* a protocol this library does not know: not ours to judge */
        e->port = port;
        /* nmap's names reach terminals and JSON: controls and bytes that
         * are not UTF-8 become '?', rather than escapes or a dropped entry. */
        ps_text_sanitize(line);
        e->service = line;
        return 1;
}

/* Streams path line by line (each line at most MAX_LINE, the file at most
 * PS_NMAP_SERVICES_MAX) and calls fn for every entry. */
static int scan(const char *path, int (*fn)(void *ctx, const struct line *l), void *ctx,
                struct stat *ret_st)
{
        struct stat st;
        /* A FIFO without a writer is refused, not waited on. */
        int fd = ps_open_regular_at(AT_FDCWD, path, 0, &st), r = 0;
        if (fd < 0)
                return fd;
        if (st.st_size > (off_t)PS_NMAP_SERVICES_MAX)
                r = -EFBIG;
        char *buf = r < 0 ? NULL : malloc(CHUNK + 1);
        if (!buf) {
                close(fd);
                return r < 0 ? r : -ENOMEM;
        }
        size_t start = 0, len = 0, total = 0;
        int eof = 0;
        while (r >= 0) {
                char *line = buf + start, *nl = memchr(line, '\n', len - start);
                if (!nl && !eof) {
                        /* Keep the partial line, then read more behind it. */
                        if (len - start >= MAX_LINE) {
                                r = -EBADMSG;
                                break;
                        }
                        memmove(buf, line, len - start);
                        len -= start;
                        start = 0;
                        ssize_t k = read(fd, buf + len, CHUNK - len);
                        if (k < 0 && errno == EINTR)
                                continue;
                        if (k < 0) {
                                r = -errno;
                                break;
                        }
                        eof = k == 0;
                        len += (size_t)k;
                        total += (size_t)k;
                        if (total > PS_NMAP_SERVICES_MAX)
                                r = -EFBIG;
                        continue;
                }
                if (!nl && start == len)
                        break; /* the end */
                size_t n = nl ? (size_t)(nl - line) : len - start;
                if (n > MAX_LINE || memchr(line, '\0', n)) {
                        r = -EBADMSG;
                        break;
                }
                line[n] = '\0';
                start += n + (nl ? 1 : 0);
                struct line l;
                int k = parse_line(line, &l);
                if (k < 0)
                        r = k;
                else if (k > 0)
                        r = fn(ctx, &l);
        }
        free(buf);
        close(fd);
        if (r >= 0 && ret_st)
                *ret_st = st;
        return r;
}

PS_EXPORT const char *ps_prevalence_default_path(void)
{
        const char *env = getenv("PORTSCOPE_NMAP_SERVICES");
        return env && *env ? env : PS_NMAP_SERVICES_PATH;
}

/* A port listed twice keeps its first line; these bits say which came already. */
struct seen {
        uint64_t bits[_PS_PROTO_MAX][65536 / 64];
};

static int seen_first(struct seen *s, const struct line *l)
{
        uint64_t *w = &s->bits[l->proto][l->port / 64], m = 1ull << (l->port % 64);
        if (*w & m)
                return 0;
        *w |= m;
        return 1;
}

struct port_query {
        unsigned port;
        struct seen *seen;
        int found[_PS_PROTO_MAX];
        uint64_t fx[_PS_PROTO_MAX];
        char service[_PS_PROTO_MAX][64];
        /* Every frequency per protocol: the port's own is only known once seen. */
        uint64_t *vals[_PS_PROTO_MAX];
        size_t n[_PS_PROTO_MAX], alloc[_PS_PROTO_MAX];
};

static int query_line(void *ctx, const struct line *l)
{
        struct port_query *q = ctx;
        unsigned p = l->proto;
        if (!seen_first(q->seen, l))
                return 0;
        if (q->n[p] == MAX_ENTRIES)
                return -E2BIG;
        if (q->n[p] == q->alloc[p]) {
                size_t a = q->alloc[p] ? q->alloc[p] * 2 : 4096;
                uint64_t *v = realloc(q->vals[p], a * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                q->vals[p] = v;
                q->alloc[p] = a;
        }
        q->vals[p][q->n[p]++] = l->fx;
        if (l->port == q->port) {
                q->found[p] = 1;
                q->fx[p] = l->fx;
                ps_text_sanitize_to(q->service[p], sizeof(q->service[0]), l->service);
        }
        return 0;
}

PS_EXPORT int ps_prevalence_port(const char *path, unsigned port, ps_prevalence_entry *ret_entries,
                                 size_t cap)
{
        struct port_query q = { .port = port };
        int r;
        if (port > 65535)
                return -EINVAL;
        if (!path || !*path)
                path = ps_prevalence_default_path();
        if (!(q.seen = calloc(1, sizeof(*q.seen))))
                return -ENOMEM;
        r = scan(path, query_line, &q, NULL);
        size_t n = 0;
        for (int p = PS_PROTO_TCP; r >= 0 && p < _PS_PROTO_MAX; p++) {
                if (!q.found[p] || n >= cap)
                        continue;
                unsigned higher = 0;
                for (size_t i = 0; i < q.n[p]; i++)
                        higher += q.vals[p][i] > q.fx[p];
                ps_prevalence_entry *e = &ret_entries[n++];
                e->port = port;
                e->proto = (ps_proto)p;
                memcpy(e->service, q.service[p], sizeof(e->service));
                e->frequency = ps_fx_double(q.fx[p]);
                e->rank = q.fx[p] ? higher + 1 : 0;
                e->listed = (unsigned)q.n[p];
        }
        for (int p = 0; p < _PS_PROTO_MAX; p++)
                free(q.vals[p]);
        free(q.seen);
        return r < 0 ? r : (int)n;
}

static int add_entry(void *ctx, const struct line *l)
{
        struct ps_prevalence *p = ctx;
        int r;
        if (!seen_first(p->seen, l))
                return 0;
        if (p->n == MAX_ENTRIES)
                return -E2BIG;
        if (p->n == p->alloc) {
                size_t a = p->alloc ? p->alloc * 2 : 4096;
                struct ps_prev_entry *ne = realloc(p->e, a * sizeof(*ne));
                if (!ne)
                        return -ENOMEM;
                p->e = ne;
                p->alloc = a;
        }
        struct ps_prev_entry *e = &p->e[p->n];
        e->port = (uint16_t)l->port;
        e->proto = (uint8_t)l->proto;
        e->fx = l->fx;
        e->service = (uint32_t)p->names.len;
        if ((r = ps_dynbuf_add(&p->names, l->service, strlen(l->service) + 1)) < 0)
                return r;
        p->n++;
        return 0;
}

static int cmp_port(const void *a, const void *b)
{
        const struct ps_prev_entry *x = a, *y = b;
        if (x->proto != y->proto)
                return x->proto < y->proto ? -1 : 1;
        return x->port < y->port ? -1 : x->port > y->port;
}

static int cmp_fx_desc(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x > y ? -1 : x < y;
}

/* Ranks: 1 + the number of ports of the same protocol seen open more often. */
static int rank_all(struct ps_prevalence *p)
{
        uint64_t *f = malloc((p->n ? p->n : 1) * sizeof(*f));
        if (!f)
                return -ENOMEM;
        size_t start = 0;
        while (start < p->n) {
                size_t end = start;
                while (end < p->n && p->e[end].proto == p->e[start].proto)
                        end++;
                size_t m = end - start;
                for (size_t i = 0; i < m; i++)
                        f[i] = p->e[start + i].fx;
                ps_qsort(f, m, sizeof(*f), cmp_fx_desc);
                for (size_t i = start; i < end; i++) {
                        struct ps_prev_entry *e = &p->e[i];
                        size_t lo = 0, hi = m;
                        while (lo < hi) { /* the first position not above e->fx */
                                size_t mid = lo + (hi - lo) / 2;
                                if (f[mid] > e->fx)
                                        lo = mid + 1;
                                else
                                        hi = mid;
                        }
                        e->rank = e->fx ? (unsigned)lo + 1 : 0;
                }
                p->listed[p->e[start].proto] = (unsigned)m;
                start = end;
        }
        free(f);
        return 0;
}

int ps_prevalence_open_stat(const char *path, ps_prevalence **ret_prev, struct stat *ret_st)
{
        struct ps_prevalence *p;
        struct stat st;
        int r;

        if (!path || !*path)
                path = ps_prevalence_default_path();
        if (!(p = calloc(1, sizeof(*p))))
                return -ENOMEM;
        ps_dynbuf_init(&p->names, PS_NMAP_SERVICES_MAX);
        if (!(p->path = strdup(path)) || !(p->seen = calloc(1, sizeof(*p->seen)))) {
                r = -ENOMEM;
                goto fail;
        }
        if ((r = scan(path, add_entry, p, &st)) < 0)
                goto fail;
        free(p->seen);
        p->seen = NULL;
        ps_qsort(p->e, p->n, sizeof(*p->e), cmp_port);
        if ((r = rank_all(p)) < 0)
                goto fail;
        if (ret_st)
                *ret_st = st;
        *ret_prev = p;
        return 0;
fail:
        ps_prevalence_free(p);
        return r;
}

PS_EXPORT int ps_prevalence_open(const char *path, ps_prevalence **ret_prev)
{
        return ps_prevalence_open_stat(path, ret_prev, NULL);
}

PS_EXPORT void ps_prevalence_free(ps_prevalence *prev)
{
        if (!prev)
                return;
        free(prev->path);
        ps_dynbuf_free(&prev->names);
        free(prev->e);
        free(prev->seen);
        free(prev);
}

PS_EXPORT const char *ps_prevalence_path(const ps_prevalence *prev)
{
        return prev->path;
}

PS_EXPORT int ps_prevalence_lookup(const ps_prevalence *prev, unsigned port, ps_proto proto,
                                   ps_prevalence_entry *ret_entry)
{
        struct ps_prev_entry key = { .port = (uint16_t)port, .proto = (uint8_t)proto };
        if (port > 65535 || proto <= PS_PROTO_NONE || proto >= _PS_PROTO_MAX)
                return -EINVAL;
        const struct ps_prev_entry *e = bsearch(&key, prev->e, prev->n, sizeof(*prev->e), cmp_port);
        if (!e)
                return -ENOENT;
        ret_entry->port = e->port;
        ret_entry->proto = (ps_proto)e->proto;
        /* Cut at a character boundary: a name cut mid-character is no text. */
        ps_text_sanitize_to(ret_entry->service, sizeof(ret_entry->service),
                            prev->names.buf + e->service);
        ret_entry->frequency = ps_fx_double(e->fx);
        ret_entry->rank = e->rank;
        ret_entry->listed = prev->listed[e->proto];
        return 0;
}
