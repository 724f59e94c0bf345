/* SPDX-License-Identifier: MIT */
/* Socket listing against real sockets this test opens, and a recorded proc root. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "portscope/sockets.h"
#include "tap.h"

struct mine {
        const char *what;
        int fd;
        ps_proto proto;
        int family;
        unsigned port; /* local */
        ps_sock_state state;
        int pid;
        uint64_t inode;
};

static unsigned local_port(int fd)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
                return 0;
        return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                             : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static uint64_t inode_of(int fd)
{
        struct stat st;
        return fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* Binds a socket to loopback port 0; listens when stream. -1 on failure. */
static int open_bound(int family, int type)
{
        int fd = socket(family, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -1;
        int r;
        if (family == AF_INET) {
                struct sockaddr_in a = { .sin_family = AF_INET };
                a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                r = bind(fd, (struct sockaddr *)&a, sizeof(a));
        } else {
                struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = in6addr_loopback };
                r = bind(fd, (struct sockaddr *)&a, sizeof(a));
        }
        if (r < 0 || (type == SOCK_STREAM && listen(fd, 8) < 0)) {
                close(fd);
                return -1;
        }
        return fd;
}

static const ps_socket *find(const ps_socket_list *l, uint64_t inode)
{
        for (size_t i = 0; i < l->n; i++)
                if (l->sockets[i].inode == inode)
                        return &l->sockets[i];
        return NULL;
}

static bool same(const ps_socket *a, const ps_socket *b)
{
        return a->proto == b->proto && a->family == b->family && a->local_port == b->local_port &&
               a->remote_port == b->remote_port && a->state == b->state && a->uid == b->uid &&
               a->inode == b->inode && !memcmp(a->local_addr, b->local_addr, 16) &&
               !memcmp(a->remote_addr, b->remote_addr, 16);
}

static bool owned_by(const ps_socket *s, int pid)
{
        for (size_t i = 0; s && i < s->n_pids; i++)
                if (s->pids[i] == pid)
                        return true;
        return false;
}

static void test_live(void)
{
        struct mine m[8];
        size_t n = 0;
        int child_pipe[2], hold_pipe[2];

        int l4 = open_bound(AF_INET, SOCK_STREAM);
        int l6 = open_bound(AF_INET6, SOCK_STREAM);
        int u4 = open_bound(AF_INET, SOCK_DGRAM);
        if (l4 < 0 || u4 < 0) {
                tap_skip("cannot open loopback sockets here");
                return;
        }
        m[n++] = (struct mine){ "TCP listener, IPv4", l4,       PS_PROTO_TCP, 4, local_port(l4),
                                PS_STATE_LISTEN,      getpid(), inode_of(l4) };
        if (l6 >= 0)
                m[n++] = (struct mine){
                        "TCP listener, IPv6", l6,       PS_PROTO_TCP, 6, local_port(l6),
                        PS_STATE_LISTEN,      getpid(), inode_of(l6)
                };
        m[n++] = (struct mine){ "UDP socket",   u4,       PS_PROTO_UDP, 4, local_port(u4),
                                PS_STATE_CLOSE, getpid(), inode_of(u4) };

        /* A connected pair over the IPv4 listener. */
        int cl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(m[0].port) };
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int sv = -1;
        if (cl >= 0 && connect(cl, (struct sockaddr *)&to, sizeof(to)) == 0)
                sv = accept4(l4, NULL, NULL, SOCK_CLOEXEC);
        ok(sv >= 0, "connected a pair over loopback");
        if (sv >= 0) {
                m[n++] = (struct mine){ "accepted side",      sv,       PS_PROTO_TCP, 4, m[0].port,
                                        PS_STATE_ESTABLISHED, getpid(), inode_of(sv) };
                m[n++] = (struct mine){ "connecting side", cl,
                                        PS_PROTO_TCP,      4,
                                        local_port(cl),    PS_STATE_ESTABLISHED,
                                        getpid(),          inode_of(cl) };
        }

        /* A child process owning its own listener. */
        if (pipe(child_pipe) < 0 || pipe(hold_pipe) < 0)
                return;
        fflush(stdout); /* the child must not repeat buffered TAP lines */
        pid_t child = fork();
        if (child == 0) {
                /* Only its own socket: drop the ones inherited from the parent. */
                for (size_t i = 0; i < n; i++)
                        close(m[i].fd);
                int fd = open_bound(AF_INET, SOCK_STREAM);
                unsigned port = fd >= 0 ? local_port(fd) : 0;
                uint64_t ino = fd >= 0 ? inode_of(fd) : 0;
                char c;
                close(hold_pipe[1]);
                if (write(child_pipe[1], &port, sizeof(port)) < 0 ||
                    write(child_pipe[1], &ino, sizeof(ino)) < 0)
                        _exit(1);
                (void)!read(hold_pipe[0], &c, 1); /* until the parent is done */
                _exit(0);
        }
        close(child_pipe[1]);
        close(hold_pipe[0]);
        unsigned cport = 0;
        uint64_t cino = 0;
        if (child > 0 && read(child_pipe[0], &cport, sizeof(cport)) == sizeof(cport) &&
            read(child_pipe[0], &cino, sizeof(cino)) == sizeof(cino) && cport)
                m[n++] = (struct mine){ "child's listener", -1,    PS_PROTO_TCP, 4, cport,
                                        PS_STATE_LISTEN,    child, cino };

        /* Everything, over netlink, with every owner. */
        ps_socket_query q;
        ps_socket_list *nl = NULL, *pn = NULL;
        ps_socket_query_init(&q);
        q.flags = PS_QUERY_NETLINK | PS_QUERY_ALL_OWNERS;
        int r = ps_socket_list_query(&q, &nl);
        if (r == -EPROTONOSUPPORT || r == -EACCES || r == -EPERM) {
                tap_skip("no sock_diag netlink here");
        } else {
                is_int(r, 0, "netlink: listing every socket works");
                for (size_t i = 0; nl && i < n; i++) {
                        const ps_socket *s = find(nl, m[i].inode);
                        ok(s && s->proto == m[i].proto && s->family == m[i].family &&
                                   s->local_port == m[i].port && s->state == m[i].state &&
                                   s->uid == geteuid() && owned_by(s, m[i].pid),
                           "netlink: %s found with its port %u, state, uid and pid %d", m[i].what,
                           m[i].port, m[i].pid);
                }
        }

        /* The same sockets from /proc/net. */
        ps_socket_query_init(&q);
        q.flags = PS_QUERY_PROCNET;
        r = ps_socket_list_query(&q, &pn);
        is_int(r, 0, "/proc/net: listing every socket works");
        is_int(pn ? (int)pn->source : -1, PS_SOCKSRC_PROCNET,
               "/proc/net: the list says where it came from");
        for (size_t i = 0; pn && i < n; i++) {
                const ps_socket *s = find(pn, m[i].inode);
                ok(s && s->local_port == m[i].port && s->state == m[i].state &&
                           owned_by(s, m[i].pid),
                   "/proc/net: %s found with its port, state and pid", m[i].what);
                if (nl) {
                        const ps_socket *t = find(nl, m[i].inode);
                        ok(s && t && same(s, t), "netlink and /proc/net agree on the %s",
                           m[i].what);
                }
        }
        ps_socket_list_free(nl);
        ps_socket_list_free(pn);

        /* A port query: the listener, the accepted and the connecting side. */
        ps_socket_list *l = NULL;
        ps_socket_query_init(&q);
        q.port = (int)m[0].port;
        q.protocols = 1u << PS_PROTO_TCP;
        r = ps_socket_list_query(&q, &l);
        is_int(r, 0, "port query works");
        size_t hits = 0, others = 0;
        for (size_t i = 0; l && i < l->n; i++) {
                const ps_socket *s = &l->sockets[i];
                if (s->local_port != m[0].port && s->remote_port != m[0].port)
                        others++;
                else if (s->inode == m[0].inode || (sv >= 0 && s->inode == inode_of(sv)) ||
                         (cl >= 0 && s->inode == inode_of(cl)))
                        hits += owned_by(s, getpid());
        }
        is_int(hits, sv >= 0 ? 3 : 1, "port query: listener and both ends of the pair, ours");
        is_int(others, 0, "port query: nothing on other ports");
        ps_socket_list_free(l);

        /* Listening only: the listeners and the UDP socket, not the pair. */
        ps_socket_query_init(&q);
        q.flags = PS_QUERY_LISTENING;
        r = ps_socket_list_query(&q, &l);
        is_int(r, 0, "listening query works");
        bool all_listen = true;
        for (size_t i = 0; l && i < l->n; i++)
                all_listen &= l->sockets[i].state == PS_STATE_LISTEN ||
                              (l->sockets[i].proto == PS_PROTO_UDP &&
                               l->sockets[i].state == PS_STATE_CLOSE);
        ok(l && all_listen && find(l, m[0].inode) && find(l, inode_of(u4)) &&
                   (sv < 0 || !find(l, inode_of(sv))),
           "listening query: listeners and bound UDP, no connections");
        ps_socket_list_free(l);

        /* One process's sockets. */
        if (cport) {
                ps_socket_query_init(&q);
                q.pid = child;
                r = ps_socket_list_query(&q, &l);
                ok(r == 0 && l->n == 1 && l->sockets[0].inode == cino,
                   "pid query: the child's one socket");
                ps_socket_list_free(l);
        }

        /* Process details. */
        ps_process *p = NULL;
        r = ps_process_read(NULL, getpid(), &p);
        is_int(r, 0, "process: reads this test's own process");
        if (p) {
                char comm[64] = "";
                FILE *f = fopen("/proc/self/comm", "r");
                if (f) {
                        if (fgets(comm, sizeof(comm), f))
                                comm[strcspn(comm, "\n")] = '\0';
                        fclose(f);
                }
                is_str(p->name, comm, "process: name, as /proc/self/comm says");
                ok(strstr(p->cmdline, "test-sockets") != NULL, "process: command line");
                ok(p->have_uid && p->uid == geteuid(), "process: effective uid");
                ok(p->netns && !p->netns_foreign, "process: our own network namespace");
        }
        ps_process_free(p);

        close(hold_pipe[1]);
        if (child > 0) {
                waitpid(child, NULL, 0);
                r = ps_process_read(NULL, child, &p);
                is_int(r, -ESRCH, "process: a reaped child is gone (-ESRCH)");
        }
        for (size_t i = 0; i < n; i++)
                if (m[i].fd >= 0)
                        close(m[i].fd);
}

