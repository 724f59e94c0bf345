/* SPDX-License-Identifier: MIT */
/* The vote store in one SQLite file: WAL, synchronous=FULL (the WAL is
 * fsynced at every commit, so an acknowledged vote survives a crash of the
 * process, the kernel or the power), the schema version in PRAGMA
 * user_version, every statement prepared once. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "votes-backend.h"

#define BUSY_TIMEOUT_MS 5000

/* Migration N brings the schema from version N to N + 1; docs/votes.md. */
static const char *const migrations[VOTES_SCHEMA_VERSION] = {
        "CREATE TABLE vote_tally ("
        " page TEXT NOT NULL, lang TEXT NOT NULL,"
        " unhelpful INTEGER NOT NULL DEFAULT 0 CHECK (unhelpful >= 0),"
        " neutral INTEGER NOT NULL DEFAULT 0 CHECK (neutral >= 0),"
        " helpful INTEGER NOT NULL DEFAULT 0 CHECK (helpful >= 0),"
        " PRIMARY KEY (page, lang)) WITHOUT ROWID;"
        "CREATE TABLE vote_ballot ("
        " day INTEGER NOT NULL, hash BLOB NOT NULL CHECK (length(hash) = 32),"
        " lang TEXT NOT NULL, value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 2),"
        " PRIMARY KEY (day, hash)) WITHOUT ROWID;"
        "CREATE TABLE vote_secret ("
        " day INTEGER PRIMARY KEY, secret BLOB NOT NULL CHECK (length(secret) = 32));",
};

enum {
        W_BEGIN,
        W_COMMIT,
        W_ROLLBACK,
        W_EXPIRE_BALLOTS,
        W_EXPIRE_SECRETS,
        W_SECRET_ADD,
        W_SECRET_GET,
        W_BALLOT_ADD,
        W_BALLOT_GET,
        W_BALLOT_SET,
        W_TALLY_ADD,
        W_TALLY_SUB,
        W_COUNT,
};

static const char *const writer_sql[W_COUNT] = {
        [W_BEGIN] = "BEGIN IMMEDIATE",
        [W_COMMIT] = "COMMIT",
        [W_ROLLBACK] = "ROLLBACK",
        [W_EXPIRE_BALLOTS] = "DELETE FROM vote_ballot WHERE day < ?1",
        [W_EXPIRE_SECRETS] = "DELETE FROM vote_secret WHERE day < ?1",
        [W_SECRET_ADD] = "INSERT INTO vote_secret (day, secret) VALUES (?1, ?2)"
                         " ON CONFLICT (day) DO NOTHING",
        [W_SECRET_GET] = "SELECT secret FROM vote_secret WHERE day = ?1",
        [W_BALLOT_ADD] = "INSERT INTO vote_ballot (day, hash, lang, value) VALUES (?1, ?2, ?3, ?4)"
                         " ON CONFLICT (day, hash) DO NOTHING",
        [W_BALLOT_GET] = "SELECT lang, value FROM vote_ballot WHERE day = ?1 AND hash = ?2",
        [W_BALLOT_SET] =
                "UPDATE vote_ballot SET lang = ?3, value = ?4 WHERE day = ?1 AND hash = ?2",
        [W_TALLY_ADD] = "INSERT INTO vote_tally (page, lang, unhelpful, neutral, helpful)"
                        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (page, lang) DO UPDATE SET"
                        " unhelpful = unhelpful + excluded.unhelpful,"
                        " neutral = neutral + excluded.neutral,"
                        " helpful = helpful + excluded.helpful",
        [W_TALLY_SUB] = "UPDATE vote_tally SET unhelpful = unhelpful + ?3,"
                        " neutral = neutral + ?4, helpful = helpful + ?5"
                        " WHERE page = ?1 AND lang = ?2",
};

struct sq {
        char *path;
        sqlite3 *w, *r; /* the writer's and the reader's connections */
        sqlite3_stmt *stmt[W_COUNT];
        char err[VOTES_ERROR_MAX];
};

/* Maps SQLite's result (and the system's errno behind an I/O error) to the
 * store's codes. */
