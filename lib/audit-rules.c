/* SPDX-License-Identifier: MIT */
/* The listener audit: rules over every listening socket on this machine. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "portscope/audit.h"
#include "portscope/sockets.h"
#include "util.h"

static const ps_audit_rule rules[] = {
        { "unassigned-system-port", PS_SEVERITY_MEDIUM,
          "Listening on a system port (0-1023) that IANA lists as unassigned or reserved" },
        { "unexpected-process", PS_SEVERITY_LOW,
          "A registered port held by a process that does not look like the registered service" },
        { "exposed-service", PS_SEVERITY_HIGH,
          "A service that should not face the network listens on every interface" },
        { "ephemeral-range-listener", PS_SEVERITY_LOW,
          "Listening inside the kernel's ephemeral port range" },
        { "unauthorized-use", PS_SEVERITY_INFO, "IANA records unauthorized use of this port" },
        { "malware-port", PS_SEVERITY_MEDIUM, "A port known from malware or backdoors" },
        { "deleted-executable", PS_SEVERITY_HIGH,
          "The listening process runs an executable that was deleted or replaced" },
        { "amplification-exposed", PS_SEVERITY_HIGH,
          "A UDP service known for reflection/amplification answers on every interface" },
};

PS_EXPORT size_t ps_audit_rules(const ps_audit_rule **ret_rules)
{
        *ret_rules = rules;
        return PS_ELEMENTSOF(rules);
}

static const char *const severity_names[] = { "info", "low", "medium", "high" };

PS_EXPORT const char *ps_severity_name(ps_severity s)
{
        return (unsigned)s < PS_ELEMENTSOF(severity_names) ? severity_names[s] : NULL;
}

PS_EXPORT int ps_severity_from_string(const char *s, ps_severity *ret_severity)
{
        for (size_t i = 0; s && i < PS_ELEMENTSOF(severity_names); i++)
                if (!ps_strcasecmp_ascii(s, severity_names[i])) {
                        *ret_severity = (ps_severity)i;
                        return 0;
                }
        return -EINVAL;
}

/* Processes that only forward a port for something else; judging them by name says nothing. */
static const char *const forwarders[] = { "docker-proxy", "rootlessport", "slirp4netns",
                                          "kube-proxy",   "vpnkit",       "socat",
                                          "ssh",          "conmon",       "pasta" };

static bool is_forwarder(const char *proc, const char *exe)
{
        for (size_t i = 0; i < PS_ELEMENTSOF(forwarders); i++)
                if ((proc && !strcmp(proc, forwarders[i])) || (exe && !strcmp(exe, forwarders[i])))
                        return true;
        return false;
}

struct listener {
        const ps_socket *s;
        char addr[48];
        bool wildcard, loopback;
        int pid;
        ps_process *proc; /* NULL when unknown */
        /* The registry for this port and protocol. */
        const char *service; /* first assigned name, "" when none */
        bool assigned, unassigned, unauthorized;
        const char *unauthorized_text;
        uint64_t tags; /* the tags of every note on the port, from one pass */
};

/* One process as the rules see it, read once per run however many sockets it holds. */
struct proc_slot {
        int pid; /* 0: empty */
        ps_process *proc;
        const char *exe_state; /* "deleted", "replaced" or NULL */
};

struct ctx {
        const ps_audit_opts *o;
        ps_host_ports *host;
        ps_audit_report *rep;
        size_t alloc;
        int err;
        struct proc_slot *procs; /* open addressing, n_slots a power of two */
        size_t n_slots;
};

static void add(struct ctx *c, const struct listener *l, const char *rule, const char *advice,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add(struct ctx *c, const struct listener *l, const char *rule, const char *advice,
                const char *fmt, ...)
{
        char msg[512];
        va_list ap;
        ps_severity sev = PS_SEVERITY_INFO;

        if (c->err)
                return;
        for (size_t i = 0; i < PS_ELEMENTSOF(rules); i++)
                if (!strcmp(rules[i].id, rule))
                        sev = rules[i].severity;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);

        ps_finding f = {
                .rule = rule,
                .severity = sev,
                .proto = l->s->proto,
                .family = l->s->family,
                .port = l->s->local_port,
                .pid = l->pid,
        };
        snprintf(f.address, sizeof(f.address), "%s", l->addr);
        f.message = strdup(msg);
        f.advice = strdup(advice);
        f.process = strdup(l->proc ? l->proc->name : "");
        f.service = strdup(l->service);
        if (!f.message || !f.advice || !f.process || !f.service) {
                free(f.message), free(f.advice), free(f.process), free(f.service);
                c->err = -ENOMEM;
                return;
        }
        if (ps_audit_config_silences(c->o->config, &f)) {
                c->rep->n_silenced++;
                free(f.message), free(f.advice), free(f.process), free(f.service);
                return;
        }
        if (c->rep->n == c->alloc) {
                size_t a = c->alloc ? c->alloc * 2 : 16;
                ps_finding *v = reallocarray(c->rep->findings, a, sizeof(*v));
                if (!v) {
                        free(f.message), free(f.advice), free(f.process), free(f.service);
                        c->err = -ENOMEM;
                        return;
                }
                c->rep->findings = v;
                c->alloc = a;
        }
        c->rep->findings[c->rep->n++] = f;
}

