/* SPDX-License-Identifier: MIT */
/* `portscope PORT`, `portscope NAME` and `portscope LOW-HIGH`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "i18n.h"
#include "json-report.h"
#include "parse.h"
#include "report-phrases.h"

int cli_parse_spec(const char *arg, ps_port_spec *ret_spec)
{
        int r = ps_parse_port_spec(arg, ret_spec);
        if (r >= 0)
                return 0;
        const char *slash = strchr(arg, '/');
        switch (r) {
        case -EPROTONOSUPPORT:
                return cli_error(EXIT_USAGE,
                                 _("%s: unknown protocol \"%s\" (use tcp, udp, sctp or dccp)"), arg,
                                 slash ? slash + 1 : "");
        case -ERANGE:
                if (strchr(arg, '-') && !slash) {
                        ps_port_spec dummy;
                        const char *dash = strchr(arg, '-');
                        uint64_t a, b;
                        if (ps_parse_port_spec(arg, &dummy) == -ERANGE &&
                            ps_parse_uint_n(arg, (size_t)(dash - arg), 65535, &a) == 0 &&
                            ps_parse_uint(dash + 1, 65535, &b) == 0) {
                                if (a > b)
                                        return cli_error(EXIT_USAGE,
                                                         _("%s: the range is backwards (low-high, "
                                                           "e.g. %u-%u)"),
                                                         arg, (unsigned)b, (unsigned)a);
                        }
                }
                /* 000080 is refused for its length, not its value. */
                if (strspn(arg, "0123456789") > 5 &&
                    strspn(arg, "0123456789") == strcspn(arg, "/-"))
                        return cli_error(EXIT_USAGE, _("%.40s%s: a port has at most five digits"),
                                         arg, strlen(arg) > 40 ? "..." : "");
                return cli_error(EXIT_USAGE, _("%.40s%s: port out of range (ports are 0-65535)"),
                                 arg, strlen(arg) > 40 ? "..." : "");
        default:
                if (arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9')
                        return cli_error(EXIT_USAGE,
                                         _("%s: not a port: negative numbers are not ports"), arg);
                if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X'))
                        return cli_error(EXIT_USAGE,
                                         _("%s: not a port: write ports in decimal (0-65535)"),
                                         arg);
                return cli_error(EXIT_USAGE, _("%.40s%s: not a port number (ports are 0-65535)"),
                                 arg, strlen(arg) > 40 ? "..." : "");
        }
}

/* The options every report command builds its report with. */
static int report_opts(struct cli *c, ps_report_opts *o, unsigned flags, bool with_notes)
{
        ps_db *db;
        ps_notes *notes = NULL;
        int r;
        if ((r = cli_db(c, &db)))
                return r;
        if (with_notes)
                (void)cli_notes(c, &notes); /* without notes the report still stands */
        *o = (ps_report_opts)PS_REPORT_OPTS_INIT;
        o->db = db;
        o->notes = notes;
        o->proc_root = c->proc_root;
        o->flags = flags;
        return 0;
}

static int report_failed(int r, const char *what)
{
        if (r == -ENOMEM)
                return cli_error(EXIT_SYSTEM, "%s", _("out of memory"));
        return cli_fail(r, what);
}

static void field(const struct cli *c, const char *label, const char *text)
{
        if (!text || !*text)
                return;
        char pad[OUT_PAD_MAX];
        printf("    %s ", out_padded(label, 12, pad));
        out_wrap(stdout, text, 17, 17, out_width());
}

