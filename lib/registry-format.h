/* SPDX-License-Identifier: MIT */
/*
 * The compiled registry format, shared by the built-in table and the files
 * `portscope update` writes. All integers are little-endian; every section
 * starts 4-byte aligned. See docs/db-format.md.
 */
#ifndef PS_DBFORMAT_H
#define PS_DBFORMAT_H

#include "ps-limits.h"
#include <stdint.h>

#define PS_DB_MAGIC "PSCOPEDB"
#define PS_DB_VERSION 1

/* Hard caps (PS_DB_MAX_*): lib/basic/ps-limits.h. */

struct ps_dbhdr {
        char magic[8];           /* PS_DB_MAGIC, not NUL-terminated */
        uint32_t version;        /* PS_DB_VERSION */
        uint32_t hdr_size;       /* sizeof(struct ps_dbhdr) */
        uint32_t total_size;     /* the whole image, header included */
        uint32_t crc32;          /* zlib crc32 of bytes [hdr_size, total_size) */
        char date[16];           /* the registry's <updated>, NUL-padded */
        char source[64];         /* what it was compiled from, NUL-padded */
        uint32_t n_records;      /* all records */
        uint32_t n_port_records; /* records with a port; they come first */
        uint32_t n_people;
        uint32_t n_names;     /* entries in the name index */
        uint32_t off_records; /* struct ps_dbrec[n_records], by port */
        uint32_t off_people;  /* struct ps_dbperson[n_people], by id */
        uint32_t off_names;   /* uint32_t[n_names], record ids by name */
        uint32_t off_seq;     /* uint32_t[n_records], record ids in file order */
        uint32_t off_pool;    /* uint32_t lists: count, then items */
        uint32_t pool_len;    /* in uint32_t units */
        uint32_t off_strings; /* NUL-terminated strings; offset 0 is "" */
        uint32_t strings_size;
        uint32_t max_span;       /* largest port_hi - port_lo */
        uint32_t proto_count[8]; /* records per ps_proto */
        uint32_t off_cover;      /* uint32_t[65537]: each port's start in the cover list */
        uint32_t off_cover_ids;  /* uint32_t[n_cover_ids]: record ids, grouped by port */
        uint32_t n_cover_ids;
        uint32_t reserved[14]; /* zero; room to grow */
};

struct ps_dbrec {
        uint16_t port_lo, port_hi;
        uint8_t proto, flags;
        uint16_t pad;
        uint32_t seq;
        /* String offsets. */
        uint32_t name, description, note, unauthorized, service_code, registered, modified;
        /* Pool offsets: persons are (count, index...), refs (count, (type, string)...). */
        uint32_t assignees, contacts, refs;
};

struct ps_dbperson {
        uint32_t id, name, org, uri, updated;
};

_Static_assert(sizeof(struct ps_dbhdr) == 256, "header layout");
_Static_assert(sizeof(struct ps_dbrec) == 52, "record layout");

#endif
