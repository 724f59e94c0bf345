/* SPDX-License-Identifier: MIT */
/*
 * The report's sentences (src/shared/report-phrases.c), which the terminal
 * and the site share, for every code a set of reports produces, against
 * tests/data/golden/phrases.txt. After a deliberate change:
 *     build/tests/test-report-phrases --update   (from tests/), then review the diff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portscope/portscope.h"
#include "report-phrases.h"
#include "tap.h"

#define GOLDEN "data/golden/phrases.txt"

static const struct {
        unsigned port;
        ps_proto proto;
} ports[] = {
        { 1712, PS_PROTO_ANY },  { 0, PS_PROTO_ANY },     { 585, PS_PROTO_ANY },
        { 15, PS_PROTO_ANY },    { 817, PS_PROTO_TCP },   { 53, PS_PROTO_UDP },
        { 60000, PS_PROTO_ANY }, { 1712, PS_PROTO_SCTP }, { 24, PS_PROTO_ANY },
        { 1109, PS_PROTO_ANY },  { 22, PS_PROTO_ANY },    { 23, PS_PROTO_ANY },
        { 9006, PS_PROTO_ANY },  { 1, PS_PROTO_ANY },     { 6379, PS_PROTO_ANY },
        { 31337, PS_PROTO_ANY }, { 2000, PS_PROTO_DCCP }, { 45000, PS_PROTO_ANY },
};

static void render(FILE *f, const ps_port_report *r)
{
        char b[PHRASE_MAX];
        fprintf(f, "== %s\n", phrase_headline(r, b, sizeof(b)));
        fprintf(f, "range: %s\n", phrase_range_note(r));
        for (size_t i = 0; i < r->n_local_facts; i++)
                fprintf(f, "local: %s\n",
                        phrase_local(ps_port_report_local_fact_at(r, i), r->proto, b, sizeof(b)));
        for (size_t i = 0; i < r->n_groups; i++)
                fprintf(f, "group: %s\n", phrase_status(ps_port_report_group_at(r, i)->status));
        for (size_t i = 0; i < r->n_advice; i++)
                fprintf(f, "advice: %s\n",
                        phrase_advice(ps_port_report_advice_at(r, i), b, sizeof(b)));
        for (size_t i = 0; i < r->n_prevalence; i++)
                fprintf(f, "prevalence: %s\n",
                        phrase_prevalence(ps_port_report_prevalence_at(r, i), b, sizeof(b)));
        if (!r->n_prevalence)
                fprintf(f, "prevalence: %s\n", phrase_prevalence_none(r, b, sizeof(b)));
        for (size_t i = 0; i < r->n_faq; i++) {
                const ps_report_item *q = ps_port_report_faq_at(r, i);
                fprintf(f, "Q: %s\n", phrase_question(q, b, sizeof(b)));
                fprintf(f, "A: %s\n", phrase_answer(q, b, sizeof(b)));
        }
        for (size_t i = 0; i < r->n_checks; i++) {
                const ps_report_check *c = ps_port_report_check_at(r, i);
                if (c->gap != PS_CHECK_OK)
                        fprintf(f, "check %s: %s\n", phrase_os(c->os),
                                phrase_check_gap(c, r->proto, b, sizeof(b)));
        }
}

int main(int argc, char **argv)
{
        ps_db *db;
        ps_notes *notes;
        char *got = NULL, *want = NULL;
        size_t got_len = 0;
        if (ps_db_open_builtin(&db) < 0 || ps_notes_open_builtin(&notes) < 0) {
                ok(0, "open the built-in registry and notes");
                return tap_done();
        }
        FILE *f = open_memstream(&got, &got_len);
        for (size_t i = 0; f && i < sizeof(ports) / sizeof(ports[0]); i++) {
                ps_report_opts o = PS_REPORT_OPTS_INIT;
                ps_port_report *r;
                o.db = db;
                o.notes = notes;
                o.proc_root = "data/proc";
                o.nmap_services = "data/nmap-services-fixture";
                o.services_file = "data/services-fixture";
                o.flags = PS_REPORT_LOCAL | PS_REPORT_PREVALENCE | PS_REPORT_NO_CACHE;
                if (!ok(ps_port_report_build(&o, ports[i].port, ports[i].proto, &r) == 0,
                        "report %u builds", ports[i].port))
                        continue;
                render(f, r);
                ps_port_report_free(r);
        }
        if (!f || fclose(f) != 0)
                return ok(0, "render into memory"), tap_done();
        if (argc > 1 && !strcmp(argv[1], "--update")) {
                FILE *g = fopen(GOLDEN, "w");
                ok(g && fputs(got, g) >= 0 && fclose(g) == 0, "wrote " GOLDEN);
        } else {
                FILE *g = fopen(GOLDEN, "r");
                size_t cap = got_len + 2, n = 0;
                want = calloc(1, cap);
                if (g && want)
                        n = fread(want, 1, cap - 1, g);
                if (g)
                        fclose(g);
                bool same = want && n == got_len && !memcmp(want, got, n);
                ok(same, "every sentence matches " GOLDEN);
                /* The first line that differs, to see what changed. */
                for (char *a = got, *b = want; !same && a && b && *a;) {
                        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
                        if (la != lb || memcmp(a, b, la)) {
                                printf("#   got:  %.*s\n#   want: %.*s\n", (int)la, a, (int)lb, b);
                                break;
                        }
                        a += la + (a[la] == '\n');
                        b += lb + (b[lb] == '\n');
                }
        }
        /* The renderers' translatable copies of the range texts say what the
         * library's (English, in JSON) say. */
        for (int c = 0; c < _PS_RANGE_MAX; c++) {
                ps_range_info ri;
                ok(ps_range_describe((ps_range_class)c, &ri) == 0 &&
                           !strcmp(phrase_range_title(ri.cls), ri.title) &&
                           !strcmp(phrase_range_aka(ri.cls), ri.aka) &&
                           !strcmp(phrase_range_explain(ri.cls), ri.explain),
                   "range %d: the translatable texts equal lib/ranges.c's", c);
        }
        free(got);
        free(want);
        ps_notes_free(notes);
        ps_db_free(db);
        return tap_done();
}
