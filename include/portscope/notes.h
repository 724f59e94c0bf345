/* SPDX-License-Identifier: MIT */
/*
 * Knowledge notes: cited, hand-written explanations of what really uses a
 * port, compiled from the files data/notes/NAME.md (docs/notes.md) into the library.
 *
 * A ps_notes is a read-only view of a compiled notes image. Notes, strings
 * and sources returned from it point into the image and stay valid until
 * ps_notes_free().
 */
#ifndef PORTSCOPE_NOTES_H
#define PORTSCOPE_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <portscope/registry.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The closed list of tags (docs/notes.md). Append-only. */
typedef enum ps_tag {
        PS_TAG_OFFICIAL = 0,
        PS_TAG_UNOFFICIAL = 1,
        PS_TAG_LEGACY = 2,
        PS_TAG_VENDOR = 3,
        PS_TAG_DEV_DEFAULT = 4,
        PS_TAG_DATABASE = 5,
        PS_TAG_CACHE = 6,
        PS_TAG_CONTAINER = 7,
        PS_TAG_CLUSTER = 8,
        PS_TAG_GAME = 9,
        PS_TAG_P2P = 10,
        PS_TAG_REMOTE_ACCESS = 11,
        PS_TAG_IOT = 12,
        PS_TAG_MONITORING = 13,
        PS_TAG_ABUSE = 14,
        PS_TAG_AMPLIFICATION = 15,
        PS_TAG_MALWARE = 16,
        PS_TAG_NO_EXPOSE = 17,
        PS_TAG_UNKNOWN = 18,
        _PS_TAG_MAX
} ps_tag;

/* "official", "no-expose", ...; NULL when invalid. */
const char *ps_tag_name(ps_tag tag);
/* Parses a tag name (exact, lower case); -EINVAL when unknown. */
int ps_tag_from_string(const char *s, ps_tag *ret_tag);

/* Kinds of source. Append-only. */
typedef enum ps_source_kind {
        PS_SOURCE_RFC = 0,
        PS_SOURCE_VENDOR = 1,
        PS_SOURCE_CVE = 2,
        PS_SOURCE_ADVISORY = 3,
        PS_SOURCE_PROJECT = 4,
        PS_SOURCE_PAPER = 5,
        PS_SOURCE_OTHER = 6,
        _PS_SOURCE_MAX
} ps_source_kind;

const char *ps_source_kind_name(ps_source_kind kind);
int ps_source_kind_from_string(const char *s, ps_source_kind *ret_kind);

/* How sure a note is of its facts. Append-only. */
typedef enum ps_confidence {
        PS_CONFIDENCE_HIGH = 0,
        PS_CONFIDENCE_MEDIUM = 1,
        PS_CONFIDENCE_LOW = 2,
        _PS_CONFIDENCE_MAX
} ps_confidence;

const char *ps_confidence_name(ps_confidence c);
int ps_confidence_from_string(const char *s, ps_confidence *ret_c);

typedef struct ps_note_port {
        uint16_t lo, hi; /* lo == hi for one port */
        ps_proto proto;  /* never PS_PROTO_NONE or PS_PROTO_ANY */
} ps_note_port;

typedef struct ps_note_source {
        ps_source_kind kind;
        const char *title;
        const char *url;
        /* What the source says, copied from it as read on read_date
         * ("YYYY-MM-DD"); both "" when no quote was taken. When unreadable
         * is true, quote says why the page could not be read. */
        const char *quote;
        const char *read_date;
        bool unreadable;
} ps_note_source;

/* One note. Text fields are never NULL. */
typedef struct ps_note {
        uint32_t id;      /* 0..count-1, in file-name order */
        const char *slug; /* the file name without ".md" */
        const char *title;
        const char *body; /* Markdown, without leading or trailing blank lines */
        uint64_t tags;    /* bit (1 << ps_tag) per tag */
        ps_confidence confidence;
        unsigned n_ports, n_sources;
        uint32_t _ports, _sources; /* private */
} ps_note;

typedef struct ps_notes ps_notes;

/* Opens the notes compiled into the library. */
int ps_notes_open_builtin(ps_notes **ret_notes);
/* Opens and fully validates a compiled notes image held in memory; the bytes are copied. */
int ps_notes_open_memory(const void *data, size_t size, ps_notes **ret_notes);
void ps_notes_free(ps_notes *notes);
/* The compiled image itself. */
const void *ps_notes_image(const ps_notes *notes, size_t *ret_size);

/* Number of notes; ids are 0..count-1. */
size_t ps_notes_count(const ps_notes *notes);
int ps_notes_get(const ps_notes *notes, uint32_t id, ps_note *ret_note);
int ps_note_get_port(const ps_notes *notes, const ps_note *note, unsigned i,
                     ps_note_port *ret_port);
int ps_note_get_source(const ps_notes *notes, const ps_note *note, unsigned i,
                       ps_note_source *ret_source);
/*
 * The note in another language (data/notes/l10n/LL/SLUG.md,
 * docs/translations.md): a copy of note with the translated title and body;
 * ports, sources, tags and confidence stay the original's. lang is "de",
 * "cs", "pt", "el" or "ug". Returns 0; -ENOENT when the note has no
 * translation into lang; -ESTALE when the translation is of an older
 * revision of the note (shown in English until it is updated); ret_note is
 * untouched on failure.
 */
int ps_note_translate(const ps_notes *notes, const ps_note *note, const char *lang,
                      ps_note *ret_note);
static inline bool ps_note_has_tag(const ps_note *note, ps_tag tag)
{
        return (unsigned)tag < 64 && (note->tags >> tag) & 1;
}

/* Iteration over the notes that cover one port. A plain value; no freeing. */
typedef struct ps_notes_iter {
        const ps_notes *notes;
        unsigned port;
        ps_proto proto;
        uint32_t pos, end;
} ps_notes_iter;

/* Notes with a port item that contains port over proto (PS_PROTO_ANY: any
 * protocol). Each note comes once, in id order. */
void ps_notes_iter_port(ps_notes_iter *it, const ps_notes *notes, unsigned port, ps_proto proto);
/* Returns 1 and fills ret_note, 0 at the end, or a negative code. */
int ps_notes_iter_next(ps_notes_iter *it, ps_note *ret_note);

/* 1 when any note for port/proto carries tag, 0 when none does; -EINVAL for a bad tag. */
int ps_notes_port_has_tag(const ps_notes *notes, unsigned port, ps_proto proto, ps_tag tag);

/*
 * Ranks notes matching every word of query in their title, body, tags or
 * ports. Same contract as ps_db_search(): up to cap matches (ps_match.id is
 * a note id), best first; returns the total number of matching notes.
 */
int ps_notes_search(const ps_notes *notes, const char *query, ps_proto proto, ps_match *ret_matches,
                    size_t cap);

#ifdef __cplusplus
}
#endif

#endif
