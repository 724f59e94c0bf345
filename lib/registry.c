/* SPDX-License-Identifier: MIT */
/* Read access to a compiled registry: validation, records, lookups. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fileio.h"
#include "parse.h"
#include "portscope/portscope.h"
#include "registry-format.h"
#include "registry-internal.h"
#include "registry-set.h"
#include "utf8.h"
#include "util.h"

struct ps_db {
        const unsigned char *base;
        size_t size;
        void *owned; /* a copy we free, or NULL for the built-in image */
        char *path;
        const struct ps_dbhdr *h;
        const struct ps_dbrec *recs;
        const struct ps_dbperson *people;
        const uint32_t *names, *seq, *pool, *cover, *cover_ids;
        const char *strings;
};

enum { ITER_PORT, ITER_RANGE, ITER_NAME, ITER_ALL };

static int section_ok(const struct ps_dbhdr *h, uint32_t off, uint64_t len)
{
        return off % 4 == 0 && off >= h->hdr_size && (uint64_t)off + len <= h->total_size;
}

/* Inside the strings, at the start of a character: the section as a whole
 * is checked to be text, so every string that starts there is text too. */
static int str_ok(const struct ps_db *db, uint32_t off)
{
        return off < db->h->strings_size && ((unsigned char)db->strings[off] & 0xc0) != 0x80;
}

/* A string of at most max bytes; strnlen keeps the check's cost bounded. */
static int str_short(const struct ps_db *db, uint32_t off, size_t max)
{
        return str_ok(db, off) && strnlen(db->strings + off, max + 1) <= max;
}

/* Every string in the section is UTF-8 without control characters (a
 * newline aside), so nothing from a crafted database can drive a terminal
 * or be refused by a JSON encoder. One linear pass. */
static int strings_ok(const struct ps_db *db)
{
        const char *p = db->strings, *end = p + db->h->strings_size;
        while (p < end) {
                size_t n = strlen(p);
                if (!ps_text_valid(p, n, true))
                        return 0;
                p += n + 1;
        }
        return 1;
}

static int list_ok(const struct ps_db *db, uint32_t off, unsigned width, uint32_t max_item)
{
        if (off >= db->h->pool_len)
                return 0;
        uint64_t n = db->pool[off];
        if (off + 1 + n * width > db->h->pool_len)
                return 0;
        for (uint64_t i = 0; i < n; i++) {
                const uint32_t *item = &db->pool[off + 1 + i * width];
                if (width == 1 && item[0] >= max_item)
                        return 0;
                if (width == 2 && (item[0] >= _PS_REF_MAX || !str_ok(db, item[1])))
                        return 0;
        }
        return 1;
}

static void bind_sections(struct ps_db *db)
{
        const struct ps_dbhdr *h = (const void *)db->base;
        db->h = h;
        db->recs = (const void *)(db->base + h->off_records);
        db->people = (const void *)(db->base + h->off_people);
        db->names = (const void *)(db->base + h->off_names);
        db->seq = (const void *)(db->base + h->off_seq);
        db->pool = (const void *)(db->base + h->off_pool);
        db->strings = (const char *)db->base + h->off_strings;
        db->cover = (const void *)(db->base + h->off_cover);
        db->cover_ids = (const void *)(db->base + h->off_cover_ids);
}

