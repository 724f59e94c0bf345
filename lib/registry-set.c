/* SPDX-License-Identifier: MIT */
/* The in-memory registry and its compiler to the database format. */
#include "registry-set.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dynbuf.h"
#include "registry-format.h"
#include "util.h"

void ps_regset_init(ps_regset *set)
{
        memset(set, 0, sizeof(*set));
}

static void strv_free(char **v, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

void ps_regset_free(ps_regset *set)
{
        for (size_t i = 0; i < set->n_recs; i++) {
                ps_rawrec *r = &set->recs[i];
                free(r->name);
                free(r->description);
                free(r->note);
                free(r->unauthorized);
                free(r->service_code);
                free(r->registered);
                free(r->modified);
                strv_free(r->assignees, r->n_assignees);
                strv_free(r->contacts, r->n_contacts);
                for (size_t j = 0; j < r->n_refs; j++)
                        free(r->refs[j].data);
                free(r->refs);
        }
        free(set->recs);
        for (size_t i = 0; i < set->n_people; i++) {
                ps_rawperson *p = &set->people[i];
                free(p->id);
                free(p->name);
                free(p->org);
                free(p->uri);
                free(p->updated);
        }
        free(set->people);
        ps_regset_init(set);
}

static int grow(void **arr, size_t *alloc, size_t n, size_t size, size_t cap)
{
        if (n < *alloc)
                return 0;
        if (n >= cap)
                return -E2BIG;
        size_t a = *alloc ? *alloc * 2 : 256;
        if (a > cap)
                a = cap;
        void *p = reallocarray(*arr, a, size);
        if (!p)
                return -ENOMEM;
        *arr = p;
        *alloc = a;
        return 0;
}

ps_rawrec *ps_regset_add_rec(ps_regset *set)
{
        if (grow((void **)&set->recs, &set->alloc_recs, set->n_recs, sizeof(ps_rawrec),
                 PS_DB_MAX_RECORDS) < 0)
                return NULL;
        ps_rawrec *r = &set->recs[set->n_recs++];
        memset(r, 0, sizeof(*r));
        return r;
}

ps_rawperson *ps_regset_add_person(ps_regset *set)
{
        if (grow((void **)&set->people, &set->alloc_people, set->n_people, sizeof(ps_rawperson),
                 PS_DB_MAX_PEOPLE) < 0)
                return NULL;
        ps_rawperson *p = &set->people[set->n_people++];
        memset(p, 0, sizeof(*p));
        return p;
}

int ps_rawrec_add_person(char ***list, size_t *n, const char *id)
{
        if (*n >= PS_LIST_MAX)
                return -E2BIG;
        char **v = reallocarray(*list, *n + 1, sizeof(char *));
        if (!v)
                return -ENOMEM;
        *list = v;
        if (!(v[*n] = strdup(id)))
                return -ENOMEM;
        (*n)++;
        return 0;
}

int ps_rawrec_add_ref(ps_rawrec *rec, ps_ref_type type, const char *data)
{
        if (rec->n_refs >= PS_LIST_MAX)
                return -E2BIG;
        ps_rawref *v = reallocarray(rec->refs, rec->n_refs + 1, sizeof(ps_rawref));
        if (!v)
                return -ENOMEM;
        rec->refs = v;
        if (!(v[rec->n_refs].data = strdup(data)))
                return -ENOMEM;
        v[rec->n_refs++].type = type;
        return 0;
}

unsigned ps_rawrec_flags(const ps_rawrec *rec)
{
        unsigned f = rec->has_port ? PS_REC_HAS_PORT : 0;
        /* IANA marks gaps with a bare description and no service name. */
        if (!rec->name || !*rec->name) {
                const char *d = rec->description ? rec->description : "";
                if (!ps_strcasecmp_ascii(d, "Unassigned"))
                        f |= PS_REC_UNASSIGNED;
                else if (!ps_strcasecmp_ascii(d, "Reserved"))
                        f |= PS_REC_RESERVED;
        }
        return f;
}

/* String interning: an open-addressing table over the string section. */
struct strtab {
        ps_dynbuf buf;
        uint32_t *slots; /* offset + 1, 0 = empty */
        size_t nslots, used;
};

static uint32_t hash_str(const char *s)
{
        uint32_t h = 2166136261u;
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 16777619u;
        return h;
}

static int strtab_init(struct strtab *t)
{
        ps_dynbuf_init(&t->buf, PS_DB_MAX_SIZE);
        t->nslots = 1u << 16;
        t->used = 0;
        t->slots = calloc(t->nslots, sizeof(uint32_t));
        if (!t->slots)
                return -ENOMEM;
        return ps_dynbuf_addc(&t->buf, '\0'); /* offset 0 is "" */
}

static void strtab_free(struct strtab *t)
{
        ps_dynbuf_free(&t->buf);
        free(t->slots);
}

static int strtab_rehash(struct strtab *t)
{
        size_t n = t->nslots * 2;
        uint32_t *s = calloc(n, sizeof(uint32_t));
        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < t->nslots; i++) {
                if (!t->slots[i])
                        continue;
                size_t j = hash_str(t->buf.buf + t->slots[i] - 1) & (n - 1);
                while (s[j])
                        j = (j + 1) & (n - 1);
                s[j] = t->slots[i];
        }
        free(t->slots);
        t->slots = s;
        t->nslots = n;
        return 0;
}

