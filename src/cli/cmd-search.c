/* SPDX-License-Identifier: MIT */
/* `portscope search WORDS...`: ranked matches over the registry. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json-lists.h"
#include "textmatch.h"

#define SHOW_MAX 50 /* rows printed; --json carries the same cap */

int cmd_search(struct cli *c, int argc, char **argv)
{
        char query[PS_QUERY_MAX + 1];
        ps_match m[SHOW_MAX];
        ps_db *db;
        size_t len = 0;
        int r;

        if (argc < 1)
                return cli_error(EXIT_USAGE, _("search: expected one or more WORDS"));
        for (int i = 0; i < argc; i++) {
                size_t l = strlen(argv[i]);
                /* As the man page says of every argument. */
                if (l > ARG_MAX_LEN)
                        return cli_error(EXIT_USAGE, _("search: a word is longer than %d bytes"),
                                         ARG_MAX_LEN);
                if (len + l + 1 > PS_QUERY_MAX)
                        return cli_error(EXIT_USAGE, _("search: the query is longer than %d bytes"),
                                         PS_QUERY_MAX);
                memcpy(query + len, argv[i], l);
                len += l;
                query[len++] = ' ';
        }
        query[len ? len - 1 : 0] = '\0';
        if ((r = cli_db(c, &db)))
                return r;
        int total = ps_db_search(db, query, c->proto, m, SHOW_MAX);
        if (total == -E2BIG)
                return cli_error(EXIT_USAGE, _("search: more than %d words"), PS_QUERY_MAX_WORDS);
        if (total < 0)
                return cli_error(total == -ENOMEM ? EXIT_SYSTEM : EXIT_USAGE, _("search: %s"),
                                 total == -EINVAL ? _("the query has no words")
                                                  : ps_strerror(total));
        size_t shown = (size_t)total < SHOW_MAX ? (size_t)total : SHOW_MAX;

        if (c->json) {
                ps_match nm[SEARCH_NOTES_MAX];
                ps_notes *notes = NULL;
                if (cli_notes(c, &notes))
                        return EXIT_SYSTEM;
                int n_notes = ps_notes_search(notes, query, c->proto, nm, SEARCH_NOTES_MAX);
                if (n_notes < 0) {
                        cli_fail(n_notes, _("searching the notes"));
                        return EXIT_SYSTEM;
                }
                size_t notes_shown =
                        (size_t)n_notes < SEARCH_NOTES_MAX ? (size_t)n_notes : SEARCH_NOTES_MAX;
                r = json_emit(
                        json_search(db, notes, query, total, m, shown, n_notes, nm, notes_shown));
                return r ? r : total || n_notes ? EXIT_FOUND : EXIT_NOTFOUND;
        }
        for (size_t i = 0; i < shown; i++) {
                ps_record rec;
                char pb[16];
                if (ps_db_record(db, m[i].id, &rec) < 0)
                        continue;
                printf("%-11s %-5s %s%-18s%s ", port_label(&rec, pb, sizeof(pb)),
                       rec.proto ? ps_proto_name(rec.proto) : "-", sty_bold(c),
                       *rec.name ? rec.name : "-", sty_off(c));
                out_wrap(stdout, rec.description, 37, 37, out_width());
        }
        if ((size_t)total > shown)
                printf(ngettext("%s(%d more; narrow the search or use --protocol)%s\n",
                                "%s(%d more; narrow the search or use --protocol)%s\n",
                                (unsigned long)(total - (int)shown)),
                       sty_dim(c), total - (int)shown, sty_off(c));
        /* Notes come after the registry: they answer "what really uses it". */
        int n_notes = search_notes(c, query, total > 0);
        if (n_notes < 0)
                return EXIT_SYSTEM;
        if (!total && !n_notes) {
                return cli_error(EXIT_NOTFOUND, _("search: nothing matches \"%s\""), query);
        }
        return EXIT_FOUND;
}
