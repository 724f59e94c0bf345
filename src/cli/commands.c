/* SPDX-License-Identifier: MIT */
/*
 * The command table: every command, its synopsis, options and example. main()
 * dispatches through it, `portscope help` and `--help` print it, and the
 * bash, zsh and fish completions are generated from it at build time, so none
 * of them can drift from the others. man/portscope.1 mirrors it (tests/test-cli.sh).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sockets-view.h"
#include "util.h"

enum {
        GOPT_COLOR = 'C',
        GOPT_HELP = 'h',
        GOPT_JSON = 'j',
        GOPT_PROTOCOL = 'p',
        GOPT_VERSION = 'V'
};

/* Options every command takes; their values match main()'s switch. */
const struct cli_option cli_global_options[] = {
        { "color", GOPT_COLOR, required_argument, "WHEN",
          N_("colour output: auto (default), always or never"), "auto always never" },
        { "db", CLI_OPT_DB, required_argument, "PATH",
          N_("use a compiled registry file (also $PORTSCOPE_DB)"), "@file" },
        { "help", GOPT_HELP, no_argument, NULL, N_("show this help (or a command's) and exit"),
          NULL },
        { "json", GOPT_JSON, no_argument, NULL, N_("print JSON (schema in portscope(1))"), NULL },
        { "no-color", CLI_OPT_NO_COLOR, no_argument, NULL, N_("same as --color=never"), NULL },
        { "proc-root", CLI_OPT_PROC_ROOT, required_argument, "DIR",
          N_("read kernel settings, sockets, processes below DIR"), "@dir" },
        { "protocol", GOPT_PROTOCOL, required_argument, "PROTO",
          N_("tcp, udp, sctp, dccp or any (default)"), "tcp udp sctp dccp any" },
        { "version", GOPT_VERSION, no_argument, NULL,
          N_("show the version and the registry date, and exit"), NULL },
        { 0 },
};

/* votes and exporter run in portscope-full, and so do update, diff and
 * export, the commands that read IANA's XML and CSV files: in portscope
 * itself their entry has no run function, and main() hands the command line
 * over. portscope then links neither expat nor zlib, whose tables of
 * pointers were most of the relocations and copied pages of every start
 * (docs/benchmarks.md, issue 11). */
#ifdef PS_CLI_FULL
#define FULL_ONLY(f) f
#else
#define FULL_ONLY(f) NULL
#endif

/* Sorted by name; `help` lists them in this order. */
const struct command cli_commands[] = {
        { "audit",
          "",
          N_("check every listener against documented rules"),
          "portscope audit --fail-on=high",
          NULL,
          0,
          cmd_audit,
          { audit_options },
          audit_option },
        { "diff",
          "OLD NEW",
          N_("assignments added, removed and changed between registries"),
          "portscope diff builtin service-names-port-numbers.xml",
          "@file",
          2,
          FULL_ONLY(cmd_diff),
          { diff_options },
          FULL_ONLY(diff_option) },
        { "export",
          "[SOURCE]",
          N_("write a registry as csv, xml, services or json (--format)"),
          "portscope export --format=services > services",
          "@file",
          0,
          FULL_ONLY(cmd_export),
          { export_options },
          FULL_ONLY(export_option) },
        { "exporter",
          "[OPTIONS]",
          N_("serve listeners and audit findings to Prometheus (/metrics)"),
          "portscope exporter --textfile /var/lib/prometheus/node-exporter",
          NULL,
          0,
          FULL_ONLY(cmd_exporter),
          { exporter_options },
          FULL_ONLY(exporter_option) },
        { "help",
          "[COMMAND]",
          N_("this help, or a command's options and an example"),
          "portscope help ls",
          "@command",
          0,
          cmd_help,
          { NULL },
          NULL },
        { "info",
          "",
          N_("which registry is in use, its date and record counts"),
          "portscope info --json",
          NULL,
          0,
          cmd_info,
          { NULL },
          NULL },
        { "ls",
          "[OPTIONS]",
          N_("sockets on this machine, with process and service"),
          "portscope ls -t --sport=ssh",
          NULL,
          0,
          cmd_ls,
          { ls_options, sockets_filter_options },
          ls_option },
        { "name",
          "NAME[/PROTO]",
          N_("look a service name up (also: portscope NAME)"),
          "portscope name ssh/tcp",
          NULL,
          1,
          cmd_name_proto,
          { NULL },
          NULL },
        { "notes",
          "",
          N_("every port with a knowledge note: port, title, tags"),
          "portscope notes -p udp",
          NULL,
          0,
          cmd_notes,
          { NULL },
          NULL },
        { "port",
          "PORT[/PROTO]",
          N_("the port report (also: portscope PORT)"),
          "portscope port 53/udp",
          "@port",
          1,
          cmd_port,
          { NULL },
          NULL },
        { "range",
          "LOW-HIGH[/PROTO]",
          N_("every registration in a range (also: portscope LOW-HIGH)"),
          "portscope range 6000-6063",
          NULL,
          1,
          cmd_range,
          { NULL },
          NULL },
        { "search",
          "WORDS...",
          N_("rank registrations and notes matching all the words"),
          "portscope search exchange",
          NULL,
          1,
          cmd_search,
          { NULL },
          NULL },
        { "suggest",
          "",
          N_("free ports for a new service, and why each is safe"),
          "portscope suggest --for=myapp --proto=tcp",
          NULL,
          0,
          cmd_suggest,
          { suggest_options },
          suggest_option },
        { "update",
          "FILE|--fetch [URL]",
          N_("check IANA's XML or CSV (or .gz) and make it the registry"),
          "portscope update service-names-port-numbers.xml",
          "@file",
          1,
          FULL_ONLY(cmd_update),
          { update_options },
          FULL_ONLY(update_option) },
        { "votes",
          "",
          N_("the site's \"was this page helpful\" tallies per page"),
          "portscope votes --csv --votes /var/lib/portscope/votes.db",
          NULL,
          0,
          FULL_ONLY(cmd_votes),
          { votes_options },
          FULL_ONLY(votes_option) },
        { "who",
          "PORT[/PROTO]",
          N_("every local socket on a port, range or service, with its process"),
          "portscope who ssh",
          "@port",
          1,
          cmd_who,
          { who_options, sockets_filter_options },
          who_option },
};
const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct command *cli_find_command(const char *name)
{
        for (size_t i = 0; i < cli_n_commands; i++)
                if (!strcmp(cli_commands[i].name, name))
                        return &cli_commands[i];
        return NULL;
}

