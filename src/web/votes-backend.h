/* SPDX-License-Identifier: MIT */
/* What a vote store backend provides: SQL primitives run by the generic
 * writer (votes-store.c), which holds the rules (one ballot per visitor, page
 * and day; a changed vote replaces; tallies follow) in one place. Every
 * primitive returns 0 or a negative code (votes-store.h) and leaves its
 * detail in the backend's error buffer. */
#ifndef PS_WEB_VOTES_BACKEND_H
#define PS_WEB_VOTES_BACKEND_H

#include "votes-store.h"

#define VOTES_SECRET_LEN 32
#define VOTES_HASH_LEN 32
#define VOTES_ERROR_MAX 256

/* The schema version this program writes; docs/votes.md lists each one. */
#define VOTES_SCHEMA_VERSION 1

struct votes_backend {
        const char *name;
        int (*open)(const char *location, unsigned flags, char *err, size_t err_size,
                    void **ret_be);
        void (*close)(void *be);

        /* Reopens every connection, after the file was read-only: SQLite
         * shares one descriptor per file among a process's connections.
         * Called with the read lock held; NULL where not needed. */
        int (*reopen)(void *be);

        /* The writer's connection: one transaction at a time. */
        int (*begin)(void *be);
        int (*commit)(void *be);
        void (*rollback)(void *be);
        /* Deletes ballots and secrets of days before day. */
        int (*expire)(void *be, int64_t day);
        /* The day's secret: fresh unless the store already has one. */
        int (*secret)(void *be, int64_t day, const uint8_t fresh[VOTES_SECRET_LEN],
                      uint8_t ret_secret[VOTES_SECRET_LEN]);
        /* Adds a ballot; *ret_added false when one exists for (day, hash). */
        int (*ballot_add)(void *be, int64_t day, const uint8_t hash[VOTES_HASH_LEN],
                          const char *lang, int value, bool *ret_added);
        /* The existing ballot's language and value, locked until commit. */
        int (*ballot_get)(void *be, int64_t day, const uint8_t hash[VOTES_HASH_LEN],
                          char ret_lang[VOTES_LANG_MAX + 1], int *ret_value);
        int (*ballot_set)(void *be, int64_t day, const uint8_t hash[VOTES_HASH_LEN],
                          const char *lang, int value);
        /* Adds delta[i] to the tally of value i for (page, lang). */
        int (*tally_add)(void *be, const char *page, const char *lang,
                         const int delta[VOTE_VALUE_COUNT]);

        /* The reader's connection, used under the store's read lock. */
        int (*tallies)(void *be, const char *page, struct votes_tally **ret_tallies, size_t *ret_n);
        int (*hash_count)(void *be, uint64_t *ret_n);

        /* The last failure's detail. */
        const char *(*error)(void *be);
};

extern const struct votes_backend votes_backend_sqlite;
extern const struct votes_backend votes_backend_pg;

/* Sets *n to the number of tallies and grows *tallies by one zeroed entry. */
int votes_tally_push(struct votes_tally **tallies, size_t *n, size_t *cap,
                     struct votes_tally **ret_new);

#endif
