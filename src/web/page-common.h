/* SPDX-License-Identifier: MIT */
/* Pieces several pages share: building a report with the site's options,
 * a registry record group, a knowledge note and its footnotes. */
#ifndef PS_WEB_PAGE_COMMON_H
#define PS_WEB_PAGE_COMMON_H

#include "portscope/report.h"
#include "web.h"

/* The port report with the site's data; this machine's facts only when
 * the server runs with --local. */
int web_port_report(const web *w, unsigned port, ps_port_report **ret_report);
/* The report options of the site. */
void web_report_opts(const web *w, ps_report_opts *opts);
/* One group of records that differ only in protocol, as an h3 and a list. */
void render_group(const web *w, html *h, const ps_report_group *g, bool show_port);
/* A note as an article; its footnote marks start after fn. Returns the
 * last footnote number used. */
unsigned render_note(const web *w, html *h, const ps_report_note *rn, unsigned fn);
/* The note's sources as <li id="fn-N">, numbered after fn; returns the last. */
unsigned render_note_sources(const web *w, html *h, const ps_report_note *rn, unsigned fn);

#endif
