/* SPDX-License-Identifier: MIT */
/* `portscope suggest`: free ports a new service can take, and why each is safe. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cli.h"
#include "json-lists.h"
#include "parse.h"
#include "portscope/audit.h"
#include "utf8.h"

#define COUNT_MAX 100

enum { OPT_COUNT = 0x300, OPT_PROTO, OPT_RANGE, OPT_FOR, OPT_CHECK };

static struct {
        unsigned count;
        unsigned protocols;
        ps_range_class range;
        const char *for_name;
        bool check;
} opt = { .count = 5, .range = PS_RANGE_USER };

const struct cli_option suggest_options[] = {
        { "check", OPT_CHECK, no_argument, NULL, N_("bind each suggestion to confirm it is free"),
          NULL },
        { "count", OPT_COUNT, required_argument, "N", N_("how many ports, 1-100 (default 5)"),
          NULL },
        { "for", OPT_FOR, required_argument, "NAME", N_("a stable port for this service name"),
          NULL },
        { "proto", OPT_PROTO, required_argument, "PROTO", N_("tcp, udp or both (default both)"),
          "tcp udp both" },
        { "range", OPT_RANGE, required_argument, "RANGE",
          N_("user (1024-49151, default) or dynamic"), "user dynamic" },
        { 0 },
};

int suggest_option(struct cli *c, int o, const char *arg)
{
        switch (o) {
        case OPT_CHECK:
                opt.check = true;
                return 0;
        case OPT_COUNT: {
                unsigned n = 0;
                if (ps_parse_unsigned(arg, COUNT_MAX, &n) < 0 || n < 1)
                        return cli_error(EXIT_USAGE,
                                         _("--count: expected a number from 1 to %d, not "
                                           "\"%.20s\""),
                                         COUNT_MAX, arg);
                opt.count = n;
                return 0;
        }
        case OPT_FOR:
                if (!*arg || strlen(arg) > 64)
                        return cli_error(EXIT_USAGE, _("--for: expected a service name of 1 to 64 "
                                                       "characters"));
                /* It is printed in the header line: no line breaks or escapes. */
                if (!ps_text_valid(arg, strlen(arg), false))
                        return cli_error(EXIT_USAGE, _("--for: expected text without control "
                                                       "characters (and in UTF-8)"));
                opt.for_name = arg;
                return 0;
        case OPT_PROTO:
                if (!strcmp(arg, "tcp"))
                        opt.protocols = PS_SUGGEST_TCP;
                else if (!strcmp(arg, "udp"))
                        opt.protocols = PS_SUGGEST_UDP;
                else if (!strcmp(arg, "both"))
                        opt.protocols = PS_SUGGEST_TCP | PS_SUGGEST_UDP;
                else
                        return cli_error(EXIT_USAGE,
                                         _("--proto: expected tcp, udp or both, not \"%.20s\""),
                                         arg);
                return 0;
        case OPT_RANGE:
                if (!strcmp(arg, "user"))
                        opt.range = PS_RANGE_USER;
                else if (!strcmp(arg, "dynamic"))
                        opt.range = PS_RANGE_DYNAMIC;
                else
                        return cli_error(EXIT_USAGE,
                                         _("--range: expected user or dynamic, not \"%.20s\""),
                                         arg);
                return 0;
        }
        return cli_error(EXIT_USAGE, _("unexpected option"));
}