/* Checks every offset in the image, so that no later access can stray. */
static int validate(struct ps_db *db)
{
        const struct ps_dbhdr *h = (const void *)db->base;
        if (db->size < sizeof(*h) || memcmp(h->magic, PS_DB_MAGIC, 8))
                return -EBADMSG;
        if (h->version != PS_DB_VERSION)
                return -EPROTONOSUPPORT;
        if (h->hdr_size != sizeof(*h) || h->total_size != db->size ||
            h->n_records > PS_DB_MAX_RECORDS || h->n_people > PS_DB_MAX_PEOPLE ||
            h->n_port_records > h->n_records || h->n_names > h->n_records ||
            memchr(h->date, 0, sizeof(h->date)) == NULL || !ps_date_ok(h->date) ||
            memchr(h->source, 0, sizeof(h->source)) == NULL ||
            !ps_text_valid(h->source, strlen(h->source), false))
                return -EBADMSG;
        if (!section_ok(h, h->off_records, (uint64_t)h->n_records * sizeof(struct ps_dbrec)) ||
            !section_ok(h, h->off_people, (uint64_t)h->n_people * sizeof(struct ps_dbperson)) ||
            !section_ok(h, h->off_names, (uint64_t)h->n_names * 4) ||
            !section_ok(h, h->off_seq, (uint64_t)h->n_records * 4) ||
            !section_ok(h, h->off_pool, (uint64_t)h->pool_len * 4) || h->pool_len < 1 ||
            !section_ok(h, h->off_strings, h->strings_size) || h->strings_size < 1 ||
            !section_ok(h, h->off_cover, 65537 * 4) ||
            !section_ok(h, h->off_cover_ids, (uint64_t)h->n_cover_ids * 4))
                return -EBADMSG;
        if (crc32(0L, db->base + h->hdr_size, h->total_size - h->hdr_size) != h->crc32)
                return -EBADMSG;

        bind_sections(db);
        if (db->strings[0] || db->strings[h->strings_size - 1] || db->pool[0] || !strings_ok(db))
                return -EBADMSG;

        uint32_t span = 0, count[_PS_PROTO_MAX] = { 0 };
        for (uint32_t i = 0; i < h->n_records; i++) {
                const struct ps_dbrec *r = &db->recs[i];
                int has_port = i < h->n_port_records;
                if (r->proto >= _PS_PROTO_MAX || r->port_lo > r->port_hi ||
                    !!(r->flags & PS_REC_HAS_PORT) != has_port || r->seq >= h->n_records ||
                    db->seq[r->seq] != i)
                        return -EBADMSG;
                if (has_port && i > 0 && r->port_lo < db->recs[i - 1].port_lo)
                        return -EBADMSG; /* lookups rely on the port order */
                if ((uint32_t)(r->port_hi - r->port_lo) > span)
                        span = r->port_hi - r->port_lo;
                count[r->proto]++;
                if (!str_short(db, r->name, PS_SERVICE_NAME_MAX) || !str_ok(db, r->description) ||
                    !str_ok(db, r->note) || !str_ok(db, r->unauthorized) ||
                    !str_ok(db, r->service_code) || !str_ok(db, r->registered) ||
                    !str_ok(db, r->modified) || !list_ok(db, r->assignees, 1, h->n_people) ||
                    !list_ok(db, r->contacts, 1, h->n_people) || !list_ok(db, r->refs, 2, 0))
                        return -EBADMSG;
        }
        if (span != h->max_span)
                return -EBADMSG;
        /* info prints these: they must be what the records say. */
        for (unsigned p = 0; p < PS_ELEMENTSOF(h->proto_count); p++)
                if (h->proto_count[p] != (p < _PS_PROTO_MAX ? count[p] : 0))
                        return -EBADMSG;
        /* Every port's cover list holds exactly the records that contain it. */
        if (db->cover[0] != 0 || db->cover[65536] != h->n_cover_ids)
                return -EBADMSG;
        uint64_t expect = 0;
        for (uint32_t i = 0; i < h->n_port_records; i++)
                expect += (uint64_t)db->recs[i].port_hi - db->recs[i].port_lo + 1;
        if (expect != h->n_cover_ids)
                return -EBADMSG;
        for (uint32_t p = 0; p < 65536; p++) {
                if (db->cover[p] > db->cover[p + 1])
                        return -EBADMSG;
                for (uint32_t k = db->cover[p]; k < db->cover[p + 1]; k++) {
                        uint32_t id = db->cover_ids[k];
                        if (id >= h->n_port_records || db->recs[id].port_lo > p ||
                            db->recs[id].port_hi < p)
                                return -EBADMSG;
                }
        }
        for (uint32_t i = 0; i < h->n_people; i++) {
                const struct ps_dbperson *p = &db->people[i];
                if (!str_short(db, p->id, PS_PERSON_ID_MAX) || !str_ok(db, p->name) ||
                    !str_ok(db, p->org) || !str_ok(db, p->uri) || !str_ok(db, p->updated))
                        return -EBADMSG;
                if (i && strcmp(db->strings + db->people[i - 1].id, db->strings + p->id) >= 0)
                        return -EBADMSG;
        }
        for (uint32_t i = 0; i < h->n_names; i++) {
                if (db->names[i] >= h->n_records)
                        return -EBADMSG;
                if (i && ps_strcasecmp_ascii(db->strings + db->recs[db->names[i - 1]].name,
                                             db->strings + db->recs[db->names[i]].name) > 0)
                        return -EBADMSG;
        }
        return 0;
}

