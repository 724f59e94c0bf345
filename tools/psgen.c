/* SPDX-License-Identifier: MIT */
/*
 * Build-time generator: compiles IANA's registry (XML or CSV) into the
 * database image that is linked into libportscope, plus the assembly stub
 * that embeds it as ps_builtin_NAME_start (NAME "db" unless given; the site
 * embeds the previous registry as "previous_db").
 *
 *   psgen REGISTRY.xml[.gz]|REGISTRY.csv[.gz] OUT.db OUT.S [NAME]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "portscope/portscope.h"
#include "registry-set.h"

int main(int argc, char **argv)
{
        char err[512];
        ps_regset set;
        ps_regfmt fmt;
        void *image;
        size_t size;
        ps_db *db;
        int r;

        if (argc != 4 && argc != 5) {
                fprintf(stderr, "usage: psgen REGISTRY OUT.db OUT.S [NAME]\n");
                return 2;
        }
        if ((r = ps_read_registry(argv[1], &set, &fmt, err, sizeof(err))) < 0) {
                fprintf(stderr, "psgen: %s: %s\n", argv[1], err);
                return 1;
        }
        ps_regset_set_source(&set, fmt, argv[1]);
        r = ps_regset_compile(&set, &image, &size);
        ps_regset_free(&set);
        if (r < 0) {
                fprintf(stderr, "psgen: compiling: %s\n", ps_strerror(r));
                return 1;
        }
        /* The library trusts its built-in image, so check it fully here. */
        if ((r = ps_db_open_memory(image, size, &db)) < 0) {
                fprintf(stderr, "psgen: the compiled image does not validate: %s\n",
                        ps_strerror(r));
                return 1;
        }
        ps_db_free(db);
        if ((r = embed_write_if_changed(argv[2], image, size)) < 0 ||
            (r = embed_write_stub(argv[3], argv[2], argc == 5 ? argv[4] : "db", image, size)) < 0) {
                fprintf(stderr, "psgen: writing: %s\n", strerror(-r));
                return 1;
        }
        free(image);
        return 0;
}
