/* SPDX-License-Identifier: MIT */
/* Read access to a compiled notes image: validation, notes, lookups, search. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "notes-format.h"
#include "notes-internal.h"
#include "portscope/portscope.h"
#include "textmatch.h"
#include "util.h"

struct ps_notes {
        const unsigned char *base;
        size_t size;
        void *owned; /* a copy we free, or NULL for the built-in image */
        const struct ps_noteshdr *h;
        const struct ps_dbnote *notes;
        const struct ps_dbnoteport *ports;
        const struct ps_dbnotesource *sources;
        const struct ps_dbnotel10n *l10n;
        const struct ps_dbnoteindex *index;
        const struct ps_dbnotespan *spans;
        const struct ps_dbnotedoc *docs;
        const struct ps_dbnoteblock *blocks;
        const char *strings;
};

static const char *const tag_names[] = {
        "official",      "unofficial",    "legacy",    "vendor",     "dev-default",
        "database",      "cache",         "container", "cluster",    "game",
        "p2p",           "remote-access", "iot",       "monitoring", "abuse",
        "amplification", "malware",       "no-expose", "unknown",
};
_Static_assert(PS_ELEMENTSOF(tag_names) == _PS_TAG_MAX, "a name for every tag");

static const char *const kind_names[] = { "rfc",     "vendor", "cve",  "advisory",
                                          "project", "paper",  "other" };
_Static_assert(PS_ELEMENTSOF(kind_names) == _PS_SOURCE_MAX, "a name for every kind");

static const char *const confidence_names[] = { "high", "medium", "low" };

PS_EXPORT const char *ps_tag_name(ps_tag tag)
{
        return (unsigned)tag < _PS_TAG_MAX ? tag_names[tag] : NULL;
}

static int from_string(const char *const *names, int n, const char *s)
{
        for (int i = 0; s && i < n; i++)
                if (!strcmp(s, names[i]))
                        return i;
        return -EINVAL;
}

PS_EXPORT int ps_tag_from_string(const char *s, ps_tag *ret_tag)
{
        int i = from_string(tag_names, _PS_TAG_MAX, s);
        if (i < 0)
                return i;
        *ret_tag = (ps_tag)i;
        return 0;
}

PS_EXPORT const char *ps_source_kind_name(ps_source_kind kind)
{
        return (unsigned)kind < _PS_SOURCE_MAX ? kind_names[kind] : NULL;
}

PS_EXPORT int ps_source_kind_from_string(const char *s, ps_source_kind *ret_kind)
{
        int i = from_string(kind_names, _PS_SOURCE_MAX, s);
        if (i < 0)
                return i;
        *ret_kind = (ps_source_kind)i;
        return 0;
}

PS_EXPORT const char *ps_confidence_name(ps_confidence c)
{
        return (unsigned)c < _PS_CONFIDENCE_MAX ? confidence_names[c] : NULL;
}

PS_EXPORT int ps_confidence_from_string(const char *s, ps_confidence *ret_c)
{
        int i = from_string(confidence_names, _PS_CONFIDENCE_MAX, s);
        if (i < 0)
                return i;
        *ret_c = (ps_confidence)i;
        return 0;
}

static int section_ok(const struct ps_noteshdr *h, uint32_t off, uint64_t len)
{
        return off % 4 == 0 && off >= h->hdr_size && (uint64_t)off + len <= h->total_size;
}

static void bind_sections(struct ps_notes *n)
{
        const struct ps_noteshdr *h = (const void *)n->base;
        n->h = h;
        n->notes = (const void *)(n->base + h->off_notes);
        n->ports = (const void *)(n->base + h->off_ports);
        n->sources = (const void *)(n->base + h->off_sources);
        n->l10n = (const void *)(n->base + h->off_l10n);
        n->index = (const void *)(n->base + h->off_index);
        n->spans = (const void *)(n->base + h->off_spans);
        n->docs = (const void *)(n->base + h->off_docs);
        n->blocks = (const void *)(n->base + h->off_blocks);
        n->strings = (const char *)n->base + h->off_strings;
}