static int strtab_add(struct strtab *t, const char *s, uint32_t *ret_off)
{
        if (!s || !*s) {
                *ret_off = 0;
                return 0;
        }
        size_t j = hash_str(s) & (t->nslots - 1);
        while (t->slots[j]) {
                if (!strcmp(t->buf.buf + t->slots[j] - 1, s)) {
                        *ret_off = t->slots[j] - 1;
                        return 0;
                }
                j = (j + 1) & (t->nslots - 1);
        }
        uint32_t off = (uint32_t)t->buf.len;
        int r = ps_dynbuf_add(&t->buf, s, strlen(s) + 1);
        if (r < 0)
                return r;
        t->slots[j] = off + 1;
        if (++t->used * 2 > t->nslots && (r = strtab_rehash(t)) < 0)
                return r;
        *ret_off = off;
        return 0;
}

struct pool {
        uint32_t *v;
        size_t n, alloc;
};

static int pool_add(struct pool *p, uint32_t x)
{
        int r = grow((void **)&p->v, &p->alloc, p->n, sizeof(uint32_t), PS_DB_MAX_SIZE / 4);
        if (r < 0)
                return r;
        p->v[p->n++] = x;
        return 0;
}

/* The comparisons take the set as qsort_r's context, never through a global:
 * two threads may compile two registries at once. */
static int cmp_port(const void *a, const void *b, void *userdata)
{
        const ps_regset *set = userdata;
        const ps_rawrec *x = &set->recs[*(const uint32_t *)a];
        const ps_rawrec *y = &set->recs[*(const uint32_t *)b];
        if (x->has_port != y->has_port)
                return x->has_port ? -1 : 1;
        if (x->has_port) {
                if (x->port_lo != y->port_lo)
                        return x->port_lo < y->port_lo ? -1 : 1;
                if (x->port_hi != y->port_hi)
                        return x->port_hi < y->port_hi ? -1 : 1;
        }
        /* Records with no protocol (gap markers) sort after real protocols. */
        unsigned px = x->proto ? (unsigned)x->proto : 99u, py = y->proto ? (unsigned)y->proto : 99u;
        if (px != py)
                return px < py ? -1 : 1;
        uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
        return ia < ib ? -1 : ia > ib;
}

static int cmp_person(const void *a, const void *b, void *userdata)
{
        const ps_regset *set = userdata;
        return strcmp(set->people[*(const uint32_t *)a].id, set->people[*(const uint32_t *)b].id);
}

/* userdata: record id -> name. */
static int cmp_name(const void *a, const void *b, void *userdata)
{
        const char *const *name_strings = userdata;
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        int c = ps_strcasecmp_ascii(name_strings[x], name_strings[y]);
        if (c)
                return c;
        return x < y ? -1 : x > y;
}

/* Finds a person's index in the id-sorted order. */
static int find_person(const ps_regset *set, const uint32_t *order, const char *id, uint32_t *ret)
{
        size_t lo = 0, hi = set->n_people;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(id, set->people[order[mid]].id);
                if (!c) {
                        *ret = (uint32_t)mid;
                        return 0;
                }
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return -ENOENT;
}

static int add_people_list(struct pool *pool, const ps_regset *set, const uint32_t *porder,
                           char **ids, size_t n, uint32_t *ret_off)
{
        if (!n) {
                *ret_off = 0;
                return 0;
        }
        uint32_t off = (uint32_t)pool->n;
        int r = pool_add(pool, (uint32_t)n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                uint32_t idx;
                r = find_person(set, porder, ids[i], &idx);
                if (r >= 0)
                        r = pool_add(pool, idx);
        }
        if (r < 0)
                return r;
        *ret_off = off;
        return 0;
}

static void copy_padded(char *dst, size_t size, const char *src)
{
        size_t n = strnlen(src, size - 1);
        memset(dst, 0, size);
        memcpy(dst, src, n);
}

