/* SPDX-License-Identifier: MIT */
/* Knowledge notes and nmap prevalence in the port report, search and JSON. */
#include <cmark.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dynbuf.h"

#define BODY_TEXT_MAX (64u << 10) /* rendered text of one block; bodies are far smaller */
#define PS_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

int cli_notes(struct cli *c, ps_notes **ret_notes)
{
        if (!c->notes) {
                int r = ps_notes_open_builtin(&c->notes);
                if (r < 0)
                        return cli_fail(r, "opening the built-in notes");
        }
        *ret_notes = c->notes;
        return 0;
}

/* "1712/tcp", "811-827/udp"; buf needs 24 bytes. */
static const char *note_port_label(const ps_note_port *p, char *buf, size_t size)
{
        if (p->lo == p->hi)
                snprintf(buf, size, "%u/%s", p->lo, ps_proto_name(p->proto));
        else
                snprintf(buf, size, "%u-%u/%s", p->lo, p->hi, ps_proto_name(p->proto));
        return buf;
}

/* The note's ports, with tcp and udp of the same number folded: "1712/tcp,udp 1322/tcp". */
static void note_ports_label(const ps_notes *notes, const ps_note *note, char *buf, size_t size)
{
        size_t len = 0;
        buf[0] = '\0';
        for (unsigned i = 0; i < note->n_ports; i++) {
                ps_note_port p, q;
                char pb[24];
                if (ps_note_get_port(notes, note, i, &p) < 0)
                        continue;
                bool folded = false;
                for (unsigned j = 0; j < i && !folded; j++)
                        folded = ps_note_get_port(notes, note, j, &q) >= 0 && q.lo == p.lo &&
                                 q.hi == p.hi;
                if (folded)
                        continue;
                note_port_label(&p, pb, sizeof(pb));
                for (unsigned j = i + 1; j < note->n_ports; j++)
                        if (ps_note_get_port(notes, note, j, &q) >= 0 && q.lo == p.lo &&
                            q.hi == p.hi) {
                                size_t l = strlen(pb);
                                snprintf(pb + l, sizeof(pb) - l, ",%s", ps_proto_name(q.proto));
                        }
                int k = snprintf(buf + len, size - len, "%s%s", len ? " " : "", pb);
                if (k < 0 || (size_t)k >= size - len)
                        break;
                len += (size_t)k;
        }
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

/* Markdown to terminal text: cmark parses, this walks the tree. */
static void inline_text(cmark_node *n, ps_dynbuf *b)
{
        for (cmark_node *k = cmark_node_first_child(n); k; k = cmark_node_next(k)) {
                const char *lit = cmark_node_get_literal(k);
                switch (cmark_node_get_type(k)) {
                case CMARK_NODE_TEXT:
                case CMARK_NODE_HTML_INLINE:
                        ps_dynbuf_add(b, lit, strlen(lit));
                        break;
                case CMARK_NODE_CODE:
                        ps_dynbuf_addc(b, '`');
                        ps_dynbuf_add(b, lit, strlen(lit));
                        ps_dynbuf_addc(b, '`');
                        break;
                case CMARK_NODE_SOFTBREAK:
                        ps_dynbuf_addc(b, ' ');
                        break;
                case CMARK_NODE_LINEBREAK:
                        ps_dynbuf_addc(b, '\n');
                        break;
                case CMARK_NODE_LINK: {
                        size_t start = b->len;
                        const char *url = cmark_node_get_url(k);
                        inline_text(k, b);
                        /* Show the target unless the text already is the URL. */
                        if (url && *url && strcmp(b->buf ? b->buf + start : "", url)) {
                                ps_dynbuf_add(b, " <", 2);
                                ps_dynbuf_add(b, url, strlen(url));
                                ps_dynbuf_addc(b, '>');
                        }
                        break;
                }
                default: /* emphasis, strong, image: their text */
                        inline_text(k, b);
                }
        }
}

struct render {
        unsigned width;
        bool first; /* no blank line before the next block */
};

static void render_blocks(struct render *rd, cmark_node *parent, unsigned indent, int first_col);

/* Prints one block at indent; when first_col >= 0 the cursor already sits there. */
static void render_block(struct render *rd, cmark_node *n, unsigned indent, int first_col)
{
        ps_dynbuf b;
        ps_dynbuf_init(&b, BODY_TEXT_MAX);
        cmark_node_type t = cmark_node_get_type(n);
        if (first_col < 0 && !rd->first && t != CMARK_NODE_LIST && t != CMARK_NODE_ITEM)
                putchar('\n');
        rd->first = false;
        switch (t) {
        case CMARK_NODE_PARAGRAPH:
        case CMARK_NODE_HEADING:
                inline_text(n, &b);
                if (first_col < 0)
                        printf("%*s", (int)indent, "");
                out_wrap(stdout, b.buf ? b.buf : "", indent,
                         first_col < 0 ? indent : (unsigned)first_col, rd->width);
                break;
        case CMARK_NODE_CODE_BLOCK:
        case CMARK_NODE_HTML_BLOCK: {
                const char *lit = cmark_node_get_literal(n);
                for (const char *p = lit ? lit : ""; *p;) {
                        size_t l = strcspn(p, "\n");
                        if (first_col < 0)
                                printf("%*s", (int)indent + 2, "");
                        first_col = -1;
                        printf("%.*s\n", (int)l, p);
                        p += l + (p[l] == '\n');
                }
                break;
        }
        case CMARK_NODE_LIST: {
                bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
                int num = cmark_node_get_list_start(n);
                bool tight = cmark_node_get_list_tight(n);
                if (first_col < 0 && !rd->first)
                        putchar('\n');
                for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it)) {
                        char bullet[16];
                        if (ordered)
                                snprintf(bullet, sizeof(bullet), "%d. ", num++);
                        else
                                snprintf(bullet, sizeof(bullet), "- ");
                        if (it != cmark_node_first_child(n) && !tight)
                                putchar('\n');
                        printf("%*s%s", (int)indent, "", bullet);
                        rd->first = true;
                        unsigned sub = indent + (unsigned)strlen(bullet);
                        render_blocks(rd, it, sub, (int)sub);
                }
                break;
        }
        case CMARK_NODE_BLOCK_QUOTE:
                render_blocks(rd, n, indent + 2, first_col);
                break;
        case CMARK_NODE_THEMATIC_BREAK:
                break;
        default:
                render_blocks(rd, n, indent, first_col);
        }
        ps_dynbuf_free(&b);
}

