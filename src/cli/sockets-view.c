/* SPDX-License-Identifier: MIT */
/* What `who`, `ls` and the port report share about local sockets: collecting
 * them with their processes, the registered service for each, and the text and
 * JSON forms of one socket (schema in portscope(1), section JSON). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "sockets-view.h"
#include "utf8.h"

#define PROC_BUCKETS 1024
/* Services looked up, by port and protocol: the many connections of one
 * service ask once. A registry lookup costs about 30 ns, so a miss costs
 * little; 4,096 slots (128 KB, zeroed) made a small machine's ls 4-8% slower
 * in page faults alone (docs/benchmarks.md). */
#define SERVICE_CACHE 256

struct proc_node {
        int pid;
        int error; /* ps_process_read's failure, or 0 */
        ps_process *p;
        json_t *json; /* built once, shared by every socket the process holds */
        struct proc_node *next;
};

struct user_node {
        unsigned uid;
        char *name;
        struct user_node *next;
};

/* What sockview_service() takes from a registry record: a slot of 32 bytes,
 * not a whole record's 112 (4,096 of them were 450 KB of fresh pages, most
 * of them touched by ls with thousands of ports). */
struct service_slot {
        unsigned key; /* port << 3 | proto, + 1; 0 = empty */
        bool have;
        unsigned flags;
        const char *name, *description;
};

static struct proc_node *procs[PROC_BUCKETS];
static struct user_node *users;
static struct service_slot *services;

void sockview_free(struct sockview *v)
{
        ps_socket_list_free(v->list);
        v->list = NULL;
        free(v->listen_ports);
        v->listen_ports = NULL;
        for (size_t i = 0; i < PROC_BUCKETS; i++) {
                while (procs[i]) {
                        struct proc_node *n = procs[i]->next;
                        ps_process_free(procs[i]->p);
                        json_decref(procs[i]->json);
                        free(procs[i]);
                        procs[i] = n;
                }
        }
        while (users) {
                struct user_node *n = users->next;
                free(users->name);
                free(users);
                users = n;
        }
        free(services);
        services = NULL;
}

int sockview_collect(struct cli *c, const ps_socket_query *q, struct sockview *v)
{
        memset(v, 0, sizeof(*v));
        v->c = c;
        return ps_socket_list_query(q, &v->list);
}

const ps_process *sockview_process(struct sockview *v, int pid)
{
        size_t b = (unsigned)pid % PROC_BUCKETS;
        for (struct proc_node *n = procs[b]; n; n = n->next)
                if (n->pid == pid)
                        return n->p;
        struct proc_node *n = calloc(1, sizeof(*n));
        if (!n)
                return NULL;
        n->pid = pid;
        n->error = ps_process_read(v->c->proc_root, pid, &n->p);
        n->next = procs[b];
        procs[b] = n;
        return n->p;
}

const char *sockview_user(unsigned uid)
{
        for (struct user_node *n = users; n; n = n->next)
                if (n->uid == uid)
                        return n->name;
        struct user_node *n = calloc(1, sizeof(*n));
        if (!n)
                return NULL;
        char name[256];
        if (!cli_user_name(uid, name, sizeof(name)))
                snprintf(name, sizeof(name), "%u", uid);
        /* A name from LDAP or a passwd file is outside text: it may carry
         * escape sequences for the terminal. */
        ps_text_sanitize(name);
        n->uid = uid;
        n->name = strdup(name);
        n->next = users;
        users = n;
        return n->name;
}

/* The registry's first assigned record for port/proto, else the first one:
 * its flags, name and description. */
static bool lookup_service(struct cli *c, unsigned port, ps_proto proto, struct service_slot *ret)
{
        unsigned key = (port << 3 | (unsigned)proto) + 1;
        size_t h = (key * 2654435761u) % SERVICE_CACHE;
        if (!services)
                services = calloc(SERVICE_CACHE, sizeof(*services));
        if (services && services[h].key == key) {
                *ret = services[h];
                return ret->have;
        }
        ps_db *db;
        ps_iter it;
        ps_record r;
        struct service_slot slot = { .key = key };
        if (cli_db(c, &db) == 0) {
                ps_iter_port(&it, db, port, proto);
                while (ps_iter_next(&it, &r) > 0) {
                        bool assigned =
                                !(r.flags & (PS_REC_UNASSIGNED | PS_REC_RESERVED)) && *r.name;
                        if (assigned || !slot.have)
                                slot = (struct service_slot){ key, true, r.flags, r.name,
                                                              r.description };
                        if (assigned)
                                break;
                }
        }
        if (services)
                services[h] = slot;
        *ret = slot;
        return slot.have;
}

