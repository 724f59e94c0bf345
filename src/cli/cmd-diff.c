/* SPDX-License-Identifier: MIT */
/*
 * `portscope diff OLD NEW`: what changed between two registries, each the
 * built-in one, a compiled database or an IANA XML/CSV file.
 *
 * Records are matched on (port range, service name ignoring case, protocol);
 * records sharing that key are paired in registry order. Text is compared
 * with white space folded, because IANA's CSV keeps the XML's line breaks
 * and indentation verbatim where the XML reader folds them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "dynbuf.h"
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
                                         "%s: cannot open: %s", arg, strerror(errno));
                size_t n = fread(magic, 1, sizeof(magic), f);
                fclose(f);
                if (n == sizeof(magic) && !memcmp(magic, "PSCOPEDB", 8)) {
                        if ((r = ps_db_open_file(arg, ret_db)) < 0)
                                return cli_error(r == -ENOMEM ? EXIT_SYSTEM : EXIT_USAGE,
                                                 "%s: cannot use this registry database: %s", arg,
                                                 ps_strerror(r));
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

enum { OPT_ALL = 0x200 };

const struct cli_option diff_options[] = {
        { "all", OPT_ALL, no_argument, NULL, N_("also unnamed blocks (Unassigned, Reserved)"),
          NULL },
        { 0 },
};

static bool show_all;

int diff_option(struct cli *c, int opt, const char *arg)
{
        (void)c, (void)arg;
        if (opt == OPT_ALL) {
                show_all = true;
                return 0;
        }
        return cli_error(EXIT_USAGE, "unexpected option");
}

struct item {
        const ps_db *db;
        ps_record rec;
};

static int cmp_key(const ps_record *a, const ps_record *b)
{
        bool pa = a->flags & PS_REC_HAS_PORT, pb = b->flags & PS_REC_HAS_PORT;
        if (pa != pb)
                return pa ? -1 : 1;
        if (pa && a->port_lo != b->port_lo)
                return a->port_lo < b->port_lo ? -1 : 1;
        if (pa && a->port_hi != b->port_hi)
                return a->port_hi < b->port_hi ? -1 : 1;
        int c = strcasecmp(a->name, b->name);
        if (c)
                return c;
        if (a->proto != b->proto)
                return (int)a->proto - (int)b->proto;
        return 0;
}

static int cmp_item(const void *x, const void *y)
{
        const ps_record *a = &((const struct item *)x)->rec, *b = &((const struct item *)y)->rec;
        int c = cmp_key(a, b);
        if (c)
                return c;
        return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static struct item *collect(const ps_db *db, size_t *ret_n)
{
        size_t n = ps_db_count(db), k = 0;
        struct item *v = calloc(n + 1, sizeof(*v));
        ps_iter it;
        if (!v)
                return NULL;
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (k < n && ps_iter_next(&it, &v[k].rec) > 0)
                v[k++].db = db;
        qsort(v, k, sizeof(*v), cmp_item);
        *ret_n = k;
        return v;
}

/* Text with every run of white space made one space, trimmed. */
static char *fold(const char *s)
{
        char *o = malloc(strlen(s) + 1), *p = o;
        if (!o)
                return NULL;
        bool space = false;
        for (; *s; s++) {
                if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
                        space = p != o;
                        continue;
                }
                if (space)
                        *p++ = ' ';
                space = false;
                *p++ = *s;
        }
        *p = '\0';
        return o;
}

enum {
        F_NAME,
        F_DESC,
        F_ASSIGNEES,
        F_CONTACTS,
        F_REGISTERED,
        F_MODIFIED,
        F_REFS,
        F_SC,
        F_UNAUTH,
        F_NOTES,
        F_COUNT
};
static const char *const field_names[F_COUNT] = {
        "service",  "description", "assignees",    "contacts",         "registered",
        "modified", "references",  "service_code", "unauthorized_use", "assignment_note",
};

