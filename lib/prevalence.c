/* SPDX-License-Identifier: MIT */
/* nmap-services: open frequencies and their ranks per protocol. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "portscope/portscope.h"
#include "util.h"

#define MAX_ENTRIES 500000u /* nmap 7.93 lists about 27,000 */

struct entry {
        uint16_t port;
        uint8_t proto;
        uint32_t service; /* offset into text */
        double freq;
        unsigned rank;
};

struct ps_prevalence {
        char *path;
        char *text; /* the file, with NULs written after service names */
        struct entry *e;
        size_t n;
        unsigned listed[_PS_PROTO_MAX];
};

static int read_capped(const char *path, char **ret_buf, size_t *ret_len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        if (!S_ISREG(st.st_mode)) {
                close(fd);
                return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        }
        /* Read one byte past the cap to notice a file that grew past it. */
        char *buf = malloc(PS_NMAP_SERVICES_MAX + 2);
        size_t got = 0;
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        while (got <= PS_NMAP_SERVICES_MAX) {
                ssize_t k = read(fd, buf + got, PS_NMAP_SERVICES_MAX + 1 - got);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        int e = -errno;
                        free(buf);
                        close(fd);
                        return e;
                }
                if (!k)
                        break;
                got += (size_t)k;
        }
        close(fd);
        if (got > PS_NMAP_SERVICES_MAX) {
                free(buf);
                return -EFBIG;
        }
        buf[got] = '\0';
        *ret_buf = buf;
        *ret_len = got;
        return 0;
}

/* A frequency as nmap writes it: digits, optionally a point and digits, 0..1.
 * Parsed by hand, not with strtod(), whose decimal point follows the locale. */
static int parse_freq(const char *s, size_t n, double *ret)
{
        uint64_t mant = 0;
        unsigned frac = 0;
        size_t i = 0, digits = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
                mant = mant * 10 + (uint64_t)(s[i] - '0');
        if (i < n && s[i] == '.')
                for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++, frac++)
                        mant = mant * 10 + (uint64_t)(s[i] - '0');
        /* At most 15 digits: exact in a double, so one division rounds correctly. */
        if (!digits || i != n || digits > 15)
                return -EBADMSG;
        double v = (double)mant;
        double scale = 1;
        for (unsigned k = 0; k < frac; k++)
                scale *= 10;
        v /= scale;
        if (v > 1.0)
                return -EBADMSG;
        *ret = v;
        return 0;
}

/* Parses "name<TAB>port/proto<TAB>freq[<TAB># comment]". 0 to skip, 1 for an entry. */
static int parse_line(char *text, char *line, struct entry *e)
{
        char *f[3];
        size_t nf = 0;
        char *p = line;
        if (!*line || *line == '#')
                return 0;
        while (nf < 3) {
                f[nf++] = p;
                p += strcspn(p, " \t");
                if (!*p)
                        break;
                *p++ = '\0';
                p += strspn(p, " \t");
                if (!*p || *p == '#')
                        break;
        }
        if (nf < 3)
                return -EBADMSG;
        char *slash = strchr(f[1], '/');
        unsigned port;
        ps_proto proto;
        if (!slash)
                return -EBADMSG;
        *slash = '\0';
        if (ps_parse_port(f[1], &port) < 0)
                return -EBADMSG;
        if (ps_proto_from_string(slash + 1, &proto) < 0 || proto == PS_PROTO_ANY)
                return 0; /* a protocol this library does not know: not ours to judge */
        if (parse_freq(f[2], strlen(f[2]), &e->freq) < 0)
                return -EBADMSG;
        e->port = (uint16_t)port;
        e->proto = (uint8_t)proto;
        e->service = (uint32_t)(f[0] - text);
        return 1;
}

static int cmp_port(const void *a, const void *b)
{
        const struct entry *x = a, *y = b;
        if (x->proto != y->proto)
                return x->proto < y->proto ? -1 : 1;
        return x->port < y->port ? -1 : x->port > y->port;
}

static int cmp_freq_desc(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x > y ? -1 : x < y;
}

