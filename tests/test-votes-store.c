/* SPDX-License-Identifier: MIT */
/* The vote store against real SQLite files and a real PostgreSQL: the rules
 * (one ballot per visitor, page and day; a change replaces), durability
 * across reopening, concurrent casts, a newer schema refused, and faults: a
 * read-only file, a corrupted file, a full disk, PostgreSQL stopped while
 * votes are cast. Run by test-votes-store.sh, as an unprivileged user. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "votes-store.h"

#define DAY 86400
static const time_t T0 = 20000 * (time_t)DAY + 3600;

static int cast(votes_store *s, const char *page, const char *lang, vote_value v, unsigned visitor,
                time_t now, bool *ret_replaced)
{
        struct vote vote = { .page = page,
                             .lang = lang,
                             .value = v,
                             .visitor = &visitor,
                             .visitor_len = sizeof(visitor),
                             .now = now };
        return votes_cast(s, &vote, ret_replaced);
}

/* The tally of one page and language: count[] and the sum over values. */
static uint64_t tally(votes_store *s, const char *page, const char *lang, uint64_t count[3])
{
        struct votes_tally *t = NULL;
        size_t n = 0;
        uint64_t sum = 0;
        if (count)
                memset(count, 0, 3 * sizeof(uint64_t));
        int r = votes_tallies(s, page, &t, &n);
        if (r < 0) {
                char err[256];
                votes_last_error(s, err, sizeof(err));
                printf("# tallies: %s (%s)\n", strerror(-r), err);
                return UINT64_MAX;
        }
        for (size_t i = 0; i < n; i++) {
                if (lang && strcmp(t[i].lang, lang))
                        continue;
                for (int k = 0; k < 3; k++) {
                        sum += t[i].count[k];
                        if (count)
                                count[k] += t[i].count[k];
                }
        }
        free(t);
        return sum;
}

static uint64_t total(votes_store *s)
{
        return tally(s, NULL, NULL, NULL);
}

static votes_store *open_store(const char *where, unsigned flags, int *ret_r)
{
        votes_store *s = NULL;
        char err[256] = "";
        int r = votes_open(where, flags, err, sizeof(err), &s);
        if (ret_r)
                *ret_r = r;
        if (r < 0) {
                printf("# open %s: %s (%s)\n", where, strerror(-r), err);
                return NULL;
        }
        return s;
}

