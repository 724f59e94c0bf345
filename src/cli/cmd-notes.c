/* SPDX-License-Identifier: MIT */
/* `portscope notes`: every port that has a knowledge note. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json-lists.h"
#include "util.h"

struct row {
        ps_note_port port;
        uint32_t note;
        char protos[24]; /* "tcp" or "tcp,udp" */
};

static int cmp_row(const void *a, const void *b)
{
        const struct row *x = a, *y = b;
        if (x->port.lo != y->port.lo)
                return x->port.lo < y->port.lo ? -1 : 1;
        if (x->port.hi != y->port.hi)
                return x->port.hi < y->port.hi ? -1 : 1;
        if (x->port.proto != y->port.proto)
                return x->port.proto < y->port.proto ? -1 : 1;
        return x->note < y->note ? -1 : x->note > y->note;
}

static int notes_json(const ps_notes *notes, ps_proto proto)
{
        size_t shown = 0;
        json_t *doc = json_notes(notes, proto, _PS_TAG_MAX, &shown);
        if (!doc)
                return cli_error(EXIT_SYSTEM, _("out of memory"));
        int r = json_emit(doc);
        return r ? r : shown ? EXIT_FOUND : EXIT_NOTFOUND;
}

int cmd_notes(struct cli *c, int argc, char **argv)
{
        ps_notes *notes = NULL;
        int r;
        if (argc != 0)
                return cli_error(EXIT_USAGE, _("notes: takes no arguments (see --help)"));
        if ((r = cli_notes(c, &notes)))
                return r;
        if (c->json)
                return notes_json(notes, c->proto);

        size_t n = ps_notes_count(notes), nrows = 0, cap = 0;
        struct row *rows = NULL;
        for (uint32_t id = 0; id < n; id++) {
                ps_note note;
                ps_notes_get(notes, id, &note);
                for (unsigned i = 0; i < note.n_ports; i++) {
                        ps_note_port p;
                        if (ps_note_get_port(notes, &note, i, &p) < 0 ||
                            (c->proto != PS_PROTO_ANY && p.proto != c->proto))
                                continue;
                        /* tcp and udp of the same number share one row. */
                        bool merged = false;
                        for (size_t k = 0; k < nrows && !merged; k++) {
                                struct row *o = &rows[k];
                                if (o->note == id && o->port.lo == p.lo && o->port.hi == p.hi) {
                                        size_t l = strlen(o->protos);
                                        snprintf(o->protos + l, sizeof(o->protos) - l, ",%s",
                                                 ps_proto_name(p.proto));
                                        merged = true;
                                }
                        }
                        if (merged)
                                continue;
                        if (nrows == cap) {
                                cap = cap ? cap * 2 : 64;
                                struct row *nr = realloc(rows, cap * sizeof(*nr));
                                if (!nr) {
                                        free(rows);
                                        return cli_error(EXIT_SYSTEM, _("out of memory"));
                                }
                                rows = nr;
                        }
                        rows[nrows] = (struct row){ .port = p, .note = id };
                        snprintf(rows[nrows].protos, sizeof(rows[nrows].protos), "%s",
                                 ps_proto_name(p.proto));
                        nrows++;
                }
        }
        ps_qsort(rows, nrows, sizeof(*rows), cmp_row);
        for (size_t i = 0; i < nrows; i++) {
                ps_note note;
                char label[48], tags[256];
                size_t tl = 0;
                ps_notes_get(notes, rows[i].note, &note);
                if (rows[i].port.lo == rows[i].port.hi)
                        snprintf(label, sizeof(label), "%u/%s", rows[i].port.lo, rows[i].protos);
                else
                        snprintf(label, sizeof(label), "%u-%u/%s", rows[i].port.lo, rows[i].port.hi,
                                 rows[i].protos);
                tags[0] = '\0';
                for (int t = 0; t < _PS_TAG_MAX; t++)
                        if (ps_note_has_tag(&note, (ps_tag)t) && tl < sizeof(tags))
                                tl += (size_t)snprintf(tags + tl, sizeof(tags) - tl, "%s%s",
                                                       tl ? " " : "", ps_tag_name((ps_tag)t));
                printf("%-17s %s%s%s %s[%s]%s\n", label, sty_bold(c), note.title, sty_off(c),
                       sty_dim(c), tags, sty_off(c));
        }
        free(rows);
        if (!nrows) {
                if (c->proto != PS_PROTO_ANY)
                        cli_error(0, _("notes: no notes for %s"), ps_proto_name(c->proto));
                else
                        cli_error(0, "%s", _("notes: no notes"));
                return EXIT_NOTFOUND;
        }
        return EXIT_FOUND;
}
