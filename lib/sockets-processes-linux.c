/* SPDX-License-Identifier: MIT */
/* Processes on Linux: who holds which socket (PROC_ROOT/PID/fd) and what each
 * process is (comm, cmdline, status, cgroup, ns/net). Processes may exit at any
 * moment; a vanished one is skipped, never an error. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "dynbuf.h"
#include "fileio.h"
#include "macro.h"
#include "parse.h"
#include "ps-limits.h"
#include "registry-set.h"
#include "sockets-internal.h"
#include "utf8.h"
#include "util.h"

#define CMDLINE_CUT_MARK " [...]"
#define UID_SET_MAX 64
/* Numbers looked up in vain before the listing is read instead: a few, plus
 * a sixteenth of the open files for tables with holes. */
#define MISS_BUDGET(nopen) (2 + (nopen) / 16)

/* A process with this many open files, and at most PROBE_TARGETS sockets
 * still without an owner, is first searched by bisection. */
#define PROBE_MIN_FDS 256
#define PROBE_TARGETS 16
/* Files that are not sockets skipped around a probe before giving up. */
#define PROBE_SKIP 8

/* Socket inode -> index: key and value side by side, one cache line per
 * lookup (10,000 lookups an ls on a busy server). lo and hi bound the keys:
 * most files that are no wanted socket fall outside and need no lookup. */
struct inode_slot {
        uint64_t key;
        size_t val;
};

struct inode_map {
        struct inode_slot *slots;
        size_t mask;
        uint64_t lo, hi;
};

static size_t hash64(uint64_t k)
{
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdULL;
        k ^= k >> 33;
        return (size_t)k;
}

static int map_init(struct inode_map *m, size_t n)
{
        /* At most three quarters full: 6,000 sockets take 128 KB, not 256. */
        size_t size = 16;
        while (size < n + n / 3)
                size *= 2;
        m->slots = calloc(size, sizeof(*m->slots));
        m->mask = size - 1;
        m->lo = UINT64_MAX;
        m->hi = 0;
        return m->slots ? 0 : -ENOMEM;
}

static void map_put(struct inode_map *m, uint64_t k, size_t v)
{
        size_t i = hash64(k) & m->mask;
        while (m->slots[i].key && m->slots[i].key != k)
                i = (i + 1) & m->mask;
        m->slots[i] = (struct inode_slot){ k, v };
        if (k < m->lo)
                m->lo = k;
        if (k > m->hi)
                m->hi = k;
}

static bool map_get(const struct inode_map *m, uint64_t k, size_t *v)
{
        if (k < m->lo || k > m->hi)
                return false;
        size_t i = hash64(k) & m->mask;
        while (m->slots[i].key) {
                if (m->slots[i].key == k) {
                        *v = m->slots[i].val;
                        return true;
                }
                i = (i + 1) & m->mask;
        }
        return false;
}

struct owner {
        size_t idx;
        int pid;
};

struct scan_state {
        const ps_socket *socks;
        size_t n_socks;
        int procfd;
        struct inode_map map;
        bool *found;
        size_t remaining;
        struct owner *owners;
        size_t n_owners, alloc_owners;
        ps_owner_scan out;
        bool all_owners;
        bool counts;      /* fd directory sizes count open files (procfs, Linux 6.2+) */
        unsigned threads; /* threads that may read one fd table at once; 0 until asked */
};

static int add_owner(struct scan_state *st, size_t idx, int pid)
{
        if (st->n_owners == st->alloc_owners) {
                /* One owner a socket, mostly: room for that at once, rather
                 * than copies of a doubling array. */
                size_t na = st->alloc_owners   ? st->alloc_owners * 2
                            : st->n_socks > 64 ? st->n_socks
                                               : 64;
                struct owner *p = realloc(st->owners, na * sizeof(*p));
                if (!p)
                        return -ENOMEM;
                st->owners = p;
                st->alloc_owners = na;
        }
        st->owners[st->n_owners++] = (struct owner){ idx, pid };
        if (!st->found[idx]) {
                st->found[idx] = true;
                st->remaining--;
        }
        return 0;
}

static void note_unreadable(struct scan_state *st, int err)
{
        if (!st->out.n_unreadable++)
                st->out.unreadable_error = -err;
}

/* "socket:[12345]" gives 12345; anything else 0. By hand: once per open
 * file of every process, 10,000 times an ls on a busy server. */