static void rules(const char *where)
{
        votes_store *s = open_store(where, VOTES_OPEN_CREATE, NULL);
        uint64_t c[3];
        bool replaced = true;

        if (!ok(s, "%s: opened", where))
                return;
        is_int(cast(s, "/ports/1712", "en", VOTE_HELPFUL, 1, T0, &replaced), 0, "a vote is stored");
        ok(!replaced, "a first vote replaces nothing");
        is_int(tally(s, "/ports/1712", "en", c), 1, "the tally counts it");
        is_int(c[VOTE_HELPFUL], 1, "as helpful");
        is_int(cast(s, "/ports/1712", "en", VOTE_HELPFUL, 1, T0 + 60, &replaced), 0,
               "the same vote again is accepted");
        ok(replaced, "and replaces the first");
        is_int(tally(s, "/ports/1712", NULL, NULL), 1, "the same vote twice counts once");
        is_int(cast(s, "/ports/1712", "en", VOTE_UNHELPFUL, 1, T0 + 120, &replaced), 0,
               "a changed vote is accepted");
        tally(s, "/ports/1712", "en", c);
        ok(replaced && c[VOTE_HELPFUL] == 0 && c[VOTE_UNHELPFUL] == 1,
           "a changed vote replaces the earlier one the same day");
        is_int(cast(s, "/ports/1712", "de", VOTE_NEUTRAL, 1, T0 + 180, &replaced), 0,
               "a vote in another language");
        ok(replaced && tally(s, "/ports/1712", "en", NULL) == 0 &&
                   tally(s, "/ports/1712", "de", NULL) == 1,
           "moves the visitor's one vote to that language");
        is_int(cast(s, "/ports/1322", "en", VOTE_HELPFUL, 1, T0, &replaced), 0,
               "the same visitor on another page");
        ok(!replaced, "is another vote");
        is_int(cast(s, "/ports/1712", "de", VOTE_HELPFUL, 2, T0, &replaced), 0, "another visitor");
        is_int(tally(s, "/ports/1712", NULL, NULL), 2, "adds to the page's tally");
        uint64_t hashes = 0;
        votes_hash_count(s, &hashes);
        is_int(hashes, 3, "one visitor hash per visitor and page");

        is_int(cast(s, "/ports/1712", "de", VOTE_HELPFUL, 1, T0 + DAY, &replaced), 0,
               "the next day the visitor votes again");
        ok(!replaced, "which adds a vote");
        is_int(tally(s, "/ports/1712", NULL, NULL), 3, "the tally keeps every day's votes");
        votes_hash_count(s, &hashes);
        is_int(hashes, 1, "the previous day's hashes are deleted at the first vote of a day");
        is_int(votes_expire(s, T0 + 2 * DAY), 0, "expiring without a vote");
        votes_hash_count(s, &hashes);
        is_int(hashes, 0, "leaves no hash of an earlier day");

        struct vote bad = { .page = "/ports/1712",
                            .lang = "en",
                            .value = VOTE_HELPFUL,
                            .visitor = "x",
                            .visitor_len = 1,
                            .now = T0 };
        is_int(votes_check(&bad), 0, "a good vote passes the check");
        bad.page = "ports/1712";
        is_int(votes_cast(s, &bad, NULL), -EINVAL, "a page must be a path");
        bad.page = "/ports/17 12";
        is_int(votes_cast(s, &bad, NULL), -EINVAL, "a page has no spaces");
        bad.page = "/ports/1712";
        bad.lang = "en_US<script>";
        is_int(votes_cast(s, &bad, NULL), -EINVAL, "a language is a tag");
        bad.lang = "en";
        bad.value = (vote_value)3;
        is_int(votes_cast(s, &bad, NULL), -EINVAL, "a value is one of three");
        bad.value = VOTE_HELPFUL;
        bad.visitor_len = 0;
        is_int(votes_cast(s, &bad, NULL), -EINVAL, "a visitor is named");

        struct votes_tally *t;
        size_t n;
        for (unsigned p = 8; p <= 10; p++) {
                char page[32];
                snprintf(page, sizeof(page), "/ports/%u", p);
                cast(s, page, "en", VOTE_NEUTRAL, 9, T0 + 3 * DAY, NULL);
        }
        if (ok(votes_tallies(s, NULL, &t, &n) == 0 && n == 6, "every page's tallies")) {
                ok(!strcmp(t[0].page, "/ports/8") && !strcmp(t[2].page, "/ports/10") &&
                           !strcmp(t[4].page, "/ports/1712") && !strcmp(t[4].lang, "de"),
                   "sorted by page in number order, then language");
                free(t);
        }
        votes_close(s);

        s = open_store(where, 0, NULL);
        if (ok(s, "reopened")) {
                is_int(total(s), 7, "every acknowledged vote is still there");
                votes_close(s);
        }
}

struct load {
        votes_store *s;
        unsigned first, count;
        time_t now;
        atomic_uint acked, failed;
        atomic_int last_error;
        atomic_bool stop;
        unsigned char *done; /* per visitor: 1 once acknowledged */
};

struct load_arg {
        struct load *l;
        unsigned slice, slices;
};

static void *load_main(void *p)
{
        struct load_arg *a = p;
        struct load *l = a->l;
        for (unsigned i = a->slice; i < l->count && !l->stop; i += a->slices) {
                char page[32];
                unsigned v = l->first + i;
                if (l->done[i])
                        continue;
                snprintf(page, sizeof(page), "/ports/%u", 1000 + v % 500);
                int r = cast(l->s, page, v % 3 ? "en" : "de", (vote_value)(v % 3), v, l->now, NULL);
                if (r == 0) {
                        l->done[i] = 1;
                        atomic_fetch_add(&l->acked, 1);
                } else {
                        atomic_fetch_add(&l->failed, 1);
                        l->last_error = r;
                        usleep(2000);
                }
        }
        return NULL;
}