int ps_db_open_trusted(const void *image, size_t size, ps_db **ret_db)
{
        struct ps_db *db = calloc(1, sizeof(*db));
        if (!db)
                return -ENOMEM;
        db->base = image;
        db->size = size;
        bind_sections(db);
        *ret_db = db;
        return 0;
}

PS_EXPORT int ps_db_open_memory(const void *data, size_t size, ps_db **ret_db)
{
        if (!data || size > PS_DB_MAX_SIZE)
                return size > PS_DB_MAX_SIZE ? -EFBIG : -EINVAL;
        struct ps_db *db = calloc(1, sizeof(*db));
        if (!db)
                return -ENOMEM;
        /* A private, aligned copy: the caller's bytes may be unaligned or go away. */
        db->owned = malloc(size ? size : 1);
        if (!db->owned) {
                free(db);
                return -ENOMEM;
        }
        memcpy(db->owned, data, size);
        db->base = db->owned;
        db->size = size;
        int r = validate(db);
        if (r < 0) {
                ps_db_free(db);
                return r;
        }
        *ret_db = db;
        return 0;
}

PS_EXPORT int ps_db_open_file(const char *path, ps_db **ret_db)
{
        if (!path || !*path)
                return -EINVAL;
        char *buf;
        size_t size;
        /* A FIFO without a writer is refused, not waited on. */
        int r = ps_read_full(path, PS_DB_MAX_SIZE, 0, &buf, &size);
        if (r < 0)
                return r;
        struct ps_db *db = calloc(1, sizeof(*db));
        if (!db) {
                free(buf);
                return -ENOMEM;
        }
        db->owned = buf;
        db->base = (const unsigned char *)buf;
        db->size = size;
        r = validate(db);
        if (r >= 0 && !(db->path = strdup(path)))
                r = -ENOMEM;
        if (r < 0) {
                ps_db_free(db);
                return r;
        }
        *ret_db = db;
        return 0;
}

PS_EXPORT void ps_db_free(ps_db *db)
{
        if (!db)
                return;
        free(db->owned);
        free(db->path);
        free(db);
}

PS_EXPORT const char *ps_db_date(const ps_db *db)
{
        return db->h->date;
}

PS_EXPORT const char *ps_db_source(const ps_db *db)
{
        return db->h->source;
}

PS_EXPORT const char *ps_db_path(const ps_db *db)
{
        return db->path;
}

PS_EXPORT size_t ps_db_count(const ps_db *db)
{
        return db->h->n_records;
}

PS_EXPORT size_t ps_db_count_proto(const ps_db *db, ps_proto proto)
{
        if ((unsigned)proto >= _PS_PROTO_MAX)
                return 0;
        return db->h->proto_count[proto];
}

PS_EXPORT size_t ps_db_people_count(const ps_db *db)
{
        return db->h->n_people;
}

PS_EXPORT const void *ps_db_image(const ps_db *db, size_t *ret_size)
{
        *ret_size = db->size;
        return db->base;
}

static const char *str(const ps_db *db, uint32_t off)
{
        return db->strings + off;
}

static void fill_record(const ps_db *db, uint32_t id, ps_record *rec)
{
        const struct ps_dbrec *r = &db->recs[id];
        rec->id = id;
        rec->seq = r->seq;
        rec->name = str(db, r->name);
        rec->description = str(db, r->description);
        rec->note = str(db, r->note);
        rec->unauthorized = str(db, r->unauthorized);
        rec->service_code = str(db, r->service_code);
        rec->registered = str(db, r->registered);
        rec->modified = str(db, r->modified);
        rec->port_lo = r->port_lo;
        rec->port_hi = r->port_hi;
        rec->proto = (ps_proto)r->proto;
        rec->flags = r->flags;
        rec->n_assignees = db->pool[r->assignees];
        rec->n_contacts = db->pool[r->contacts];
        rec->n_refs = db->pool[r->refs];
        rec->_assignees = r->assignees;
        rec->_contacts = r->contacts;
        rec->_refs = r->refs;
}

