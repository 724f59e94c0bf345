/* SPDX-License-Identifier: MIT */
/*
 * The notes' terminal form (notes-format.h, struct ps_dbnoteblock) against
 * what the CLI printed before psnotes decided the Markdown at build time:
 * every body of the built-in notes and of every translation, stale ones too,
 * and a fixture of unusual Markdown compiled here by psnotes, each rendered
 * at several widths and indents through the old walk over cmark's tree
 * (below, as it was in src/cli/notes-report.c, printing to a FILE) and
 * through notes_print_body(); the bytes must be the same.
 *
 *   test-notes-render PSNOTES
 */
#include <cmark.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "dynbuf.h"
#include "notes-format.h"
#include "notes-internal.h"
#include "portscope/portscope.h"
#include "tap.h"

#define BODY_TEXT_MAX (64u << 10) /* rendered text of one block; bodies are far smaller */

/* ---- the old walk, as src/cli/notes-report.c had it ---- */

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
        FILE *f;
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
                fputc('\n', rd->f);
        rd->first = false;
        switch (t) {
        case CMARK_NODE_PARAGRAPH:
        case CMARK_NODE_HEADING:
                inline_text(n, &b);
                if (first_col < 0)
                        fprintf(rd->f, "%*s", (int)indent, "");
                out_wrap(rd->f, b.buf ? b.buf : "", indent,
                         first_col < 0 ? indent : (unsigned)first_col, rd->width);
                break;
        case CMARK_NODE_CODE_BLOCK:
        case CMARK_NODE_HTML_BLOCK: {
                const char *lit = cmark_node_get_literal(n);
                for (const char *p = lit ? lit : ""; *p;) {
                        size_t l = strcspn(p, "\n");
                        if (first_col < 0)
                                fprintf(rd->f, "%*s", (int)indent + 2, "");
                        first_col = -1;
                        fprintf(rd->f, "%.*s\n", (int)l, p);
                        p += l + (p[l] == '\n');
                }
                break;
        }
        case CMARK_NODE_LIST: {
                bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
                int num = cmark_node_get_list_start(n);
                bool tight = cmark_node_get_list_tight(n);
                if (first_col < 0 && !rd->first)
                        fputc('\n', rd->f);
                for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it)) {
                        char bullet[16];
                        if (ordered)
                                snprintf(bullet, sizeof(bullet), "%d. ", num++);
                        else
                                snprintf(bullet, sizeof(bullet), "- ");
                        if (it != cmark_node_first_child(n) && !tight)
                                fputc('\n', rd->f);
                        fprintf(rd->f, "%*s%s", (int)indent, "", bullet);
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

static void print_body(FILE *f, const char *md, unsigned indent, unsigned width)
{
        cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
        if (!doc) {
                /* Out of memory: the Markdown source is still readable. */
                fprintf(f, "%*s", (int)indent, "");
                out_wrap(f, md, indent, indent, width);
                return;
        }
        struct render rd = { .f = f, .width = width, .first = true };
        render_blocks(&rd, doc, indent, -1);
        cmark_node_free(doc);
}

/* ---- the comparison ---- */

static const unsigned widths[] = { 40, 72, 80, 132 };
static const unsigned indents[] = { 4, 0, 2, 8 }; /* the report's is 4 */

static char *render(bool old, const ps_notes *notes, const ps_note *note, unsigned indent,
                    unsigned width, size_t *ret_len)
{
        char *buf = NULL;
        FILE *f = open_memstream(&buf, ret_len);
        if (!f)
                return NULL;
        if (old)
                print_body(f, note->body, indent, width);
        else
                notes_print_body(f, notes, note, indent, width);
        fclose(f);
        return buf;
}

/* Renders note both ways at every width and indent; the number that differ. */
static int compare(const ps_notes *notes, const ps_note *note, const char *what, int *shown)
{
        int bad = 0;
        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
                for (size_t i = 0; i < sizeof(indents) / sizeof(indents[0]); i++) {
                        size_t la = 0, lb = 0;
                        char *a = render(true, notes, note, indents[i], widths[w], &la);
                        char *b = render(false, notes, note, indents[i], widths[w], &lb);
                        if (!a || !b || la != lb || memcmp(a, b, la)) {
                                bad++;
                                if ((*shown)++ < 3)
                                        printf("# %s, width %u, indent %u differs:\n"
                                               "# --- old\n%s\n# --- new\n%s\n",
                                               what, widths[w], indents[i], a ? a : "", b ? b : "");
                        }
                        free(a);
                        free(b);
                }
        return bad;
}

/* Every note and every translation in an image, both ways. */
static void compare_image(const ps_notes *notes, const char *name, size_t min_l10n)
{
        size_t size;
        const unsigned char *img = ps_notes_image(notes, &size);
        struct ps_noteshdr h;
        memcpy(&h, img, sizeof(h));
        const char *strings = (const char *)img + h.off_strings;
        int bad = 0, shown = 0, with_blocks = 0;
        uint32_t first, n;
        for (uint32_t id = 0; id < ps_notes_count(notes); id++) {
                ps_note note;
                ps_notes_get(notes, id, &note);
                with_blocks += ps_note_blocks(notes, &note, &first, &n);
                bad += compare(notes, &note, note.slug, &shown);
        }
        ok(bad == 0 && with_blocks == (int)ps_notes_count(notes),
           "%s: the %zu notes' bodies render as cmark's walk did, at widths 40/72/80/132 and "
           "indents 4/0/2/8 (%d renderings differ; %d bodies with blocks)",
           name, ps_notes_count(notes), bad, with_blocks);
        bad = shown = with_blocks = 0;
        for (uint32_t i = 0; i < h.n_l10n; i++) {
                struct ps_dbnotel10n t;
                ps_note note;
                char what[128];
                memcpy(&t, img + h.off_l10n + i * sizeof(t), sizeof(t));
                ps_notes_get(notes, t.note, &note);
                note.body = strings + t.body; /* stale ones too */
                snprintf(what, sizeof(what), "%s in %.4s", note.slug, t.lang);
                with_blocks += ps_note_blocks(notes, &note, &first, &n);
                bad += compare(notes, &note, what, &shown);
        }
        ok(bad == 0 && with_blocks == (int)h.n_l10n && h.n_l10n >= min_l10n,
           "%s: the %u translations' bodies too (%d renderings differ; %d with blocks)", name,
           h.n_l10n, bad, with_blocks);
}

/* Markdown the notes may come to use: nested, loose and ordered lists, quotes,
 * headings, code in items, breaks, links, raw HTML, blank-line runs. */
static const char *const fixtures[] = {
        "A paragraph with `code`, *emphasis*, **strong**, a [link](https://example.org/a) "
        "and <https://example.org/b>, an ![image](i.png) and a hard  \nbreak\\\nand a "
        "soft\nbreak.\n\nA second paragraph.",
        "- one\n- two\n  - nested\n  - nested two\n\n    with a paragraph\n- three",
        "1. first\n2. second\n\n   loose\n3. third\n\n7. starts at seven\n8. eight",
        "> quoted\n> text\n>\n> - in a list\n>\n> > deeper\n\nAfter.",
        "# Heading\n\nText\n\n## Sub\n\n---\n\n***\n\nEnd.\n\n---",
        "- ```\n  code in an item\n  second line\n  ```\n- - item in an item\n-\n- last",
        "    indented code\n    two\n\n```sh\nfenced\n\n  kept\n```\n\n<div>\nraw html\n</div>",
        "Text with <b>inline html</b> and a [https://example.org/c](https://example.org/c) "
        "link whose text is its URL, and [ref][r].\n\n[r]: https://example.org/r \"t\"",
        "1) paren\n2) list\n\n* star\n+ plus\n\n- a\n\n\n- b after two blanks",
        "***",
        "[only]: https://example.org/a-link-definition-prints-nothing",
        "Ünïcödé wörds wrap bý their cölumns: 日本語のテキストは二列ずつ数えられる。 "
        "ئۇيغۇرچە تېكىست ۋە Ελληνικό κείμενο, long enough to need a few lines at width forty.",
};

static int write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");
        if (!f)
                return -errno;
        fputs(text, f);
        return fclose(f) ? -errno : 0;
}

