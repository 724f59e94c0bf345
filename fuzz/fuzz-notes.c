/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: compiled notes images (notes-format.h), as
 * ps_notes_open_memory() receives them. The checksum is recomputed after
 * every mutation, so the fuzzer reaches the validator's structural checks
 * instead of the CRC; the custom mutator picks one section (header, notes,
 * ports, sources, translations, index, spans, docs, blocks, strings) and
 * mutates only there. An accepted image must then answer every accessor
 * with strings inside it, and every body's terminal blocks with in-range
 * kinds and columns.
 */
#include <zlib.h>

#include "harness.h"
#include "notes-format.h"
#include "notes-internal.h"

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed);

static const unsigned char *img_lo, *img_hi;

/* Makes size and CRC agree with the bytes, as a forger would. */
static void fix_crc(uint8_t *data, size_t size)
{
        struct ps_noteshdr h;
        if (size < sizeof(h))
                return;
        memcpy(&h, data, sizeof(h));
        h.total_size = (uint32_t)size;
        if (h.hdr_size == sizeof(h))
                h.crc32 = (uint32_t)crc32(0L, data + sizeof(h), (uInt)(size - sizeof(h)));
        memcpy(data, &h, sizeof(h));
}

/* A string the reader hands out lies in the image and ends there. */
static void check_string(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        if (!s || p < img_lo || p >= img_hi || !memchr(p, '\0', (size_t)(img_hi - p)))
                HARNESS_FAIL("a string outside the image");
}

static void check_body(const ps_notes *notes, const ps_note *note)
{
        uint32_t first, n;
        check_string(note->title);
        check_string(note->body);
        if (!ps_note_blocks(notes, note, &first, &n))
                return;
        if (n > PS_NOTE_MAX_BLOCKS)
                HARNESS_FAIL("more blocks than a body may have");
        for (uint32_t i = first; i < first + n; i++) {
                ps_note_block b;
                ps_notes_block(notes, i, &b);
                if (b.kind >= _PS_DBBLOCK_MAX || b.indent > PS_NOTE_MAX_BLOCK_COL ||
                    b.first > (int)PS_NOTE_MAX_BLOCK_COL)
                        HARNESS_FAIL("a block out of its bounds");
                check_string(b.text);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        uint8_t *copy = malloc(size ? size : 1);
        ps_notes *notes;
        if (!copy)
                return 0;
        memcpy(copy, data, size);
        fix_crc(copy, size);
        int r = ps_notes_open_memory(copy, size, &notes);
        free(copy);
        if (r < 0)
                return 0;
        size_t isize;
        img_lo = ps_notes_image(notes, &isize);
        img_hi = img_lo + isize;
        static const char *const langs[] = { "de", "cs", "pt", "el", "ug", "xx" };
        for (uint32_t id = 0; id < ps_notes_count(notes); id++) {
                ps_note note, tr;
                ps_note_port p;
                ps_note_source s;
                if (ps_notes_get(notes, id, &note) < 0)
                        HARNESS_FAIL("a note of the count cannot be read");
                check_string(note.slug);
                check_body(notes, &note);
                for (unsigned i = 0; i < note.n_ports; i++)
                        if (ps_note_get_port(notes, &note, i, &p) < 0 || p.lo > p.hi)
                                HARNESS_FAIL("a bad port item");
                for (unsigned i = 0; i < note.n_sources; i++) {
                        if (ps_note_get_source(notes, &note, i, &s) < 0)
                                HARNESS_FAIL("a source of the count cannot be read");
                        check_string(s.title);
                        check_string(s.url);
                        check_string(s.quote);
                        check_string(s.read_date);
                }
                for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++)
                        if (ps_note_translate(notes, &note, langs[l], &tr) == 0)
                                check_body(notes, &tr);
        }
        static const unsigned ports[] = { 0, 22, 1712, 40015, 65535 };
        for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
                ps_notes_iter it;
                ps_note note;
                ps_notes_iter_port(&it, notes, ports[i], PS_PROTO_ANY);
                while (ps_notes_iter_next(&it, &note) > 0)
                        check_body(notes, &note);
        }
        ps_match m[8];
        ps_notes_search(notes, "ssh exchange", PS_PROTO_ANY, m, 8);
        ps_notes_free(notes);
        return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
        struct ps_noteshdr h;
        if (size < sizeof(h))
                return harness_mutate_sections(data, size, max_size, 0, NULL, 0, fix_crc);
        memcpy(&h, data, sizeof(h));
        const harness_section sect[] = {
                { 0, sizeof(h) },
                { h.off_notes, (uint64_t)h.n_notes * sizeof(struct ps_dbnote) },
                { h.off_ports, (uint64_t)h.n_ports * sizeof(struct ps_dbnoteport) },
                { h.off_sources, (uint64_t)h.n_sources * sizeof(struct ps_dbnotesource) },
                { h.off_l10n, (uint64_t)h.n_l10n * sizeof(struct ps_dbnotel10n) },
                { h.off_index, (uint64_t)h.n_index * sizeof(struct ps_dbnoteindex) },
                { h.off_spans, (uint64_t)h.n_spans * sizeof(struct ps_dbnotespan) },
                { h.off_docs, (uint64_t)h.n_docs * sizeof(struct ps_dbnotedoc) },
                { h.off_blocks, (uint64_t)h.n_blocks * sizeof(struct ps_dbnoteblock) },
                { h.off_strings, h.strings_size },
        };
        return harness_mutate_sections(data, size, max_size, seed, sect,
                                       sizeof(sect) / sizeof(sect[0]), fix_crc);
}
