/* SPDX-License-Identifier: MIT */
/* Sockets from the kernel's sock_diag netlink interface (what ss(8) uses). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ps-limits.h"
#include "sockets-internal.h"

#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

/* SCTP associations report their own state machine, not TCP's. */
enum { SCTP_STATE_ESTABLISHED = 3 };

struct dump_ctx {
        const ps_socket_query *q;
        ps_sockvec *vec;
        ps_proto proto;
        int error;
};

static ps_sock_state sctp_state(unsigned kstate, bool assoc)
{
        if (!assoc)
                return kstate == PS_STATE_LISTEN ? PS_STATE_LISTEN : PS_STATE_CLOSE;
        return kstate == SCTP_STATE_ESTABLISHED ? PS_STATE_ESTABLISHED : PS_STATE_UNKNOWN;
}

/* INET_DIAG_INFO: struct tcp_info, as long as this kernel makes it (older
 * kernels send a shorter one; the fields read here are in every version). */
static void tcp_info_from(const struct nlmsghdr *nlh, ps_socket *s)
{
        const struct nlattr *a;
        mnl_attr_for_each(a, nlh, sizeof(struct inet_diag_msg))
        {
                if (mnl_attr_get_type(a) != INET_DIAG_INFO)
                        continue;
                struct tcp_info ti;
                size_t len = mnl_attr_get_payload_len(a);
                memset(&ti, 0, sizeof(ti));
                memcpy(&ti, mnl_attr_get_payload(a), len < sizeof(ti) ? len : sizeof(ti));
                if (len < offsetof(struct tcp_info, tcpi_total_retrans) + 4)
                        return;
                s->have_tcp_info = true;
                s->tcp_info = (struct ps_tcp_info){
                        .rtt_us = ti.tcpi_rtt,
                        .rttvar_us = ti.tcpi_rttvar,
                        .rto_us = ti.tcpi_rto,
                        .snd_cwnd = ti.tcpi_snd_cwnd,
                        .snd_mss = ti.tcpi_snd_mss,
                        .unacked = ti.tcpi_unacked,
                        .lost = ti.tcpi_lost,
                        .retransmits = ti.tcpi_retransmits,
                        .total_retrans = ti.tcpi_total_retrans,
                };
                return;
        }
}

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
        struct dump_ctx *ctx = data;
        const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
        ps_socket s;

        if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
                return MNL_CB_OK;
        memset(&s, 0, sizeof(s));
        s.proto = ctx->proto;
        s.family = m->idiag_family == AF_INET ? 4 : 6;
        s.state = m->idiag_state < _PS_STATE_MAX ? (ps_sock_state)m->idiag_state : PS_STATE_UNKNOWN;
        if (ctx->proto == PS_PROTO_SCTP) {
                /* sctp_diag sends endpoints (TCP-like states) and associations
                 * (SCTP states); only associations have a peer port. */
                s.state = sctp_state(m->idiag_state, m->id.idiag_dport != 0);
        }
        s.local_port = ntohs(m->id.idiag_sport);
        s.remote_port = ntohs(m->id.idiag_dport);
        memcpy(s.local_addr, m->id.idiag_src, s.family == 4 ? 4 : 16);
        memcpy(s.remote_addr, m->id.idiag_dst, s.family == 4 ? 4 : 16);
        s.uid = m->idiag_uid;
        s.inode = m->idiag_inode;
        s.ifindex = m->id.idiag_if;
        s.recv_queue = m->idiag_rqueue;
        s.send_queue = m->idiag_wqueue;
        if (!ps_socket_match(ctx->q, &s))
                return MNL_CB_OK;
        if (ctx->q->flags & PS_QUERY_TCP_INFO && ctx->proto == PS_PROTO_TCP)
                tcp_info_from(nlh, &s);
        int r = ps_sockvec_push(ctx->vec, &s);
        if (r < 0) {
                ctx->error = r;
                return MNL_CB_ERROR;
        }
        return MNL_CB_OK;
}

/* A dump the kernel could not run (no such diag module) ends with NLMSG_DONE
 * carrying the error, which libmnl's default handler would take for success. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
        struct dump_ctx *ctx = data;
        if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
                int err;
                memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
                if (err < 0) {
                        ctx->error = err;
                        return MNL_CB_ERROR;
                }
        }
        return MNL_CB_STOP;
}

/* With our own control callbacks libmnl no longer handles errors itself. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
        struct dump_ctx *ctx = data;
        const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
        if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
                ctx->error = -EBADMSG;
                return MNL_CB_ERROR;
        }
        if (e->error == 0)
                return MNL_CB_STOP;
        ctx->error = e->error < 0 ? e->error : -e->error;
        return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
        return MNL_CB_OK;
}

static int overrun_cb(const struct nlmsghdr *nlh, void *data)
{
        struct dump_ctx *ctx = data;
        ctx->error = -EAGAIN;
        return MNL_CB_ERROR;
}

/* Bytecode the kernel runs per socket: local port == p, or remote port == p. */
static void port_filter(struct inet_diag_bc_op bc[5], unsigned port)
{
        /* Offsets: 0 S_EQ, 4 its port, 8 JMP to accept, 12 D_EQ, 16 its port; 20 accepts,
         * 24 rejects. */
        bc[0] = (struct inet_diag_bc_op){ INET_DIAG_BC_S_EQ, 8, 12 };
        bc[1] = (struct inet_diag_bc_op){ 0, 0, (unsigned short)port };
        bc[2] = (struct inet_diag_bc_op){ INET_DIAG_BC_JMP, 4, 12 };
        bc[3] = (struct inet_diag_bc_op){ INET_DIAG_BC_D_EQ, 8, 12 };
        bc[4] = (struct inet_diag_bc_op){ 0, 0, (unsigned short)port };
}

