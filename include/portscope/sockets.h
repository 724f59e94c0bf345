/* SPDX-License-Identifier: MIT */
/*
 * Local sockets and the processes that hold them.
 *
 * One interface for every system; each system brings its own implementation
 * (on Linux: sock_diag over netlink, /proc/net/ as a fallback, /proc/PID/fd
 * for owners). A list is a snapshot: sockets and processes come and go while
 * it is taken, and a process that vanishes mid-scan is simply not an owner.
 */
#ifndef PORTSCOPE_SOCKETS_H
#define PORTSCOPE_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <portscope/registry.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Socket states. The numbers follow the TCP state machine; UDP reports
 * PS_STATE_CLOSE for a bound, unconnected socket ("UNCONN"). Append-only.
 */
typedef enum ps_sock_state {
        PS_STATE_UNKNOWN = 0,
        PS_STATE_ESTABLISHED = 1,
        PS_STATE_SYN_SENT = 2,
        PS_STATE_SYN_RECV = 3,
        PS_STATE_FIN_WAIT1 = 4,
        PS_STATE_FIN_WAIT2 = 5,
        PS_STATE_TIME_WAIT = 6,
        PS_STATE_CLOSE = 7,
        PS_STATE_CLOSE_WAIT = 8,
        PS_STATE_LAST_ACK = 9,
        PS_STATE_LISTEN = 10,
        PS_STATE_CLOSING = 11,
        PS_STATE_NEW_SYN_RECV = 12,
        _PS_STATE_MAX
} ps_sock_state;

/* "LISTEN", "ESTAB", ... as ss(8) spells them; "UNCONN" for PS_STATE_CLOSE
 * over a datagram protocol. NULL for an invalid state. */
const char *ps_sock_state_name(ps_sock_state state, ps_proto proto);
/* Parses a state name (case-insensitive; "established" and "estab",
 * "unconn" and "close" are the same). -EINVAL when unknown. */
int ps_sock_state_from_string(const char *s, ps_sock_state *ret_state);

/* Address families, as bits for ps_socket_query.families. */
enum {
        PS_FAMILY_INET4 = 1 << 0,
        PS_FAMILY_INET6 = 1 << 1,
};

/* Where a list came from. Append-only. */
typedef enum ps_socket_source {
        PS_SOCKSRC_NETLINK = 0, /* sock_diag */
        PS_SOCKSRC_PROCNET = 1, /* PROC_ROOT/net/{tcp,tcp6,udp,udp6} */
        _PS_SOCKSRC_MAX
} ps_socket_source;

typedef struct ps_socket {
        ps_proto proto;
        int family;                              /* 4 or 6 */
        uint8_t local_addr[16], remote_addr[16]; /* network order; IPv4 in the first 4 */
        unsigned local_port, remote_port;        /* remote_port 0: not connected */
        ps_sock_state state;
        unsigned uid;     /* the socket's owner as the kernel records it */
        uint64_t inode;   /* 0 for sockets no file refers to (TIME_WAIT, orphans) */
        unsigned ifindex; /* SO_BINDTODEVICE, 0 when none */
        /*
         * Processes holding the socket, pids[0..n_pids). When n_pids is 0,
         * owner_error says why: -EACCES some processes could not be examined
         * (needs root, or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH), -ENOENT no process
         * in this PID namespace holds it (kernel sockets, TIME_WAIT, other
         * namespaces, or it closed mid-scan), -ENODATA owners were not asked for.
         */
        size_t n_pids;
        const int *pids;
        int owner_error;
        /* The network namespace (its inode) when it is not the caller's, else 0. */
        uint64_t netns;
        /* Bytes queued: received and not yet read, sent and not yet acknowledged.
         * For a listener, the connections waiting for accept() and the backlog. */
        unsigned recv_queue, send_queue;
        /* TCP internals, with PS_QUERY_TCP_INFO over netlink; have_tcp_info says
         * whether the kernel gave them. */
        bool have_tcp_info;
        struct ps_tcp_info {
                unsigned rtt_us, rttvar_us; /* smoothed round-trip time and its variance */
                unsigned rto_us;            /* retransmission timeout */
                unsigned snd_cwnd, snd_mss; /* congestion window (segments), segment size */
                unsigned unacked, lost;     /* segments in flight, and presumed lost */
                unsigned retransmits;       /* retransmissions of the segment at the head now */
                unsigned total_retrans;     /* segments retransmitted over the connection */
        } tcp_info;
} ps_socket;

