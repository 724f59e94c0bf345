/* SPDX-License-Identifier: MIT */
/*
 * Reports: everything portscope knows about a port, a service name or a port
 * range, decided once, as data. The terminal, the JSON API and the web site
 * render the same report; a renderer turns its codes and parameters into
 * sentences and never decides anything itself.
 *
 * A report points into the registry and the notes it was built from (records,
 * notes, strings): free it before them. Reports are immutable once built, so
 * threads may share one.
 *
 * Growth: report structs are allocated by the library only. Fields are only
 * ever appended; programs read them through a pointer, never copy, embed or
 * allocate one, and reach array elements only through the *_at() functions,
 * since an element may grow. ps_report_opts is the one struct a program
 * fills: it carries its own size (PS_REPORT_OPTS_INIT), so fields added later
 * read as zero for a program built against an older header.
 */
#ifndef PORTSCOPE_REPORT_H
#define PORTSCOPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <portscope/notes.h>
#include <portscope/prevalence.h>
#include <portscope/ranges.h>
#include <portscope/registry.h>
#include <portscope/sockets.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the registry says about a port (for one protocol) or a record. Append-only. */
typedef enum ps_port_status {
        PS_PORT_NOT_REGISTERED = 0, /* no record at all */
        PS_PORT_ASSIGNED = 1,       /* a service is registered */
        PS_PORT_UNASSIGNED = 2,     /* IANA lists it as Unassigned, alone or in a block */
        PS_PORT_RESERVED = 3,       /* IANA keeps it Reserved */
        PS_PORT_DEREGISTERED = 4,   /* a registration IANA withdrew (De-registered, Removed...) */
        PS_PORT_PRIVATE_USE = 5,    /* set aside for private use ("any private mail system") */
        _PS_PORT_STATUS_MAX
} ps_port_status;

/* "not_registered", "assigned", "unassigned", "reserved", "de_registered",
 * "private_use"; NULL when invalid. */
const char *ps_port_status_name(ps_port_status status);

/*
 * A record's status. Records without a service name carry it in their
 * description ("De-registered", "Unassigned [was netstat]"); the name a
 * withdrawn registration had, when IANA gives it, goes to ret_former (may be
 * NULL; "" when none, cut to size).
 */
ps_port_status ps_record_status(const ps_record *rec, char *ret_former, size_t size);

/* Bits 1u << ps_proto: the protocols a group, a status or a note covers. */
#define PS_PROTO_BIT(p) (1u << (unsigned)(p))

/* Records that differ only in protocol, shown as one. */
typedef struct ps_report_group {
        ps_record record;   /* the first record of the group */
        unsigned protocols; /* PS_PROTO_BIT() per record; PS_PROTO_NONE for "any protocol" */
        ps_port_status status;
        const char *former_name; /* "netstat" for "Unassigned [was netstat]"; "" when none */
} ps_report_group;

/* The status of one protocol on the report's port. */
typedef struct ps_report_status {
        ps_proto proto;
        ps_port_status status;
        int group; /* the group that decides it, or -1 */
} ps_report_status;

/* A port or range with the protocols it covers: a note's ports, folded. */
typedef struct ps_report_ports {
        unsigned lo, hi;
        unsigned protocols;
} ps_report_ports;

typedef struct ps_report_note {
        ps_note note;
        size_t n_ports; /* ps_report_note_ports_at() */
        void *_priv;
} ps_report_note;

/* How the prevalence section came out. Append-only. */
typedef enum ps_prevalence_state {
        PS_PREVALENCE_FOUND = 0,         /* entries hold what nmap-services says (maybe none) */
        PS_PREVALENCE_NOT_INSTALLED = 1, /* no nmap-services file */
        PS_PREVALENCE_UNUSABLE = 2,  /* the file exists but could not be used: prevalence_error */
        PS_PREVALENCE_NOT_ASKED = 3, /* the options asked for none */
} ps_prevalence_state;

/* A sentence-sized piece of a report: advice, a local fact or an FAQ answer.
 * Each code documents which parameters it uses; the others are 0 or "". */
