/* SPDX-License-Identifier: MIT */
/* The library's diff (include/portscope/diff.h) with golden values: the
 * built-in registry (IANA XML of 2025-12-15) against the bundled CSV of
 * 2024-04-30, both ways, with and without unnamed blocks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "portscope/portscope.h"
#include "registry-set.h"
#include "tap.h"

#define CSV "../data/iana/service-names-port-numbers-2024-06.csv.gz"

/* The first entry of kind on port with name, or NULL. */
static const ps_diff_entry *find(const ps_diff *d, ps_diff_kind kind, unsigned port,
                                 const char *name)
{
        for (size_t i = 0; i < d->n_entries; i++) {
                const ps_diff_entry *e = ps_diff_entry_at(d, i);
                const ps_record *r = kind == PS_DIFF_REMOVED ? &e->old_record : &e->new_record;
                if (e->kind == kind && r->port_lo == port && !strcmp(r->name, name))
                        return e;
        }
        return NULL;
}

int main(void)
{
        ps_db *xml = NULL, *csv = NULL;
        ps_diff *d = NULL;
        char err[256];
        if (!ok(ps_db_open_builtin(&xml) == 0, "the built-in registry opens") ||
            !ok(ps_db_open_registry(CSV, &csv, NULL, err, sizeof(err)) == 0,
                "the bundled 2024 CSV opens"))
                return tap_done();

        ok(ps_diff_build(NULL, csv, 0, &d) == -EINVAL && !d, "no old registry: -EINVAL");
        ok(ps_diff_build(xml, csv, 1u << 7, &d) == -EINVAL && !d, "an unknown flag: -EINVAL");

        ok(ps_diff_build(xml, xml, 0, &d) == 0 && d->n_entries == 0 && d->n_hidden == 0,
           "a registry against itself: nothing changed");
        ps_diff_free(d);
        d = NULL;

        /* The figures `portscope diff builtin CSV` printed before the move. */
        ok(ps_diff_build(xml, csv, 0, &d) == 0, "XML 2025 -> CSV 2024 builds");
        is_int(d->n_added, 22, "22 added");
        is_int(d->n_removed, 45, "45 removed");
        is_int(d->n_changed, 33, "33 changed");
        is_int(d->n_hidden, 63, "63 changes to unnamed blocks left out");
        is_int(d->n_entries, d->n_added + d->n_removed + d->n_changed, "the entries are those");
        size_t blocks = 0, lines = 0, grouped = 0;
        for (size_t i = 0; i < d->n_entries; i++) {
                const ps_diff_entry *e = ps_diff_entry_at(d, i);
                blocks += e->block;
                lines += e->group_size > 0;
                grouped += e->group_size;
        }
        ok(blocks == 0, "no unnamed block is listed without PS_DIFF_BLOCKS");
        ok(grouped == d->n_entries && lines < d->n_entries,
           "every entry is in one line's group; %zu lines for %zu entries", lines, d->n_entries);
        ok(ps_diff_entry_at(d, d->n_entries) == NULL, "past the end: NULL");

        /* 2/tcp and 2/udp compressnet: in the 2024 CSV, not in 2025's XML. */
        const ps_diff_entry *e = find(d, PS_DIFF_ADDED, 2, "compressnet");
        ok(e && e->group_size == 2 && e->new_record.proto == PS_PROTO_TCP,
           "2/tcp,udp compressnet added, one line for both protocols");
        e = find(d, PS_DIFF_REMOVED, 300, "tacacss");
        ok(e && e->group_size == 1 && e->old_record.proto == PS_PROTO_TCP && e->n_changes == 0,
           "300/tcp tacacss removed");
        size_t changed_fields = 0;
        bool names_ok = true;
        for (size_t i = 0; i < d->n_entries; i++) {
                e = ps_diff_entry_at(d, i);
                if (e->kind != PS_DIFF_CHANGED)
                        continue;
                for (size_t k = 0; k < e->n_changes; k++) {
                        const ps_diff_change *c = ps_diff_change_at(e, k);
                        names_ok &= ps_diff_field_name(c->field) != NULL &&
                                    strcmp(c->old_value, c->new_value) != 0;
                        changed_fields++;
                }
                names_ok &= e->n_changes > 0 && ps_diff_change_at(e, e->n_changes) == NULL;
        }
        ok(names_ok && changed_fields >= d->n_changed,
           "each changed record names %zu differing fields", changed_fields);
        ps_diff_free(d);
        d = NULL;

        /* The other way round, with the blocks. */
        ok(ps_diff_build(csv, xml, PS_DIFF_BLOCKS, &d) == 0, "CSV -> XML with blocks builds");
        /* diff --json --all CSV XML printed these before the move. */
        is_int(d->n_added, 85, "85 added: the 45 removed the other way and 40 blocks");
        is_int(d->n_removed, 36, "36 removed: the 22 added the other way and 14 blocks");
        is_int(d->n_changed, 42, "42 changed: 33 and 9 blocks");
        is_int(d->n_hidden, 0, "nothing is left out");
        ok(d->n_entries == 22 + 45 + 33 + 63, "the 63 block changes are listed");
        ps_diff_free(d);

        is_str(ps_diff_field_name(PS_DIFF_ASSIGNMENT_NOTE), "assignment_note",
               "field names are docs/json.md's");
        ok(ps_diff_field_name(_PS_DIFF_FIELD_MAX) == NULL, "an unknown field has no name");
        ps_db_free(csv);
        ps_db_free(xml);
        return tap_done();
}