/* Checks every offset and value in the image, so that no later access can stray. */
static int validate(struct ps_notes *n)
{
        const struct ps_noteshdr *h = (const void *)n->base;
        if (n->size < sizeof(*h) || memcmp(h->magic, PS_NOTES_MAGIC, 8))
                return -EBADMSG;
        if (h->version != PS_NOTES_VERSION)
                return -EPROTONOSUPPORT;
        if (h->hdr_size != sizeof(*h) || h->total_size != n->size ||
            h->n_notes > PS_NOTES_MAX_NOTES ||
            h->n_ports > PS_NOTES_MAX_NOTES * PS_NOTE_MAX_PORT_ITEMS ||
            h->n_sources > PS_NOTES_MAX_NOTES * PS_NOTE_MAX_SOURCES)
                return -EBADMSG;
        for (size_t i = 0; i < PS_ELEMENTSOF(h->reserved); i++)
                if (h->reserved[i])
                        return -EBADMSG; /* a later format bumps the version instead */
        if (!section_ok(h, h->off_notes, (uint64_t)h->n_notes * sizeof(struct ps_dbnote)) ||
            !section_ok(h, h->off_ports, (uint64_t)h->n_ports * sizeof(struct ps_dbnoteport)) ||
            !section_ok(h, h->off_sources,
                        (uint64_t)h->n_sources * sizeof(struct ps_dbnotesource)) ||
            !section_ok(h, h->off_strings, h->strings_size) || h->strings_size < 1 ||
            h->n_l10n > h->n_notes * PS_NOTE_MAX_L10N ||
            !section_ok(h, h->off_l10n, (uint64_t)h->n_l10n * sizeof(struct ps_dbnotel10n)) ||
            (uint64_t)h->n_index + h->n_spans != h->n_ports ||
            !section_ok(h, h->off_index, (uint64_t)h->n_index * sizeof(struct ps_dbnoteindex)) ||
            !section_ok(h, h->off_spans, (uint64_t)h->n_spans * sizeof(struct ps_dbnotespan)) ||
            (uint64_t)h->n_docs != (uint64_t)h->n_notes + h->n_l10n ||
            (uint64_t)h->n_blocks > (uint64_t)h->n_docs * PS_NOTE_MAX_BLOCKS ||
            !section_ok(h, h->off_docs, (uint64_t)h->n_docs * sizeof(struct ps_dbnotedoc)) ||
            !section_ok(h, h->off_blocks, (uint64_t)h->n_blocks * sizeof(struct ps_dbnoteblock)))
                return -EBADMSG;
        if (crc32(0L, n->base + h->hdr_size, h->total_size - h->hdr_size) != h->crc32)
                return -EBADMSG;
        bind_sections(n);
        if (n->strings[0] || n->strings[h->strings_size - 1])
                return -EBADMSG;
        uint32_t next_port = 0, next_source = 0;
        for (uint32_t i = 0; i < h->n_notes; i++) {
                const struct ps_dbnote *d = &n->notes[i];
                uint64_t tags = (uint64_t)d->tags_hi << 32 | d->tags_lo;
                if (d->slug >= h->strings_size || d->title >= h->strings_size ||
                    d->body >= h->strings_size || !d->slug || !d->title || !d->body || !tags ||
                    tags >> _PS_TAG_MAX || d->confidence >= _PS_CONFIDENCE_MAX)
                        return -EBADMSG;
                /* Each note's ports and sources follow the previous note's. */
                if (d->first_port != next_port || d->n_ports < 1 ||
                    d->n_ports > PS_NOTE_MAX_PORT_ITEMS || d->first_source != next_source ||
                    d->n_sources < 1 || d->n_sources > PS_NOTE_MAX_SOURCES)
                        return -EBADMSG;
                next_port += d->n_ports;
                next_source += d->n_sources;
                if (next_port > h->n_ports || next_source > h->n_sources)
                        return -EBADMSG;
                if (i && strcmp(n->strings + n->notes[i - 1].slug, n->strings + d->slug) >= 0)
                        return -EBADMSG;
        }
        if (next_port != h->n_ports || next_source != h->n_sources)
                return -EBADMSG;
        for (uint32_t i = 0; i < h->n_ports; i++) {
                const struct ps_dbnoteport *p = &n->ports[i];
                if (p->proto < PS_PROTO_TCP || p->proto >= _PS_PROTO_MAX || p->lo > p->hi)
                        return -EBADMSG;
        }
        /* The index: each item of one port once, sorted; each range once, in
         * item order. Distinct entries, as many as the items, cover them all. */
        for (uint32_t i = 0; i < h->n_index; i++) {
                const struct ps_dbnoteindex *e = &n->index[i];
                const struct ps_dbnoteport *p = &n->ports[e->item < h->n_ports ? e->item : 0];
                if (e->item >= h->n_ports || p->lo != p->hi || p->lo != e->port ||
                    p->proto != e->proto || e->pad)
                        return -EBADMSG;
                if (i && (n->index[i - 1].port > e->port ||
                          (n->index[i - 1].port == e->port && n->index[i - 1].item >= e->item)))
                        return -EBADMSG;
        }
        for (uint32_t i = 0; i < h->n_spans; i++) {
                const struct ps_dbnotespan *e = &n->spans[i];
                const struct ps_dbnoteport *p = &n->ports[e->item < h->n_ports ? e->item : 0];
                if (e->item >= h->n_ports || p->lo == p->hi || p->lo != e->lo || p->hi != e->hi ||
                    p->proto != e->proto || e->pad[0] || e->pad[1] || e->pad[2])
                        return -EBADMSG;
                if (i && n->spans[i - 1].item >= e->item)
                        return -EBADMSG;
        }
        for (uint32_t i = 0; i < h->n_sources; i++) {
                const struct ps_dbnotesource *s = &n->sources[i];
                if (s->kind >= _PS_SOURCE_MAX || s->title >= h->strings_size ||
                    s->url >= h->strings_size || s->quote >= h->strings_size ||
                    s->read_date >= h->strings_size || s->flags & ~PS_DBSOURCE_UNREADABLE)
                        return -EBADMSG;
        }
        /* Translations: by note, then language, each language once per note. */
        for (uint32_t i = 0; i < h->n_l10n; i++) {
                const struct ps_dbnotel10n *t = &n->l10n[i];
                if (t->note >= h->n_notes || !t->title || !t->body || t->title >= h->strings_size ||
                    t->body >= h->strings_size || t->flags & ~PS_DBL10N_STALE || !t->lang[0] ||
                    t->lang[3] ||
                    strnlen(t->lang, 4) != strspn(t->lang, "abcdefghijklmnopqrstuvwxyz"))
                        return -EBADMSG;
                if (i && (n->l10n[i - 1].note > t->note ||
                          (n->l10n[i - 1].note == t->note &&
                           strncmp(n->l10n[i - 1].lang, t->lang, 4) >= 0)))
                        return -EBADMSG;
        }
        /* Terminal forms: one per body, the notes' then the translations', each
         * body's blocks after the previous one's (so the bodies' offsets rise:
         * a body is found by bisection). */
        uint32_t next_block = 0;
        for (uint32_t i = 0; i < h->n_docs; i++) {
                const struct ps_dbnotedoc *d = &n->docs[i];
                uint32_t body = i < h->n_notes ? n->notes[i].body : n->l10n[i - h->n_notes].body;
                if (d->body != body || (i && n->docs[i - 1].body >= d->body) ||
                    d->first_block != next_block || d->n_blocks > PS_NOTE_MAX_BLOCKS ||
                    d->n_blocks > h->n_blocks - next_block)
                        return -EBADMSG;
                next_block += d->n_blocks;
        }
        if (next_block != h->n_blocks)
                return -EBADMSG;
        for (uint32_t i = 0; i < h->n_blocks; i++) {
                const struct ps_dbnoteblock *b = &n->blocks[i];
                if (b->kind >= _PS_DBBLOCK_MAX || b->indent > PS_NOTE_MAX_BLOCK_COL ||
                    (b->first > PS_NOTE_MAX_BLOCK_COL && b->first != PS_DBBLOCK_AT_LINE_START) ||
                    b->text >= h->strings_size)
                        return -EBADMSG;
        }
        return 0;
}