static void test_fixture(void)
{
        ps_socket_query q;
        ps_socket_list *l = NULL;
        ps_socket_query_init(&q);
        q.proc_root = "data/proc";
        int r = ps_socket_list_query(&q, &l);
        is_int(r, 0, "fixture: lists the recorded proc root");
        if (r < 0)
                return;
        is_int(l->source, PS_SOCKSRC_PROCNET, "fixture: read from net/tcp, tcp6, udp, udp6");
        is_int(l->n, 9, "fixture: all nine sockets");
        const ps_socket *s = find(l, 1001);
        char a[64];
        ok(s && s->proto == PS_PROTO_TCP && s->family == 4 && s->local_port == 80 &&
                   s->state == PS_STATE_LISTEN && s->n_pids == 1 && s->pids[0] == 4242 &&
                   !strcmp(ps_socket_addr(s, false, a, sizeof(a)), "0.0.0.0"),
           "fixture: nginx listens on 0.0.0.0:80");
        s = find(l, 1003);
        ok(s && s->state == PS_STATE_ESTABLISHED && s->remote_port == 51000 &&
                   !strcmp(ps_socket_addr(s, true, a, sizeof(a)), "10.0.0.9") && owned_by(s, 4242),
           "fixture: an established connection to 10.0.0.9:51000");
        s = find(l, 1007);
        ok(s && s->family == 6 && s->local_port == 631 &&
                   !strcmp(ps_socket_addr(s, false, a, sizeof(a)), "::1") && owned_by(s, 888),
           "fixture: IPv6 [::1]:631");
        s = find(l, 3004);
        ok(s && s->n_pids == 0 && s->owner_error == -ENOENT && s->uid == 1000,
           "fixture: a socket nobody holds says -ENOENT, never a pid");
        size_t tw = 0;
        for (size_t i = 0; i < l->n; i++)
                tw += l->sockets[i].state == PS_STATE_TIME_WAIT && l->sockets[i].inode == 0 &&
                      l->sockets[i].n_pids == 0;
        is_int(tw, 1, "fixture: the TIME-WAIT socket has no inode and no owner");
        s = find(l, 1006);
        ok(s && s->proto == PS_PROTO_UDP && s->state == PS_STATE_CLOSE && s->local_port == 53,
           "fixture: UDP 53 unconnected");
        ps_socket_list_free(l);

        ps_socket_query_init(&q);
        q.proc_root = "data/proc";
        q.port = 80;
        q.flags = PS_QUERY_LISTENING;
        r = ps_socket_list_query(&q, &l);
        ok(r == 0 && l->n == 1 && l->sockets[0].inode == 1001,
           "fixture: listening on port 80 is one socket");
        ps_socket_list_free(l);

        ps_process *p = NULL;
        r = ps_process_read("data/proc", 5151, &p);
        is_int(r, 0, "fixture: reads process 5151");
        if (p) {
                is_str(p->name, "postgres", "fixture: process name");
                is_str(p->cmdline, "postgres -D /var/lib/postgresql/data", "fixture: command line");
                is_str(p->container, "docker:4f2a9c1e8b7d", "fixture: docker container");
                ok(p->netns_foreign, "fixture: another network namespace");
                ok(p->have_uid && p->uid == 65534, "fixture: uid from status");
        }
        ps_process_free(p);
        r = ps_process_read("data/proc", 4242, &p);
        if (r == 0) {
                is_str(p->unit, "nginx.service", "fixture: systemd unit");
                ok(!p->netns_foreign, "fixture: nginx shares our network namespace");
        }
        ps_process_free(p);
        is_int(ps_process_read("data/proc", 999999, &p), -ESRCH, "fixture: missing pid, -ESRCH");
}