static int map_rc(sqlite3 *db, int rc)
{
        int sys = db ? sqlite3_system_errno(db) : 0;

        switch (rc & 0xff) {
        case SQLITE_OK:
        case SQLITE_ROW:
        case SQLITE_DONE:
                return 0;
        case SQLITE_FULL:
                return -ENOSPC;
        case SQLITE_READONLY:
                return -EROFS;
        case SQLITE_PERM:
        case SQLITE_AUTH:
                return -EACCES;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
                return -EBADMSG;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return -EBUSY;
        case SQLITE_NOMEM:
                return -ENOMEM;
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
                if (sys == ENOSPC || sys == EDQUOT)
                        return -ENOSPC;
                if (sys == EROFS || sys == EACCES || sys == EPERM || sys == ENOENT)
                        return -sys;
                return -EIO;
        default:
                return -EIO;
        }
}

static int fail(struct sq *q, sqlite3 *db, int rc)
{
        snprintf(q->err, sizeof(q->err), "sqlite: %s",
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        return map_rc(db, rc);
}

/* Runs a statement with no result rows (or ignores them) and resets it. */
static int step_done(struct sq *q, sqlite3_stmt *st)
{
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                ;
        int r = rc == SQLITE_DONE ? 0 : fail(q, sqlite3_db_handle(st), rc);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return r;
}

static int exec(struct sq *q, sqlite3 *db, const char *sql)
{
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        return rc == SQLITE_OK ? 0 : fail(q, db, rc);
}

static int pragma_int(struct sq *q, sqlite3 *db, const char *sql, long long *ret)
{
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
        if (rc != SQLITE_OK)
                return fail(q, db, rc);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
                *ret = sqlite3_column_int64(st, 0);
        int r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(q, db, rc);
        sqlite3_finalize(st);
        return r;
}

static int mkdir_parents(const char *path)
{
        char *dir = strdup(path);
        if (!dir)
                return -ENOMEM;
        for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
                *p = '\0';
                if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
                        int e = errno;
                        free(dir);
                        return -e;
                }
                *p = '/';
        }
        free(dir);
        return 0;
}

/* A new file's directory entry is made durable once: SQLite syncs the
 * directory for its WAL file, not for the database file itself. */
static int sync_parent(const char *path)
{
        char *dir = strdup(path);
        if (!dir)
                return -ENOMEM;
        char *slash = strrchr(dir, '/');
        if (slash == dir)
                slash[1] = '\0';
        else if (slash)
                *slash = '\0';
        else
                strcpy(dir, ".");
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        free(dir);
        if (fd < 0)
                return -errno;
        int r = fsync(fd) < 0 ? -errno : 0;
        close(fd);
        return r;
}

/* Brings the schema to this program's version, in one transaction that
 * also rereads the version: another process may have migrated meanwhile. */
static int migrate(struct sq *q)
{
        long long version = 0, objects = 0;
        int r;

        if ((r = exec(q, q->w, "BEGIN IMMEDIATE")) < 0)
                return r;
        if ((r = pragma_int(q, q->w, "PRAGMA user_version", &version)) < 0 ||
            (r = pragma_int(q, q->w, "SELECT count(*) FROM sqlite_master", &objects)) < 0)
                goto rollback;
        if (version > VOTES_SCHEMA_VERSION) {
                snprintf(q->err, sizeof(q->err),
                         _("schema version %lld is newer than this portscope's (%d); "
                           "refusing to use it: upgrade portscope"),
                         version, VOTES_SCHEMA_VERSION);
                r = -EPROTONOSUPPORT;
                goto rollback;
        }
        if (version == 0 && objects > 0) {
                snprintf(q->err, sizeof(q->err),
                         _("a SQLite database of something else, not a vote store"));
                r = -EBADMSG;
                goto rollback;
        }
        for (long long v = version; v < VOTES_SCHEMA_VERSION; v++)
                if ((r = exec(q, q->w, migrations[v])) < 0)
                        goto rollback;
        if (version < VOTES_SCHEMA_VERSION) {
                char sql[64];
                snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", VOTES_SCHEMA_VERSION);
                if ((r = exec(q, q->w, sql)) < 0)
                        goto rollback;
        }
        return exec(q, q->w, "COMMIT");
rollback:
        sqlite3_exec(q->w, "ROLLBACK", NULL, NULL, NULL);
        return r;
}

static void close_writer(struct sq *q)
{
        for (int i = 0; i < W_COUNT; i++) {
                sqlite3_finalize(q->stmt[i]);
                q->stmt[i] = NULL;
        }
        sqlite3_close(q->w);
        q->w = NULL;
}