/* Whether a connected socket is the server's side: something here listens on its port. */
static bool server_side(const ps_socket_list *l, const ps_socket *s)
{
        if (s->state == PS_STATE_LISTEN || s->remote_port == 0)
                return true;
        for (size_t i = 0; i < l->n; i++) {
                const ps_socket *o = &l->sockets[i];
                if (o->proto == s->proto && o->local_port == s->local_port &&
                    (o->state == PS_STATE_LISTEN ||
                     (o->proto == PS_PROTO_UDP && o->remote_port == 0)))
                        return true;
        }
        return false;
}

void sockview_service(struct sockview *v, const ps_socket *s, struct service_info *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->matches = -1;
        ret->local = v->listen_ports ? sockview_is_listen_port(v, s) : server_side(v->list, s);
        ret->port = ret->local ? s->local_port : s->remote_port;
        struct service_slot r;
        if (!lookup_service(v->c, ret->port, s->proto, &r)) {
                ret->status = "none";
                return;
        }
        if (r.flags & PS_REC_UNASSIGNED) {
                ret->status = "unassigned";
                return;
        }
        if (r.flags & PS_REC_RESERVED) {
                ret->status = "reserved";
                return;
        }
        ret->status = "assigned";
        ret->name = r.name;
        ret->description = r.description;
        ret->matches = -1;
        if (ret->local && s->n_pids) {
                const ps_process *p = sockview_process(v, s->pids[0]);
                if (p)
                        ret->matches = ps_service_matches_process(r.name, p);
        }
}

/* Marks ports that have a listener, so each connected socket can tell its side fast. */
void sockview_index_listeners(struct sockview *v)
{
        v->listen_ports = calloc(65536 / 8 * 4, 1);
        if (!v->listen_ports)
                return;
        for (size_t i = 0; i < v->list->n; i++) {
                const ps_socket *o = &v->list->sockets[i];
                if (o->state == PS_STATE_LISTEN || (o->proto == PS_PROTO_UDP && !o->remote_port)) {
                        unsigned bit = (unsigned)o->proto % 4 * 65536 + o->local_port;
                        v->listen_ports[bit / 8] |= (unsigned char)(1u << bit % 8);
                }
        }
}

bool sockview_is_listen_port(const struct sockview *v, const ps_socket *s)
{
        if (s->state == PS_STATE_LISTEN || s->remote_port == 0)
                return true;
        unsigned bit = (unsigned)s->proto % 4 * 65536 + s->local_port;
        return v->listen_ports[bit / 8] & (1u << bit % 8);
}

const char *endpoint(const ps_socket *s, bool remote, char *buf, size_t size)
{
        char a[64];
        unsigned port = remote ? s->remote_port : s->local_port;
        if (remote && port == 0) {
                /* Every listener's peer: no snprintf() for it. */
                if (size >= 2)
                        memcpy(buf, "*", 2);
                else if (size)
                        buf[0] = '\0';
                return buf;
        }
        ps_socket_addr(s, remote, a, sizeof(a));
        /* By hand: ls formats two endpoints per row, 10,000 rows at a time. */
        char digits[8], *d = digits + sizeof(digits);
        *--d = '\0';
        do
                *--d = (char)('0' + port % 10);
        while ((port /= 10));
        size_t na = strlen(a), nd = strlen(d), v6 = s->family == 6;
        if (na + nd + 2 * v6 + 2 > size) {
                snprintf(buf, size, "?");
                return buf;
        }
        char *p = buf;
        if (v6)
                *p++ = '[';
        memcpy(p, a, na);
        p += na;
        if (v6)
                *p++ = ']';
        *p++ = ':';
        memcpy(p, d, nd + 1);
        return buf;
}