static void test_malformed(void)
{
        char dir[] = "/tmp/ps-sockets-XXXXXX", path[256];
        if (!mkdtemp(dir))
                return;
        snprintf(path, sizeof(path), "%s/net", dir);
        mkdir(path, 0755);
        static const char *bad[] = {
                "hdr\n   0: 0000000G:0050 00000000:0000 0A 0:0 0:0 0 0 0 1 1\n",
                "hdr\n   0: 00000000:0050 00000000:0000 0A\n",
                "hdr\n   0: 00000000:0050 00000000:0000 0A 0:0 0:0 0 99999999999 0 1 1\n",
                "hdr\n   0: 00000000:00500 00000000:0000 0A 0:0 0:0 0 0 0 1 1\n",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                snprintf(path, sizeof(path), "%s/net/tcp", dir);
                FILE *f = fopen(path, "w");
                if (!f)
                        break;
                fputs(bad[i], f);
                fclose(f);
                ps_socket_query q;
                ps_socket_list *l = NULL;
                ps_socket_query_init(&q);
                q.proc_root = dir;
                is_int(ps_socket_list_query(&q, &l), -EBADMSG, "malformed net/tcp: -EBADMSG");
                ps_socket_list_free(l);
        }
        /* A line far longer than any real one. */
        FILE *f = fopen(path, "w");
        if (f) {
                fputs("hdr\n", f);
                for (int i = 0; i < 5000; i++)
                        fputc('0', f);
                fputc('\n', f);
                fclose(f);
                ps_socket_query q;
                ps_socket_list *l = NULL;
                ps_socket_query_init(&q);
                q.proc_root = dir;
                is_int(ps_socket_list_query(&q, &l), -EBADMSG, "overlong line: -EBADMSG");
        }
        unlink(path);
        snprintf(path, sizeof(path), "%s/net", dir);
        rmdir(path);
        ps_socket_query q;
        ps_socket_list *l = NULL;
        ps_socket_query_init(&q);
        q.proc_root = dir;
        is_int(ps_socket_list_query(&q, &l), -ENOENT, "no net/ files: -ENOENT");
        rmdir(dir);
        ps_socket_query_init(&q);
        q.port = 70000;
        is_int(ps_socket_list_query(&q, &l), -EINVAL, "port 70000: -EINVAL");
}

