/* SPDX-License-Identifier: MIT */
/*
 * `portscope export --format FMT [SOURCE]`: writes a registry out as IANA's
 * CSV, IANA-style XML, /etc/services (the library's ps_db_export()), or JSON
 * (src/shared/json-export.c). The CSV and XML read back (portscope update)
 * into the same records.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json-export.h"

enum { OPT_FORMAT = 'f' };
enum fmt { FMT_CSV, FMT_XML, FMT_SERVICES, FMT_JSON };

const struct cli_option export_options[] = {
        { "format", OPT_FORMAT, required_argument, "FORMAT",
          N_("csv (default), xml, services or json"), "csv xml services json" },
        { 0 },
};

static enum fmt format = FMT_CSV;

int export_option(struct cli *c, int opt, const char *arg)
{
        static const char *const names[] = { "csv", "xml", "services", "json" };
        (void)c;
        if (opt != OPT_FORMAT)
                return cli_error(EXIT_USAGE, _("unexpected option"));
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (!strcmp(arg, names[i])) {
                        format = (enum fmt)i;
                        return 0;
                }
        return cli_error(EXIT_USAGE,
                         _("--format: expected csv, xml, services or json, not \"%.40s\""), arg);
}

/* Writes the library's output to standard output. */
static int write_stdout(const void *data, size_t len, void *userdata)
{
        (void)userdata;
        return fwrite(data, 1, len, stdout) == len ? 0 : -EIO;
}

int cmd_export(struct cli *c, int argc, char **argv)
{
        ps_db *db = NULL, *own = NULL;
        int r;
        if (argc > 1)
                return cli_error(EXIT_USAGE, _("export: expects at most one SOURCE"));
        if (argc == 1)
                r = cli_open_source(argv[0], &own), db = own;
        else
                r = cli_db(c, &db);
        if (r)
                return r;
        if (format == FMT_JSON || c->json) {
                int k = json_export_write(db, stdout);
                if (k == -EINVAL || k == -ENOMEM)
                        r = cli_error(EXIT_SYSTEM,
                                      _("cannot build the JSON document (out of memory, "
                                        "or text that is not UTF-8)"));
        } else {
                static const ps_export_format formats[] = { [FMT_CSV] = PS_EXPORT_CSV,
                                                            [FMT_XML] = PS_EXPORT_XML,
                                                            [FMT_SERVICES] = PS_EXPORT_SERVICES };
                int k = ps_db_export(db, formats[format], write_stdout, NULL);
                if (k < 0 && k != -EIO)
                        r = cli_error(EXIT_SYSTEM, _("export: %s"), ps_strerror(k));
        }
        ps_db_free(own);
        if (!r && (fflush(stdout) == EOF || ferror(stdout)))
                r = cli_error(EXIT_SYSTEM, _("writing output: %s"), strerror(errno));
        return r;
}
