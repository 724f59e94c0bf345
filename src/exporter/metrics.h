/* SPDX-License-Identifier: MIT */
/* The exporter's metrics: one scan of this machine's listeners, written as
 * Prometheus text or OpenMetrics (docs/prometheus/README.md lists them). */
#ifndef PS_EXPORTER_METRICS_H
#define PS_EXPORTER_METRICS_H

#include <stddef.h>

#include "portscope/audit.h"
#include "portscope/portscope.h"
#include "prom-text.h"

/* Where a scrape failed; append-only, they are label values. */
enum exporter_stage {
        STAGE_NETNS,   /* entering or leaving --netns: no socket series this time */
        STAGE_SOCKETS, /* the socket list: no listener series this time */
        STAGE_AUDIT,   /* the audit rules: no finding series this time */
        STAGE_OUTPUT,  /* the exposition did not fit its cap, or could not be written */
        _STAGE_MAX
};

struct exporter {
        const ps_db *db;
        const ps_notes *notes;         /* may be NULL */
        const ps_audit_config *config; /* accepted findings, may be NULL */
        const char *proc_root;         /* NULL for /proc */
        /* --netns: the namespace to inspect and the one to return to, or -1.
         * Only the scanning thread enters it, for the scan: the server's
         * socket and threads stay where they were made. */
        int netns_fd, home_netns_fd;
        /* Errors by stage over the exporter's life (one run in textfile mode). */
        unsigned long long errors[_STAGE_MAX];
};

/* Upper bound of one exposition: some 300 bytes a series, room for every
 * port of two protocols in two families with a finding each. */
#define EXPORTER_OUTPUT_MAX (64u << 20)

/*
 * Scans, audits and writes every metric into a malloc'd buffer. A failed
 * stage is counted and its series left out; only a failure to produce any
 * output (memory, the cap) is returned, after counting it under "output".
 */
int exporter_scrape(struct exporter *e, prom_format format, char **ret_buf, size_t *ret_len);

#endif
