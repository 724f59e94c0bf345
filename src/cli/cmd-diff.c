/* SPDX-License-Identifier: MIT */
/*
 * `portscope diff OLD NEW`: what changed between two registries, each the
 * built-in one, a compiled database or an IANA XML/CSV file. The library
 * decides what changed (include/portscope/diff.h); this renders it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "json-diff.h"
#include "registry-set.h"
#include "utf8.h"

int cli_open_source(const char *arg, ps_db **ret_db)
{
        char err[512];
        int r;
        if (!strcmp(arg, "builtin"))
                r = ps_db_open_builtin(ret_db);
        else {
                /* A compiled database announces itself; anything else is IANA's.
                 * Only a file is sniffed: reading a pipe's first bytes (diff
                 * OLD <(zcat NEW.gz)) would take them from the reader. */
                char magic[8] = { 0 };
                struct stat st;
                if (stat(arg, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
                        goto registry;
                FILE *f = fopen(arg, "rb");
                if (!f)
                        return cli_error(errno == ENOMEM ? EXIT_SYSTEM : EXIT_USAGE,
                                         _("%s: cannot open: %s"), arg, strerror(errno));
                size_t n = fread(magic, 1, sizeof(magic), f);
                fclose(f);
                if (n == sizeof(magic) && !memcmp(magic, "PSCOPEDB", 8)) {
                        if ((r = ps_db_open_file(arg, ret_db)) < 0)
                                return cli_error(r == -ENOMEM ? EXIT_SYSTEM : EXIT_USAGE,
                                                 _("%s: cannot use this registry database: %s"),
                                                 arg, ps_strerror(r));
                        return 0;
                }
        registry:
                if ((r = ps_db_open_registry(arg, ret_db, NULL, err, sizeof(err))) < 0)
                        return cli_error(r == -ENOMEM ? EXIT_SYSTEM : EXIT_USAGE, "%s: %s", arg,
                                         err);
                return 0;
        }
        if (r < 0)
                return cli_error(EXIT_SYSTEM, "%s: %s", arg, ps_strerror(r));
        return 0;
}

static bool show_all;

int diff_option(struct cli *c, int opt, const char *arg)
{
        (void)c, (void)arg;
        if (opt == DIFF_OPT_ALL) {
                show_all = true;
                return 0;
        }
        return cli_error(EXIT_USAGE, _("unexpected option"));
}

static void label(const ps_record *r, const char *protos, char *buf, size_t size)
{
        char port[16];
        if (r->flags & PS_REC_HAS_PORT)
                snprintf(buf, size, "%s/%s", port_label(r, port, sizeof(port)),
                         *protos ? protos : "-");
        else
                snprintf(buf, size, "%s%s%s", _("(no port)"), *protos ? "/" : "", protos);
}

/* Prints s on one line, cut at max display columns. */
static void print_cut(const char *s, unsigned max)
{
        unsigned cols = 0;
        const char *p = s;
        for (; *p; p++) {
                if (((unsigned char)*p & 0xc0) != 0x80 && ++cols > max)
                        break;
        }
        if (*p) {
                unsigned cut = (unsigned)(p - s);
                while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
                        cut--;
                printf("%.*s...", (int)cut, s);
        } else
                fputs(s, stdout);
}

static const ps_record *shown(const ps_diff_entry *e)
{
        return e->kind == PS_DIFF_REMOVED ? &e->old_record : &e->new_record;
}

