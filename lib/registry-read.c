/* SPDX-License-Identifier: MIT */
/*
 * Reading a registry file of either format: gzip is undone by zlib (which
 * passes plain files through), the format is told from the first bytes, and
 * the records read are checked as a whole before anyone compiles them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "portscope/portscope.h"
#include "ps-limits.h"
#include "registry-format.h"
#include "registry-set.h"
#include "utf8.h"
#include "util.h"

/* The first chunk is read ahead to tell the format, then handed out first. */
struct peek {
        ps_read_fn rd;
        void *src;
        char head[4096];
        size_t head_len, head_pos;
};

static int read_peek(void *p, char *buf, size_t size)
{
        struct peek *k = p;
        if (k->head_pos < k->head_len) {
                size_t n = k->head_len - k->head_pos;
                n = n < size ? n : size;
                memcpy(buf, k->head + k->head_pos, n);
                k->head_pos += n;
                return (int)n;
        }
        return k->rd(k->src, buf, size);
}

static int fill_head(struct peek *k)
{
        while (k->head_len < sizeof(k->head)) {
                int n = k->rd(k->src, k->head + k->head_len, sizeof(k->head) - k->head_len);
                if (n < 0)
                        return n;
                if (n == 0)
                        break;
                k->head_len += (size_t)n;
        }
        return 0;
}

static int detect(const char *p, size_t n, ps_regfmt *ret)
{
        if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
                p += 3, n -= 3;
        while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
                p++, n--;
        if (n && *p == '<') {
                *ret = PS_FMT_XML;
                return 0;
        }
        static const char head[] = "Service Name,";
        if (n >= sizeof(head) - 1 && !ps_strncasecmp_ascii(p, head, sizeof(head) - 1)) {
                *ret = PS_FMT_CSV;
                return 0;
        }
        if (n >= sizeof(head) && p[0] == '"' &&
            !ps_strncasecmp_ascii(p + 1, head, sizeof(head) - 2)) {
                *ret = PS_FMT_CSV;
                return 0;
        }
        return -EBADMSG;
}

const char *ps_regfmt_name(ps_regfmt fmt)
{
        return fmt == PS_FMT_CSV ? "CSV" : "XML";
}

void ps_regset_set_source(ps_regset *set, ps_regfmt fmt, const char *path)
{
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        /* The header has 64 bytes; a long name keeps its end, which tells most. */
        size_t room = sizeof(set->source) - 1 - strlen("IANA XML, ");
        size_t n = strlen(base);
        if (n > room)
                base += n - room;
        snprintf(set->source, sizeof(set->source), "IANA %s, %s", ps_regfmt_name(fmt), base);
        /* The label is text in every report and JSON document, but a file
         * name is bytes, and the cut above may split a character. */
        ps_text_sanitize(set->source);
}

static int read_any(ps_read_fn rd, void *src, ps_regset *ret_set, ps_regfmt *ret_fmt, char *errbuf,
                    size_t errsize)
{
        struct peek k = { .rd = rd, .src = src };
        ps_regfmt fmt;
        ps_regset set;
        int r;

        if (errbuf && errsize)
                errbuf[0] = '\0';
        if ((r = fill_head(&k)) < 0) {
                snprintf(errbuf, errsize, "line 1: cannot read the file: %s",
                         r == -EBADMSG ? "corrupt or truncated compressed data" : strerror(-r));
                return r;
        }
        if (!k.head_len) {
                snprintf(errbuf, errsize, "line 1: the file is empty");
                return -EBADMSG;
        }
        if (detect(k.head, k.head_len, &fmt) < 0) {
                snprintf(errbuf, errsize,
                         "line 1, column 1: not an IANA registry: neither XML nor IANA's CSV "
                         "(its first line starts \"Service Name,\")");
                return -EBADMSG;
        }
        r = fmt == PS_FMT_XML ? ps_parse_iana_xml(read_peek, &k, &set, errbuf, errsize)
                              : ps_parse_iana_csv(read_peek, &k, &set, errbuf, errsize);
        if (r < 0)
                return r;
        if ((r = ps_regset_check(&set, errbuf, errsize)) < 0) {
                if (errbuf && errsize)
                        ps_text_sanitize(errbuf);
                ps_regset_free(&set);
                return r;
        }
        *ret_set = set;
        if (ret_fmt)
                *ret_fmt = fmt;
        return 0;
}