typedef struct ps_report_item {
        int code;           /* a ps_advice, ps_local_fact or ps_faq_answer */
        int question;       /* FAQ: a ps_faq_question; otherwise -1 */
        unsigned port;      /* the report's port */
        unsigned number;    /* a second port, a bound or a count */
        unsigned number2;   /* the upper end of a range */
        unsigned protocols; /* PS_PROTO_BIT() per protocol spoken of */
        const char *text;   /* a service name, a note title, a person... */
        const char *text2;  /* a description, a second name */
} ps_report_item;

/* The report's title: what the port is, in one line. Append-only. */
typedef enum ps_headline {
        PS_HEADLINE_ASSIGNED = 0, /* text: the service; text2: its description */
        PS_HEADLINE_UNASSIGNED = 1,
        PS_HEADLINE_UNASSIGNED_BLOCK = 2,  /* part of the block number..number2 */
        PS_HEADLINE_UNASSIGNED_FORMER = 3, /* text: the service it was registered to */
        PS_HEADLINE_RESERVED = 4,
        PS_HEADLINE_RESERVED_BLOCK = 5, /* part of the block number..number2 */
        PS_HEADLINE_DEREGISTERED = 6,
        PS_HEADLINE_DEREGISTERED_FORMER = 7, /* text: the service it was registered to */
        PS_HEADLINE_PRIVATE_USE = 8,         /* text: IANA's description */
        PS_HEADLINE_NOT_REGISTERED = 9,
        _PS_HEADLINE_MAX
} ps_headline;

/* What the range section says beside the class. Append-only. */
typedef enum ps_range_note {
        PS_RANGE_NOTE_CLASS = 0, /* the class's own explanation holds (ps_range_info.explain) */
        /* Port 0: a system port by number, but a bind to it takes any free
         * port and needs no privilege, so the class's rule does not apply. */
        PS_RANGE_NOTE_ZERO = 1,
} ps_range_note;

/* Advice: what the registry's answer means. Append-only. */
typedef enum ps_advice {
        /* Nothing is registered in the dynamic range: IANA never assigns there. */
        PS_ADVICE_DYNAMIC_UNREGISTERED = 0,
        /* Nothing is registered for this port (protocols: the filter, 0 for any). */
        PS_ADVICE_NOT_REGISTERED = 1,
        /* System port with no service: a listener is legacy, in-house or hiding. */
        PS_ADVICE_SYSTEM_NO_SERVICE = 2,
        /* User or dynamic port with no service: any use is unofficial. */
        PS_ADVICE_NO_SERVICE = 3,
        /* Port 0: binding it asks the kernel for a free ephemeral port, no
         * privilege needed; nothing listens on 0 itself; traffic to 0 is
         * malformed, a scan or fingerprinting. */
        PS_ADVICE_PORT_ZERO = 4,
        /* IANA withdrew the registration (text: the former name, or ""). */
        PS_ADVICE_DEREGISTERED = 5,
        /* Browsers refuse to connect to this port (the Fetch "bad ports"). */
        PS_ADVICE_BROWSER_UNSAFE = 6,
        /* Set aside for private use (text: IANA's description). */
        PS_ADVICE_PRIVATE_USE = 7,
        _PS_ADVICE_MAX
} ps_advice;

/* This machine's facts about the port (PS_REPORT_LOCAL). Append-only. */
typedef enum ps_local_fact {
        PS_LOCAL_EPHEMERAL_INSIDE = 0,  /* number..number2: the ephemeral range */
        PS_LOCAL_EPHEMERAL_OUTSIDE = 1, /* number..number2 */
        PS_LOCAL_RESERVED_LISTED = 2,   /* in ip_local_reserved_ports */
        PS_LOCAL_RESERVED_NOT_LISTED = 3,
        PS_LOCAL_PRIVILEGED = 4,   /* number: ip_unprivileged_port_start */
        PS_LOCAL_UNPRIVILEGED = 5, /* number: ip_unprivileged_port_start */
        /* Port 0: a bind gets a free port from number..number2 (0..0 when
         * the range is unknown), with no privilege. */
        PS_LOCAL_BIND_ZERO = 6,
        PS_LOCAL_NO_LISTENER = 7,       /* protocols: the filter, 0 for any */
        PS_LOCAL_LISTENERS = 8,         /* number: listening sockets (listeners) */
        PS_LOCAL_LISTENERS_UNKNOWN = 9, /* number: the negative code, as -(int)number */
        /* This machine's services file names the port where the IANA registry
         * has no such name for it: a local name, never the registry's.
         * text: the name; text2: the file; protocols: where it names it. */
        PS_LOCAL_SERVICES_NAME = 10,
        _PS_LOCAL_MAX
} ps_local_fact;

