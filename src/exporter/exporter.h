/* SPDX-License-Identifier: MIT */
/* `portscope exporter`: the command, and its HTTP side (src/exporter/http.c). */
#ifndef PS_EXPORTER_H
#define PS_EXPORTER_H

#include "metrics.h"

/*
 * 2693/tcp: what `portscope suggest --for=portscope-exporter` picks, unassigned
 * in the IANA registry, absent from nmap-services, and outside 9100-9999,
 * the Prometheus project's exporter range (full since 2023; its wiki lists
 * who holds each port). Loopback: the listener list of a host is
 * reconnaissance data (docs/prometheus/README.md).
 */
#define EXPORTER_DEFAULT_PORT 2693
#define EXPORTER_DEFAULT_LISTEN "127.0.0.1:2693"

/* Serves /metrics on listen until SIGTERM or SIGINT; returns an exit status. */
int exporter_serve(struct exporter *e, const char *listen);

#endif
