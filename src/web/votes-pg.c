/* SPDX-License-Identifier: MIT */
/* The vote store in PostgreSQL, for several servers sharing one store: the
 * same tables and rules as SQLite. A commit returns once PostgreSQL has
 * flushed it (synchronous_commit is forced on for our sessions). Several
 * servers may write at once: ballots are added with ON CONFLICT and locked
 * before they change, and a batch that meets a deadlock is retried whole. */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "votes-backend.h"

/* The schema version lives in a table: PostgreSQL has no user_version. */
static const char *const migrations[VOTES_SCHEMA_VERSION] = {
        "CREATE TABLE vote_tally ("
        " page text NOT NULL, lang text NOT NULL,"
        " unhelpful bigint NOT NULL DEFAULT 0 CHECK (unhelpful >= 0),"
        " neutral bigint NOT NULL DEFAULT 0 CHECK (neutral >= 0),"
        " helpful bigint NOT NULL DEFAULT 0 CHECK (helpful >= 0),"
        " PRIMARY KEY (page, lang));"
        "CREATE TABLE vote_ballot ("
        " day bigint NOT NULL, hash bytea NOT NULL CHECK (length(hash) = 32),"
        " lang text NOT NULL, value smallint NOT NULL CHECK (value BETWEEN 0 AND 2),"
        " PRIMARY KEY (day, hash));"
        "CREATE TABLE vote_secret ("
        " day bigint PRIMARY KEY, secret bytea NOT NULL CHECK (length(secret) = 32));",
};

/* Held while migrating, so two servers starting together migrate once. */
#define MIGRATION_LOCK "7627514520119104"

enum {
        P_EXPIRE_BALLOTS,
        P_EXPIRE_SECRETS,
        P_SECRET_ADD,
        P_SECRET_GET,
        P_BALLOT_ADD,
        P_BALLOT_GET,
        P_BALLOT_SET,
        P_TALLY_ADD,
        P_TALLY_SUB,
        P_COUNT,
};

static const char *const writer_sql[P_COUNT] = {
        [P_EXPIRE_BALLOTS] = "DELETE FROM vote_ballot WHERE day < $1",
        [P_EXPIRE_SECRETS] = "DELETE FROM vote_secret WHERE day < $1",
        [P_SECRET_ADD] = "INSERT INTO vote_secret (day, secret) VALUES ($1, $2)"
                         " ON CONFLICT (day) DO NOTHING",
        [P_SECRET_GET] = "SELECT secret FROM vote_secret WHERE day = $1",
        [P_BALLOT_ADD] = "INSERT INTO vote_ballot (day, hash, lang, value) VALUES ($1, $2, $3, $4)"
                         " ON CONFLICT (day, hash) DO NOTHING",
        [P_BALLOT_GET] = "SELECT lang, value FROM vote_ballot WHERE day = $1 AND hash = $2"
                         " FOR UPDATE",
        [P_BALLOT_SET] =
                "UPDATE vote_ballot SET lang = $3, value = $4 WHERE day = $1 AND hash = $2",
        [P_TALLY_ADD] = "INSERT INTO vote_tally AS t (page, lang, unhelpful, neutral, helpful)"
                        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (page, lang) DO UPDATE SET"
                        " unhelpful = t.unhelpful + excluded.unhelpful,"
                        " neutral = t.neutral + excluded.neutral,"
                        " helpful = t.helpful + excluded.helpful",
        [P_TALLY_SUB] = "UPDATE vote_tally SET unhelpful = unhelpful + $3,"
                        " neutral = neutral + $4, helpful = helpful + $5"
                        " WHERE page = $1 AND lang = $2",
};

struct pg {
        char *location;
        PGconn *w, *r;
        bool w_prepared;
        char err[VOTES_ERROR_MAX];
};

static void set_err(struct pg *p, const char *what, const char *detail)
{
        snprintf(p->err, sizeof(p->err), "postgresql: %s%s%.*s", what, *what ? ": " : "",
                 (int)strcspn(detail, "\n"), detail);
}

