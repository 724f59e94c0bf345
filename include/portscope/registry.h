/* SPDX-License-Identifier: MIT */
/*
 * The IANA Service Name and Transport Protocol Port Number Registry, compiled.
 *
 * A ps_db is a read-only view of a compiled registry: either the one built
 * into the library or a file written by `portscope update`. Records, people
 * and strings returned from it point into the database and stay valid until
 * ps_db_free().
 */
#ifndef PORTSCOPE_REGISTRY_H
#define PORTSCOPE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Transport protocols as IANA names them. Append-only. */
typedef enum ps_proto {
        PS_PROTO_NONE = 0, /* a record with no protocol (name-only, or a range) */
        PS_PROTO_TCP = 1,
        PS_PROTO_UDP = 2,
        PS_PROTO_SCTP = 3,
        PS_PROTO_DCCP = 4,
        _PS_PROTO_MAX,
        PS_PROTO_ANY = -1 /* a filter that matches every protocol */
} ps_proto;

/* "tcp", "udp", "sctp", "dccp" or "" for PS_PROTO_NONE; NULL when invalid. */
const char *ps_proto_name(ps_proto proto);
/* Parses a protocol name (case-insensitive); "any" gives PS_PROTO_ANY. */
int ps_proto_from_string(const char *s, ps_proto *ret_proto);

/* Record flags. Append-only. */
enum {
        PS_REC_HAS_PORT = 1 << 0,   /* port_lo..port_hi are meaningful */
        PS_REC_UNASSIGNED = 1 << 1, /* IANA lists the port(s) as Unassigned */
        PS_REC_RESERVED = 1 << 2,   /* IANA lists the port(s) as Reserved */
};

/* Kinds of reference. Append-only. */
typedef enum ps_ref_type {
        PS_REF_RFC = 0,
        PS_REF_DRAFT = 1,
        PS_REF_URI = 2,
        PS_REF_PERSON = 3,
        PS_REF_TEXT = 4,
        PS_REF_NOTE = 5,
        _PS_REF_MAX
} ps_ref_type;

const char *ps_ref_type_name(ps_ref_type type);

typedef struct ps_person {
        const char *id;   /* the registry's key, e.g. "Ron_Lawson" */
        const char *name; /* "" when not given, likewise below */
        const char *org;
        const char *uri;     /* usually "mailto:", with IANA's "&" for "@" */
        const char *updated; /* YYYY-MM-DD, YYYY-MM or "" */
} ps_person;

typedef struct ps_ref {
        ps_ref_type type;
        const char *data; /* "rfc6335", a draft name, a URI, a person id, text */
} ps_ref;

/*
 * One registry record: a service name on a port (or port range) over one
 * protocol, a name-only entry, or an Unassigned/Reserved block. Text fields
 * are never NULL; an absent field is "".
 */
typedef struct ps_record {
        uint32_t id;  /* position in the database, 0..count-1 */
        uint32_t seq; /* position in the registry file it came from */
        const char *name;
        const char *description;
        const char *note;         /* the registry's notes ("Assignment Notes") */
        const char *unauthorized; /* "Unauthorized Use Reported" */
        const char *service_code;
        const char *registered; /* registration date, YYYY[-MM[-DD]] */
        const char *modified;   /* modification date */
        uint16_t port_lo, port_hi;
        ps_proto proto;
        unsigned flags; /* PS_REC_* */
        unsigned n_assignees, n_contacts, n_refs;
        uint32_t _assignees, _contacts, _refs; /* private */
} ps_record;

typedef struct ps_db ps_db;

/* Opens the registry compiled into the library. */
int ps_db_open_builtin(ps_db **ret_db);
/* Opens and fully validates a compiled registry file. */
int ps_db_open_file(const char *path, ps_db **ret_db);
/* Opens and validates a compiled registry held in memory; the bytes are copied. */
int ps_db_open_memory(const void *data, size_t size, ps_db **ret_db);
/* Opens $PORTSCOPE_DB, else the user's database from `portscope update`, else the
 * built-in one. ret_path gets the file used or NULL for built-in (may be NULL). */
int ps_db_open_default(ps_db **ret_db, const char **ret_path);
void ps_db_free(ps_db *db);