/* Ranks: 1 + the number of ports of the same protocol seen open more often. */
static int rank_all(struct ps_prevalence *p)
{
        double *f = malloc((p->n ? p->n : 1) * sizeof(double));
        if (!f)
                return -ENOMEM;
        size_t start = 0;
        while (start < p->n) {
                size_t end = start;
                while (end < p->n && p->e[end].proto == p->e[start].proto)
                        end++;
                size_t m = end - start;
                for (size_t i = 0; i < m; i++)
                        f[i] = p->e[start + i].freq;
                qsort(f, m, sizeof(double), cmp_freq_desc);
                for (size_t i = start; i < end; i++) {
                        struct entry *e = &p->e[i];
                        size_t lo = 0, hi = m;
                        while (lo < hi) { /* first position with f <= e->freq */
                                size_t mid = lo + (hi - lo) / 2;
                                if (f[mid] > e->freq)
                                        lo = mid + 1;
                                else
                                        hi = mid;
                        }
                        e->rank = e->freq > 0 ? (unsigned)lo + 1 : 0;
                }
                p->listed[p->e[start].proto] = (unsigned)m;
                start = end;
        }
        free(f);
        return 0;
}

PS_EXPORT int ps_prevalence_open(const char *path, ps_prevalence **ret_prev)
{
        struct ps_prevalence *p;
        size_t len = 0, alloc = 0;
        char *text = NULL;
        int r;

        if (!path || !*path) {
                const char *env = getenv("PORTSCOPE_NMAP_SERVICES");
                path = env && *env ? env : PS_NMAP_SERVICES_PATH;
        }
        if ((r = read_capped(path, &text, &len)) < 0)
                return r;
        if (memchr(text, '\0', len)) {
                free(text);
                return -EBADMSG;
        }
        if (!(p = calloc(1, sizeof(*p))) || !(p->path = strdup(path))) {
                free(p);
                free(text);
                return -ENOMEM;
        }
        p->text = text;
        for (char *line = text; line && *line;) {
                char *nl = strchr(line, '\n');
                if (nl)
                        *nl = '\0';
                struct entry e;
                r = parse_line(text, line, &e);
                if (r < 0)
                        goto fail;
                if (r > 0) {
                        if (p->n == MAX_ENTRIES) {
                                r = -E2BIG;
                                goto fail;
                        }
                        if (p->n == alloc) {
                                alloc = alloc ? alloc * 2 : 4096;
                                struct entry *ne = realloc(p->e, alloc * sizeof(*ne));
                                if (!ne) {
                                        r = -ENOMEM;
                                        goto fail;
                                }
                                p->e = ne;
                        }
                        p->e[p->n++] = e;
                }
                line = nl ? nl + 1 : NULL;
        }
        qsort(p->e, p->n, sizeof(*p->e), cmp_port);
        /* A port listed twice keeps its first line; later ones are dropped. */
        size_t w = 0;
        for (size_t i = 0; i < p->n; i++)
                if (!w || cmp_port(&p->e[w - 1], &p->e[i]))
                        p->e[w++] = p->e[i];
        p->n = w;
        if ((r = rank_all(p)) < 0)
                goto fail;
        *ret_prev = p;
        return 0;
fail:
        ps_prevalence_free(p);
        return r;
}

PS_EXPORT void ps_prevalence_free(ps_prevalence *prev)
{
        if (!prev)
                return;
        free(prev->path);
        free(prev->text);
        free(prev->e);
        free(prev);
}

PS_EXPORT const char *ps_prevalence_path(const ps_prevalence *prev)
{
        return prev->path;
}

PS_EXPORT int ps_prevalence_lookup(const ps_prevalence *prev, unsigned port, ps_proto proto,
                                   ps_prevalence_entry *ret_entry)
{
        struct entry key = { .port = (uint16_t)port, .proto = (uint8_t)proto };
        if (port > 65535 || proto <= PS_PROTO_NONE || proto >= _PS_PROTO_MAX)
                return -EINVAL;
        const struct entry *e = bsearch(&key, prev->e, prev->n, sizeof(*prev->e), cmp_port);
        if (!e)
                return -ENOENT;
        ret_entry->port = e->port;
        ret_entry->proto = (ps_proto)e->proto;
        ret_entry->service = prev->text + e->service;
        ret_entry->frequency = e->freq;
        ret_entry->rank = e->rank;
        ret_entry->listed = prev->listed[e->proto];
        return 0;
}