static int read_gz(void *src, char *buf, size_t size)
{
        int n = gzread((gzFile)src, buf, (unsigned)size);
        if (n < 0) {
                int e;
                gzerror((gzFile)src, &e);
                return e == Z_ERRNO ? -errno : -EBADMSG;
        }
        /* zlib reports a truncated stream only through gzerror. */
        if (n == 0) {
                int e;
                gzerror((gzFile)src, &e);
                if (e != Z_OK && e != Z_STREAM_END)
                        return e == Z_ERRNO ? -errno : -EBADMSG;
        }
        return n;
}

int ps_read_registry(const char *path, ps_regset *ret_set, ps_regfmt *ret_fmt, char *errbuf,
                     size_t errsize)
{
        errno = 0;
        gzFile f = gzopen(path, "rb");
        if (!f) {
                int e = errno ? -errno : -ENOMEM;
                snprintf(errbuf, errsize, "cannot open: %s", strerror(-e));
                return e;
        }
        gzbuffer(f, 1 << 16);
        int r = read_any(read_gz, f, ret_set, ret_fmt, errbuf, errsize);
        gzclose(f);
        return r;
}

/* Memory input, gzip-compressed or not, for the fuzzers and tests. */
struct memgz {
        z_stream z;
        const unsigned char *p;
        size_t left;
        int gz, done;
};

static int read_memgz(void *src, char *buf, size_t size)
{
        struct memgz *m = src;
        if (!m->gz) {
                size_t n = m->left < size ? m->left : size;
                memcpy(buf, m->p, n);
                m->p += n;
                m->left -= n;
                return (int)n;
        }
        if (m->done)
                return 0;
        m->z.next_out = (Bytef *)buf;
        m->z.avail_out = (uInt)size;
        while (m->z.avail_out == size) {
                int r = inflate(&m->z, Z_NO_FLUSH);
                if (r == Z_STREAM_END) {
                        m->done = 1;
                        break;
                }
                if (r != Z_OK)
                        return r == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
                if (m->z.avail_in == 0 && m->z.avail_out == size)
                        return -EBADMSG; /* truncated */
        }
        return (int)(size - m->z.avail_out);
}

int ps_read_registry_mem(const void *data, size_t size, ps_regset *ret_set, ps_regfmt *ret_fmt,
                         char *errbuf, size_t errsize)
{
        struct memgz m = { .p = data, .left = size };
        const unsigned char *b = data;
        if (size >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
                m.gz = 1;
                m.z.next_in = (Bytef *)data;
                m.z.avail_in = (uInt)size;
                if (inflateInit2(&m.z, 15 + 16) != Z_OK)
                        return -ENOMEM;
        }
        int r = read_any(read_memgz, &m, ret_set, ret_fmt, errbuf, errsize);
        if (m.gz)
                inflateEnd(&m.z);
        return r;
}

int ps_read_iana_csv_mem(const void *data, size_t size, ps_regset *ret_set, char *errbuf,
                         size_t errsize)
{
        struct memgz m = { .p = data, .left = size };
        return ps_parse_iana_csv(read_memgz, &m, ret_set, errbuf, errsize);
}

static int cmp_opt(const char *a, const char *b)
{
        return strcmp(a ? a : "", b ? b : "");
}