static void print_section(const struct cli *c, const char *title, ps_diff_kind kind,
                          const ps_diff *d, size_t count)
{
        static const char marks[] = { '+', '-', '~' };
        char lab[64], protos[32];
        if (!count)
                return;
        char n[PS_I18N_NUM_MAX];
        printf("\n%s%s (%s)%s\n", sty_head(c), title, ps_i18n_number(n, sizeof(n), count),
               sty_off(c));
        for (size_t i = 0; i < d->n_entries; i++) {
                const ps_diff_entry *e = ps_diff_entry_at(d, i);
                if (e->kind != kind || !e->group_size)
                        continue;
                /* Records that differ only in protocol share one line. */
                const ps_record *r = shown(e);
                snprintf(protos, sizeof(protos), "%s", ps_proto_name(r->proto));
                for (size_t j = 1; j < e->group_size; j++) {
                        size_t l = strlen(protos);
                        snprintf(protos + l, sizeof(protos) - l, ",%s",
                                 ps_proto_name(shown(ps_diff_entry_at(d, i + j))->proto));
                }
                label(r, protos, lab, sizeof(lab));
                printf("  %c %-18s %s%s%s", marks[kind], lab, sty_bold(c), *r->name ? r->name : "-",
                       sty_off(c));
                if (kind != PS_DIFF_CHANGED) {
                        char *t = ps_text_fold_space(r->description);
                        printf("  ");
                        print_cut(t ? t : "", 60);
                        free(t);
                } else if (strcmp(e->old_record.name, e->new_record.name) == 0) {
                        char *t = ps_text_fold_space(e->old_record.description);
                        printf("  %s(", sty_dim(c));
                        print_cut(t ? t : "", 50);
                        printf(")%s", sty_off(c));
                        free(t);
                }
                putchar('\n');
                /* Changed values in full: a cut would hide the very change. */
                for (size_t k = 0; k < e->n_changes; k++) {
                        const ps_diff_change *ch = ps_diff_change_at(e, k);
                        const char *o = *ch->old_value ? ch->old_value : _("(none)");
                        const char *nw = *ch->new_value ? ch->new_value : _("(none)");
                        const char *field = ps_diff_field_name(ch->field);
                        if (strlen(o) + strlen(nw) <= 60 && !strchr(o, '\n') && !strchr(nw, '\n'))
                                printf("      %s: %s -> %s\n", field, o, nw);
                        else
                                /* TRANSLATORS: "was" and "now" are padded to one width. */
                                printf(_("      %s:\n        was  %s\n        now  %s\n"), field, o,
                                       nw);
                }
        }
}

int cmd_diff(struct cli *c, int argc, char **argv)
{
        ps_db *old = NULL, *new = NULL;
        ps_diff *d = NULL;
        int r;

        if (argc != 2)
                return cli_error(EXIT_USAGE, _("diff: expects OLD and NEW (builtin, a database, "
                                               "or an IANA XML or CSV file)"));
        if ((r = cli_open_source(argv[0], &old)) || (r = cli_open_source(argv[1], &new)))
                goto out;
        if ((r = ps_diff_build(old, new, show_all ? PS_DIFF_BLOCKS : 0, &d)) < 0) {
                r = cli_error(EXIT_SYSTEM, _("diff: %s"), ps_strerror(r));
                goto out;
        }
        if (c->json)
                r = json_emit(json_diff(d, argv[0], old, argv[1], new));
        else {
                char a[1024], b[1024], date[64], n1[PS_I18N_NUM_MAX], n2[PS_I18N_NUM_MAX],
                        n3[PS_I18N_NUM_MAX];
                /* TRANSLATORS: the file given, its source, the registry's date, the count. */
                printf(ngettext("--- %s: %s, registry of %s, %s record\n",
                                "--- %s: %s, registry of %s, %s records\n", ps_db_count(old)),
                       ps_text_sanitize_to(a, sizeof(a), argv[0]), ps_db_source(old),
                       ps_i18n_date(ps_db_date(old), date, sizeof(date)),
                       ps_i18n_number(n1, sizeof(n1), ps_db_count(old)));
                printf(ngettext("+++ %s: %s, registry of %s, %s record\n",
                                "+++ %s: %s, registry of %s, %s records\n", ps_db_count(new)),
                       ps_text_sanitize_to(b, sizeof(b), argv[1]), ps_db_source(new),
                       ps_i18n_date(ps_db_date(new), date, sizeof(date)),
                       ps_i18n_number(n1, sizeof(n1), ps_db_count(new)));
                print_section(c, _("Added"), PS_DIFF_ADDED, d, d->n_added);
                print_section(c, _("Removed"), PS_DIFF_REMOVED, d, d->n_removed);
                print_section(c, _("Changed"), PS_DIFF_CHANGED, d, d->n_changed);
                printf(_("\n%s added, %s removed, %s changed"),
                       ps_i18n_number(n1, sizeof(n1), d->n_added),
                       ps_i18n_number(n2, sizeof(n2), d->n_removed),
                       ps_i18n_number(n3, sizeof(n3), d->n_changed));
                if (d->n_hidden)
                        printf(ngettext("; %s change to unnamed blocks (Unassigned, Reserved...) "
                                        "not shown, --all shows it",
                                        "; %s changes to unnamed blocks (Unassigned, "
                                        "Reserved...) not shown, --all shows them",
                                        d->n_hidden),
                               ps_i18n_number(n1, sizeof(n1), d->n_hidden));
                printf("\n");
                r = 0;
        }
        if (!r && !d->n_entries && !d->n_hidden)
                r = EXIT_NOTFOUND;
out:
        ps_diff_free(d);
        ps_db_free(old);
        ps_db_free(new);
        return r;
}
