/* SPDX-License-Identifier: MIT */
/*
 * What `ls` and `who` share: filters by port (numbers, ranges or service
 * names, through the registry), by address or network, by state, and the
 * views (--summary, --info, --watch). ss(8) spells them `sport = :22`,
 * `dst 10.0.0.0/8`, `state established`, -s and -i.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "sockets-view.h"

struct sock_filter sockfilter;

const struct cli_option sockets_filter_options[] = {
        { "dport", OPT_SF_DPORT, required_argument, "PORT",
          N_("remote port, range or service name (as ss dport)"), NULL },
        { "dst", OPT_SF_DST, required_argument, "ADDR", N_("remote address or network (CIDR)"),
          NULL },
        { "info", OPT_SF_INFO, no_argument, NULL,
          N_("queues, and TCP round-trip time, window, retransmits"), NULL },
        { "sport", OPT_SF_SPORT, required_argument, "PORT",
          N_("local port, range or service name (as ss sport)"), NULL },
        { "src", OPT_SF_SRC, required_argument, "ADDR", N_("local address or network (CIDR)"),
          NULL },
        { "state", OPT_SF_STATE, required_argument, "STATE",
          N_("sockets in a state: listen, estab, unconn, time-wait..."), STATE_WORDS },
        { "summary", OPT_SF_SUMMARY, no_argument, NULL,
          N_("counts by protocol, family and state (as ss -s)"), NULL },
        { "watch", OPT_SF_WATCH, optional_argument, "SECONDS",
          N_("repeat until interrupted, showing what appears and goes"), NULL },
        { 0 },
};

/* Adds one range, merging an exact duplicate (tcp and udp records of a name). */
static int add_range(struct port_set *set, unsigned lo, unsigned hi, ps_proto proto)
{
        for (size_t i = 0; i < set->n; i++)
                if (set->r[i].lo == lo && set->r[i].hi == hi &&
                    (set->r[i].proto == proto || set->r[i].proto == PS_PROTO_ANY))
                        return 0;
        if (set->n == PORT_SET_MAX)
                return -E2BIG;
        set->r[set->n++] = (struct port_range){ lo, hi, proto };
        return 0;
}

int port_set_add(struct cli *c, struct port_set *set, const char *what, const char *arg)
{
        ps_port_spec spec;
        int r;
        if (!*arg)
                return cli_error(EXIT_USAGE, _("%s: expected a port, a range or a service name"),
                                 what);
        if (strlen(arg) > 64)
                return cli_error(EXIT_USAGE, _("%s: %.32s...: too long for a port or a name"), what,
                                 arg);
        if ((arg[0] >= '0' && arg[0] <= '9') || arg[0] == '-') {
                if ((r = cli_parse_spec(arg, &spec)))
                        return r;
                if (add_range(set, spec.lo, spec.hi, spec.proto) < 0)
                        return cli_error(EXIT_USAGE, _("%s: more than %d ports"), what,
                                         PORT_SET_MAX);
                return 0;
        }
        /* A service name: every port the registry gives it, per protocol. */
        char name[72];
        const char *slash = strchr(arg, '/');
        ps_proto proto = PS_PROTO_ANY;
        snprintf(name, sizeof(name), "%.*s", slash ? (int)(slash - arg) : (int)strlen(arg), arg);
        if (slash && (ps_proto_from_string(slash + 1, &proto) < 0 || proto == PS_PROTO_ANY))
                return cli_error(EXIT_USAGE,
                                 _("%s: unknown protocol \"%s\" (use tcp, udp, sctp or dccp)"), arg,
                                 slash + 1);
        ps_db *db;
        if ((r = cli_db(c, &db)))
                return r;
        ps_iter it;
        ps_record rec;
        size_t found = 0;
        ps_iter_name(&it, db, name, proto);
        while (ps_iter_next(&it, &rec) > 0) {
                if (!(rec.flags & PS_REC_HAS_PORT) || rec.proto == PS_PROTO_NONE)
                        continue;
                if (add_range(set, rec.port_lo, rec.port_hi, rec.proto) < 0)
                        return cli_error(EXIT_USAGE, _("%s: %s has more than %d ports"), what, name,
                                         PORT_SET_MAX);
                found++;
        }
        if (!found)
                return cli_error(EXIT_USAGE,
                                 _("%s: %s: not a port, and the registry has no port for a "
                                   "service by that name"),
                                 what, arg);
        return 0;
}

bool port_set_match(const struct port_set *set, unsigned port, ps_proto proto)
{
        for (size_t i = 0; i < set->n; i++)
                if (port >= set->r[i].lo && port <= set->r[i].hi &&
                    (set->r[i].proto == PS_PROTO_ANY || set->r[i].proto == proto))
                        return true;
        return false;
}

/* "10.0.0.0/8", "2001:db8::/32", "127.0.0.1", "[::1]". */
static int parse_network(const char *arg, struct network *ret)
{
        char buf[64];
        const char *slash = strrchr(arg, '/');
        size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
        if (len >= sizeof(buf) || !len)
                return -EINVAL;
        memcpy(buf, arg, len);
        buf[len] = '\0';
        char *a = buf;
        if (a[0] == '[' && len > 2 && a[len - 1] == ']') {
                a[len - 1] = '\0';
                a++;
        }
        struct network n = { 0 };
        if (inet_pton(AF_INET, a, n.addr) == 1)
                n.family = 4;
        else if (inet_pton(AF_INET6, a, n.addr) == 1)
                n.family = 6;
        else
                return -EINVAL;
        unsigned max = n.family == 4 ? 32 : 128;
        n.bits = max;
        if (slash) {
                /* No leading zero: "/08" is more likely a typo than a prefix. */
                int r = slash[1] == '0' && slash[2] ? -EINVAL
                                                    : ps_parse_unsigned(slash + 1, max, &n.bits);
                if (r < 0)
                        return r;
        }
        *ret = n;
        return 0;
}

