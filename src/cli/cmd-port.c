/* SPDX-License-Identifier: MIT */
/* `portscope PORT`, `portscope NAME` and `portscope LOW-HIGH`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define MAX_RECS 512 /* records shown for one port; no port has nearly this many */

int cli_parse_spec(const char *arg, ps_port_spec *ret_spec)
{
        int r = ps_parse_port_spec(arg, ret_spec);
        if (r >= 0)
                return 0;
        const char *slash = strchr(arg, '/');
        switch (r) {
        case -EPROTONOSUPPORT:
                return cli_error(EXIT_USAGE,
                                 "%s: unknown protocol \"%s\" (use tcp, udp, sctp or dccp)", arg,
                                 slash ? slash + 1 : "");
        case -ERANGE:
                if (strchr(arg, '-') && !slash) {
                        ps_port_spec dummy;
                        if (ps_parse_port_spec(arg, &dummy) == -ERANGE && strlen(arg) < 13) {
                                unsigned a, b;
                                char x;
                                if (sscanf(arg, "%u-%u%c", &a, &b, &x) == 2 && a > b && b <= 65535)
                                        return cli_error(EXIT_USAGE,
                                                         "%s: the range is backwards (low-high, "
                                                         "e.g. %u-%u)",
                                                         arg, b, a);
                        }
                }
                return cli_error(EXIT_USAGE, "%.40s%s: port out of range (ports are 0-65535)", arg,
                                 strlen(arg) > 40 ? "..." : "");
        default:
                if (arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9')
                        return cli_error(EXIT_USAGE,
                                         "%s: not a port: negative numbers are not ports", arg);
                if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X'))
                        return cli_error(EXIT_USAGE,
                                         "%s: not a port: write ports in decimal (0-65535)", arg);
                return cli_error(EXIT_USAGE, "%.40s%s: not a port number (ports are 0-65535)", arg,
                                 strlen(arg) > 40 ? "..." : "");
        }
}

/* Collects the records for a port into recs (at most MAX_RECS). */
static size_t collect_port(const ps_db *db, unsigned port, ps_proto proto, ps_record *recs)
{
        ps_iter it;
        size_t n = 0;
        ps_iter_port(&it, db, port, proto);
        while (n < MAX_RECS && ps_iter_next(&it, &recs[n]) > 0)
                n++;
        return n;
}

static void print_people(const struct cli *c, const char *label, const ps_record *r, bool contacts)
{
        unsigned n = contacts ? r->n_contacts : r->n_assignees;
        for (unsigned i = 0; i < n; i++) {
                ps_person p;
                if ((contacts ? ps_record_contact(c->db, r, i, &p)
                              : ps_record_assignee(c->db, r, i, &p)) < 0)
                        continue;
                printf("    %-12s %s", i ? "" : label, *p.name ? p.name : *p.org ? p.org : p.id);
                if (*p.name && *p.org)
                        printf(", %s", p.org);
                if (*p.uri)
                        printf(" %s<%s>%s", sty_dim(c), p.uri, sty_off(c));
                putchar('\n');
        }
}

static bool people_equal(const ps_db *db, const ps_record *r)
{
        if (r->n_assignees != r->n_contacts)
                return false;
        for (unsigned i = 0; i < r->n_assignees; i++) {
                ps_person a, b;
                if (ps_record_assignee(db, r, i, &a) < 0 || ps_record_contact(db, r, i, &b) < 0 ||
                    a.id != b.id)
                        return false;
        }
        return true;
}

static void field(const struct cli *c, const char *label, const char *text)
{
        if (!text || !*text)
                return;
        printf("    %-12s ", label);
        out_wrap(stdout, text, 17, 17, out_width());
}

void print_record_group(const struct cli *c, const ps_record *recs, size_t n, bool show_port)
{
        const ps_record *r = &recs[0];
        char pb[16];

        printf("  %s%s%s", sty_bold(c), *r->name ? r->name : r->description, sty_off(c));
        if (show_port && (r->flags & PS_REC_HAS_PORT))
                printf("  %s", port_label(r, pb, sizeof(pb)));
        printf("  ");
        for (size_t i = 0; i < n; i++)
                printf("%s%s", i ? ", " : "",
                       recs[i].proto ? ps_proto_name(recs[i].proto) : "any protocol");
        if (!(r->flags & PS_REC_HAS_PORT))
                printf("  %s(no port: a name-only registration)%s", sty_dim(c), sty_off(c));
        putchar('\n');
        if (*r->name)
                field(c, "Description", r->description);
        if (people_equal(c->db, r)) {
                print_people(c, r->n_assignees ? "Assignee" : "", r, false);
        } else {
                print_people(c, "Assignee", r, false);
                print_people(c, "Contact", r, true);
        }
        if (*r->registered || *r->modified) {
                printf("    %-12s ", "Dates");
                if (*r->registered)
                        printf("registered %s", r->registered);
                if (*r->modified)
                        printf("%smodified %s", *r->registered ? ", " : "", r->modified);
                putchar('\n');
        }
        for (unsigned i = 0; i < r->n_refs; i++) {
                ps_ref ref;
                char url[1024];
                if (ps_record_ref(c->db, r, i, &ref) < 0)
                        continue;
                const char *label = i ? "" : "References";
                if (ps_ref_url(&ref, url, sizeof(url)) >= 0) {
                        if (ref.type == PS_REF_URI)
                                printf("    %-12s %s\n", label, url);
                        else
                                printf("    %-12s %s %s%s%s\n", label, ref.data, sty_dim(c), url,
                                       sty_off(c));
                } else {
                        printf("    %-12s ", label);
                        out_wrap(stdout, ref.data, 17, 17, out_width());
                }
        }
        field(c, "Notes", r->note);
        if (*r->unauthorized) {
                printf("    %s%-12s%s ", sty_warn(c), "Unauthorized", sty_off(c));
                out_wrap(stdout, r->unauthorized, 17, 17, out_width());
        }
        if (*r->service_code)
                printf("    %-12s %s\n", "Service code", r->service_code);
}

/* Prints groups of records that differ only in protocol; returns groups printed. */
static size_t print_groups(const struct cli *c, const ps_record *recs, size_t n, bool show_port)
{
        bool *done = calloc(n ? n : 1, sizeof(bool));
        ps_record *grp = malloc((n ? n : 1) * sizeof(ps_record));
        size_t groups = 0;
        if (!done || !grp) {
                free(done);
                free(grp);
                return 0;
        }
        for (size_t i = 0; i < n; i++) {
                if (done[i])
                        continue;
                size_t k = 0;
                for (size_t j = i; j < n; j++)
                        if (!done[j] && record_same_but_proto(c->db, &recs[i], &recs[j])) {
                                grp[k++] = recs[j];
                                done[j] = true;
                        }
                if (groups++)
                        putchar('\n');
                print_record_group(c, grp, k, show_port);
        }
        free(done);
        free(grp);
        return groups;
}

enum { CHK_SS, CHK_LSOF, CHK_MAC_NETSTAT, CHK_WIN_NETSTAT, CHK_WIN_PS, _CHK_MAX };

/* The commands a person would type to see who uses the port, per system. */
static void check_commands(unsigned port, ps_proto proto, char buf[_CHK_MAX][160])
{
        bool tcp = proto == PS_PROTO_ANY || proto == PS_PROTO_TCP;
        bool udp = proto == PS_PROTO_ANY || proto == PS_PROTO_UDP;
        const char *ssflags = tcp && udp ? "-tuapn" : tcp ? "-tapn" : udp ? "-uapn" : "-Sapn";
        const char *lsof = tcp && udp ? " " : tcp ? "TCP" : "UDP";

        snprintf(buf[CHK_SS], 160, "ss %s 'sport = :%u or dport = :%u'", ssflags, port, port);
        snprintf(buf[CHK_LSOF], 160, "sudo lsof -nP -i%s:%u", lsof, port);
        snprintf(buf[CHK_MAC_NETSTAT], 160, "netstat -anv -p %s | grep '[.]%u '",
                 udp && !tcp ? "udp" : "tcp", port);
        snprintf(buf[CHK_WIN_NETSTAT], 160, "netstat -ano | findstr :%u", port);
        snprintf(buf[CHK_WIN_PS], 160, "Get-Net%s -LocalPort %u | Select-Object OwningProcess",
                 udp && !tcp ? "UDPEndpoint" : "TCPConnection", port);
}

static json_t *json_host(const ps_host_ports *h, unsigned port)
{
        json_t *o = json_object();
        if (h->have_ephemeral)
                json_object_set_new(o, "ephemeral",
                                    json_pack("{s:i, s:i, s:b}", "low", h->ephemeral_lo, "high",
                                              h->ephemeral_hi, "contains",
                                              ps_host_port_ephemeral(h, port)));
        else
                json_object_set_new(o, "ephemeral", json_null());
        json_object_set_new(o, "reserved",
                            h->have_reserved ? json_boolean(ps_host_port_reserved(h, port))
                                             : json_null());
        json_object_set_new(o, "unprivileged_port_start",
                            h->have_unprivileged ? json_integer(h->unprivileged_start)
                                                 : json_null());
        json_object_set_new(o, "privileged", json_boolean(ps_host_port_privileged(h, port)));
        return o;
}

static void print_host(const struct cli *c, const ps_host_ports *h, unsigned port)
{
        char line[512];
        unsigned w = out_width();
        printf("%sOn this machine%s\n", sty_head(c), sty_off(c));
        if (h->have_ephemeral) {
                if (ps_host_port_ephemeral(h, port))
                        snprintf(line, sizeof(line),
                                 "Inside the ephemeral range %u-%u "
                                 "(net.ipv4.ip_local_port_range): the kernel may hand this port "
                                 "to any outgoing connection, so a service that binds it can "
                                 "fail at random.",
                                 h->ephemeral_lo, h->ephemeral_hi);
                else
                        snprintf(line, sizeof(line),
                                 "Outside the ephemeral range %u-%u "
                                 "(net.ipv4.ip_local_port_range): the kernel will not pick it "
                                 "for outgoing connections.",
                                 h->ephemeral_lo, h->ephemeral_hi);
                printf("  ");
                out_wrap(stdout, line, 2, 2, w);
        }
        if (h->have_reserved) {
                printf("  ");
                out_wrap(stdout,
                         ps_host_port_reserved(h, port)
                                 ? "Listed in net.ipv4.ip_local_reserved_ports: kept out of "
                                   "the ephemeral pool for a service."
                                 : "Not in net.ipv4.ip_local_reserved_ports.",
                         2, 2, w);
        }
        unsigned start = h->have_unprivileged ? h->unprivileged_start : 1024;
        if (ps_host_port_privileged(h, port))
                snprintf(line, sizeof(line),
                         "Privileged: below net.ipv4.ip_unprivileged_port_start (%u), so "
                         "binding it needs root or CAP_NET_BIND_SERVICE.",
                         start);
        else
                snprintf(line, sizeof(line),
                         "Unprivileged: at or above net.ipv4.ip_unprivileged_port_start (%u), "
                         "so any user may bind it.",
                         start);
        printf("  ");
        out_wrap(stdout, line, 2, 2, w);
}

static int port_report(struct cli *c, unsigned port, ps_proto proto)
{
        static ps_record recs[MAX_RECS];
        ps_range_info ri;
        ps_host_ports *host = malloc(sizeof(*host));
        char cmds[_CHK_MAX][160];
        int r;

        if (!host)
                return cli_error(EXIT_SYSTEM, "out of memory");
        if ((r = ps_host_ports_read(c->proc_root, host)) < 0) {
                free(host);
                return cli_fail(r, "reading this machine's port settings");
        }
        ps_range_classify(port, &ri);
        size_t n = collect_port(c->db, port, proto, recs);
        check_commands(port, proto, cmds);
        size_t assigned = 0;
        for (size_t i = 0; i < n; i++)
                if (!(recs[i].flags & (PS_REC_UNASSIGNED | PS_REC_RESERVED)))
                        assigned++;

        if (c->json) {
                json_t *doc = json_object(), *arr = json_array();
                for (size_t i = 0; i < n; i++)
                        json_array_append_new(arr, json_record(c->db, &recs[i]));
                json_object_set_new(doc, "port", json_integer(port));
                json_object_set_new(doc, "protocol",
                                    proto == PS_PROTO_ANY ? json_null()
                                                          : json_string(ps_proto_name(proto)));
                json_object_set_new(doc, "range",
                                    json_pack("{s:s, s:i, s:i, s:s, s:s, s:s}", "class", ri.id,
                                              "low", ri.lo, "high", ri.hi, "title", ri.title, "aka",
                                              ri.aka, "explanation", ri.explain));
                json_object_set_new(doc, "host", json_host(host, port));
                json_object_set_new(doc, "sockets", port_sockets_json(c, port, proto));
                json_object_set_new(doc, "registry_date", json_string(ps_db_date(c->db)));
                json_object_set_new(doc, "records", arr);
                json_t *notes = json_notes_for_port(c, port, proto);
                size_t n_notes = json_array_size(notes);
                json_object_set_new(doc, "notes", notes);
                json_object_set_new(doc, "nmap", json_prevalence(c, port, proto));
                json_object_set_new(doc, "check",
                                    json_pack("{s:[s,s], s:[s,s], s:[s,s]}", "linux", cmds[CHK_SS],
                                              cmds[CHK_LSOF], "macos", cmds[CHK_LSOF],
                                              cmds[CHK_MAC_NETSTAT], "windows",
                                              cmds[CHK_WIN_NETSTAT], cmds[CHK_WIN_PS]));
                free(host);
                r = json_emit(json_doc("port_report", doc));
                return r ? r : n || n_notes ? EXIT_FOUND : EXIT_NOTFOUND;
        }

        unsigned w = out_width();
        /* Title: the port and what it is, in one line. */
        printf("%sPort %u%s", sty_bold(c), port, sty_off(c));
        if (proto != PS_PROTO_ANY)
                printf("/%s", ps_proto_name(proto));
        if (assigned) {
                for (size_t i = 0; i < n; i++)
                        if (!(recs[i].flags & (PS_REC_UNASSIGNED | PS_REC_RESERVED))) {
                                printf(": %s (%s)", recs[i].name, recs[i].description);
                                break;
                        }
        } else if (n) {
                char pb[16];
                printf(": %s", recs[0].flags & PS_REC_RESERVED ? "Reserved" : "Unassigned");
                if (recs[0].port_lo != recs[0].port_hi)
                        printf(" (part of %s)", port_label(&recs[0], pb, sizeof(pb)));
        } else {
                printf(": not registered");
        }
        printf("\n\n");

        printf("%sRange%s\n  %s (%u-%u), also called \"%s\".\n  ", sty_head(c), sty_off(c),
               ri.title, ri.lo, ri.hi, ri.aka);
        out_wrap(stdout, ri.explain, 2, 2, w);
        putchar('\n');
        print_host(c, host, port);
        port_sockets_print(c, port, proto);
        free(host);
        putchar('\n');

        printf("%sIANA registry%s %s(%s)%s\n", sty_head(c), sty_off(c), sty_dim(c),
               ps_db_date(c->db), sty_off(c));
        if (n) {
                print_groups(c, recs, n, recs[0].port_lo != recs[0].port_hi || n > 1);
        } else if (ri.cls == PS_RANGE_DYNAMIC) {
                printf("  ");
                out_wrap(stdout,
                         "Nothing is registered: IANA does not assign ports in the dynamic "
                         "range.",
                         2, 2, w);
        } else {
                printf("  Nothing is registered for this port%s%s.\n",
                       proto != PS_PROTO_ANY ? " over " : "",
                       proto != PS_PROTO_ANY ? ps_proto_name(proto) : "");
        }
        if (n && !assigned) {
                putchar('\n');
                printf("  ");
                out_wrap(stdout,
                         ri.cls == PS_RANGE_SYSTEM
                                 ? "No standard service uses this port. A listener here is "
                                   "legacy software, an in-house service or something hiding "
                                   "in unused space: find out which."
                                 : "No service is registered here; software that uses it "
                                   "does so unofficially.",
                         2, 2, w);
        }
        putchar('\n');
        size_t n_notes = print_notes_section(c, port, proto);

        printf("%sCheck what uses it%s\n", sty_head(c), sty_off(c));
        printf("  %-9s%s\n  %-9s%s\n", "Linux", cmds[CHK_SS], "", cmds[CHK_LSOF]);
        printf("  %-9s%s\n  %-9s%s\n", "macOS", cmds[CHK_LSOF], "", cmds[CHK_MAC_NETSTAT]);
        printf("  %-9s%s\n  %-9s%s\n", "Windows", cmds[CHK_WIN_NETSTAT], "", cmds[CHK_WIN_PS]);
        return n || n_notes ? EXIT_FOUND : EXIT_NOTFOUND;
}

int cmd_port(struct cli *c, int argc, char **argv)
{
        ps_port_spec spec;
        ps_db *db;
        int r;
        if (argc != 1)
                return cli_error(EXIT_USAGE, "port: expected one PORT[/PROTO] argument");
        if ((r = cli_parse_spec(argv[0], &spec)))
                return r;
        if (spec.lo != spec.hi)
                return cmd_range(c, argc, argv);
        if ((r = cli_db(c, &db)))
                return r;
        ps_proto proto = spec.proto != PS_PROTO_ANY ? spec.proto : c->proto;
        if (spec.proto != PS_PROTO_ANY && c->proto != PS_PROTO_ANY && spec.proto != c->proto)
                return cli_error(EXIT_USAGE, "%s: conflicts with --protocol %s", argv[0],
                                 ps_proto_name(c->proto));
        return port_report(c, spec.lo, proto);
}

static void print_row(const struct cli *c, const ps_record *r, const char *protos)
{
        char pb[16];
        printf("%-11s %-10s %s%-18s%s ", port_label(r, pb, sizeof(pb)), protos, sty_bold(c),
               *r->name ? r->name : "-", sty_off(c));
        out_wrap(stdout, r->description, 42, 42, out_width());
}

/* One line per group of records that differ only in protocol. */
static size_t print_rows(const struct cli *c, ps_iter *it)
{
        ps_record prev, cur;
        char protos[64] = "";
        size_t rows = 0;
        int have = 0;
        while (ps_iter_next(it, &cur) > 0) {
                if (have && record_same_but_proto(c->db, &prev, &cur)) {
                        size_t l = strlen(protos);
                        snprintf(protos + l, sizeof(protos) - l, ",%s", ps_proto_name(cur.proto));
                        continue;
                }
                if (have) {
                        print_row(c, &prev, protos);
                        rows++;
                }
                prev = cur;
                snprintf(protos, sizeof(protos), "%s", cur.proto ? ps_proto_name(cur.proto) : "-");
                have = 1;
        }
        if (have) {
                print_row(c, &prev, protos);
                rows++;
        }
        return rows;
}

int cmd_range(struct cli *c, int argc, char **argv)
{
        ps_port_spec spec;
        ps_iter it;
        ps_record rec;
        ps_db *db;
        int r;
        if (argc != 1)
                return cli_error(EXIT_USAGE, "range: expected one LOW-HIGH[/PROTO] argument");
        if ((r = cli_parse_spec(argv[0], &spec)) || (r = cli_db(c, &db)))
                return r;
        ps_proto proto = spec.proto != PS_PROTO_ANY ? spec.proto : c->proto;
        if (spec.proto != PS_PROTO_ANY && c->proto != PS_PROTO_ANY && spec.proto != c->proto)
                return cli_error(EXIT_USAGE, "%s: conflicts with --protocol %s", argv[0],
                                 ps_proto_name(c->proto));
        ps_iter_range(&it, db, spec.lo, spec.hi, proto);
        if (c->json) {
                json_t *doc = json_object(), *arr = json_array();
                while (ps_iter_next(&it, &rec) > 0)
                        json_array_append_new(arr, json_record(db, &rec));
                size_t n = json_array_size(arr);
                json_object_set_new(doc, "low", json_integer(spec.lo));
                json_object_set_new(doc, "high", json_integer(spec.hi));
                json_object_set_new(doc, "protocol",
                                    proto == PS_PROTO_ANY ? json_null()
                                                          : json_string(ps_proto_name(proto)));
                json_object_set_new(doc, "registry_date", json_string(ps_db_date(db)));
                json_object_set_new(doc, "records", arr);
                r = json_emit(json_doc("range_report", doc));
                return r ? r : n ? EXIT_FOUND : EXIT_NOTFOUND;
        }
        size_t rows = print_rows(c, &it);
        if (!rows) {
                fprintf(stderr, "portscope: %u-%u: nothing registered in this range\n", spec.lo,
                        spec.hi);
                return EXIT_NOTFOUND;
        }
        return EXIT_FOUND;
}

/* Other names registered on the same port and protocol: aliases and history. */
static void print_aliases(const struct cli *c, const ps_record *r)
{
        ps_iter it;
        ps_record o;
        char seen[1024] = "";
        size_t len = 0;
        if (!(r->flags & PS_REC_HAS_PORT) || r->port_lo != r->port_hi)
                return;
        ps_iter_port(&it, c->db, r->port_lo, r->proto);
        while (ps_iter_next(&it, &o) > 0) {
                if (!*o.name || !strcasecmp(o.name, r->name) || o.port_lo != o.port_hi)
                        continue;
                char needle[80];
                snprintf(needle, sizeof(needle), " %s,", o.name);
                if (strstr(seen, needle))
                        continue;
                int k = snprintf(seen + len, sizeof(seen) - len, " %s,", o.name);
                if (k < 0 || (size_t)k >= sizeof(seen) - len)
                        break;
                len += (size_t)k;
        }
        if (!len)
                return;
        seen[len - 1] = '\0';
        printf("    %-12s", "Same port");
        out_wrap(stdout, seen, 17, 16, out_width());
}

int cmd_name(struct cli *c, int argc, char **argv)
{
        static ps_record recs[MAX_RECS];
        ps_iter it;
        ps_db *db;
        int r;
        size_t n = 0;
        if (argc != 1)
                return cli_error(EXIT_USAGE, "name: expected one service NAME");
        const char *name = argv[0];
        if (!*name)
                return cli_error(EXIT_USAGE, "an empty argument is neither a port nor a name");
        if (strlen(name) > 64)
                return cli_error(EXIT_USAGE,
                                 "%.32s...: too long for a service name (IANA names "
                                 "have at most 15 characters)",
                                 name);
        if ((r = cli_db(c, &db)))
                return r;
        ps_iter_name(&it, db, name, c->proto);
        while (n < MAX_RECS && ps_iter_next(&it, &recs[n]) > 0)
                n++;

        if (c->json) {
                json_t *doc = json_object(), *arr = json_array();
                for (size_t i = 0; i < n; i++)
                        json_array_append_new(arr, json_record(db, &recs[i]));
                json_object_set_new(doc, "service", json_text(name));
                json_object_set_new(doc, "registry_date", json_string(ps_db_date(db)));
                json_object_set_new(doc, "records", arr);
                r = json_emit(json_doc("name_report", doc));
                return r ? r : n ? EXIT_FOUND : EXIT_NOTFOUND;
        }
        if (!n) {
                char related[1024] = "";
                size_t len = 0;
                ps_match m[20];
                int k = ps_db_search(db, name, c->proto, m, 20), shown = 0;
                /* tcp and udp records usually match together: name each entry once. */
                for (int i = 0; i < k && i < 20 && shown < 5 && len < sizeof(related); i++) {
                        ps_record o;
                        char pb[16], item[160];
                        if (ps_db_record(db, m[i].id, &o) < 0)
                                continue;
                        snprintf(item, sizeof(item), " %s (%s)", *o.name ? o.name : o.description,
                                 port_label(&o, pb, sizeof(pb)));
                        if (strstr(related, item))
                                continue;
                        len += (size_t)snprintf(related + len, sizeof(related) - len, "%s%s",
                                                len ? "" : "; related:", item);
                        shown++;
                }
                /* cli_error: the name is the user's and may hold control characters. */
                return cli_error(EXIT_NOTFOUND, "%s: no service by that name%s", name, related);
        }
        printf("%sService %s%s %s(IANA registry, %s)%s\n\n", sty_bold(c), recs[0].name, sty_off(c),
               sty_dim(c), ps_db_date(db), sty_off(c));
        bool *done = calloc(n, sizeof(bool));
        ps_record *grp = malloc(n * sizeof(ps_record));
        if (!done || !grp) {
                free(done);
                free(grp);
                return cli_error(EXIT_SYSTEM, "out of memory");
        }
        size_t groups = 0;
        for (size_t i = 0; i < n; i++) {
                if (done[i])
                        continue;
                size_t k = 0;
                for (size_t j = i; j < n; j++)
                        if (!done[j] && record_same_but_proto(db, &recs[i], &recs[j])) {
                                grp[k++] = recs[j];
                                done[j] = true;
                        }
                if (groups++)
                        putchar('\n');
                print_record_group(c, grp, k, true);
                print_aliases(c, &grp[0]);
        }
        free(done);
        free(grp);
        return EXIT_FOUND;
}
