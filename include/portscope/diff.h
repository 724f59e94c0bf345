/* SPDX-License-Identifier: MIT */
/*
 * What changed between two registries: `portscope diff OLD NEW` and the
 * site's /changes page.
 *
 * Records are matched on (port range, service name ignoring case, protocol);
 * records sharing that key are paired in registry order. Text is compared
 * with white space folded, because IANA's CSV keeps the XML's line breaks
 * and indentation verbatim where the XML reader folds them; footnotes compare
 * equal across the two formats (the CSV has only their numbers, the XML only
 * their text).
 */
#ifndef PORTSCOPE_DIFF_H
#define PORTSCOPE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include <portscope/registry.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Append-only. */
typedef enum ps_diff_kind {
        PS_DIFF_ADDED = 0,   /* only in the new registry: new_record */
        PS_DIFF_REMOVED = 1, /* only in the old registry: old_record */
        PS_DIFF_CHANGED = 2, /* in both, with changes: both records */
        _PS_DIFF_KIND_MAX
} ps_diff_kind;

/* The record fields compared, in this order. Append-only. */
typedef enum ps_diff_field {
        PS_DIFF_SERVICE = 0,
        PS_DIFF_DESCRIPTION = 1,
        PS_DIFF_ASSIGNEES = 2,
        PS_DIFF_CONTACTS = 3,
        PS_DIFF_REGISTERED = 4,
        PS_DIFF_MODIFIED = 5,
        PS_DIFF_REFERENCES = 6,
        PS_DIFF_SERVICE_CODE = 7,
        PS_DIFF_UNAUTHORIZED_USE = 8,
        PS_DIFF_ASSIGNMENT_NOTE = 9,
        _PS_DIFF_FIELD_MAX
} ps_diff_field;

/* The field's name in docs/json.md ("service", "assignment_note"...); NULL
 * when invalid. */
const char *ps_diff_field_name(ps_diff_field field);

/* One changed field. Lists read "[a][b]", as in IANA's CSV; "" is empty. */
typedef struct ps_diff_change {
        ps_diff_field field;
        const char *old_value;
        const char *new_value;
} ps_diff_change;

typedef struct ps_diff_entry {
        ps_diff_kind kind;
        ps_record old_record; /* REMOVED and CHANGED */
        ps_record new_record; /* ADDED and CHANGED */
        bool block;           /* an unnamed record: Unassigned, Reserved and the like */
        /* On the first of entries that differ only in protocol (and so
         * read as one line): how many there are, 1 or more; 0 on the rest. */
        size_t group_size;
        size_t n_changes; /* ps_diff_change_at(), in ps_diff_field order */
        void *_priv;
} ps_diff_entry;

enum {
        /* Also list unnamed blocks (Unassigned, Reserved); without it they
         * are only counted, in n_hidden. */
        PS_DIFF_BLOCKS = 1 << 0,
};

/* Read through a pointer only; it grows at its end. */
typedef struct ps_diff {
        size_t n_entries; /* ps_diff_entry_at(), by port range, name and protocol */
        size_t n_added, n_removed, n_changed; /* the entries of each kind */
        size_t n_hidden; /* changes to unnamed blocks left out (no PS_DIFF_BLOCKS) */
        void *_priv;
} ps_diff;

/*
 * Compares old_db with new_db. The records in the result point into the two
 * databases, which must outlive it. -EINVAL for a NULL database or unknown
 * flags, -ENOMEM. Nothing changed at all: n_entries and n_hidden are 0.
 */
int ps_diff_build(const ps_db *old_db, const ps_db *new_db, unsigned flags, ps_diff **ret_diff);
void ps_diff_free(ps_diff *diff);
const ps_diff_entry *ps_diff_entry_at(const ps_diff *diff, size_t i);
const ps_diff_change *ps_diff_change_at(const ps_diff_entry *entry, size_t i);

#ifdef __cplusplus
}
#endif

#endif