int ps_notes_open_trusted(const void *image, size_t size, ps_notes **ret_notes)
{
        struct ps_notes *n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        n->base = image;
        n->size = size;
        bind_sections(n);
        *ret_notes = n;
        return 0;
}

PS_EXPORT int ps_notes_open_memory(const void *data, size_t size, ps_notes **ret_notes)
{
        if (!data)
                return -EINVAL;
        if (size > PS_NOTES_MAX_SIZE)
                return -EFBIG;
        struct ps_notes *n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        /* A private, aligned copy: the caller's bytes may be unaligned or go away. */
        n->owned = malloc(size ? size : 1);
        if (!n->owned) {
                free(n);
                return -ENOMEM;
        }
        memcpy(n->owned, data, size);
        n->base = n->owned;
        n->size = size;
        int r = validate(n);
        if (r < 0) {
                ps_notes_free(n);
                return r;
        }
        *ret_notes = n;
        return 0;
}

PS_EXPORT void ps_notes_free(ps_notes *notes)
{
        if (!notes)
                return;
        free(notes->owned);
        free(notes);
}

PS_EXPORT const void *ps_notes_image(const ps_notes *notes, size_t *ret_size)
{
        *ret_size = notes->size;
        return notes->base;
}

PS_EXPORT size_t ps_notes_count(const ps_notes *notes)
{
        return notes->h->n_notes;
}