static void render_blocks(struct render *rd, cmark_node *parent, unsigned indent, int first_col)
{
        for (cmark_node *k = cmark_node_first_child(parent); k; k = cmark_node_next(k)) {
                render_block(rd, k, indent, first_col);
                first_col = -1;
                if (cmark_node_get_type(parent) == CMARK_NODE_ITEM)
                        rd->first = true; /* tight paragraphs inside an item */
        }
}

static void print_body(const char *md, unsigned indent, unsigned width)
{
        cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
        if (!doc) {
                /* Out of memory: the Markdown source is still readable. */
                printf("%*s", (int)indent, "");
                out_wrap(stdout, md, indent, indent, width);
                return;
        }
        struct render rd = { .width = width, .first = true };
        render_blocks(&rd, doc, indent, -1);
        cmark_node_free(doc);
}

static void print_note(const struct cli *c, const ps_notes *notes, const ps_note *note)
{
        char ports[512], tags[256];
        unsigned w = out_width();
        note_ports_label(notes, note, ports, sizeof(ports));
        tags_label(note, tags, sizeof(tags));
        printf("  %s%s%s  %s%s%s\n", sty_bold(c), note->title, sty_off(c), sty_dim(c), ports,
               sty_off(c));
        printf("    %-12s %s", "Tags", tags);
        if (note->confidence != PS_CONFIDENCE_HIGH)
                printf("  %s(confidence: %s)%s", sty_warn(c), ps_confidence_name(note->confidence),
                       sty_off(c));
        printf("\n\n");
        print_body(note->body, 4, w);
        putchar('\n');
        printf("    Sources\n");
        for (unsigned i = 0; i < note->n_sources; i++) {
                ps_note_source s;
                if (ps_note_get_source(notes, note, i, &s) < 0)
                        continue;
                int n = printf("    %2u. ", i + 1);
                char line[1024];
                snprintf(line, sizeof(line), "%s (%s)", s.title, ps_source_kind_name(s.kind));
                out_wrap(stdout, line, (unsigned)n, (unsigned)n, w);
                printf("%*s%s%s%s\n", n, "", sty_dim(c), s.url, sty_off(c));
        }
}