static uint64_t socket_inode(const char *s, size_t n)
{
        uint64_t v = 0;
        /* 19 digits at most: no overflow to check digit by digit. */
        if (n < 10 || n > 8 + 19 + 1 || memcmp(s, "socket:[", 8) || s[n - 1] != ']')
                return 0;
        for (size_t i = 8; i < n - 1; i++) {
                unsigned d = (unsigned)(s[i] - '0');
                if (d > 9)
                        return 0;
                v = v * 10 + d;
        }
        return v;
}

/* The socket inode that one fd of the process refers to, in *ret_ino (0 for
 * a file that is no socket); -1 when the fd is not open (or *denied, when it
 * may not be read), else 0. */
static int fd_inode(int dfd, const char *name, uint64_t *ret_ino, bool *denied)
{
        char link[64];
        ssize_t n = readlinkat(dfd, name, link, sizeof(link));
        if (n < 0) {
                if (errno == EACCES || errno == EPERM)
                        *denied = true;
                return -1;
        }
        *ret_ino = socket_inode(link, (size_t)n);
        return 0;
}

/* Reads the link of one fd of the process: -1 when the fd is not open (or
 * *denied, when it may not be read), 1 when it is a socket of the map, its
 * index in *ret_idx, else 0. */
static int read_fd(const struct inode_map *m, int dfd, const char *name, size_t *ret_idx,
                   bool *denied)
{
        uint64_t ino;
        if (fd_inode(dfd, name, &ino, denied) < 0)
                return -1;
        return ino && map_get(m, ino, ret_idx);
}

/* Looks one fd of the process up; 1 when it exists, 0 when not, or -ENOMEM. */
static int scan_fd(struct scan_state *st, int dfd, const char *name, int pid, bool *denied)
{
        size_t idx;
        int r = read_fd(&st->map, dfd, name, &idx, denied);
        if (r > 0 && add_owner(st, idx, pid) < 0)
                return -ENOMEM;
        return r >= 0;
}

/* "123": an fd's name in /proc/PID/fd, without printf's cost per fd. */
static void fd_name(unsigned fd, char buf[16])
{
        char tmp[16];
        size_t n = 0;
        do {
                tmp[n++] = (char)('0' + fd % 10);
                fd /= 10;
        } while (fd);
        for (size_t i = 0; i < n; i++)
                buf[i] = tmp[n - 1 - i];
        buf[n] = '\0';
}

/* The next fd's name, in place ("129" to "130", "99" to "100"): a table
 * is read in fd order, and converting each number anew cost more. */
static void fd_name_next(char buf[16])
{
        size_t n = strlen(buf);
        for (size_t i = n; i-- > 0;) {
                if (buf[i] != '9') {
                        buf[i]++;
                        return;
                }
                buf[i] = '0';
        }
        memmove(buf + 1, buf, n + 1);
        buf[0] = '1';
}

static bool done(const struct scan_state *st)
{
        return !st->all_owners && st->remaining == 0;
}

/* "123" gives 123; anything else -1. */
static long fd_number(const char *s)
{
        uint64_t v;
        return ps_parse_uint(s, 0x3fffffff, &v) < 0 ? -1 : (long)v;
}

/* A process with this many open files has its table read by several threads
 * at once, one a core: the readlinks are most of an ls on a busy server, and
 * each costs the kernel the same on any core (docs/benchmarks.md). */
#define PARALLEL_MIN_FDS 2048
/* And at most this many: the threads' findings take 8 bytes an fd (8 MiB
 * here); a larger table is read by one thread, which needs no such room. */
#define PARALLEL_MAX_FDS (1u << 20)
/* Threads reading one table, the caller's included, and each one's stack:
 * reading needs a few hundred bytes of it. */
#define PARALLEL_MAX 4
#define READER_STACK (64 * 1024)
/* fds a thread takes at a time. Taken one after another, not split in equal
 * parts up front: a thread on a core that something else keeps busy then
 * reads less of the table, and the others do not wait for it at the end (an
 * even split made ls slower with one core busy than one thread was). */
#define CHUNK 256

/* One fd table read by several threads. Each chunk of CHUNK fds is read by
 * one thread, which writes only that chunk's part of hits and n_hits; the
 * rest is read-only but for next, under lock. */
struct table_read {
        const struct inode_map *map;
        int dfd;
        unsigned nopen, n_chunks;
        size_t *hits;     /* chunk c's socket indexes at hits + c * CHUNK */
        unsigned *n_hits; /* per chunk */
        pthread_mutex_t lock;
        unsigned next; /* the next chunk to take */
};