static void test_names(void)
{
        static const struct {
                const char *path, *unit, *container;
        } cg[] = {
                { "/system.slice/ssh.service", "ssh.service", "" },
                { "/user.slice/user-1000.slice/user@1000.service/app.slice/app-foo.scope",
                  "app-foo.scope", "" },
                { "/system.slice/docker-0123456789abcdef0123456789abcdef.scope",
                  "docker-0123456789abcdef0123456789abcdef.scope", "docker:0123456789ab" },
                { "/docker/0123456789abcdef0123", "", "docker:0123456789ab" },
                { "/machine.slice/libpod-fedcba9876543210.scope", "libpod-fedcba9876543210.scope",
                  "podman:fedcba987654" },
                { "/lxc.payload.web1", "", "lxc:web1" },
                { "/", "", "" },
                { "", "", "" },
        };
        for (size_t i = 0; i < sizeof(cg) / sizeof(cg[0]); i++) {
                char *u = NULL, *c = NULL;
                int r = ps_cgroup_parse(cg[i].path, &u, &c);
                ok(r == 0 && u && c && !strcmp(u, cg[i].unit) && !strcmp(c, cg[i].container),
                   "cgroup \"%s\": unit \"%s\", container \"%s\"", cg[i].path, cg[i].unit,
                   cg[i].container);
                if (r == 0 && (strcmp(u, cg[i].unit) || strcmp(c, cg[i].container)))
                        printf("#   got \"%s\", \"%s\"\n", u, c);
                free(u);
                free(c);
        }
        ps_sock_state st = PS_STATE_UNKNOWN;
        ok(ps_sock_state_from_string("listen", &st) == 0 && st == PS_STATE_LISTEN, "state listen");
        ok(ps_sock_state_from_string("estab", &st) == 0 && st == PS_STATE_ESTABLISHED,
           "state estab");
        ok(ps_sock_state_from_string("time_wait", &st) == 0 && st == PS_STATE_TIME_WAIT,
           "state time_wait");
        ok(ps_sock_state_from_string("unconn", &st) == 0 && st == PS_STATE_CLOSE, "state unconn");
        ok(ps_sock_state_from_string("bogus", &st) == -EINVAL, "state bogus: -EINVAL");
        is_str(ps_sock_state_name(PS_STATE_CLOSE, PS_PROTO_UDP), "UNCONN", "UDP close is UNCONN");
        ok(ps_sock_state_name(99, PS_PROTO_TCP) == NULL, "invalid state name is NULL");
}

