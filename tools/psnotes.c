/* SPDX-License-Identifier: MIT */
/*
 * Build-time validator and compiler of the knowledge notes (docs/notes.md).
 *
 *   psnotes --check [--require-quotes] PATH...  validate note files or directories
 *   psnotes --revision NOTE.md...                print each note's revision (what a
 *                                                 translation's translates: line names)
 *   psnotes DIR OUT.notes OUT.S [--depfile OUT.d] [--require-quotes]
 *                                                 validate and compile DIR
 *
 * Every problem is printed as "FILE:LINE: problem"; the exit status is 1 when
 * there was any, 2 for bad usage. The depfile names DIR itself and every note,
 * so that ninja rebuilds when a note is added, removed or edited.
 */
#include <cmark.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dynbuf.h"
#include "embed.h"
#include "notes-set.h"
#include "portscope/portscope.h"
#include "util.h"

#define MAX_FILES (PS_NOTES_MAX_NOTES + 16)
#define MAX_L10N (PS_NOTES_MAX_NOTES * 5)

static int problems;

/* Translations found under DIR/l10n/LL/ (docs/translations.md), their
 * language, and the directories themselves for the depfile. */
static char *l10n_files[MAX_L10N], *l10n_lang[MAX_L10N], *l10n_dirs[64];
static size_t n_l10n, n_l10n_dirs;

static void stale(void *ctx, const char *msg)
{
        fprintf(stderr, "%s\n", msg);
}

static void report(void *ctx, const char *msg)
{
        fprintf(stderr, "%s\n", msg);
        problems++;
}

/*
 * Each body decided for the terminal here, with cmark, so that the command
 * line links no Markdown parser: the walk below is the one the CLI's
 * renderer made over cmark's tree at run time, its output steps recorded as
 * blocks (notes-format.h, struct ps_dbnoteblock) instead of printed; only
 * the wrapping to the terminal's width is left to run time. tests/
 * test-notes-render.c renders every body both ways and compares the bytes.
 */
#define BODY_TEXT_MAX (64u << 10) /* flattened text of one block, as the CLI capped it */

struct blocks {
        ps_rawblock *v;
        size_t n, alloc;
        unsigned blank; /* newlines not yet given to a block */
        unsigned base;  /* the body's indent in the walk; blocks count from it */
        bool first;     /* no blank line before the next block */
        int r;
        char *err;
        size_t errsize;
};

/* Code spans in backticks, link text then " <URL>" unless the text is the
 * URL, soft breaks as spaces, hard breaks as newlines. */
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

static void emit(struct blocks *bl, uint8_t kind, unsigned indent, int first, const char *text)
{
        if (bl->r < 0)
                return;
        /* More blank lines than a block can carry: a block of nothing else. */
        while (bl->blank > UINT8_MAX && kind != PS_DBBLOCK_SPACE) {
                emit(bl, PS_DBBLOCK_SPACE, 0, -1, NULL);
                if (bl->r < 0)
                        return;
        }
        unsigned ind = indent - bl->base, col = first < 0 ? 0 : (unsigned)first - bl->base;
        if (ind > PS_NOTE_MAX_BLOCK_COL || col > PS_NOTE_MAX_BLOCK_COL) {
                snprintf(bl->err, bl->errsize,
                         "the body nests too deep for the terminal (a block past column %u)",
                         PS_NOTE_MAX_BLOCK_COL);
                bl->r = -EBADMSG;
                return;
        }
        if (bl->n == bl->alloc) {
                size_t a = bl->alloc ? bl->alloc * 2 : 16;
                ps_rawblock *v = realloc(bl->v, a * sizeof(*v));
                if (!v) {
                        bl->r = -ENOMEM;
                        return;
                }
                bl->v = v;
                bl->alloc = a;
        }
        ps_rawblock *b = &bl->v[bl->n];
        unsigned blank = bl->blank > UINT8_MAX ? UINT8_MAX : bl->blank;
        *b = (ps_rawblock){ .kind = kind,
                            .blank = (uint8_t)blank,
                            .indent = (uint8_t)ind,
                            .first = first < 0 ? PS_DBBLOCK_AT_LINE_START : (uint8_t)col };
        if (!(b->text = strdup(text ? text : ""))) {
                bl->r = -ENOMEM;
                return;
        }
        bl->n++;
        bl->blank -= blank;
}

static void decide_blocks(struct blocks *bl, cmark_node *parent, unsigned indent, int first_col);