/* nmap-services for one port. Absence is normal; anything else is worth one
 * warning line. Returns the entries found, or -1 when there is no usable file. */
static int load_prevalence(unsigned port, ps_proto proto, ps_prevalence_entry *ret, size_t cap)
{
        ps_prevalence_entry all[_PS_PROTO_MAX];
        int r = ps_prevalence_port_cached(NULL, port, all, PS_ELEMENTSOF(all));
        if (r < 0) {
                if (r != -ENOENT)
                        cli_error(0, "%s: ignoring nmap-services: %s", ps_prevalence_default_path(),
                                  r == -EINVAL ? "not a regular file" : ps_strerror(r));
                return -1;
        }
        size_t n = 0;
        for (int i = 0; i < r && n < cap; i++)
                if (proto == PS_PROTO_ANY || all[i].proto == proto)
                        ret[n++] = all[i];
        return (int)n;
}

static void print_prevalence(struct cli *c, unsigned port, ps_proto proto)
{
        ps_prevalence_entry e[_PS_PROTO_MAX];
        int n = load_prevalence(port, proto, e, PS_ELEMENTSOF(e));
        unsigned w = out_width();
        if (n < 0) {
                printf("  %s%-14s%s ", sty_dim(c), "Prevalence", sty_off(c));
                out_wrap(stdout,
                         "unknown: nmap's nmap-services is not installed (Debian package "
                         "nmap-common).",
                         17, 17, w);
                return;
        }
        for (int i = 0; i < n; i++) {
                char line[512];
                const char *pn = ps_proto_name(e[i].proto);
                if (e[i].rank)
                        snprintf(line, sizeof(line),
                                 "%u/%s: found open on %.4g%% of the hosts nmap scanned; rank "
                                 "%u of %u %s ports (nmap calls it \"%s\").",
                                 port, pn, e[i].frequency * 100, e[i].rank, e[i].listed, pn,
                                 e[i].service);
                else
                        snprintf(line, sizeof(line),
                                 "%u/%s: listed by nmap as \"%s\" but never found open in its "
                                 "scans.",
                                 port, pn, e[i].service);
                printf("  %-14s ", i ? "" : "Prevalence");
                out_wrap(stdout, line, 17, 17, w);
        }
        if (!n) {
                printf("  %-14s ", "Prevalence");
                out_wrap(stdout, "not listed in nmap-services: nmap has no open frequency for it.",
                         17, 17, w);
        }
}

size_t print_notes_section(struct cli *c, unsigned port, ps_proto proto)
{
        ps_notes *notes = NULL;
        ps_notes_iter it;
        ps_note note;
        size_t n = 0;

        printf("%sNotes%s\n", sty_head(c), sty_off(c));
        if (cli_notes(c, &notes) == 0) {
                ps_notes_iter_port(&it, notes, port, proto);
                while (ps_notes_iter_next(&it, &note) > 0) {
                        if (n++)
                                putchar('\n');
                        print_note(c, notes, &note);
                }
        }
        if (!n)
                printf("  No notes on this port%s%s yet (docs/notes.md: how to add one).\n",
                       proto != PS_PROTO_ANY ? " over " : "",
                       proto != PS_PROTO_ANY ? ps_proto_name(proto) : "");
        putchar('\n');
        print_prevalence(c, port, proto);
        putchar('\n');
        return n;
}