/* TCP listeners with their owners: this process's (a pid query), or every
 * process's (a full scan). */
static int list_tcp_listeners(bool mine, ps_socket_list **ret)
{
        ps_socket_query q;
        ps_socket_query_init(&q);
        q.protocols = 1u << PS_PROTO_TCP;
        q.flags = PS_QUERY_LISTENING;
        if (mine)
                q.pid = getpid();
        return ps_socket_list_query(&q, ret);
}

/* Sockets behind holes in the fd table (a shell's 255, a server that closed
 * connections): the owner scan must find each one, whether it looks fds up by
 * number, reads the listing, or switches from one to the other midway. */
static void test_fd_holes(void)
{
        static const int targets[] = { 10, 11, 12, 13, 14, 15, 16, 17, 18,  19,  20,  21,
                                       22, 23, 24, 25, 26, 27, 28, 29, 300, 301, 700, 950 };
        enum { N = sizeof(targets) / sizeof(targets[0]) };
        uint64_t inodes[N];
        struct rlimit rl;
        size_t placed = 0;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur <= 950) {
                tap_skip("fd limit below 951");
                return;
        }
        for (size_t i = 0; i < N; i++) {
                int fd = open_bound(AF_INET, SOCK_STREAM);
                if (fd < 0)
                        break;
                int at = dup2(fd, targets[i]);
                close(fd);
                if (at != targets[i])
                        break;
                inodes[placed++] = inode_of(at);
        }
        if (placed < N) {
                for (size_t i = 0; i < placed; i++)
                        close(targets[i]);
                tap_skip("cannot open loopback sockets here");
                return;
        }
        /* Our own sockets, then every process: both scans cross the holes. */
        for (int pass = 0; pass < 2; pass++) {
                ps_socket_list *l = NULL;
                int r = list_tcp_listeners(pass == 0, &l);
                size_t hits = 0;
                for (size_t i = 0; r == 0 && i < N; i++)
                        hits += owned_by(find(l, inodes[i]), getpid());
                is_int(hits, N,
                       pass ? "fd holes: every socket's owner found in a full scan"
                            : "fd holes: every socket found in a pid query");
                ps_socket_list_free(l);
        }
        for (size_t i = 0; i < N; i++)
                close(targets[i]);
}