/* Optimal string alignment distance: a swap of two neighbours counts as one,
 * as people type "sl" for "ls". Words are short (command names). */
static unsigned edit_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        unsigned d[24][24];
        if (la > 22 || lb > 22)
                return 99;
        for (size_t i = 0; i <= la; i++)
                d[i][0] = (unsigned)i;
        for (size_t j = 0; j <= lb; j++)
                d[0][j] = (unsigned)j;
        for (size_t i = 1; i <= la; i++)
                for (size_t j = 1; j <= lb; j++) {
                        unsigned cost = a[i - 1] != b[j - 1];
                        unsigned v = d[i - 1][j] + 1;
                        if (d[i][j - 1] + 1 < v)
                                v = d[i][j - 1] + 1;
                        if (d[i - 1][j - 1] + cost < v)
                                v = d[i - 1][j - 1] + cost;
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                            d[i - 2][j - 2] + 1 < v)
                                v = d[i - 2][j - 2] + 1;
                        d[i][j] = v;
                }
        return d[la][lb];
}

const struct command *cli_closest_command(const char *word)
{
        const struct command *best = NULL;
        unsigned best_d = 99;
        /* One edit for short words, two from five letters on: "lst", "sugest". */
        unsigned limit = strlen(word) >= 5 ? 2 : 1;
        for (size_t i = 0; i < cli_n_commands; i++) {
                unsigned d = edit_distance(word, cli_commands[i].name);
                if (d < best_d) {
                        best_d = d;
                        best = &cli_commands[i];
                }
        }
        return best_d <= limit && best_d > 0 ? best : NULL;
}

static bool has_short(const struct cli_option *o)
{
        return o->val > ' ' && o->val < 0x7f;
}

/* The name options sort by: the long name, or the letter alone. */
static const char *sort_key(const struct cli_option *o, char buf[2])
{
        if (o->name)
                return o->name;
        buf[0] = (char)o->val;
        buf[1] = '\0';
        return buf;
}

static int cmp_options(const void *a, const void *b)
{
        const struct cli_option *x = *(const struct cli_option *const *)a;
        const struct cli_option *y = *(const struct cli_option *const *)b;
        char bx[2], by[2];
        return strcmp(sort_key(x, bx), sort_key(y, by));
}