/* One thread's share: the fds it found open, and whether one was denied. */
struct table_reader {
        struct table_read *t;
        size_t open;
        bool denied;
        bool started;
        pthread_t thread;
};

static void *read_chunks(void *arg)
{
        struct table_reader *w = arg;
        struct table_read *t = w->t;
        char name[16];
        while (!w->denied) {
                pthread_mutex_lock(&t->lock);
                unsigned c = t->next < t->n_chunks ? t->next++ : t->n_chunks;
                pthread_mutex_unlock(&t->lock);
                if (c == t->n_chunks)
                        break;
                unsigned lo = c * CHUNK, hi = lo + CHUNK < t->nopen ? lo + CHUNK : t->nopen;
                size_t *hits = t->hits + lo;
                unsigned n = 0;
                fd_name(lo, name);
                for (unsigned fd = lo; fd < hi && !w->denied; fd++, fd_name_next(name)) {
                        size_t idx;
                        int r = read_fd(t->map, t->dfd, name, &idx, &w->denied);
                        w->open += r >= 0;
                        if (r > 0)
                                hits[n++] = idx;
                }
                t->n_hits[c] = n;
        }
        return NULL;
}

/* The cores this thread may run on, at most PARALLEL_MAX. */
static unsigned usable_cores(void)
{
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof(set), &set) < 0)
                return 1;
        int n = CPU_COUNT(&set);
        return n < 2 ? 1 : n > PARALLEL_MAX ? PARALLEL_MAX : (unsigned)n;
}

/* Reads fds [0, nopen) with st->threads threads, the caller's one of them;
 * *ret_open is how many are open. Threads that cannot start leave the work
 * to the others. The owners are recorded in fd order, as one thread would.
 * 1 when there is no memory for the threads' findings: the caller then reads
 * the table alone. */
static int scan_parallel(struct scan_state *st, int dfd, int pid, unsigned nopen, bool *denied,
                         size_t *ret_open)
{
        struct table_reader w[PARALLEL_MAX] = { 0 };
        struct table_read t = {
                .map = &st->map, .dfd = dfd, .nopen = nopen, .n_chunks = (nopen + CHUNK - 1) / CHUNK
        };
        _cleanup_free_ size_t *hits = malloc((size_t)nopen * sizeof(*hits));
        _cleanup_free_ unsigned *n_hits = calloc(t.n_chunks, sizeof(*n_hits));
        pthread_attr_t attr;
        if (!hits || !n_hits || pthread_mutex_init(&t.lock, NULL) != 0)
                return 1;
        t.hits = hits;
        t.n_hits = n_hits;
        bool attr_ok = pthread_attr_init(&attr) == 0;
        if (attr_ok)
                (void)pthread_attr_setstacksize(&attr, READER_STACK);
        for (unsigned i = 0; i < st->threads; i++) {
                w[i].t = &t;
                if (i > 0)
                        w[i].started = pthread_create(&w[i].thread, attr_ok ? &attr : NULL,
                                                      read_chunks, &w[i]) == 0;
        }
        if (attr_ok)
                pthread_attr_destroy(&attr);
        read_chunks(&w[0]);
        size_t open = 0;
        for (unsigned i = 0; i < st->threads; i++) {
                if (w[i].started)
                        pthread_join(w[i].thread, NULL);
                open += w[i].open;
                *denied |= w[i].denied;
        }
        pthread_mutex_destroy(&t.lock);
        for (unsigned c = 0; c < t.n_chunks; c++)
                for (unsigned j = 0; j < n_hits[c]; j++)
                        if (add_owner(st, hits[(size_t)c * CHUNK + j], pid) < 0)
                                return -ENOMEM;
        *ret_open = open;
        return 0;
}

/*
 * Since Linux 6.2 the fd directory's size is the number of open files: then
 * the fds are looked up by number, which spares the kernel building a
 * directory listing (for each entry it looks up and caches the fd's dentry,
 * as costly as the readlink that follows). A table with holes (a shell holds
 * 0, 1, 2 and 255) runs out of its budget of misses; the listing then
 * supplies the fds from *next on.
 */