static void test_fixtures(const char *psnotes)
{
        char dir[] = "/tmp/test-notes-render.XXXXXX", path[512], img[512], stub[512];
        if (!mkdtemp(dir)) {
                ok(0, "a temporary directory: %s", strerror(errno));
                return;
        }
        snprintf(path, sizeof(path), "%s/notes", dir);
        mkdir(path, 0700);
        size_t nf = sizeof(fixtures) / sizeof(fixtures[0]);
        for (size_t i = 0; i < nf; i++) {
                char text[4096];
                snprintf(path, sizeof(path), "%s/notes/%zu-fixture.md", dir, 40000 + i);
                snprintf(text, sizeof(text),
                         "ports: %zu/tcp\ntitle: Fixture %zu\ntags: unofficial\n"
                         "source: other | A fixture | https://example.org/%zu\n---\n%s\n",
                         40000 + i, i, i, fixtures[i]);
                write_file(path, text);
        }
        snprintf(path, sizeof(path), "%s/notes", dir);
        snprintf(img, sizeof(img), "%s/notes.img", dir);
        snprintf(stub, sizeof(stub), "%s/notes.S", dir);
        pid_t pid = fork();
        if (pid == 0) {
                execl(psnotes, psnotes, path, img, stub, (char *)NULL);
                _exit(127);
        }
        int status = -1;
        waitpid(pid, &status, 0);
        if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "psnotes compiles the fixture"))
                return;
        FILE *f = fopen(img, "rb");
        static unsigned char data[1 << 20];
        size_t size = f ? fread(data, 1, sizeof(data), f) : 0;
        if (f)
                fclose(f);
        ps_notes *notes;
        if (!ok(ps_notes_open_memory(data, size, &notes) == 0, "its image validates"))
                return;
        is_int(ps_notes_count(notes), nf, "  with every fixture");
        compare_image(notes, "fixture", 0);
        ps_notes_free(notes);
        unlink(img);
        unlink(stub);
        for (size_t i = 0; i < nf; i++) {
                snprintf(path, sizeof(path), "%s/notes/%zu-fixture.md", dir, 40000 + i);
                unlink(path);
        }
        snprintf(path, sizeof(path), "%s/notes", dir);
        rmdir(path);
        rmdir(dir);
}

int main(int argc, char **argv)
{
        ps_notes *notes;
        if (argc != 2) {
                fprintf(stderr, "usage: test-notes-render PSNOTES\n");
                return 2;
        }
        if (!ok(ps_notes_open_builtin(&notes) == 0, "the built-in notes open"))
                return tap_done();
        compare_image(notes, "built-in", 100);
        ps_notes_free(notes);
        test_fixtures(argv[1]);

        /* A body the image has no blocks for is shown as written, wrapped. */
        ps_note plain = { .body = "Not *in* the image." };
        if (ps_notes_open_builtin(&notes) == 0) {
                size_t len;
                char *s = render(false, notes, &plain, 4, 80, &len);
                is_str(s, "    Not *in* the image.\n", "a body outside the image: as written");
                free(s);
                ps_notes_free(notes);
        }
        return tap_done();
}