/* A table of thousands of fds, which the owner scan reads with a thread a
 * core, 256 fds at a time, before it looks past the table's end: sockets at
 * its start, around those parts' borders, at its end, and behind a hole after
 * it. Each must be found once, with this process as its one owner. */
static void test_fd_table_slices(void)
{
        enum { TABLE = 3000, HIGH = 3300 };
        static const int at[] = { 10,   11,   40,   255,  256,  511,  512,  1023, 1024, 1499,
                                  1500, 1501, 2047, 2048, 2815, 2816, 2998, 3100, 3101, HIGH };
        enum { N = sizeof(at) / sizeof(at[0]) };
        uint64_t inodes[N];
        bool sock[HIGH + 1] = { false }, mine[HIGH + 1] = { false };
        struct rlimit rl;
        size_t placed = 0;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                rl.rlim_max = 0;
        if (rl.rlim_cur <= HIGH && rl.rlim_max > HIGH) {
                rl.rlim_cur = HIGH + 1;
                (void)setrlimit(RLIMIT_NOFILE, &rl);
        }
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur <= HIGH || null < 0) {
                if (null >= 0)
                        close(null);
                tap_skip("fd limit below 3301");
                return;
        }
        for (size_t i = 0; i < N; i++) {
                int fd = open_bound(AF_INET, SOCK_STREAM);
                if (fd < 0 || dup2(fd, at[i]) != at[i]) {
                        if (fd >= 0)
                                close(fd);
                        break;
                }
                close(fd);
                sock[at[i]] = mine[at[i]] = true;
                inodes[placed++] = inode_of(at[i]);
        }
        /* Every other fd of the table open, on /dev/null. */
        bool filled = placed == N;
        for (int fd = 10; filled && fd < TABLE; fd++)
                if (!sock[fd] && fcntl(fd, F_GETFD) < 0)
                        filled = mine[fd] = dup2(null, fd) == fd;
        if (filled) {
                cpu_set_t set;
                int cores = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
                if (cores < 2)
                        printf("# one usable core: one thread reads the table\n");
                else
                        printf("# %d usable cores: %d threads read the table at once\n", cores,
                               cores > 4 ? 4 : cores);
                for (int pass = 0; pass < 2; pass++) {
                        ps_socket_list *l = NULL;
                        int r = list_tcp_listeners(pass == 0, &l);
                        size_t once = 0;
                        for (size_t i = 0; r == 0 && i < N; i++) {
                                const ps_socket *s = find(l, inodes[i]);
                                if (s && s->n_pids == 1 && s->pids[0] == getpid())
                                        once++;
                                else
                                        printf("#   the socket at fd %d: %zu owners\n", at[i],
                                               s ? s->n_pids : 0);
                        }
                        ok(once == N,
                           pass ? "a table of %d fds: each socket's one owner, in a full scan"
                                : "a table of %d fds: each socket found once, in a pid query",
                           TABLE);
                        ps_socket_list_free(l);
                }
        } else {
                tap_skip("cannot fill a table of 3000 fds here");
        }
        for (int fd = 10; fd <= HIGH; fd++)
                if (mine[fd])
                        close(fd);
        close(null);
}

