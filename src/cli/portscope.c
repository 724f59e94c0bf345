/* SPDX-License-Identifier: MIT */
/* portscope: explain every network port and show what is using it. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Options every command takes; a command adds its own (struct command). */
enum {
        OPT_COLOR = 'C',
        OPT_HELP = 'h',
        OPT_JSON = 'j',
        OPT_PROTOCOL = 'p',
        OPT_VERSION = 'V',
        OPT_DB = 0x100,
        OPT_NO_COLOR,
        OPT_PROC_ROOT,
};

static const struct option global_options[] = {
        { "color", required_argument, NULL, OPT_COLOR },
        { "db", required_argument, NULL, OPT_DB },
        { "help", no_argument, NULL, OPT_HELP },
        { "json", no_argument, NULL, OPT_JSON },
        { "no-color", no_argument, NULL, OPT_NO_COLOR },
        { "proc-root", required_argument, NULL, OPT_PROC_ROOT },
        { "protocol", required_argument, NULL, OPT_PROTOCOL },
        { "version", no_argument, NULL, OPT_VERSION },
        { 0 },
};
#define GLOBAL_SHORTOPTS "C:hjp:V"

struct command {
        const char *name;
        int (*run)(struct cli *c, int argc, char **argv);
        const struct option *options; /* the command's own, or NULL */
        const char *shortopts;
        int (*option)(struct cli *c, int opt, const char *arg);
};

static const struct command commands[] = {
        { "audit", cmd_audit, audit_options, NULL, audit_option },
        { "diff", cmd_diff, diff_options, NULL, diff_option },
        { "export", cmd_export, export_options, "f:", export_option },
        { "exporter", cmd_exporter, exporter_options, NULL, exporter_option },
        { "info", cmd_info, NULL, NULL, NULL },
        { "ls", cmd_ls, ls_options, "46atu", ls_option },
        { "name", cmd_name, NULL, NULL, NULL },
        { "notes", cmd_notes, NULL, NULL, NULL },
        { "port", cmd_port, NULL, NULL, NULL },
        { "range", cmd_range, NULL, NULL, NULL },
        { "search", cmd_search, NULL, NULL, NULL },
        { "suggest", cmd_suggest, suggest_options, NULL, suggest_option },
        { "update", cmd_update, NULL, NULL, NULL },
        { "who", cmd_who, who_options, "l", who_option },
};