/* Maps a failed result (or a dead connection) to the store's codes. */
static int map_result(struct pg *p, PGconn *c, const PGresult *res)
{
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        const char *msg = res ? PQresultErrorMessage(res) : "";

        set_err(p, "", msg && *msg ? msg : PQerrorMessage(c));
        if (PQstatus(c) != CONNECTION_OK || !state)
                return -ENOTCONN;
        if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
                return -ENOTCONN; /* connection exceptions, shutdown */
        if (!strcmp(state, "53100"))
                return -ENOSPC; /* disk_full */
        if (!strcmp(state, "25006"))
                return -EROFS; /* read_only_sql_transaction: a standby */
        if (!strcmp(state, "42501"))
                return -EACCES;
        if (!strcmp(state, "40P01") || !strcmp(state, "40001"))
                return -EDEADLK;
        if (!strcmp(state, "XX001") || !strcmp(state, "XX002"))
                return -EBADMSG;
        if (!strncmp(state, "53", 2))
                return -ENOMEM;
        return -EIO;
}

static int check(struct pg *p, PGconn *c, PGresult *res, ExecStatusType want)
{
        int r = res && PQresultStatus(res) == want ? 0 : map_result(p, c, res);
        PQclear(res);
        return r;
}

/* Runs SQL whose rows, if any, are not wanted. */
static int exec(struct pg *p, PGconn *c, const char *sql)
{
        PGresult *res = PQexec(c, sql);
        ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        return check(p, c, res, st == PGRES_TUPLES_OK ? PGRES_TUPLES_OK : PGRES_COMMAND_OK);
}

static int query_int(struct pg *p, PGconn *c, const char *sql, long long *ret)
{
        PGresult *res = PQexec(c, sql);
        if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
                return check(p, c, res, PGRES_TUPLES_OK);
        if (PQntuples(res) != 1) {
                PQclear(res);
                set_err(p, "", _("a count query answered no row"));
                return -EIO;
        }
        *ret = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
        return 0;
}

/* Notices ("relation already exists, skipping") are not errors: a library
 * prints nothing. */
static void ignore_notice(void *arg, const char *message)
{
        (void)arg;
        (void)message;
}

/* A connection with a bounded connect time (unless the URL sets one) and
 * synchronous_commit on whatever the server's default. */
static int connect_one(struct pg *p, PGconn **ret)
{
        const char *keys[] = { "connect_timeout", "options", "dbname", NULL };
        const char *values[] = { "5", "-c synchronous_commit=on", p->location, NULL };
        PGconn *c = PQconnectdbParams(keys, values, 1);
        if (!c)
                return -ENOMEM;
        if (PQstatus(c) != CONNECTION_OK) {
                set_err(p, _("cannot connect"), PQerrorMessage(c));
                PQfinish(c);
                return -ENOTCONN;
        }
        PQsetNoticeProcessor(c, ignore_notice, NULL);
        *ret = c;
        return 0;
}

static int migrate(struct pg *p)
{
        long long version = 0;
        int r;

        if ((r = exec(p, p->w, "BEGIN")) < 0)
                return r;
        if ((r = exec(p, p->w, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")")) < 0 ||
            (r = exec(p, p->w,
                      "CREATE TABLE IF NOT EXISTS vote_schema (version integer NOT NULL)")) < 0 ||
            (r = query_int(p, p->w, "SELECT coalesce(max(version), 0) FROM vote_schema",
                           &version)) < 0)
                goto rollback;
        if (version > VOTES_SCHEMA_VERSION) {
                snprintf(p->err, sizeof(p->err),
                         _("schema version %lld is newer than this portscope's (%d); "
                           "refusing to use it: upgrade portscope"),
                         version, VOTES_SCHEMA_VERSION);
                r = -EPROTONOSUPPORT;
                goto rollback;
        }
        for (long long v = version; v < VOTES_SCHEMA_VERSION; v++)
                if ((r = exec(p, p->w, migrations[v])) < 0)
                        goto rollback;
        if (version < VOTES_SCHEMA_VERSION) {
                char sql[96];
                snprintf(sql, sizeof(sql),
                         "DELETE FROM vote_schema; INSERT INTO vote_schema VALUES (%d)",
                         VOTES_SCHEMA_VERSION);
                if ((r = exec(p, p->w, sql)) < 0)
                        goto rollback;
        }
        return exec(p, p->w, "COMMIT");
rollback:
        PQclear(PQexec(p->w, "ROLLBACK"));
        return r;
}

