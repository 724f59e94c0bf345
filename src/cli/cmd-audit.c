/* SPDX-License-Identifier: MIT */
/* `portscope audit`: check every listener against the rules in docs/audit/. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "portscope/audit.h"

#define DEFAULT_CONFIG "/etc/portscope/audit.conf"

enum { OPT_CONFIG = 0x200, OPT_FAIL_ON, OPT_SARIF };

static struct {
        const char *config;
        bool fail_set, sarif;
        ps_severity fail_on;
} opt;

const struct cli_option audit_options[] = {
        { "config", OPT_CONFIG, required_argument, "PATH",
          N_("accepted findings (default /etc/portscope/audit.conf)"), "@file" },
        { "fail-on", OPT_FAIL_ON, required_argument, "SEV",
          N_("exit 1 when a finding reaches SEV (info, low, medium, high)"),
          "info low medium high" },
        { "sarif", OPT_SARIF, no_argument, NULL, N_("print SARIF 2.1.0 instead of a table"), NULL },
        { 0 },
};

int audit_option(struct cli *c, int o, const char *arg)
{
        switch (o) {
        case OPT_CONFIG:
                if (!*arg)
                        return cli_error(EXIT_USAGE, _("--config: expected a file name"));
                opt.config = arg;
                return 0;
        case OPT_FAIL_ON:
                if (ps_severity_from_string(arg, &opt.fail_on) < 0)
                        return cli_error(EXIT_USAGE,
                                         _("--fail-on: expected info, low, medium or high, not "
                                           "\"%.40s\""),
                                         arg);
                opt.fail_set = true;
                return 0;
        case OPT_SARIF:
                opt.sarif = true;
                return 0;
        }
        return cli_error(EXIT_USAGE, _("unexpected option"));
}

static const char *sarif_level(ps_severity s)
{
        return s == PS_SEVERITY_HIGH ? "error" : s == PS_SEVERITY_MEDIUM ? "warning" : "note";
}

static json_t *json_finding(const ps_finding *f)
{
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:i, s:o, s:o, s:o}", "rule", f->rule,
                         "severity", ps_severity_name(f->severity), "message", f->message, "advice",
                         f->advice, "protocol", ps_proto_name(f->proto), "family", f->family,
                         "address", f->address, "port", f->port, "pid",
                         f->pid ? json_integer(f->pid) : json_null(), "process_name",
                         json_str_or_null(f->process), "service", json_str_or_null(f->service));
}

static json_t *sarif(const ps_audit_report *rep)
{
        const ps_audit_rule *rules;
        size_t nr = ps_audit_rules(&rules);
        json_t *jr = json_array(), *results = json_array();
        for (size_t i = 0; i < nr; i++) {
                char help[256];
                /* The installed page (meson installs docs/ to the doc dir). */
                snprintf(help, sizeof(help), _("See %s/audit/%s.md."), PS_DOCDIR, rules[i].id);
                json_array_append_new(
                        jr,
                        json_pack("{s:s, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}", "id", rules[i].id,
                                  "shortDescription", "text", rules[i].title, "help", "text", help,
                                  "defaultConfiguration", "level", sarif_level(rules[i].severity),
                                  "properties", "severity", ps_severity_name(rules[i].severity)));
        }
        for (size_t i = 0; i < rep->n; i++) {
                const ps_finding *f = &rep->findings[i];
                char where[96], text[1024];
                size_t idx = 0;
                while (idx < nr && strcmp(rules[idx].id, f->rule))
                        idx++;
                snprintf(where, sizeof(where), "%s/%s%s%s:%u", ps_proto_name(f->proto),
                         f->family == 6 ? "[" : "", f->address, f->family == 6 ? "]" : "", f->port);
                snprintf(text, sizeof(text), "%s. %s", f->message, f->advice);
                /* json_text: the cut above may split a character. */
                json_array_append_new(
                        results, json_pack("{s:s, s:I, s:s, s:{s:o}, s:[{s:[{s:s, s:s}]}], s:o}",
                                           "ruleId", f->rule, "ruleIndex", (json_int_t)idx, "level",
                                           sarif_level(f->severity), "message", "text",
                                           json_text(text), "locations", "logicalLocations", "name",
                                           where, "kind", "socket", "properties", json_finding(f)));
        }
        return json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}", "$schema",
                         "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
                         "runs", "tool", "driver", "name", "portscope", "version", ps_version(),
                         "rules", jr, "results", results);
}

