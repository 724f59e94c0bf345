/* SPDX-License-Identifier: MIT */
/*
 * A writer of Prometheus' text exposition format 0.0.4 and of OpenMetrics
 * 1.0.0 text, for the exporter (docs/prometheus/README.md). It knows the
 * formats' naming and escaping; the caller knows the metrics.
 */
#ifndef PS_PROM_TEXT_H
#define PS_PROM_TEXT_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>

#include "dynbuf.h"

typedef enum prom_format {
        PROM_FORMAT_TEXT,        /* text/plain; version=0.0.4 */
        PROM_FORMAT_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
} prom_format;

typedef enum prom_type {
        PROM_GAUGE,
        PROM_COUNTER, /* samples get "_total" */
        PROM_INFO,    /* samples get "_info" and the value 1 */
} prom_type;

struct prom_writer {
        ps_dynbuf out;
        prom_format format;
        prom_type type;
        char family[128];
        int err; /* the first error; later calls do nothing */
        /* Numbers are written in the C locale whatever the program's
         * LC_NUMERIC ("0.5", never "0,5"); (locale_t)0 when it failed. */
        locale_t c_locale;
};

/* The output grows up to cap bytes; past it every call fails with -E2BIG. */
void prom_writer_init(struct prom_writer *w, prom_format format, size_t cap);
void prom_writer_free(struct prom_writer *w);

/*
 * Starts a metric family: its HELP, TYPE and (OpenMetrics) UNIT lines. name
 * is the family's name without the "_total" or "_info" its samples get; with
 * a unit, it ends in "_UNIT" (base units: seconds, bytes).
 */
void prom_family(struct prom_writer *w, const char *name, prom_type type, const char *unit,
                 const char *help);

/*
 * One sample of the current family. labels holds names and values in turn,
 * n_labels pairs; values may be any bytes: bytes that are not UTF-8 become
 * U+FFFD, and backslash, double quote and newline are escaped as both
 * formats require.
 */
void prom_sample(struct prom_writer *w, const char *const *labels, size_t n_labels, double value);

/* Ends the exposition ("# EOF" for OpenMetrics); returns the first error or 0. */
int prom_finish(struct prom_writer *w);

/*
 * The format an Accept header asks for: OpenMetrics when it names
 * application/openmetrics-text with a q above that of text/plain, else the
 * text format (also for NULL, garbage or wildcards).
 */
prom_format prom_negotiate(const char *accept);
const char *prom_content_type(prom_format format);

#endif