static int prepare_writer(struct pg *p)
{
        for (int i = 0; i < P_COUNT; i++) {
                char name[8];
                snprintf(name, sizeof(name), "w%d", i);
                int r = check(p, p->w, PQprepare(p->w, name, writer_sql[i], 0, NULL),
                              PGRES_COMMAND_OK);
                if (r < 0)
                        return r;
        }
        p->w_prepared = true;
        return 0;
}

/* After a broken connection: one reconnection attempt per call. A
 * connection whose server restarted still looks fine until used: force
 * then says it failed. */
static int ensure(struct pg *p, PGconn **c, bool writer, bool force)
{
        if (PQstatus(*c) == CONNECTION_OK && !force)
                return 0;
        PQreset(*c);
        if (PQstatus(*c) != CONNECTION_OK) {
                set_err(p, _("cannot connect"), PQerrorMessage(*c));
                return -ENOTCONN;
        }
        if (writer) {
                p->w_prepared = false;
                return prepare_writer(p);
        }
        return 0;
}

static void pg_close(void *be)
{
        struct pg *p = be;
        if (!p)
                return;
        if (p->w)
                PQfinish(p->w);
        if (p->r)
                PQfinish(p->r);
        free(p->location);
        free(p);
}

static int pg_open(const char *location, unsigned flags, char *err, size_t err_size, void **ret_be)
{
        struct pg *p;
        int r;

        if (!(p = calloc(1, sizeof(*p))) || !(p->location = strdup(location))) {
                free(p);
                return -ENOMEM;
        }
        r = connect_one(p, &p->w);
        if (r >= 0)
                r = migrate(p);
        if (r >= 0)
                r = prepare_writer(p);
        if (r >= 0)
                r = connect_one(p, &p->r);
        if (r < 0) {
                snprintf(err, err_size, "%s", p->err);
                pg_close(p);
                return r;
        }
        *ret_be = p;
        return 0;
}

static int pg_begin(void *be)
{
        struct pg *p = be;
        int r = ensure(p, &p->w, true, false);
        if (r < 0)
                return r;
        /* Left inside a transaction by a failure we could not roll back. */
        if (PQtransactionStatus(p->w) != PQTRANS_IDLE)
                PQclear(PQexec(p->w, "ROLLBACK"));
        r = exec(p, p->w, "BEGIN");
        /* A server restarted since the last batch: the connection looked
         * fine until used. Nothing was sent yet, so reconnect once. */
        if (r == -ENOTCONN && (r = ensure(p, &p->w, true, true)) >= 0)
                r = exec(p, p->w, "BEGIN");
        return r;
}

static int pg_commit(void *be)
{
        struct pg *p = be;
        /* A commit whose answer is lost may or may not have happened; the
         * vote is reported as failed and a retry by the visitor replaces,
         * never adds (one ballot per visitor, page and day). */
        PGresult *res = PQexec(p->w, "COMMIT");
        if (res && PQresultStatus(res) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(res), "COMMIT")) {
                PQclear(res);
                set_err(p, "", _("the transaction was rolled back"));
                return -EIO;
        }
        return check(p, p->w, res, PGRES_COMMAND_OK);
}

static void pg_rollback(void *be)
{
        struct pg *p = be;
        if (PQstatus(p->w) == CONNECTION_OK)
                PQclear(PQexec(p->w, "ROLLBACK"));
}

/* Runs prepared writer statement i; values in text except binary_mask's. */
static PGresult *run(struct pg *p, int i, int n, const char *const *values, const int *lengths,
                     unsigned binary_mask, int result_format)
{
        char name[8];
        int formats[8];
        for (int k = 0; k < n; k++)
                formats[k] = (binary_mask >> k) & 1;
        snprintf(name, sizeof(name), "w%d", i);
        return PQexecPrepared(p->w, name, n, values, lengths, formats, result_format);
}

