/* SPDX-License-Identifier: MIT */
/*
 * Audit of this machine's listeners, and free-port suggestions.
 *
 * The audit takes a snapshot of every listening socket (sockets.h), looks
 * each one up in the registry and the knowledge notes, and applies rules
 * with stable ids (docs/audit/RULE.md). Findings the administrator accepted
 * are silenced by a configuration file (docs/audit/config.md).
 */
#ifndef PORTSCOPE_AUDIT_H
#define PORTSCOPE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <portscope/notes.h>
#include <portscope/ranges.h>
#include <portscope/registry.h>
#include <portscope/sockets.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Append-only. */
typedef enum ps_severity {
        PS_SEVERITY_INFO = 0,
        PS_SEVERITY_LOW = 1,
        PS_SEVERITY_MEDIUM = 2,
        PS_SEVERITY_HIGH = 3,
        _PS_SEVERITY_MAX
} ps_severity;

const char *ps_severity_name(ps_severity s);
int ps_severity_from_string(const char *s, ps_severity *ret_severity);

typedef struct ps_audit_rule {
        const char *id;       /* stable, e.g. "exposed-service" */
        ps_severity severity; /* the default */
        const char *title;    /* one line */
} ps_audit_rule;

/* The rules, in a stable order; returns how many. */
size_t ps_audit_rules(const ps_audit_rule **ret_rules);

typedef struct ps_finding {
        const char *rule; /* a rule id */
        ps_severity severity;
        char *message; /* one line: what was found */
        char *advice;  /* one line: what to do */
        ps_proto proto;
        int family; /* 4 or 6 */
        char address[48];
        unsigned port;
        int pid;       /* 0 when no owner could be resolved */
        char *process; /* the process's name, "" when unknown */
        char *service; /* the registered service name for the port, "" when none */
} ps_finding;

/* Accepted findings, from an audit.conf (docs/audit/config.md). */
typedef struct ps_audit_config ps_audit_config;

/*
 * Parses configuration text. On a bad line fails with -EBADMSG and writes
 * "FILE:LINE: problem" to errbuf. name is used in messages only.
 */
int ps_audit_config_parse(const char *text, size_t len, const char *name,
                          ps_audit_config **ret_config, char *errbuf, size_t errsize);
/* Reads and parses a file; -ENOENT when it does not exist. */
int ps_audit_config_load(const char *path, ps_audit_config **ret_config, char *errbuf,
                         size_t errsize);
void ps_audit_config_free(ps_audit_config *config);
/* True when the configuration silences this finding. */
bool ps_audit_config_silences(const ps_audit_config *config, const ps_finding *f);

typedef struct ps_audit_opts {
        const ps_db *db;
        const ps_notes *notes;         /* may be NULL: rules that need notes stay quiet */
        const char *proc_root;         /* NULL for /proc */
        const ps_audit_config *config; /* may be NULL */
} ps_audit_opts;

typedef struct ps_audit_report {
        size_t n;
        ps_finding *findings; /* most severe first */
        size_t n_listeners;   /* listening sockets examined */
        size_t n_silenced;    /* findings the configuration silenced */
        size_t n_unowned;     /* listeners whose process could not be resolved */
        int unowned_error;    /* why, e.g. -EACCES; 0 when every owner resolved */
} ps_audit_report;

int ps_audit_run(const ps_audit_opts *opts, ps_audit_report **ret_report);
/*
 * The same rules over sockets the caller already listed (opts->proc_root is
 * still read for processes and kernel bounds): every socket in list is judged
 * as a listener, so list it with PS_QUERY_LISTENING. Each process is read
 * once however many sockets it holds. The exporter scans once for both.
 */
int ps_audit_run_sockets(const ps_audit_opts *opts, const ps_socket_list *list,
                         ps_audit_report **ret_report);
void ps_audit_report_free(ps_audit_report *report);

/* Free-port suggestions. */
enum {
        PS_SUGGEST_TCP = 1 << 0,
        PS_SUGGEST_UDP = 1 << 1,
};

/* Why a suggested port is safe: every suggestion has all of these. */
typedef struct ps_suggest_opts {
        const ps_db *db;
        const ps_notes *notes;     /* may be NULL */
        const char *proc_root;     /* NULL for /proc */
        unsigned protocols;        /* PS_SUGGEST_* bits; 0 means both */
        ps_range_class range;      /* PS_RANGE_USER or PS_RANGE_DYNAMIC */
        const char *for_name;      /* a stable choice for this service name, or NULL */
        uint64_t seed;             /* where to start when for_name is NULL */
        bool check;                /* bind each candidate to confirm it is free */
        const char *nmap_services; /* NULL: the default path; "" for none */
        /* Decide by the registry, the notes and nmap-services alone: this
         * machine's sockets and bounds are not read (a public server's
         * sockets are not its visitors'), and Linux's default ephemeral
         * range 32768-60999 stands in for this machine's. check is ignored. */
        bool no_local;
} ps_suggest_opts;

typedef struct ps_suggestion {
        unsigned port;
        double open_frequency; /* nmap-services, -1 when the port is not listed there */
        bool checked;          /* opts.check: a bind succeeded for every protocol */
} ps_suggestion;

/*
 * Writes up to count suggestions. A suggested port is, for every requested
 * protocol: unassigned in the registry, outside this machine's ephemeral range
 * and reserved ports, not bound by any local socket now, not on the browsers'
 * unsafe-port list, free of knowledge notes, and among the least often seen
 * open (nmap-services, when installed). Returns how many were written (which
 * may be fewer than count), or a negative code.
 */
int ps_suggest(const ps_suggest_opts *opts, ps_suggestion *ret_suggestions, size_t count);

/* The browsers' blocked ports (the Fetch standard's "bad port" list). */
bool ps_port_browser_unsafe(unsigned port);

#ifdef __cplusplus
}
#endif

#endif