static void print_option(FILE *f, const struct cli_option *o)
{
        char left[64];
        size_t n = 0;
        n += (size_t)snprintf(left + n, sizeof(left) - n, "  ");
        if (has_short(o))
                n += (size_t)snprintf(left + n, sizeof(left) - n, "-%c%s", o->val,
                                      o->name ? ", " : "");
        else
                n += (size_t)snprintf(left + n, sizeof(left) - n, "    ");
        if (o->name)
                n += (size_t)snprintf(left + n, sizeof(left) - n, "--%s", o->name);
        if (o->arg && n < sizeof(left))
                snprintf(left + n, sizeof(left) - n,
                         o->has_arg == optional_argument ? "[=%s]" : "=%s", o->arg);
        if (strlen(left) > 22)
                fprintf(f, "%s\n%23s%s\n", left, "", _(o->help));
        else
                fprintf(f, "%-23s%s\n", left, _(o->help));
}

/* Prints the options of the given tables, sorted by name. */
static void print_options(FILE *f, const struct cli_option *const *tables)
{
        const struct cli_option *list[64];
        size_t n = 0;
        for (size_t t = 0; tables[t]; t++)
                for (const struct cli_option *o = tables[t]; (o->name || o->val) && n < 64; o++)
                        list[n++] = o;
        ps_qsort(list, n, sizeof(list[0]), cmp_options);
        for (size_t i = 0; i < n; i++)
                print_option(f, list[i]);
}

void cli_usage(FILE *f)
{
        fprintf(f, "%s",
                _("Usage: portscope [OPTIONS] PORT[/PROTO]...\n"
                  "       portscope [OPTIONS] NAME[/PROTO]...\n"
                  "       portscope [OPTIONS] LOW-HIGH[/PROTO]\n"
                  "       portscope [OPTIONS] COMMAND [ARGS]\n"
                  "\n"
                  "Explain a network port: its IANA registration, its range, and this "
                  "machine's\nsettings for it.\n\nCommands:\n"));
        for (size_t i = 0; i < cli_n_commands; i++) {
                char left[48];
                const struct command *cmd = &cli_commands[i];
                snprintf(left, sizeof(left), "  %s%s%s", cmd->name, *cmd->args ? " " : "",
                         cmd->args);
                if (strlen(left) > 22)
                        fprintf(f, "%s\n%23s%s\n", left, "", _(cmd->summary));
                else
                        fprintf(f, "%-23s%s\n", left, _(cmd->summary));
        }
        fprintf(f, "\n%s", _("Options:\n"));
        const struct cli_option *const globals[] = { cli_global_options, NULL };
        print_options(f, globals);
        fprintf(f, "\n%s", _("A command's options and an example: portscope help COMMAND.\n"));
        fprintf(f, _("Manual: man portscope; documents: %s\n"), PS_DOCDIR);
        fprintf(f, "\n%s",
                _("Exit status: 0 found, 1 nothing found (audit: a finding reached "
                  "--fail-on),\n2 bad usage or input, 3 system error.\n"));
}

void cli_command_help(FILE *f, const struct command *cmd)
{
        fprintf(f, _("Usage: portscope [OPTIONS] %s%s%s\n"), cmd->name, *cmd->args ? " " : "",
                cmd->args);
        fprintf(f, "\n%s: %s\n", cmd->name, _(cmd->summary));
        if (cmd->options[0]) {
                fprintf(f, "\n%s", _("Options:\n"));
                print_options(f, cmd->options);
        }
        fprintf(f, "\n%s", _("Options of every command: portscope --help.\n"));
        fprintf(f, "\n%s\n  %s\n", _("Example:"), cmd->example);
        fprintf(f, "\n");
        fprintf(f, _("Manual: man portscope, section COMMANDS, %s; documents: %s\n"), cmd->name,
                PS_DOCDIR);
}

int cmd_help(struct cli *c, int argc, char **argv)
{
        if (argc > 1)
                return cli_error(EXIT_USAGE, _("help: expected at most one COMMAND"));
        if (argc == 0) {
                cli_usage(stdout);
                /* "help" is a registered service name too: say how to ask for it. */
                printf("\n%s\n", _("For the service named \"help\": portscope name help."));
                return EXIT_FOUND;
        }
        const struct command *cmd = cli_find_command(argv[0]);
        if (!cmd) {
                const struct command *near = cli_closest_command(argv[0]);
                if (near)
                        return cli_error(EXIT_USAGE,
                                         _("help: %s: no such command; did you mean \"%s\"?"),
                                         argv[0], near->name);
                return cli_error(EXIT_USAGE, _("help: %s: no such command (see portscope help)"),
                                 argv[0]);
        }
        cli_command_help(stdout, cmd);
        return EXIT_FOUND;
}
