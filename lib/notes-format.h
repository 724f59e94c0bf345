/* SPDX-License-Identifier: MIT */
/*
 * The compiled notes image that psnotes writes and lib/notes.c reads. All
 * integers are little-endian; every section starts 4-byte aligned.
 */
#ifndef PS_NOTESFORMAT_H
#define PS_NOTESFORMAT_H

#include <stdint.h>

#define PS_NOTES_MAGIC "PSNOTES1"
#define PS_NOTES_VERSION 5

/* Hard caps, shared by the parser (for files from outside) and the reader. */
#define PS_NOTES_MAX_NOTES 4096u
#define PS_NOTE_MAX_FILE (16u << 10) /* one note file */
#define PS_NOTE_MAX_LINE 4096u       /* one line of a note file */
#define PS_NOTE_MAX_PORT_ITEMS 64u   /* port items (after "N" expands to tcp+udp) */
#define PS_NOTE_MAX_SOURCES 32u
#define PS_NOTE_MAX_TITLE 100u
#define PS_NOTE_MAX_SOURCE_TITLE 200u
#define PS_NOTE_MAX_URL 1000u
#define PS_NOTE_MAX_QUOTE 400u  /* characters of one source quote */
#define PS_NOTE_MAX_SPAN 32767u /* largest hi - lo: half the port space, never "every port" */
#define PS_NOTES_MAX_SIZE (64u << 20)
#define PS_NOTE_MAX_BLOCKS 4096u   /* terminal blocks of one body */
#define PS_NOTE_MAX_BLOCK_COL 200u /* a block's columns past the body's indent */

struct ps_noteshdr {
        char magic[8];       /* PS_NOTES_MAGIC, not NUL-terminated */
        uint32_t version;    /* PS_NOTES_VERSION */
        uint32_t hdr_size;   /* sizeof(struct ps_noteshdr) */
        uint32_t total_size; /* the whole image, header included */
        uint32_t crc32;      /* zlib crc32 of bytes [hdr_size, total_size) */
        uint32_t n_notes;
        uint32_t n_ports;     /* port items of all notes, note by note */
        uint32_t n_sources;   /* sources of all notes, note by note */
        uint32_t off_notes;   /* struct ps_dbnote[n_notes], by slug */
        uint32_t off_ports;   /* struct ps_dbnoteport[n_ports] */
        uint32_t off_sources; /* struct ps_dbnotesource[n_sources] */
        uint32_t off_strings; /* NUL-terminated strings; offset 0 is "" */
        uint32_t strings_size;
        uint32_t n_l10n;   /* translations (docs/translations.md) */
        uint32_t off_l10n; /* struct ps_dbnotel10n[n_l10n], by note, then language */
        /* Since version 4: the port items again, for lookups by port. Items of
         * one port (lo == hi) by port, then item; the others (ranges) by item.
         * n_index + n_spans == n_ports: each item is in one of the two. */
        uint32_t n_index;
        uint32_t off_index; /* struct ps_dbnoteindex[n_index] */
        uint32_t n_spans;
        uint32_t off_spans; /* struct ps_dbnotespan[n_spans] */
        /* Since version 5: each body decided for the terminal at build time
         * (struct ps_dbnotedoc, below), so that the command line needs no
         * Markdown parser. n_docs == n_notes + n_l10n: the notes' bodies in
         * note order, then the translations' in their order. */
        uint32_t n_docs;
        uint32_t off_docs; /* struct ps_dbnotedoc[n_docs] */
        uint32_t n_blocks;
        uint32_t off_blocks;  /* struct ps_dbnoteblock[n_blocks], doc by doc */
        uint32_t reserved[8]; /* zero; room to grow */
};

struct ps_dbnote {
        uint32_t slug, title, body; /* string offsets */
        uint32_t tags_lo, tags_hi;  /* the tag bit set */
        uint32_t confidence;
        uint32_t first_port, n_ports, first_source, n_sources;
};

struct ps_dbnoteport {
        uint16_t lo, hi;
        uint8_t proto, pad[3];
};