static void fill_note(const ps_notes *n, uint32_t id, ps_note *ret)
{
        const struct ps_dbnote *d = &n->notes[id];
        ret->id = id;
        ret->slug = n->strings + d->slug;
        ret->title = n->strings + d->title;
        ret->body = n->strings + d->body;
        ret->tags = (uint64_t)d->tags_hi << 32 | d->tags_lo;
        ret->confidence = (ps_confidence)d->confidence;
        ret->n_ports = d->n_ports;
        ret->n_sources = d->n_sources;
        ret->_ports = d->first_port;
        ret->_sources = d->first_source;
}

PS_EXPORT int ps_notes_get(const ps_notes *notes, uint32_t id, ps_note *ret_note)
{
        if (id >= notes->h->n_notes)
                return -ENOENT;
        fill_note(notes, id, ret_note);
        return 0;
}

PS_EXPORT int ps_note_get_port(const ps_notes *notes, const ps_note *note, unsigned i,
                               ps_note_port *ret_port)
{
        if (i >= note->n_ports || note->_ports + i >= notes->h->n_ports)
                return -ENOENT;
        const struct ps_dbnoteport *p = &notes->ports[note->_ports + i];
        ret_port->lo = p->lo;
        ret_port->hi = p->hi;
        ret_port->proto = (ps_proto)p->proto;
        return 0;
}

PS_EXPORT int ps_note_get_source(const ps_notes *notes, const ps_note *note, unsigned i,
                                 ps_note_source *ret_source)
{
        if (i >= note->n_sources || note->_sources + i >= notes->h->n_sources)
                return -ENOENT;
        const struct ps_dbnotesource *s = &notes->sources[note->_sources + i];
        ret_source->kind = (ps_source_kind)s->kind;
        ret_source->title = notes->strings + s->title;
        ret_source->url = notes->strings + s->url;
        ret_source->quote = notes->strings + s->quote;
        ret_source->read_date = notes->strings + s->read_date;
        ret_source->unreadable = s->flags & PS_DBSOURCE_UNREADABLE;
        return 0;
}