/* Query flags. Append-only. */
enum {
        /* Listening sockets only: LISTEN for stream protocols, bound and
         * unconnected for UDP. Combines with states (either matches). */
        PS_QUERY_LISTENING = 1 << 0,
        PS_QUERY_NO_OWNERS = 1 << 1, /* skip the process scan */
        PS_QUERY_PROCNET = 1 << 2,   /* read /proc/net even when netlink works */
        PS_QUERY_NETLINK = 1 << 3,   /* netlink only: fail rather than fall back */
        /* Every process holding each socket. Without it the scan stops once
         * every socket has one owner, looking first at processes running as
         * the socket's uid (and, with PS_QUERY_ALL_NETNS, of those first at
         * the ones in the socket's network namespace): sockets shared after
         * fork() may list one holder. */
        PS_QUERY_ALL_OWNERS = 1 << 4,
        /* Also the sockets of every other network namespace a process here is in
         * (netlink only; entering one needs CAP_SYS_ADMIN, others are counted in
         * n_netns_skipped). */
        PS_QUERY_ALL_NETNS = 1 << 5,
        /* TCP internals (ps_socket.tcp_info) from sock_diag's INET_DIAG_INFO. */
        PS_QUERY_TCP_INFO = 1 << 6,
};

typedef struct ps_socket_query {
        const char *proc_root; /* NULL or "" for "/proc"; any other root implies /proc/net */
        unsigned protocols;    /* bits 1u << ps_proto; 0 means every protocol */
        unsigned families;     /* PS_FAMILY_* bits; 0 means both */
        unsigned states;       /* bits 1u << ps_sock_state; 0 (and no LISTENING) means all */
        int port;              /* -1 any, else local or remote port equals it */
        long long uid;         /* -1 any, else the socket's uid */
        int pid;               /* 0 any, else sockets held by this process */
        unsigned flags;        /* PS_QUERY_* */
} ps_socket_query;

/* Fills a query that matches every socket. */
void ps_socket_query_init(ps_socket_query *q);

typedef struct ps_socket_list {
        size_t n;
        ps_socket *sockets;
        ps_socket_source source;
        /* Protocols (1u << ps_proto) that were asked for but that this kernel
         * cannot report (module missing or protocol not built). */
        unsigned unsupported;
        /* Processes whose open files could not be examined, and why (the
         * first error seen, e.g. -EACCES). */
        size_t n_unreadable;
        int unreadable_error;
        /* Processes examined. */
        size_t n_processes;
        /* Other network namespaces listed, and those that could not be entered. */
        size_t n_netns, n_netns_skipped;
        void *_priv;
} ps_socket_list;

/*
 * Takes a snapshot of the sockets that match q, with their owners unless
 * PS_QUERY_NO_OWNERS. Sockets come sorted by protocol, family, local port,
 * state. -EINVAL for a bad query, -ENOMEM, or the system's error when no
 * source could be read at all.
 */
int ps_socket_list_query(const ps_socket_query *q, ps_socket_list **ret_list);
void ps_socket_list_free(ps_socket_list *list);

/* The local or remote address as text, "127.0.0.1" or "::1"; buf needs 46 bytes. */
const char *ps_socket_addr(const ps_socket *s, bool remote, char *buf, size_t size);

/* What is known about one process. Text fields are never NULL; "" when unknown. */
typedef struct ps_process {
        int pid;
        bool have_uid;
        unsigned uid;       /* effective uid */
        char *name;         /* the kernel's short name (comm) */
        char *cmdline;      /* arguments joined by spaces; "" for kernel threads */
        char *exe_basename; /* the first argument's last path component */
        char *cgroup;       /* the cgroup v2 path, "" when unknown */
        char *unit;         /* the systemd unit, "" when none */
        char *container;    /* "docker:0123456789ab", "podman:...", "lxc:NAME", "" */
        uint64_t netns;     /* network namespace inode, 0 when unknown */
        bool netns_foreign; /* not the caller's network namespace */
} ps_process;

/* Reads PROC_ROOT/PID/{comm,cmdline,status,cgroup,ns/net}. -ESRCH when the
 * process is gone; files that cannot be read leave their field "". */
int ps_process_read(const char *proc_root, int pid, ps_process **ret_proc);
void ps_process_free(ps_process *p);

/*
 * Parses one cgroup v2 path into a systemd unit and a container. Either
 * output may be NULL; each gets a malloc'd string ("" when none).
 */
int ps_cgroup_parse(const char *path, char **ret_unit, char **ret_container);

/*
 * Whether process p plausibly serves the registered service name: its name,
 * executable or systemd unit contains the service name ("sshd" for "ssh") or
 * the reverse ("postgres" for "postgresql"), or a table of known servers
 * lists it ("nginx" for "http", "chronyd" for "ntp"). See lib/sockets-service-match.c.
 */
bool ps_service_matches_process(const char *service, const ps_process *p);

#ifdef __cplusplus
}
#endif

#endif
