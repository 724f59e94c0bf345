/* SPDX-License-Identifier: MIT */
/* Sockets from the kernel's sock_diag netlink interface (what ss(8) uses). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "parse.h"
#include "ps-limits.h"
#include "sockets-internal.h"
#include "util.h"

#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

/*
 * Netlink by hand: sock_diag needs a request, a bytecode attribute and a walk
 * over the answers, a few dozen lines. Through libmnl these cost every report
 * the loading of one more library (an open, four mmaps, its relocations and
 * five page faults: 30-50 us of a 1 ms process, docs/benchmarks.md).
 */

/* Continue, stop (the dump is complete) or fail: what a message handler says. */
enum { NL_OK = 1, NL_STOP = 0, NL_ERROR = -1 };

static void *nl_payload(const struct nlmsghdr *nlh)
{
        return (char *)nlh + NLMSG_HDRLEN;
}

/* The attributes after a message's fixed header of hdrlen bytes. */
#define nl_attr_for_each(a, nlh, hdrlen)                                                           \
        for ((a) = (const struct nlattr *)(const void *)((const char *)nl_payload(nlh) +           \
                                                         NLMSG_ALIGN(hdrlen));                     \
             nl_attr_ok((a), (const char *)(nlh) + (nlh)->nlmsg_len - (const char *)(a));          \
             (a) = (const struct nlattr *)(const void *)((const char *)(a) +                       \
                                                         NLA_ALIGN((a)->nla_len)))

static bool nl_attr_ok(const struct nlattr *a, ptrdiff_t left)
{
        return left >= (ptrdiff_t)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= left;
}

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
        nl_attr_for_each(a, nlh, sizeof(struct inet_diag_msg))
        {
                if ((a->nla_type & NLA_TYPE_MASK) != INET_DIAG_INFO)
                        continue;
                struct tcp_info ti;
                size_t len = a->nla_len - NLA_HDRLEN;
                memset(&ti, 0, sizeof(ti));
                memcpy(&ti, (const char *)a + NLA_HDRLEN, len < sizeof(ti) ? len : sizeof(ti));
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
        const struct inet_diag_msg *m = nl_payload(nlh);
        ps_socket s;

        if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
                return NL_OK;
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
                return NL_OK;
        if (ctx->q->flags & PS_QUERY_TCP_INFO && ctx->proto == PS_PROTO_TCP)
                tcp_info_from(nlh, &s);
        int r = ps_sockvec_push(ctx->vec, &s);
        if (r < 0) {
                ctx->error = r;
                return NL_ERROR;
        }
        return NL_OK;
}