static const char *who(const struct listener *l, char *buf, size_t size)
{
        if (l->proc)
                snprintf(buf, size, "%s (pid %d)", l->proc->name, l->pid);
        else
                snprintf(buf, size, "an unresolved process");
        return buf;
}

static void rule_unassigned_system(struct ctx *c, const struct listener *l)
{
        char w[96];
        if (l->s->local_port >= 1024 || l->assigned)
                return;
        add(c, l, "unassigned-system-port",
            "Find out what this is; no standard service uses this port. Stop it or move it "
            "to a registered or private port.",
            "%s/%u is %s in the registry, yet %s listens on it", ps_proto_name(l->s->proto),
            l->s->local_port, l->unassigned ? "unassigned" : "not assigned", who(l, w, sizeof(w)));
}

/* Whether the listener's process fits any name registered on its port. */
static bool serves_registered(struct ctx *c, const struct listener *l)
{
        ps_iter it;
        ps_record r;
        ps_iter_port(&it, c->o->db, l->s->local_port, l->s->proto);
        while (ps_iter_next(&it, &r) > 0)
                if (*r.name && ps_service_matches_process(r.name, l->proc))
                        return true;
        return false;
}

static void rule_unexpected_process(struct ctx *c, const struct listener *l)
{
        char w[96];
        if (!l->assigned || !l->proc || !*l->service)
                return;
        if (is_forwarder(l->proc->name, l->proc->exe_basename) || serves_registered(c, l))
                return;
        add(c, l, "unexpected-process",
            "Check that this process is meant to hold the port; if it is, silence the finding "
            "in audit.conf.",
            "%s/%u is registered to %s, but %s listens on it", ps_proto_name(l->s->proto),
            l->s->local_port, l->service, who(l, w, sizeof(w)));
}

static int has_tag(struct ctx *c, const struct listener *l, ps_tag tag)
{
        return c->o->notes && (unsigned)tag < 64 && (l->tags >> tag & 1);
}

static void rule_exposed(struct ctx *c, const struct listener *l)
{
        char w[96];
        if (l->loopback || !has_tag(c, l, PS_TAG_NO_EXPOSE))
                return;
        if (l->wildcard)
                add(c, l, "exposed-service",
                    "Bind it to 127.0.0.1 or ::1, or put a firewall rule and authentication in "
                    "front of it.",
                    "%s listens on every interface (%s) on %s/%u, a port that should not face "
                    "the network",
                    who(l, w, sizeof(w)), l->addr, ps_proto_name(l->s->proto), l->s->local_port);
}

static void rule_ephemeral(struct ctx *c, const struct listener *l)
{
        char w[96];
        if (!ps_host_port_ephemeral(c->host, l->s->local_port) ||
            ps_host_port_reserved(c->host, l->s->local_port))
                return;
        /* A bound UDP socket in the range is usually a client's reply port. */
        if (l->s->proto != PS_PROTO_TCP && l->s->proto != PS_PROTO_SCTP)
                return;
        add(c, l, "ephemeral-range-listener",
            "Move the service out of net.ipv4.ip_local_port_range, or add the port to "
            "net.ipv4.ip_local_reserved_ports so outgoing connections cannot take it first.",
            "%s listens on %s/%u, inside the ephemeral range %u-%u", who(l, w, sizeof(w)),
            ps_proto_name(l->s->proto), l->s->local_port, c->host->ephemeral_lo,
            c->host->ephemeral_hi);
}

static void rule_unauthorized(struct ctx *c, const struct listener *l)
{
        if (!l->unauthorized)
                return;
        add(c, l, "unauthorized-use",
            "Traffic on this port is not necessarily the registered service; confirm what the "
            "listener is.",
            "the registry reports unauthorized use of %s/%u: %s", ps_proto_name(l->s->proto),
            l->s->local_port, l->unauthorized_text);
}