/* One block at indent; when first_col >= 0 the cursor already sits there. */
static void decide_block(struct blocks *bl, cmark_node *n, unsigned indent, int first_col)
{
        ps_dynbuf b;
        ps_dynbuf_init(&b, BODY_TEXT_MAX);
        cmark_node_type t = cmark_node_get_type(n);
        if (first_col < 0 && !bl->first && t != CMARK_NODE_LIST && t != CMARK_NODE_ITEM)
                bl->blank++;
        bl->first = false;
        switch (t) {
        case CMARK_NODE_PARAGRAPH:
        case CMARK_NODE_HEADING:
                inline_text(n, &b);
                emit(bl, PS_DBBLOCK_PARA, indent, first_col, b.buf);
                break;
        case CMARK_NODE_CODE_BLOCK:
        case CMARK_NODE_HTML_BLOCK:
                emit(bl, PS_DBBLOCK_CODE, indent, first_col, cmark_node_get_literal(n));
                break;
        case CMARK_NODE_LIST: {
                bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
                int num = cmark_node_get_list_start(n);
                bool tight = cmark_node_get_list_tight(n);
                if (first_col < 0 && !bl->first)
                        bl->blank++;
                for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it)) {
                        char bullet[16];
                        if (ordered)
                                snprintf(bullet, sizeof(bullet), "%d. ", num++);
                        else
                                snprintf(bullet, sizeof(bullet), "- ");
                        if (it != cmark_node_first_child(n) && !tight)
                                bl->blank++;
                        emit(bl, PS_DBBLOCK_MARKER, indent, -1, bullet);
                        bl->first = true;
                        unsigned sub = indent + (unsigned)strlen(bullet);
                        decide_blocks(bl, it, sub, (int)sub);
                }
                break;
        }
        case CMARK_NODE_BLOCK_QUOTE:
                decide_blocks(bl, n, indent + 2, first_col);
                break;
        case CMARK_NODE_THEMATIC_BREAK:
                break;
        default:
                decide_blocks(bl, n, indent, first_col);
        }
        ps_dynbuf_free(&b);
}

static void decide_blocks(struct blocks *bl, cmark_node *parent, unsigned indent, int first_col)
{
        for (cmark_node *k = cmark_node_first_child(parent); k && bl->r >= 0;
             k = cmark_node_next(k)) {
                decide_block(bl, k, indent, first_col);
                first_col = -1;
                if (cmark_node_get_type(parent) == CMARK_NODE_ITEM)
                        bl->first = true; /* tight paragraphs inside an item */
        }
}

/* ps_note_parse_fn: the body's blocks, counted from indent 0. */
static int decide_body(void *ctx, const char *md, ps_rawblock **ret_blocks, size_t *ret_n,
                       char *err, size_t errsize)
{
        struct blocks bl = { .first = true, .err = err, .errsize = errsize };
        cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
        if (!doc)
                return -ENOMEM;
        decide_blocks(&bl, doc, 0, -1);
        cmark_node_free(doc);
        /* Blank lines after the last block (a thematic break at the end); and
         * a body that prints nothing (only a break, or link definitions) gets
         * one empty block: no blocks would mean "no terminal form". */
        while (bl.r >= 0 && (bl.blank || !bl.n))
                emit(&bl, PS_DBBLOCK_SPACE, 0, -1, NULL);
        if (bl.r < 0) {
                ps_rawblocks_free(bl.v, bl.n);
                return bl.r;
        }
        *ret_blocks = bl.v;
        *ret_n = bl.n;
        return 0;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files in a notes directory that are not notes. */
static int is_side_file(const char *name)
{
        size_t n = strlen(name);
        return name[0] == '.' || !strcmp(name, "README") || !strcmp(name, "LICENSE") ||
               (n && name[n - 1] == '~');
}

/* Appends the notes in dir to files (sorted), or reports what is not a note. */
static int list_dir(const char *dir, char **files, size_t *n)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t first = *n;
        if (!d) {
                fprintf(stderr, "%s: %s\n", dir, strerror(errno));
                problems++;
                return -errno;
        }
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                if (is_side_file(de->d_name) || !strcmp(de->d_name, "l10n"))
                        continue;
                if (len < 4 || strcmp(de->d_name + len - 3, ".md")) {
                        fprintf(stderr,
                                "%s/%s:1: not a note: notes are named SLUG.md (README "
                                "and LICENSE may sit beside them)\n",
                                dir, de->d_name);
                        problems++;
                        continue;
                }
                if (*n >= MAX_FILES) {
                        fprintf(stderr, "%s: more than %u notes\n", dir, PS_NOTES_MAX_NOTES);
                        problems++;
                        break;
                }
                size_t sz = strlen(dir) + len + 2;
                if (!(files[*n] = malloc(sz))) {
                        closedir(d);
                        return -ENOMEM;
                }
                snprintf(files[*n], sz, "%s/%s", dir, de->d_name);
                (*n)++;
        }
        closedir(d);
        ps_qsort(files + first, *n - first, sizeof(*files), cmp_str);
        return 0;
}

