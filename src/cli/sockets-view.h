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

/* Filters and views shared by ls and who (sockets-filter.c, sockets-watch.c). */
enum {
        OPT_SF_DPORT = 0x500,
        OPT_SF_DST,
        OPT_SF_INFO = 'i',
        OPT_SF_PORT = 0x510,
        OPT_SF_SPORT,
        OPT_SF_SRC,
        OPT_SF_STATE,
        OPT_SF_SUMMARY = 's',
        OPT_SF_WATCH = 0x520,
};
#define PORT_SET_MAX 64
#define NETWORKS_MAX 16
struct port_range {
        unsigned lo, hi;
        ps_proto proto; /* PS_PROTO_ANY: every protocol */
};
struct port_set {
        size_t n; /* 0: any port */
        struct port_range r[PORT_SET_MAX];
};
struct network {
        int family; /* 4 or 6 */
        uint8_t addr[16];
        unsigned bits;
};
struct sock_filter {
        struct port_set either, sport, dport; /* either: local or remote (who PORT, --port) */
        struct network src[NETWORKS_MAX], dst[NETWORKS_MAX];
        size_t n_src, n_dst;
        unsigned states; /* 1u << ps_sock_state */
        bool summary, info;
        unsigned watch; /* seconds between scans; 0 without --watch */
};
extern struct sock_filter sockfilter;
extern const struct cli_option sockets_filter_options[];
int sockfilter_option(struct cli *c, int opt, const char *arg);
/* Adds a port, a range or every port of a service NAME[/PROTO]; what names
 * the option in messages. 0, or an exit status after a message. */
int port_set_add(struct cli *c, struct port_set *set, const char *what, const char *arg);
bool port_set_match(const struct port_set *set, unsigned port, ps_proto proto);
bool sockfilter_match(const struct sock_filter *f, const ps_socket *s);
typedef bool (*sock_keep_fn)(struct sockview *v, const ps_socket *s);
/* The sockets of v the filter selects (and keep, when given), with how many
 * have no known owner; NULL when out of memory. Free the array. */
const ps_socket **sockfilter_select(struct sockview *v, sock_keep_fn keep, size_t *ret_n,
                                    size_t *ret_unknown);
/* What of the filter the kernel can do: states, one port, TCP internals. */
void sockfilter_query(const struct sock_filter *f, ps_socket_query *q);

/* Counts by protocol, family and state (ls -s, who -s). */
int print_summary(struct cli *c, struct sockview *v, const ps_socket *const *socks, size_t n);
/* "rtt 0.1/0.05 ms, cwnd 10, ..." for --info; "" when there is nothing to say. */
const char *socket_info_text(const ps_socket *s, char *buf, size_t size);
json_t *json_socket_info(const ps_socket *s);

/* --watch: scans again every interval until SIGINT or SIGTERM, printing one
 * line per socket that appeared (+) or went (-). keep, when given, filters
 * further (ls --process). */
int sockets_watch(struct cli *c, const ps_socket_query *q, sock_keep_fn keep, bool ndjson);

#endif