static int scan_by_number(struct scan_state *st, int dfd, int pid, size_t nopen, bool *denied,
                          bool *complete, unsigned *next)
{
        char name[16];
        size_t found = 0, misses = 0;
        unsigned fd = 0;
        /* A big table, of a process holding many of the sockets looked for,
         * is read by several threads first; the lookups below then go on
         * past its holes. */
        bool big = nopen >= PARALLEL_MIN_FDS && nopen <= PARALLEL_MAX_FDS &&
                   (st->all_owners || st->remaining > PROBE_TARGETS);
        /* The cores are counted at the first big table: most scans meet none. */
        if (big && !st->threads)
                st->threads = usable_cores();
        if (big && st->threads > 1) {
                int r = scan_parallel(st, dfd, pid, (unsigned)nopen, denied, &found);
                if (r < 0)
                        return r;
                if (r == 0) {
                        fd = (unsigned)nopen;
                        misses = nopen - found;
                }
        }
        fd_name(fd, name);
        for (; found < nopen && !*denied && !done(st); fd++, fd_name_next(name)) {
                if (misses > MISS_BUDGET(nopen)) {
                        *complete = false;
                        *next = fd;
                        return 0;
                }
                int r = scan_fd(st, dfd, name, pid, denied);
                if (r < 0)
                        return r;
                if (r)
                        found++;
                else
                        misses++;
        }
        *complete = true;
        *next = fd;
        return 0;
}

/* The inode of the socket at fd, or of the first socket among the next
 * PROBE_SKIP fds; 0 when there is none. *at is where it was found. */
static uint64_t probe_socket(int dfd, unsigned fd, unsigned *at, bool *denied)
{
        char name[16];
        for (unsigned k = 0; k <= PROBE_SKIP && !*denied; k++) {
                uint64_t ino;
                fd_name(fd + k, name);
                if (fd_inode(dfd, name, &ino, denied) == 0 && ino) {
                        *at = fd + k;
                        return ino;
                }
        }
        return 0;
}

/*
 * A server holding thousands of sockets opened them one after another, and
 * the kernel numbers socket inodes in the order it creates them: its fd
 * table is then sorted by inode, mostly. Each socket still without an owner
 * is looked for by bisection over the fd numbers (a dozen readlinks, not
 * thousands). A table that is not sorted only makes a search miss; the
 * listing that follows finds what the searches did not.
 */
static int probe_process(struct scan_state *st, int dfd, int pid, size_t nopen, bool *denied)
{
        for (size_t i = 0; i < st->n_socks && !*denied && !done(st); i++) {
                uint64_t want = st->socks[i].inode;
                if (!want || st->found[i])
                        continue;
                /* A table with a quarter of holes still ends below hi. */
                unsigned lo = 0, hi = (unsigned)(nopen + nopen / 4 + PROBE_SKIP);
                while (lo < hi && !*denied) {
                        unsigned mid = lo + (hi - lo) / 2, at;
                        uint64_t ino = probe_socket(dfd, mid, &at, denied);
                        if (!ino) {
                                hi = mid; /* past the table's end, most likely */
                                continue;
                        }
                        if (ino == want) {
                                size_t idx;
                                if (map_get(&st->map, ino, &idx) && add_owner(st, idx, pid) < 0)
                                        return -ENOMEM;
                                break;
                        }
                        if (ino < want)
                                lo = at + 1;
                        else
                                hi = mid;
                }
        }
        return 0;
}

static int scan_process(struct scan_state *st, int pid)
{
        char name[32];
        bool denied = false, complete = false;
        unsigned next = 0;
        int r = 0;
        snprintf(name, sizeof(name), "%d/fd", pid);
        int dfd = openat(st->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                if (errno == EACCES || errno == EPERM)
                        note_unreadable(st, errno);
                return 0; /* ENOENT, ESRCH: it exited. */
        }
        st->out.n_processes++;
        struct stat sb;
        if (st->counts && fstat(dfd, &sb) == 0) {
                /* Size 0: no open files (a kernel thread, a zombie). */
                if (sb.st_size == 0)
                        complete = true;
                else if (!st->all_owners && sb.st_size >= PROBE_MIN_FDS &&
                         st->remaining <= PROBE_TARGETS &&
                         (r = probe_process(st, dfd, pid, (size_t)sb.st_size, &denied)) < 0) {
                        close(dfd);
                        return r;
                }
                if (complete || done(st) || denied)
                        ;
                else if ((r = scan_by_number(st, dfd, pid, (size_t)sb.st_size, &denied, &complete,
                                             &next)) < 0) {
                        close(dfd);
                        return r;
                }
        }
        if (!complete && !denied && !done(st)) {
                /* procfs numbers an fd's entry fd + 2 (after "." and ".."): the
                 * listing then starts where the lookups by number stopped. */
                if (next && lseek(dfd, (off_t)next + 2, SEEK_SET) < 0)
                        (void)lseek(dfd, 0, SEEK_SET);
                DIR *d = fdopendir(dfd);
                if (!d) {
                        close(dfd);
                        return errno == ENOMEM ? -ENOMEM : 0;
                }
                struct dirent *de;
                while (r >= 0 && !denied && !done(st) && (de = readdir(d))) {
                        long fd = fd_number(de->d_name);
                        if (fd >= (long)next)
                                r = scan_fd(st, dfd, de->d_name, pid, &denied);
                }
                closedir(d);
        } else {
                close(dfd);
        }
        if (denied)
                note_unreadable(st, EACCES);
        return r < 0 ? r : 0;
}