/* Lists DIR/l10n/LL/SLUG.md for every LL; adding reports a language not translated. */
static int list_l10n(const char *dir)
{
        char path[4096];
        struct dirent *de;
        snprintf(path, sizeof(path), "%s/l10n", dir);
        DIR *d = opendir(path);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        if (n_l10n_dirs < 64 && !(l10n_dirs[n_l10n_dirs++] = strdup(path))) {
                closedir(d);
                return -ENOMEM;
        }
        while ((de = readdir(d))) {
                static char *tmp[MAX_FILES];
                size_t n = 0;
                if (de->d_name[0] == '.' || is_side_file(de->d_name))
                        continue;
                snprintf(path, sizeof(path), "%s/l10n/%s", dir, de->d_name);
                struct stat st;
                if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
                        fprintf(stderr, "%s:1: not a language directory (l10n/LL/SLUG.md)\n", path);
                        problems++;
                        continue;
                }
                if (n_l10n_dirs < 64 && !(l10n_dirs[n_l10n_dirs++] = strdup(path)))
                        break;
                if (list_dir(path, tmp, &n) == -ENOMEM)
                        break;
                for (size_t i = 0; i < n; i++) {
                        if (n_l10n >= MAX_L10N) {
                                free(tmp[i]);
                                continue;
                        }
                        l10n_files[n_l10n] = tmp[i];
                        if (!(l10n_lang[n_l10n++] = strdup(de->d_name))) {
                                closedir(d);
                                return -ENOMEM;
                        }
                }
        }
        closedir(d);
        return 0;
}

static int print_revisions(int n, char **paths)
{
        char err[1024];
        int status = 0;
        for (int i = 0; i < n; i++) {
                ps_noteset set;
                ps_noteset_init(&set);
                if (ps_noteset_add_file(&set, paths[i], err, sizeof(err)) < 0) {
                        fprintf(stderr, "%s\n", err);
                        status = 1;
                } else {
                        printf("%016" PRIx64 "  %s\n",
                               ps_note_revision(set.notes[0].title, set.notes[0].body), paths[i]);
                }
                ps_noteset_free(&set);
        }
        return status;
}

static int depfile_add(ps_dynbuf *b, const char *path)
{
        int r = ps_dynbuf_addc(b, ' ');
        for (const char *p = path; *p && r >= 0; p++) {
                if (*p == ' ' || *p == '\\' || *p == '#')
                        r = ps_dynbuf_addc(b, '\\');
                else if (*p == '$')
                        r = ps_dynbuf_addc(b, '$');
                if (r >= 0)
                        r = ps_dynbuf_addc(b, *p);
        }
        return r;
}

static int usage(void)
{
        fprintf(stderr,
                "usage: psnotes --check [--require-quotes] PATH...\n"
                "       psnotes --revision NOTE.md...\n"
                "       psnotes DIR OUT.notes OUT.S [--depfile OUT.d] [--require-quotes]\n");
        return 2;
}