/* The registry's <updated> date, "YYYY-MM-DD". */
const char *ps_db_date(const ps_db *db);
/* The path the database was read from, or NULL for the built-in one. */
const char *ps_db_path(const ps_db *db);
/* Number of records; ids are 0..count-1. */
size_t ps_db_count(const ps_db *db);
/* Number of records for one protocol (PS_PROTO_NONE: records with none). */
size_t ps_db_count_proto(const ps_db *db, ps_proto proto);
/* Number of people in the registry's <people> section. */
size_t ps_db_people_count(const ps_db *db);
/* What the database was compiled from, e.g. "IANA CSV, service-names-port-numbers.csv". */
const char *ps_db_source(const ps_db *db);
/* The compiled image itself, e.g. to write it out again. */
const void *ps_db_image(const ps_db *db, size_t *ret_size);

int ps_db_record(const ps_db *db, uint32_t id, ps_record *ret_rec);
int ps_db_person(const ps_db *db, uint32_t index, ps_person *ret_person);
/* Looks a person up by registry id ("Ron_Lawson"). */
int ps_db_person_by_id(const ps_db *db, const char *id, ps_person *ret_person);
int ps_record_assignee(const ps_db *db, const ps_record *rec, unsigned i, ps_person *ret_person);
int ps_record_contact(const ps_db *db, const ps_record *rec, unsigned i, ps_person *ret_person);
int ps_record_ref(const ps_db *db, const ps_record *rec, unsigned i, ps_ref *ret_ref);
/* A URL for a reference when one can be formed ("https://www.rfc-editor.org/rfc/rfc6335").
 * Returns the length written (not counting NUL), -ENOENT when none exists,
 * -ENOBUFS when buf is too small. */
int ps_ref_url(const ps_ref *ref, char *buf, size_t size);
/* A record's port or range as IANA writes it ("80", "6000-6063"). Returns
 * the length written (not counting NUL), -ENOENT for a record without a port
 * (a service name alone), -ENOBUFS when buf is too small. */
int ps_record_port_text(const ps_record *rec, char *buf, size_t size);

/* Iteration. An iterator is a plain value; it needs no freeing. */
typedef struct ps_iter {
        const ps_db *db;
        int kind;
        ps_proto proto;
        unsigned lo, hi;
        uint32_t pos, end;
        const char *name;
} ps_iter;

/* Records whose port range contains port. With a protocol, records without
 * one (IANA's Unassigned and Reserved blocks) come too: they hold for every
 * protocol. Likewise for ps_iter_range(). */
void ps_iter_port(ps_iter *it, const ps_db *db, unsigned port, ps_proto proto);
/* Records whose port range overlaps lo..hi, in port order. */
void ps_iter_range(ps_iter *it, const ps_db *db, unsigned lo, unsigned hi, ps_proto proto);
/* Records whose service name equals name, ignoring case. */
void ps_iter_name(ps_iter *it, const ps_db *db, const char *name, ps_proto proto);
/* Every record, in the registry's own order. */
void ps_iter_all(ps_iter *it, const ps_db *db, ps_proto proto);
/* Returns 1 and fills ret_rec, 0 at the end, or a negative code. */
int ps_iter_next(ps_iter *it, ps_record *ret_rec);

/* Full-text search over names, descriptions, notes and people. */
typedef struct ps_match {
        uint32_t id;
        int score; /* higher is better */
} ps_match;

/*
 * Ranks records matching every word of query. Writes up to cap best matches,
 * best first, and returns how many records matched in total (which may
 * exceed cap). -EINVAL for a query with no words or one over PS_QUERY_MAX.
 */
#define PS_QUERY_MAX 1024
int ps_db_search(const ps_db *db, const char *query, ps_proto proto, ps_match *ret_matches,
                 size_t cap);

/* Port arguments. */
typedef struct ps_port_spec {
        unsigned lo, hi; /* lo == hi for a single port */
        ps_proto proto;  /* PS_PROTO_ANY when not given */
} ps_port_spec;

/* Parses a decimal port 0..65535: digits only, no sign, no base prefix,
 * at most 5 digits. -EINVAL for a malformed number, -ERANGE when too big. */
int ps_parse_port(const char *s, unsigned *ret_port);
/* Parses "PORT", "PORT/PROTO", "LO-HI" or "LO-HI/PROTO".
 * -EINVAL malformed, -ERANGE out of range or LO > HI, -EPROTONOSUPPORT for
 * an unknown protocol. */
int ps_parse_port_spec(const char *s, ps_port_spec *ret_spec);

#ifdef __cplusplus
}
#endif

#endif
