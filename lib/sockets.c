/* SPDX-License-Identifier: MIT */
/* The system-neutral half of socket listing: queries, filters, names, order. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "memory.h"
#include "sockets-internal.h"
#include "util.h"

static const char *const state_names[_PS_STATE_MAX] = {
        [PS_STATE_UNKNOWN] = "UNKNOWN",
        [PS_STATE_ESTABLISHED] = "ESTAB",
        [PS_STATE_SYN_SENT] = "SYN-SENT",
        [PS_STATE_SYN_RECV] = "SYN-RECV",
        [PS_STATE_FIN_WAIT1] = "FIN-WAIT-1",
        [PS_STATE_FIN_WAIT2] = "FIN-WAIT-2",
        [PS_STATE_TIME_WAIT] = "TIME-WAIT",
        [PS_STATE_CLOSE] = "CLOSE",
        [PS_STATE_CLOSE_WAIT] = "CLOSE-WAIT",
        [PS_STATE_LAST_ACK] = "LAST-ACK",
        [PS_STATE_LISTEN] = "LISTEN",
        [PS_STATE_CLOSING] = "CLOSING",
        [PS_STATE_NEW_SYN_RECV] = "NEW-SYN-RECV",
};

PS_EXPORT const char *ps_sock_state_name(ps_sock_state state, ps_proto proto)
{
        if ((unsigned)state >= _PS_STATE_MAX)
                return NULL;
        if (state == PS_STATE_CLOSE && proto == PS_PROTO_UDP)
                return "UNCONN";
        return state_names[state];
}

PS_EXPORT int ps_sock_state_from_string(const char *s, ps_sock_state *ret_state)
{
        if (!s)
                return -EINVAL;
        if (!ps_strcasecmp_ascii(s, "established")) {
                *ret_state = PS_STATE_ESTABLISHED;
                return 0;
        }
        if (!ps_strcasecmp_ascii(s, "unconn") || !ps_strcasecmp_ascii(s, "unconnected")) {
                *ret_state = PS_STATE_CLOSE;
                return 0;
        }
        for (unsigned i = 1; i < _PS_STATE_MAX; i++) {
                const char *n = state_names[i];
                size_t k = strlen(n);
                if (strlen(s) != k)
                        continue;
                /* Accept "fin_wait1" as well as "FIN-WAIT-1"'s spelling without dashes. */
                if (!ps_strcasecmp_ascii(s, n)) {
                        *ret_state = (ps_sock_state)i;
                        return 0;
                }
        }
        char norm[32];
        size_t j = 0;
        for (const char *p = s; *p && j + 1 < sizeof(norm); p++)
                if (*p != '-' && *p != '_')
                        norm[j++] = *p;
        norm[j] = '\0';
        for (unsigned i = 1; i < _PS_STATE_MAX; i++) {
                char m[32];
                size_t k = 0;
                for (const char *p = state_names[i]; *p && k + 1 < sizeof(m); p++)
                        if (*p != '-')
                                m[k++] = *p;
                m[k] = '\0';
                if (!ps_strcasecmp_ascii(norm, m)) {
                        *ret_state = (ps_sock_state)i;
                        return 0;
                }
        }
        return -EINVAL;
}

PS_EXPORT void ps_socket_query_init(ps_socket_query *q)
{
        memset(q, 0, sizeof(*q));
        q->port = -1;
        q->uid = -1;
}

int ps_sockvec_push(ps_sockvec *vec, const ps_socket *s)
{
        if (vec->n >= PS_SOCKETS_MAX)
                return -E2BIG;
        if (vec->n == vec->alloc) {
                size_t na = vec->alloc ? vec->alloc * 2 : 256;
                /* realloc(): a block at the heap's top grows in place, and a
                 * block of its own is moved by mremap(), so no socket is
                 * copied and no page is touched twice (10,000 sockets: 545
                 * faults, where a fresh block and a copy took 710). */
                ps_socket *p = realloc(vec->v, na * sizeof(*p));
                if (!p)
                        return -ENOMEM;
                /* The new part's pages in one call, before the sockets to come
                 * write them one by one, each a fault (docs/benchmarks.md). A
                 * report's few sockets stay in the first block and touch only
                 * the pages they need. */
                if (vec->alloc)
                        ps_advise_pages(p + vec->alloc, (na - vec->alloc) * sizeof(*p),
                                        MADV_POPULATE_WRITE);
                vec->v = p;
                vec->alloc = na;
        }
        vec->v[vec->n++] = *s;
        return 0;
}