static int cmp_list(char **a, size_t na, char **b, size_t nb)
{
        if (na != nb)
                return na < nb ? -1 : 1;
        for (size_t i = 0; i < na; i++) {
                int c = strcmp(a[i], b[i]);
                if (c)
                        return c;
        }
        return 0;
}

/* Orders records by every field, so that equal records end up adjacent. */
static int cmp_rec(const void *pa, const void *pb, void *ud)
{
        const ps_regset *set = ud;
        const ps_rawrec *a = &set->recs[*(const uint32_t *)pa],
                        *b = &set->recs[*(const uint32_t *)pb];
        int c;
        if (a->has_port != b->has_port)
                return a->has_port - b->has_port;
        if (a->port_lo != b->port_lo)
                return a->port_lo < b->port_lo ? -1 : 1;
        if (a->port_hi != b->port_hi)
                return a->port_hi < b->port_hi ? -1 : 1;
        if (a->proto != b->proto)
                return a->proto < b->proto ? -1 : 1;
        if ((c = cmp_opt(a->name, b->name)) || (c = cmp_opt(a->description, b->description)) ||
            (c = cmp_opt(a->note, b->note)) || (c = cmp_opt(a->unauthorized, b->unauthorized)) ||
            (c = cmp_opt(a->service_code, b->service_code)) ||
            (c = cmp_opt(a->registered, b->registered)) ||
            (c = cmp_opt(a->modified, b->modified)) ||
            (c = cmp_list(a->assignees, a->n_assignees, b->assignees, b->n_assignees)) ||
            (c = cmp_list(a->contacts, a->n_contacts, b->contacts, b->n_contacts)))
                return c;
        if (a->n_refs != b->n_refs)
                return a->n_refs < b->n_refs ? -1 : 1;
        for (size_t i = 0; i < a->n_refs; i++) {
                if (a->refs[i].type != b->refs[i].type)
                        return a->refs[i].type < b->refs[i].type ? -1 : 1;
                if ((c = strcmp(a->refs[i].data, b->refs[i].data)))
                        return c;
        }
        return 0;
}

/* Text that reaches terminals and JSON documents: UTF-8, no controls. */
static bool text_ok(const char *t)
{
        return !t || ps_text_valid(t, strlen(t), true);
}

/* The strings of one record: text, and a name within PS_SERVICE_NAME_MAX. */
static int check_record_text(const ps_rawrec *rec, char *errbuf, size_t errsize)
{
        const char *fields[] = { rec->name, rec->description, rec->note, rec->unauthorized,
                                 rec->service_code };
        static const char *const names[] = { "name", "description", "note", "unauthorized use",
                                             "service code" };
        for (size_t f = 0; f < PS_ELEMENTSOF(fields); f++)
                if (!text_ok(fields[f])) {
                        snprintf(errbuf, errsize,
                                 "line %u: the %s holds a control character (C0, C1 or a bidi "
                                 "override) or text that is not UTF-8",
                                 rec->line, names[f]);
                        return -EBADMSG;
                }
        for (size_t j = 0; j < rec->n_refs; j++)
                if (!text_ok(rec->refs[j].data)) {
                        snprintf(errbuf, errsize,
                                 "line %u: a reference holds a control character or text that "
                                 "is not UTF-8",
                                 rec->line);
                        return -EBADMSG;
                }
        if (rec->name && strlen(rec->name) > PS_SERVICE_NAME_MAX) {
                snprintf(errbuf, errsize,
                         "line %u: the service name \"%.40s...\" is longer than %u bytes",
                         rec->line, rec->name, PS_SERVICE_NAME_MAX);
                return -EBADMSG;
        }
        if (!(rec->name && *rec->name) && !rec->has_port) {
                snprintf(errbuf, errsize, "line %u: a record with neither a name nor a port",
                         rec->line);
                return -EBADMSG;
        }
        return 0;
}