static int parse_pid(const char *s)
{
        uint64_t v;
        return ps_parse_uint(s, 0x3fffffff, &v) < 0 ? 0 : (int)v;
}

struct proc_ent {
        int pid;
        unsigned uid;
        bool have_uid;
};

static int list_processes(struct scan_state *st, struct proc_ent **ret, size_t *ret_n)
{
        int dfd = dup(st->procfd);
        if (dfd < 0)
                return -errno;
        DIR *d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return -errno;
        }
        struct proc_ent *v = NULL;
        size_t n = 0, alloc = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                int pid = parse_pid(de->d_name);
                if (pid <= 0)
                        continue;
                if (n == alloc) {
                        size_t na = alloc ? alloc * 2 : 512;
                        struct proc_ent *p = na <= (1u << 24) ? realloc(v, na * sizeof(*p)) : NULL;
                        if (!p) {
                                free(v);
                                closedir(d);
                                return -ENOMEM;
                        }
                        v = p;
                        alloc = na;
                }
                struct stat sb;
                /* The directory's owner is the process's effective uid. */
                bool have = fstatat(st->procfd, de->d_name, &sb, 0) == 0;
                v[n++] = (struct proc_ent){ pid, have ? sb.st_uid : 0, have };
        }
        closedir(d);
        *ret = v;
        *ret_n = n;
        return 0;
}

/* The namespace the walk saw pid in, 0 when it did not. */
static uint64_t pid_netns(const struct ps_pid_netns *m, int pid)
{
        size_t lo = 0, hi = m->n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (m->v[mid].pid < pid)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < m->n && m->v[lo].pid == pid ? m->v[lo].ns : 0;
}