static int run_command(struct pg *p, int i, int n, const char *const *values, const int *lengths,
                       unsigned binary_mask, long *ret_rows)
{
        PGresult *res = run(p, i, n, values, lengths, binary_mask, 0);
        if (res && PQresultStatus(res) == PGRES_COMMAND_OK && ret_rows)
                *ret_rows = strtol(PQcmdTuples(res), NULL, 10);
        return check(p, p->w, res, PGRES_COMMAND_OK);
}

static int pg_expire(void *be, int64_t day)
{
        struct pg *p = be;
        char d[24];
        const char *v[] = { d };
        int r;
        snprintf(d, sizeof(d), "%lld", (long long)day);
        if ((r = run_command(p, P_EXPIRE_BALLOTS, 1, v, NULL, 0, NULL)) < 0)
                return r;
        return run_command(p, P_EXPIRE_SECRETS, 1, v, NULL, 0, NULL);
}

static int pg_secret(void *be, int64_t day, const uint8_t fresh[VOTES_SECRET_LEN],
                     uint8_t ret_secret[VOTES_SECRET_LEN])
{
        struct pg *p = be;
        char d[24];
        const char *v[] = { d, (const char *)fresh };
        const int len[] = { 0, VOTES_SECRET_LEN };
        int r;

        snprintf(d, sizeof(d), "%lld", (long long)day);
        if ((r = run_command(p, P_SECRET_ADD, 2, v, len, 1u << 1, NULL)) < 0)
                return r;
        PGresult *res = run(p, P_SECRET_GET, 1, v, NULL, 0, 1);
        if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
                return check(p, p->w, res, PGRES_TUPLES_OK);
        if (PQntuples(res) != 1 || PQgetlength(res, 0, 0) != VOTES_SECRET_LEN) {
                PQclear(res);
                set_err(p, "", _("the day's secret is missing"));
                return -EBADMSG;
        }
        memcpy(ret_secret, PQgetvalue(res, 0, 0), VOTES_SECRET_LEN);
        PQclear(res);
        return 0;
}

static int pg_ballot_add(void *be, int64_t day, const uint8_t hash[VOTES_HASH_LEN],
                         const char *lang, int value, bool *ret_added)
{
        struct pg *p = be;
        char d[24], val[4];
        const char *v[] = { d, (const char *)hash, lang, val };
        const int len[] = { 0, VOTES_HASH_LEN, 0, 0 };
        long rows = 0;

        snprintf(d, sizeof(d), "%lld", (long long)day);
        snprintf(val, sizeof(val), "%d", value);
        int r = run_command(p, P_BALLOT_ADD, 4, v, len, 1u << 1, &rows);
        if (r >= 0)
                *ret_added = rows == 1;
        return r;
}

static int pg_ballot_get(void *be, int64_t day, const uint8_t hash[VOTES_HASH_LEN],
                         char ret_lang[VOTES_LANG_MAX + 1], int *ret_value)
{
        struct pg *p = be;
        char d[24];
        const char *v[] = { d, (const char *)hash };
        const int len[] = { 0, VOTES_HASH_LEN };

        snprintf(d, sizeof(d), "%lld", (long long)day);
        PGresult *res = run(p, P_BALLOT_GET, 2, v, len, 1u << 1, 0);
        if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
                return check(p, p->w, res, PGRES_TUPLES_OK);
        if (PQntuples(res) != 1) {
                PQclear(res);
                set_err(p, "", _("a ballot vanished inside a transaction"));
                return -EIO;
        }
        snprintf(ret_lang, VOTES_LANG_MAX + 1, "%s", PQgetvalue(res, 0, 0));
        *ret_value = atoi(PQgetvalue(res, 0, 1));
        PQclear(res);
        return 0;
}

static int pg_ballot_set(void *be, int64_t day, const uint8_t hash[VOTES_HASH_LEN],
                         const char *lang, int value)
{
        struct pg *p = be;
        char d[24], val[4];
        const char *v[] = { d, (const char *)hash, lang, val };
        const int len[] = { 0, VOTES_HASH_LEN, 0, 0 };

        snprintf(d, sizeof(d), "%lld", (long long)day);
        snprintf(val, sizeof(val), "%d", value);
        return run_command(p, P_BALLOT_SET, 4, v, len, 1u << 1, NULL);
}