static void usage(FILE *f)
{
        fputs("Usage: portscope [OPTIONS] PORT[/PROTO]\n"
              "       portscope [OPTIONS] NAME\n"
              "       portscope [OPTIONS] LOW-HIGH[/PROTO]\n"
              "       portscope [OPTIONS] COMMAND [ARGS]\n"
              "\n"
              "Explain a network port: its IANA registration, its range, and this machine's\n"
              "settings for it.\n"
              "\n"
              "Commands:\n"
              "  audit                check every listener against the rules (docs/audit/)\n"
              "  diff OLD NEW         assignments added, removed and changed between registries\n"
              "  export [SOURCE]      write a registry as csv, xml, services or json (--format)\n"
              "  exporter             serve listeners and findings to Prometheus (/metrics)\n"
              "  info                 which registry is in use, its date and record counts\n"
              "  ls [OPTIONS]         listening sockets here, with process and service\n"
              "  name NAME            look a service name up (also: portscope NAME)\n"
              "  notes                every port with a knowledge note: port, title, tags\n"
              "  port PORT[/PROTO]    the port report (also: portscope PORT)\n"
              "  range LOW-HIGH       every registration in a range (also: portscope LOW-HIGH)\n"
              "  search WORDS...      rank registrations and notes matching all the words\n"
              "  suggest              free ports for a new service, and why each is safe\n"
              "  update FILE          check IANA's XML or CSV (or .gz) and make it the registry\n"
              "  who PORT[/PROTO]     every local socket on a port, with its process\n"
              "\n"
              "Options:\n"
              "  -4, -6               ls: IPv4 or IPv6 only\n"
              "  -a, --all            ls: every socket, established ones too;\n"
              "                       diff (--all only): also unnamed blocks (Unassigned...)\n"
              "      --check          suggest: bind each suggestion to confirm it is free\n"
              "  -C, --color=WHEN     colour output: auto (default), always or never\n"
              "      --config=PATH    audit, exporter: accepted findings (/etc/portscope/audit.conf)\n"
              "      --count=N        suggest: how many ports, 1-100 (default 5)\n"
              "      --db=PATH        use a compiled registry file (also $PORTSCOPE_DB)\n"
              "      --fail-on=SEV    audit: exit 1 when a finding reaches SEV (info ... high)\n"
              "      --for=NAME       suggest: a stable port for this service name\n"
              "  -f, --format=FORMAT  export: csv (default), xml, services or json\n"
              "  -h, --help           show this help and exit\n"
              "  -j, --json           print JSON (schema in portscope(1))\n"
              "  -l, --listening      who: listening sockets only (as ss -l)\n"
              "      --listen=ADDR:PORT  exporter: serve /metrics there (127.0.0.1:2693)\n"
              "      --ndjson         ls, who: one JSON object per line, one line per socket\n"
              "      --netns=PATH     exporter: inspect the network namespace at PATH\n"
              "      --no-color       same as --color=never\n"
              "      --proc-root=DIR  read kernel settings, sockets, processes below DIR\n"
              "      --process=NAME   ls: sockets held by a process name or pid\n"
              "      --proto=PROTO    suggest: tcp, udp or both (default both)\n"
              "  -p, --protocol=PROTO tcp, udp, sctp, dccp or any (default)\n"
              "      --range=RANGE    suggest: user (1024-49151, default) or dynamic\n"
              "      --sarif          audit: print SARIF 2.1.0 instead of a table\n"
              "      --state=STATE    ls: sockets in a state: listen, estab, unconn, time-wait...\n"
              "  -t, --tcp            ls: TCP sockets\n"
              "      --textfile=DIR   exporter: write DIR/portscope.prom once, for node_exporter\n"
              "  -u, --udp            ls: UDP sockets\n"
              "      --user=USER      ls: sockets owned by a user name or uid\n"
              "  -V, --version        show the version and the registry date, and exit\n"
              "\n"
              "Exit status: 0 found, 1 nothing found (audit: a finding reached --fail-on),\n"
              "2 bad usage or input, 3 system error.\n",
              f);
}

static const struct command *find_command(const char *name)
{
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (!strcmp(commands[i].name, name))
                        return &commands[i];
        return NULL;
}

/* Whether an option word consumes the next word: a global option or any
 * command's, since the command word may come after its options. */
static bool takes_value(const char *arg)
{
        if (arg[1] != '-') {
                if (arg[2] != '\0')
                        return false;
                if (strchr("Cp", arg[1]))
                        return true;
                for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
                        const char *so = commands[i].shortopts;
                        const char *hit = so ? strchr(so, arg[1]) : NULL;
                        if (hit && hit[1] == ':')
                                return true;
                }
                return false;
        }
        const struct option *tables[1 + sizeof(commands) / sizeof(commands[0])];
        size_t nt = 0;
        tables[nt++] = global_options;
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                tables[nt++] = commands[i].options;
        for (size_t t = 0; t < nt; t++)
                for (const struct option *o = tables[t]; o && o->name; o++)
                        if (!strcmp(arg + 2, o->name))
                                return o->has_arg == required_argument;
        return false;
}

/* Whether every letter of "-xyz" is some command's short option: "-4" and
 * "-46" are ls's options, "-80" is a negative number. */
static bool short_cluster(const char *arg)
{
        for (const char *p = arg + 1; *p; p++) {
                bool known = *p != ':' && strchr(GLOBAL_SHORTOPTS, *p);
                for (size_t i = 0; !known && i < sizeof(commands) / sizeof(commands[0]); i++)
                        known = commands[i].shortopts && strchr(commands[i].shortopts, *p);
                if (!known)
                        return false;
        }
        return true;
}

static bool negative_number(const char *arg)
{
        return arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9' && !short_cluster(arg);
}

