/* SPDX-License-Identifier: MIT */
/* Shared by `who`, `ls` and the port report: local sockets, annotated. */
#ifndef PS_SOCKETS_VIEW_H
#define PS_SOCKETS_VIEW_H

#include "cli.h"
#include "portscope/sockets.h"

#define PS_ELEMENTSOF_CLI(a) (sizeof(a) / sizeof((a)[0]))

struct sockview {
        struct cli *c;
        ps_socket_list *list;
        unsigned char *listen_ports;   /* bitmap of (proto, port) with a listener, or NULL */
        int width_local, width_remote; /* address columns of print_socket_block() */
};

struct service_info {
        bool local;         /* the service is on the local port (a server socket) */
        unsigned port;      /* the port the service was looked up for */
        const char *status; /* "assigned", "unassigned", "reserved", "none" */
        const char *name;   /* NULL unless assigned */
        const char *description;
        int matches; /* 1 the process looks like the service, 0 not, -1 unknown */
};

int sockview_collect(struct cli *c, const ps_socket_query *q, struct sockview *v);
void sockview_free(struct sockview *v);
void sockview_index_listeners(struct sockview *v);
bool sockview_is_listen_port(const struct sockview *v, const ps_socket *s);
/* Cached; NULL when the process is gone or unreadable. */
const ps_process *sockview_process(struct sockview *v, int pid);
/* A user name, or the uid as digits. */
const char *sockview_user(unsigned uid);
void sockview_service(struct sockview *v, const ps_socket *s, struct service_info *ret);

/* "127.0.0.1:22", "[::]:22", "*" for an unconnected remote side. */
const char *endpoint(const ps_socket *s, bool remote, char *buf, size_t size);
/* Why a socket has no owner, in one sentence; NULL when it has one. */
const char *owner_reason(const ps_socket *s);

/* A socket as docs/schema/defs.schema.json defines it; with document, a whole
 * --ndjson line: "schema_version" and "kind" first. */
json_t *json_socket(struct sockview *v, const ps_socket *s, bool document);
/* Writes o compactly to stdout, then end; -1 when that fails. */
int json_line(json_t *o, const char *end);
json_t *json_sockets_meta(const struct sockview *v);
/* Sizes the address columns to the widest address in the list. */
void sockview_widths(struct sockview *v);
void print_socket_block(struct sockview *v, const ps_socket *s, const char *indent);
/* One line on stderr per protocol asked for (1u << ps_proto bits) that cannot be listed. */
void print_unsupported_note(const struct sockview *v, unsigned asked);
/* One line on stderr when owners are unknown for lack of privilege. */
void print_unreadable_note(const struct sockview *v, size_t unknown);

#endif
