/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "votes-json.h"

static json_t *counts(const uint64_t c[VOTE_VALUE_COUNT])
{
        json_t *o = json_object();
        uint64_t total = 0;
        for (int k = 0; k < VOTE_VALUE_COUNT; k++) {
                json_object_set_new(o, vote_value_name((vote_value)k),
                                    json_integer((json_int_t)c[k]));
                total += c[k];
        }
        json_object_set_new(o, "total", json_integer((json_int_t)total));
        return o;
}

int votes_json_add(json_t *doc, const struct votes_tally *t, size_t n)
{
        json_t *rows = json_array();
        uint64_t sum[VOTE_VALUE_COUNT] = { 0 };

        for (size_t i = 0; i < n; i++) {
                json_t *row = json_pack("{s:s, s:s}", "page", t[i].page, "lang", t[i].lang);
                json_t *c = counts(t[i].count);
                json_object_update(row, c);
                json_decref(c);
                json_array_append_new(rows, row);
                for (int k = 0; k < VOTE_VALUE_COUNT; k++)
                        sum[k] += t[i].count[k];
        }
        if (json_object_set_new(doc, "tallies", rows) < 0 ||
            json_object_set_new(doc, "totals", counts(sum)) < 0)
                return -ENOMEM;
        return 0;
}
