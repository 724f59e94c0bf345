/* SPDX-License-Identifier: MIT */
/* Shared state and helpers of the portscope command-line tool. */
#ifndef PS_CLI_H
#define PS_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "i18n.h"
#include "json-record.h"
#include "portscope/portscope.h"
#include "ps-limits.h"

#define ARG_MAX_LEN PS_ARG_MAX /* longer arguments are refused before parsing */

/* Exit statuses, documented in portscope(1). */
enum {
        EXIT_FOUND = 0,    /* the answer was found */
        EXIT_NOTFOUND = 1, /* the question was fine; nothing matched */
        EXIT_USAGE = 2,    /* bad usage or bad input */
        EXIT_SYSTEM = 3,   /* the system failed us: memory, I/O */
};

struct cli {
        ps_db *db;
        bool json;
        bool color;
        ps_proto proto; /* --protocol, PS_PROTO_ANY when not given */
        const char *db_path;
        const char *proc_root;
        ps_notes *notes; /* loaded on first use by cli_notes() */
};

/*
 * One option of a command (or of every command): its getopt entry, its help
 * line and what its value completes to. Each command file keeps its options
 * beside their handler; the command table (commands.c) points at them, and
 * dispatch, help, the man page test and the shell completions all read them
 * from there.
 */
struct cli_option {
        const char *name;   /* long name; NULL for a short option alone (-4) */
        int val;            /* getopt's value: the letter when printable */
        int has_arg;        /* no_argument, required_argument or optional_argument */
        const char *arg;    /* the value's name in help ("PATH"), or NULL */
        const char *help;   /* N_(): what it does, one line */
        const char *values; /* what the value completes to: words, "@file", "@dir" */
};

/* One command: the table in commands.c drives dispatch, help and completions. */
struct command {
        const char *name;
        const char *args;     /* the synopsis after the name: "PORT[/PROTO]" */
        const char *summary;  /* N_(): one line for the command list */
        const char *example;  /* a whole command line */
        const char *complete; /* what its arguments complete to: "@port", "@file", "@command" */
        unsigned min_args;
        int (*run)(struct cli *c, int argc, char **argv);
        const struct cli_option *options[3]; /* its own, then shared ones; NULL-terminated */
        int (*option)(struct cli *c, int opt, const char *arg);
};

/* Values of the global options with no letter (cli_global_options). */
enum { CLI_OPT_DB = 0x100, CLI_OPT_NO_COLOR, CLI_OPT_PROC_ROOT };

extern const struct command cli_commands[];
extern const size_t cli_n_commands;
extern const struct cli_option cli_global_options[];
const struct command *cli_find_command(const char *name);
/* The command closest to word by edit distance, when it is close enough to be a typo. */
const struct command *cli_closest_command(const char *word);
/* Help: the whole program's, or one command's (portscope help CMD). */
void cli_usage(FILE *f);
void cli_command_help(FILE *f, const struct command *cmd);
int cmd_help(struct cli *c, int argc, char **argv);
/* Prints the bash, zsh or fish completion script generated from the table. */
int cli_completion(const char *shell);
/* Maps this program's code and the stack and heap a command needs up front,
 * and keeps freed memory for reuse rather than fresh pages. */
void cli_prefault(void);

/* Loads the registry on first use, so commands that do not need it skip the cost. */
int cli_db(struct cli *c, ps_db **ret_db);

/* Messages: "portscope: " + text + "\n" on stderr. Return the status given. */
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The message for a failed library call, mapped to an exit status. */
int cli_fail(int code, const char *what);

/* Terminal styling; empty strings when colour is off. */
const char *sty_bold(const struct cli *c);
const char *sty_dim(const struct cli *c);
const char *sty_head(const struct cli *c);
const char *sty_warn(const struct cli *c);
const char *sty_off(const struct cli *c);

/* Prints text wrapped to width, every line after the first indented by indent. */
void out_wrap(FILE *f, const char *text, unsigned indent, unsigned first_col, unsigned width);
unsigned out_width(void);
/* The columns UTF-8 text takes on a terminal (Greek and Uyghur letters are
 * several bytes but one column each). */
unsigned out_cols(const char *s, size_t n);
/* s followed by spaces up to width columns, for a table's column: what
 * "%-12s" does for ASCII, by display width. Cut at OUT_PAD_MAX - 1 bytes. */
#define OUT_PAD_MAX 256
const char *out_padded(const char *s, unsigned width, char buf[OUT_PAD_MAX]);
/* Spaces up to width columns, then s: what "%12s" does for ASCII. */
const char *out_padded_right(const char *s, unsigned width, char buf[OUT_PAD_MAX]);

/* Writes doc to stdout, then frees it; EXIT_SYSTEM when the write fails
 * or when any part of the document could not be built. */
int json_emit(json_t *doc);

/* "1712" or "811-827"; buf needs 12 bytes. */
const char *port_label(const ps_record *rec, char *buf, size_t size);
/* Text block for one group of records that differ only in protocol. */
void print_record_group(const struct cli *c, const ps_report_group *g);