int ps_owners_scan(const char *proc_root, ps_socket *socks, size_t n, int only_pid, bool all_owners,
                   const struct ps_pid_netns *netns, ps_owner_scan *ret_scan)
{
        struct scan_state st = {
                .socks = socks, .n_socks = n, .procfd = -1, .all_owners = all_owners
        };
        struct proc_ent *procs = NULL;
        size_t n_procs = 0;
        unsigned uids[UID_SET_MAX];
        uint64_t nss[UID_SET_MAX];
        size_t n_uids = 0, n_nss = 0;
        bool narrow = true, narrow_ns = netns && netns->mine;
        int r = 0;

        const char *root = proc_root && *proc_root ? proc_root : "/proc";
        if ((r = map_init(&st.map, n)) < 0)
                return r;
        st.found = calloc(n ? n : 1, sizeof(bool));
        if (!st.found) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < n; i++) {
                if (!socks[i].inode)
                        continue;
                map_put(&st.map, socks[i].inode, i);
                st.remaining++;
                size_t k = 0;
                while (k < n_uids && uids[k] != socks[i].uid)
                        k++;
                if (k == n_uids) {
                        if (n_uids < UID_SET_MAX)
                                uids[n_uids++] = socks[i].uid;
                        else
                                narrow = false;
                }
                uint64_t ns = socks[i].netns ? socks[i].netns : narrow_ns ? netns->mine : 0;
                for (k = 0; k < n_nss && nss[k] != ns; k++)
                        ;
                if (k == n_nss) {
                        if (n_nss < UID_SET_MAX)
                                nss[n_nss++] = ns;
                        else
                                narrow_ns = false;
                }
        }
        if (st.remaining == 0 && !only_pid)
                goto done;
        st.procfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (st.procfd < 0) {
                /* No process tree to look at: every owner stays unknown. */
                note_unreadable(&st, errno);
                goto done;
        }
        struct statfs sfs;
        /* Our own fd table holds at least procfd: a size of 0 means an older
         * kernel, where fd directories have no size. */
        struct stat self;
        st.counts = fstatfs(st.procfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
                    fstatat(st.procfd, "self/fd", &self, 0) == 0 && self.st_size > 0;
        if (only_pid) {
                r = scan_process(&st, only_pid);
                goto done;
        }
        if ((r = list_processes(&st, &procs, &n_procs)) < 0)
                goto out;
        /* Processes running as one of the sockets' owners come first (the
         * creator usually still holds its socket), and of those first the ones
         * in a socket's network namespace: with containers or a namespace of
         * one's own, most processes of the same user are elsewhere. Pass p
         * looks at the processes of rank p, in pid order. */
        for (int pass = 0; pass < 4 && !r; pass++) {
                for (size_t i = 0; i < n_procs && !r; i++) {
                        bool match = !narrow, in_ns = !narrow_ns;
                        for (size_t k = 0; k < n_uids && procs[i].have_uid && !match; k++)
                                match = uids[k] == procs[i].uid;
                        if (!in_ns) {
                                uint64_t ns = pid_netns(netns, procs[i].pid);
                                for (size_t k = 0; k < n_nss && !in_ns; k++)
                                        in_ns = nss[k] == ns;
                        }
                        if ((match ? 0 : 2) + (in_ns ? 0 : 1) != pass)
                                continue;
                        r = scan_process(&st, procs[i].pid);
                        if (!all_owners && st.remaining == 0)
                                goto done;
                }
        }
        if (r < 0)
                goto out;
done:;
        /* Each socket's owners, by pid: counted into place in pids (one
         * owner a socket, mostly), then each socket's few sorted. qsort() of
         * 6,000 owners was a tenth of ls's time in user space. */
        int *pids = malloc((st.n_owners ? st.n_owners : 1) * sizeof(int));
        size_t *at = calloc(n + 1, sizeof(*at));
        if (!pids || !at) {
                free(pids);
                free(at);
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < st.n_owners; i++)
                at[st.owners[i].idx + 1]++;
        for (size_t i = 0; i < n; i++)
                at[i + 1] += at[i];
        for (size_t i = 0; i < st.n_owners; i++)
                pids[at[st.owners[i].idx]++] = st.owners[i].pid;
        /* at[i] is now where socket i's owners end. */
        size_t m = 0;
        for (size_t i = 0, start = 0; i < n; start = at[i], i++) {
                int *v = pids + start;
                size_t k = at[i] - start;
                for (size_t a = 1; a < k; a++) {
                        int x = v[a];
                        size_t b = a;
                        for (; b > 0 && v[b - 1] > x; b--)
                                v[b] = v[b - 1];
                        v[b] = x;
                }
                /* Packed towards the front: a process holding the same socket
                 * on two fds counts once. */
                socks[i].pids = pids + m;
                socks[i].n_pids = 0;
                for (size_t a = 0; a < k; a++) {
                        if (socks[i].n_pids && pids[m - 1] == v[a])
                                continue;
                        pids[m++] = v[a];
                        socks[i].n_pids++;
                }
                if (socks[i].n_pids)
                        socks[i].owner_error = 0;
                else if (socks[i].inode && st.out.n_unreadable)
                        socks[i].owner_error = st.out.unreadable_error;
                else
                        socks[i].owner_error = -ENOENT;
        }
        free(at);
        st.out.pids = pids;
        *ret_scan = st.out;
        r = 0;
out:
        if (st.procfd >= 0)
                close(st.procfd);
        free(procs);
        free(st.owners);
        free(st.found);
        free(st.map.slots);
        return r;
}

/* Reads a small file below dirfd into a capped, NUL-terminated buffer. */
static char *strdup_or_empty(const char *s, size_t n)
{
        char *p = malloc(n + 1);
        if (p) {
                memcpy(p, s, n);
                p[n] = '\0';
        }
        return p;
}

/* Replaces bytes that would garble a terminal, and bytes that are not
 * UTF-8: a process names itself, and a name JSON cannot carry would drop
 * the process (and its audit findings) from every JSON document. */
static void sanitize(char *s)
{
        ps_text_sanitize(s);
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
        size_t k = strlen(suffix);
        return n >= k && !memcmp(s + n - k, suffix, k);
}

