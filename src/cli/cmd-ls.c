/* SPDX-License-Identifier: MIT */
/* `portscope ls`: listening sockets (or all), one row each, annotated with the
 * registered service and whether the process looks like it. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dynbuf.h"
#include "parse.h"
#include "sockets-view.h"

enum {
        OPT_ALL = 'a',
        OPT_TCP = 't',
        OPT_UDP = 'u',
        OPT_V4 = '4',
        OPT_V6 = '6',
        OPT_NDJSON = 0x300,
        OPT_PROCESS,
        OPT_USER,
};

static struct {
        bool all, ndjson;
        unsigned protocols, families;
        long long uid;
        const char *process; /* a name, or digits for a pid */
        int pid;             /* the pid when process is one */
} opt = { .uid = -1 };

const struct cli_option ls_options[] = {
        { NULL, OPT_V4, no_argument, NULL, N_("IPv4 sockets only"), NULL },
        { NULL, OPT_V6, no_argument, NULL, N_("IPv6 sockets only"), NULL },
        { "all", OPT_ALL, no_argument, NULL, N_("every socket, established ones too"), NULL },
        { "ndjson", OPT_NDJSON, no_argument, NULL, N_("one JSON object per line, one per socket"),
          NULL },
        { "process", OPT_PROCESS, required_argument, "NAME",
          N_("sockets held by a process name or pid"), NULL },
        { "port", OPT_SF_PORT, required_argument, "PORT",
          N_("local or remote port, range or service name"), NULL },
        { "tcp", OPT_TCP, no_argument, NULL, N_("TCP sockets"), NULL },
        { "udp", OPT_UDP, no_argument, NULL, N_("UDP sockets"), NULL },
        { "user", OPT_USER, required_argument, "USER", N_("sockets owned by a user name or uid"),
          NULL },
        { 0 },
};

int ls_option(struct cli *c, int o, const char *arg)
{
        uint64_t v;
        int r;
        switch (o) {
        case OPT_ALL:
                opt.all = true;
                return 0;
        case OPT_TCP:
                opt.protocols |= 1u << PS_PROTO_TCP;
                return 0;
        case OPT_UDP:
                opt.protocols |= 1u << PS_PROTO_UDP;
                return 0;
        case OPT_V4:
                opt.families |= PS_FAMILY_INET4;
                return 0;
        case OPT_V6:
                opt.families |= PS_FAMILY_INET6;
                return 0;
        case OPT_NDJSON:
                opt.ndjson = true;
                return 0;
        case OPT_PROCESS:
                if (!*arg || strlen(arg) > 64)
                        return cli_error(EXIT_USAGE,
                                         _("--process: expected a process name or pid"));
                /* Digits only are a pid; a name may start with a digit (3proxy). */
                r = ps_parse_uint(arg, 0x3fffffff, &v);
                if (r == -ERANGE || (r == 0 && v == 0))
                        return cli_error(EXIT_USAGE, _("--process: \"%s\" is not a pid"), arg);
                opt.pid = r == 0 ? (int)v : 0;
                opt.process = arg;
                return 0;
        case OPT_USER: {
                unsigned uid;
                if (cli_user_uid(arg, &uid))
                        opt.uid = uid;
                else if (ps_parse_uint(arg, 0xffffffffu, &v) == 0)
                        opt.uid = (long long)v;
                else
                        return cli_error(EXIT_USAGE, _("--user: no user \"%.40s\""), arg);
                return 0;
        }
        }
        return sockfilter_option(c, o, arg);
}

static bool process_matches(struct sockview *v, const ps_socket *s)
{
        if (!opt.process || opt.pid)
                return true;
        for (size_t i = 0; i < s->n_pids; i++) {
                const ps_process *p = sockview_process(v, s->pids[i]);
                if (p && (!strcmp(p->name, opt.process) || !strcmp(p->exe_basename, opt.process)))
                        return true;
        }
        return false;
}

struct row {
        const ps_socket *s;
        char local[64], remote[64], pid[24], user[33], proc[48], service[48], netns[24];
};