PS_EXPORT int ps_db_record(const ps_db *db, uint32_t id, ps_record *ret_rec)
{
        if (id >= db->h->n_records)
                return -ENOENT;
        fill_record(db, id, ret_rec);
        return 0;
}

PS_EXPORT int ps_db_person(const ps_db *db, uint32_t index, ps_person *ret_person)
{
        if (index >= db->h->n_people)
                return -ENOENT;
        const struct ps_dbperson *p = &db->people[index];
        ret_person->id = str(db, p->id);
        ret_person->name = str(db, p->name);
        ret_person->org = str(db, p->org);
        ret_person->uri = str(db, p->uri);
        ret_person->updated = str(db, p->updated);
        return 0;
}

PS_EXPORT int ps_db_person_by_id(const ps_db *db, const char *id, ps_person *ret_person)
{
        size_t lo = 0, hi = db->h->n_people;
        if (!id)
                return -EINVAL;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(id, str(db, db->people[mid].id));
                if (!c)
                        return ps_db_person(db, (uint32_t)mid, ret_person);
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return -ENOENT;
}

static int list_person(const ps_db *db, uint32_t off, unsigned i, ps_person *ret)
{
        if (off >= db->h->pool_len || i >= db->pool[off])
                return -ENOENT;
        return ps_db_person(db, db->pool[off + 1 + i], ret);
}

PS_EXPORT int ps_record_assignee(const ps_db *db, const ps_record *rec, unsigned i,
                                 ps_person *ret_person)
{
        return list_person(db, rec->_assignees, i, ret_person);
}

PS_EXPORT int ps_record_contact(const ps_db *db, const ps_record *rec, unsigned i,
                                ps_person *ret_person)
{
        return list_person(db, rec->_contacts, i, ret_person);
}

PS_EXPORT int ps_record_ref(const ps_db *db, const ps_record *rec, unsigned i, ps_ref *ret_ref)
{
        uint32_t off = rec->_refs;
        if (off >= db->h->pool_len || i >= db->pool[off])
                return -ENOENT;
        ret_ref->type = (ps_ref_type)db->pool[off + 1 + 2 * i];
        ret_ref->data = str(db, db->pool[off + 2 + 2 * i]);
        return 0;
}

PS_EXPORT const char *ps_ref_type_name(ps_ref_type type)
{
        static const char *const names[] = { "rfc", "draft", "uri", "person", "text", "note" };
        return (unsigned)type < PS_ELEMENTSOF(names) ? names[type] : NULL;
}

PS_EXPORT int ps_ref_url(const ps_ref *ref, char *buf, size_t size)
{
        int n;
        switch (ref->type) {
        case PS_REF_RFC: {
                const char *d = ref->data;
                if (ps_strncasecmp_ascii(d, "rfc", 3))
                        return -ENOENT;
                d += 3;
                size_t digits = strspn(d, "0123456789");
                if (!digits || digits > 6)
                        return -ENOENT;
                n = snprintf(buf, size, "https://www.rfc-editor.org/rfc/rfc%.*s", (int)digits, d);
                break;
        }
        case PS_REF_DRAFT:
                /* "RFC-ietf-..." names a draft in the RFC Editor queue. */
                if (!strncmp(ref->data, "RFC-", 4))
                        n = snprintf(buf, size, "https://datatracker.ietf.org/doc/%s/",
                                     ref->data + 4);
                else
                        n = snprintf(buf, size, "https://datatracker.ietf.org/doc/%s/", ref->data);
                break;
        case PS_REF_URI:
                if (strncmp(ref->data, "http://", 7) && strncmp(ref->data, "https://", 8))
                        return -ENOENT;
                n = snprintf(buf, size, "%s", ref->data);
                break;
        default:
                return -ENOENT;
        }
        if (n < 0)
                return -EINVAL;
        if ((size_t)n >= size)
                return -ENOBUFS;
        return n;
}

