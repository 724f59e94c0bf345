/* SPDX-License-Identifier: MIT */
/* Knowledge notes and nmap prevalence in the port report, search and JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dynbuf.h"
#include "i18n.h"
#include "json-record.h"
#include "notes-format.h"
#include "notes-internal.h"
#include "report-phrases.h"

int cli_notes(struct cli *c, ps_notes **ret_notes)
{
        if (!c->notes) {
                int r = ps_notes_open_builtin(&c->notes);
                if (r < 0)
                        return cli_fail(r, _("opening the built-in notes"));
        }
        *ret_notes = c->notes;
        return 0;
}

/* The note's ports, with tcp and udp of the same number folded: "1712/tcp,udp 1322/tcp".
 * A list of ports, not a sentence. */
static void ports_label(const ps_report_ports *v, size_t n, char *buf, size_t size)
{
        size_t len = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < n && len < size; i++) {
                int k = v[i].lo == v[i].hi
                                ? snprintf(buf + len, size - len, "%s%u/", len ? " " : "", v[i].lo)
                                : snprintf(buf + len, size - len, "%s%u-%u/", len ? " " : "",
                                           v[i].lo, v[i].hi);
                if (k < 0 || (size_t)k >= size - len)
                        break;
                len += (size_t)k;
                bool first = true;
                for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX && len < size; p++)
                        if (v[i].protocols & PS_PROTO_BIT(p)) {
                                len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                                        first ? "" : ",",
                                                        ps_proto_name((ps_proto)p));
                                first = false;
                        }
        }
}

/* Folds a note's own port items, for search results (no report there). */
static size_t fold_note_ports(const ps_notes *notes, const ps_note *note, ps_report_ports *v,
                              size_t cap)
{
        size_t n = 0;
        for (unsigned i = 0; i < note->n_ports; i++) {
                ps_note_port p;
                size_t j;
                if (ps_note_get_port(notes, note, i, &p) < 0)
                        continue;
                for (j = 0; j < n && !(v[j].lo == p.lo && v[j].hi == p.hi); j++)
                        ;
                if (j < n)
                        v[j].protocols |= PS_PROTO_BIT(p.proto);
                else if (n < cap)
                        v[n++] = (ps_report_ports){ p.lo, p.hi, PS_PROTO_BIT(p.proto) };
        }
        return n;
}

static void note_ports_label(const ps_notes *notes, const ps_note *note, char *buf, size_t size)
{
        ps_report_ports v[64];
        ports_label(v, fold_note_ports(notes, note, v, 64), buf, size);
}

static void tags_label(const ps_note *note, char *buf, size_t size)
{
        size_t len = 0;
        buf[0] = '\0';
        for (int t = 0; t < _PS_TAG_MAX; t++) {
                if (!ps_note_has_tag(note, (ps_tag)t))
                        continue;
                int k = snprintf(buf + len, size - len, "%s%s", len ? " " : "",
                                 ps_tag_name((ps_tag)t));
                if (k < 0 || (size_t)k >= size - len)
                        break;
                len += (size_t)k;
        }
}

/*
 * A body on the terminal. psnotes decided its Markdown at build time
 * (notes-format.h, struct ps_dbnoteblock): paragraphs with their inline
 * Markdown flattened, code lines, list markers, indents and blank lines;
 * only the wrapping to the terminal's width is left to do here.
 */
void notes_print_body(FILE *f, const ps_notes *notes, const ps_note *note, unsigned indent,
                      unsigned width)
{
        uint32_t first, n;
        if (!ps_note_blocks(notes, note, &first, &n)) {
                /* An image without the terminal form: the Markdown as written. */
                fprintf(f, "%*s", (int)indent, "");
                out_wrap(f, note->body, indent, indent, width);
                return;
        }
        for (uint32_t i = first; i < first + n; i++) {
                ps_note_block b;
                ps_notes_block(notes, i, &b);
                for (unsigned k = 0; k < b.blank; k++)
                        fputc('\n', f);
                unsigned at = indent + b.indent;
                switch (b.kind) {
                case PS_DBBLOCK_PARA:
                        if (b.first < 0)
                                fprintf(f, "%*s", (int)at, "");
                        out_wrap(f, b.text, at, b.first < 0 ? at : indent + (unsigned)b.first,
                                 width);
                        break;
                case PS_DBBLOCK_CODE: {
                        int cont = b.first >= 0;
                        for (const char *p = b.text; *p;) {
                                size_t l = strcspn(p, "\n");
                                if (!cont)
                                        fprintf(f, "%*s", (int)at + 2, "");
                                cont = 0;
                                fprintf(f, "%.*s\n", (int)l, p);
                                p += l + (p[l] == '\n');
                        }
                        break;
                }
                case PS_DBBLOCK_MARKER:
                        fprintf(f, "%*s%s", (int)at, "", b.text);
                        break;
                default: /* PS_DBBLOCK_SPACE: the blank lines only */
                        break;
                }
        }
}

/* The note's confidence, said whole so that each language can phrase it. */
static const char *confidence_label(ps_confidence conf)
{
        switch (conf) {
        case PS_CONFIDENCE_MEDIUM:
                return _("(confidence: medium)");
        case PS_CONFIDENCE_LOW:
                return _("(confidence: low)");
        default:
                return _("(confidence: high)");
        }
}