static void print_table(const struct cli *c, const ps_audit_report *rep)
{
        unsigned w = out_width();
        for (size_t i = 0; i < rep->n; i++) {
                const ps_finding *f = &rep->findings[i];
                const char *col = f->severity >= PS_SEVERITY_MEDIUM ? sty_warn(c) : sty_bold(c);
                printf("%s%-6s%s %s%s%s\n", col, ps_severity_name(f->severity), sty_off(c),
                       sty_bold(c), f->rule, sty_off(c));
                printf("       ");
                out_wrap(stdout, f->message, 7, 7, w);
                printf("       %s", sty_dim(c));
                out_wrap(stdout, f->advice, 7, 7, w);
                printf("%s", sty_off(c));
        }
        size_t by[_PS_SEVERITY_MAX] = { 0 };
        for (size_t i = 0; i < rep->n; i++)
                by[rep->findings[i].severity]++;
        if (rep->n)
                putchar('\n');
        char findings[64];
        snprintf(findings, sizeof(findings), ngettext("%zu finding", "%zu findings", rep->n),
                 rep->n);
        /* TRANSLATORS: the first %s is "3 findings"; the counts are per severity. */
        printf(ngettext("%s (%zu high, %zu medium, %zu low, %zu info) over %zu listening socket",
                        "%s (%zu high, %zu medium, %zu low, %zu info) over %zu listening sockets",
                        rep->n_listeners),
               findings, by[PS_SEVERITY_HIGH], by[PS_SEVERITY_MEDIUM], by[PS_SEVERITY_LOW],
               by[PS_SEVERITY_INFO], rep->n_listeners);
        if (rep->n_silenced)
                printf(ngettext("; %zu silenced by the configuration",
                                "; %zu silenced by the configuration", rep->n_silenced),
                       rep->n_silenced);
        printf(".\n");
        if (rep->n_unowned)
                printf(ngettext("%zu listener without a resolved process (%s): rules about "
                                "processes could not judge it.\n",
                                "%zu listeners without a resolved process (%s): rules about "
                                "processes could not judge them.\n",
                                rep->n_unowned),
                       rep->n_unowned,
                       rep->unowned_error != -EACCES ? _("held by the kernel or another namespace")
                       : geteuid() == 0              ? _("a process even root could not examine")
                                                     : _("run as root, or with CAP_SYS_PTRACE and "
                                                                      "CAP_DAC_READ_SEARCH"));
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
        ps_audit_config *conf = NULL;
        ps_audit_report *rep = NULL;
        ps_notes *notes = NULL;
        ps_db *db;
        char err[512];
        int r;

        if (argc)
                return cli_error(EXIT_USAGE, _("audit: takes no arguments, not \"%.40s\""),
                                 argv[0]);
        if (opt.sarif && c->json)
                return cli_error(EXIT_USAGE, _("audit: --json and --sarif exclude each other"));
        const char *path = opt.config ? opt.config : DEFAULT_CONFIG;
        r = ps_audit_config_load(path, &conf, err, sizeof(err));
        if (r == -ENOENT && !opt.config)
                r = 0; /* no system configuration: nothing silenced */
        else if (r == -EBADMSG)
                return cli_error(EXIT_USAGE, "%s", err);
        else if (r < 0)
                return cli_error(r == -ENOMEM ? EXIT_SYSTEM : EXIT_USAGE, "%s: %s", path,
                                 ps_strerror(r));
        if ((r = cli_db(c, &db))) {
                ps_audit_config_free(conf);
                return r;
        }
        /* The port settings first, so that a failure of ps_audit_run() below
         * is the socket scan's: exit 3, as for ls and who. */
        ps_host_ports *host = malloc(sizeof(*host));
        if (!host || (r = ps_host_ports_read(c->proc_root, host)) < 0) {
                free(host);
                ps_audit_config_free(conf);
                return host ? cli_fail(r, _("reading this machine's port settings"))
                            : cli_error(EXIT_SYSTEM, _("out of memory"));
        }
        free(host);
        if ((r = ps_notes_open_builtin(&notes)) < 0) {
                ps_audit_config_free(conf);
                return cli_fail(r, _("the built-in notes"));
        }
        ps_audit_opts o = { .db = db, .notes = notes, .proc_root = c->proc_root, .config = conf };
        r = ps_audit_run(&o, &rep);
        ps_audit_config_free(conf);
        ps_notes_free(notes);
        if (r < 0)
                return r == -ENOMEM ? cli_error(EXIT_SYSTEM, _("out of memory"))
                                    : cli_error(EXIT_SYSTEM,
                                                _("audit: cannot list this machine's sockets: %s"),
                                                ps_strerror(r));

        bool failed = false;
        for (size_t i = 0; opt.fail_set && i < rep->n; i++)
                failed |= rep->findings[i].severity >= opt.fail_on;
        if (opt.sarif) {
                r = json_emit(sarif(rep));
        } else if (c->json) {
                json_t *arr = json_array();
                for (size_t i = 0; i < rep->n; i++)
                        json_array_append_new(arr, json_finding(&rep->findings[i]));
                r = json_emit(json_doc(
                        "audit", json_pack("{s:I, s:I, s:I, s:o, s:o}", "listeners_total",
                                           (json_int_t)rep->n_listeners, "silenced_total",
                                           (json_int_t)rep->n_silenced, "unowned_total",
                                           (json_int_t)rep->n_unowned, "fail_on",
                                           opt.fail_set ? json_string(ps_severity_name(opt.fail_on))
                                                        : json_null(),
                                           "findings", arr)));
        } else {
                print_table(c, rep);
                r = 0;
        }
        ps_audit_report_free(rep);
        return r ? r : failed ? EXIT_NOTFOUND : EXIT_FOUND;
}