PS_EXPORT int ps_note_translate(const ps_notes *notes, const ps_note *note, const char *lang,
                                ps_note *ret_note)
{
        if (!note || !lang || note->id >= notes->h->n_notes)
                return -EINVAL;
        /* A handful of translations per note: find the note's run by bisection. */
        uint32_t lo = 0, hi = notes->h->n_l10n;
        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (notes->l10n[mid].note < note->id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (uint32_t i = lo; i < notes->h->n_l10n && notes->l10n[i].note == note->id; i++) {
                const struct ps_dbnotel10n *t = &notes->l10n[i];
                if (strlen(lang) >= sizeof(t->lang) || strncmp(t->lang, lang, sizeof(t->lang)))
                        continue;
                if (t->flags & PS_DBL10N_STALE)
                        return -ESTALE;
                *ret_note = *note;
                ret_note->title = notes->strings + t->title;
                ret_note->body = notes->strings + t->body;
                return 0;
        }
        return -ENOENT;
}

int ps_note_blocks(const ps_notes *notes, const ps_note *note, uint32_t *ret_first, uint32_t *ret_n)
{
        const struct ps_noteshdr *h = notes->h;
        uintptr_t p = (uintptr_t)note->body, s = (uintptr_t)notes->strings;
        if (p < s || p - s >= h->strings_size)
                return 0;
        uint32_t body = (uint32_t)(p - s), lo = 0, hi = h->n_docs;
        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (notes->docs[mid].body < body)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (lo >= h->n_docs || notes->docs[lo].body != body || !notes->docs[lo].n_blocks)
                return 0;
        *ret_first = notes->docs[lo].first_block;
        *ret_n = notes->docs[lo].n_blocks;
        return 1;
}

void ps_notes_block(const ps_notes *notes, uint32_t i, ps_note_block *ret_block)
{
        const struct ps_dbnoteblock *b = &notes->blocks[i];
        ret_block->kind = b->kind;
        ret_block->blank = b->blank;
        ret_block->indent = b->indent;
        ret_block->first = b->first == PS_DBBLOCK_AT_LINE_START ? -1 : (int)b->first;
        ret_block->text = notes->strings + b->text;
}

/* Whether a note has a port item containing port over proto. */
static int note_covers(const ps_notes *n, uint32_t id, unsigned port, ps_proto proto)
{
        const struct ps_dbnote *d = &n->notes[id];
        for (uint32_t i = 0; i < d->n_ports; i++) {
                const struct ps_dbnoteport *p = &n->ports[d->first_port + i];
                if (port >= p->lo && port <= p->hi &&
                    (proto == PS_PROTO_ANY || (unsigned)proto == p->proto))
                        return 1;
        }
        return 0;
}

PS_EXPORT void ps_notes_iter_port(ps_notes_iter *it, const ps_notes *notes, unsigned port,
                                  ps_proto proto)
{
        memset(it, 0, sizeof(*it));
        it->notes = notes;
        it->port = port;
        it->proto = proto;
        /* pos and end walk the port items, which are stored note by note in
         * id order: 8 bytes each, a third of what walking the notes touches. */
        it->end = notes ? notes->h->n_ports : 0;
}

/* The note that port item i belongs to: the last whose first item is <= i. */
static uint32_t note_of_item(const ps_notes *n, uint32_t i)
{
        uint32_t lo = 0, hi = n->h->n_notes;
        while (hi - lo > 1) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (n->notes[mid].first_port <= i)
                        lo = mid;
                else
                        hi = mid;
        }
        return lo;
}

/*
 * The first port item at or after pos that contains port over proto, or
 * UINT32_MAX. Walking all of the items (1,636, 13 KB) read memory the process
 * had not touched yet, most of a report's time in notes: the items of one
 * port are found by bisection in the index, and the few ranges (72) are
 * walked in item order.
 */
static uint32_t next_item(const ps_notes *n, unsigned port, ps_proto proto, uint32_t pos)
{
        uint32_t lo = 0, hi = n->h->n_index, best = UINT32_MAX;
        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                const struct ps_dbnoteindex *e = &n->index[mid];
                if (e->port < port || (e->port == port && e->item < pos))
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (; lo < n->h->n_index && n->index[lo].port == port; lo++)
                if (proto == PS_PROTO_ANY || n->index[lo].proto == (unsigned)proto) {
                        best = n->index[lo].item;
                        break;
                }
        for (uint32_t i = 0; i < n->h->n_spans && n->spans[i].item < best; i++) {
                const struct ps_dbnotespan *s = &n->spans[i];
                if (s->item >= pos && port >= s->lo && port <= s->hi &&
                    (proto == PS_PROTO_ANY || s->proto == (unsigned)proto))
                        return s->item;
        }
        return best;
}

