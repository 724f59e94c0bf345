/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: compiled databases as --db, PORTSCOPE_DB or the default
 * registry.db deliver them. The checksum is recomputed after every mutation,
 * so the fuzzer reaches the validator's structural checks instead of the CRC;
 * the custom mutator picks one section (header, records, people, names, seq,
 * pool, strings, cover) and mutates only there. An accepted database must
 * then hold only text (UTF-8 without controls) and answer every lookup.
 */
#include <zlib.h>

#include "harness.h"
#include "registry-format.h"
#include "utf8.h"

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed);

/* Makes size and CRC agree with the bytes, as a forger would. */
static void fix_crc(uint8_t *data, size_t size)
{
        struct ps_dbhdr h;
        if (size < sizeof(h))
                return;
        memcpy(&h, data, sizeof(h));
        h.total_size = (uint32_t)size;
        if (h.hdr_size == sizeof(h))
                h.crc32 = (uint32_t)crc32(0L, data + sizeof(h), (uInt)(size - sizeof(h)));
        memcpy(data, &h, sizeof(h));
}

static void check_text(const char *s)
{
        if (s && !ps_text_valid(s, strlen(s), true))
                HARNESS_FAIL("an accepted database holds a string that is not clean text");
}

static void check_record(const ps_db *db, const ps_record *rec)
{
        ps_person p;
        ps_ref ref;
        check_text(rec->name);
        check_text(rec->description);
        check_text(rec->note);
        for (unsigned i = 0; i < rec->n_assignees; i++)
                if (ps_record_assignee(db, rec, i, &p) >= 0)
                        check_text(p.name);
        for (unsigned i = 0; i < rec->n_refs; i++)
                if (ps_record_ref(db, rec, i, &ref) >= 0)
                        check_text(ref.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        uint8_t *copy = malloc(size ? size : 1);
        ps_db *db;
        ps_iter it;
        ps_record rec;
        if (!copy)
                return 0;
        memcpy(copy, data, size);
        fix_crc(copy, size);
        int r = ps_db_open_memory(copy, size, &db);
        free(copy);
        if (r < 0)
                return 0;
        check_text(ps_db_date(db));
        check_text(ps_db_source(db));
        size_t n = 0;
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (ps_iter_next(&it, &rec) > 0) {
                check_record(db, &rec);
                ps_iter_name(&it, db, rec.name, PS_PROTO_ANY);
                n++;
                break;
        }
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (ps_iter_next(&it, &rec) > 0)
                check_record(db, &rec);
        static const unsigned ports[] = { 0, 7, 80, 1712, 65535 };
        for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
                ps_iter_port(&it, db, ports[i], PS_PROTO_ANY);
                while (ps_iter_next(&it, &rec) > 0)
                        n++;
        }
        ps_iter_range(&it, db, 0, 65535, PS_PROTO_TCP);
        while (ps_iter_next(&it, &rec) > 0 && n < 100000)
                n++;
        ps_person p;
        for (size_t i = 0; i < ps_db_people_count(db); i++)
                if (ps_db_person(db, (uint32_t)i, &p) >= 0)
                        check_text(p.id);
        ps_db_free(db);
        return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
        struct ps_dbhdr h;
        if (size < sizeof(h))
                return harness_mutate_sections(data, size, max_size, 0, NULL, 0, fix_crc);
        memcpy(&h, data, sizeof(h));
        const harness_section sect[] = {
                { 0, sizeof(h) },
                { h.off_records, (uint64_t)h.n_records * sizeof(struct ps_dbrec) },
                { h.off_people, (uint64_t)h.n_people * sizeof(struct ps_dbperson) },
                { h.off_names, (uint64_t)h.n_names * 4 },
                { h.off_seq, (uint64_t)h.n_records * 4 },
                { h.off_pool, (uint64_t)h.pool_len * 4 },
                { h.off_strings, h.strings_size },
                { h.off_cover, 65537 * 4 },
        };
        return harness_mutate_sections(data, size, max_size, seed, sect,
                                       sizeof(sect) / sizeof(sect[0]), fix_crc);
}