/* A socket two processes hold, each on two fds: two owners, each once, by pid. */
static void test_shared_owners(void)
{
        int l = open_bound(AF_INET, SOCK_STREAM), hold[2];
        int l2 = l >= 0 ? dup(l) : -1;
        if (l2 < 0 || pipe(hold) < 0) {
                tap_skip("cannot open a loopback listener here");
                return;
        }
        fflush(stdout);
        pid_t child = fork();
        if (child == 0) {
                char c;
                close(hold[1]);
                (void)!read(hold[0], &c, 1);
                _exit(0);
        }
        close(hold[0]);
        ps_socket_query q;
        ps_socket_list *list = NULL;
        ps_socket_query_init(&q);
        q.flags = PS_QUERY_NETLINK | PS_QUERY_ALL_OWNERS;
        if (child < 0 || ps_socket_list_query(&q, &list) < 0) {
                tap_skip("no sock_diag netlink here");
        } else {
                const ps_socket *s = find(list, inode_of(l));
                int lo = getpid() < child ? getpid() : child,
                    hi = getpid() < child ? child : getpid();
                ok(s && s->n_pids == 2 && s->pids[0] == lo && s->pids[1] == hi,
                   "a listener two processes hold on two fds each: pids %d and %d, each once, in "
                   "order",
                   lo, hi);
        }
        ps_socket_list_free(list);
        close(hold[1]);
        if (child > 0)
                waitpid(child, NULL, 0);
        close(l);
        close(l2);
}

/* The documented order (protocol, family, local port, listeners first,
 * state), then the local address: sockets of one port on several addresses
 * are sorted by the full comparison after the sort by key. */
static void test_order(void)
{
        int fds[3];
        unsigned port = 0;
        for (int i = 0; i < 3; i++) {
                fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
                /* 127.0.0.3, .1, .2: bound out of order */
                a.sin_addr.s_addr = htonl(0x7f000001u + (unsigned)(i + 2) % 3);
                if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a, sizeof(a)) < 0) {
                        tap_skip("cannot bind UDP sockets to 127.0.0.1-3 here");
                        for (int k = 0; k <= i; k++)
                                if (fds[k] >= 0)
                                        close(fds[k]);
                        return;
                }
                port = local_port(fds[i]);
        }
        ps_socket_query q;
        ps_socket_list *l = NULL;
        ps_socket_query_init(&q);
        q.flags = PS_QUERY_NETLINK | PS_QUERY_NO_OWNERS;
        if (ps_socket_list_query(&q, &l) < 0) {
                tap_skip("no sock_diag netlink here");
        } else {
                bool sorted = true;
                for (size_t i = 1; i < l->n; i++) {
                        const ps_socket *a = &l->sockets[i - 1], *b = &l->sockets[i];
                        long d = a->proto != b->proto     ? (long)a->proto - (long)b->proto
                                 : a->family != b->family ? a->family - b->family
                                 : a->local_port != b->local_port
                                         ? (long)a->local_port - (long)b->local_port
                                 : (a->state == PS_STATE_LISTEN) != (b->state == PS_STATE_LISTEN)
                                         ? (a->state == PS_STATE_LISTEN ? -1 : 1)
                                 : a->state != b->state ? (long)a->state - (long)b->state
                                                        : memcmp(a->local_addr, b->local_addr, 16);
                        sorted &= d <= 0;
                }
                ok(sorted, "the list is in the documented order (%zu sockets)", l->n);
                int seen = 0;
                for (size_t i = 0; i < l->n; i++)
                        if (l->sockets[i].proto == PS_PROTO_UDP && l->sockets[i].local_port == port)
                                seen = seen * 10 + l->sockets[i].local_addr[3];
                is_int(seen, 123, "three sockets of one port come by address: 127.0.0.1, .2, .3");
        }
        ps_socket_list_free(l);
        for (int i = 0; i < 3; i++)
                close(fds[i]);
}

