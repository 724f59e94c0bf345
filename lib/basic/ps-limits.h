/* SPDX-License-Identifier: MIT */
/*
 * Every hard cap on outside input, in one place; docs/limits.md says what
 * the largest input within them costs in memory and time, measured. (Not
 * named limits.h: lib/basic/ is on the include path, and would shadow the
 * C library's <limits.h>.) Caps that are part of the public API stay in
 * include/portscope/ (PS_NMAP_SERVICES_MAX, PS_QUERY_MAX); the knowledge
 * notes, our own data, keep theirs in lib/notes-format.h.
 */
#ifndef PS_LIMITS_H
#define PS_LIMITS_H

/* IANA registry files (update, diff, export FILE), XML or CSV. */
#define PS_INPUT_MAX (64u << 20)             /* a registry file, decompressed */
#define PS_FIELD_MAX (64u << 10)             /* one field's text */
#define PS_LIST_MAX 256u                     /* people or references on one record */
#define PS_COVER_MAX (1u << 20)              /* port-record pairs in the cover index */
#define PS_XML_MAX_DEPTH 32                  /* nested elements */
#define PS_XML_MAX_FOOTNOTES 64              /* <footnote>s */
#define PS_FOOTNOTES_EXPANDED_MAX (8u << 20) /* footnote text copied into references */
/* Bytes expat may hold as one unfinished token (a comment, a tag): expat
 * 2.5 scans a pending token again on every feed, so its cost is quadratic. */
#define PS_XML_TOKEN_MAX (1u << 20)
/* IANA's rule is 1 to 15 characters, but its own files hold a few older
 * names up to 36 ("Apple Remote Desktop (Net Assistant)"); the cap bounds
 * what validating the name index costs. */
#define PS_SERVICE_NAME_MAX 63u
#define PS_PERSON_ID_MAX 128u /* a person's id (the registry's longest is 55) */

/* Compiled databases (--db, PORTSCOPE_DB, what update writes). */
#define PS_DB_MAX_RECORDS 1000000u
#define PS_DB_MAX_PEOPLE 1000000u
#define PS_DB_MAX_SIZE (256u << 20)

/* The per-user prevalence cache. */
#define PS_PREVCACHE_MAX (64u << 20)

/* /proc (or --proc-root): a process's files and the kernel's tables. */
#define PS_PROC_COMM_MAX 256u
#define PS_PROC_CMDLINE_MAX (64u << 10) /* longer command lines are cut, and marked */
#define PS_PROC_FILE_MAX (64u << 10)    /* status, cgroup */
#define PS_PROCNET_LINE_MAX 512         /* real lines are about 150 bytes */
#define PS_SYSCTL_MAX 64u               /* one sysctl value; reserved ports get more */
#define PS_NETNS_MAX 4096               /* network namespaces listed at most */

/* audit.conf. */
#define PS_AUDIT_CONFIG_MAX (1u << 20)
#define PS_AUDIT_CONFIG_LINE_MAX 1024

/* Command-line arguments are refused beyond this many bytes (src/cli/cli.h). */
#define PS_ARG_MAX 256

#endif
