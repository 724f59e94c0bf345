/* SPDX-License-Identifier: MIT */
/* `portscope info`: which registry is in use and what it holds. */
#include "cli.h"
#include "utf8.h"

int cmd_info(struct cli *c, int argc, char **argv)
{
        ps_db *db;
        int r;
        if (argc)
                return cli_error(EXIT_USAGE, _("info: takes no arguments"));
        if ((r = cli_db(c, &db)))
                return r;
        const char *path = ps_db_path(db);
        size_t size;
        ps_db_image(db, &size);
        static const ps_proto protos[] = { PS_PROTO_TCP, PS_PROTO_UDP, PS_PROTO_SCTP, PS_PROTO_DCCP,
                                           PS_PROTO_NONE };
        if (c->json) {
                json_t *counts = json_object();
                for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
                        json_object_set_new(
                                counts, protos[i] ? ps_proto_name(protos[i]) : "none",
                                json_integer((json_int_t)ps_db_count_proto(db, protos[i])));
                return json_emit(json_doc(
                        "info",
                        json_pack("{s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:o, s:I}", "version",
                                  ps_version(), "registry_date", ps_db_date(db), "path",
                                  path ? json_text(path) : json_null(), "storage",
                                  path ? "file" : "built-in", "compiled_from", ps_db_source(db),
                                  "records_total", (json_int_t)ps_db_count(db), "people_total",
                                  (json_int_t)ps_db_people_count(db), "records_by_protocol", counts,
                                  "size_bytes", (json_int_t)size)));
        }
        printf("portscope %s\n", ps_version());
        /* TRANSLATORS: the labels are padded to 11 columns; the registry's name is IANA's. */
        printf(_("Registry   IANA Service Name and Transport Protocol Port Number Registry\n"));
        char n1[PS_I18N_NUM_MAX], date[64];
        printf(_("Date       %s\n"), ps_i18n_date(ps_db_date(db), date, sizeof(date)));
        char safe[4096];
        /* A file name is bytes from outside: shown, never obeyed. */
        printf(_("Source     %s\n"),
               path ? ps_text_sanitize_to(safe, sizeof(safe), path) : _("built into the program"));
        printf(_("From       %s\n"), *ps_db_source(db) ? ps_db_source(db) : _("unknown"));
        printf(_("Records    %s ("), ps_i18n_number(n1, sizeof(n1), ps_db_count(db)));
        for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
                printf("%s%s %s", i ? ", " : "",
                       ps_i18n_number(n1, sizeof(n1), ps_db_count_proto(db, protos[i])),
                       protos[i] ? ps_proto_name(protos[i]) : _("without protocol"));
        printf(")\n");
        printf(_("People     %s\n"), ps_i18n_number(n1, sizeof(n1), ps_db_people_count(db)));
        printf(ngettext("Size       %s byte\n", "Size       %s bytes\n", size),
               ps_i18n_number(n1, sizeof(n1), size));
        return EXIT_FOUND;
}