/* The questions a page about a port answers. Append-only. */
typedef enum ps_faq_question {
        PS_FAQ_TCP_OR_UDP = 0,
        PS_FAQ_WHO_REGISTERED = 1,
        PS_FAQ_SAFE_TO_EXPOSE = 2,
        PS_FAQ_WHAT_USES = 3,
        PS_FAQ_WHY_LISTENING = 4,
        PS_FAQ_OWN_SERVICE = 5,
        _PS_FAQ_QUESTION_MAX
} ps_faq_question;

/* Answers; each names the question it belongs to. Append-only. */
typedef enum ps_faq_answer {
        /* TCP_OR_UDP. protocols: those registered; text: the service. */
        PS_FAQ_PROTO_REGISTERED = 0,
        /* TCP_OR_UDP. Nothing registered; protocols: those the notes describe (maybe 0). */
        PS_FAQ_PROTO_UNREGISTERED = 1,
        /* TCP_OR_UDP. Port 0: reserved for both, carries neither. */
        PS_FAQ_PROTO_ZERO = 2,
        /* WHO_REGISTERED. text: the assignee; text2: the service. */
        PS_FAQ_WHO_ASSIGNEE = 3,
        /* WHO_REGISTERED. Nobody (status in number: a ps_port_status). */
        PS_FAQ_WHO_NOBODY = 4,
        /* WHO_REGISTERED. Withdrawn; text: the former name or "". */
        PS_FAQ_WHO_DEREGISTERED = 5,
        /* SAFE_TO_EXPOSE. text: the note that says why. */
        PS_FAQ_SAFE_MALWARE = 6,
        PS_FAQ_SAFE_AMPLIFICATION = 7,
        PS_FAQ_SAFE_NO_EXPOSE = 8,
        PS_FAQ_SAFE_ABUSE = 9,
        /* SAFE_TO_EXPOSE. Only for a service that needs it, to the addresses that need it. */
        PS_FAQ_SAFE_DEPENDS = 10,
        /* SAFE_TO_EXPOSE. Port 0: nothing to expose; drop traffic to it. */
        PS_FAQ_SAFE_ZERO = 11,
        /* WHAT_USES. number: notes; text: the first note's title. */
        PS_FAQ_WHAT_NOTES = 12,
        /* WHAT_USES. text: the service; text2: its description. */
        PS_FAQ_WHAT_REGISTERED = 13,
        /* WHAT_USES. Nothing registered and no note. */
        PS_FAQ_WHAT_NOTHING = 14,
        /* WHY_LISTENING. Port 0: nothing can; the program got another port. */
        PS_FAQ_WHY_ZERO = 15,
        /* WHY_LISTENING. text: the note's title. */
        PS_FAQ_WHY_NOTED = 16,
        /* WHY_LISTENING. text: the service. */
        PS_FAQ_WHY_ASSIGNED = 17,
        /* WHY_LISTENING. A system port with no service. */
        PS_FAQ_WHY_SYSTEM_UNKNOWN = 18,
        /* WHY_LISTENING. A user port with no service: unofficial use. */
        PS_FAQ_WHY_UNOFFICIAL = 19,
        /* WHY_LISTENING. A dynamic port: a client's ephemeral port or a private service. */
        PS_FAQ_WHY_DYNAMIC = 20,
        /* OWN_SERVICE. Free in the registry and the notes. */
        PS_FAQ_OWN_FREE = 21,
        /* OWN_SERVICE. number: a suggested port; text: the service registered here. */
        PS_FAQ_OWN_TAKEN = 22,
        /* OWN_SERVICE. number: a suggested port; text: the note describing use here. */
        PS_FAQ_OWN_NOTED = 23,
        /* OWN_SERVICE. number: a suggested port; a system port needs privilege. */
        PS_FAQ_OWN_SYSTEM = 24,
        /* OWN_SERVICE. number: a suggested port; dynamic ports collide with ephemeral ones. */
        PS_FAQ_OWN_DYNAMIC = 25,
        /* OWN_SERVICE. number: a suggested port; browsers refuse this one. */
        PS_FAQ_OWN_BROWSER = 26,
        /* OWN_SERVICE. number: a suggested port; port 0 means "any free port". */
        PS_FAQ_OWN_ZERO = 27,
        /* OWN_SERVICE. number: a suggested port; IANA keeps this one reserved. */
        PS_FAQ_OWN_RESERVED = 28,
        /* WHO_REGISTERED. text: the service; the registry names no assignee. */
        PS_FAQ_WHO_UNRECORDED = 29,
        _PS_FAQ_ANSWER_MAX
} ps_faq_answer;