int cmd_port(struct cli *c, int argc, char **argv);
int cmd_name(struct cli *c, int argc, char **argv);
/* `portscope name NAME[/PROTO]`: cmd_name with the protocol split off. */
int cmd_name_proto(struct cli *c, int argc, char **argv);
int cmd_range(struct cli *c, int argc, char **argv);
int cmd_search(struct cli *c, int argc, char **argv);
int cmd_info(struct cli *c, int argc, char **argv);
int cmd_notes(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_suggest(struct cli *c, int argc, char **argv);

/* Command-specific options (struct command in commands.c). */
extern const struct cli_option audit_options[], suggest_options[];
int audit_option(struct cli *c, int opt, const char *arg);
int suggest_option(struct cli *c, int opt, const char *arg);

/* Knowledge notes and nmap prevalence (src/notes-report.c). */
int cli_notes(struct cli *c, ps_notes **ret_notes);
void notes_cleanup(struct cli *c);
/* The report's Notes section and prevalence lines. */
void print_notes_section(struct cli *c, const ps_port_report *r);
/* A note's body for the terminal at indent, wrapped to width (the terminal
 * form psnotes compiled into the notes image). */
void notes_print_body(FILE *f, const ps_notes *notes, const ps_note *note, unsigned indent,
                      unsigned width);
#define SEARCH_NOTES_MAX 50
/* Notes matching query: printed (after a blank line when gap), or added to doc
 * as "notes" and "notes_total" when doc is given. Returns how many matched, or
 * -1 after printing an error. */
int search_notes(struct cli *c, const char *query, bool gap);

/* Registry updates: update, diff, export (cmd-update.c, cmd-diff.c, cmd-export.c). */

int cmd_update(struct cli *c, int argc, char **argv);
extern const struct cli_option update_options[];
int update_option(struct cli *c, int opt, const char *arg);
int cmd_diff(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
extern const struct cli_option diff_options[], export_options[];
int diff_option(struct cli *c, int opt, const char *arg);
int export_option(struct cli *c, int opt, const char *arg);
/* Opens "builtin", a compiled database or an IANA XML/CSV file; one-line
 * error and an exit status on failure. */
int cli_open_source(const char *arg, ps_db **ret_db);

/* Local sockets (src/cmd-who.c, src/cmd-ls.c, src/sockets-view.c). */
extern const struct cli_option ls_options[], who_options[];
/* The socket states --state takes, for help and completions. */
#define STATE_WORDS                                                                                \
        "listen estab unconn syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait close-wait "        \
        "last-ack closing"
int ls_option(struct cli *c, int opt, const char *arg);
int who_option(struct cli *c, int opt, const char *arg);
int cmd_ls(struct cli *c, int argc, char **argv);
int cmd_who(struct cli *c, int argc, char **argv);
/* The port report's listeners (the model's list): blocks under "On this
 * machine", and their JSON array (null without a list). */
void port_sockets_print(struct cli *c, const ps_socket_list *list);
json_t *port_sockets_json(struct cli *c, const ps_socket_list *list);

/* The commands portscope-full runs (src/cli/helpers.c): their options are
 * in commands-full.c, so that portscope lists them without linking them. */
enum { VOTES_OPT_CSV = 0x300, VOTES_OPT_VOTES };
enum { DIFF_OPT_ALL = 0x200 };
enum { EXPORT_OPT_FORMAT = 'f' };
enum { UPDATE_OPT_FETCH = 0x600, UPDATE_OPT_TIMEOUT };
enum {
        EXPORTER_OPT_CONFIG = 0x500,
        EXPORTER_OPT_LISTEN,
        EXPORTER_OPT_NETNS,
        EXPORTER_OPT_TEXTFILE,
};
/* Where the helper program name is: beside this program (the build tree),
 * else where meson installed it. */
void cli_helper_path(const char *name, char *buf, size_t size);
/* Runs the command line argv in portscope-full; returns only on failure. */
int cli_exec_full(char **argv);
/* Runs the program at path with argv and waits for it: what it writes to
 * standard output into out (size bytes with the NUL, cut there), its
 * standard error to /dev/null when quiet, its wait status in *ret_status.
 * A negative errno when it could not run (*ret_ran false) or be waited for. */
int cli_run_read(const char *path, char *const argv[], bool quiet, char *out, size_t size,
                 int *ret_status, bool *ret_ran);

/* Login names: NSS (src/cli/users-nss.c), or in the static portscope,
 * /etc/passwd and then getent(1) (src/cli/users-static.c). */
/* uid's login name into buf; false when it has none (or it does not fit). */
bool cli_user_name(unsigned uid, char *buf, size_t size);
/* The uid of a login name; false when there is no such user. */
bool cli_user_uid(const char *name, unsigned *ret_uid);

/* The site's vote tallies (src/cli/cmd-votes.c). */
extern const struct cli_option votes_options[];
int votes_option(struct cli *c, int opt, const char *arg);
int cmd_votes(struct cli *c, int argc, char **argv);

/* The Prometheus exporter (src/exporter/). */
extern const struct cli_option exporter_options[];
int exporter_option(struct cli *c, int opt, const char *arg);
int cmd_exporter(struct cli *c, int argc, char **argv);

/* Parses a port argument with a one-line error; returns 0 or EXIT_USAGE. */
int cli_parse_spec(const char *arg, ps_port_spec *ret_spec);

#endif
