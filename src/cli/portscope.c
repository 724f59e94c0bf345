/* SPDX-License-Identifier: MIT */
/* portscope: explain every network port and show what is using it. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"

/* The options getopt sees for one command: every table, global ones first. */
/* Loops o over every option of every command, then the global ones. */
#define FOR_EACH_OPTION(o)                                                                         \
        for (size_t _c = 0; _c <= cli_n_commands; _c++)                                            \
                for (size_t _t = 0; _t < 3; _t++)                                                  \
                        for (const struct cli_option *o =                                          \
                                     _c == cli_n_commands ? (_t ? NULL : cli_global_options)       \
                                                          : cli_commands[_c].options[_t];          \
                             o && (o->name || o->val); o++)

/* Whether an option word consumes the next word: a global option or any
 * command's, since the command word may come after its options. */
static bool takes_value(const char *arg)
{
        if (arg[1] != '-') {
                if (arg[2] != '\0')
                        return false;
                FOR_EACH_OPTION(o)
                if (o->val == arg[1] && o->has_arg == required_argument)
                        return true;
                return false;
        }
        FOR_EACH_OPTION(o)
        if (o->name && !strcmp(arg + 2, o->name))
                return o->has_arg == required_argument;
        return false;
}

/* Whether every letter of "-xyz" is some command's short option: "-4" and
 * "-46" are ls's options, "-80" is a negative number. */