/* A field as one folded string; lists in IANA's CSV form, "[a][b]".
 * mask_notes renders footnotes as "[footnote]": IANA's CSV has only their
 * numbers and the XML only their text, so they compare across formats. */
static char *field_value(const struct item *it, int f, bool mask_notes)
{
        const ps_record *r = &it->rec;
        ps_dynbuf b;
        ps_person p;
        ps_ref ref;
        switch (f) {
        case F_NAME:
                return strdup(r->name);
        case F_DESC:
                return fold(r->description);
        case F_REGISTERED:
                return fold(r->registered);
        case F_MODIFIED:
                return fold(r->modified);
        case F_SC:
                return fold(r->service_code);
        case F_UNAUTH:
                return fold(r->unauthorized);
        case F_NOTES:
                return fold(r->note);
        }
        ps_dynbuf_init(&b, 1u << 24);
        unsigned n = f == F_ASSIGNEES  ? r->n_assignees
                     : f == F_CONTACTS ? r->n_contacts
                                       : r->n_refs;
        for (unsigned i = 0; i < n; i++) {
                const char *d = NULL;
                if (f == F_ASSIGNEES && ps_record_assignee(it->db, r, i, &p) >= 0)
                        d = p.id;
                else if (f == F_CONTACTS && ps_record_contact(it->db, r, i, &p) >= 0)
                        d = p.id;
                else if (f == F_REFS && ps_record_ref(it->db, r, i, &ref) >= 0)
                        d = ref.data;
                if (!d)
                        continue;
                if (f == F_REFS && ref.type == PS_REF_NOTE && mask_notes)
                        d = "footnote";
                char *t = fold(d);
                if (!t || ps_dynbuf_addc(&b, '[') < 0 || ps_dynbuf_add(&b, t, strlen(t)) < 0 ||
                    ps_dynbuf_addc(&b, ']') < 0) {
                        free(t);
                        ps_dynbuf_free(&b);
                        return NULL;
                }
                free(t);
        }
        return ps_dynbuf_steal(&b);
}

struct change {
        int field;
        char *old, *new;
};

/* One line of the report: an added, removed or changed record. */
struct entry {
        char kind; /* '+', '-', '~' */
        const struct item *a, *b;
        struct change ch[F_COUNT];
        int n_ch;
        bool block; /* an unnamed record: Unassigned, Reserved and the like */
};

static int compare(struct entry *e)
{
        for (int f = 0; f < F_COUNT; f++) {
                char *x = field_value(e->a, f, false), *y = field_value(e->b, f, false);
                if (x && y && f == F_REFS && strcmp(x, y)) {
                        char *mx = field_value(e->a, f, true), *my = field_value(e->b, f, true);
                        bool same = mx && my && !strcmp(mx, my);
                        free(mx);
                        free(my);
                        if (same) {
                                free(x);
                                free(y);
                                continue;
                        }
                }
                if (!x || !y) {
                        free(x);
                        free(y);
                        return -ENOMEM;
                }
                if (!strcmp(x, y)) {
                        free(x);
                        free(y);
                        continue;
                }
                e->ch[e->n_ch++] = (struct change){ f, x, y };
        }
        return 0;
}