/* The first word that is not an option or an option's value. */
static int command_index(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (!strcmp(a, "--"))
                        return i + 1 < argc ? i + 1 : -1;
                if (a[0] != '-' || a[1] == '\0' || negative_number(a))
                        return a[0] == '-' && a[1] ? -1 : i;
                if (takes_value(a))
                        i++;
        }
        return -1;
}

static int merge_options(const struct command *cmd, struct option **ret_opts, char **ret_short)
{
        size_t ng = sizeof(global_options) / sizeof(global_options[0]) - 1, nc = 0;
        while (cmd && cmd->options && cmd->options[nc].name)
                nc++;
        struct option *o = calloc(ng + nc + 1, sizeof(*o));
        size_t sl = strlen(GLOBAL_SHORTOPTS) + (cmd && cmd->shortopts ? strlen(cmd->shortopts) : 0);
        char *s = malloc(sl + 2);
        if (!o || !s) {
                free(o);
                free(s);
                return -ENOMEM;
        }
        memcpy(o, global_options, ng * sizeof(*o));
        if (nc)
                memcpy(o + ng, cmd->options, nc * sizeof(*o));
        snprintf(s, sl + 2, ":%s%s", GLOBAL_SHORTOPTS, cmd && cmd->shortopts ? cmd->shortopts : "");
        *ret_opts = o;
        *ret_short = s;
        return 0;
}

/* The word holding the short option c that getopt refused: getopt moves
 * optind past a word only after its last letter. */
static const char *refused_word(int argc, char **argv, int c)
{
        const char *w = optind > 1 ? argv[optind - 1] : NULL;
        if (w && w[0] == '-' && w[1] && w[1] != '-' && w[strlen(w) - 1] == c)
                return w;
        return optind < argc ? argv[optind] : w ? w : "";
}

/* Whether arg is "--NAME=VALUE" for an option NAME that takes no value. */
static bool value_for_flag(const struct option *opts, const char *arg)
{
        const char *eq = strchr(arg, '=');
        if (strncmp(arg, "--", 2) || !eq)
                return false;
        size_t n = (size_t)(eq - arg - 2);
        for (const struct option *o = opts; o->name; o++)
                if (!strncmp(o->name, arg + 2, n) && o->has_arg == no_argument && o->val == optopt)
                        return true;
        return false;
}

/* A status after everything is printed: a lost write is a system error. */
static int flush_status(int r)
{
        if (r != EXIT_FOUND && r != EXIT_NOTFOUND)
                return r;
        if (fflush(stdout) == EOF)
                return cli_error(EXIT_SYSTEM, "writing output: %s", strerror(errno));
        if (ferror(stdout))
                return cli_error(EXIT_SYSTEM, "writing output failed");
        return r;
}

static int parse_color(const char *arg, bool *ret)
{
        if (!strcmp(arg, "always"))
                *ret = true;
        else if (!strcmp(arg, "never"))
                *ret = false;
        else if (!strcmp(arg, "auto"))
                *ret = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        else
                return cli_error(EXIT_USAGE, "--color: expected auto, always or never, not \"%s\"",
                                 arg);
        return 0;
}