static bool is_hex_id(const char *s, size_t n)
{
        if (n < 12)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
                        return false;
        return true;
}

static char *container_id(const char *runtime, const char *id, size_t n)
{
        char buf[160];
        if (n > 12 && is_hex_id(id, n))
                n = 12;
        if (n > 100)
                n = 100;
        snprintf(buf, sizeof(buf), "%s:%.*s", runtime, (int)n, id);
        return strdup(buf);
}

PS_EXPORT int ps_cgroup_parse(const char *path, char **ret_unit, char **ret_container)
{
        static const struct {
                const char *prefix, *suffix, *runtime;
        } scopes[] = {
                { "docker-", ".scope", "docker" },
                { "libpod-conmon-", ".scope", "podman" },
                { "libpod-", ".scope", "podman" },
                { "crio-", ".scope", "cri-o" },
                { "cri-containerd-", ".scope", "containerd" },
                { "machine-", ".scope", "machine" },
                { "lxc.payload.", "", "lxc" },
        };
        const char *unit = NULL, *cont = NULL, *runtime = NULL;
        size_t unit_len = 0, cont_len = 0;
        const char *prev = NULL;
        size_t prev_len = 0;
        bool kube = false;

        if (!path)
                return -EINVAL;
        for (const char *p = path; *p;) {
                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                const char *c = p;
                while (*p && *p != '/')
                        p++;
                size_t n = (size_t)(p - c);
                if (ends_with(c, n, ".service") || ends_with(c, n, ".scope")) {
                        unit = c;
                        unit_len = n;
                }
                if (n >= 8 && !memcmp(c, "kubepods", 8))
                        kube = true;
                for (size_t i = 0; i < PS_ELEMENTSOF(scopes); i++) {
                        size_t pl = strlen(scopes[i].prefix), sl = strlen(scopes[i].suffix);
                        if (n > pl + sl && !memcmp(c, scopes[i].prefix, pl) &&
                            ends_with(c, n, scopes[i].suffix)) {
                                cont = c + pl;
                                cont_len = n - pl - sl;
                                runtime = scopes[i].runtime;
                                break;
                        }
                }
                /* cgroupfs drivers: /docker/ID, /lxc/NAME, /kubepods/.../ID. */
                if (prev && !cont) {
                        if (prev_len == 6 && !memcmp(prev, "docker", 6) && is_hex_id(c, n)) {
                                cont = c, cont_len = n, runtime = "docker";
                        } else if (prev_len == 3 && !memcmp(prev, "lxc", 3)) {
                                cont = c, cont_len = n, runtime = "lxc";
                        }
                }
                if (kube && is_hex_id(c, n))
                        cont = c, cont_len = n, runtime = "kubernetes";
                prev = c;
                prev_len = n;
        }
        char *u = NULL, *k = NULL;
        if (ret_unit && !(u = unit ? strdup_or_empty(unit, unit_len) : strdup("")))
                return -ENOMEM;
        if (ret_container && !(k = cont ? container_id(runtime, cont, cont_len) : strdup(""))) {
                free(u);
                return -ENOMEM;
        }
        if (ret_unit) {
                sanitize(u);
                *ret_unit = u;
        }
        if (ret_container) {
                sanitize(k);
                *ret_container = k;
        }
        return 0;
}

uint64_t ps_netns_at(int dirfd, const char *path)
{
        char link[64];
        ssize_t n = readlinkat(dirfd, path, link, sizeof(link) - 1);
        uint64_t v = 0;
        if (n < 7 || memcmp(link, "net:[", 5) || link[n - 1] != ']' ||
            ps_parse_uint_n(link + 5, (size_t)n - 6, UINT64_MAX, &v) < 0)
                return 0;
        return v;
}

PS_EXPORT void ps_process_free(ps_process *p)
{
        if (!p)
                return;
        free(p->name);
        free(p->cmdline);
        free(p->exe_basename);
        free(p->cgroup);
        free(p->unit);
        free(p->container);
        free(p);
}