static void rule_malware(struct ctx *c, const struct listener *l)
{
        char w[96];
        if (!has_tag(c, l, PS_TAG_MALWARE))
                return;
        /* Worms attacked 80 and 445; nginx or smbd serving them is not malware. */
        if (l->proc && serves_registered(c, l))
                return;
        add(c, l, "malware-port",
            "Identify the process and its executable; if it is not yours, treat the host as "
            "compromised.",
            "%s listens on %s/%u, a port known from malware (see `portscope %u`)",
            who(l, w, sizeof(w)), ps_proto_name(l->s->proto), l->s->local_port, l->s->local_port);
}

static void rule_amplification(struct ctx *c, const struct listener *l)
{
        char w[96];
        if (l->s->proto != PS_PROTO_UDP || l->loopback || !l->wildcard ||
            !has_tag(c, l, PS_TAG_AMPLIFICATION))
                return;
        add(c, l, "amplification-exposed",
            "Bind it to loopback or the interfaces that need it, or filter the port at the "
            "edge: spoofed requests turn it into a DDoS amplifier.",
            "%s answers UDP on every interface (%s) on port %u, a known reflection/amplification "
            "vector",
            who(l, w, sizeof(w)), l->addr, l->s->local_port);
}

/* "deleted" when the executable is gone, "replaced" when its path now names another file. */
static const char *exe_state(const char *proc_root, int pid)
{
        char link[64 + 4096], target[4096];
        const char *root = proc_root && *proc_root ? proc_root : "/proc";
        snprintf(link, sizeof(link), "%s/%d/exe", root, pid);
        ssize_t n = readlink(link, target, sizeof(target) - 1);
        if (n <= 0)
                return NULL;
        target[n] = '\0';
        static const char del[] = " (deleted)";
        size_t dl = sizeof(del) - 1;
        if ((size_t)n > dl && !strcmp(target + n - dl, del))
                return "deleted";
        struct stat running, on_disk;
        /* stat() through the magic link reaches the file the process runs. */
        if (stat(link, &running) == 0 && stat(target, &on_disk) == 0 &&
            (running.st_dev != on_disk.st_dev || running.st_ino != on_disk.st_ino))
                return "replaced";
        return NULL;
}

static struct proc_slot *proc_slot(struct ctx *c, int pid)
{
        size_t i = ((unsigned)pid * 2654435761u) & (c->n_slots - 1);
        while (c->procs[i].pid && c->procs[i].pid != pid)
                i = (i + 1) & (c->n_slots - 1);
        if (!c->procs[i].pid) {
                c->procs[i].pid = pid;
                if (ps_process_read(c->o->proc_root, pid, &c->procs[i].proc) < 0)
                        c->procs[i].proc = NULL; /* gone since the scan */
                c->procs[i].exe_state = exe_state(c->o->proc_root, pid);
        }
        return &c->procs[i];
}

static void rule_deleted(struct ctx *c, const struct listener *l)
{
        char w[96];
        if (!l->pid)
                return;
        const char *state = proc_slot(c, l->pid)->exe_state;
        if (!state)
                return;
        add(c, l, "deleted-executable",
            "Restart the service so it runs the installed binary (after an upgrade), or "
            "investigate: malware often deletes its executable after start.",
            "%s listens on %s/%u and runs an executable that was %s since it started",
            who(l, w, sizeof(w)), ps_proto_name(l->s->proto), l->s->local_port, state);
}

static bool addr_loopback(const ps_socket *s)
{
        const uint8_t *a = s->local_addr;
        if (s->family == 4)
                return a[0] == 127;
        static const uint8_t v6lo[16] = { [15] = 1 };
        static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
        return !memcmp(a, v6lo, 16) || (!memcmp(a, mapped, 12) && a[12] == 127);
}

static bool addr_wildcard(const ps_socket *s)
{
        static const uint8_t zero[16];
        return !memcmp(s->local_addr, zero, s->family == 4 ? 4 : 16);
}

