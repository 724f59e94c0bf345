/* SPDX-License-Identifier: MIT */
/* Shared between the socket sources and the process scan; not public. */
#ifndef PS_SOCKETS_INTERNAL_H
#define PS_SOCKETS_INTERNAL_H

#include "portscope/sockets.h"

/* A hard cap on sockets in one list; far above any real machine. */
#define PS_SOCKETS_MAX (16u * 1024 * 1024)

typedef struct ps_sockvec {
        ps_socket *v;
        size_t n, alloc;
} ps_sockvec;

/* Appends a copy of s; -E2BIG past PS_SOCKETS_MAX. */
int ps_sockvec_push(ps_sockvec *vec, const ps_socket *s);

/* Whether s matches the query's protocol, family, state, port and uid. */
bool ps_socket_match(const ps_socket_query *q, const ps_socket *s);
/* The kernel state bits a query asks for over one protocol. */
unsigned ps_query_state_mask(const ps_socket_query *q, ps_proto proto);
/* The protocols a query asks for, as 1u << ps_proto bits. */
unsigned ps_query_protocols(const ps_socket_query *q);

/* sock_diag; -EPROTONOSUPPORT and the like when netlink cannot be used at all.
 * Protocols the kernel cannot dump are added to *unsupported. */
int ps_sockets_netlink(const ps_socket_query *q, ps_sockvec *vec, unsigned *unsupported);
/*
 * The same in every other network namespace a process is in, each socket
 * tagged with its namespace's inode. ps_netns_dumps_start() finds the
 * namespaces and starts their dumps, a few at a time in threads of their
 * own, so that the caller's dump of its own namespace runs meanwhile;
 * ps_netns_dumps_finish() waits for them and adds their sockets to vec in
 * the order the namespaces were found (namespaces that could not be entered
 * are counted in *ret_skipped) and frees them, keeping d->procs for the
 * owner scan (ps_pid_netns_free()); ps_netns_dumps_discard() waits and drops
 * everything.
 */
struct ps_netns_dumps {
        struct netns_job *jobs;
        size_t n, alloc;
        int r;
        /* What the walk learned on the way: each process's namespace (for
         * the owner scan's order, ps_owners_scan()), until ps_pid_netns_free(). */
        struct ps_pid_netns *procs;
};
int ps_netns_dumps_start(const ps_socket_query *q, struct ps_netns_dumps *d);
int ps_netns_dumps_finish(struct ps_netns_dumps *d, ps_sockvec *vec, unsigned *unsupported,
                          size_t *ret_netns, size_t *ret_skipped);
void ps_netns_dumps_discard(struct ps_netns_dumps *d);
/* PROC_ROOT/net/{tcp,tcp6,udp,udp6}; -ENOENT when none exists. */
int ps_sockets_procnet(const char *proc_root, const ps_socket_query *q, ps_sockvec *vec,
                       unsigned *unsupported);

typedef struct ps_owner_scan {
        int *pids; /* pids in socket order, n_pids in total */
        size_t n_unreadable;
        int unreadable_error;
        size_t n_processes;
} ps_owner_scan;

/* The network namespace of each process the namespace walk saw, by pid. */
struct ps_pid_netns {
        uint64_t mine; /* this process's: the namespace of sockets whose netns is 0 */
        size_t n, alloc;
        struct ps_pid_ns {
                int pid;
                uint64_t ns;
        } * v; /* ascending pids */
};
void ps_pid_netns_free(struct ps_pid_netns *m);
static inline void ps_pid_netns_freep(struct ps_pid_netns **m)
{
        ps_pid_netns_free(*m);
}

/*
 * Finds the processes holding socks[0..n) by their inodes and sets each
 * socket's pids, n_pids and owner_error. only_pid: scan that process alone.
 * all_owners: keep scanning after every socket has an owner. Processes
 * running as a socket's uid are looked at first, and among them, when
 * netns (may be NULL) tells, those in a socket's network namespace.
 */
int ps_owners_scan(const char *proc_root, ps_socket *socks, size_t n, int only_pid, bool all_owners,
                   const struct ps_pid_netns *netns, ps_owner_scan *ret_scan);

/* The inode of the network namespace that the "net:[N]" link at dirfd/path
 * names; 0 when it cannot be read. */
uint64_t ps_netns_at(int dirfd, const char *path);

#endif