const char *owner_reason(const ps_socket *s)
{
        if (s->n_pids)
                return NULL;
        if (!s->inode)
                return s->state == PS_STATE_TIME_WAIT
                               ? N_("no process: the connection is closed and lingering in "
                                    "TIME-WAIT")
                               : N_("no process: the kernel holds it alone (orphaned)");
        switch (s->owner_error) {
        case -EACCES:
        case -EPERM:
                return geteuid() == 0
                               ? N_("owner unknown: some processes cannot be examined even as "
                                    "root (another user namespace, or a ptrace restriction)")
                               : N_("owner unknown: other users' processes are hidden; run as "
                                    "root (or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)");
        case -ENODATA:
                return N_("owner not looked up");
        default:
                return N_("owner unknown: no process in this PID namespace holds it (a kernel "
                          "socket, another container's process, or it closed mid-scan)");
        }
}

static const char *errno_name(int code)
{
        switch (-code) {
        case EACCES:
                return "EACCES";
        case EPERM:
                return "EPERM";
        case ENOENT:
                return "ENOENT";
        case ENODATA:
                return "ENODATA";
        default:
                return "EIO";
        }
}

static struct proc_node *proc_node(int pid)
{
        for (struct proc_node *n = procs[(unsigned)pid % PROC_BUCKETS]; n; n = n->next)
                if (n->pid == pid)
                        return n;
        return NULL;
}

/* A process as JSON, cached per pid; a new reference. */
static json_t *json_process(struct sockview *v, int pid)
{
        const ps_process *p = sockview_process(v, pid);
        struct proc_node *node = proc_node(pid);
        if (node && node->json)
                return json_incref(node->json);
        json_t *po = json_object();
        json_object_set_new(po, "pid", json_integer(pid));
        if (p) {
                json_object_set_new(po, "name", json_str_or_null(p->name));
                json_object_set_new(po, "uid", p->have_uid ? json_integer(p->uid) : json_null());
                json_object_set_new(po, "user",
                                    p->have_uid ? json_str_or_null(sockview_user(p->uid))
                                                : json_null());
                json_object_set_new(po, "command", json_str_or_null(p->cmdline));
                json_object_set_new(po, "unit", json_str_or_null(p->unit));
                json_object_set_new(po, "container", json_str_or_null(p->container));
                json_object_set_new(po, "cgroup", json_str_or_null(p->cgroup));
                json_object_set_new(po, "netns",
                                    p->netns ? json_integer((json_int_t)p->netns) : json_null());
                json_object_set_new(po, "netns_foreign", json_boolean(p->netns_foreign));
        } else {
                json_object_set_new(po, "exited", json_true());
        }
        if (node)
                node->json = json_incref(po);
        return po;
}

json_t *json_socket(struct sockview *v, const ps_socket *s, bool document)
{
        char a[64];
        json_t *o = document ? json_pack("{s:i, s:s}", "schema_version", JSON_SCHEMA_VERSION,
                                         "kind", "socket")
                             : json_object();
        struct service_info si;
        json_object_set_new(o, "protocol", json_string(ps_proto_name(s->proto)));
        json_object_set_new(o, "family", json_integer(s->family));
        json_object_set_new(o, "state", json_string(ps_sock_state_name(s->state, s->proto)));
        json_object_set_new(o, "local",
                            json_pack("{s:s, s:i}", "address",
                                      ps_socket_addr(s, false, a, sizeof(a)), "port",
                                      (int)s->local_port));
        json_object_set_new(o, "remote",
                            s->remote_port ? json_pack("{s:s, s:i}", "address",
                                                       ps_socket_addr(s, true, a, sizeof(a)),
                                                       "port", (int)s->remote_port)
                                           : json_null());
        json_object_set_new(o, "uid", json_integer(s->uid));
        json_object_set_new(o, "user", json_str_or_null(sockview_user(s->uid)));
        json_object_set_new(o, "inode",
                            s->inode ? json_integer((json_int_t)s->inode) : json_null());
        json_object_set_new(o, "interface", s->ifindex ? json_integer(s->ifindex) : json_null());
        json_object_set_new(o, "netns",
                            s->netns ? json_integer((json_int_t)s->netns) : json_null());

        sockview_service(v, s, &si);
        json_object_set_new(o, "registration",
                            json_pack("{s:o, s:i, s:s, s:s, s:o, s:o}", "service",
                                      json_str_or_null(si.name), "port", (int)si.port, "side",
                                      si.local ? "local" : "remote", "status", si.status,
                                      "description", json_str_or_null(si.description),
                                      "matches_process",
                                      si.matches < 0 ? json_null() : json_boolean(si.matches)));

        json_t *arr = json_array();
        for (size_t i = 0; i < s->n_pids; i++) {
                json_array_append_new(arr, json_process(v, s->pids[i]));
        }
        json_object_set_new(o, "processes", arr);
        const char *why = owner_reason(s);
        json_object_set_new(o, "owner_unknown",
                            why ? json_pack("{s:s, s:s}", "code",
                                            s->inode ? errno_name(s->owner_error) : "NOFILE",
                                            "reason", why)
                                : json_null());
        return o;
}

