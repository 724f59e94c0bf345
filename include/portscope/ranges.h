/* SPDX-License-Identifier: MIT */
/*
 * Port ranges: the classes RFC 6335 defines, and this machine's own bounds.
 */
#ifndef PORTSCOPE_RANGES_H
#define PORTSCOPE_RANGES_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 6335 section 6. Append-only. */
typedef enum ps_range_class {
        PS_RANGE_SYSTEM = 0,  /* 0-1023, "well-known" */
        PS_RANGE_USER = 1,    /* 1024-49151, "registered" */
        PS_RANGE_DYNAMIC = 2, /* 49152-65535, "dynamic and/or private" */
        _PS_RANGE_MAX
} ps_range_class;

typedef struct ps_range_info {
        ps_range_class cls;
        unsigned lo, hi;
        const char *id;      /* "system", "user", "dynamic" */
        const char *title;   /* "System port" ... */
        const char *aka;     /* the older, common name: "well-known" ... */
        const char *explain; /* one or two plain sentences */
} ps_range_info;

/* Classifies port (0..65535); -ERANGE otherwise. */
int ps_range_classify(unsigned port, ps_range_info *ret_info);
/* Describes a class; -EINVAL for an unknown one. */
int ps_range_describe(ps_range_class cls, ps_range_info *ret_info);

/* This machine's port bounds, as its kernel sees them. */
typedef struct ps_host_ports {
        bool have_ephemeral;
        unsigned ephemeral_lo, ephemeral_hi; /* net.ipv4.ip_local_port_range */
        bool have_unprivileged;
        unsigned unprivileged_start; /* net.ipv4.ip_unprivileged_port_start */
        bool have_reserved;
        size_t n_reserved;                     /* ports in net.ipv4.ip_local_reserved_ports */
        unsigned char reserved_map[65536 / 8]; /* one bit a port */
} ps_host_ports;

/*
 * Reads the bounds from PROC_ROOT/sys/net/ipv4/ (proc_root NULL or "" means
 * "/proc"). A file that is missing or unreadable leaves its have_* false; a
 * file with malformed contents fails with -EBADMSG.
 */
int ps_host_ports_read(const char *proc_root, ps_host_ports *ret_host);
bool ps_host_port_ephemeral(const ps_host_ports *host, unsigned port);
bool ps_host_port_reserved(const ps_host_ports *host, unsigned port);
/* True when binding port needs privilege (CAP_NET_BIND_SERVICE) here. */
bool ps_host_port_privileged(const ps_host_ports *host, unsigned port);

#ifdef __cplusplus
}
#endif

#endif