json_t *json_note(const ps_notes *notes, const ps_note *note)
{
        json_t *o = json_object(), *tags = json_array(), *ports = json_array(),
               *sources = json_array();
        for (int t = 0; t < _PS_TAG_MAX; t++)
                if (ps_note_has_tag(note, (ps_tag)t))
                        json_array_append_new(tags, json_string(ps_tag_name((ps_tag)t)));
        for (unsigned i = 0; i < note->n_ports; i++) {
                ps_note_port p;
                if (ps_note_get_port(notes, note, i, &p) >= 0)
                        json_array_append_new(ports, json_pack("{s:i, s:i, s:s}", "port", p.lo,
                                                               "port_high", p.hi, "protocol",
                                                               ps_proto_name(p.proto)));
        }
        for (unsigned i = 0; i < note->n_sources; i++) {
                ps_note_source s;
                if (ps_note_get_source(notes, note, i, &s) >= 0)
                        json_array_append_new(sources, json_pack("{s:s, s:s, s:s}", "type",
                                                                 ps_source_kind_name(s.kind),
                                                                 "title", s.title, "url", s.url));
        }
        json_object_set_new(o, "id", json_string(note->slug));
        json_object_set_new(o, "title", json_string(note->title));
        json_object_set_new(o, "tags", tags);
        json_object_set_new(o, "confidence", json_string(ps_confidence_name(note->confidence)));
        json_object_set_new(o, "ports", ports);
        json_object_set_new(o, "body", json_string(note->body));
        json_object_set_new(o, "sources", sources);
        return o;
}

json_t *json_notes_for_port(struct cli *c, unsigned port, ps_proto proto)
{
        json_t *arr = json_array();
        ps_notes *notes = NULL;
        ps_notes_iter it;
        ps_note note;
        if (cli_notes(c, &notes) != 0)
                return arr;
        ps_notes_iter_port(&it, notes, port, proto);
        while (ps_notes_iter_next(&it, &note) > 0)
                json_array_append_new(arr, json_note(notes, &note));
        return arr;
}

json_t *json_prevalence(struct cli *c, unsigned port, ps_proto proto)
{
        ps_prevalence_entry e[_PS_PROTO_MAX];
        int n = load_prevalence(port, proto, e, PS_ELEMENTSOF(e));
        if (n < 0)
                return json_null();
        json_t *arr = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(arr,
                                      json_pack("{s:s, s:s, s:f, s:o, s:i}", "protocol",
                                                ps_proto_name(e[i].proto), "nmap_service",
                                                e[i].service, "prevalence", e[i].frequency, "rank",
                                                e[i].rank ? json_integer(e[i].rank) : json_null(),
                                                "listed", (json_int_t)e[i].listed));
        return json_pack("{s:o, s:o}", "path", json_text(ps_prevalence_default_path()), "entries",
                         arr);
}

int search_notes(struct cli *c, const char *query, json_t *doc, bool gap)
{
        ps_match m[SEARCH_NOTES_MAX];
        ps_notes *notes = NULL;
        int r;
        if ((r = cli_notes(c, &notes)))
                return -1;
        int total = ps_notes_search(notes, query, c->proto, m, SEARCH_NOTES_MAX);
        if (total < 0) {
                cli_fail(total, "searching the notes");
                return -1;
        }
        size_t shown = (size_t)total < SEARCH_NOTES_MAX ? (size_t)total : SEARCH_NOTES_MAX;
        if (doc) {
                json_t *arr = json_array();
                for (size_t i = 0; i < shown; i++) {
                        ps_note note;
                        if (ps_notes_get(notes, m[i].id, &note) < 0)
                                continue;
                        json_t *o = json_note(notes, &note);
                        json_object_set_new(o, "score", json_integer(m[i].score));
                        json_array_append_new(arr, o);
                }
                json_object_set_new(doc, "notes_total", json_integer(total));
                json_object_set_new(doc, "notes", arr);
                return total;
        }
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
                printf("%s(%d more notes; narrow the search)%s\n", sty_dim(c), total - (int)shown,
                       sty_off(c));
        return total;
}

void notes_cleanup(struct cli *c)
{
        ps_notes_free(c->notes);
        c->notes = NULL;
}