static int pg_tally_add(void *be, const char *page, const char *lang,
                        const int delta[VOTE_VALUE_COUNT])
{
        struct pg *p = be;
        char dv[VOTE_VALUE_COUNT][8];
        const char *v[2 + VOTE_VALUE_COUNT] = { page, lang };

        for (int i = 0; i < VOTE_VALUE_COUNT; i++) {
                snprintf(dv[i], sizeof(dv[i]), "%d", delta[i]);
                v[2 + i] = dv[i];
        }
        /* A decrement is an UPDATE: the CHECKs hold for the row an upsert
         * proposes, before it turns into an update. */
        bool sub = delta[0] < 0 || delta[1] < 0 || delta[2] < 0;
        return run_command(p, sub ? P_TALLY_SUB : P_TALLY_ADD, 2 + VOTE_VALUE_COUNT, v, NULL, 0,
                           NULL);
}

static PGresult *read_tallies(struct pg *p, const char *page)
{
        const char *v[] = { page };
        if (!page)
                return PQexec(p->r,
                              "SELECT page, lang, unhelpful, neutral, helpful FROM vote_tally");
        return PQexecParams(p->r,
                            "SELECT page, lang, unhelpful, neutral, helpful"
                            " FROM vote_tally WHERE page = $1",
                            1, NULL, v, NULL, NULL, 0);
}

static int pg_tallies(void *be, const char *page, struct votes_tally **ret_tallies, size_t *ret_n)
{
        struct pg *p = be;
        struct votes_tally *t = NULL, *e;
        size_t n = 0, cap = 0;
        PGresult *res;
        int r;

        if ((r = ensure(p, &p->r, false, false)) < 0)
                return r;
        res = read_tallies(p, page);
        /* Reads are safe to repeat on a new connection after a restart. */
        if ((!res || PQresultStatus(res) != PGRES_TUPLES_OK) &&
            map_result(p, p->r, res) == -ENOTCONN) {
                PQclear(res);
                if ((r = ensure(p, &p->r, false, true)) < 0)
                        return r;
                res = read_tallies(p, page);
        }
        if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
                r = check(p, p->r, res, PGRES_TUPLES_OK);
                return r < 0 ? r : -EIO;
        }
        for (int i = 0; i < PQntuples(res); i++) {
                if ((r = votes_tally_push(&t, &n, &cap, &e)) < 0) {
                        PQclear(res);
                        free(t);
                        return r;
                }
                snprintf(e->page, sizeof(e->page), "%s", PQgetvalue(res, i, 0));
                snprintf(e->lang, sizeof(e->lang), "%s", PQgetvalue(res, i, 1));
                for (int k = 0; k < VOTE_VALUE_COUNT; k++)
                        e->count[k] = strtoull(PQgetvalue(res, i, 2 + k), NULL, 10);
        }
        PQclear(res);
        *ret_tallies = t;
        *ret_n = n;
        return 0;
}

static int pg_hash_count(void *be, uint64_t *ret_n)
{
        struct pg *p = be;
        long long n = 0;
        int r = ensure(p, &p->r, false, false);
        if (r >= 0)
                r = query_int(p, p->r, "SELECT count(*) FROM vote_ballot", &n);
        if (r == -ENOTCONN && (r = ensure(p, &p->r, false, true)) >= 0)
                r = query_int(p, p->r, "SELECT count(*) FROM vote_ballot", &n);
        if (r >= 0)
                *ret_n = (uint64_t)n;
        return r;
}

static const char *pg_error(void *be)
{
        return ((struct pg *)be)->err;
}

const struct votes_backend votes_backend_pg = {
        .name = "postgresql",
        .open = pg_open,
        .close = pg_close,
        .begin = pg_begin,
        .commit = pg_commit,
        .rollback = pg_rollback,
        .expire = pg_expire,
        .secret = pg_secret,
        .ballot_add = pg_ballot_add,
        .ballot_get = pg_ballot_get,
        .ballot_set = pg_ballot_set,
        .tally_add = pg_tally_add,
        .tallies = pg_tallies,
        .hash_count = pg_hash_count,
        .error = pg_error,
};