int main(int argc, char **argv)
{
        static char *files[MAX_FILES];
        char err[1024];
        size_t nfiles = 0;
        ps_noteset set;
        int check_only, require_quotes = 0, r;
        const char *depfile = NULL;

        if (argc < 2)
                return usage();
        if (!strcmp(argv[1], "--revision"))
                return argc > 2 ? print_revisions(argc - 2, argv + 2) : usage();
        check_only = !strcmp(argv[1], "--check");
        if (!check_only && !strcmp(argv[argc - 1], "--require-quotes")) {
                /* The build refuses a source without a quote line. */
                require_quotes = 1;
                argc--;
        }
        if (!check_only) {
                if (argc != 4 && !(argc == 6 && !strcmp(argv[4], "--depfile")))
                        return usage();
                depfile = argc == 6 ? argv[5] : NULL;
        }
        int npaths = check_only ? argc - 2 : 1;
        char **paths = check_only ? argv + 2 : argv + 1;
        if (check_only && npaths && !strcmp(paths[0], "--require-quotes")) {
                require_quotes = 1;
                npaths--;
                paths++;
        }
        if (!npaths)
                return usage();
        for (int i = 0; i < npaths; i++) {
                struct stat st;
                if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
                        if (list_dir(paths[i], files, &nfiles) == -ENOMEM ||
                            list_l10n(paths[i]) == -ENOMEM)
                                goto oom;
                } else if (nfiles < MAX_FILES) {
                        if (!(files[nfiles++] = strdup(paths[i])))
                                goto oom;
                }
        }

        ps_noteset_init(&set);
        for (size_t i = 0; i < nfiles; i++) {
                r = ps_noteset_add_file(&set, files[i], err, sizeof(err));
                if (r == -ENOMEM)
                        goto oom;
                if (r < 0)
                        report(NULL, err);
        }
        for (size_t i = 0; i < n_l10n; i++) {
                r = ps_noteset_add_l10n_file(&set, l10n_files[i], l10n_lang[i], err, sizeof(err));
                if (r == -ENOMEM)
                        goto oom;
                if (r < 0)
                        report(NULL, err);
        }
        ps_noteset_check(&set, report, NULL);
        /* A stale translation is no problem: the English is shown instead. */
        int n_stale = ps_noteset_stale(&set, stale, NULL);
        size_t n_sources = 0, n_quoted = 0, n_unreadable = 0;
        for (size_t i = 0; i < set.n; i++)
                for (size_t k = 0; k < set.notes[i].n_sources; k++) {
                        const ps_rawsource *s = &set.notes[i].sources[k];
                        n_sources++;
                        n_quoted += s->quote && !s->unreadable;
                        n_unreadable += s->unreadable;
                        if (!require_quotes || (s->quote && !s->unreadable))
                                continue;
                        /* A source nobody could read supports nothing a reader can check:
                         * the published notes must quote every source they cite. */
                        if (s->unreadable)
                                fprintf(stderr,
                                        "%s:1: source %zu (%.60s) is marked unreadable: quote it "
                                        "or a readable equivalent, or drop it "
                                        "(docs/notes.md, Quotes)\n",
                                        set.notes[i].file, k + 1, s->title);
                        else
                                fprintf(stderr,
                                        "%s:1: source %zu (%.60s) has no \"quote:\" line "
                                        "(docs/notes.md, Quotes)\n",
                                        set.notes[i].file, k + 1, s->title);
                        problems++;
                }
        if (problems) {
                fprintf(stderr, "psnotes: %d problem%s in %zu note file%s (see docs/notes.md)\n",
                        problems, problems == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s");
                ps_noteset_free(&set);
                return 1;
        }
        if (check_only) {
                printf("psnotes: %zu notes are valid; %zu sources: %zu quoted, %zu unreadable, "
                       "%zu without a quote\n",
                       set.n, n_sources, n_quoted, n_unreadable,
                       n_sources - n_quoted - n_unreadable);
                printf("psnotes: %zu translations, %d of them stale (docs/translations.md)\n",
                       set.n_l10n, n_stale);
                ps_noteset_free(&set);
                return 0;
        }

        void *image;
        size_t size;
        ps_notes *notes;
        if ((r = ps_noteset_compile(&set, decide_body, NULL, &image, &size, err, sizeof(err))) <
            0) {
                if (r == -EBADMSG && err[0])
                        fprintf(stderr, "%s\n", err);
                else
                        fprintf(stderr, "psnotes: compiling: %s\n", ps_strerror(r));
                return 1;
        }
        ps_noteset_free(&set);
        /* The library trusts its built-in image, so check it fully here. */
        if ((r = ps_notes_open_memory(image, size, &notes)) < 0) {
                fprintf(stderr, "psnotes: the compiled image does not validate: %s\n",
                        ps_strerror(r));
                return 1;
        }
        ps_notes_free(notes);
        if ((r = embed_write_if_changed(argv[2], image, size)) < 0 ||
            (r = embed_write_stub(argv[3], argv[2], "notes", image, size)) < 0) {
                fprintf(stderr, "psnotes: writing: %s\n", strerror(-r));
                return 1;
        }
        free(image);
        if (depfile) {
                ps_dynbuf b;
                ps_dynbuf_init(&b, 16u << 20);
                r = ps_dynbuf_add(&b, argv[2], strlen(argv[2]));
                if (r >= 0)
                        r = ps_dynbuf_addc(&b, ':');
                if (r >= 0)
                        r = depfile_add(&b, argv[1]);
                for (size_t i = 0; i < nfiles && r >= 0; i++)
                        r = depfile_add(&b, files[i]);
                for (size_t i = 0; i < n_l10n_dirs && r >= 0; i++)
                        r = depfile_add(&b, l10n_dirs[i]);
                for (size_t i = 0; i < n_l10n && r >= 0; i++)
                        r = depfile_add(&b, l10n_files[i]);
                if (r >= 0)
                        r = ps_dynbuf_addc(&b, '\n');
                if (r >= 0)
                        r = embed_write_if_changed(depfile, b.buf, b.len);
                ps_dynbuf_free(&b);
                if (r < 0) {
                        fprintf(stderr, "psnotes: writing %s: %s\n", depfile, strerror(-r));
                        return 1;
                }
        }
        for (size_t i = 0; i < nfiles; i++)
                free(files[i]);
        return 0;
oom:
        fprintf(stderr, "psnotes: out of memory\n");
        return 1;
}