static bool stream_proto(ps_proto p)
{
        return p != PS_PROTO_UDP;
}

unsigned ps_query_state_mask(const ps_socket_query *q, ps_proto proto)
{
        unsigned m = q->states;
        if (q->flags & PS_QUERY_LISTENING)
                m |= 1u << (stream_proto(proto) ? PS_STATE_LISTEN : PS_STATE_CLOSE);
        return m ? m : ~0u;
}

unsigned ps_query_protocols(const ps_socket_query *q)
{
        unsigned all =
                1u << PS_PROTO_TCP | 1u << PS_PROTO_UDP | 1u << PS_PROTO_SCTP | 1u << PS_PROTO_DCCP;
        return q->protocols ? q->protocols & all : all;
}

bool ps_socket_match(const ps_socket_query *q, const ps_socket *s)
{
        if (!(ps_query_protocols(q) & 1u << s->proto))
                return false;
        unsigned fam = q->families ? q->families : PS_FAMILY_INET4 | PS_FAMILY_INET6;
        if (!(fam & (s->family == 4 ? PS_FAMILY_INET4 : PS_FAMILY_INET6)))
                return false;
        if ((unsigned)s->state >= 32 || !(ps_query_state_mask(q, s->proto) & 1u << s->state))
                return false;
        /* Port 0 is no one's remote port: unconnected sockets report 0 there. */
        if (q->port >= 0 && s->local_port != (unsigned)q->port &&
            (q->port == 0 || s->remote_port != (unsigned)q->port))
                return false;
        if (q->uid >= 0 && s->uid != (unsigned long long)q->uid)
                return false;
        return true;
}

static int cmp_socket(const void *a, const void *b)
{
        const ps_socket *x = a, *y = b;
#define CMP(f)                                                                                     \
        if (x->f != y->f)                                                                          \
        return x->f < y->f ? -1 : 1
        CMP(proto);
        CMP(family);
        CMP(local_port);
        /* Listeners before the connections they accepted. */
        if ((x->state == PS_STATE_LISTEN) != (y->state == PS_STATE_LISTEN))
                return x->state == PS_STATE_LISTEN ? -1 : 1;
        CMP(state);
        int r = memcmp(x->local_addr, y->local_addr, 16);
        if (r)
                return r;
        r = memcmp(x->remote_addr, y->remote_addr, 16);
        if (r)
                return r;
        CMP(remote_port);
        CMP(inode);
        CMP(netns);
#undef CMP
        return 0;
}

/* cmp_socket()'s first fields in one number, for a sort of 16-byte keys
 * instead of 160-byte sockets: proto, family, local port, listeners first,
 * state. */
struct sort_key {
        uint64_t key;
        size_t idx;
};

static uint64_t sort_key_of(const ps_socket *s)
{
        return (uint64_t)s->proto << 40 | (uint64_t)(unsigned)s->family << 32 |
               (uint64_t)s->local_port << 16 | (uint64_t)(s->state != PS_STATE_LISTEN) << 15 |
               ((uint64_t)s->state & 0x7fff);
}

/* Sorts k by key, keeping the order of equal keys: a byte at a time, the
 * bytes all keys share skipped (48 bits, six passes at most). */
static int radix_sort(struct sort_key *k, size_t n)
{
        struct sort_key *tmp = malloc(n * sizeof(*tmp));
        if (!tmp)
                return -ENOMEM;
        for (unsigned shift = 0; shift < 48; shift += 8) {
                size_t count[257] = { 0 };
                for (size_t i = 0; i < n; i++)
                        count[(k[i].key >> shift & 0xff) + 1]++;
                if (count[(k[0].key >> shift & 0xff) + 1] == n)
                        continue; /* one value for all */
                for (size_t b = 0; b < 256; b++)
                        count[b + 1] += count[b];
                for (size_t i = 0; i < n; i++)
                        tmp[count[k[i].key >> shift & 0xff]++] = k[i];
                memcpy(k, tmp, n * sizeof(*k));
        }
        free(tmp);
        return 0;
}