/* Systems the check commands are written for. Append-only. */
typedef enum ps_os { PS_OS_LINUX = 0, PS_OS_MACOS = 1, PS_OS_WINDOWS = 2, _PS_OS_MAX } ps_os;

/* "linux", "macos", "windows"; NULL when invalid. */
const char *ps_os_name(ps_os os);

/* Why a system has no command. Append-only. */
typedef enum ps_check_gap {
        PS_CHECK_OK = 0,          /* commands are given */
        PS_CHECK_NO_PROTOCOL = 1, /* the system has no built-in support for the protocol */
        PS_CHECK_PORT_ZERO = 2,   /* nothing listens on port 0: the commands capture traffic */
} ps_check_gap;

/* The commands a person types on one system to see what uses the port. */
typedef struct ps_report_check {
        ps_os os;
        ps_check_gap gap;
        size_t n_commands;
        const char *const *commands; /* shell (Linux, macOS) or cmd/PowerShell lines */
} ps_report_check;

/* Local facts, with PS_REPORT_LOCAL. */
typedef struct ps_report_local {
        bool have_ephemeral;
        unsigned ephemeral_lo, ephemeral_hi;
        bool ephemeral; /* the port is inside it */
        bool have_reserved;
        bool reserved;
        bool have_unprivileged;
        unsigned unprivileged_start; /* 1024 when unknown */
        bool privileged;             /* binding needs privilege (never for port 0) */
        int listeners_error;         /* 0, or why the listeners could not be listed */
        const ps_socket_list
                *listeners; /* listening sockets on the port; NULL for port 0 or error */
} ps_report_local;

/* Options. Build them with PS_REPORT_OPTS_INIT, then set what you need. */
enum {
        PS_REPORT_LOCAL = 1 << 0,      /* read this machine's bounds and listeners */
        PS_REPORT_PREVALENCE = 1 << 1, /* read nmap-services (unless prevalence is given) */
        PS_REPORT_NO_CACHE = 1 << 2,   /* read nmap-services without the per-user cache */
};

typedef struct ps_report_opts {
        size_t size; /* sizeof(ps_report_opts) as the program saw it */
        const ps_db *db;
        const ps_notes *notes;           /* NULL: no notes */
        const ps_prevalence *prevalence; /* an open nmap-services, or NULL */
        const char *nmap_services;       /* PS_REPORT_PREVALENCE: NULL for the default path */
        const char *proc_root;           /* PS_REPORT_LOCAL: NULL for /proc */
        unsigned flags;                  /* PS_REPORT_* */
        /* PS_REPORT_LOCAL: the services file to compare with the registry;
         * NULL for $PORTSCOPE_SERVICES, else /etc/services. */
        const char *services_file;
} ps_report_opts;

#define PS_REPORT_OPTS_INIT                                                                        \
        {                                                                                          \
                .size = sizeof(ps_report_opts)                                                     \
        }

/* The port report: `portscope PORT[/PROTO]`, /api/port/PORT, /port/PORT. */
typedef struct ps_port_report {
        unsigned port;
        ps_proto proto; /* the filter, PS_PROTO_ANY for none */
        bool found;     /* a record or a note: exit 0 and HTTP 200, else 1 and 404 */
        const char *registry_date;
        ps_range_info range;
        ps_range_note range_note;
        ps_port_status status; /* the headline's status, or NOT_REGISTERED */
        int headline;          /* the group that names the port, or -1 */
        ps_report_item title;  /* code: a ps_headline */
        size_t n_groups;       /* ps_port_report_group_at(), in registry order */
        size_t n_statuses; /* ps_port_report_status_at(): tcp, udp, then sctp/dccp with records */
        bool statuses_differ; /* the protocols do not all have the same status */
        size_t n_notes;       /* ps_port_report_note_at() */
        ps_prevalence_state prevalence_state;
        int prevalence_error;         /* PS_PREVALENCE_UNUSABLE: the code */
        const char *prevalence_path;  /* the file read, or NULL */
        size_t n_prevalence;          /* ps_port_report_prevalence_at() */
        size_t n_advice;              /* ps_port_report_advice_at() */
        size_t n_faq;                 /* ps_port_report_faq_at() */
        size_t n_checks;              /* ps_port_report_check_at(): one per ps_os */
        int previous_port, next_port; /* the nearest ports with a registered service, or -1 */
        size_t n_related;             /* ps_port_report_related_at(): other ports the notes name */
        unsigned suggested_port;      /* a free port for one's own service, or 0 */
        bool have_local;              /* PS_REPORT_LOCAL was asked for */
        ps_report_local local;
        size_t n_local_facts; /* ps_port_report_local_fact_at() */
        void *_priv;
        /* IANA's own search of its registry for the port (its web page). */
        const char *iana_url;
} ps_port_report;