static int open_conn(struct sq *q, int oflags, sqlite3 **ret)
{
        sqlite3 *db = NULL;
        int rc = sqlite3_open_v2(q->path, &db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
                int r = fail(q, db, rc);
                sqlite3_close(db);
                return r;
        }
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
        *ret = db;
        return 0;
}

/* The writer's connection: WAL and FULL sync, freed pages overwritten (so
 * expired hashes do not linger in the file), statements prepared. */
static int open_writer(struct sq *q, bool create)
{
        long long version = 0;
        int r;

        if ((r = open_conn(q, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), &q->w)) <
            0)
                return r;
        /* The first read tells a vote store from garbage and a newer schema. */
        if ((r = pragma_int(q, q->w, "PRAGMA user_version", &version)) < 0)
                return r;
        if (version > VOTES_SCHEMA_VERSION) {
                snprintf(q->err, sizeof(q->err),
                         _("schema version %lld is newer than this portscope's (%d); "
                           "refusing to use it: upgrade portscope"),
                         version, VOTES_SCHEMA_VERSION);
                return -EPROTONOSUPPORT;
        }
        if (sqlite3_db_readonly(q->w, "main") == 1)
                return 0; /* votes fail with -EROFS; tallies can still be read */
        if ((r = exec(q, q->w, "PRAGMA journal_mode = WAL")) < 0 ||
            (r = exec(q, q->w, "PRAGMA synchronous = FULL")) < 0 ||
            (r = exec(q, q->w, "PRAGMA secure_delete = ON")) < 0)
                return r;
        return 0;
}

static int prepare_writer(struct sq *q)
{
        for (int i = 0; i < W_COUNT; i++) {
                int rc = sqlite3_prepare_v3(q->w, writer_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                            &q->stmt[i], NULL);
                if (rc != SQLITE_OK)
                        return fail(q, q->w, rc);
        }
        return 0;
}

static void sq_close(void *be)
{
        struct sq *q = be;
        if (!q)
                return;
        close_writer(q);
        sqlite3_close(q->r);
        free(q->path);
        free(q);
}

static int sq_open(const char *location, unsigned flags, char *err, size_t err_size, void **ret_be)
{
        bool create = flags & VOTES_OPEN_CREATE;
        struct stat st;
        struct sq *q;
        int r;

        if (!(q = calloc(1, sizeof(*q))) || !(q->path = strdup(location))) {
                free(q);
                return -ENOMEM;
        }
        bool existed = stat(location, &st) == 0;
        if (!existed && !create) {
                sq_close(q);
                return -ENOENT;
        }
        if (existed && !S_ISREG(st.st_mode)) {
                snprintf(err, err_size, "%s", _("not a regular file"));
                sq_close(q);
                return -EINVAL;
        }
        if (!existed && (r = mkdir_parents(location)) < 0) {
                snprintf(err, err_size, _("cannot create its directory: %s"), strerror(-r));
                sq_close(q);
                return r;
        }
        r = open_writer(q, create);
        if (r >= 0 && sqlite3_db_readonly(q->w, "main") != 1) {
                r = migrate(q);
                if (r >= 0 && !existed)
                        r = sync_parent(location);
        }
        if (r >= 0) {
                long long version = 0;
                r = pragma_int(q, q->w, "PRAGMA user_version", &version);
                if (r >= 0 && version != VOTES_SCHEMA_VERSION) {
                        snprintf(q->err, sizeof(q->err),
                                 _("read-only, and its schema (version %lld) needs migrating"),
                                 version);
                        r = -EROFS;
                }
        }
        if (r >= 0 && (r = prepare_writer(q)) >= 0)
                r = open_conn(q, SQLITE_OPEN_READWRITE, &q->r);
        if (r >= 0)
                r = exec(q, q->r, "PRAGMA query_only = ON");
        if (r < 0) {
                snprintf(err, err_size, "%s", q->err);
                sq_close(q);
                return r;
        }
        *ret_be = q;
        return 0;
}

static int sq_begin(void *be)
{
        struct sq *q = be;
        if (sqlite3_db_readonly(q->w, "main") == 1) {
                snprintf(q->err, sizeof(q->err), _("sqlite: the file is read-only"));
                return -EROFS;
        }
        return step_done(q, q->stmt[W_BEGIN]);
}