static void print_note(const struct cli *c, const ps_notes *notes, const ps_report_note *rn)
{
        const ps_note *original = &rn->note;
        ps_report_ports v[64];
        char ports[512], tags[256];
        unsigned w = out_width();
        size_t n = 0;
        /* The note in the reader's language when its translation is current;
         * otherwise the English, and a line that says so. */
        const char *lang = ps_i18n_current();
        ps_note shown = *original;
        int tr = strcmp(lang, "en") ? ps_note_translate(notes, original, lang, &shown) : 0;
        const ps_note *note = &shown;
        for (; n < rn->n_ports && n < 64; n++)
                v[n] = *ps_report_note_ports_at(rn, n);
        ports_label(v, n, ports, sizeof(ports));
        tags_label(note, tags, sizeof(tags));
        printf("  %s%s%s  %s%s%s\n", sty_bold(c), note->title, sty_off(c), sty_dim(c), ports,
               sty_off(c));
        char pad[OUT_PAD_MAX];
        printf("    %s %s", out_padded(_("Tags"), 12, pad), tags);
        if (note->confidence != PS_CONFIDENCE_HIGH)
                printf("  %s%s%s", sty_warn(c), confidence_label(note->confidence), sty_off(c));
        printf("\n\n");
        if (tr < 0) {
                printf("    ");
                out_wrap(stdout,
                         tr == -ESTALE ? _("The translation of this note is out of date; "
                                           "the English original follows.")
                                       : _("This note is not translated yet; the English "
                                           "original follows."),
                         4, 4, w);
                putchar('\n');
        }
        notes_print_body(stdout, notes, note, 4, w);
        putchar('\n');
        printf("    %s\n", _("Sources"));
        for (unsigned i = 0; i < note->n_sources; i++) {
                ps_note_source s;
                if (ps_note_get_source(notes, note, i, &s) < 0)
                        continue;
                int k = printf("    %2u. ", i + 1);
                char line[1024];
                snprintf(line, sizeof(line), _("%s (%s)"), s.title, ps_source_kind_name(s.kind));
                out_wrap(stdout, line, (unsigned)k, (unsigned)k, w);
                printf("%*s%s%s%s\n", k, "", sty_dim(c), s.url, sty_off(c));
        }
}

static void print_prevalence(const ps_port_report *r)
{
        char line[PHRASE_MAX], pad[OUT_PAD_MAX];
        unsigned w = out_width();
        for (size_t i = 0; i < r->n_prevalence; i++) {
                printf("  %s ", out_padded(i ? "" : _("Prevalence"), 14, pad));
                out_wrap(stdout,
                         phrase_prevalence(ps_port_report_prevalence_at(r, i), line, sizeof(line)),
                         17, 17, w);
        }
        if (!r->n_prevalence && r->prevalence_state != PS_PREVALENCE_NOT_ASKED) {
                printf("  %s ", out_padded(_("Prevalence"), 14, pad));
                out_wrap(stdout, phrase_prevalence_none(r, line, sizeof(line)), 17, 17, w);
        }
}

void print_notes_section(struct cli *c, const ps_port_report *r)
{
        char port[32];
        printf("%s%s%s\n", sty_head(c), _("Notes"), sty_off(c));
        for (size_t i = 0; i < r->n_notes; i++) {
                if (i)
                        putchar('\n');
                print_note(c, c->notes, ps_port_report_note_at(r, i));
        }
        if (!r->n_notes) {
                printf("  ");
                printf(_("No notes on port %s yet (docs/notes.md: how to add one).\n"),
                       phrase_port(r->port, r->proto, port, sizeof(port)));
        }
        putchar('\n');
        print_prevalence(r);
        putchar('\n');
}

int search_notes(struct cli *c, const char *query, bool gap)
{
        ps_match m[SEARCH_NOTES_MAX];
        ps_notes *notes = NULL;
        int r;
        if ((r = cli_notes(c, &notes)))
                return -1;
        int total = ps_notes_search(notes, query, c->proto, m, SEARCH_NOTES_MAX);
        if (total < 0) {
                cli_fail(total, _("searching the notes"));
                return -1;
        }
        size_t shown = (size_t)total < SEARCH_NOTES_MAX ? (size_t)total : SEARCH_NOTES_MAX;
        if (!total)
                return 0;
        printf("%s%sNotes%s\n", gap ? "\n" : "", sty_head(c), sty_off(c));
        for (size_t i = 0; i < shown; i++) {
                ps_note note;
                char ports[512], tags[256];
                if (ps_notes_get(notes, m[i].id, &note) < 0)
                        continue;
                note_ports_label(notes, &note, ports, sizeof(ports));
                tags_label(&note, tags, sizeof(tags));
                printf("%-17s %s%s%s %s[%s]%s\n", ports, sty_bold(c), note.title, sty_off(c),
                       sty_dim(c), tags, sty_off(c));
        }
        if ((size_t)total > shown)
                printf(ngettext("%s(%d more note; narrow the search)%s\n",
                                "%s(%d more notes; narrow the search)%s\n",
                                (unsigned long)(total - (int)shown)),
                       sty_dim(c), total - (int)shown, sty_off(c));
        return total;
}

void notes_cleanup(struct cli *c)
{
        ps_notes_free(c->notes);
        c->notes = NULL;
}