static void label(const ps_record *r, const char *protos, char *buf, size_t size)
{
        char port[16];
        if (r->flags & PS_REC_HAS_PORT)
                snprintf(buf, size, "%s/%s", port_label(r, port, sizeof(port)),
                         *protos ? protos : "-");
        else
                snprintf(buf, size, "(no port)%s%s", *protos ? "/" : "", protos);
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

static bool same_entry(const struct entry *x, const struct entry *y)
{
        const ps_record *a = &(x->b ? x->b : x->a)->rec, *b = &(y->b ? y->b : y->a)->rec;
        if (x->kind != y->kind || x->n_ch != y->n_ch || a->port_lo != b->port_lo ||
            a->port_hi != b->port_hi ||
            (a->flags & PS_REC_HAS_PORT) != (b->flags & PS_REC_HAS_PORT) ||
            strcmp(a->name, b->name) || strcmp(a->description, b->description))
                return false;
        for (int i = 0; i < x->n_ch; i++)
                if (x->ch[i].field != y->ch[i].field || strcmp(x->ch[i].old, y->ch[i].old) ||
                    strcmp(x->ch[i].new, y->ch[i].new))
                        return false;
        return true;
}

static void print_section(const struct cli *c, const char *title, char kind, struct entry *v,
                          size_t n, size_t count)
{
        char lab[64], protos[32];
        if (!count)
                return;
        printf("\n%s%s (%zu)%s\n", sty_head(c), title, count, sty_off(c));
        for (size_t i = 0; i < n; i++) {
                if (v[i].kind != kind || (v[i].block && !show_all))
                        continue;
                /* Records that differ only in protocol share one line. */
                size_t j = i + 1;
                const ps_record *r = &(v[i].b ? v[i].b : v[i].a)->rec;
                snprintf(protos, sizeof(protos), "%s", ps_proto_name(r->proto));
                while (j < n && same_entry(&v[i], &v[j])) {
                        const ps_record *q = &(v[j].b ? v[j].b : v[j].a)->rec;
                        size_t l = strlen(protos);
                        snprintf(protos + l, sizeof(protos) - l, ",%s", ps_proto_name(q->proto));
                        j++;
                }
                label(r, protos, lab, sizeof(lab));
                printf("  %c %-18s %s%s%s", kind, lab, sty_bold(c), *r->name ? r->name : "-",
                       sty_off(c));
                if (kind != '~') {
                        char *d = fold(r->description);
                        printf("  ");
                        print_cut(d ? d : "", 60);
                        free(d);
                } else if (strcmp(v[i].a->rec.name, v[i].b->rec.name) == 0) {
                        char *d = fold(v[i].a->rec.description);
                        printf("  %s(", sty_dim(c));
                        print_cut(d ? d : "", 50);
                        printf(")%s", sty_off(c));
                        free(d);
                }
                putchar('\n');
                /* Changed values in full: a cut would hide the very change. */
                for (int k = 0; kind == '~' && k < v[i].n_ch; k++) {
                        const char *o = *v[i].ch[k].old ? v[i].ch[k].old : "(none)";
                        const char *nw = *v[i].ch[k].new ? v[i].ch[k].new : "(none)";
                        if (strlen(o) + strlen(nw) <= 60 && !strchr(o, '\n') && !strchr(nw, '\n'))
                                printf("      %s: %s -> %s\n", field_names[v[i].ch[k].field], o,
                                       nw);
                        else
                                printf("      %s:\n        was  %s\n        now  %s\n",
                                       field_names[v[i].ch[k].field], o, nw);
                }
                i = j - 1;
        }
}

static json_t *json_side(const char *arg, const ps_db *db)
{
        return json_pack("{s:o, s:s, s:s, s:I}", "input", json_text(arg), "registry_date",
                         ps_db_date(db), "compiled_from", ps_db_source(db), "records_total",
                         (json_int_t)ps_db_count(db));
}

int cmd_diff(struct cli *c, int argc, char **argv)
{
        ps_db *old = NULL, *new = NULL;
        struct item *va = NULL, *vb = NULL;
        struct entry *ev = NULL;
        size_t na = 0, nb = 0, ne = 0, counts[3] = { 0 }, hidden = 0;
        int r;

        if (argc != 2)
                return cli_error(EXIT_USAGE, "diff: expects OLD and NEW (builtin, a database, "
                                             "or an IANA XML or CSV file)");
        if ((r = cli_open_source(argv[0], &old)) || (r = cli_open_source(argv[1], &new)))
                goto out;
        r = EXIT_SYSTEM;
        if (!(va = collect(old, &na)) || !(vb = collect(new, &nb)) ||
            !(ev = calloc(na + nb + 1, sizeof(*ev)))) {
                r = cli_error(EXIT_SYSTEM, "out of memory");
                goto out;
        }
        /* Merge the two key-sorted lists. */
        for (size_t i = 0, j = 0; i < na || j < nb;) {
                int k = i == na ? 1 : j == nb ? -1 : cmp_key(&va[i].rec, &vb[j].rec);
                struct entry *e = &ev[ne];
                memset(e, 0, sizeof(*e));
                if (k < 0) {
                        e->kind = '-';
                        e->a = &va[i++];
                } else if (k > 0) {
                        e->kind = '+';
                        e->a = &vb[j++];
                } else {
                        e->kind = '~';
                        e->a = &va[i++];
                        e->b = &vb[j++];
                        if (compare(e) < 0) {
                                r = cli_error(EXIT_SYSTEM, "out of memory");
                                goto out;
                        }
                        if (!e->n_ch)
                                continue;
                }
                e->block = !*e->a->rec.name;
                if (e->block && !show_all)
                        hidden++;
                else
                        counts[e->kind == '+' ? 0 : e->kind == '-' ? 1 : 2]++;
                ne++;
        }
        if (c->json) {
                json_t *add = json_array(), *rem = json_array(), *chg = json_array();
                for (size_t i = 0; i < ne; i++) {
                        struct entry *e = &ev[i];
                        if (e->block && !show_all)
                                continue;
                        if (e->kind == '+')
                                json_array_append_new(add, json_record(new, &e->a->rec));
                        else if (e->kind == '-')
                                json_array_append_new(rem, json_record(old, &e->a->rec));
                        else {
                                json_t *f = json_array();
                                for (int k = 0; k < e->n_ch; k++)
                                        json_array_append_new(
                                                f, json_pack("{s:s, s:s, s:s}", "field",
                                                             field_names[e->ch[k].field], "old",
                                                             e->ch[k].old, "new", e->ch[k].new));
                                json_array_append_new(
                                        chg, json_pack("{s:o, s:o, s:o}", "old",
                                                       json_record(old, &e->a->rec), "new",
                                                       json_record(new, &e->b->rec), "fields", f));
                        }
                }
                r = json_emit(json_doc(
                        "diff",
                        json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I}", "old",
                                  json_side(argv[0], old), "new", json_side(argv[1], new), "added",
                                  add, "removed", rem, "changed", chg, "added_total",
                                  (json_int_t)counts[0], "removed_total", (json_int_t)counts[1],
                                  "changed_total", (json_int_t)counts[2], "hidden_total",
                                  (json_int_t)hidden)));
        } else {
                char a[1024], b[1024];
                printf("--- %s: %s, registry of %s, %zu records\n",
                       ps_text_sanitize_to(a, sizeof(a), argv[0]), ps_db_source(old),
                       ps_db_date(old), ps_db_count(old));
                printf("+++ %s: %s, registry of %s, %zu records\n",
                       ps_text_sanitize_to(b, sizeof(b), argv[1]), ps_db_source(new),
                       ps_db_date(new), ps_db_count(new));
                print_section(c, "Added", '+', ev, ne, counts[0]);
                print_section(c, "Removed", '-', ev, ne, counts[1]);
                print_section(c, "Changed", '~', ev, ne, counts[2]);
                printf("\n%zu added, %zu removed, %zu changed", counts[0], counts[1], counts[2]);
                if (hidden)
                        printf("; %zu changes to unnamed blocks (Unassigned, Reserved...) not "
                               "shown, --all shows them",
                               hidden);
                printf("\n");
                r = 0;
        }
        if (!r && !ne)
                r = EXIT_NOTFOUND;
out:
        for (size_t i = 0; ev && i < ne; i++)
                for (int k = 0; k < ev[i].n_ch; k++) {
                        free(ev[i].ch[k].old);
                        free(ev[i].ch[k].new);
                }
        free(ev);
        free(va);
        free(vb);
        ps_db_free(old);
        ps_db_free(new);
        return r;
}
