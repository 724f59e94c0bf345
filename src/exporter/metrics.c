/* SPDX-License-Identifier: MIT */
/*
 * One scrape: list the listening sockets once, read each owning process once,
 * run the audit over the same list, and write the metric families of
 * docs/prometheus/README.md. Labels are bounded by what listens here: no
 * pid, command line, inode, address of a specific bind or remote endpoint.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "macro.h"
#include "metrics.h"
#include "util.h"

static const char *const stage_names[_STAGE_MAX] = { "netns", "sockets", "audit", "output" };

/* One listening socket as its labels; sockets with equal labels share a series. */
struct row {
        const char *proto, *family, *bind, *service, *range, *iana, *process, *unit;
        unsigned port;
};

struct proc_slot {
        int pid; /* 0: empty */
        ps_process *proc;
};

struct scan {
        struct exporter *e;
        ps_socket_list *list;
        struct proc_slot *procs; /* open addressing, n_slots a power of two */
        size_t n_slots;
        struct row *rows;
        size_t n_rows;
};

static double now_seconds(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const ps_process *process(struct scan *s, int pid)
{
        size_t i = ((unsigned)pid * 2654435761u) & (s->n_slots - 1);
        while (s->procs[i].pid && s->procs[i].pid != pid)
                i = (i + 1) & (s->n_slots - 1);
        if (!s->procs[i].pid) {
                s->procs[i].pid = pid;
                if (ps_process_read(s->e->proc_root, pid, &s->procs[i].proc) < 0)
                        s->procs[i].proc = NULL; /* gone since the scan, or unreadable */
        }
        return s->procs[i].proc;
}

static const char *bind_class(const ps_socket *so)
{
        static const uint8_t zero[16], v6lo[16] = { [15] = 1 };
        static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
        const uint8_t *a = so->local_addr;
        if (!memcmp(a, zero, so->family == 4 ? 4 : 16))
                return "any";
        if ((so->family == 4 && a[0] == 127) ||
            (so->family == 6 && (!memcmp(a, v6lo, 16) || (!memcmp(a, mapped, 12) && a[12] == 127))))
                return "loopback";
        return "specific";
}

/*
 * The registry's word on a port: "assigned" with the first service name,
 * "unassigned", "reserved", or "none" when no record covers it.
 */
static const char *registration(const ps_db *db, unsigned port, ps_proto proto,
                                const char **ret_service)
{
        ps_iter it;
        ps_record r;
        const char *status = "none";
        *ret_service = "";
        ps_iter_port(&it, db, port, proto);
        while (ps_iter_next(&it, &r) > 0) {
                if (r.proto != PS_PROTO_NONE && r.proto != proto)
                        continue;
                if (r.flags & PS_REC_UNASSIGNED)
                        status = "unassigned";
                else if (r.flags & PS_REC_RESERVED)
                        status = !strcmp(status, "unassigned") ? status : "reserved";
                else if (*r.name) {
                        *ret_service = r.name;
                        return "assigned";
                }
        }
        return status;
}

static int cmp_str(const char *a, const char *b)
{
        return strcmp(a ? a : "", b ? b : "");
}

static int cmp_row(const void *x, const void *y)
{
        const struct row *a = x, *b = y;
        int r;
        if (a->port != b->port)
                return a->port < b->port ? -1 : 1;
        if ((r = cmp_str(a->proto, b->proto)) || (r = cmp_str(a->family, b->family)) ||
            (r = cmp_str(a->bind, b->bind)) || (r = cmp_str(a->process, b->process)) ||
            (r = cmp_str(a->unit, b->unit)) || (r = cmp_str(a->service, b->service)) ||
            (r = cmp_str(a->range, b->range)))
                return r;
        return cmp_str(a->iana, b->iana);
}

static int scan_sockets(struct scan *s)
{
        ps_socket_query q;
        int r;

        ps_socket_query_init(&q);
        q.flags = PS_QUERY_LISTENING;
        q.proc_root = s->e->proc_root;
        if ((r = ps_socket_list_query(&q, &s->list)) < 0)
                return r;
        s->n_slots = 16;
        while (s->n_slots < s->list->n * 2)
                s->n_slots *= 2;
        s->procs = calloc(s->n_slots, sizeof(*s->procs));
        s->rows = calloc(s->list->n ? s->list->n : 1, sizeof(*s->rows));
        if (!s->procs || !s->rows)
                return -ENOMEM;
        for (size_t i = 0; i < s->list->n; i++) {
                const ps_socket *so = &s->list->sockets[i];
                struct row *w = &s->rows[s->n_rows++];
                ps_range_info ri;
                const ps_process *p = so->n_pids ? process(s, so->pids[0]) : NULL;
                w->proto = ps_proto_name(so->proto);
                w->family = so->family == 4 ? "ipv4" : "ipv6";
                w->bind = bind_class(so);
                w->port = so->local_port;
                w->range = ps_range_classify(so->local_port, &ri) == 0 ? ri.id : "";
                w->iana = registration(s->e->db, so->local_port, so->proto, &w->service);
                w->process = p ? p->name : "";
                w->unit = p ? p->unit : "";
        }
        ps_qsort(s->rows, s->n_rows, sizeof(*s->rows), cmp_row);
        return 0;
}

static void write_listeners(struct prom_writer *w, struct scan *s)
{
        static const char *const iana[] = { "assigned", "unassigned", "reserved", "none" };
        static const ps_proto protos[] = { PS_PROTO_TCP, PS_PROTO_UDP, PS_PROTO_SCTP,
                                           PS_PROTO_DCCP };
        char port[8];

        prom_family(w, "portscope_listening_socket", PROM_INFO, NULL,
                    "A listening socket (TCP LISTEN, bound UDP): protocol, family, bind class "
                    "(any, loopback, specific), port, IANA service, range, registry status, "
                    "process name and systemd unit. Sockets with equal labels share one series.");
        for (size_t i = 0; i < s->n_rows; i++) {
                const struct row *r = &s->rows[i];
                if (i && !cmp_row(r, &s->rows[i - 1]))
                        continue;
                snprintf(port, sizeof(port), "%u", r->port);
                const char *l[] = { "proto", r->proto, "family",  r->family,  "bind",  r->bind,
                                    "port",  port,     "service", r->service, "range", r->range,
                                    "iana",  r->iana,  "process", r->process, "unit",  r->unit };
                prom_sample(w, l, 9, 1);
        }

        /* Counts by protocol, range and registry status; every protocol the
         * exporter saw, every range and status, zeros included. */
        prom_family(w, "portscope_listening_sockets", PROM_GAUGE, NULL,
                    "Listening sockets by protocol, range class and registry status.");
        for (size_t p = 0; p < PS_ELEMENTSOF(protos); p++) {
                unsigned seen = 0;
                for (size_t i = 0; i < s->n_rows; i++)
                        seen += !strcmp(s->rows[i].proto, ps_proto_name(protos[p]));
                if (!seen && protos[p] != PS_PROTO_TCP && protos[p] != PS_PROTO_UDP)
                        continue;
                for (ps_range_class rc = 0; rc < _PS_RANGE_MAX; rc++) {
                        ps_range_info ri;
                        ps_range_describe(rc, &ri);
                        for (size_t k = 0; k < PS_ELEMENTSOF(iana); k++) {
                                size_t n = 0;
                                for (size_t i = 0; i < s->n_rows; i++)
                                        n += !strcmp(s->rows[i].proto, ps_proto_name(protos[p])) &&
                                             !strcmp(s->rows[i].range, ri.id) &&
                                             !strcmp(s->rows[i].iana, iana[k]);
                                const char *l[] = { "proto", ps_proto_name(protos[p]),
                                                    "range", ri.id,
                                                    "iana",  iana[k] };
                                prom_sample(w, l, 3, (double)n);
                        }
                }
        }

        size_t unowned = 0;
        for (size_t i = 0; i < s->list->n; i++)
                unowned += s->list->sockets[i].n_pids == 0;
        prom_family(w, "portscope_sockets_owner_unknown", PROM_GAUGE, NULL,
                    "Listening sockets whose process could not be seen: kernel sockets, other "
                    "PID namespaces, or processes the exporter may not examine (see "
                    "portscope_processes_unreadable).");
        prom_sample(w, NULL, 0, (double)unowned);
        prom_family(w, "portscope_processes_unreadable", PROM_GAUGE, NULL,
                    "Processes whose open files the exporter could not examine; above 0 it "
                    "does not hold both CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, which it "
                    "needs.");
        prom_sample(w, NULL, 0, (double)s->list->n_unreadable);
}

struct finding_row {
        const char *rule, *severity, *proto, *family, *process;
        unsigned port;
};

static int cmp_finding_row(const void *x, const void *y)
{
        const struct finding_row *a = x, *b = y;
        int r;
        if ((r = strcmp(a->rule, b->rule)))
                return r;
        if (a->port != b->port)
                return a->port < b->port ? -1 : 1;
        if ((r = strcmp(a->proto, b->proto)) || (r = strcmp(a->family, b->family)) ||
            (r = strcmp(a->severity, b->severity)))
                return r;
        return strcmp(a->process, b->process);
}

static void audit_report_freep(ps_audit_report **rep)
{
        ps_audit_report_free(*rep);
}

static int write_audit(struct prom_writer *w, struct scan *s)
{
        ps_audit_opts o = { .db = s->e->db,
                            .notes = s->e->notes,
                            .proc_root = s->e->proc_root,
                            .config = s->e->config };
        _cleanup_(audit_report_freep) ps_audit_report *rep = NULL;
        const ps_audit_rule *rules;
        size_t nr = ps_audit_rules(&rules);
        char port[8];
        int r;

        if ((r = ps_audit_run_sockets(&o, s->list, &rep)) < 0)
                return r;
        _cleanup_free_ struct finding_row *rows = calloc(rep->n ? rep->n : 1, sizeof(*rows));
        if (!rows)
                return -ENOMEM;
        prom_family(w, "portscope_audit_findings", PROM_GAUGE, NULL,
                    "Audit findings (portscope audit, docs/audit/) by rule and severity; "
                    "accepted findings in audit.conf are not counted.");
        for (size_t i = 0; i < nr; i++) {
                size_t n = 0;
                for (size_t k = 0; k < rep->n; k++)
                        n += !strcmp(rep->findings[k].rule, rules[i].id);
                const char *l[] = { "rule", rules[i].id, "severity",
                                    ps_severity_name(rules[i].severity) };
                prom_sample(w, l, 2, (double)n);
        }
        for (size_t k = 0; k < rep->n; k++) {
                const ps_finding *f = &rep->findings[k];
                rows[k] = (struct finding_row){ .rule = f->rule,
                                                .severity = ps_severity_name(f->severity),
                                                .proto = ps_proto_name(f->proto),
                                                .family = f->family == 4 ? "ipv4" : "ipv6",
                                                .process = f->process,
                                                .port = f->port };
        }
        ps_qsort(rows, rep->n, sizeof(*rows), cmp_finding_row);
        prom_family(w, "portscope_audit_finding", PROM_INFO, NULL,
                    "One audit finding: its rule, severity, protocol, family, port and process, "
                    "so an alert can say where.");
        for (size_t k = 0; k < rep->n; k++) {
                const struct finding_row *f = &rows[k];
                if (k && !cmp_finding_row(f, &rows[k - 1]))
                        continue;
                snprintf(port, sizeof(port), "%u", f->port);
                const char *l[] = { "rule",  f->rule,  "severity", f->severity,
                                    "proto", f->proto, "family",   f->family,
                                    "port",  port,     "process",  f->process };
                prom_sample(w, l, 6, 1);
        }
        prom_family(w, "portscope_audit_silenced_findings", PROM_GAUGE, NULL,
                    "Findings that audit.conf accepted and that are therefore not counted.");
        prom_sample(w, NULL, 0, (double)rep->n_silenced);
        return 0;
}

/* Midnight UTC of a "YYYY-MM-DD" date, or -1. */
static double date_seconds(const char *date)
{
        struct tm tm = { 0 };
        const char *end = strptime(date, "%Y-%m-%d", &tm);
        if (!end || *end)
                return -1;
        return (double)timegm(&tm);
}

static void write_self(struct prom_writer *w, struct exporter *e)
{
        const char *path = ps_db_path(e->db);
        double when = date_seconds(ps_db_date(e->db));

        prom_family(w, "portscope_registry", PROM_INFO, NULL,
                    "The IANA registry the exporter uses: its date and where it was read from "
                    "(builtin, or the file portscope update wrote).");
        const char *l[] = { "date", ps_db_date(e->db), "source", path ? path : "builtin" };
        prom_sample(w, l, 2, 1);
        if (when >= 0) {
                prom_family(w, "portscope_registry_date_seconds", PROM_GAUGE, "seconds",
                            "The registry's date as a Unix time (midnight UTC).");
                prom_sample(w, NULL, 0, when);
        }
        prom_family(w, "portscope_build", PROM_INFO, NULL, "The exporter's version.");
        const char *b[] = { "version", ps_version() };
        prom_sample(w, b, 1, 1);
}

/* Enters --netns for the scan, or returns to the exporter's own namespace. */
static int switch_netns(struct exporter *e, bool enter)
{
        int fd = enter ? e->netns_fd : e->home_netns_fd;
        if (e->netns_fd < 0)
                return 0;
        return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
}

static void scan_done(struct scan *s)
{
        for (size_t i = 0; s->procs && i < s->n_slots; i++)
                ps_process_free(s->procs[i].proc);
        free(s->procs);
        free(s->rows);
        ps_socket_list_free(s->list);
}

/* The stages that read the system: sockets, processes, the audit. Only
 * -ENOMEM and a namespace we cannot leave are fatal; other failures are
 * counted and their series left out. */
static int scan_and_audit(struct exporter *e, struct scan *s, struct prom_writer *w)
{
        int r;
        if (switch_netns(e, true) < 0) {
                e->errors[STAGE_NETNS]++;
                return 0;
        }
        r = scan_sockets(s);
        if (r == 0) {
                write_listeners(w, s);
                /* Inside the namespace: the audit reads its ephemeral range. */
                r = write_audit(w, s);
                if (r < 0 && r != -ENOMEM)
                        e->errors[STAGE_AUDIT]++;
        } else if (r != -ENOMEM) {
                e->errors[STAGE_SOCKETS]++;
        }
        if (switch_netns(e, false) < 0) {
                /* Later scans would look at the wrong namespace: stop serving. */
                e->errors[STAGE_NETNS]++;
                return -EIO;
        }
        return r == -ENOMEM ? r : 0;
}

int exporter_scrape(struct exporter *e, prom_format format, char **ret_buf, size_t *ret_len)
{
        _cleanup_(scan_done) struct scan s = { .e = e };
        _cleanup_(prom_writer_free) struct prom_writer w;
        double t0 = now_seconds();
        int r;

        prom_writer_init(&w, format, EXPORTER_OUTPUT_MAX);
        if ((r = scan_and_audit(e, &s, &w)) < 0) {
                e->errors[STAGE_OUTPUT]++;
                return r;
        }
        write_self(&w, e);
        prom_family(&w, "portscope_scrape_errors", PROM_COUNTER, NULL,
                    "Scrapes in which a stage failed (netns, sockets, audit, output) since the "
                    "exporter started; in textfile mode, in this run.");
        for (size_t i = 0; i < _STAGE_MAX; i++) {
                const char *l[] = { "stage", stage_names[i] };
                prom_sample(&w, l, 1, (double)e->errors[i]);
        }
        prom_family(&w, "portscope_scrape_duration_seconds", PROM_GAUGE, "seconds",
                    "How long this scrape took: the socket scan, the processes and the audit.");
        prom_sample(&w, NULL, 0, now_seconds() - t0);
        if ((r = prom_finish(&w)) < 0) {
                e->errors[STAGE_OUTPUT]++;
                return r;
        }
        *ret_len = w.out.len;
        *ret_buf = ps_dynbuf_steal(&w.out);
        return 0;
}