static int cmp_key_r(const void *a, const void *b, void *base)
{
        const struct sort_key *x = a, *y = b;
        const ps_socket *v = base;
        if (x->key != y->key)
                return x->key < y->key ? -1 : 1;
        return cmp_socket(&v[x->idx], &v[y->idx]);
}

/* Sorts v as qsort(v, n, sizeof(*v), cmp_socket) would. */
static int sort_sockets(ps_socket *v, size_t n)
{
        if (n < 2)
                return 0;
        bool small = true;
        for (size_t i = 0; i < n && small; i++)
                small = (unsigned)v[i].proto < 256 && (unsigned)v[i].family < 256 &&
                        v[i].local_port < 65536 && (unsigned)v[i].state < 0x8000;
        struct sort_key *k = small ? malloc(n * sizeof(*k)) : NULL;
        if (!k) {
                ps_qsort(v, n, sizeof(*v), cmp_socket);
                return 0;
        }
        for (size_t i = 0; i < n; i++)
                k[i] = (struct sort_key){ sort_key_of(&v[i]), i };
        if (radix_sort(k, n) < 0)
                ps_qsort_r(k, n, sizeof(*k), cmp_key_r, v);
        else
                /* Sockets of one key (one port, several addresses): the full
                 * comparison orders each run. */
                for (size_t a = 0, b; a < n; a = b) {
                        for (b = a + 1; b < n && k[b].key == k[a].key; b++)
                                ;
                        if (b - a > 1)
                                ps_qsort_r(k + a, b - a, sizeof(*k), cmp_key_r, v);
                }
        /* Each socket to its place, cycle by cycle: k[i].idx is where the
         * socket for place i is now. */
        for (size_t i = 0; i < n; i++) {
                if (k[i].idx == SIZE_MAX || k[i].idx == i)
                        continue;
                ps_socket tmp = v[i];
                size_t at = i;
                while (k[at].idx != i) {
                        size_t from = k[at].idx;
                        v[at] = v[from];
                        k[at].idx = SIZE_MAX;
                        at = from;
                }
                v[at] = tmp;
                k[at].idx = SIZE_MAX;
        }
        free(k);
        return 0;
}

struct list_priv {
        int *pids;
};

