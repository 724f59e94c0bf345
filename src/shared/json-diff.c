/* SPDX-License-Identifier: MIT */
#include "json-diff.h"

#include "json-record.h"

static json_t *json_side(const char *input, const ps_db *db)
{
        return json_pack("{s:o, s:s, s:s, s:I}", "input", json_text(input), "registry_date",
                         ps_db_date(db), "compiled_from", ps_db_source(db), "records_total",
                         (json_int_t)ps_db_count(db));
}

json_t *json_diff(const ps_diff *diff, const char *old_input, const ps_db *old_db,
                  const char *new_input, const ps_db *new_db)
{
        json_t *add = json_array(), *rem = json_array(), *chg = json_array();
        for (size_t i = 0; i < diff->n_entries; i++) {
                const ps_diff_entry *e = ps_diff_entry_at(diff, i);
                if (e->kind == PS_DIFF_ADDED)
                        json_array_append_new(add, json_record(new_db, &e->new_record));
                else if (e->kind == PS_DIFF_REMOVED)
                        json_array_append_new(rem, json_record(old_db, &e->old_record));
                else {
                        json_t *f = json_array();
                        for (size_t k = 0; k < e->n_changes; k++) {
                                const ps_diff_change *c = ps_diff_change_at(e, k);
                                json_array_append_new(f,
                                                      json_pack("{s:s, s:s, s:s}", "field",
                                                                ps_diff_field_name(c->field), "old",
                                                                c->old_value, "new", c->new_value));
                        }
                        json_array_append_new(
                                chg, json_pack("{s:o, s:o, s:o}", "old",
                                               json_record(old_db, &e->old_record), "new",
                                               json_record(new_db, &e->new_record), "fields", f));
                }
        }
        return json_doc("diff",
                        json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I}", "old",
                                  json_side(old_input, old_db), "new", json_side(new_input, new_db),
                                  "added", add, "removed", rem, "changed", chg, "added_total",
                                  (json_int_t)diff->n_added, "removed_total",
                                  (json_int_t)diff->n_removed, "changed_total",
                                  (json_int_t)diff->n_changed, "hidden_total",
                                  (json_int_t)diff->n_hidden));
}
