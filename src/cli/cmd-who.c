/* SPDX-License-Identifier: MIT */
/* `portscope who PORT[/PROTO]`: every local socket on a port, with its process. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sockets-view.h"

enum { OPT_LISTENING = 'l', OPT_NDJSON = 0x300 };

static bool listening, ndjson;

const struct cli_option who_options[] = {
        { "listening", OPT_LISTENING, no_argument, NULL, N_("listening sockets only (as ss -l)"),
          NULL },
        { "ndjson", OPT_NDJSON, no_argument, NULL, N_("one JSON object per line, one per socket"),
          NULL },
        { 0 },
};

int who_option(struct cli *c, int opt, const char *arg)
{
        switch (opt) {
        case OPT_LISTENING:
                listening = true;
                return 0;
        case OPT_NDJSON:
                ndjson = true;
                return 0;
        }
        return cli_error(EXIT_USAGE, "unexpected option");
}

int cmd_who(struct cli *c, int argc, char **argv)
{
        ps_port_spec spec;
        ps_socket_query q;
        struct sockview v;
        int r;

        if (argc != 1)
                return cli_error(EXIT_USAGE, "who: expected one PORT[/PROTO] argument");
        if ((r = cli_parse_spec(argv[0], &spec)))
                return r;
        if (spec.lo != spec.hi)
                return cli_error(EXIT_USAGE, "who: %s: expected one port, not a range", argv[0]);
        ps_proto proto = spec.proto != PS_PROTO_ANY ? spec.proto : c->proto;
        if (spec.proto != PS_PROTO_ANY && c->proto != PS_PROTO_ANY && spec.proto != c->proto)
                return cli_error(EXIT_USAGE, "%s: conflicts with --protocol %s", argv[0],
                                 ps_proto_name(c->proto));
        ps_socket_query_init(&q);
        q.proc_root = c->proc_root;
        /* Containers' sockets too, where we may enter their namespaces. */
        q.flags |= PS_QUERY_ALL_NETNS;
        q.port = (int)spec.lo;
        if (proto != PS_PROTO_ANY)
                q.protocols = 1u << proto;
        /* Listeners only: the kernel then skips its table of connections. */
        if (listening)
                q.flags |= PS_QUERY_LISTENING;
        if ((r = sockview_collect(c, &q, &v)) < 0)
                return cli_error(EXIT_SYSTEM, "who: cannot list this machine's sockets: %s",
                                 ps_strerror(r));
        print_unsupported_note(&v, q.protocols);
        size_t n = v.list->n, unknown = 0;
        for (size_t i = 0; i < n; i++)
                unknown += v.list->sockets[i].inode && !v.list->sockets[i].n_pids;

        if (c->json || ndjson) {
                json_t *arr = json_array();
                r = 0;
                for (size_t i = 0; i < n && !r; i++) {
                        json_t *o = json_socket(&v, &v.list->sockets[i], ndjson);
                        if (ndjson) {
                                if (json_build_failed() || !o ||
                                    json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) < 0 ||
                                    putchar('\n') == EOF)
                                        r = cli_error(EXIT_SYSTEM, "writing output failed");
                                json_decref(o);
                        } else {
                                json_array_append_new(arr, o);
                        }
                }
                if (ndjson) {
                        json_decref(arr);
                } else {
                        json_t *doc =
                                json_pack("{s:i, s:o, s:o, s:o}", "port", (int)spec.lo, "protocol",
                                          proto == PS_PROTO_ANY ? json_null()
                                                                : json_string(ps_proto_name(proto)),
                                          "sockets", arr, "scan", json_sockets_meta(&v));
                        r = json_emit(json_doc("who", doc));
                }
                sockview_free(&v);
                return r ? r : n ? EXIT_FOUND : EXIT_NOTFOUND;
        }

        if (!n) {
                fprintf(stderr, "portscope: no socket on this machine uses port %u%s%s\n", spec.lo,
                        proto != PS_PROTO_ANY ? "/" : "",
                        proto != PS_PROTO_ANY ? ps_proto_name(proto) : "");
                sockview_free(&v);
                return EXIT_NOTFOUND;
        }
        sockview_widths(&v);
        for (size_t i = 0; i < n; i++)
                print_socket_block(&v, &v.list->sockets[i], "");
        print_unreadable_note(&v, unknown);
        sockview_free(&v);
        return EXIT_FOUND;
}
