/* SPDX-License-Identifier: MIT */
/*
 * Note files (data/notes/NAME.md) held in memory while they are parsed,
 * checked against each other and compiled. Every string is owned by the set.
 * Problems are reported as one line, "FILE:LINE: problem".
 */
#ifndef PS_NOTESET_H
#define PS_NOTESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notes-format.h"
#include "portscope/notes.h"

typedef struct ps_rawsource {
        ps_source_kind kind;
        char *title, *url;
        char *quote;        /* NULL until a "quote:" line follows the source */
        char read_date[11]; /* "YYYY-MM-DD" or "" */
        bool unreadable;
} ps_rawsource;

typedef struct ps_rawnote {
        char *file; /* as given, for messages */
        char *slug, *title, *body;
        uint64_t tags;
        ps_confidence confidence;
        ps_note_port ports[PS_NOTE_MAX_PORT_ITEMS];
        unsigned port_line[PS_NOTE_MAX_PORT_ITEMS];
        size_t n_ports;
        ps_rawsource *sources;
        size_t n_sources;
        unsigned title_line, tags_line;
        /* Translations only (data/notes/l10n/LL/SLUG.md): */
        char lang[4];      /* "de"; "" for an original */
        uint64_t revision; /* the original's revision it translates */
} ps_rawnote;

typedef struct ps_noteset {
        ps_rawnote *notes;
        size_t n, alloc;
        ps_rawnote *l10n; /* translations, sorted by slug then language by the check */
        size_t n_l10n, alloc_l10n;
} ps_noteset;

/* Receives one "FILE:LINE: problem" line (no newline). */
typedef void (*ps_note_report)(void *ctx, const char *msg);

void ps_noteset_init(ps_noteset *set);
void ps_noteset_free(ps_noteset *set);

/*
 * Parses one note file's contents. file names it in messages and gives the
 * slug (its base name without ".md"). -EBADMSG with err set on a bad note,
 * -E2BIG over a cap, -ENOMEM.
 */
int ps_noteset_add(ps_noteset *set, const char *file, const char *data, size_t len, char *err,
                   size_t errsize);
/* Reads path (with the file-size cap) and parses it. */
int ps_noteset_add_file(ps_noteset *set, const char *path, char *err, size_t errsize);

/*
 * A translation of a note into lang ("de", one of ps_i18n's languages):
 * data/notes/l10n/LL/SLUG.md with the header "translates: REVISION", the
 * original's "ports:" and a translated "title:", then the translated body.
 */
int ps_noteset_add_l10n(ps_noteset *set, const char *file, const char *lang, const char *data,
                        size_t len, char *err, size_t errsize);
int ps_noteset_add_l10n_file(ps_noteset *set, const char *path, const char *lang, char *err,
                             size_t errsize);

/* The revision of a note a translation names: FNV-1a 64 of its title, a
 * newline and its body, the text a translation translates. */
uint64_t ps_note_revision(const char *title, const char *body);

/* Calls report for every translation of an older revision (not a problem:
 * it is shown in English until updated); returns how many. Run after check. */
int ps_noteset_stale(const ps_noteset *set, ps_note_report report, void *ctx);

/*
 * Sorts the notes by slug and checks them against each other: duplicate
 * slugs, the same title for the same port, a note tagged `unknown` where
 * another documents use; a translation of no note, into a language not
 * translated, or for other ports than its original's. Calls report for every
 * problem; returns how many.
 */
int ps_noteset_check(ps_noteset *set, ps_note_report report, void *ctx);

/* One block of a body's terminal form (struct ps_dbnoteblock); text is
 * owned by the block list. */
typedef struct ps_rawblock {
        uint8_t kind, blank, indent, first;
        char *text;
} ps_rawblock;

/*
 * Decides a Markdown body for the terminal (tools/psnotes.c does it with
 * cmark; the library links no Markdown parser): fills a malloc'ed array of
 * blocks, each text malloc'ed; ps_rawblocks_free() frees them. -EBADMSG with
 * err set when the body cannot be shown (nested too deep), -ENOMEM.
 */
typedef int (*ps_note_parse_fn)(void *ctx, const char *md, ps_rawblock **ret_blocks, size_t *ret_n,
                                char *err, size_t errsize);
void ps_rawblocks_free(ps_rawblock *blocks, size_t n);

/*
 * Compiles a checked set into an image for ps_notes_open_memory(). parse
 * gives every body's terminal form; with NULL the image carries none (each
 * body then has no blocks, and is shown as written). On -EBADMSG from parse,
 * err names the note's file.
 */
int ps_noteset_compile(const ps_noteset *set, ps_note_parse_fn parse, void *ctx, void **ret_image,
                       size_t *ret_size, char *err, size_t errsize);

#endif
