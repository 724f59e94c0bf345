/* SPDX-License-Identifier: MIT */
/* Free-port suggestions: ports a new service can take without colliding. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "portscope/audit.h"
#include "portscope/prevalence.h"
#include "portscope/sockets.h"
#include "registry-internal.h"
#include "report-internal.h"
#include "util.h"

/*
 * The Fetch standard's "bad ports" (fetch.spec.whatwg.org/#port-blocking):
 * browsers refuse to connect to them, so a web service there is unreachable.
 * Sorted ascending.
 */
static const uint16_t browser_unsafe[] = {
        1,    7,    9,    11,   13,   15,   17,   19,   20,   21,   22,   23,    25,   37,
        42,   43,   53,   69,   77,   79,   87,   95,   101,  102,  103,  104,   109,  110,
        111,  113,  115,  117,  119,  123,  135,  137,  139,  143,  161,  179,   389,  427,
        465,  512,  513,  514,  515,  526,  530,  531,  532,  540,  548,  554,   556,  563,
        587,  601,  636,  989,  990,  993,  995,  1719, 1720, 1723, 2049, 3659,  4045, 4190,
        5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
};

/* A binary search of the sorted list: suggest asks for every candidate port. */
PS_EXPORT bool ps_port_browser_unsafe(unsigned port)
{
        return ps_find_u16(browser_unsafe, PS_ELEMENTSOF(browser_unsafe), port) <
               PS_ELEMENTSOF(browser_unsafe);
}

/* Whether the registry assigns or reserves port for proto. */
static bool registered(const ps_db *db, unsigned port, ps_proto proto)
{
        return ps_db_port_taken(db, port, proto);
}

/*
 * Whether a note names this port specifically. Notes about whole ranges (the
 * ephemeral range, Kubernetes NodePorts) describe the space, not a user of
 * this one port, so they do not rule it out.
 */
#define NOTE_SPECIFIC_SPAN 64

static bool noted(const ps_notes *notes, unsigned port)
{
        ps_notes_iter it;
        ps_note note;
        ps_notes_iter_port(&it, notes, port, PS_PROTO_ANY);
        while (ps_notes_iter_next(&it, &note) > 0)
                for (unsigned i = 0; i < note.n_ports; i++) {
                        ps_note_port np;
                        if (ps_note_get_port(notes, &note, i, &np) >= 0 && np.lo <= port &&
                            port <= np.hi && np.hi - np.lo < NOTE_SPECIFIC_SPAN)
                                return true;
                }
        return false;
}

/* FNV-1a: a stable hash so that --for NAME gives the same port every time. */
static uint64_t hash_name(const char *s)
{
        uint64_t h = 1469598103934665603ull;
        for (; *s; s++)
                h = (h ^ (unsigned char)(*s | 0x20)) * 1099511628211ull;
        return h;
}