int json_line(json_t *o, const char *end)
{
        static char *buf;
        static size_t size;
        if (json_build_failed() || !o)
                return -1;
        size_t k = json_dumpb(o, buf, size, JSON_COMPACT | JSON_ENSURE_ASCII);
        if (k > size) {
                char *p = realloc(buf, k + 4096);
                if (!p)
                        return -1;
                buf = p;
                size = k + 4096;
                k = json_dumpb(o, buf, size, JSON_COMPACT | JSON_ENSURE_ASCII);
        }
        if (k == 0 || fwrite(buf, 1, k, stdout) != k || fputs(end, stdout) == EOF)
                return -1;
        return 0;
}

json_t *json_sockets_meta(const struct sockview *v)
{
        json_t *un = json_array();
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++)
                if (v->list->unsupported & 1u << p)
                        json_array_append_new(un, json_string(ps_proto_name((ps_proto)p)));
        return json_pack("{s:s, s:o, s:i, s:i, s:o, s:i, s:i}", "method",
                         v->list->source == PS_SOCKSRC_NETLINK ? "netlink" : "procnet",
                         "unsupported_protocols", un, "processes_examined",
                         (int)v->list->n_processes, "processes_unreadable",
                         (int)v->list->n_unreadable, "unreadable_reason",
                         v->list->n_unreadable ? json_string(ps_strerror(v->list->unreadable_error))
                                               : json_null(),
                         "netns_listed", (int)v->list->n_netns, "netns_skipped",
                         (int)v->list->n_netns_skipped);
}

void print_socket_block(struct sockview *v, const ps_socket *s, const char *indent)
{
        const struct cli *c = v->c;
        char l[80], r[80];
        struct service_info si;
        sockview_service(v, s, &si);
        printf("%s%s%-4s%s %s  %-*s  %-*s  %s", indent, sty_bold(c), ps_proto_name(s->proto),
               sty_off(c), s->family == 4 ? "IPv4" : "IPv6", v->width_local,
               endpoint(s, false, l, sizeof(l)), v->width_remote, endpoint(s, true, r, sizeof(r)),
               ps_sock_state_name(s->state, s->proto));
        if (s->netns)
                printf("  %snetns net:[%llu]%s", sty_warn(c), (unsigned long long)s->netns,
                       sty_off(c));
        if (si.name) {
                printf("  ");
                printf(si.local ? "%s" : _("to %s"), si.name);
                if (si.matches == 0)
                        printf(" %s", _("(process does not look like it)"));
        } else if (si.local && s->state == PS_STATE_LISTEN)
                printf("  %s", !strcmp(si.status, "none")         ? _("(unregistered port)")
                               : !strcmp(si.status, "unassigned") ? _("(unassigned port)")
                               : !strcmp(si.status, "reserved")   ? _("(reserved port)")
                                                                  : _("(assigned port)"));
        putchar('\n');
        for (size_t i = 0; i < s->n_pids; i++) {
                const ps_process *p = sockview_process(v, s->pids[i]);
                if (!p) {
                        printf("%s     pid %d %s\n", indent, s->pids[i], _("(exited)"));
                        continue;
                }
                printf("%s     pid %s%d%s %s%s%s", indent, sty_bold(c), s->pids[i], sty_off(c),
                       sty_bold(c), p->name, sty_off(c));
                printf("  user %s", p->have_uid ? sockview_user(p->uid) : sockview_user(s->uid));
                /* A container's scope unit only repeats the container id. */
                if (*p->unit && !*p->container)
                        printf("  unit %s", p->unit);
                if (*p->container)
                        printf("  container %s", p->container);
                if (p->netns_foreign)
                        printf("  %snetns net:[%llu] %s%s", sty_warn(c),
                               (unsigned long long)p->netns, _("(not yours)"), sty_off(c));
                putchar('\n');
                if (*p->cmdline)
                        printf("%s     %s%s%s\n", indent, sty_dim(c), p->cmdline, sty_off(c));
        }
        const char *why = owner_reason(s);
        if (why) {
                printf("%s     %s%s%s ", indent, sty_warn(c), _(why), sty_off(c));
                printf(_("(socket uid %s)\n"), sockview_user(s->uid));
        }
}