static void print_people(const struct cli *c, const char *label, const ps_record *r, bool contacts)
{
        unsigned n = contacts ? r->n_contacts : r->n_assignees;
        for (unsigned i = 0; i < n; i++) {
                ps_person p;
                if ((contacts ? ps_record_contact(c->db, r, i, &p)
                              : ps_record_assignee(c->db, r, i, &p)) < 0)
                        continue;
                char pad[OUT_PAD_MAX];
                printf("    %s %s", out_padded(i ? "" : label, 12, pad),
                       *p.name  ? p.name
                       : *p.org ? p.org
                                : p.id);
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

static void print_refs(const struct cli *c, const ps_record *r)
{
        for (unsigned i = 0; i < r->n_refs; i++) {
                ps_ref ref;
                char url[1024];
                if (ps_record_ref(c->db, r, i, &ref) < 0)
                        continue;
                char pad[OUT_PAD_MAX];
                const char *label = out_padded(i ? "" : _("References"), 12, pad);
                if (ps_ref_url(&ref, url, sizeof(url)) >= 0) {
                        if (ref.type == PS_REF_URI)
                                printf("    %s %s\n", label, url);
                        else
                                printf("    %s %s %s%s%s\n", label, ref.data, sty_dim(c), url,
                                       sty_off(c));
                } else {
                        printf("    %s ", label);
                        out_wrap(stdout, ref.data, 17, 17, out_width());
                }
        }
}

/* One group of records that differ only in protocol, as a block. */
void print_record_group(const struct cli *c, const ps_report_group *g)
{
        const ps_record *r = &g->record;
        char pb[16], protos[64], dates[128];
        size_t len = 0;

        printf("  %s%s%s", sty_bold(c), *r->name ? r->name : r->description, sty_off(c));
        if (r->flags & PS_REC_HAS_PORT)
                printf("  %s", phrase_record_port(r, pb, sizeof(pb)));
        /* A list of protocols, not a sentence: "tcp, udp". */
        protos[0] = '\0';
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++)
                if (g->protocols & PS_PROTO_BIT(p))
                        len += (size_t)snprintf(protos + len, sizeof(protos) - len, "%s%s",
                                                len ? ", " : "", ps_proto_name((ps_proto)p));
        printf("  %s", len ? protos : _("any protocol"));
        if (!(r->flags & PS_REC_HAS_PORT))
                printf("  %s%s%s", sty_dim(c), _("(no port: a name-only registration)"),
                       sty_off(c));
        putchar('\n');
        if (*r->name)
                field(c, _("Description"), r->description);
        if (people_equal(c->db, r)) {
                print_people(c, r->n_assignees ? _("Assignee") : "", r, false);
        } else {
                print_people(c, _("Assignee"), r, false);
                print_people(c, _("Contact"), r, true);
        }
        char reg[64], mod[64];
        ps_i18n_date(r->registered, reg, sizeof(reg));
        ps_i18n_date(r->modified, mod, sizeof(mod));
        if (*r->registered && *r->modified)
                snprintf(dates, sizeof(dates), _("registered %s, modified %s"), reg, mod);
        else if (*r->registered)
                snprintf(dates, sizeof(dates), _("registered %s"), reg);
        else if (*r->modified)
                snprintf(dates, sizeof(dates), _("modified %s"), mod);
        else
                dates[0] = '\0';
        field(c, _("Dates"), dates);
        print_refs(c, r);
        field(c, _("Notes"), r->note);
        if (*r->unauthorized) {
                char pad[OUT_PAD_MAX];
                printf("    %s%s%s ", sty_warn(c), out_padded(_("Unauthorized"), 12, pad),
                       sty_off(c));
                out_wrap(stdout, r->unauthorized, 17, 17, out_width());
        }
        field(c, _("Service code"), r->service_code);
}

/* A paragraph at indent 2. */
static void para(const char *text)
{
        printf("  ");
        out_wrap(stdout, text, 2, 2, out_width());
}

static void print_local(struct cli *c, const ps_port_report *r)
{
        char line[PHRASE_MAX], port[32];
        printf("%s%s%s\n", sty_head(c), _("On this machine"), sty_off(c));
        for (size_t i = 0; i < r->n_local_facts; i++) {
                const ps_report_item *f = ps_port_report_local_fact_at(r, i);
                para(phrase_local(f, r->proto, line, sizeof(line)));
                if (f->code == PS_LOCAL_LISTENERS)
                        port_sockets_print(c, r->local.listeners);
        }
        if (r->port != 0) {
                phrase_port(r->port, r->proto, port, sizeof(port));
                printf(_("  Connections over the port, and other namespaces: portscope who %s\n"),
                       port);
        }
        putchar('\n');
}

static void print_checks(const struct cli *c, const ps_port_report *r)
{
        char gap[PHRASE_MAX], pad[OUT_PAD_MAX];
        printf("%s%s%s\n", sty_head(c), _("Check what uses it"), sty_off(c));
        for (size_t i = 0; i < r->n_checks; i++) {
                const ps_report_check *k = ps_port_report_check_at(r, i);
                for (size_t j = 0; j < k->n_commands; j++)
                        printf("  %s%s\n", out_padded(j ? "" : phrase_os(k->os), 9, pad),
                               k->commands[j]);
                if (k->gap != PS_CHECK_OK && !k->n_commands)
                        printf("  %s%s%s%s\n", out_padded(phrase_os(k->os), 9, pad), sty_dim(c),
                               phrase_check_gap(k, r->proto, gap, sizeof(gap)), sty_off(c));
        }
}

static void print_port_report(struct cli *c, const ps_port_report *r)
{
        char line[PHRASE_MAX];
        printf("%s%s%s\n\n", sty_bold(c), phrase_headline(r, line, sizeof(line)), sty_off(c));

        printf("%s%s%s\n", sty_head(c), _("Range"), sty_off(c));
        snprintf(line, sizeof(line), _("%s (%u-%u), also called \"%s\"."),
                 phrase_range_title(r->range.cls), r->range.lo, r->range.hi,
                 phrase_range_aka(r->range.cls));
        para(line);
        para(phrase_range_note(r));
        putchar('\n');
        if (r->have_local)
                print_local(c, r);

        printf("%s%s%s %s(%s)%s\n", sty_head(c), _("IANA registry"), sty_off(c), sty_dim(c),
               r->registry_date, sty_off(c));
        size_t blocks = 0;
        for (size_t i = 0; i < r->n_groups; i++, blocks++) {
                if (blocks)
                        putchar('\n');
                print_record_group(c, ps_port_report_group_at(r, i));
        }
        for (size_t i = 0; i < r->n_advice; i++, blocks++) {
                if (blocks)
                        putchar('\n');
                para(phrase_advice(ps_port_report_advice_at(r, i), line, sizeof(line)));
        }
        if (blocks)
                putchar('\n');
        printf(_("  IANA's own record: %s\n"), r->iana_url);
        putchar('\n');
        print_notes_section(c, r);
        print_checks(c, r);
}

static int port_report(struct cli *c, unsigned port, ps_proto proto)
{
        ps_report_opts o;
        ps_port_report *rep;
        int r;
        if ((r = report_opts(c, &o, PS_REPORT_LOCAL | PS_REPORT_PREVALENCE, true)))
                return r;
        if ((r = ps_port_report_build(&o, port, proto, &rep)) < 0)
                return report_failed(r, _("reading this machine's port settings"));
        if (rep->prevalence_state == PS_PREVALENCE_UNUSABLE)
                cli_error(0, _("%s: ignoring nmap-services: %s"), rep->prevalence_path,
                          rep->prevalence_error == -EINVAL ? _("not a regular file")
                                                           : ps_strerror(rep->prevalence_error));
        if (c->json) {
                json_t *doc = json_port_report(rep, o.db, o.notes);
                if (rep->have_local)
                        json_object_set_new(doc, "sockets",
                                            port_sockets_json(c, rep->local.listeners));
                r = json_emit(doc);
        } else {
                print_port_report(c, rep);
                r = 0;
        }
        bool found = rep->found;
        ps_port_report_free(rep);
        return r ? r : found ? EXIT_FOUND : EXIT_NOTFOUND;
}

int cmd_port(struct cli *c, int argc, char **argv)
{
        ps_port_spec spec;
        int r;
        if (argc != 1)
                return cli_error(EXIT_USAGE, "%s", _("port: expected one PORT[/PROTO] argument"));
        if ((r = cli_parse_spec(argv[0], &spec)))
                return r;
        if (spec.lo != spec.hi)
                return cmd_range(c, argc, argv);
        ps_proto proto = spec.proto != PS_PROTO_ANY ? spec.proto : c->proto;
        if (spec.proto != PS_PROTO_ANY && c->proto != PS_PROTO_ANY && spec.proto != c->proto)
                return cli_error(EXIT_USAGE, _("%s: conflicts with --protocol %s"), argv[0],
                                 ps_proto_name(c->proto));
        return port_report(c, spec.lo, proto);
}

/* One line per group: port, protocols, name, description. */
static void print_row(const struct cli *c, const ps_report_group *g)
{
        const ps_record *r = &g->record;
        char pb[16], protos[64] = "";
        size_t len = 0;
        /* A column of protocol names, not a sentence: "tcp,udp", "-" for none. */
        for (int p = PS_PROTO_NONE; p < _PS_PROTO_MAX; p++)
                if (g->protocols & PS_PROTO_BIT(p))
                        len += (size_t)snprintf(protos + len, sizeof(protos) - len, "%s%s",
                                                len ? "," : "",
                                                p ? ps_proto_name((ps_proto)p) : "-");
        printf("%-11s %-10s %s%-18s%s ", phrase_record_port(r, pb, sizeof(pb)), protos, sty_bold(c),
               *r->name ? r->name : "-", sty_off(c));
        out_wrap(stdout, r->description, 42, 42, out_width());
}

int cmd_range(struct cli *c, int argc, char **argv)
{
        ps_port_spec spec;
        ps_report_opts o;
        ps_range_report *rep;
        int r;
        if (argc != 1)
                return cli_error(EXIT_USAGE, "%s",
                                 _("range: expected one LOW-HIGH[/PROTO] argument"));
        if ((r = cli_parse_spec(argv[0], &spec)) || (r = report_opts(c, &o, 0, false)))
                return r;
        ps_proto proto = spec.proto != PS_PROTO_ANY ? spec.proto : c->proto;
        if (spec.proto != PS_PROTO_ANY && c->proto != PS_PROTO_ANY && spec.proto != c->proto)
                return cli_error(EXIT_USAGE, _("%s: conflicts with --protocol %s"), argv[0],
                                 ps_proto_name(c->proto));
        if ((r = ps_range_report_build(&o, spec.lo, spec.hi, proto, &rep)) < 0)
                return report_failed(r, argv[0]);
        if (c->json) {
                r = json_emit(json_range_report(rep, o.db));
        } else {
                for (size_t i = 0; i < rep->n_groups; i++)
                        print_row(c, ps_range_report_group_at(rep, i));
                if (!rep->found)
                        cli_error(0, _("%u-%u: nothing registered in this range"), spec.lo,
                                  spec.hi);
                r = 0;
        }
        bool found = rep->found;
        ps_range_report_free(rep);
        return r ? r : found ? EXIT_FOUND : EXIT_NOTFOUND;
}

static void print_name_report(const struct cli *c, const ps_name_report *rep)
{
        const ps_report_group *first = ps_name_report_group_at(rep, 0);
        char line[PHRASE_MAX];
        snprintf(line, sizeof(line), _("Service %s (IANA registry, %s)"), first->record.name,
                 rep->registry_date);
        printf("%s%s%s\n\n", sty_bold(c), line, sty_off(c));
        for (size_t i = 0; i < rep->n_groups; i++) {
                if (i)
                        putchar('\n');
                print_record_group(c, ps_name_report_group_at(rep, i));
                size_t n = ps_name_report_n_aliases(rep, i), len = 0;
                if (!n)
                        continue;
                /* A list of names, not a sentence. */
                for (size_t k = 0; k < n && len < sizeof(line); k++)
                        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
                                                k ? ", " : "", ps_name_report_alias_at(rep, i, k));
                char pad[OUT_PAD_MAX];
                printf("    %s ", out_padded(_("Same port"), 12, pad));
                out_wrap(stdout, line, 17, 17, out_width());
        }
        if (rep->iana_url) {
                putchar('\n');
                printf(_("  IANA's own record: %s\n"), rep->iana_url);
        }
}