int main(int argc, char **argv)
{
        struct cli c = { .proto = PS_PROTO_ANY };
        const struct command *cmd = NULL;
        struct option *opts;
        char *shortopts;
        int r, opt;

        for (int i = 1; i < argc; i++)
                if (strlen(argv[i]) > ARG_MAX_LEN * 16)
                        return cli_error(EXIT_USAGE, "argument %d is %zu bytes long: too long", i,
                                         strlen(argv[i]));
        c.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        int ci = command_index(argc, argv);
        if (ci > 0)
                cmd = find_command(argv[ci]);
        if (merge_options(cmd, &opts, &shortopts) < 0)
                return cli_error(EXIT_SYSTEM, "out of memory");

        opterr = 0;
        r = 0;
        while (!r && (opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
                switch (opt) {
                case OPT_COLOR:
                        r = parse_color(optarg, &c.color);
                        break;
                case OPT_DB:
                        if (!*optarg)
                                r = cli_error(EXIT_USAGE, "--db: expected a file name");
                        c.db_path = optarg;
                        break;
                case OPT_HELP:
                        usage(stdout);
                        r = -1;
                        break;
                case OPT_JSON:
                        c.json = true;
                        break;
                case OPT_NO_COLOR:
                        c.color = false;
                        break;
                case OPT_PROC_ROOT: {
                        /* Checked here: later it would be a socket scan that
                         * failed (exit 3) or a report silently without it. */
                        struct stat st;
                        if (!*optarg)
                                r = cli_error(EXIT_USAGE, "--proc-root: expected a directory");
                        else if (stat(optarg, &st) < 0)
                                r = cli_error(errno == ENOMEM ? EXIT_SYSTEM : EXIT_USAGE,
                                              "--proc-root: %s: %s", optarg, strerror(errno));
                        else if (!S_ISDIR(st.st_mode))
                                r = cli_error(EXIT_USAGE, "--proc-root: %s: not a directory",
                                              optarg);
                        c.proc_root = optarg;
                        break;
                }
                case OPT_PROTOCOL:
                        if (ps_proto_from_string(optarg, &c.proto) < 0)
                                r = cli_error(EXIT_USAGE,
                                              "--protocol: unknown protocol \"%.40s\" (use tcp, "
                                              "udp, sctp, dccp or any)",
                                              optarg);
                        break;
                case OPT_VERSION: {
                        ps_db *db;
                        if ((r = cli_db(&c, &db)))
                                break;
                        printf("portscope %s (IANA registry %s)\n", ps_version(), ps_db_date(db));
                        r = -1;
                        break;
                }
                case ':':
                        r = cli_error(EXIT_USAGE, "%s: expects a value", argv[optind - 1]);
                        break;
                case '?':
                        if (optopt && value_for_flag(opts, argv[optind - 1]))
                                r = cli_error(
                                        EXIT_USAGE, "%.*s: takes no value",
                                        (int)(strchr(argv[optind - 1], '=') - argv[optind - 1]),
                                        argv[optind - 1]);
                        else if (optopt >= '0' && optopt <= '9' &&
                                 negative_number(refused_word(argc, argv, optopt)))
                                r = cli_error(EXIT_USAGE,
                                              "%s: not a port: negative numbers are not ports",
                                              refused_word(argc, argv, optopt));
                        else if (optopt > ' ' && optopt < 0x7f)
                                r = cli_error(EXIT_USAGE, "unknown option -%c (see --help)",
                                              optopt);
                        else
                                r = cli_error(EXIT_USAGE, "unknown option %s (see --help)",
                                              optopt ? refused_word(argc, argv, optopt)
                                                     : argv[optind - 1]);
                        break;
                default:
                        r = cmd && cmd->option ? cmd->option(&c, opt, optarg)
                                               : cli_error(EXIT_USAGE, "unexpected option");
                }
        }
        free(opts);
        free(shortopts);
        if (r) {
                ps_db_free(c.db);
                return r < 0 ? flush_status(EXIT_FOUND) : r;
        }

        int nargs = argc - optind;
        char **args = argv + optind;
        if (nargs == 0) {
                usage(stderr);
                return EXIT_USAGE;
        }
        if (cmd) {
                r = cmd->run(&c, nargs - 1, args + 1);
        } else if (nargs > 1) {
                r = cli_error(EXIT_USAGE, "%s: unknown command (see --help)", args[0]);
        } else if (!*args[0]) {
                r = cli_error(EXIT_USAGE, "an empty argument is neither a port nor a name");
        } else if (strlen(args[0]) > ARG_MAX_LEN) {
                r = cli_error(EXIT_USAGE, "%.32s...: argument of %zu bytes is too long", args[0],
                              strlen(args[0]));
        } else if ((args[0][0] >= '0' && args[0][0] <= '9') || args[0][0] == '-') {
                r = cmd_port(&c, 1, args);
        } else {
                r = cmd_name(&c, 1, args);
        }
        r = flush_status(r);
        notes_cleanup(&c);
        ps_db_free(c.db);
        return r;
}
