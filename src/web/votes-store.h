/* SPDX-License-Identifier: MIT */
/* The vote store: "was this page helpful" votes per page and language, in
 * SQLite (a file path) or PostgreSQL (a postgresql:// URL). What is stored
 * and for how long: docs/votes.md.
 *
 * A vote is acknowledged (its callback called with 0, or votes_cast()
 * returning 0) only after the transaction holding it is durable. Votes cast
 * at the same time by different threads share one transaction and one sync
 * (group commit), so a server answers many votes per disk flush.
 *
 * Thread contract: every function may be called from any thread at the same
 * time, except votes_close(), which must be the last call. */
#ifndef PS_WEB_VOTES_STORE_H
#define PS_WEB_VOTES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef enum {
        VOTE_UNHELPFUL = 0,
        VOTE_NEUTRAL = 1,
        VOTE_HELPFUL = 2,
        VOTE_VALUE_COUNT,
} vote_value;

/* Limits on what a caller may pass; longer input is refused with -EINVAL. */
#define VOTES_PAGE_MAX 128   /* a site path: "/ports/1712" */
#define VOTES_LANG_MAX 35    /* a BCP 47 tag: letters, digits and '-' */
#define VOTES_VISITOR_MAX 64 /* opaque bytes naming the visitor: an address */
#define VOTES_BATCH_MAX 512  /* votes in one transaction */

/* Error codes beyond the usual negative errno values:
 *   -ENOSPC           the disk is full
 *   -EROFS, -EACCES   the file or its directory cannot be written
 *   -EBADMSG          the file is not a vote store or is corrupted
 *   -EPROTONOSUPPORT  the store was written by a newer portscope (schema version)
 *   -ENOTCONN         PostgreSQL cannot be reached or the connection broke
 *   -EBUSY            another writer held the store longer than the busy timeout
 *   -ENOENT           no store there (only when opened without VOTES_OPEN_CREATE)
 *   -EINVAL           a bad argument: page, language, value or location
 *   -EIO              any other failure of the database */

typedef struct votes_store votes_store;

enum {
        VOTES_OPEN_CREATE = 1 << 0, /* create the file (SQLite) and its schema if missing */
};

/* Opens the store at location: "postgresql://..." or "postgres://..." (a libpq
 * URL), else a SQLite file path. Migrates an older schema; refuses a newer one.
 * On failure, ret_error (when given) receives a one-line detail to show after
 * the location, and the code says what kind of failure it was. */
int votes_open(const char *location, unsigned flags, char *ret_error, size_t error_size,
               votes_store **ret_store);
void votes_close(votes_store *s);

/* What a code means for a vote store, one English phrase marked for
 * translation: print it through _(). */
const char *votes_strerror(int code);
/* The location with a PostgreSQL password replaced by "***", for messages. */
void votes_location_redacted(const char *location, char *buf, size_t size);

/* Which backend: "sqlite" or "postgresql". */
const char *votes_backend(const votes_store *s);

/* The SQLite file used when no location is given: $STATE_DIRECTORY/votes.db
 * under a systemd unit's StateDirectory, else $XDG_STATE_HOME/portscope/votes.db,
 * else ~/.local/state/portscope/votes.db. The caller frees it. */
int votes_default_location(char **ret_path);

struct vote {
        const char *page; /* "/ports/1712" */
        const char *lang; /* "en" */
        vote_value value;
        const void *visitor; /* who votes, hashed with the day's secret */
        size_t visitor_len;
        time_t now; /* the vote's day is now / 86400 (UTC) */
};

/* Checks a vote's fields without storing anything: 0 or -EINVAL. */
int votes_check(const struct vote *v);

/* Called once per vote, from the store's writer thread: result 0 when the
 * vote is durable, replaced when it replaced the visitor's earlier vote on
 * that page that day; a negative code when nothing of it was stored. */
typedef void (*votes_done_fn)(void *userdata, int result, bool replaced);

/* Queues a vote and returns at once; done is called exactly once, unless this
 * returns an error (then never). */
int votes_cast_async(votes_store *s, const struct vote *v, votes_done_fn done, void *userdata);
/* Queues a vote and waits until it is durable or has failed. */
int votes_cast(votes_store *s, const struct vote *v, bool *ret_replaced);

/* Deletes the visitor hashes and secrets of days before now's day. The
 * writer does it at the first vote of each day too. */
int votes_expire(votes_store *s, time_t now);

struct votes_tally {
        char page[VOTES_PAGE_MAX + 1];
        char lang[VOTES_LANG_MAX + 1];
        uint64_t count[VOTE_VALUE_COUNT];
};

/* The tallies of one page (every language), or of every page when page is
 * NULL, sorted by page (numbers in natural order) then language. */
int votes_tallies(votes_store *s, const char *page, struct votes_tally **ret_tallies,
                  size_t *ret_n);

/* Visitor hashes currently stored, for the tests and docs/votes.md's promise. */
int votes_hash_count(votes_store *s, uint64_t *ret_n);

/* The last failure's detail from the database, for the one log line. */
void votes_last_error(votes_store *s, char *buf, size_t size);

const char *vote_value_name(vote_value v);
int vote_value_from_name(const char *name, vote_value *ret);

#endif
