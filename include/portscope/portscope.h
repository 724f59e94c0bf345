/* SPDX-License-Identifier: MIT */
/*
 * libportscope: explain network ports.
 *
 * Conventions, shared by every function in this library:
 *  - Functions that can fail return 0 (or a count) on success and a negative
 *    errno-style code on failure; ps_strerror() turns a code into text.
 *  - Output parameters are named ret_* and come last; they are written only
 *    on success.
 *  - The library never prints, exits or aborts.
 *  - Enumerations are append-only: a value, once published, keeps its number.
 *  - Public structs grow only at their end. A struct the library allocates
 *    (the reports of report.h) is read through a pointer and never copied,
 *    embedded or allocated by a program; its arrays are reached through
 *    *_at() functions, since an element may grow. A struct a program fills
 *    for the library (ps_report_opts) carries its own size, set by its
 *    *_INIT macro, and the library treats fields beyond that size as zero.
 *    Structs published before this rule (ps_record, ps_note, ps_socket...)
 *    keep their layout until the next major version. So the policy is both:
 *    append-only with a size field for what a program fills, opaque (or
 *    reached only through a pointer) for what the library fills.
 *
 * Threads (tests/test-threads.c checks this, also under helgrind):
 *  - Every function is reentrant. The library has no writable global or
 *    function-static data and no in-memory caches between calls, and it
 *    sorts with qsort_r(), never through a global; what a call needs it
 *    allocates and frees.
 *  - An opened ps_db, ps_notes or ps_prevalence is never changed by the
 *    library after its open call returns: any number of threads may use one
 *    at the same time through the functions that take it const (lookups,
 *    iterators, search, reports, suggestions). Free it only when no thread
 *    uses it any more, and free each object once.
 *  - What a call returns to its caller (a report, an audit report, a socket
 *    list, a ps_iter or ps_notes_iter) belongs to that caller: share it
 *    read-only, or hand it to one thread at a time. A ps_record or ps_note
 *    points into its ps_db or ps_notes and lives as long as that does.
 *  - The functions that read the environment (ps_db_open_default,
 *    ps_prevalence_default_path, the per-user cache of nmap-services:
 *    PORTSCOPE_DB, PORTSCOPE_NMAP_SERVICES, PORTSCOPE_NO_CACHE,
 *    XDG_DATA_HOME, XDG_CACHE_HOME, HOME) race with setenv() in another
 *    thread, as getenv() does. The cache file is replaced by an atomic
 *    rename of a uniquely named temporary file, so threads and processes
 *    may write it at once.
 *  - ps_socket_list_query() may start threads of its own and joins them
 *    before it returns: one a network namespace it enters (the dumps of
 *    PS_QUERY_ALL_NETNS), and up to four, one a usable core, to read the fd
 *    table of a process with 2,048 or more open files. They block no
 *    signal; a signal for the process may run its handler in one of them.
 *  - ps_strerror() returns static text; for a plain errno code it is
 *    strerror()'s, which glibc keeps per thread for unknown codes.
 *  - Locale: the answers do not depend on it. Names, protocols and keywords
 *    are compared ASCII-only (strcasecmp() follows LC_CTYPE: under
 *    tr_TR.UTF-8 "IMAP" and "imap" differ), numbers are parsed without
 *    strtod(), and the library never calls setlocale() or uselocale(). Its
 *    own texts are English; translating them is the programs' job, each
 *    thread with uselocale() (src/shared/i18n.c). A program that encodes
 *    JSON with jansson in several threads must not change LC_NUMERIC in
 *    any of them: jansson reads the decimal point through localeconv(),
 *    which glibc fills in one static struct for all threads.
 */
#ifndef PORTSCOPE_PORTSCOPE_H
#define PORTSCOPE_PORTSCOPE_H

#ifdef __cplusplus
extern "C" {
#endif

#define PS_VERSION_MAJOR 0
#define PS_VERSION_MINOR 1
#define PS_VERSION_PATCH 0

/* The library's own version, "MAJOR.MINOR.PATCH". */
const char *ps_version(void);

/* Text for a negative code returned by this library (or a plain -errno). */
const char *ps_strerror(int code);

#ifdef __cplusplus
}
#endif

#include <portscope/diff.h>
#include <portscope/export.h>
#include <portscope/notes.h>
#include <portscope/prevalence.h>
#include <portscope/ranges.h>
#include <portscope/registry.h>
#include <portscope/report.h>
#include <portscope/sockets.h>

#endif