/* A port item of one port: ports[item] is port/proto. */
struct ps_dbnoteindex {
        uint16_t port;
        uint8_t proto, pad;
        uint32_t item;
};

/* A port item of a range: ports[item] is lo-hi/proto. */
struct ps_dbnotespan {
        uint16_t lo, hi;
        uint8_t proto, pad[3];
        uint32_t item;
};

struct ps_dbnotesource {
        uint32_t kind, title, url;
        uint32_t quote;     /* string offset: the quoted text, or why the page could not be read */
        uint32_t read_date; /* string offset: "YYYY-MM-DD", or "" when no quote was taken */
        uint32_t flags;     /* PS_DBSOURCE_* */
};

#define PS_DBSOURCE_UNREADABLE 1u /* quote holds why the page could not be read */

/* A note's translation, data/notes/l10n/LL/SLUG.md: title and body; the
 * ports and sources are the original's. */
struct ps_dbnotel10n {
        uint32_t note;        /* index of the original */
        char lang[4];         /* "de", NUL-padded */
        uint32_t title, body; /* string offsets */
        uint32_t flags;       /* PS_DBL10N_* */
};

/* A body's terminal form: blocks [first_block, first_block + n_blocks). No
 * blocks means the image carries none for this body (an image compiled
 * without a Markdown parser): the reader shows the Markdown as written. */
struct ps_dbnotedoc {
        uint32_t body; /* string offset of the Markdown it was made from */
        uint32_t first_block, n_blocks;
};

/*
 * One step of the terminal rendering of a body, what the CLI's renderer did
 * with cmark's tree at run time: blank newlines first, then by kind. Columns
 * count from the body's indent; first is PS_DBBLOCK_AT_LINE_START when the
 * block starts a line, else the column the cursor already sits at (after a
 * list item's marker).
 *   PARA    text (inline Markdown flattened: code spans in backticks, link
 *           text then " <URL>" unless the text is the URL, soft breaks as
 *           spaces, hard breaks as newlines) wrapped to the terminal's width,
 *           continuation lines at indent; paragraphs and headings
 *   CODE    text's lines as they are, each at indent + 2; code and HTML blocks
 *   MARKER  indent spaces, then text ("- ", "3. "), no newline: a list item
 *   SPACE   nothing but the blank newlines (a thematic break, the end)
 */
struct ps_dbnoteblock {
        uint8_t kind;   /* PS_DBBLOCK_* */
        uint8_t blank;  /* newlines printed before */
        uint8_t indent; /* <= PS_NOTE_MAX_BLOCK_COL */
        uint8_t first;  /* <= PS_NOTE_MAX_BLOCK_COL, or PS_DBBLOCK_AT_LINE_START */
        uint32_t text;  /* string offset */
};

enum {
        PS_DBBLOCK_PARA = 0,
        PS_DBBLOCK_CODE = 1,
        PS_DBBLOCK_MARKER = 2,
        PS_DBBLOCK_SPACE = 3,
        _PS_DBBLOCK_MAX,
        PS_DBBLOCK_AT_LINE_START = 0xff,
};

#define PS_DBL10N_STALE 1u  /* translates an older revision of the original */
#define PS_NOTE_MAX_L10N 8u /* translations of one note */

_Static_assert(sizeof(struct ps_noteshdr) == 128, "notes header layout");
_Static_assert(sizeof(struct ps_dbnote) == 40, "note layout");
_Static_assert(sizeof(struct ps_dbnoteport) == 8, "note port layout");
_Static_assert(sizeof(struct ps_dbnoteindex) == 8, "note port index layout");
_Static_assert(sizeof(struct ps_dbnotespan) == 12, "note port span layout");
_Static_assert(sizeof(struct ps_dbnotesource) == 24, "note source layout");
_Static_assert(sizeof(struct ps_dbnotel10n) == 20, "note translation layout");
_Static_assert(sizeof(struct ps_dbnotedoc) == 12, "note doc layout");
_Static_assert(sizeof(struct ps_dbnoteblock) == 8, "note block layout");

#endif
