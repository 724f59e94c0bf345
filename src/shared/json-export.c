/* SPDX-License-Identifier: MIT */
#include "json-export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json-record.h"

#define FLAGS (JSON_INDENT(2) | JSON_ENSURE_ASCII)

/* Writes v (and drops it) as an element of an array two levels down: the
 * same bytes as in the whole document dumped at once. jansson indents a
 * dump from the left margin and escapes newlines inside strings, so every
 * newline in the text starts a line that needs four more spaces. */
static int put_element(FILE *f, json_t *v, bool first)
{
        if (!v || json_build_failed()) {
                json_decref(v);
                return -EINVAL;
        }
        char *s = json_dumps(v, FLAGS);
        json_decref(v);
        if (!s)
                return -ENOMEM;
        int r = fputs(first ? "\n    " : ",\n    ", f) == EOF ? -EIO : 0;
        for (const char *p = s; !r && *p; p++)
                if (putc(*p, f) == EOF || (*p == '\n' && fputs("    ", f) == EOF))
                        r = -EIO;
        free(s);
        return r;
}

int json_export_write(const ps_db *db, FILE *f)
{
        /* The document's head, as jansson writes it, without its closing
         * "\n}": the two arrays follow it record by record. */
        json_t *doc = json_doc("export", json_pack("{s:s, s:s}", "registry_date", ps_db_date(db),
                                                   "compiled_from", ps_db_source(db)));
        char *head = json_dumps(doc, FLAGS);
        json_decref(doc);
        if (!head || json_build_failed()) {
                free(head);
                return -EINVAL;
        }
        size_t len = strlen(head);
        int r = len >= 2 && fwrite(head, 1, len - 2, f) == len - 2 ? 0 : -EIO;
        free(head);

        ps_iter it;
        ps_record rec;
        bool first = true;
        if (!r && fputs(",\n  \"records\": [", f) == EOF)
                r = -EIO;
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (!r && ps_iter_next(&it, &rec) > 0) {
                r = put_element(f, json_record(db, &rec), first);
                first = false;
        }
        if (!r && fputs(first ? "]" : "\n  ]", f) == EOF)
                r = -EIO;

        ps_person p;
        first = true;
        if (!r && fputs(",\n  \"people\": [", f) == EOF)
                r = -EIO;
        for (uint32_t i = 0; !r && ps_db_person(db, i, &p) >= 0; i++) {
                r = put_element(f, json_person(&p), first);
                first = false;
        }
        if (!r && fputs(first ? "]\n}\n" : "\n  ]\n}\n", f) == EOF)
                r = -EIO;
        return r;
}
