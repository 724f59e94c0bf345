/* SPDX-License-Identifier: MIT */
/* The HTTP answer of a Prometheus endpoint, the exporter's and the site's. */
#ifndef PS_PROM_HTTP_H
#define PS_PROM_HTTP_H

#include "httpd.h"
#include "prom-text.h"

/* 200 with body (len bytes, which the response takes) in the format the
 * scraper's Accept chose; never cached, and varying with Accept. */
static inline void prom_respond(httpd_response *resp, prom_format fmt, char *body, size_t len)
{
        httpd_response_status(resp, 200);
        httpd_response_header(resp, "Content-Type", prom_content_type(fmt));
        httpd_response_header(resp, "Cache-Control", "no-store");
        httpd_response_header(resp, "Vary", "Accept");
        httpd_response_body_take(resp, body, len);
}

#endif