/* "no service by that name", with the nearest search hits. */
static int name_not_found(const ps_name_report *rep)
{
        char list[1024] = "";
        size_t len = 0;
        for (size_t i = 0; i < rep->n_similar && len < sizeof(list); i++) {
                const ps_report_group *g = ps_name_report_similar_at(rep, i);
                char pb[16];
                len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s (%s)",
                                        len ? ", " : "",
                                        *g->record.name ? g->record.name : g->record.description,
                                        phrase_record_port(&g->record, pb, sizeof(pb)));
        }
        /* cli_error: the name is the user's and may hold control characters. */
        if (rep->n_similar)
                return cli_error(EXIT_NOTFOUND, _("%s: no service by that name; related: %s"),
                                 rep->name, list);
        return cli_error(EXIT_NOTFOUND, _("%s: no service by that name"), rep->name);
}

int cmd_name(struct cli *c, int argc, char **argv)
{
        ps_report_opts o;
        ps_name_report *rep;
        int r;
        if (argc != 1)
                return cli_error(EXIT_USAGE, "%s", _("name: expected one service NAME"));
        const char *name = argv[0];
        if (!*name)
                return cli_error(EXIT_USAGE, "%s",
                                 _("an empty argument is neither a port nor a name"));
        if (strlen(name) > PS_NAME_REPORT_NAME_MAX)
                return cli_error(EXIT_USAGE,
                                 _("%.32s...: too long for a service name (IANA names have at "
                                   "most 15 characters)"),
                                 name);
        if ((r = report_opts(c, &o, 0, false)))
                return r;
        if ((r = ps_name_report_build(&o, name, c->proto, &rep)) < 0)
                return report_failed(r, name);
        if (c->json)
                r = json_emit(json_name_report(rep, o.db));
        else if (!rep->found)
                r = name_not_found(rep);
        else
                print_name_report(c, rep);
        bool found = rep->found;
        ps_name_report_free(rep);
        return r ? r : found ? EXIT_FOUND : EXIT_NOTFOUND;
}