/*
 * One dump. family AF_UNSPEC asks for IPv4 and IPv6 at once through the older
 * TCPDIAG_GETSOCK/DCCPDIAG_GETSOCK request: the kernel then walks its
 * connection table once rather than once per family, which is most of the
 * cost of a query with a port filter.
 */
static int dump_one(struct mnl_socket *nl, char *buf, size_t bufsize, const ps_socket_query *q,
                    ps_proto proto, int family, ps_sockvec *vec)
{
        static const unsigned char ipproto[] = {
                [PS_PROTO_TCP] = IPPROTO_TCP,
                [PS_PROTO_UDP] = IPPROTO_UDP,
                [PS_PROTO_SCTP] = IPPROTO_SCTP,
                [PS_PROTO_DCCP] = IPPROTO_DCCP,
        };
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        unsigned seq = (unsigned)time(NULL) ^ (unsigned)(proto * 16 + family);
        unsigned portid = mnl_socket_get_portid(nl);
        /* SCTP association states are not TCP's: filter those here. */
        unsigned states = proto == PS_PROTO_SCTP ? ~0u : ps_query_state_mask(q, proto);

        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        if (family == AF_UNSPEC) {
                struct inet_diag_req *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
                nlh->nlmsg_type = proto == PS_PROTO_DCCP ? DCCPDIAG_GETSOCK : TCPDIAG_GETSOCK;
                req->idiag_family = AF_UNSPEC;
                req->idiag_states = states;
                if (q->flags & PS_QUERY_TCP_INFO && proto == PS_PROTO_TCP)
                        req->idiag_ext = 1 << (INET_DIAG_INFO - 1);
        } else {
                struct inet_diag_req_v2 *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
                nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
                req->sdiag_family = (unsigned char)family;
                req->sdiag_protocol = ipproto[proto];
                req->idiag_states = states;
                if (q->flags & PS_QUERY_TCP_INFO && proto == PS_PROTO_TCP)
                        req->idiag_ext = 1 << (INET_DIAG_INFO - 1);
        }
        if (q->port >= 0) {
                struct inet_diag_bc_op bc[5];
                port_filter(bc, (unsigned)q->port);
                mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, sizeof(bc), bc);
        }
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;

        struct dump_ctx ctx = { .q = q, .vec = vec, .proto = proto };
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl, buf, bufsize);
                if (n < 0)
                        return errno == ENOBUFS ? -EAGAIN : -errno;
                mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
                        [NLMSG_NOOP] = noop_cb,
                        [NLMSG_ERROR] = error_cb,
                        [NLMSG_DONE] = done_cb,
                        [NLMSG_OVERRUN] = overrun_cb,
                };
                int r = mnl_cb_run2(buf, (size_t)n, seq, portid, msg_cb, &ctx, ctl, NLMSG_MIN_TYPE);
                if (r == MNL_CB_STOP)
                        return 0;
                if (r < 0)
                        return ctx.error ? ctx.error : -errno;
        }
}

/*
 * SCTP and DCCP live in modules. Until one is loaded no socket of that
 * protocol can exist, and asking sock_diag would only make the kernel try to
 * load the diag module, which costs more than the rest of a query.
 */
static bool proto_loaded(ps_proto p)
{
        if (p == PS_PROTO_SCTP)
                return access("/proc/sys/net/sctp", F_OK) == 0;
        if (p == PS_PROTO_DCCP)
                return access("/proc/sys/net/dccp", F_OK) == 0;
        return true;
}