static int append_section(ps_dynbuf *out, const void *data, size_t len, uint32_t *ret_off)
{
        static const char zeros[4];
        int r = ps_dynbuf_add(out, zeros, (4 - out->len % 4) % 4);
        if (r < 0)
                return r;
        *ret_off = (uint32_t)out->len;
        return ps_dynbuf_add(out, data, len);
}

int ps_regset_compile(const ps_regset *set, void **ret_image, size_t *ret_size)
{
        size_t n = set->n_recs;
        struct strtab st;
        struct pool pool = { 0 };
        ps_dynbuf out;
        uint32_t *order = NULL, *porder = NULL, *seq = NULL, *names = NULL;
        uint32_t *cover = NULL, *cover_ids = NULL;
        struct ps_dbrec *recs = NULL;
        struct ps_dbperson *people = NULL;
        const char **namev = NULL;
        struct ps_dbhdr h;
        int r;

        if (n > PS_DB_MAX_RECORDS || set->n_people > PS_DB_MAX_PEOPLE)
                return -E2BIG;
        ps_dynbuf_init(&out, PS_DB_MAX_SIZE);
        if ((r = strtab_init(&st)) < 0)
                goto out;
        r = -ENOMEM;
        order = calloc(n + 1, sizeof(uint32_t));
        seq = calloc(n + 1, sizeof(uint32_t));
        names = calloc(n + 1, sizeof(uint32_t));
        recs = calloc(n + 1, sizeof(*recs));
        namev = calloc(n + 1, sizeof(char *));
        porder = calloc(set->n_people + 1, sizeof(uint32_t));
        people = calloc(set->n_people + 1, sizeof(*people));
        if (!order || !seq || !names || !recs || !namev || !porder || !people)
                goto out;
        if ((r = pool_add(&pool, 0)) < 0) /* offset 0: the empty list */
                goto out;

        for (size_t i = 0; i < n; i++)
                order[i] = (uint32_t)i;
        ps_qsort_r(order, n, sizeof(uint32_t), cmp_port, (void *)set);
        for (size_t i = 0; i < set->n_people; i++)
                porder[i] = (uint32_t)i;
        ps_qsort_r(porder, set->n_people, sizeof(uint32_t), cmp_person, (void *)set);
        for (size_t i = 1; i < set->n_people; i++)
                if (!strcmp(set->people[porder[i]].id, set->people[porder[i - 1]].id)) {
                        r = -EEXIST;
                        goto out;
                }

        memset(&h, 0, sizeof(h));
        for (size_t i = 0; i < set->n_people; i++) {
                const ps_rawperson *p = &set->people[porder[i]];
                struct ps_dbperson *d = &people[i];
                if ((r = strtab_add(&st, p->id, &d->id)) < 0 ||
                    (r = strtab_add(&st, p->name, &d->name)) < 0 ||
                    (r = strtab_add(&st, p->org, &d->org)) < 0 ||
                    (r = strtab_add(&st, p->uri, &d->uri)) < 0 ||
                    (r = strtab_add(&st, p->updated, &d->updated)) < 0)
                        goto out;
        }

        size_t n_names = 0;
        for (size_t i = 0; i < n; i++) {
                const ps_rawrec *s = &set->recs[order[i]];
                struct ps_dbrec *d = &recs[i];
                if (s->has_port) {
                        if (s->port_lo > 65535 || s->port_hi > 65535 || s->port_lo > s->port_hi) {
                                r = -ERANGE;
                                goto out;
                        }
                        h.n_port_records++;
                        if (s->port_hi - s->port_lo > h.max_span)
                                h.max_span = s->port_hi - s->port_lo;
                }
                if ((unsigned)s->proto >= _PS_PROTO_MAX) {
                        r = -EINVAL;
                        goto out;
                }
                d->port_lo = (uint16_t)s->port_lo;
                d->port_hi = (uint16_t)s->port_hi;
                d->proto = (uint8_t)s->proto;
                d->flags = (uint8_t)ps_rawrec_flags(s);
                d->seq = order[i];
                seq[order[i]] = (uint32_t)i;
                h.proto_count[s->proto]++;
                if ((r = strtab_add(&st, s->name, &d->name)) < 0 ||
                    (r = strtab_add(&st, s->description, &d->description)) < 0 ||
                    (r = strtab_add(&st, s->note, &d->note)) < 0 ||
                    (r = strtab_add(&st, s->unauthorized, &d->unauthorized)) < 0 ||
                    (r = strtab_add(&st, s->service_code, &d->service_code)) < 0 ||
                    (r = strtab_add(&st, s->registered, &d->registered)) < 0 ||
                    (r = strtab_add(&st, s->modified, &d->modified)) < 0)
                        goto out;
                if ((r = add_people_list(&pool, set, porder, s->assignees, s->n_assignees,
                                         &d->assignees)) < 0 ||
                    (r = add_people_list(&pool, set, porder, s->contacts, s->n_contacts,
                                         &d->contacts)) < 0)
                        goto out;
                d->refs = 0;
                if (s->n_refs) {
                        d->refs = (uint32_t)pool.n;
                        if ((r = pool_add(&pool, (uint32_t)s->n_refs)) < 0)
                                goto out;
                        for (size_t j = 0; j < s->n_refs; j++) {
                                uint32_t off;
                                if ((unsigned)s->refs[j].type >= _PS_REF_MAX) {
                                        r = -EINVAL;
                                        goto out;
                                }
                                if ((r = strtab_add(&st, s->refs[j].data, &off)) < 0 ||
                                    (r = pool_add(&pool, s->refs[j].type)) < 0 ||
                                    (r = pool_add(&pool, off)) < 0)
                                        goto out;
                        }
                }
                namev[i] = s->name ? s->name : "";
                if (s->name && *s->name)
                        names[n_names++] = (uint32_t)i;
        }
        ps_qsort_r(names, n_names, sizeof(uint32_t), cmp_name, (void *)namev);

        /* Per-port lists of the records whose range holds the port, so that
         * a port lookup is two array reads rather than a search. */
        size_t n_cover = 0;
        for (uint32_t i = 0; i < h.n_port_records; i++)
                n_cover += (size_t)recs[i].port_hi - recs[i].port_lo + 1;
        if (n_cover > PS_DB_MAX_SIZE / 4) {
                r = -E2BIG;
                goto out;
        }
        r = -ENOMEM;
        cover = calloc(65537, sizeof(uint32_t));
        cover_ids = calloc(n_cover + 1, sizeof(uint32_t));
        if (!cover || !cover_ids)
                goto out;
        for (uint32_t i = 0; i < h.n_port_records; i++)
                for (uint32_t p = recs[i].port_lo; p <= recs[i].port_hi; p++)
                        cover[p + 1]++;
        for (uint32_t p = 0; p < 65536; p++)
                cover[p + 1] += cover[p];
        {
                uint32_t *fill = calloc(65536, sizeof(uint32_t));
                if (!fill)
                        goto out;
                for (uint32_t i = 0; i < h.n_port_records; i++)
                        for (uint32_t p = recs[i].port_lo; p <= recs[i].port_hi; p++)
                                cover_ids[cover[p] + fill[p]++] = i;
                free(fill);
        }
        h.n_cover_ids = (uint32_t)n_cover;

        memcpy(h.magic, PS_DB_MAGIC, 8);
        h.version = PS_DB_VERSION;
        h.hdr_size = sizeof(h);
        copy_padded(h.date, sizeof(h.date), set->date);
        copy_padded(h.source, sizeof(h.source), set->source);
        h.n_records = (uint32_t)n;
        h.n_people = (uint32_t)set->n_people;
        h.n_names = (uint32_t)n_names;
        h.pool_len = (uint32_t)pool.n;
        h.strings_size = (uint32_t)st.buf.len;

        if ((r = ps_dynbuf_add(&out, &h, sizeof(h))) < 0 ||
            (r = append_section(&out, recs, n * sizeof(*recs), &h.off_records)) < 0 ||
            (r = append_section(&out, people, set->n_people * sizeof(*people), &h.off_people)) <
                    0 ||
            (r = append_section(&out, names, n_names * 4, &h.off_names)) < 0 ||
            (r = append_section(&out, seq, n * 4, &h.off_seq)) < 0 ||
            (r = append_section(&out, pool.v, pool.n * 4, &h.off_pool)) < 0 ||
            (r = append_section(&out, cover, 65537 * 4, &h.off_cover)) < 0 ||
            (r = append_section(&out, cover_ids, n_cover * 4, &h.off_cover_ids)) < 0 ||
            (r = append_section(&out, st.buf.buf, st.buf.len, &h.off_strings)) < 0)
                goto out;
        h.total_size = (uint32_t)out.len;
        h.crc32 = (uint32_t)crc32(0L, (const Bytef *)out.buf + sizeof(h),
                                  (uInt)(out.len - sizeof(h)));
        memcpy(out.buf, &h, sizeof(h));
        *ret_size = out.len;
        *ret_image = ps_dynbuf_steal(&out);
        r = 0;
out:
        ps_dynbuf_free(&out);
        strtab_free(&st);
        free(pool.v);
        free(order);
        free(seq);
        free(names);
        free(cover);
        free(cover_ids);
        free(recs);
        free(namev);
        free(porder);
        free(people);
        return r;
}
