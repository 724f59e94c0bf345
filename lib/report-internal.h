/* SPDX-License-Identifier: MIT */
/* Shared by the report builders (lib/report-*.c). */
#ifndef PS_REPORT_INTERNAL_H
#define PS_REPORT_INTERNAL_H

#include "portscope/audit.h"
#include "portscope/report.h"

/* A group and the storage its strings point to. */
struct report_group {
        ps_report_group g;
        char former[32];
};

/* A growable array of groups, in the order of their first record, with a
 * hash index over them: a port may hold a million crafted records, and
 * comparing each with every group before it was quadratic. */
struct group_list {
        struct report_group *v;
        size_t n, alloc;
        size_t *slots;   /* open addressing: a group's index + 1, 0 when free */
        size_t n_slots;  /* a power of two, at least twice n */
        size_t compares; /* records compared, so a test can bound the work */
};

void group_list_free(struct group_list *l);
/* Whether two records differ only in their protocol. */
bool report_same_but_proto(const ps_db *db, const ps_record *a, const ps_record *b);
/* Adds rec to the group it shares everything but the protocol with: any
 * earlier group (anywhere, found through the hash index), or only the last
 * one (adjacent). A list is added to in one of the two ways only. */
int group_list_add(struct group_list *l, const ps_db *db, const ps_record *rec, bool adjacent);
/* Points the groups at their strings, once the list stops growing. */
void group_list_seal(struct group_list *l);

/* The report's check commands (report-check.c). */
struct check_store {
        ps_report_check checks[_PS_OS_MAX];
        const char *ptr[_PS_OS_MAX][4];
        char text[_PS_OS_MAX][4][160];
};
void report_checks(unsigned port, ps_proto proto, unsigned extra_protocols,
                   struct check_store *ret);

/* A port for one's own service, near port: free in the registry (tcp and
 * udp), in no note, not refused by browsers, outside Linux's default
 * ephemeral range. 0 when none (suggest.c). */
unsigned report_suggest_near(const ps_db *db, const ps_notes *notes, unsigned port);

/* Copies the caller's options, zero beyond the size it set; -EINVAL without a db. */
int report_opts(const ps_report_opts *o, ps_report_opts *ret);

/* IANA's page for the registry, searched for a port or a service name. */
#define IANA_SEARCH_URL                                                                            \
        "https://www.iana.org/assignments/service-names-port-numbers/"                             \
        "service-names-port-numbers.xhtml?search="

#endif