int ps_sockets_netlink(const ps_socket_query *q, ps_sockvec *vec, unsigned *unsupported)
{
        static const ps_proto protos[] = { PS_PROTO_TCP, PS_PROTO_UDP, PS_PROTO_SCTP,
                                           PS_PROTO_DCCP };
        size_t bufsize = 1u << 16;
        unsigned want = ps_query_protocols(q);
        unsigned fams = q->families ? q->families : PS_FAMILY_INET4 | PS_FAMILY_INET6;
        int r = 0;

        char *buf = malloc(bufsize);
        if (!buf)
                return -ENOMEM;
        struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
        if (!nl) {
                r = -errno;
                free(buf);
                return r;
        }
        /* A kernel that never answers must not hang the caller. */
        struct timeval tv = { .tv_sec = 10 };
        (void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                r = -errno;
                goto out;
        }
        for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
                if (!(want & 1u << protos[i]) || !proto_loaded(protos[i]))
                        continue;
                bool both = (fams & PS_FAMILY_INET4) && (fams & PS_FAMILY_INET6);
                size_t before = vec->n;
                if (both && (protos[i] == PS_PROTO_TCP || protos[i] == PS_PROTO_DCCP)) {
                        r = dump_one(nl, buf, bufsize, q, protos[i], AF_UNSPEC, vec);
                        if (r == 0)
                                continue;
                        if (r == -ENOMEM || r == -E2BIG)
                                goto out;
                        vec->n = before; /* no compat request here: one family at a time */
                }
                for (int f = 0; f < 2; f++) {
                        if (!(fams & (f ? PS_FAMILY_INET6 : PS_FAMILY_INET4)))
                                continue;
                        r = dump_one(nl, buf, bufsize, q, protos[i], f ? AF_INET6 : AF_INET, vec);
                        if (r == -ENOENT || r == -EPROTONOSUPPORT || r == -EINVAL ||
                            r == -EOPNOTSUPP || r == -EAFNOSUPPORT) {
                                /* The kernel lacks this protocol's diag module (or the
                                 * protocol): say so rather than fail everything. */
                                if (protos[i] == PS_PROTO_TCP)
                                        goto out;
                                vec->n = before;
                                *unsupported |= 1u << protos[i];
                                r = 0;
                                break;
                        }
                        if (r < 0)
                                goto out;
                }
        }
out:
        mnl_socket_close(nl);
        free(buf);
        return r;
}

/* The network namespace of /proc/PID (or "self"): its inode, 0 when unreadable. */
static uint64_t netns_inode(int procfd, const char *pid)
{
        char path[300];
        snprintf(path, sizeof(path), "%s/ns/net", pid);
        return ps_netns_at(procfd, path);
}

struct netns_job {
        int nsfd;
        const ps_socket_query *q;
        ps_sockvec vec;
        unsigned unsupported;
        int r;
};

/* Runs in its own thread: setns() moves only the calling thread, so the
 * caller's threads never leave their namespace. */
static void *netns_thread(void *arg)
{
        struct netns_job *job = arg;
        if (setns(job->nsfd, CLONE_NEWNET) < 0)
                job->r = -errno;
        else
                job->r = ps_sockets_netlink(job->q, &job->vec, &job->unsupported);
        return NULL;
}

int ps_sockets_netlink_netns(const ps_socket_query *q, ps_sockvec *vec, unsigned *unsupported,
                             size_t *ret_netns, size_t *ret_skipped)
{
        uint64_t seen[PS_NETNS_MAX];
        size_t n_seen = 0, listed = 0, skipped = 0;
        int r = 0;

        int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (procfd < 0)
                return -errno;
        uint64_t mine = netns_inode(procfd, "self");
        int dfd = dup(procfd);
        DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
        if (!d) {
                if (dfd >= 0)
                        close(dfd);
                close(procfd);
                return -ENOMEM;
        }
        if (mine)
                seen[n_seen++] = mine;
        struct dirent *de;
        while (r >= 0 && (de = readdir(d))) {
                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                uint64_t ns = netns_inode(procfd, de->d_name);
                if (!ns || !mine)
                        continue;
                size_t k = 0;
                while (k < n_seen && seen[k] != ns)
                        k++;
                if (k < n_seen || n_seen == PS_NETNS_MAX)
                        continue;
                seen[n_seen++] = ns;

                char path[300];
                snprintf(path, sizeof(path), "%s/ns/net", de->d_name);
                struct netns_job job = { .q = q, .r = 0 };
                job.nsfd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
                pthread_t t;
                if (job.nsfd < 0 || pthread_create(&t, NULL, netns_thread, &job) != 0) {
                        if (job.nsfd >= 0)
                                close(job.nsfd);
                        skipped++;
                        continue;
                }
                pthread_join(t, NULL);
                close(job.nsfd);
                if (job.r < 0) {
                        /* EPERM: entering needs CAP_SYS_ADMIN over the namespace. */
                        skipped++;
                        free(job.vec.v);
                        if (job.r == -ENOMEM)
                                r = -ENOMEM;
                        continue;
                }
                listed++;
                *unsupported |= job.unsupported;
                for (size_t i = 0; i < job.vec.n && r >= 0; i++) {
                        job.vec.v[i].netns = ns;
                        r = ps_sockvec_push(vec, &job.vec.v[i]);
                }
                free(job.vec.v);
        }
        closedir(d);
        close(procfd);
        if (r < 0)
                return r;
        *ret_netns = listed;
        *ret_skipped = skipped;
        return 0;
}
