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
/* The same in every other network namespace a process is in, each socket tagged
 * with its namespace's inode. */
int ps_sockets_netlink_netns(const ps_socket_query *q, ps_sockvec *vec, unsigned *unsupported,
                             size_t *ret_netns, size_t *ret_skipped);
/* PROC_ROOT/net/{tcp,tcp6,udp,udp6}; -ENOENT when none exists. */
int ps_sockets_procnet(const char *proc_root, const ps_socket_query *q, ps_sockvec *vec,
                       unsigned *unsupported);

typedef struct ps_owner_scan {
        int *pids; /* pids in socket order, n_pids in total */
        size_t n_unreadable;
        int unreadable_error;
        size_t n_processes;
} ps_owner_scan;

/*
 * Finds the processes holding socks[0..n) by their inodes and sets each
 * socket's pids, n_pids and owner_error. only_pid: scan that process alone.
 * all_owners: keep scanning after every socket has an owner.
 */
int ps_owners_scan(const char *proc_root, ps_socket *socks, size_t n, int only_pid, bool all_owners,
                   ps_owner_scan *ret_scan);

/* The inode of the network namespace that the "net:[N]" link at dirfd/path
 * names; 0 when it cannot be read. */
uint64_t ps_netns_at(int dirfd, const char *path);

#endif