/* Casts l->count votes from distinct visitors on threads threads. */
static void run_load(struct load *l, unsigned threads)
{
        pthread_t tid[64];
        struct load_arg arg[64];
        for (unsigned t = 0; t < threads; t++) {
                arg[t] = (struct load_arg){ l, t, threads };
                pthread_create(&tid[t], NULL, load_main, &arg[t]);
        }
        for (unsigned t = 0; t < threads; t++)
                pthread_join(tid[t], NULL);
}

static void concurrent(const char *where)
{
        votes_store *s = open_store(where, 0, NULL);
        if (!ok(s, "%s: opened for concurrent votes", where))
                return;
        uint64_t before = total(s);
        struct load l = { .s = s, .first = 100000, .count = 2000, .now = T0 + 5 * DAY };
        l.done = calloc(l.count, 1);
        run_load(&l, 16);
        is_int(l.acked, 2000, "2,000 votes from 16 threads are all acknowledged");
        is_int(total(s) - before, 2000, "and all counted");
        votes_close(s);
        free(l.done);
}

static void set_sqlite_version(const char *path, int version)
{
        sqlite3 *db;
        char sql[64];
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
        if (sqlite3_open(path, &db) == SQLITE_OK)
                sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_close(db);
}

static void sqlite_files(const char *dir)
{
        char path[512], err[256];
        votes_store *s;
        int r;

        snprintf(path, sizeof(path), "%s/newer.db", dir);
        s = open_store(path, VOTES_OPEN_CREATE, NULL);
        votes_close(s);
        set_sqlite_version(path, 99);
        r = votes_open(path, 0, err, sizeof(err), &s);
        is_int(r, -EPROTONOSUPPORT, "a store from a newer schema is refused");
        ok(strstr(err, "newer") && strstr(err, "99"), "saying so: %s", err);

        snprintf(path, sizeof(path), "%s/missing/votes.db", dir);
        is_int(votes_open(path, 0, err, sizeof(err), &s), -ENOENT,
               "no store and no create: a clear -ENOENT");

        snprintf(path, sizeof(path), "%s/other.db", dir);
        sqlite3 *db;
        sqlite3_open(path, &db);
        sqlite3_exec(db, "CREATE TABLE accounts (id INTEGER)", NULL, NULL, NULL);
        sqlite3_close(db);
        is_int(votes_open(path, VOTES_OPEN_CREATE, err, sizeof(err), &s), -EBADMSG,
               "another program's database is not taken over");

        snprintf(path, sizeof(path), "%s/garbage.db", dir);
        FILE *f = fopen(path, "w");
        for (int i = 0; i < 4096; i++)
                fputc("garbage\n"[i % 8], f);
        fclose(f);
        is_int(votes_open(path, VOTES_OPEN_CREATE, err, sizeof(err), &s), -EBADMSG,
               "a file that is not a database: -EBADMSG");
        ok(*err, "with a detail: %s", err);

        /* Corruption after the header: the tables' pages overwritten. */
        snprintf(path, sizeof(path), "%s/corrupt.db", dir);
        s = open_store(path, VOTES_OPEN_CREATE, NULL);
        for (unsigned v = 0; v < 300; v++)
                cast(s, "/ports/1712", "en", VOTE_HELPFUL, v, T0, NULL);
        votes_close(s);
        int fd = open(path, O_WRONLY);
        struct stat st;
        fstat(fd, &st);
        char junk[4096];
        memset(junk, 0x5a, sizeof(junk));
        for (off_t o = 4096; o < st.st_size; o += sizeof(junk))
                (void)!pwrite(fd, junk, sizeof(junk), o);
        close(fd);
        r = votes_open(path, 0, err, sizeof(err), &s);
        if (r == 0) {
                struct votes_tally *t;
                size_t n;
                int rt = votes_tallies(s, NULL, &t, &n);
                int rc = cast(s, "/ports/1712", "en", VOTE_HELPFUL, 9999, T0, NULL);
                ok(rt == -EBADMSG && rc == -EBADMSG,
                   "a corrupted store fails reads and votes "
                   "with -EBADMSG (%d, %d)",
                   rt, rc);
                votes_last_error(s, err, sizeof(err));
                votes_close(s);
        } else {
                is_int(r, -EBADMSG, "a corrupted store is refused with -EBADMSG");
        }
        ok(*err, "with a detail: %s", err);
        struct stat st2;
        stat(path, &st2);
        ok(st2.st_size == st.st_size, "the corrupted file is left as it was, for recovery");

        /* A read-only file: tallies still read, votes refused, and accepted
         * again once the file is writable. */
        if (geteuid() == 0) {
                tap_skip("read-only file: root ignores file modes (run as an unprivileged user)");
                return;
        }
        snprintf(path, sizeof(path), "%s/readonly.db", dir);
        s = open_store(path, VOTES_OPEN_CREATE, NULL);
        cast(s, "/ports/1712", "en", VOTE_HELPFUL, 1, T0, NULL);
        votes_close(s);
        chmod(path, 0444);
        s = open_store(path, 0, &r);
        if (!ok(s, "a read-only store opens"))
                return;
        is_int(total(s), 1, "its tallies are read");
        is_int(cast(s, "/ports/1712", "en", VOTE_HELPFUL, 2, T0, NULL), -EROFS,
               "a vote into a read-only file fails with -EROFS");
        votes_last_error(s, err, sizeof(err));
        ok(*err, "with a detail: %s", err);
        chmod(path, 0644);
        is_int(cast(s, "/ports/1712", "en", VOTE_HELPFUL, 2, T0, NULL), 0,
               "once writable again, votes are stored without a restart");
        is_int(total(s), 2, "and nothing acknowledged was lost");
        votes_close(s);
}