/* SQLite creates the -wal and -shm files with the database file's mode: one
 * opened while the file was read-only keeps a read-only -shm after the file
 * is fixed, and every write would fail. Give them the file's mode again. */
static void align_modes(const char *path)
{
        struct stat st;
        if (stat(path, &st) < 0 || access(path, W_OK) < 0)
                return;
        for (int i = 0; i < 2; i++) {
                char side[PATH_MAX];
                snprintf(side, sizeof(side), "%s%s", path, i ? "-shm" : "-wal");
                if (access(side, F_OK) == 0 && access(side, W_OK) < 0)
                        (void)chmod(side, st.st_mode & 0666);
        }
}

static int sq_reopen(void *be)
{
        struct sq *q = be;
        int r;

        close_writer(q);
        sqlite3_close(q->r);
        q->r = NULL;
        align_modes(q->path);
        if ((r = open_writer(q, false)) < 0 || (r = prepare_writer(q)) < 0 ||
            (r = open_conn(q, SQLITE_OPEN_READWRITE, &q->r)) < 0)
                return r;
        return exec(q, q->r, "PRAGMA query_only = ON");
}

static int sq_commit(void *be)
{
        struct sq *q = be;
        int r = step_done(q, q->stmt[W_COMMIT]);
        if (r < 0 && !sqlite3_get_autocommit(q->w))
                step_done(q, q->stmt[W_ROLLBACK]);
        return r;
}

static void sq_rollback(void *be)
{
        struct sq *q = be;
        char keep[VOTES_ERROR_MAX];
        /* The rollback keeps the first failure's detail. */
        memcpy(keep, q->err, sizeof(keep));
        if (!sqlite3_get_autocommit(q->w))
                step_done(q, q->stmt[W_ROLLBACK]);
        memcpy(q->err, keep, sizeof(keep));
}

static int sq_expire(void *be, int64_t day)
{
        struct sq *q = be;
        int r;
        sqlite3_bind_int64(q->stmt[W_EXPIRE_BALLOTS], 1, day);
        if ((r = step_done(q, q->stmt[W_EXPIRE_BALLOTS])) < 0)
                return r;
        sqlite3_bind_int64(q->stmt[W_EXPIRE_SECRETS], 1, day);
        return step_done(q, q->stmt[W_EXPIRE_SECRETS]);
}

static int sq_secret(void *be, int64_t day, const uint8_t fresh[VOTES_SECRET_LEN],
                     uint8_t ret_secret[VOTES_SECRET_LEN])
{
        struct sq *q = be;
        sqlite3_stmt *st = q->stmt[W_SECRET_GET];
        int r, rc;

        sqlite3_bind_int64(q->stmt[W_SECRET_ADD], 1, day);
        sqlite3_bind_blob(q->stmt[W_SECRET_ADD], 2, fresh, VOTES_SECRET_LEN, SQLITE_STATIC);
        if ((r = step_done(q, q->stmt[W_SECRET_ADD])) < 0)
                return r;
        sqlite3_bind_int64(st, 1, day);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == VOTES_SECRET_LEN) {
                memcpy(ret_secret, sqlite3_column_blob(st, 0), VOTES_SECRET_LEN);
                r = 0;
        } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
                snprintf(q->err, sizeof(q->err), _("sqlite: the day's secret is missing"));
                r = -EBADMSG;
        } else {
                r = fail(q, q->w, rc);
        }
        sqlite3_reset(st);
        return r;
}

static void bind_ballot(sqlite3_stmt *st, int64_t day, const uint8_t hash[VOTES_HASH_LEN])
{
        sqlite3_bind_int64(st, 1, day);
        sqlite3_bind_blob(st, 2, hash, VOTES_HASH_LEN, SQLITE_STATIC);
}

static int sq_ballot_add(void *be, int64_t day, const uint8_t hash[VOTES_HASH_LEN],
                         const char *lang, int value, bool *ret_added)
{
        struct sq *q = be;
        sqlite3_stmt *st = q->stmt[W_BALLOT_ADD];
        bind_ballot(st, day, hash);
        sqlite3_bind_text(st, 3, lang, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, value);
        int r = step_done(q, st);
        if (r >= 0)
                *ret_added = sqlite3_changes(q->w) == 1;
        return r;
}