/* A dump the kernel could not run (no such diag module) ends with NLMSG_DONE
 * carrying the error, which a handler that only looks for NLMSG_DONE would
 * take for success. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
        struct dump_ctx *ctx = data;
        if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
                int err;
                memcpy(&err, nl_payload(nlh), sizeof(err));
                if (err < 0) {
                        ctx->error = err;
                        return NL_ERROR;
                }
        }
        return NL_STOP;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
        struct dump_ctx *ctx = data;
        const struct nlmsgerr *e = nl_payload(nlh);
        if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
                ctx->error = -EBADMSG;
                return NL_ERROR;
        }
        if (e->error == 0)
                return NL_STOP;
        ctx->error = e->error < 0 ? e->error : -e->error;
        return NL_ERROR;
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
static int dump_one(int fd, char *buf, size_t bufsize, const ps_socket_query *q, ps_proto proto,
                    int family, unsigned seq, ps_sockvec *vec)
{
        static const unsigned char ipproto[] = {
                [PS_PROTO_TCP] = IPPROTO_TCP,
                [PS_PROTO_UDP] = IPPROTO_UDP,
                [PS_PROTO_SCTP] = IPPROTO_SCTP,
                [PS_PROTO_DCCP] = IPPROTO_DCCP,
        };
        struct {
                struct nlmsghdr nlh;
                union {
                        struct inet_diag_req compat;
                        struct inet_diag_req_v2 v2;
                } req;
                struct nlattr bc_attr;
                struct inet_diag_bc_op bc[5];
        } msg;
        /* SCTP association states are not TCP's: filter those here. */
        unsigned states = proto == PS_PROTO_SCTP ? ~0u : ps_query_state_mask(q, proto);
        size_t req_len;

        memset(&msg, 0, sizeof(msg));
        msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        msg.nlh.nlmsg_seq = seq;
        if (family == AF_UNSPEC) {
                struct inet_diag_req *req = &msg.req.compat;
                msg.nlh.nlmsg_type = proto == PS_PROTO_DCCP ? DCCPDIAG_GETSOCK : TCPDIAG_GETSOCK;
                req->idiag_family = AF_UNSPEC;
                req->idiag_states = states;
                if (q->flags & PS_QUERY_TCP_INFO && proto == PS_PROTO_TCP)
                        req->idiag_ext = 1 << (INET_DIAG_INFO - 1);
                req_len = sizeof(*req);
        } else {
                struct inet_diag_req_v2 *req = &msg.req.v2;
                msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
                req->sdiag_family = (unsigned char)family;
                req->sdiag_protocol = ipproto[proto];
                req->idiag_states = states;
                if (q->flags & PS_QUERY_TCP_INFO && proto == PS_PROTO_TCP)
                        req->idiag_ext = 1 << (INET_DIAG_INFO - 1);
                req_len = sizeof(*req);
        }
        msg.nlh.nlmsg_len = NLMSG_LENGTH(req_len);
        if (q->port >= 0) {
                /* The attribute goes right after the request; both requests are
                 * a multiple of 4 bytes, which the union may not be. */
                struct nlattr *a = (struct nlattr *)(void *)((char *)&msg + msg.nlh.nlmsg_len);
                struct inet_diag_bc_op bc[5];
                port_filter(bc, (unsigned)q->port);
                a->nla_type = INET_DIAG_REQ_BYTECODE;
                a->nla_len = (unsigned short)(NLA_HDRLEN + sizeof(bc));
                memcpy((char *)a + NLA_HDRLEN, bc, sizeof(bc));
                msg.nlh.nlmsg_len += NLA_ALIGN(a->nla_len);
        }
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        if (sendto(fd, &msg, msg.nlh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
                return -errno;

        struct dump_ctx ctx = { .q = q, .vec = vec, .proto = proto };
        for (;;) {
                struct sockaddr_nl from;
                socklen_t fromlen = sizeof(from);
                ssize_t n = recvfrom(fd, buf, bufsize, 0, (struct sockaddr *)&from, &fromlen);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return errno == ENOBUFS ? -EAGAIN : -errno;
                if (fromlen != sizeof(from) || from.nl_pid != 0)
                        continue; /* not from the kernel */
                const struct nlmsghdr *nlh = (const struct nlmsghdr *)(const void *)buf;
                for (size_t left = (size_t)n; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
                        if (nlh->nlmsg_seq && nlh->nlmsg_seq != seq)
                                return -ESRCH; /* an answer to another request */
                        if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
                                return -EAGAIN; /* the tables changed during the dump */
                        int r;
                        switch (nlh->nlmsg_type) {
                        case NLMSG_NOOP:
                                r = NL_OK;
                                break;
                        case NLMSG_ERROR:
                                r = error_cb(nlh, &ctx);
                                break;
                        case NLMSG_DONE:
                                r = done_cb(nlh, &ctx);
                                break;
                        case NLMSG_OVERRUN:
                                ctx.error = -EAGAIN;
                                r = NL_ERROR;
                                break;
                        default:
                                r = nlh->nlmsg_type >= NLMSG_MIN_TYPE ? msg_cb(nlh, &ctx) : NL_OK;
                        }
                        if (r == NL_STOP)
                                return 0;
                        if (r < 0)
                                return ctx.error ? ctx.error : -EBADMSG;
                }
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

/*
 * Whether this thread's network namespace has a UDP socket of the family:
 * "UDP: inuse N" in sockstat (IPv4), "UDP6: inuse N" in sockstat6 (IPv6),
 * the count of sockets in the table a dump walks. A dump walks all of the
 * kernel's UDP hash slots (16,384 here) however few sockets there are, 20-25
 * us a family; reading the count costs 5 us. true when it cannot be read.
 * thread-self: the namespace dumps run in threads that entered another one.
 */
static bool udp_in_use(int family)
{
        const char *path = family == AF_INET6 ? "/proc/thread-self/net/sockstat6"
                                              : "/proc/thread-self/net/sockstat";
        const char *key = family == AF_INET6 ? "\nUDP6: inuse " : "\nUDP: inuse ";
        char buf[1024];
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return true;
        /* "\n" before the first line, so that the key never matches mid-line. */
        buf[0] = '\n';
        ssize_t n = read(fd, buf + 1, sizeof(buf) - 2);
        close(fd);
        if (n <= 0)
                return true;
        buf[n + 1] = '\0';
        const char *p = strstr(buf, key);
        if (!p)
                return true;
        p += strlen(key);
        return !(p[0] == '0' && (p[1] == ' ' || p[1] == '\n'));
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
        /* No bind(): the kernel gives the socket its address at the first send. */
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0) {
                r = -errno;
                free(buf);
                return r;
        }
        /* Replies come only to this socket: a dump's sequence number needs
         * to tell its replies from an earlier dump's, not to be unpredictable.
         * (It was time(NULL), whose first call costs a short-lived process
         * two page faults, the vDSO's data page and libc's code.) */
        unsigned seq = 0;
        /* A kernel that never answers must not hang the caller. */
        struct timeval tv = { .tv_sec = 10 };
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
                if (!(want & 1u << protos[i]) || !proto_loaded(protos[i]))
                        continue;
                bool both = (fams & PS_FAMILY_INET4) && (fams & PS_FAMILY_INET6);
                size_t before = vec->n;
                if (both && (protos[i] == PS_PROTO_TCP || protos[i] == PS_PROTO_DCCP)) {
                        r = dump_one(fd, buf, bufsize, q, protos[i], AF_UNSPEC, ++seq, vec);
                        if (r == 0)
                                continue;
                        if (r == -ENOMEM || r == -E2BIG)
                                goto out;
                        vec->n = before; /* no compat request here: one family at a time */
                }
                for (int f = 0; f < 2; f++) {
                        if (!(fams & (f ? PS_FAMILY_INET6 : PS_FAMILY_INET4)))
                                continue;
                        if (protos[i] == PS_PROTO_UDP && !udp_in_use(f ? AF_INET6 : AF_INET))
                                continue;
                        r = dump_one(fd, buf, bufsize, q, protos[i], f ? AF_INET6 : AF_INET, ++seq,
                                     vec);
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
        close(fd);
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

/* Namespaces dumped at once, each from its own thread: dumping a namespace's
 * connection table walks the kernel's whole hash of them (milliseconds), and
 * the next namespace's walk, or this one's own, can run on another core. */
#define NETNS_PARALLEL 4

struct netns_job {
        int nsfd;
        uint64_t ns;
        const ps_socket_query *q;
        ps_sockvec vec;
        unsigned unsupported;
        int r;
        pthread_t thread;
        bool running;
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

static void netns_join(struct netns_job *job)
{
        if (!job->running)
                return;
        pthread_join(job->thread, NULL);
        close(job->nsfd);
        job->nsfd = -1;
        job->running = false;
}

static int cmp_pid_ns(const void *a, const void *b)
{
        const struct ps_pid_ns *x = a, *y = b;
        return (x->pid > y->pid) - (x->pid < y->pid);
}

int ps_netns_dumps_start(const ps_socket_query *q, struct ps_netns_dumps *d)
{
        uint64_t seen[PS_NETNS_MAX];
        size_t n_seen = 0, oldest = 0;

        memset(d, 0, sizeof(*d));
        int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (procfd < 0)
                return d->r = -errno;
        uint64_t mine = netns_inode(procfd, "self");
        int dfd = dup(procfd);
        DIR *dir = dfd >= 0 ? fdopendir(dfd) : NULL;
        if (!dir) {
                if (dfd >= 0)
                        close(dfd);
                close(procfd);
                return d->r = -ENOMEM;
        }
        if (mine)
                seen[n_seen++] = mine;
        struct ps_pid_netns *procs = calloc(1, sizeof(*procs));
        if (procs)
                procs->mine = mine;
        struct dirent *de;
        while ((de = readdir(dir))) {
                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                uint64_t ns = netns_inode(procfd, de->d_name);
                if (!ns || !mine)
                        continue;
                uint64_t pid;
                if (procs && ps_parse_uint(de->d_name, 0x3fffffff, &pid) == 0) {
                        if (procs->n == procs->alloc) {
                                size_t na = procs->alloc ? 2 * procs->alloc : 256;
                                struct ps_pid_ns *v = realloc(procs->v, na * sizeof(*v));
                                if (!v) {
                                        ps_pid_netns_free(procs);
                                        procs = NULL;
                                } else {
                                        procs->v = v;
                                        procs->alloc = na;
                                }
                        }
                        if (procs)
                                procs->v[procs->n++] = (struct ps_pid_ns){ (int)pid, ns };
                }
                size_t k = 0;
                while (k < n_seen && seen[k] != ns)
                        k++;
                if (k < n_seen || n_seen == PS_NETNS_MAX)
                        continue;
                seen[n_seen++] = ns;

                if (d->n == d->alloc) {
                        size_t na = d->alloc ? 2 * d->alloc : 8;
                        struct netns_job *v = realloc(d->jobs, na * sizeof(*v));
                        if (!v) {
                                d->r = -ENOMEM;
                                break;
                        }
                        d->jobs = v;
                        d->alloc = na;
                }
                char path[300];
                snprintf(path, sizeof(path), "%s/ns/net", de->d_name);
                struct netns_job *job = &d->jobs[d->n++];
                *job = (struct netns_job){ .q = q, .ns = ns, .r = 0 };
                /* At most NETNS_PARALLEL at once: the oldest is waited for. */
                if (d->n - oldest > NETNS_PARALLEL)
                        netns_join(&d->jobs[oldest++]);
                job->nsfd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
                if (job->nsfd < 0 || pthread_create(&job->thread, NULL, netns_thread, job) != 0) {
                        if (job->nsfd >= 0)
                                close(job->nsfd);
                        job->nsfd = -1;
                        job->r = -EAGAIN; /* counted as skipped */
                        continue;
                }
                job->running = true;
        }
        closedir(dir);
        close(procfd);
        if (procs)
                ps_qsort(procs->v, procs->n, sizeof(*procs->v), cmp_pid_ns);
        d->procs = procs;
        return d->r;
}

void ps_pid_netns_free(struct ps_pid_netns *m)
{
        if (m)
                free(m->v);
        free(m);
}

/* Waits for the dumps and frees them; the process map stays. */
static void netns_dumps_free(struct ps_netns_dumps *d)
{
        for (size_t i = 0; i < d->n; i++) {
                netns_join(&d->jobs[i]);
                free(d->jobs[i].vec.v);
        }
        free(d->jobs);
        d->jobs = NULL;
        d->n = d->alloc = 0;
}

void ps_netns_dumps_discard(struct ps_netns_dumps *d)
{
        netns_dumps_free(d);
        ps_pid_netns_free(d->procs);
        d->procs = NULL;
}

int ps_netns_dumps_finish(struct ps_netns_dumps *d, ps_sockvec *vec, unsigned *unsupported,
                          size_t *ret_netns, size_t *ret_skipped)
{
        size_t listed = 0, skipped = 0;
        int r = d->r;
        /* In the order the namespaces were found, as when they were dumped
         * one after the other. */
        for (size_t i = 0; i < d->n && r >= 0; i++) {
                struct netns_job *job = &d->jobs[i];
                netns_join(job);
                if (job->r < 0) {
                        /* EPERM: entering needs CAP_SYS_ADMIN over the namespace. */
                        skipped++;
                        if (job->r == -ENOMEM)
                                r = -ENOMEM;
                        continue;
                }
                listed++;
                *unsupported |= job->unsupported;
                for (size_t k = 0; k < job->vec.n && r >= 0; k++) {
                        job->vec.v[k].netns = job->ns;
                        r = ps_sockvec_push(vec, &job->vec.v[k]);
                }
        }
        netns_dumps_free(d);
        if (r < 0)
                return r;
        *ret_netns = listed;
        *ret_skipped = skipped;
        return 0;
}
