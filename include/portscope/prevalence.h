/* SPDX-License-Identifier: MIT */
/*
 * Prevalence: how often a port is found open, from nmap's nmap-services file
 * (Debian package nmap-common). The file is read where it is installed and
 * never shipped with portscope.
 */
#ifndef PORTSCOPE_PREVALENCE_H
#define PORTSCOPE_PREVALENCE_H

#include <stddef.h>

#include <portscope/registry.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PS_NMAP_SERVICES_PATH "/usr/share/nmap/nmap-services"
#define PS_NMAP_SERVICES_MAX (16u << 20) /* a larger file is refused */

typedef struct ps_prevalence ps_prevalence;

typedef struct ps_prevalence_entry {
        unsigned port;
        ps_proto proto;
        const char *service; /* nmap's name for it; "unknown" when nmap has none */
        double frequency;    /* the fraction of scanned hosts found with it open, 0..1 */
        unsigned rank;       /* 1 = most often open for this protocol; 0 when never seen open */
        unsigned listed;     /* ports listed for this protocol */
} ps_prevalence_entry;

/*
 * Reads an nmap-services file: path, else $PORTSCOPE_NMAP_SERVICES, else
 * PS_NMAP_SERVICES_PATH. -ENOENT when it is absent, -EFBIG over the cap,
 * -EBADMSG for a malformed line.
 */
int ps_prevalence_open(const char *path, ps_prevalence **ret_prev);
void ps_prevalence_free(ps_prevalence *prev);
/* The file it was read from. */
const char *ps_prevalence_path(const ps_prevalence *prev);
/* -ENOENT when the file does not list port/proto. */
int ps_prevalence_lookup(const ps_prevalence *prev, unsigned port, ps_proto proto,
                         ps_prevalence_entry *ret_entry);

#ifdef __cplusplus
}
#endif

#endif