/* The columns of a row, in the order they are printed. */
enum { COL_LOCAL, COL_REMOTE, COL_PID, COL_USER, COL_PROC, COL_NETNS, COL_SERVICE, N_COLS };

/* A row as the table keeps it until the widths are known: its fields one
 * after the other in one buffer. Rows of 300 bytes each were 1.8 MB of fresh
 * pages with 6,000 sockets, most of ls's page faults. */
struct packed_row {
        const ps_socket *s;
        size_t off;
        unsigned char len[N_COLS];
        unsigned char cols[N_COLS]; /* columns on the terminal: names may be UTF-8 */
};

/* Copies src into dst[size], cut to fit: the row's fields, without printf. */
static void copy(char *dst, size_t size, const char *src)
{
        size_t n = src ? strnlen(src, size - 1) : 0;
        memcpy(dst, src, n);
        dst[n] = '\0';
}

/* The decimal digits of v at buf (24 bytes are enough); returns the end. */
static char *put_u64(char *buf, unsigned long long v)
{
        char tmp[24];
        size_t n = 0;
        do
                tmp[n++] = (char)('0' + v % 10);
        while ((v /= 10));
        while (n)
                *buf++ = tmp[--n];
        *buf = '\0';
        return buf;
}

/* Appends s (n bytes, cols columns on the terminal) to the line at *p, padded
 * with spaces to width columns, then one space unless last. The table is
 * built a row at a time in one buffer and written once: with 10,000 sockets,
 * printf's parsing of eight padded fields per row was a good part of ls's
 * time (docs/benchmarks.md). */
static void put_cell(char **p, const char *end, const char *s, size_t n, unsigned cols, int width,
                     bool right, bool last)
{
        size_t pad = width > (int)cols ? (size_t)width - cols : 0;
        if (*p + n + pad + 1 >= end)
                return;
        if (right) {
                memset(*p, ' ', pad);
                *p += pad;
        }
        memcpy(*p, s, n);
        *p += n;
        if (!right && !last) {
                memset(*p, ' ', pad);
                *p += pad;
        }
        if (!last)
                *(*p)++ = ' ';
}

/* A cell of the sockets' own text: addresses, numbers and names, as
 * sanitized, measured in bytes (one column each, as ss measures them). */
static void put_col(char **p, const char *end, const char *s, size_t n, int width, bool right,
                    bool last)
{
        put_cell(p, end, s, n, (unsigned)n, width, right, last);
}

/* The columns' headings, translated as df translates its own: their widths
 * are counted in columns, for Greek's two bytes a letter. */
enum {
        HEAD_PROTO,
        HEAD_STATE,
        HEAD_LOCAL,
        HEAD_PEER,
        HEAD_PID,
        HEAD_USER,
        HEAD_PROC,
        HEAD_NETNS,
        HEAD_SERVICE,
        N_HEADS
};

static void headings(bool all, const char *ret_text[N_HEADS], unsigned ret_cols[N_HEADS])
{
        /* TRANSLATORS: the column headings of "portscope ls" are short, in capitals. */
        ret_text[HEAD_PROTO] = _("PROTO");
        ret_text[HEAD_STATE] = _("STATE");
        ret_text[HEAD_LOCAL] = _("LOCAL ADDRESS");
        /* TRANSLATORS: the remote end of a connection, as a column heading. */
        ret_text[HEAD_PEER] = all ? _("PEER ADDRESS") : _("PEER");
        ret_text[HEAD_PID] = _("PID");
        ret_text[HEAD_USER] = _("USER");
        ret_text[HEAD_PROC] = _("PROCESS");
        /* TRANSLATORS: a network namespace, as a column heading. */
        ret_text[HEAD_NETNS] = _("NETNS");
        ret_text[HEAD_SERVICE] = _("SERVICE");
        for (int k = 0; k < N_HEADS; k++)
                ret_cols[k] = out_cols(ret_text[k], strlen(ret_text[k]));
}

static int max_int(int a, unsigned b)
{
        return (unsigned)a > b ? a : (int)b;
}