static int sq_ballot_get(void *be, int64_t day, const uint8_t hash[VOTES_HASH_LEN],
                         char ret_lang[VOTES_LANG_MAX + 1], int *ret_value)
{
        struct sq *q = be;
        sqlite3_stmt *st = q->stmt[W_BALLOT_GET];
        int r;

        bind_ballot(st, day, hash);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                snprintf(ret_lang, VOTES_LANG_MAX + 1, "%s",
                         (const char *)sqlite3_column_text(st, 0));
                *ret_value = sqlite3_column_int(st, 1);
                r = 0;
        } else if (rc == SQLITE_DONE) {
                snprintf(q->err, sizeof(q->err),
                         _("sqlite: a ballot vanished inside a transaction"));
                r = -EIO;
        } else {
                r = fail(q, q->w, rc);
        }
        sqlite3_reset(st);
        return r;
}

static int sq_ballot_set(void *be, int64_t day, const uint8_t hash[VOTES_HASH_LEN],
                         const char *lang, int value)
{
        struct sq *q = be;
        sqlite3_stmt *st = q->stmt[W_BALLOT_SET];
        bind_ballot(st, day, hash);
        sqlite3_bind_text(st, 3, lang, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, value);
        return step_done(q, st);
}

static int sq_tally_add(void *be, const char *page, const char *lang,
                        const int delta[VOTE_VALUE_COUNT])
{
        struct sq *q = be;
        bool sub = delta[0] < 0 || delta[1] < 0 || delta[2] < 0;
        /* A decrement is an UPDATE: SQLite checks the CHECK constraints on
         * the row an upsert proposes, before it turns into an update. */
        sqlite3_stmt *st = q->stmt[sub ? W_TALLY_SUB : W_TALLY_ADD];
        sqlite3_bind_text(st, 1, page, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
        for (int i = 0; i < VOTE_VALUE_COUNT; i++)
                sqlite3_bind_int(st, 3 + i, delta[i]);
        return step_done(q, st);
}

static int sq_tallies(void *be, const char *page, struct votes_tally **ret_tallies, size_t *ret_n)
{
        struct sq *q = be;
        struct votes_tally *t = NULL, *e;
        size_t n = 0, cap = 0;
        sqlite3_stmt *st;
        int rc, r = 0;

        rc = sqlite3_prepare_v2(q->r,
                                page ? "SELECT page, lang, unhelpful, neutral, helpful"
                                       " FROM vote_tally WHERE page = ?1"
                                     : "SELECT page, lang, unhelpful, neutral, helpful"
                                       " FROM vote_tally",
                                -1, &st, NULL);
        if (rc != SQLITE_OK)
                return fail(q, q->r, rc);
        if (page)
                sqlite3_bind_text(st, 1, page, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                if ((r = votes_tally_push(&t, &n, &cap, &e)) < 0)
                        break;
                snprintf(e->page, sizeof(e->page), "%s", (const char *)sqlite3_column_text(st, 0));
                snprintf(e->lang, sizeof(e->lang), "%s", (const char *)sqlite3_column_text(st, 1));
                for (int i = 0; i < VOTE_VALUE_COUNT; i++)
                        e->count[i] = (uint64_t)sqlite3_column_int64(st, 2 + i);
        }
        if (r >= 0 && rc != SQLITE_DONE)
                r = fail(q, q->r, rc);
        sqlite3_finalize(st);
        if (r < 0) {
                free(t);
                return r;
        }
        *ret_tallies = t;
        *ret_n = n;
        return 0;
}

static int sq_hash_count(void *be, uint64_t *ret_n)
{
        struct sq *q = be;
        long long n = 0;
        int r = pragma_int(q, q->r, "SELECT count(*) FROM vote_ballot", &n);
        if (r >= 0)
                *ret_n = (uint64_t)n;
        return r;
}

static const char *sq_error(void *be)
{
        return ((struct sq *)be)->err;
}

const struct votes_backend votes_backend_sqlite = {
        .name = "sqlite",
        .open = sq_open,
        .close = sq_close,
        .reopen = sq_reopen,
        .begin = sq_begin,
        .commit = sq_commit,
        .rollback = sq_rollback,
        .expire = sq_expire,
        .secret = sq_secret,
        .ballot_add = sq_ballot_add,
        .ballot_get = sq_ballot_get,
        .ballot_set = sq_ballot_set,
        .tally_add = sq_tally_add,
        .tallies = sq_tallies,
        .hash_count = sq_hash_count,
        .error = sq_error,
};