static bool short_cluster(const char *arg)
{
        for (const char *p = arg + 1; *p; p++) {
                bool known = false;
                FOR_EACH_OPTION(o)
                known |= o->val == *p;
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

static void add_option(const struct cli_option *o, struct option *opts, size_t *no, char *so,
                       size_t *ns)
{
        if (o->name)
                opts[(*no)++] = (struct option){ o->name, o->has_arg, NULL, o->val };
        if (o->val > ' ' && o->val < 0x7f) {
                so[(*ns)++] = (char)o->val;
                if (o->has_arg != no_argument)
                        so[(*ns)++] = ':';
                if (o->has_arg == optional_argument)
                        so[(*ns)++] = ':';
        }
}

/* getopt's long options and short option string for the global options and
 * one command's. */
static int merge_options(const struct command *cmd, struct option **ret_opts, char **ret_short)
{
        size_t n = 0;
        const struct cli_option *const *tables = cmd ? cmd->options : NULL;
        for (const struct cli_option *o = cli_global_options; o->name || o->val; o++)
                n++;
        for (size_t t = 0; tables && tables[t]; t++)
                for (const struct cli_option *o = tables[t]; o->name || o->val; o++)
                        n++;
        struct option *opts = calloc(n + 1, sizeof(*opts));
        char *so = calloc(3 * n + 2, 1);
        if (!opts || !so) {
                free(opts);
                free(so);
                return -ENOMEM;
        }
        size_t no = 0, ns = 0;
        so[ns++] = ':';
        for (const struct cli_option *o = cli_global_options; o->name || o->val; o++)
                add_option(o, opts, &no, so, &ns);
        for (size_t t = 0; tables && tables[t]; t++)
                for (const struct cli_option *o = tables[t]; o->name || o->val; o++)
                        add_option(o, opts, &no, so, &ns);
        *ret_opts = opts;
        *ret_short = so;
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
                return cli_error(EXIT_SYSTEM, _("writing output: %s"), strerror(errno));
        if (ferror(stdout))
                return cli_error(EXIT_SYSTEM, _("writing output failed"));
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
                return cli_error(EXIT_USAGE,
                                 _("--color: expected auto, always or never, not \"%s\""), arg);
        return 0;
}

/* Splits "NAME/PROTO" into the name (copied to buf) and the protocol, which
 * must agree with --protocol. 0, or an exit status after a message. */
static int split_name(struct cli *c, const char *arg, char *buf, size_t size)
{
        const char *slash = strchr(arg, '/');
        snprintf(buf, size, "%.*s", slash ? (int)(slash - arg) : (int)strlen(arg), arg);
        if (!slash)
                return 0;
        ps_proto p;
        if (ps_proto_from_string(slash + 1, &p) < 0 || p == PS_PROTO_ANY)
                return cli_error(EXIT_USAGE,
                                 _("%s: unknown protocol \"%s\" (use tcp, udp, sctp or dccp)"), arg,
                                 slash + 1);
        if (c->proto != PS_PROTO_ANY && c->proto != p)
                return cli_error(EXIT_USAGE, _("%s: conflicts with --protocol %s"), arg,
                                 ps_proto_name(c->proto));
        c->proto = p;
        return 0;
}

static bool is_service_name(struct cli *c, const char *name)
{
        ps_db *db;
        ps_iter it;
        ps_record rec;
        if (cli_db(c, &db))
                return false;
        ps_iter_name(&it, db, name, PS_PROTO_ANY);
        return ps_iter_next(&it, &rec) > 0;
}

static bool looks_numeric(const char *w)
{
        return (w[0] >= '0' && w[0] <= '9') || w[0] == '-';
}

int cmd_name_proto(struct cli *c, int argc, char **argv)
{
        char name[ARG_MAX_LEN + 1];
        int r;
        if (argc != 1)
                return cmd_name(c, argc, argv);
        if ((r = split_name(c, argv[0], name, sizeof(name))))
                return r;
        char *args[] = { name, NULL };
        return cmd_name(c, 1, args);
}

/* Checks one word given without a command before anything is printed, so a
 * bad word among several prints nothing else. */
static int check_word(struct cli *c, const char *w)
{
        ps_port_spec spec;
        char name[ARG_MAX_LEN + 1];
        if (!*w)
                return cli_error(EXIT_USAGE, _("an empty argument is neither a port nor a name"));
        if (strlen(w) > ARG_MAX_LEN)
                return cli_error(EXIT_USAGE, _("%.32s...: argument of %zu bytes is too long"), w,
                                 strlen(w));
        if (looks_numeric(w))
                return cli_parse_spec(w, &spec);
        ps_proto saved = c->proto;
        int r = split_name(c, w, name, sizeof(name));
        c->proto = saved;
        if (r)
                return r;
        const struct command *near = cli_closest_command(name);
        if (!near)
                return 0;
        if (!is_service_name(c, name))
                return cli_error(EXIT_USAGE,
                                 _("%s: neither a command nor a service name; did you mean "
                                   "\"portscope %s\"?"),
                                 w, near->name);
        /* Both a service and nearly a command: say which it took. */
        fprintf(stderr,
                _("portscope: \"%s\" is looked up as a service name; for the command: "
                  "portscope %s\n"),
                name, near->name);
        return 0;
}

/* One word without a command: a port, a range, or NAME[/PROTO]. */
static int run_word(struct cli *c, char *w)
{
        if (looks_numeric(w))
                return cmd_port(c, 1, &w);
        ps_proto saved = c->proto;
        int r = cmd_name_proto(c, 1, &w);
        c->proto = saved;
        return r;
}

/* Several ports (or names) are each reported: text one after the other,
 * JSON as an array of the documents one alone would print. */
static int run_words(struct cli *c, int n, char **words)
{
        int r, worst = EXIT_FOUND;
        for (int i = 0; i < n; i++)
                if ((r = check_word(c, words[i])))
                        return r;
        if (n > 1 && c->json)
                fputs("[\n", stdout);
        for (int i = 0; i < n; i++) {
                if (i)
                        fputs(c->json ? ",\n" : "\n", stdout);
                fflush(stdout);
                r = run_word(c, words[i]);
                if (r > worst)
                        worst = r;
                if (r >= EXIT_SYSTEM)
                        break;
        }
        if (n > 1 && c->json)
                fputs("]\n", stdout);
        return worst;
}

int main(int argc, char **argv)
{
        struct cli c = { .proto = PS_PROTO_ANY };
        const struct command *cmd = NULL;
        struct option *opts;
        char *shortopts;
        int r, opt;
        bool help = false;

#ifndef PS_CLI_FULL
        /* First: the code, stack and heap pages the rest will touch. Not in
         * portscope-full, whose 1.4 MiB of code a command uses little of. */
        cli_prefault();
#endif
        /* The character-type locale waits for the first wide or combining
         * character (out_cols()): a report in English rarely has one. */
        ps_i18n_init_deferred();

        /* Not documented: the build generates the shell completions with it. */
        if (argc == 2 && !strncmp(argv[1], "--complete=", 11))
                return cli_completion(argv[1] + 11);
        for (int i = 1; i < argc; i++)
                if (strlen(argv[i]) > ARG_MAX_LEN * 16)
                        return cli_error(EXIT_USAGE, _("argument %d is %zu bytes long: too long"),
                                         i, strlen(argv[i]));
        c.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        int ci = command_index(argc, argv);
        if (ci > 0)
                cmd = cli_find_command(argv[ci]);
        /* Its options, help and errors too: portscope-full is this program
         * with every command linked in. */
        if (cmd && !cmd->run)
                return cli_exec_full(argv);
        if (merge_options(cmd, &opts, &shortopts) < 0)
                return cli_error(EXIT_SYSTEM, _("out of memory"));

        opterr = 0;
        r = 0;
        while (!r && (opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
                switch (opt) {
                case 'C':
                        r = parse_color(optarg, &c.color);
                        break;
                case CLI_OPT_DB:
                        if (!*optarg)
                                r = cli_error(EXIT_USAGE, _("--db: expected a file name"));
                        c.db_path = optarg;
                        break;
                case 'h':
                        help = true;
                        break;
                case 'j':
                        c.json = true;
                        break;
                case CLI_OPT_NO_COLOR:
                        c.color = false;
                        break;
                case CLI_OPT_PROC_ROOT: {
                        /* Checked here: later it would be a socket scan that
                         * failed (exit 3) or a report silently without it. */
                        struct stat st;
                        if (!*optarg)
                                r = cli_error(EXIT_USAGE, _("--proc-root: expected a directory"));
                        else if (stat(optarg, &st) < 0)
                                r = cli_error(errno == ENOMEM ? EXIT_SYSTEM : EXIT_USAGE,
                                              _("--proc-root: %s: %s"), optarg, strerror(errno));
                        else if (!S_ISDIR(st.st_mode))
                                r = cli_error(EXIT_USAGE, _("--proc-root: %s: not a directory"),
                                              optarg);
                        c.proc_root = optarg;
                        break;
                }
                case 'p':
                        if (ps_proto_from_string(optarg, &c.proto) < 0)
                                r = cli_error(EXIT_USAGE,
                                              _("--protocol: unknown protocol \"%.40s\" (use tcp, "
                                                "udp, sctp, dccp or any)"),
                                              optarg);
                        break;
                case 'V': {
                        ps_db *db;
                        if ((r = cli_db(&c, &db)))
                                break;
                        char date[64];
                        printf(_("portscope %s (IANA registry %s)\n"), ps_version(),
                               ps_i18n_date(ps_db_date(db), date, sizeof(date)));
                        r = -1;
                        break;
                }
                case ':':
                        r = cli_error(EXIT_USAGE, _("%s: expects a value"), argv[optind - 1]);
                        break;
                case '?':
                        if (optopt && value_for_flag(opts, argv[optind - 1]))
                                r = cli_error(
                                        EXIT_USAGE, _("%.*s: takes no value"),
                                        (int)(strchr(argv[optind - 1], '=') - argv[optind - 1]),
                                        argv[optind - 1]);
                        else if (optopt >= '0' && optopt <= '9' &&
                                 negative_number(refused_word(argc, argv, optopt)))
                                r = cli_error(EXIT_USAGE,
                                              _("%s: not a port: negative numbers are not ports"),
                                              refused_word(argc, argv, optopt));
                        else if (optopt > ' ' && optopt < 0x7f)
                                r = cli_error(EXIT_USAGE, _("unknown option -%c (see %s)"), optopt,
                                              cmd ? "portscope help COMMAND" : "--help");
                        else
                                r = cli_error(EXIT_USAGE, _("unknown option %s (see %s)"),
                                              optopt ? refused_word(argc, argv, optopt)
                                                     : argv[optind - 1],
                                              cmd ? "portscope help COMMAND" : "--help");
                        break;
                default:
                        r = cmd && cmd->option ? cmd->option(&c, opt, optarg)
                                               : cli_error(EXIT_USAGE, _("unexpected option"));
                }
        }
        free(opts);
        free(shortopts);
        /* --help anywhere wins over everything but a bad option before it. */
        if (help && r <= 0) {
                if (cmd)
                        cli_command_help(stdout, cmd);
                else
                        cli_usage(stdout);
                r = -1;
        }
        if (r) {
                ps_db_free(c.db);
                return r < 0 ? flush_status(EXIT_FOUND) : r;
        }

        int nargs = argc - optind;
        char **args = argv + optind;
        if (nargs == 0) {
                cli_usage(stderr);
                return EXIT_USAGE;
        }
        if (cmd && (unsigned)(nargs - 1) < cmd->min_args && is_service_name(&c, cmd->name)) {
                /* A command word alone that is also a service's name. */
                r = cli_error(EXIT_USAGE,
                              _("%s: expected %s (for the service named \"%s\": "
                                "portscope name %s)"),
                              cmd->name, cmd->args, cmd->name, cmd->name);
        } else if (cmd) {
                r = cmd->run(&c, nargs - 1, args + 1);
        } else {
                r = run_words(&c, nargs, args);
        }
        r = flush_status(r);
        notes_cleanup(&c);
        ps_db_free(c.db);
        return r;
}
