/* SPDX-License-Identifier: MIT */
#include "json-export.h"

#include "json-record.h"

json_t *json_export(const ps_db *db)
{
        json_t *recs = json_array(), *people = json_array();
        ps_iter it;
        ps_record r;
        ps_person p;
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (ps_iter_next(&it, &r) > 0)
                json_array_append_new(recs, json_record(db, &r));
        for (uint32_t i = 0; ps_db_person(db, i, &p) >= 0; i++)
                json_array_append_new(people, json_pack("{s:s, s:o, s:o, s:o, s:o}", "id", p.id,
                                                        "name", json_str_or_null(p.name), "org",
                                                        json_str_or_null(p.org), "uri",
                                                        json_str_or_null(p.uri), "updated",
                                                        json_str_or_null(p.updated)));
        return json_doc("export", json_pack("{s:s, s:s, s:o, s:o}", "registry_date", ps_db_date(db),
                                            "compiled_from", ps_db_source(db), "records", recs,
                                            "people", people));
}