PS_EXPORT int ps_process_read(const char *proc_root, int pid, ps_process **ret_proc)
{
        const char *root = proc_root && *proc_root ? proc_root : "/proc";
        char path[4096];
        char *b;
        size_t len;
        int r;

        if (pid <= 0)
                return -EINVAL;
        if ((size_t)snprintf(path, sizeof(path), "%s/%d", root, pid) >= sizeof(path))
                return -ENAMETOOLONG;
        int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        ps_process *p = calloc(1, sizeof(*p));
        if (!p) {
                close(dfd);
                return -ENOMEM;
        }
        p->pid = pid;

        /* Every file is read only if it is a regular one: a FIFO planted
         * in a --proc-root tree is refused rather than waited on. */
        if (ps_read_full_at(dfd, "comm", PS_PROC_COMM_MAX, PS_READ_TRUNCATE, &b, &len, NULL) >= 0) {
                b[strcspn(b, "\n")] = '\0';
                p->name = b;
        }
        r = ps_read_full_at(dfd, "cmdline", PS_PROC_CMDLINE_MAX, PS_READ_TRUNCATE, &b, &len, NULL);
        if (r >= 0) {
                bool cut = r > 0;
                while (len && b[len - 1] == '\0')
                        len--;
                const char *arg0 = b;
                size_t a0 = strnlen(b, len);
                const char *slash = memrchr(arg0, '/', a0);
                p->exe_basename =
                        slash ? strdup_or_empty(slash + 1, a0 - (size_t)(slash + 1 - arg0))
                              : strdup_or_empty(arg0, a0);
                for (size_t i = 0; i < len; i++)
                        if (b[i] == '\0')
                                b[i] = ' ';
                b[len] = '\0';
                /* A cut command line says so at its end. */
                if (cut) {
                        char *m = realloc(b, len + sizeof(CMDLINE_CUT_MARK));
                        if (m)
                                memcpy(m + len, CMDLINE_CUT_MARK, sizeof(CMDLINE_CUT_MARK));
                        b = m ? m : b;
                }
                p->cmdline = b;
        }
        if (ps_read_full_at(dfd, "status", PS_PROC_FILE_MAX, 0, &b, &len, NULL) >= 0) {
                /* "Uid:\treal\teffective\tsaved\tfs": the effective one counts. */
                const char *u = strstr(b, "\nUid:");
                uint64_t euid;
                if (u) {
                        u += 5 + strspn(u + 5, " \t");
                        u += strspn(u, "0123456789");
                        u += strspn(u, " \t");
                        if (ps_parse_uint_n(u, strspn(u, "0123456789"), UINT32_MAX, &euid) == 0) {
                                p->uid = (unsigned)euid;
                                p->have_uid = true;
                        }
                }
                free(b);
        }
        if (ps_read_full_at(dfd, "cgroup", PS_PROC_FILE_MAX, 0, &b, &len, NULL) >= 0) {
                /* The unified hierarchy's line is "0::/path"; else systemd's v1 one. */
                const char *line = NULL;
                for (char *s = b; s && *s;) {
                        char *nl = strchr(s, '\n');
                        if (nl)
                                *nl = '\0';
                        if (!strncmp(s, "0::", 3))
                                line = s + 3;
                        else if (!line && strstr(s, ":name=systemd:"))
                                line = strstr(s, ":name=systemd:") + 14;
                        s = nl ? nl + 1 : NULL;
                }
                p->cgroup = strdup(line ? line : "");
                free(b);
                if (p->cgroup && (r = ps_cgroup_parse(p->cgroup, &p->unit, &p->container)) < 0)
                        goto fail;
        }
        p->netns = ps_netns_at(dfd, "ns/net");
        if (p->netns) {
                /* One readlink, not an open, a readlink and a close per process. */
                char self[4096];
                uint64_t mine =
                        (size_t)snprintf(self, sizeof(self), "%s/self/ns/net", root) < sizeof(self)
                                ? ps_netns_at(AT_FDCWD, self)
                                : 0;
                p->netns_foreign = mine && mine != p->netns;
        }
        close(dfd);
        dfd = -1;

        char **fields[] = { &p->name,   &p->cmdline, &p->exe_basename,
                            &p->cgroup, &p->unit,    &p->container };
        for (size_t i = 0; i < PS_ELEMENTSOF(fields); i++) {
                if (!*fields[i] && !(*fields[i] = strdup(""))) {
                        r = -ENOMEM;
                        goto fail;
                }
                sanitize(*fields[i]);
        }
        /* A process that exited while we read leaves empty files behind. */
        if (!*p->name && faccessat(AT_FDCWD, path, F_OK, 0) < 0) {
                ps_process_free(p);
                return -ESRCH;
        }
        *ret_proc = p;
        return 0;
fail:
        if (dfd >= 0)
                close(dfd);
        ps_process_free(p);
        return r;
}