PS_EXPORT int ps_notes_iter_next(ps_notes_iter *it, ps_note *ret_note)
{
        if (!it->notes)
                return -EINVAL;
        const ps_notes *n = it->notes;
        if (it->pos >= it->end)
                return 0;
        uint32_t item = next_item(n, it->port, it->proto, it->pos);
        if (item >= it->end) {
                it->pos = it->end;
                return 0;
        }
        uint32_t id = note_of_item(n, item);
        const struct ps_dbnote *d = &n->notes[id];
        /* Each note once: its other items are not looked at. */
        it->pos = d->first_port + d->n_ports > item ? d->first_port + d->n_ports : item + 1;
        fill_note(n, id, ret_note);
        return 1;
}

PS_EXPORT int ps_notes_port_has_tag(const ps_notes *notes, unsigned port, ps_proto proto,
                                    ps_tag tag)
{
        ps_notes_iter it;
        ps_note note;
        if ((unsigned)tag >= _PS_TAG_MAX)
                return -EINVAL;
        ps_notes_iter_port(&it, notes, port, proto);
        while (ps_notes_iter_next(&it, &note) > 0)
                if (ps_note_has_tag(&note, tag))
                        return 1;
        return 0;
}

static int word_score(const ps_notes *n, const ps_note *note, const char *w, size_t wlen)
{
        int s = 0, m;
        unsigned port;
        if ((m = ps_text_match(note->title, w, wlen)))
                s += m == 2 ? 40 : 15;
        for (int t = 0; t < _PS_TAG_MAX; t++)
                if (ps_note_has_tag(note, (ps_tag)t) && strlen(tag_names[t]) == wlen &&
                    !memcmp(tag_names[t], w, wlen)) {
                        s += 30;
                        break;
                }
        if ((m = ps_text_match(note->body, w, wlen)))
                s += m == 2 ? 10 : 4;
        if (!s && ps_parse_port(w, &port) >= 0 && note_covers(n, note->id, port, PS_PROTO_ANY))
                s = 100;
        if (!s) {
                for (unsigned i = 0; i < note->n_sources; i++) {
                        ps_note_source src;
                        if (ps_note_get_source(n, note, i, &src) >= 0 &&
                            ps_text_match(src.title, w, wlen)) {
                                s = 3;
                                break;
                        }
                }
        }
        return s;
}

PS_EXPORT int ps_notes_search(const ps_notes *notes, const char *query, ps_proto proto,
                              ps_match *ret_matches, size_t cap)
{
        char buf[PS_QUERY_MAX + 1];
        const char *words[PS_QUERY_MAX_WORDS];
        size_t lens[PS_QUERY_MAX_WORDS];
        int nw = ps_query_words(query, buf, words, lens);
        if (nw < 0)
                return nw;
        size_t n = notes->h->n_notes, found = 0;
        ps_match *all = malloc((n ? n : 1) * sizeof(*all));
        if (!all)
                return -ENOMEM;
        for (uint32_t id = 0; id < n; id++) {
                ps_note note;
                int total = 0, has_proto = proto == PS_PROTO_ANY;
                fill_note(notes, id, &note);
                for (uint32_t i = 0; !has_proto && i < note.n_ports; i++)
                        has_proto = notes->ports[note._ports + i].proto == (unsigned)proto;
                if (!has_proto)
                        continue;
                for (int w = 0; w < nw; w++) {
                        int s = word_score(notes, &note, words[w], lens[w]);
                        if (!s) {
                                total = 0;
                                break;
                        }
                        total += s;
                }
                if (total > 0)
                        all[found++] = (ps_match){ .id = id, .score = total };
        }
        return ps_matches_finish(all, found, ret_matches, cap);
}