PS_EXPORT int ps_socket_list_query(const ps_socket_query *q, ps_socket_list **ret_list)
{
        ps_sockvec vec = { 0 };
        unsigned unsupported = 0;
        ps_socket_source source = PS_SOCKSRC_NETLINK;
        int r;

        if (!q || !ret_list || q->port > 65535 || q->pid < 0 ||
            (q->flags & PS_QUERY_PROCNET && q->flags & PS_QUERY_NETLINK))
                return -EINVAL;
        bool live = !q->proc_root || !*q->proc_root || !strcmp(q->proc_root, "/proc");
        struct ps_netns_dumps others;
        bool netns = live && !(q->flags & PS_QUERY_PROCNET) && q->flags & PS_QUERY_ALL_NETNS;
        /* The other namespaces' dumps start first and run beside this one's. */
        if (netns)
                (void)ps_netns_dumps_start(q, &others);
        if (live && !(q->flags & PS_QUERY_PROCNET)) {
                r = ps_sockets_netlink(q, &vec, &unsupported);
                if (r < 0 && r != -ENOMEM && !(q->flags & PS_QUERY_NETLINK)) {
                        /* No sock_diag here (old kernel, seccomp, no module): the files. */
                        vec.n = 0;
                        unsupported = 0;
                        source = PS_SOCKSRC_PROCNET;
                        r = ps_sockets_procnet(q->proc_root, q, &vec, &unsupported);
                }
        } else {
                if (q->flags & PS_QUERY_NETLINK)
                        return -EINVAL;
                source = PS_SOCKSRC_PROCNET;
                r = ps_sockets_procnet(q->proc_root, q, &vec, &unsupported);
        }
        size_t n_netns = 0, n_netns_skipped = 0;
        if (netns) {
                if (r >= 0 && source == PS_SOCKSRC_NETLINK)
                        r = ps_netns_dumps_finish(&others, &vec, &unsupported, &n_netns,
                                                  &n_netns_skipped);
                else
                        ps_netns_dumps_discard(&others);
        }
        /* Each process's namespace, for the owner scan's order. */
        _cleanup_(ps_pid_netns_freep) struct ps_pid_netns *procs = netns ? others.procs : NULL;
        if (r < 0) {
                free(vec.v);
                return r;
        }
        sort_sockets(vec.v, vec.n);

        ps_socket_list *l = calloc(1, sizeof(*l));
        struct list_priv *priv = calloc(1, sizeof(*priv));
        if (!l || !priv) {
                free(l);
                free(priv);
                free(vec.v);
                return -ENOMEM;
        }
        for (size_t i = 0; i < vec.n; i++) {
                vec.v[i].n_pids = 0;
                vec.v[i].pids = NULL;
                vec.v[i].owner_error = -ENODATA;
        }
        if (!(q->flags & PS_QUERY_NO_OWNERS) || q->pid) {
                ps_owner_scan scan;
                r = ps_owners_scan(q->proc_root, vec.v, vec.n, q->pid,
                                   q->flags & PS_QUERY_ALL_OWNERS, procs, &scan);
                if (r < 0) {
                        free(l);
                        free(priv);
                        free(vec.v);
                        return r;
                }
                priv->pids = scan.pids;
                l->n_unreadable = scan.n_unreadable;
                l->unreadable_error = scan.unreadable_error;
                l->n_processes = scan.n_processes;
                if (q->pid) {
                        /* Keep the sockets that process holds. */
                        size_t k = 0;
                        for (size_t i = 0; i < vec.n; i++) {
                                bool mine = false;
                                for (size_t j = 0; j < vec.v[i].n_pids; j++)
                                        mine |= vec.v[i].pids[j] == q->pid;
                                if (mine)
                                        vec.v[k++] = vec.v[i];
                        }
                        vec.n = k;
                }
        }
        l->n = vec.n;
        l->sockets = vec.v;
        l->source = source;
        l->unsupported = unsupported;
        l->n_netns = n_netns;
        l->n_netns_skipped = n_netns_skipped;
        l->_priv = priv;
        *ret_list = l;
        return 0;
}

PS_EXPORT void ps_socket_list_free(ps_socket_list *list)
{
        if (!list)
                return;
        struct list_priv *priv = list->_priv;
        if (priv)
                free(priv->pids);
        free(priv);
        free(list->sockets);
        free(list);
}

/* a.b.c.d into buf (16 bytes): inet_ntop() formats IPv4 with sprintf(),
 * which was most of `ls`'s formatting time with 10,000 sockets. */
static void ipv4_text(const uint8_t *a, char *buf)
{
        for (int i = 0; i < 4; i++) {
                unsigned v = a[i];
                if (v >= 100)
                        *buf++ = (char)('0' + v / 100);
                if (v >= 10)
                        *buf++ = (char)('0' + v / 10 % 10);
                *buf++ = (char)('0' + v % 10);
                *buf++ = i < 3 ? '.' : '\0';
        }
}

PS_EXPORT const char *ps_socket_addr(const ps_socket *s, bool remote, char *buf, size_t size)
{
        const uint8_t *a = remote ? s->remote_addr : s->local_addr;
        if (!buf || size == 0)
                return "";
        if (s->family == 4 && size >= 16) {
                ipv4_text(a, buf);
                return buf;
        }
        /* The two addresses most IPv6 listeners have, without inet_ntop(),
         * which costs an sprintf() a group: "::" and "::1". */
        static const uint8_t zero[15] = { 0 };
        if (s->family == 6 && size >= 4 && !memcmp(a, zero, 15) && a[15] <= 1) {
                memcpy(buf, a[15] ? "::1" : "::", a[15] ? 4 : 3);
                return buf;
        }
        if (!inet_ntop(s->family == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)size))
                snprintf(buf, size, "?");
        return buf;
}