void sockview_widths(struct sockview *v)
{
        char b[80];
        v->width_local = v->width_remote = 9;
        for (size_t i = 0; i < v->list->n; i++) {
                int l = (int)strlen(endpoint(&v->list->sockets[i], false, b, sizeof(b)));
                int r = (int)strlen(endpoint(&v->list->sockets[i], true, b, sizeof(b)));
                v->width_local = l > v->width_local ? l : v->width_local;
                v->width_remote = r > v->width_remote ? r : v->width_remote;
        }
}

void print_unsupported_note(const struct sockview *v, unsigned asked)
{
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++)
                if (asked & v->list->unsupported & 1u << p)
                        cli_error(0,
                                  _("this machine cannot list %s sockets (the kernel lacks the "
                                    "protocol or its sock_diag module)"),
                                  ps_proto_name((ps_proto)p));
}

/* "the owner of 3 sockets is unknown: 2 processes could not be examined ...":
 * two counts, so two plural choices joined. */
static const char *unreadable_text(size_t unknown, const ps_socket_list *l, bool root, char *buf,
                                   size_t size)
{
        char owners[128];
        snprintf(owners, sizeof(owners),
                 ngettext("the owner of %zu socket is unknown",
                          "the owner of %zu sockets is unknown", unknown),
                 unknown);
        if (root)
                /* TRANSLATORS: the first %s is "the owner of 3 sockets is unknown". */
                snprintf(buf, size,
                         ngettext("%s: %zu process could not be examined even as root (%s): "
                                  "another user namespace's processes, or a ptrace restriction "
                                  "(Yama, an LSM)",
                                  "%s: %zu processes could not be examined even as root (%s): "
                                  "another user namespace's processes, or a ptrace restriction "
                                  "(Yama, an LSM)",
                                  l->n_unreadable),
                         owners, l->n_unreadable, ps_strerror(l->unreadable_error));
        else
                snprintf(buf, size,
                         ngettext("%s: %zu process could not be examined (%s); run as root, or "
                                  "with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH",
                                  "%s: %zu processes could not be examined (%s); run as root, or "
                                  "with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH",
                                  l->n_unreadable),
                         owners, l->n_unreadable, ps_strerror(l->unreadable_error));
        return buf;
}

void print_unreadable_note(const struct sockview *v, size_t unknown)
{
        char b[1024];
        if (!unknown)
                return;
        if (v->list->n_unreadable && geteuid() == 0)
                cli_error(0, "%s", unreadable_text(unknown, v->list, true, b, sizeof(b)));
        else if (v->list->n_unreadable)
                cli_error(0, "%s", unreadable_text(unknown, v->list, false, b, sizeof(b)));
}

/* The report's listeners, borrowed: the report owns the list. */
void port_sockets_print(struct cli *c, const ps_socket_list *list)
{
        struct sockview v = { .c = c, .list = (ps_socket_list *)list };
        if (!list)
                return;
        sockview_widths(&v);
        for (size_t i = 0; i < list->n; i++)
                print_socket_block(&v, &list->sockets[i], "  ");
        v.list = NULL;
        sockview_free(&v);
}

json_t *port_sockets_json(struct cli *c, const ps_socket_list *list)
{
        struct sockview v = { .c = c, .list = (ps_socket_list *)list };
        if (!list)
                return json_null();
        json_t *arr = json_array();
        for (size_t i = 0; i < list->n; i++)
                json_array_append_new(arr, json_socket(&v, &list->sockets[i], false));
        v.list = NULL;
        sockview_free(&v);
        return arr;
}