static void describe_port(struct ctx *c, struct listener *l)
{
        ps_iter it;
        ps_record r;
        l->service = "";
        ps_iter_port(&it, c->o->db, l->s->local_port, l->s->proto);
        while (ps_iter_next(&it, &r) > 0) {
                if (r.proto != PS_PROTO_NONE && r.proto != l->s->proto)
                        continue;
                if (r.flags & (PS_REC_UNASSIGNED | PS_REC_RESERVED)) {
                        l->unassigned = true;
                        continue;
                }
                if (!*r.name)
                        continue;
                if (!l->assigned)
                        l->service = r.name;
                l->assigned = true;
                if (*r.unauthorized && !l->unauthorized) {
                        l->unauthorized = true;
                        l->unauthorized_text = r.unauthorized;
                }
        }
        /* The notes once, for every tag a rule asks about: each lookup is a
         * pass over all notes, and a busy server has thousands of listeners. */
        if (c->o->notes) {
                ps_notes_iter nit;
                ps_note note;
                ps_notes_iter_port(&nit, c->o->notes, l->s->local_port, l->s->proto);
                while (ps_notes_iter_next(&nit, &note) > 0)
                        l->tags |= note.tags;
        }
}

static int cmp_finding(const void *a, const void *b)
{
        const ps_finding *x = a, *y = b;
        if (x->severity != y->severity)
                return x->severity > y->severity ? -1 : 1;
        if (x->port != y->port)
                return x->port < y->port ? -1 : 1;
        int r = strcmp(x->rule, y->rule);
        return r ? r : strcmp(x->address, y->address);
}

PS_EXPORT void ps_audit_report_free(ps_audit_report *rep)
{
        if (!rep)
                return;
        for (size_t i = 0; i < rep->n; i++) {
                free(rep->findings[i].message);
                free(rep->findings[i].advice);
                free(rep->findings[i].process);
                free(rep->findings[i].service);
        }
        free(rep->findings);
        free(rep);
}

PS_EXPORT int ps_audit_run_sockets(const ps_audit_opts *opts, const ps_socket_list *list,
                                   ps_audit_report **ret_report)
{
        struct ctx c = { .o = opts };
        int r;

        if (!opts || !opts->db || !list)
                return -EINVAL;
        c.rep = calloc(1, sizeof(*c.rep));
        c.host = malloc(sizeof(*c.host));
        /* Twice the listeners, at least 16: a busy server holds thousands of
         * sockets in a few processes, each read once. */
        c.n_slots = 16;
        while (c.n_slots < list->n * 2)
                c.n_slots *= 2;
        c.procs = calloc(c.n_slots, sizeof(*c.procs));
        if (!c.rep || !c.host || !c.procs) {
                r = -ENOMEM;
                goto out;
        }
        if ((r = ps_host_ports_read(opts->proc_root, c.host)) < 0)
                goto out;

        for (size_t i = 0; i < list->n && !c.err; i++) {
                struct listener l = { .s = &list->sockets[i] };
                ps_socket_addr(l.s, false, l.addr, sizeof(l.addr));
                l.wildcard = addr_wildcard(l.s);
                l.loopback = addr_loopback(l.s);
                if (l.s->n_pids) {
                        l.pid = l.s->pids[0];
                        l.proc = proc_slot(&c, l.pid)->proc;
                } else {
                        c.rep->n_unowned++;
                        if (!c.rep->unowned_error)
                                c.rep->unowned_error = l.s->owner_error;
                }
                describe_port(&c, &l);
                rule_unassigned_system(&c, &l);
                rule_unexpected_process(&c, &l);
                rule_exposed(&c, &l);
                rule_amplification(&c, &l);
                rule_ephemeral(&c, &l);
                rule_unauthorized(&c, &l);
                rule_malware(&c, &l);
                rule_deleted(&c, &l);
                c.rep->n_listeners++;
        }
        if ((r = c.err) < 0)
                goto out;
        /* With no findings the array is NULL, which qsort may not be given. */
        if (c.rep->n)
                ps_qsort(c.rep->findings, c.rep->n, sizeof(ps_finding), cmp_finding);
        *ret_report = c.rep;
        c.rep = NULL;
        r = 0;
out:
        for (size_t i = 0; c.procs && i < c.n_slots; i++)
                ps_process_free(c.procs[i].proc);
        free(c.procs);
        ps_audit_report_free(c.rep);
        free(c.host);
        return r;
}

PS_EXPORT int ps_audit_run(const ps_audit_opts *opts, ps_audit_report **ret_report)
{
        ps_socket_query q;
        ps_socket_list *list = NULL;
        int r;

        if (!opts || !opts->db)
                return -EINVAL;
        ps_socket_query_init(&q);
        q.proc_root = opts->proc_root;
        q.flags = PS_QUERY_LISTENING;
        if ((r = ps_socket_list_query(&q, &list)) < 0)
                return r;
        r = ps_audit_run_sockets(opts, list, ret_report);
        ps_socket_list_free(list);
        return r;
}
