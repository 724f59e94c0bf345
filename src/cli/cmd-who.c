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
        return sockfilter_option(c, opt, arg);
}

int cmd_who(struct cli *c, int argc, char **argv)
{
        ps_socket_query q;
        struct sockview v;
        int r;

        if (argc != 1)
                return cli_error(EXIT_USAGE, _("who: expected one PORT[/PROTO], range or NAME"));
        /* A port, a range, or every port of a service name. */
        struct port_set *ports = &sockfilter.either;
        if ((r = port_set_add(c, ports, "who", argv[0])))
                return r;
        ps_proto proto = c->proto;
        unsigned protocols = 0;
        for (size_t i = 0; i < ports->n; i++) {
                if (ports->r[i].proto != PS_PROTO_ANY && c->proto != PS_PROTO_ANY &&
                    ports->r[i].proto != c->proto)
                        continue;
                if (ports->r[i].proto == PS_PROTO_ANY)
                        protocols = 0xff;
                else
                        protocols |= 1u << ports->r[i].proto;
        }
        if (!protocols)
                return cli_error(EXIT_USAGE, _("%s: conflicts with --protocol %s"), argv[0],
                                 ps_proto_name(c->proto));
        /* One protocol asked for, by the argument or by --protocol. */
        if (proto == PS_PROTO_ANY && protocols != 0xff && !(protocols & (protocols - 1)))
                proto = (ps_proto)__builtin_ctz(protocols);
        ps_socket_query_init(&q);
        q.proc_root = c->proc_root;
        /* Containers' sockets too, where we may enter their namespaces. */
        q.flags |= PS_QUERY_ALL_NETNS;
        if (proto != PS_PROTO_ANY)
                q.protocols = 1u << proto;
        else if (protocols != 0xff)
                q.protocols = protocols & ~1u;
        sockfilter_query(&sockfilter, &q);
        /* Listeners only: the kernel then skips its table of connections. */
        if (listening)
                q.flags |= PS_QUERY_LISTENING;
        if (sockfilter.summary)
                q.flags |= PS_QUERY_NO_OWNERS;
        if (sockfilter.watch)
                return sockets_watch(c, &q, NULL, ndjson);
        if ((r = sockview_collect(c, &q, &v)) < 0)
                return cli_error(EXIT_SYSTEM, _("who: cannot list this machine's sockets: %s"),
                                 ps_strerror(r));
        print_unsupported_note(&v, q.protocols);
        size_t n, unknown;
        const ps_socket **keep = sockfilter_select(&v, NULL, &n, &unknown);
        if (!keep) {
                sockview_free(&v);
                return cli_error(EXIT_SYSTEM, _("out of memory"));
        }

        if (sockfilter.summary) {
                r = print_summary(c, &v, (const ps_socket *const *)keep, n);
        } else if (c->json || ndjson) {
                json_t *arr = json_array();
                r = 0;
                for (size_t i = 0; i < n && !r; i++) {
                        json_t *o = json_socket(&v, keep[i], ndjson);
                        if (sockfilter.info)
                                json_object_set_new(o, "info", json_socket_info(keep[i]));
                        if (ndjson) {
                                if (json_build_failed() || !o ||
                                    json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) < 0 ||
                                    putchar('\n') == EOF)
                                        r = cli_error(EXIT_SYSTEM, _("writing output failed"));
                                json_decref(o);
                        } else {
                                json_array_append_new(arr, o);
                        }
                }
                if (ndjson) {
                        json_decref(arr);
                } else {
                        /* "port" is the first port asked for; "ports" all of them. */
                        json_t *pa = json_array();
                        for (size_t i = 0; i < ports->n; i++)
                                json_array_append_new(
                                        pa, json_pack("{s:i, s:i, s:o}", "low", (int)ports->r[i].lo,
                                                      "high", (int)ports->r[i].hi, "protocol",
                                                      ports->r[i].proto == PS_PROTO_ANY
                                                              ? json_null()
                                                              : json_string(ps_proto_name(
                                                                        ports->r[i].proto))));
                        json_t *doc = json_pack(
                                "{s:i, s:o, s:o, s:o, s:o}", "port", (int)ports->r[0].lo,
                                "protocol",
                                proto == PS_PROTO_ANY ? json_null()
                                                      : json_string(ps_proto_name(proto)),
                                "ports", pa, "sockets", arr, "scan", json_sockets_meta(&v));
                        r = json_emit(json_doc("who", doc));
                }
        } else if (!n) {
                bool add_proto = proto != PS_PROTO_ANY && !strchr(argv[0], '/');
                bool number = argv[0][0] >= '0' && argv[0][0] <= '9' && !strchr(argv[0], '-');
                char what[256];
                snprintf(what, sizeof(what), "%s%s%s", argv[0], add_proto ? "/" : "",
                         add_proto ? ps_proto_name(proto) : "");
                cli_error(0,
                          number ? _("no socket on this machine uses port %s")
                                 : _("no socket on this machine uses %s"),
                          what);
        } else {
                sockview_widths(&v);
                for (size_t i = 0; i < n; i++) {
                        print_socket_block(&v, keep[i], "");
                        if (sockfilter.info) {
                                char info[256];
                                printf("      %s\n", socket_info_text(keep[i], info, sizeof(info)));
                        }
                }
                print_unreadable_note(&v, unknown);
        }
        free(keep);
        sockview_free(&v);
        if (r)
                return r;
        return n || sockfilter.summary ? EXIT_FOUND : EXIT_NOTFOUND;
}