int cmd_suggest(struct cli *c, int argc, char **argv)
{
        ps_suggestion sugg[COUNT_MAX];
        ps_host_ports *host;
        ps_notes *notes = NULL;
        ps_db *db;
        int r;

        if (argc)
                return cli_error(EXIT_USAGE, _("suggest: takes no arguments, not \"%.40s\""),
                                 argv[0]);
        unsigned protos = opt.protocols;
        unsigned implied = c->proto == PS_PROTO_TCP   ? PS_SUGGEST_TCP
                           : c->proto == PS_PROTO_UDP ? PS_SUGGEST_UDP
                                                      : 0;
        if (protos && c->proto != PS_PROTO_ANY && protos != implied)
                return cli_error(EXIT_USAGE,
                                 _("suggest: --proto and --protocol disagree; give one"));
        if (!protos && c->proto == PS_PROTO_TCP)
                protos = PS_SUGGEST_TCP;
        else if (!protos && c->proto == PS_PROTO_UDP)
                protos = PS_SUGGEST_UDP;
        else if (!protos && c->proto != PS_PROTO_ANY)
                return cli_error(EXIT_USAGE, _("suggest: only tcp and udp ports are suggested"));
        else if (!protos)
                protos = PS_SUGGEST_TCP | PS_SUGGEST_UDP;
        if ((r = cli_db(c, &db)))
                return r;
        /* The port settings first, so that a failure of ps_suggest() below
         * is the socket scan's, as for ls and who. */
        if (!(host = malloc(sizeof(*host))))
                return cli_error(EXIT_SYSTEM, _("out of memory"));
        if ((r = ps_host_ports_read(c->proc_root, host)) < 0) {
                free(host);
                return cli_fail(r, _("reading this machine's port settings"));
        }
        if ((r = ps_notes_open_builtin(&notes)) < 0) {
                free(host);
                return cli_fail(r, _("the built-in notes"));
        }
        uint64_t seed = 0;
        if (!opt.for_name && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
                seed = (uint64_t)getpid();
        ps_suggest_opts o = {
                .db = db,
                .notes = notes,
                .proc_root = c->proc_root,
                .protocols = protos,
                .range = opt.range,
                .for_name = opt.for_name,
                .seed = seed,
                .check = opt.check,
        };
        int n = ps_suggest(&o, sugg, opt.count);
        if (n < 0 && n != -ENOMEM) {
                /* nmap-services only orders the ports: a broken one is
                 * ignored with a warning, as in the port report. */
                ps_prevalence *prev = NULL;
                int k = ps_prevalence_open(NULL, &prev);
                ps_prevalence_free(prev);
                if (k < 0 && k != -ENOENT) {
                        cli_error(0, _("%s: ignoring nmap-services: %s"),
                                  ps_prevalence_default_path(), ps_strerror(k));
                        o.nmap_services = "";
                        n = ps_suggest(&o, sugg, opt.count);
                }
        }
        ps_notes_free(notes);
        if (n < 0) {
                free(host);
                return n == -ENOMEM
                               ? cli_error(EXIT_SYSTEM, _("out of memory"))
                               : cli_error(EXIT_SYSTEM,
                                           _("suggest: cannot list this machine's sockets: %s"),
                                           ps_strerror(n));
        }
        const char *pname = protos == PS_SUGGEST_TCP   ? "tcp"
                            : protos == PS_SUGGEST_UDP ? "udp"
                                                       : _("tcp and udp");
        ps_range_info ri;
        ps_range_describe(opt.range, &ri);

        if (c->json) {
                r = json_emit(json_suggest(sugg, (size_t)n, protos, opt.range, opt.for_name, host));
                free(host);
                return r ? r : n ? EXIT_FOUND : EXIT_NOTFOUND;
        }
        if (!n) {
                free(host);
                fprintf(stderr, "portscope: ");
                fprintf(stderr, _("suggest: no free %s port in the %s range\n"), pname, ri.id);
                return EXIT_NOTFOUND;
        }
        char head[256];
        if (opt.for_name)
                snprintf(head, sizeof(head),
                         ngettext("A port for %s, for %s in the %s range (%u-%u):",
                                  "Free ports for %s, for %s in the %s range (%u-%u):",
                                  (unsigned long)n),
                         pname, opt.for_name, ri.id, ri.lo, ri.hi);
        else
                snprintf(head, sizeof(head),
                         ngettext("A port for %s in the %s range (%u-%u):",
                                  "Free ports for %s in the %s range (%u-%u):", (unsigned long)n),
                         pname, ri.id, ri.lo, ri.hi);
        printf("%s%s%s\n", sty_bold(c), head, sty_off(c));
        for (int i = 0; i < n; i++) {
                char pct[PS_I18N_NUM_MAX];
                printf("  %s%5u%s", sty_bold(c), sugg[i].port, sty_off(c));
                if (sugg[i].open_frequency > 0)
                        printf(_("  seen open by nmap on %s%% of hosts"),
                               ps_i18n_decimal(pct, sizeof(pct), sugg[i].open_frequency * 100, 4,
                                               'f'));
                else if (sugg[i].open_frequency == 0)
                        printf(_("  listed by nmap, never seen open"));
                else
                        printf(_("  not in nmap-services"));
                if (sugg[i].checked)
                        printf(_(", bind confirmed"));
                putchar('\n');
        }
        char why[2048], eph[256], date[64];
        snprintf(eph, sizeof(eph), "%s", _("the ephemeral range (unknown here)"));
        if (host->have_ephemeral)
                snprintf(eph, sizeof(eph), _("this machine's ephemeral range %u-%u"),
                         host->ephemeral_lo, host->ephemeral_hi);
        snprintf(why, sizeof(why),
                 _("Why these are safe: each is unassigned in the IANA registry (%s) for %s; "
                   "outside %s and the reserved ports; not bound by any socket now; not blocked "
                   "by browsers; free of known unofficial uses; ordered from the least seen "
                   "open.%s"),
                 ps_i18n_date(ps_db_date(db), date, sizeof(date)), pname, eph,
                 opt.for_name ? _(" The same name gives the same port while this machine's "
                                  "state stays the same.")
                              : "");
        putchar('\n');
        out_wrap(stdout, why, 0, 0, out_width());
        free(host);
        return EXIT_FOUND;
}