static void fill_row(struct sockview *v, const ps_socket *s, struct row *r, bool *marks)
{
        struct service_info si;
        r->s = s;
        endpoint(s, false, r->local, sizeof(r->local));
        endpoint(s, true, r->remote, sizeof(r->remote));
        const ps_process *p = s->n_pids ? sockview_process(v, s->pids[0]) : NULL;
        if (s->n_pids > 1)
                snprintf(r->pid, sizeof(r->pid), "%d+%zu", s->pids[0], s->n_pids - 1);
        else if (s->n_pids)
                put_u64(r->pid, (unsigned long long)s->pids[0]);
        else
                copy(r->pid, sizeof(r->pid), "-");
        if (s->netns)
                put_u64(r->netns, (unsigned long long)s->netns);
        else
                copy(r->netns, sizeof(r->netns), "-");
        copy(r->user, sizeof(r->user), sockview_user(p && p->have_uid ? p->uid : s->uid));
        copy(r->proc, sizeof(r->proc),
             p                            ? p->name
             : s->n_pids                  ? _("(exited)")
             : !s->inode                  ? _("(no process)")
             : s->owner_error == -EACCES  ? _("(hidden)")
             : s->owner_error == -ENODATA ? "-"
                                          : _("(unknown)"));
        sockview_service(v, s, &si);
        if (si.name) {
                /* "->NAME !", cut to the field as snprintf() would. */
                char *at = r->service, *end = r->service + sizeof(r->service) - 1;
                const char *parts[] = { si.local ? "" : "->", si.name,
                                        si.matches == 0 ? " !" : "" };
                for (size_t k = 0; k < 3; k++) {
                        size_t n = strlen(parts[k]);
                        if (n > (size_t)(end - at))
                                n = (size_t)(end - at);
                        memcpy(at, parts[k], n);
                        at += n;
                }
                *at = '\0';
                marks[0] |= si.matches == 0;
        } else if (si.local) {
                copy(r->service, sizeof(r->service), !strcmp(si.status, "none") ? "-" : si.status);
                marks[1] |= !strcmp(si.status, "unassigned");
        } else {
                copy(r->service, sizeof(r->service), "-");
        }
}