PS_EXPORT int ps_record_port_text(const ps_record *rec, char *buf, size_t size)
{
        if (!(rec->flags & PS_REC_HAS_PORT))
                return -ENOENT;
        int n = rec->port_lo == rec->port_hi
                        ? snprintf(buf, size, "%u", rec->port_lo)
                        : snprintf(buf, size, "%u-%u", rec->port_lo, rec->port_hi);
        if (n < 0)
                return -EINVAL;
        if ((size_t)n >= size)
                return -ENOBUFS;
        return n;
}

/* First port record whose port_lo is greater than port. */
static uint32_t upper_bound(const ps_db *db, unsigned port)
{
        uint32_t lo = 0, hi = db->h->n_port_records;
        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (db->recs[mid].port_lo <= port)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static void iter_init(ps_iter *it, const ps_db *db, int kind, ps_proto proto)
{
        memset(it, 0, sizeof(*it));
        it->db = db;
        it->kind = kind;
        it->proto = proto;
}

PS_EXPORT void ps_iter_port(ps_iter *it, const ps_db *db, unsigned port, ps_proto proto)
{
        iter_init(it, db, ITER_PORT, proto);
        if (port > 65535)
                return;
        it->lo = it->hi = port;
        it->pos = db->cover[port];
        it->end = db->cover[port + 1];
}

static void iter_from(ps_iter *it, const ps_db *db, unsigned lo, unsigned hi, ps_proto proto,
                      unsigned from)
{
        iter_init(it, db, ITER_RANGE, proto);
        it->lo = lo;
        it->hi = hi;
        if (lo > hi || hi > 65535) {
                it->pos = it->end = 0;
                return;
        }
        uint32_t a = 0, b = db->h->n_port_records;
        while (a < b) {
                uint32_t mid = a + (b - a) / 2;
                if (db->recs[mid].port_lo < from)
                        a = mid + 1;
                else
                        b = mid;
        }
        it->pos = a;
        it->end = upper_bound(db, hi);
}

PS_EXPORT void ps_iter_range(ps_iter *it, const ps_db *db, unsigned lo, unsigned hi, ps_proto proto)
{
        /* Records are ordered by port_lo; one that starts up to max_span
         * below lo can still reach into the query. */
        iter_from(it, db, lo, hi, proto, lo > db->h->max_span ? lo - db->h->max_span : 0);
}

bool ps_db_port_taken(const ps_db *db, unsigned port, ps_proto proto)
{
        if (port > 65535)
                return false;
        for (uint32_t i = db->cover[port]; i < db->cover[port + 1]; i++) {
                const struct ps_dbrec *r = &db->recs[db->cover_ids[i]];
                if (r->proto != PS_PROTO_NONE && r->proto != (unsigned)proto)
                        continue;
                if (!(r->flags & PS_REC_UNASSIGNED))
                        return true;
        }
        return false;
}

void ps_iter_starting(ps_iter *it, const ps_db *db, unsigned lo, unsigned hi, ps_proto proto)
{
        iter_from(it, db, lo, hi, proto, lo);
}

PS_EXPORT void ps_iter_name(ps_iter *it, const ps_db *db, const char *name, ps_proto proto)
{
        iter_init(it, db, ITER_NAME, proto);
        it->name = name;
        uint32_t a = 0, b = db->h->n_names;
        if (!name || !*name)
                return;
        while (a < b) {
                uint32_t mid = a + (b - a) / 2;
                if (ps_strcasecmp_ascii(str(db, db->recs[db->names[mid]].name), name) < 0)
                        a = mid + 1;
                else
                        b = mid;
        }
        it->pos = a;
        it->end = db->h->n_names;
}

PS_EXPORT void ps_iter_all(ps_iter *it, const ps_db *db, ps_proto proto)
{
        iter_init(it, db, ITER_ALL, proto);
        it->end = db->h->n_records;
}

static int proto_match(ps_proto want, unsigned have)
{
        return want == PS_PROTO_ANY || (unsigned)want == have;
}

/* The next record of the iteration: 1 and its id, or 0 at the end. */
static int iter_next_id(ps_iter *it, uint32_t *ret_id)
{
        const ps_db *db = it->db;
        while (it->pos < it->end) {
                uint32_t id;
                switch (it->kind) {
                case ITER_NAME:
                        id = db->names[it->pos++];
                        if (ps_strcasecmp_ascii(str(db, db->recs[id].name), it->name)) {
                                it->pos = it->end;
                                return 0;
                        }
                        break;
                case ITER_ALL:
                        id = db->seq[it->pos++];
                        break;
                case ITER_PORT:
                        id = db->cover_ids[it->pos++];
                        break;
                default:
                        id = it->pos++;
                        if (db->recs[id].port_hi < it->lo)
                                continue;
                        break;
                }
                /* A protocol-less record on a port (an Unassigned or Reserved
                 * block) holds for every protocol. */
                if (!proto_match(it->proto, db->recs[id].proto) &&
                    !((it->kind == ITER_PORT || it->kind == ITER_RANGE) &&
                      db->recs[id].proto == PS_PROTO_NONE))
                        continue;
                *ret_id = id;
                return 1;
        }
        return 0;
}

PS_EXPORT int ps_iter_next(ps_iter *it, ps_record *ret_rec)
{
        uint32_t id;
        if (!it->db)
                return -EINVAL;
        if (!iter_next_id(it, &id))
                return 0;
        fill_record(it->db, id, ret_rec);
        return 1;
}

int ps_iter_next_assigned(ps_iter *it, unsigned *ret_lo, unsigned *ret_hi)
{
        uint32_t id;
        if (!it->db)
                return -EINVAL;
        while (iter_next_id(it, &id)) {
                const struct ps_dbrec *r = &it->db->recs[id];
                /* ps_record_status() == PS_PORT_ASSIGNED: a name, and
                 * neither an Unassigned nor a Reserved block. */
                if (r->flags & (PS_REC_UNASSIGNED | PS_REC_RESERVED) || !*str(it->db, r->name))
                        continue;
                *ret_lo = r->port_lo;
                *ret_hi = r->port_hi;
                return 1;
        }
        return 0;
}

PS_EXPORT const char *ps_proto_name(ps_proto proto)
{
        static const char *const names[] = { "", "tcp", "udp", "sctp", "dccp" };
        return (unsigned)proto < PS_ELEMENTSOF(names) ? names[proto] : NULL;
}

PS_EXPORT int ps_proto_from_string(const char *s, ps_proto *ret_proto)
{
        if (!s)
                return -EINVAL;
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++)
                if (!ps_strcasecmp_ascii(s, ps_proto_name((ps_proto)p))) {
                        *ret_proto = (ps_proto)p;
                        return 0;
                }
        if (!ps_strcasecmp_ascii(s, "any")) {
                *ret_proto = PS_PROTO_ANY;
                return 0;
        }
        return -EPROTONOSUPPORT;
}