/*
 * Builds the report for port (0..65535) over proto (PS_PROTO_ANY for all).
 * Protocol-less records (Unassigned and Reserved blocks) count for every
 * protocol. -EINVAL for bad options or a bad port, -ENOMEM; an unreadable
 * nmap-services or socket list is recorded in the report, not an error.
 * Reading local facts may fail with the error of ps_host_ports_read().
 */
int ps_port_report_build(const ps_report_opts *opts, unsigned port, ps_proto proto,
                         ps_port_report **ret_report);
void ps_port_report_free(ps_port_report *report);

const ps_report_group *ps_port_report_group_at(const ps_port_report *r, size_t i);
const ps_report_status *ps_port_report_status_at(const ps_port_report *r, size_t i);
const ps_report_note *ps_port_report_note_at(const ps_port_report *r, size_t i);
const ps_report_ports *ps_report_note_ports_at(const ps_report_note *n, size_t i);
const ps_prevalence_entry *ps_port_report_prevalence_at(const ps_port_report *r, size_t i);
const ps_report_item *ps_port_report_advice_at(const ps_port_report *r, size_t i);
const ps_report_item *ps_port_report_faq_at(const ps_port_report *r, size_t i);
const ps_report_item *ps_port_report_local_fact_at(const ps_port_report *r, size_t i);
const ps_report_check *ps_port_report_check_at(const ps_port_report *r, size_t i);
const ps_report_ports *ps_port_report_related_at(const ps_port_report *r, size_t i);

/* The name report: `portscope NAME`. */
typedef struct ps_name_report {
        const char *name; /* as asked */
        ps_proto proto;
        bool found;
        const char *registry_date;
        size_t n_groups;  /* ps_name_report_group_at() */
        size_t n_similar; /* ps_name_report_similar_at(): when not found, the best search hits */
        void *_priv;
        /* IANA's own search of its registry for the name (its web page), as
         * the registry spells it; NULL when not found. */
        const char *iana_url;
} ps_name_report;

/* Longer names are refused with -ENAMETOOLONG (IANA names have at most 15 characters). */
#define PS_NAME_REPORT_NAME_MAX 64

int ps_name_report_build(const ps_report_opts *opts, const char *name, ps_proto proto,
                         ps_name_report **ret_report);
void ps_name_report_free(ps_name_report *report);
const ps_report_group *ps_name_report_group_at(const ps_name_report *r, size_t i);
/* Other names registered on the group's single port and protocols (aliases, history). */
size_t ps_name_report_n_aliases(const ps_name_report *r, size_t group);
const char *ps_name_report_alias_at(const ps_name_report *r, size_t group, size_t i);
const ps_report_group *ps_name_report_similar_at(const ps_name_report *r, size_t i);

/* The range report: `portscope LOW-HIGH`. */
typedef struct ps_range_report {
        unsigned lo, hi;
        ps_proto proto;
        bool found;
        const char *registry_date;
        size_t n_groups; /* ps_range_report_group_at(), in port order */
        void *_priv;
} ps_range_report;

int ps_range_report_build(const ps_report_opts *opts, unsigned lo, unsigned hi, ps_proto proto,
                          ps_range_report **ret_report);
void ps_range_report_free(ps_range_report *report);
const ps_report_group *ps_range_report_group_at(const ps_range_report *r, size_t i);

#ifdef __cplusplus
}
#endif

#endif
