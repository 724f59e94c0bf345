/* SPDX-License-Identifier: MIT */
/*
 * A registry held in memory while it is read from IANA's XML or CSV and
 * before it is compiled. Every string is owned by the set.
 */
#ifndef PS_REGSET_H
#define PS_REGSET_H

#include <stddef.h>
#include <stdint.h>

#include "portscope/registry.h"
#include "ps-limits.h"

/* Caps on what a registry file may hold. */
/* Ports summed over every record's range: the compiled per-port index holds
 * one entry each (IANA's registry: about 56000). */

typedef struct ps_rawref {
        ps_ref_type type;
        char *data;
} ps_rawref;

typedef struct ps_rawrec {
        char *name, *description, *note, *unauthorized, *service_code, *registered, *modified;
        unsigned port_lo, port_hi;
        int has_port;
        ps_proto proto;
        char **assignees; /* person ids */
        size_t n_assignees;
        char **contacts;
        size_t n_contacts;
        ps_rawref *refs;
        size_t n_refs;
        unsigned line; /* where it started in its file, for messages */
} ps_rawrec;

typedef struct ps_rawperson {
        char *id, *name, *org, *uri, *updated;
} ps_rawperson;

typedef struct ps_regset {
        char date[16];
        char source[64];
        ps_rawrec *recs;
        size_t n_recs, alloc_recs;
        ps_rawperson *people;
        size_t n_people, alloc_people;
} ps_regset;

void ps_regset_init(ps_regset *set);
void ps_regset_free(ps_regset *set);
/* Appends a zeroed record; NULL when out of memory or over the cap. */
ps_rawrec *ps_regset_add_rec(ps_regset *set);
ps_rawperson *ps_regset_add_person(ps_regset *set);
int ps_rawrec_add_person(char ***list, size_t *n, const char *id);
int ps_rawrec_add_ref(ps_rawrec *rec, ps_ref_type type, const char *data);
/* Sets flags derived from the description (Unassigned, Reserved). */
unsigned ps_rawrec_flags(const ps_rawrec *rec);

/* Compiles the set into a database image (malloc'd). */
int ps_regset_compile(const ps_regset *set, void **ret_image, size_t *ret_size);

/* Fills buf with up to size bytes of input; 0 at the end, or a negative code. */
typedef int (*ps_read_fn)(void *src, char *buf, size_t size);

/* The formats IANA publishes the registry in. */
typedef enum ps_regfmt { PS_FMT_XML, PS_FMT_CSV } ps_regfmt;

/* The readers proper, over any source. On failure errbuf tells where and why. */
int ps_parse_iana_xml(ps_read_fn rd, void *src, ps_regset *ret_set, char *errbuf, size_t errsize);
int ps_parse_iana_csv(ps_read_fn rd, void *src, ps_regset *ret_set, char *errbuf, size_t errsize);
/* IANA's CSV column names, in order. */
extern const char *const ps_csv_columns[12];
/* Dates as IANA writes them: YYYY, YYYY-MM or YYYY-MM-DD. */
int ps_date_ok(const char *d);
/* "N" or "LO-HI", strictly decimal, 0..65535. */
int ps_parse_port_field(const char *s, unsigned *ret_lo, unsigned *ret_hi);

/* Reads either format, detected from the content, plain or gzip-compressed,
 * then checks the whole set (ps_regset_check). */
int ps_read_registry(const char *path, ps_regset *ret_set, ps_regfmt *ret_fmt, char *errbuf,
                     size_t errsize);
int ps_read_registry_mem(const void *data, size_t size, ps_regset *ret_set, ps_regfmt *ret_fmt,
                         char *errbuf, size_t errsize);
const char *ps_regfmt_name(ps_regfmt fmt);
/* Records where a set came from in its header: "IANA CSV, FILE-NAME". */
void ps_regset_set_source(ps_regset *set, ps_regfmt fmt, const char *path);
/* Refuses a set holding the same record twice. */
int ps_regset_check(const ps_regset *set, char *errbuf, size_t errsize);
/* Reads a registry file and compiles it, for commands that only look. */
int ps_db_open_registry(const char *path, ps_db **ret_db, ps_regfmt *ret_fmt, char *errbuf,
                        size_t errsize);

/* Reads IANA's XML (plain or gzip). On failure errbuf tells where and why. */
int ps_read_iana_xml(const char *path, ps_regset *ret_set, char *errbuf, size_t errsize);
int ps_read_iana_xml_mem(const void *data, size_t size, ps_regset *ret_set, char *errbuf,
                         size_t errsize);
int ps_read_iana_csv_mem(const void *data, size_t size, ps_regset *ret_set, char *errbuf,
                         size_t errsize);

#endif
