/* SPDX-License-Identifier: MIT */
/*
 * The report's sentences, one place for every renderer: the terminal prints
 * them, the site escapes and prints them. Each turns one code of the report
 * model (include/portscope/report.h) and its parameters into a translated
 * sentence. They write into buf (PHRASE_MAX is always enough; longer text is
 * cut) and return it.
 */
#ifndef PS_SHARED_REPORT_PHRASES_H
#define PS_SHARED_REPORT_PHRASES_H

#include <stddef.h>

#include "portscope/portscope.h"

#define PHRASE_MAX 1024

/* "1712", "1712/tcp". */
char *phrase_port(unsigned port, ps_proto proto, char *buf, size_t size);
/* "1712", "811-827": a record's port or block; "-" without one. */
char *phrase_record_port(const ps_record *rec, char *buf, size_t size);
/* "tcp", "tcp and udp", "tcp, udp and sctp" (PS_PROTO_BIT() bits; PS_PROTO_NONE
 * reads "any protocol"). */
char *phrase_protocols(unsigned protocols, char *buf, size_t size);
/* "assigned", "de-registered"... */
const char *phrase_status(ps_port_status status);

/* The title line, "Port 1712: registrar (resource monitoring service)". */
char *phrase_headline(const ps_port_report *r, char *buf, size_t size);
/* What the range section says beside the class's name. */
const char *phrase_range_note(const ps_port_report *r);
/* A range class's name ("System port"), its older name ("well-known") and
 * its explanation, translated: the library's ps_range_info strings are
 * English (and stay so in JSON); renderers show these, keyed by the class. */
const char *phrase_range_title(ps_range_class cls);
const char *phrase_range_aka(ps_range_class cls);
const char *phrase_range_explain(ps_range_class cls);
char *phrase_advice(const ps_report_item *a, char *buf, size_t size);
/* A local fact; proto is the report's filter. */
char *phrase_local(const ps_report_item *f, ps_proto proto, char *buf, size_t size);
char *phrase_question(const ps_report_item *f, char *buf, size_t size);
char *phrase_answer(const ps_report_item *f, char *buf, size_t size);
/* Why a system has no command (c->gap is not PS_CHECK_OK or it has none). */
char *phrase_check_gap(const ps_report_check *c, ps_proto proto, char *buf, size_t size);
/* "macOS", "Windows"... */
const char *phrase_os(ps_os os);
/* One prevalence entry, "1712/tcp: found open on 0.0076% of the hosts...". */
char *phrase_prevalence(const ps_prevalence_entry *e, char *buf, size_t size);
/* The prevalence line when there are no entries (not installed, unusable, unlisted). */
char *phrase_prevalence_none(const ps_port_report *r, char *buf, size_t size);

#endif