int cmd_ls(struct cli *c, int argc, char **argv)
{
        ps_socket_query q;
        struct sockview v;
        int r;

        if (argc != 0)
                return cli_error(EXIT_USAGE, _("ls: unexpected argument \"%.40s\""), argv[0]);
        ps_socket_query_init(&q);
        q.proc_root = c->proc_root;
        /* Containers' sockets too, where we may enter their namespaces. */
        q.flags |= PS_QUERY_ALL_NETNS;
        q.protocols = opt.protocols;
        if (c->proto != PS_PROTO_ANY)
                q.protocols |= 1u << c->proto;
        q.families = opt.families;
        q.uid = opt.uid;
        sockfilter_query(&sockfilter, &q);
        /* Listeners by default; a summary counts everything, as ss -s does. */
        if (!opt.all && !sockfilter.states && !sockfilter.summary)
                q.flags |= PS_QUERY_LISTENING;
        q.pid = opt.pid;
        /* A summary needs no owners, unless they choose what is counted. */
        if (sockfilter.summary && !opt.process)
                q.flags |= PS_QUERY_NO_OWNERS;
        if (sockfilter.watch)
                return sockets_watch(c, &q, process_matches, opt.ndjson);
        if ((r = sockview_collect(c, &q, &v)) < 0)
                return cli_error(EXIT_SYSTEM, _("ls: cannot list this machine's sockets: %s"),
                                 ps_strerror(r));
        sockview_index_listeners(&v);
        print_unsupported_note(&v, q.protocols);

        /* Keep the rows asked for. */
        size_t n, unknown;
        const ps_socket **keep = sockfilter_select(&v, process_matches, &n, &unknown);
        if (!keep) {
                sockview_free(&v);
                return cli_error(EXIT_SYSTEM, _("out of memory"));
        }

        r = 0;
        if (sockfilter.summary) {
                r = print_summary(c, &v, (const ps_socket *const *)keep, n);
                n = 1; /* a summary of nothing is still an answer */
        } else if (c->json || opt.ndjson) {
                /* Streamed, one socket at a time: a tree of 10,000 sockets would cost
                 * more to build and free than listing them. */
                static char obuf[1 << 16];
                setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
                if (!opt.ndjson)
                        printf("{\n  \"schema_version\": %d,\n  \"kind\": \"ls\",\n  \"sockets\": "
                               "[",
                               JSON_SCHEMA_VERSION);
                for (size_t i = 0; i < n && !r; i++) {
                        json_t *o = json_socket(&v, keep[i], opt.ndjson);
                        if (sockfilter.info)
                                json_object_set_new(o, "info", json_socket_info(keep[i]));
                        if (!opt.ndjson)
                                fputs(i ? ",\n    " : "\n    ", stdout);
                        if (json_line(o, opt.ndjson ? "\n" : "") < 0)
                                r = cli_error(EXIT_SYSTEM, _("writing output failed"));
                        json_decref(o);
                }
                if (!opt.ndjson && !r) {
                        json_t *meta = json_sockets_meta(&v);
                        fputs(n ? "\n  ],\n  \"scan\": " : "],\n  \"scan\": ", stdout);
                        if (json_line(meta, "\n}\n") < 0)
                                r = cli_error(EXIT_SYSTEM, _("writing output failed"));
                        json_decref(meta);
                }
        } else if (n) {
                struct packed_row *rows = malloc(n * sizeof(*rows));
                ps_dynbuf text;
                bool marks[2] = { false, false };
                ps_dynbuf_init(&text, SIZE_MAX);
                if (!rows) {
                        free(keep);
                        sockview_free(&v);
                        return cli_error(EXIT_SYSTEM, _("out of memory"));
                }
                const char *head[N_HEADS];
                unsigned head_cols[N_HEADS];
                headings(opt.all, head, head_cols);
                /* Widths in the order of cols[] below, then STATE and NETNS;
                 * at least the heading's, and 16 for a peer, 6 for UNCONN. */
                int w[7] = { (int)head_cols[HEAD_LOCAL],
                             max_int(16, head_cols[HEAD_PEER]),
                             (int)head_cols[HEAD_PID],
                             (int)head_cols[HEAD_USER],
                             (int)head_cols[HEAD_PROC],
                             max_int(6, head_cols[HEAD_STATE]),
                             0 };
                int w_proto = max_int(5, head_cols[HEAD_PROTO]);
                for (size_t i = 0; i < n; i++) {
                        struct row x;
                        struct packed_row *pr = &rows[i];
                        fill_row(&v, keep[i], &x, marks);
                        const char *cols[N_COLS] = { x.local, x.remote, x.pid,    x.user,
                                                     x.proc,  x.netns,  x.service };
                        char packed[sizeof(x)], *at = packed;
                        pr->s = x.s;
                        pr->off = text.len;
                        for (int k = 0; k < N_COLS; k++) {
                                size_t len = strlen(cols[k]);
                                pr->len[k] = (unsigned char)len; /* each under 64 bytes */
                                memcpy(at, cols[k], len);
                                at += len;
                                /* A user's or process's name, or a translated
                                 * "(hidden)", may take fewer columns than bytes. */
                                pr->cols[k] = k == COL_USER || k == COL_PROC
                                                      ? (unsigned char)out_cols(cols[k], len)
                                                      : pr->len[k];
                                if (k < 5 && (int)pr->cols[k] > w[k])
                                        w[k] = (int)pr->cols[k];
                        }
                        if (ps_dynbuf_add(&text, packed, (size_t)(at - packed)) < 0) {
                                free(rows);
                                ps_dynbuf_free(&text);
                                free(keep);
                                sockview_free(&v);
                                return cli_error(EXIT_SYSTEM, _("out of memory"));
                        }
                        const char *st = ps_sock_state_name(x.s->state, x.s->proto);
                        if ((int)strlen(st) > w[5])
                                w[5] = (int)strlen(st);
                        /* The NETNS column appears when a socket is in another one. */
                        if (x.s->netns && (int)pr->len[COL_NETNS] > w[6])
                                w[6] = (int)pr->len[COL_NETNS];
                }
                if (w[6])
                        w[6] = max_int(w[6], head_cols[HEAD_NETNS]);
                static char buf[1 << 16];
                setvbuf(stdout, buf, _IOFBF, sizeof(buf));
                /* The headings' cells: which column, width, right-aligned. */
                const struct {
                        int head, width;
                        bool right;
                } hc[] = { { HEAD_PROTO, w_proto, false }, { HEAD_STATE, w[5], false },
                           { HEAD_LOCAL, w[0], false },    { HEAD_PEER, w[1], false },
                           { HEAD_PID, w[2], true },       { HEAD_USER, w[3], false },
                           { HEAD_PROC, w[4], false },     { HEAD_NETNS, w[6], false },
                           { HEAD_SERVICE, 0, false } };
                char hline[1024], *hp = hline;
                for (size_t k = 0; k < PS_ELEMENTSOF_CLI(hc); k++)
                        if (hc[k].head != HEAD_NETNS || w[6])
                                put_cell(&hp, hline + sizeof(hline) - 1, head[hc[k].head],
                                         strlen(head[hc[k].head]), head_cols[hc[k].head],
                                         hc[k].width, hc[k].right, hc[k].head == HEAD_SERVICE);
                *hp = '\0';
                printf("%s%s%s\n", sty_bold(c), hline, sty_off(c));
                for (size_t i = 0; i < n; i++) {
                        const struct packed_row *x = &rows[i];
                        const char *f[N_COLS], *t = text.buf + x->off;
                        for (int k = 0; k < N_COLS; k++) {
                                f[k] = t;
                                t += x->len[k];
                        }
                        const char *proto = ps_proto_name(x->s->proto);
                        const char *state = ps_sock_state_name(x->s->state, x->s->proto);
                        char line[1024], *p = line, *end = line + sizeof(line) - 1;
                        put_col(&p, end, proto, strlen(proto), w_proto, false, false);
                        put_col(&p, end, state, strlen(state), w[5], false, false);
                        put_col(&p, end, f[COL_LOCAL], x->len[COL_LOCAL], w[0], false, false);
                        put_col(&p, end, f[COL_REMOTE], x->len[COL_REMOTE], w[1], false, false);
                        put_col(&p, end, f[COL_PID], x->len[COL_PID], w[2], true, false);
                        put_cell(&p, end, f[COL_USER], x->len[COL_USER], x->cols[COL_USER], w[3],
                                 false, false);
                        put_cell(&p, end, f[COL_PROC], x->len[COL_PROC], x->cols[COL_PROC], w[4],
                                 false, false);
                        if (w[6])
                                put_col(&p, end, f[COL_NETNS], x->len[COL_NETNS], w[6], false,
                                        false);
                        put_col(&p, end, f[COL_SERVICE], x->len[COL_SERVICE], 0, false, true);
                        *p++ = '\n';
                        fwrite(line, 1, (size_t)(p - line), stdout);
                        if (sockfilter.info) {
                                char info[256];
                                printf("      %s%s%s\n", sty_dim(c),
                                       socket_info_text(x->s, info, sizeof(info)), sty_off(c));
                        }
                }
                if (marks[0] || marks[1])
                        printf("\n%s%s%s%s%s\n", sty_dim(c),
                               marks[0] ? _("! the process does not look like the registered "
                                            "service.")
                                        : "",
                               marks[0] && marks[1] ? " " : "",
                               marks[1] ? _("unassigned: IANA has not assigned the port.") : "",
                               sty_off(c));
                free(rows);
                ps_dynbuf_free(&text);
                print_unreadable_note(&v, unknown);
        } else {
                /* Only without --all or --state are the sockets listeners only. */
                fprintf(stderr, "portscope: %s\n",
                        opt.all || sockfilter.states ? _("no socket matches")
                                                     : _("no listening socket matches"));
        }
        free(keep);
        sockview_free(&v);
        if (fflush(stdout) == EOF && !r)
                r = cli_error(EXIT_SYSTEM, _("writing output failed"));
        return r ? r : n ? EXIT_FOUND : EXIT_NOTFOUND;
}