/* In a network namespace of its own, with a UDP socket of one family only:
 * the dump of the family that has none is skipped (sockstat counts none),
 * the other still finds its socket. 0 when found, 1 when not, 77 to skip. */
static int udp_one_family(int family)
{
        if (unshare(CLONE_NEWNET) < 0)
                return 77;
        /* Loopback comes up with ip(8); binding to the wildcard needs no link. */
        int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return 77;
        struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
        if (bind(fd, (struct sockaddr *)&ss,
                 family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) < 0)
                return 77;
        ps_socket_query q;
        ps_socket_list *l = NULL;
        ps_socket_query_init(&q);
        q.flags = PS_QUERY_NETLINK | PS_QUERY_NO_OWNERS;
        q.protocols = 1u << PS_PROTO_UDP;
        if (ps_socket_list_query(&q, &l) < 0)
                return 1;
        const ps_socket *s = find(l, inode_of(fd));
        bool good = s && s->family == (family == AF_INET ? 4 : 6) &&
                    s->local_port == local_port(fd) && l->n == 1;
        ps_socket_list_free(l);
        return good ? 0 : 1;
}

static void test_udp_families(void)
{
        for (int f = 0; f < 2; f++) {
                int family = f ? AF_INET6 : AF_INET;
                fflush(stdout);
                pid_t pid = fork();
                if (pid == 0)
                        _exit(udp_one_family(family));
                int st = 0;
                if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
                    WEXITSTATUS(st) == 77) {
                        tap_skip("no network namespace of our own here (needs root)");
                        continue;
                }
                ok(WEXITSTATUS(st) == 0,
                   "a namespace whose only UDP socket is IPv%d: found, and only it", f ? 6 : 4);
        }
}

/* ps_socket_addr() against inet_ntop(), which it replaces for IPv4 and for
 * IPv6's "::" and "::1": the same text for addresses around those. */
static void test_addr_text(void)
{
        static const char *const v6[] = { "::",          "::1",
                                          "::2",         "::100",
                                          "1::",         "::1:0:0:1",
                                          "fe80::1",     "::ffff:1.2.3.4",
                                          "2001:db8::1", "1:2:3:4:5:6:7:8" };
        static const char *const v4[] = { "0.0.0.0", "127.0.0.1", "10.0.0.9", "255.255.255.255",
                                          "1.20.100.0" };
        size_t same_text = 0, total = 0;
        for (int f = 0; f < 2; f++) {
                size_t n = f ? sizeof(v6) / sizeof(v6[0]) : sizeof(v4) / sizeof(v4[0]);
                for (size_t i = 0; i < n; i++, total++) {
                        ps_socket sk = { .family = f ? 6 : 4 };
                        char want[64], got[64];
                        const char *in = f ? v6[i] : v4[i];
                        if (inet_pton(f ? AF_INET6 : AF_INET, in, sk.local_addr) != 1 ||
                            !inet_ntop(f ? AF_INET6 : AF_INET, sk.local_addr, want, sizeof(want)))
                                continue;
                        if (!strcmp(ps_socket_addr(&sk, false, got, sizeof(got)), want))
                                same_text++;
                        else
                                printf("#   %s: \"%s\", inet_ntop \"%s\"\n", in, got, want);
                }
        }
        ok(same_text == total, "address text: %zu of %zu addresses as inet_ntop() writes them",
           same_text, total);
}

int main(void)
{
        signal(SIGPIPE, SIG_IGN);
        test_names();
        test_addr_text();
        test_fixture();
        test_malformed();
        test_live();
        test_fd_holes();
        test_fd_table_slices();
        test_udp_families();
        test_order();
        test_shared_owners();
        return tap_done();
}