static bool network_match(const struct network *n, const ps_socket *s, bool remote)
{
        const uint8_t *a = remote ? s->remote_addr : s->local_addr;
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        /* An IPv4 network also matches IPv4-mapped IPv6 addresses (::ffff:a.b.c.d). */
        if (n->family == 4 && s->family == 6 && !memcmp(a, mapped, 12))
                a += 12;
        else if (n->family != s->family)
                return false;
        unsigned full = n->bits / 8, rest = n->bits % 8;
        if (memcmp(a, n->addr, full))
                return false;
        if (rest) {
                uint8_t mask = (uint8_t)(0xff << (8 - rest));
                if ((a[full] & mask) != (n->addr[full] & mask))
                        return false;
        }
        return true;
}

static int add_network(struct network *list, size_t *n, const char *what, const char *arg)
{
        struct network net;
        int r = parse_network(arg, &net);
        if (r == -ERANGE)
                return cli_error(EXIT_USAGE,
                                 _("%s: %s: the prefix length is too long for the address"), what,
                                 arg);
        if (r < 0)
                return cli_error(EXIT_USAGE,
                                 _("%s: %.64s: expected an address or a network (10.0.0.0/8, "
                                   "2001:db8::/32)"),
                                 what, arg);
        if (*n == NETWORKS_MAX)
                return cli_error(EXIT_USAGE, _("%s: given more than %d times"), what, NETWORKS_MAX);
        list[(*n)++] = net;
        return 0;
}

int sockfilter_option(struct cli *c, int o, const char *arg)
{
        struct sock_filter *f = &sockfilter;
        switch (o) {
        case OPT_SF_DPORT:
                return port_set_add(c, &f->dport, "--dport", arg);
        case OPT_SF_PORT:
                return port_set_add(c, &f->either, "--port", arg);
        case OPT_SF_SPORT:
                return port_set_add(c, &f->sport, "--sport", arg);
        case OPT_SF_DST:
                return add_network(f->dst, &f->n_dst, "--dst", arg);
        case OPT_SF_SRC:
                return add_network(f->src, &f->n_src, "--src", arg);
        case OPT_SF_INFO:
                f->info = true;
                return 0;
        case OPT_SF_SUMMARY:
                f->summary = true;
                return 0;
        case OPT_SF_STATE: {
                ps_sock_state st;
                if (ps_sock_state_from_string(arg, &st) < 0)
                        return cli_error(EXIT_USAGE,
                                         _("--state: unknown state \"%.40s\" (listen, estab, "
                                           "unconn, time-wait, close-wait, syn-sent...)"),
                                         arg);
                f->states |= 1u << st;
                return 0;
        }
        case OPT_SF_WATCH: {
                unsigned v = 0;
                if (!arg) {
                        f->watch = 2;
                        return 0;
                }
                if (ps_parse_unsigned(arg, 3600, &v) < 0 || v < 1)
                        return cli_error(EXIT_USAGE,
                                         _("--watch: expected seconds from 1 to 3600, not "
                                           "\"%.20s\""),
                                         arg);
                f->watch = v;
                return 0;
        }
        }
        return cli_error(EXIT_USAGE, _("unexpected option"));
}

bool sockfilter_match(const struct sock_filter *f, const ps_socket *s)
{
        if (f->sport.n && !port_set_match(&f->sport, s->local_port, s->proto))
                return false;
        if (f->dport.n && !(s->remote_port && port_set_match(&f->dport, s->remote_port, s->proto)))
                return false;
        if (f->either.n && !port_set_match(&f->either, s->local_port, s->proto) &&
            !(s->remote_port && port_set_match(&f->either, s->remote_port, s->proto)))
                return false;
        bool ok = !f->n_src;
        for (size_t i = 0; i < f->n_src && !ok; i++)
                ok = network_match(&f->src[i], s, false);
        if (!ok)
                return false;
        ok = !f->n_dst;
        for (size_t i = 0; i < f->n_dst && !ok; i++)
                ok = s->remote_port && network_match(&f->dst[i], s, true);
        return ok;
}

const ps_socket **sockfilter_select(struct sockview *v, sock_keep_fn keep, size_t *ret_n,
                                    size_t *ret_unknown)
{
        const ps_socket **list = malloc((v->list->n + 1) * sizeof(*list));
        size_t n = 0, unknown = 0;
        if (!list)
                return NULL;
        for (size_t i = 0; i < v->list->n; i++) {
                const ps_socket *s = &v->list->sockets[i];
                if (!sockfilter_match(&sockfilter, s) || (keep && !keep(v, s)))
                        continue;
                list[n++] = s;
                unknown += s->inode && !s->n_pids;
        }
        *ret_n = n;
        if (ret_unknown)
                *ret_unknown = unknown;
        return list;
}

void sockfilter_query(const struct sock_filter *f, ps_socket_query *q)
{
        q->states |= f->states;
        if (f->info)
                q->flags |= PS_QUERY_TCP_INFO;
        /* One port: the kernel filters it and skips the rest of its tables. */
        const struct port_set *one = f->either.n == 1 ? &f->either : NULL;
        if (one && !f->sport.n && !f->dport.n && one->r[0].lo == one->r[0].hi)
                q->port = (int)one->r[0].lo;
}
