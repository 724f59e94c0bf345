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
        char service[64]; /* nmap's name for it ("unknown" when nmap has none), maybe cut */
        double frequency; /* the fraction of scanned hosts found with it open, 0..1 */
        unsigned rank;    /* 1 = most often open for this protocol; 0 when never seen open */
        unsigned listed;  /* ports listed for this protocol */
} ps_prevalence_entry;

/* The file read when no path is given: $PORTSCOPE_NMAP_SERVICES, else PS_NMAP_SERVICES_PATH. */
const char *ps_prevalence_default_path(void);

/*
 * One port, straight from the file (path, or the default when NULL): fills
 * ret_entries, in protocol order, with the port's entry for each protocol the
 * file lists it under, up to cap. Streams the file once and keeps only its
 * frequencies, so a single report stays cheap. Returns the number of
 * entries (0 when the file does not list the port); -ENOENT when the file is
 * absent, -EFBIG over the cap, -EBADMSG for a malformed line.
 */
int ps_prevalence_port(const char *path, unsigned port, ps_prevalence_entry *ret_entries,
                       size_t cap);

/* The whole file in memory, for many lookups. Same errors as above. */
int ps_prevalence_open(const char *path, ps_prevalence **ret_prev);
void ps_prevalence_free(ps_prevalence *prev);
/* The file it was read from. */
const char *ps_prevalence_path(const ps_prevalence *prev);
/* -ENOENT when the file does not list port/proto. */
int ps_prevalence_lookup(const ps_prevalence *prev, unsigned port, ps_proto proto,
                         ps_prevalence_entry *ret_entry);

/*
 * ps_prevalence_port() through a per-user cache: the answer comes from a
 * compact file in $XDG_CACHE_HOME/portscope/ (~/.cache/portscope/) when that
 * was made from this very source file (same path, device, inode, size and
 * modification time); otherwise the source is read as ps_prevalence_port()
 * does and the cache is written again, atomically. The cache is only ever an
 * optimisation: when it cannot be read or written (no HOME, a read-only home,
 * PORTSCOPE_NO_CACHE set to anything but "" or "0"), the result and the errors
 * are those of ps_prevalence_port().
 */
int ps_prevalence_port_cached(const char *path, unsigned port, ps_prevalence_entry *ret_entries,
                              size_t cap);

#ifdef __cplusplus
}
#endif

#endif
