/* SPDX-License-Identifier: MIT */
/* portscope-web: the reference site. `serve` answers over HTTP, `site`
 * writes the same pages as files. A program of its own, apart from
 * portscope(1): it links the HTTP server, and its unit gets no netlink. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "web.h"

static void usage(FILE *f)
{
        fprintf(f, "%s",
                _("Usage: portscope-web serve [OPTIONS]\n"
                  "       portscope-web site --out DIR [--base-url URL] [--ports LIST]\n"
                  "\n"
                  "serve    answer HTTP with the reference site and its JSON API\n"
                  "site     write the site's pages as files, for static hosting\n"
                  "\n"
                  "See portscope-web(1).\n"));
}

int main(int argc, char **argv)
{
        ps_i18n_init();
        if (argc < 2) {
                usage(stderr);
                return 2;
        }
        if (!strcmp(argv[1], "serve"))
                return web_serve_main(argc - 1, argv + 1);
        if (!strcmp(argv[1], "site"))
                return web_site_main(argc - 1, argv + 1);
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
                usage(stdout);
                return 0;
        }
        if (!strcmp(argv[1], "--version")) {
                printf("portscope-web %s\n", PS_VERSION_STRING);
                return 0;
        }
        fprintf(stderr, _("portscope-web: unknown command '%s'\n"), argv[1]);
        usage(stderr);
        return 2;
}