/* A small tmpfs filled up: votes fail with -ENOSPC, the acknowledged ones
 * stay, and votes work again once there is space. */
static void full_disk(const char *dir)
{
        char path[512], filler[512], buf[4096] = { 0 };
        snprintf(path, sizeof(path), "%s/votes.db", dir);
        snprintf(filler, sizeof(filler), "%s/filler", dir);
        votes_store *s = open_store(path, VOTES_OPEN_CREATE, NULL);
        if (!ok(s, "a store on a small tmpfs"))
                return;
        unsigned acked = 0, v = 0;
        for (; v < 50; v++)
                acked += cast(s, "/ports/1712", "en", VOTE_HELPFUL, v, T0, NULL) == 0;
        int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        while (write(fd, buf, sizeof(buf)) > 0)
                ;
        close(fd);
        int r = 0;
        for (; v < 100000 && r == 0; v++) {
                char page[32];
                snprintf(page, sizeof(page), "/ports/%u", v % 5000);
                r = cast(s, page, "en", VOTE_HELPFUL, v, T0, NULL);
                acked += r == 0;
        }
        is_int(r, -ENOSPC, "a vote on a full disk fails with -ENOSPC");
        printf("# %u votes acknowledged before the disk was full\n", acked);
        is_int(total(s), acked, "every acknowledged vote is counted, no other");
        unlink(filler);
        is_int(cast(s, "/ports/1", "en", VOTE_HELPFUL, 1, T0, NULL), 0,
               "with space again, votes are stored without a restart");
        acked++;
        votes_close(s);
        s = open_store(path, 0, NULL);
        is_int(s ? total(s) : 0, acked, "after reopening, every acknowledged vote is there");
        votes_close(s);
}

static int pg_exec(const char *url, const char *sql)
{
        PGconn *c = PQconnectdb(url);
        PGresult *res = PQexec(c, sql);
        int r = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
        if (r < 0)
                printf("# %s: %s", sql, PQerrorMessage(c));
        PQclear(res);
        PQfinish(c);
        return r;
}

/* PostgreSQL stopped (immediate: a crash) while 8 threads cast votes, then
 * started again: what was acknowledged is there, and a retry of the failed
 * votes replaces rather than adds. */