PS_EXPORT int ps_parse_port(const char *s, unsigned *ret_port)
{
        if (!s)
                return -EINVAL;
        return ps_parse_port_n(s, strlen(s), ret_port);
}

PS_EXPORT int ps_parse_port_spec(const char *s, ps_port_spec *ret_spec)
{
        char buf[32];
        ps_port_spec spec = { .proto = PS_PROTO_ANY };
        int r;

        if (!s)
                return -EINVAL;
        size_t len = strnlen(s, sizeof(buf));
        if (!len || len >= sizeof(buf))
                return len ? -ERANGE : -EINVAL;
        memcpy(buf, s, len + 1);
        char *slash = strchr(buf, '/');
        if (slash) {
                *slash = '\0';
                if ((r = ps_proto_from_string(slash + 1, &spec.proto)) < 0)
                        return r;
        }
        char *dash = strchr(buf, '-');
        if (dash == buf)
                return -EINVAL; /* "-1" is not a port */
        if (dash) {
                *dash = '\0';
                if ((r = ps_parse_port(buf, &spec.lo)) < 0 ||
                    (r = ps_parse_port(dash + 1, &spec.hi)) < 0)
                        return r;
                if (spec.lo > spec.hi)
                        return -ERANGE;
        } else {
                if ((r = ps_parse_port(buf, &spec.lo)) < 0)
                        return r;
                spec.hi = spec.lo;
        }
        *ret_spec = spec;
        return 0;
}