static int check_people_text(const ps_regset *set, char *errbuf, size_t errsize)
{
        for (size_t i = 0; i < set->n_people; i++) {
                const ps_rawperson *p = &set->people[i];
                if (!text_ok(p->id) || !text_ok(p->name) || !text_ok(p->org) || !text_ok(p->uri) ||
                    !text_ok(p->updated)) {
                        snprintf(errbuf, errsize,
                                 "person \"%.40s\": a control character or text that is not "
                                 "UTF-8",
                                 p->id ? p->id : "");
                        return -EBADMSG;
                }
                if (p->id && strlen(p->id) > PS_PERSON_ID_MAX) {
                        snprintf(errbuf, errsize, "person \"%.40s...\": an id longer than %u bytes",
                                 p->id, PS_PERSON_ID_MAX);
                        return -EBADMSG;
                }
        }
        return 0;
}

int ps_regset_check(const ps_regset *set, char *errbuf, size_t errsize)
{
        size_t cover = 0;
        int e;
        if ((e = check_people_text(set, errbuf, errsize)) < 0)
                return e;
        for (size_t i = 0; i < set->n_recs; i++) {
                const ps_rawrec *rec = &set->recs[i];
                if ((e = check_record_text(rec, errbuf, errsize)) < 0)
                        return e;
                if (rec->has_port)
                        cover += (size_t)rec->port_hi - rec->port_lo + 1;
                if (cover > PS_COVER_MAX) {
                        snprintf(errbuf, errsize,
                                 "line %u: the records' port ranges add up to more than %u ports",
                                 rec->line, PS_COVER_MAX);
                        return -E2BIG;
                }
        }
        uint32_t *order = malloc((set->n_recs + 1) * sizeof(uint32_t));
        if (!order)
                return -ENOMEM;
        for (size_t i = 0; i < set->n_recs; i++)
                order[i] = (uint32_t)i;
        ps_qsort_r(order, set->n_recs, sizeof(uint32_t), cmp_rec, (void *)set);
        int r = 0;
        for (size_t i = 1; i < set->n_recs; i++) {
                uint32_t a = order[i - 1], b = order[i];
                if (cmp_rec(&a, &b, (void *)set))
                        continue;
                if (a > b) {
                        uint32_t t = a;
                        a = b;
                        b = t;
                }
                const ps_rawrec *rec = &set->recs[b];
                char port[16] = "no port";
                if (rec->has_port)
                        snprintf(port, sizeof(port), rec->port_lo == rec->port_hi ? "%u" : "%u-%u",
                                 rec->port_lo, rec->port_hi);
                snprintf(errbuf, errsize,
                         "line %u: duplicate record: \"%.60s\" %s/%s repeats the record on line %u",
                         rec->line, rec->name ? rec->name : "", port,
                         rec->proto ? ps_proto_name(rec->proto) : "-", set->recs[a].line);
                r = -EBADMSG;
                break;
        }
        free(order);
        /* A registry always says when it was published: "unknown" must not
         * reach the database (issue 10, item 19). */
        if (r == 0 && !ps_date_ok(set->date)) {
                snprintf(errbuf, errsize, "the registry carries no date of publication");
                r = -EBADMSG;
        }
        return r;
}

int ps_db_open_registry(const char *path, ps_db **ret_db, ps_regfmt *ret_fmt, char *errbuf,
                        size_t errsize)
{
        ps_regset set;
        void *image;
        size_t size;
        int r = ps_read_registry(path, &set, ret_fmt, errbuf, errsize);
        if (r < 0)
                return r;
        r = ps_regset_compile(&set, &image, &size);
        ps_regset_free(&set);
        if (r < 0) {
                snprintf(errbuf, errsize, "cannot compile: %s", ps_strerror(r));
                return r;
        }
        r = ps_db_open_memory(image, size, ret_db);
        free(image);
        if (r < 0)
                snprintf(errbuf, errsize, "the compiled registry does not validate: %s",
                         ps_strerror(r));
        return r;
}