static void pg_stopped(const char *url, const char *stop, const char *start)
{
        votes_store *s = open_store(url, 0, NULL);
        if (!ok(s, "PostgreSQL: opened for the stop test"))
                return;
        uint64_t before = total(s);
        struct load l = { .s = s, .first = 500000, .count = 3000, .now = T0 + 7 * DAY };
        l.done = calloc(l.count, 1);
        pthread_t tid;
        struct load_arg arg = { &l, 0, 1 };
        /* Let the load run, then stop the server under it. */
        pthread_create(&tid, NULL, load_main, &arg);
        while (l.acked < 200)
                usleep(1000);
        ok(system(stop) == 0, "PostgreSQL stopped mid-run (%s)", stop);
        usleep(300 * 1000);
        l.stop = true;
        pthread_join(tid, NULL);
        ok(l.failed > 0, "votes failed while it was down (%u)", (unsigned)l.failed);
        is_int(l.last_error, -ENOTCONN, "with -ENOTCONN");
        char err[256];
        votes_last_error(s, err, sizeof(err));
        ok(*err, "and a detail: %s", err);
        unsigned acked_before = l.acked;
        ok(system(start) == 0, "PostgreSQL started again");
        uint64_t stored = total(s) - before;
        ok(stored >= acked_before && stored <= acked_before + 1,
           "every acknowledged vote survived (%u acknowledged, %llu stored)", acked_before,
           (unsigned long long)stored);
        /* The rest of the load, and retries of what failed, on 8 threads. */
        l.stop = false;
        l.failed = 0;
        run_load(&l, 8);
        is_int(l.acked, l.count, "after the restart every vote is acknowledged");
        is_int(total(s) - before, l.count, "and counted exactly once");
        votes_close(s);
        free(l.done);
}

static void pg_newer(const char *url)
{
        char err[256];
        votes_store *s;
        pg_exec(url, "UPDATE vote_schema SET version = 99");
        is_int(votes_open(url, 0, err, sizeof(err), &s), -EPROTONOSUPPORT,
               "PostgreSQL: a newer schema is refused");
        ok(strstr(err, "newer"), "saying so: %s", err);
        pg_exec(url, "UPDATE vote_schema SET version = 1");
}

int main(int argc, char **argv)
{
        const char *dir = NULL, *tmpfs = NULL, *tmpfs_skip = NULL, *pg = NULL, *pg_skip = NULL;
        const char *pg_stop = NULL, *pg_start = NULL;
        static const struct option opts[] = {
                { "dir", required_argument, NULL, 'd' },
                { "pg", required_argument, NULL, 'p' },
                { "pg-skip", required_argument, NULL, 'P' },
                { "pg-start", required_argument, NULL, 'a' },
                { "pg-stop", required_argument, NULL, 'o' },
                { "tmpfs", required_argument, NULL, 't' },
                { "tmpfs-skip", required_argument, NULL, 'T' },
                { 0 },
        };
        int o;
        while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (o) {
                case 'd':
                        dir = optarg;
                        break;
                case 'p':
                        pg = optarg;
                        break;
                case 'P':
                        pg_skip = optarg;
                        break;
                case 'a':
                        pg_start = optarg;
                        break;
                case 'o':
                        pg_stop = optarg;
                        break;
                case 't':
                        tmpfs = optarg;
                        break;
                case 'T':
                        tmpfs_skip = optarg;
                        break;
                default:
                        return 2;
                }
        }
        if (!dir) {
                fprintf(stderr, "usage: test-votes-store --dir DIR [--pg URL ...]\n");
                return 2;
        }
        char path[512];
        snprintf(path, sizeof(path), "%s/votes.db", dir);
        time_t t0 = time(NULL);
        rules(path);
        concurrent(path);
        printf("# SQLite rules and load: %lds\n", (long)(time(NULL) - t0));
        sqlite_files(dir);
        if (tmpfs)
                full_disk(tmpfs);
        else
                tap_skip(tmpfs_skip ? tmpfs_skip : "full disk: no tmpfs given");

        printf("# SQLite files and disk: %lds\n", (long)(time(NULL) - t0));
        if (pg) {
                rules(pg);
                concurrent(pg);
                printf("# PostgreSQL rules and load: %lds\n", (long)(time(NULL) - t0));
                pg_newer(pg);
                if (pg_stop && pg_start)
                        pg_stopped(pg, pg_stop, pg_start);
                char err[256];
                votes_store *s;
                int r = votes_open("postgresql:///postgres?host=/nonexistent-portscope", 0, err,
                                   sizeof(err), &s);
                is_int(r, -ENOTCONN, "an unreachable PostgreSQL: -ENOTCONN");
                ok(*err, "with a detail: %s", err);
        } else {
                tap_skip(pg_skip ? pg_skip : "PostgreSQL: no server given");
        }
        return tap_done();
}