static int try_bind(int type, int family, unsigned port)
{
        int fd = socket(family, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return family == AF_INET6 ? 0 : -errno; /* no IPv6 here: nothing to collide with */
        int r;
        if (family == AF_INET6) {
                int one = 1;
                setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
                struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
                r = bind(fd, (struct sockaddr *)&a, sizeof(a));
        } else {
                struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
                r = bind(fd, (struct sockaddr *)&a, sizeof(a));
        }
        r = r < 0 ? -errno : 0;
        close(fd);
        return r;
}

static bool bindable(unsigned port, unsigned protos)
{
        if ((protos & PS_SUGGEST_TCP) &&
            (try_bind(SOCK_STREAM, AF_INET, port) < 0 || try_bind(SOCK_STREAM, AF_INET6, port) < 0))
                return false;
        if ((protos & PS_SUGGEST_UDP) &&
            (try_bind(SOCK_DGRAM, AF_INET, port) < 0 || try_bind(SOCK_DGRAM, AF_INET6, port) < 0))
                return false;
        return true;
}

struct cand {
        unsigned port;
        double freq;
        unsigned tier; /* 0: never seen open by nmap, 1: seen open */
        unsigned order;
};

static int cmp_cand(const void *a, const void *b)
{
        const struct cand *x = a, *y = b;
        if (x->tier != y->tier)
                return x->tier < y->tier ? -1 : 1;
        return x->order < y->order ? -1 : x->order > y->order;
}

/* Linux's default net.ipv4.ip_local_port_range, for no_local. */
#define LINUX_EPHEMERAL_LO 32768u
#define LINUX_EPHEMERAL_HI 60999u

PS_EXPORT int ps_suggest(const ps_suggest_opts *o, ps_suggestion *ret, size_t count)
{
        ps_host_ports *host = NULL;
        ps_socket_list *list = NULL;
        ps_prevalence *prev = NULL;
        struct cand *cands = NULL;
        uint8_t *used = NULL;
        int r;

        if (!o || !o->db || (o->range != PS_RANGE_USER && o->range != PS_RANGE_DYNAMIC) ||
            (o->protocols & ~(unsigned)(PS_SUGGEST_TCP | PS_SUGGEST_UDP)))
                return -EINVAL;
        unsigned protos = o->protocols ? o->protocols : PS_SUGGEST_TCP | PS_SUGGEST_UDP;
        ps_range_info ri;
        ps_range_describe(o->range, &ri);

        host = malloc(sizeof(*host));
        used = calloc(65536, 1); /* bit 0: tcp, bit 1: udp */
        cands = calloc(ri.hi - ri.lo + 1, sizeof(*cands));
        if (!host || !used || !cands) {
                r = -ENOMEM;
                goto out;
        }
        if (o->no_local) {
                memset(host, 0, sizeof(*host));
                host->have_ephemeral = true;
                host->ephemeral_lo = LINUX_EPHEMERAL_LO;
                host->ephemeral_hi = LINUX_EPHEMERAL_HI;
        } else if ((r = ps_host_ports_read(o->proc_root, host)) < 0)
                goto out;

        /* Every local port in use now, in any state. */
        ps_socket_query q;
        ps_socket_query_init(&q);
        q.proc_root = o->proc_root;
        q.flags = PS_QUERY_NO_OWNERS;
        q.protocols = ((protos & PS_SUGGEST_TCP) ? 1u << PS_PROTO_TCP : 0) |
                      ((protos & PS_SUGGEST_UDP) ? 1u << PS_PROTO_UDP : 0);
        if (!o->no_local && (r = ps_socket_list_query(&q, &list)) < 0)
                goto out;
        for (size_t i = 0; list && i < list->n; i++)
                used[list->sockets[i].local_port] |=
                        list->sockets[i].proto == PS_PROTO_TCP ? PS_SUGGEST_TCP : PS_SUGGEST_UDP;

        /* Prevalence is optional: without nmap-services every port counts as unseen. */
        if (!o->nmap_services || *o->nmap_services) {
                r = ps_prevalence_open(o->nmap_services, &prev);
                if (r < 0 && r != -ENOENT)
                        goto out;
        }

        uint64_t start = o->for_name ? hash_name(o->for_name) : o->seed;
        unsigned span = ri.hi - ri.lo + 1, n = 0;
        for (unsigned port = ri.lo; port <= ri.hi; port++) {
                if (ps_host_port_ephemeral(host, port) || ps_host_port_reserved(host, port) ||
                    ps_port_browser_unsafe(port) || (used[port] & protos))
                        continue;
                if (((protos & PS_SUGGEST_TCP) && registered(o->db, port, PS_PROTO_TCP)) ||
                    ((protos & PS_SUGGEST_UDP) && registered(o->db, port, PS_PROTO_UDP)))
                        continue;
                if (o->notes && noted(o->notes, port))
                        continue; /* something is known to use it */
                double freq = -1;
                for (ps_proto p = PS_PROTO_TCP; prev && p <= PS_PROTO_UDP; p++) {
                        ps_prevalence_entry e;
                        if ((protos & (p == PS_PROTO_TCP ? PS_SUGGEST_TCP : PS_SUGGEST_UDP)) &&
                            ps_prevalence_lookup(prev, port, p, &e) >= 0 && e.frequency > freq)
                                freq = e.frequency;
                }
                cands[n].port = port;
                cands[n].freq = freq;
                cands[n].tier = freq > 0;
                cands[n].order = (unsigned)((port - ri.lo + start % span) % span);
                n++;
        }
        ps_qsort(cands, n, sizeof(*cands), cmp_cand);

        size_t got = 0;
        for (unsigned i = 0; i < n && got < count; i++) {
                bool ok = true;
                if (o->check && !o->no_local)
                        ok = bindable(cands[i].port, protos);
                if (!ok)
                        continue;
                ret[got].port = cands[i].port;
                ret[got].open_frequency = cands[i].freq;
                ret[got].checked = o->check && !o->no_local;
                got++;
        }
        r = (int)got;
out:
        ps_prevalence_free(prev);
        ps_socket_list_free(list);
        free(cands);
        free(used);
        free(host);
        return r;
}

/* Linux's default ephemeral range: without this machine's own bounds, a
 * suggestion stays clear of the range most systems use. */
#define DEFAULT_EPHEMERAL_LO 32768u

unsigned report_suggest_near(const ps_db *db, const ps_notes *notes, unsigned port)
{
        const unsigned lo = 1024, span = DEFAULT_EPHEMERAL_LO - lo;
        unsigned start = port >= lo && port < DEFAULT_EPHEMERAL_LO ? port - lo + 1 : port % span;
        for (unsigned i = 0; i < span; i++) {
                unsigned p = lo + (start + i) % span;
                if (p == port || ps_port_browser_unsafe(p) || registered(db, p, PS_PROTO_TCP) ||
                    registered(db, p, PS_PROTO_UDP) || (notes && noted(notes, p)))
                        continue;
                return p;
        }
        return 0;
}
