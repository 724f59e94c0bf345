/* SPDX-License-Identifier: MIT */
/* Word matching shared by the registry search and the notes search. */
#ifndef PS_TEXTMATCH_H
#define PS_TEXTMATCH_H

#include <stddef.h>

#define PS_QUERY_MAX_WORDS 16

/* Splits query (at most PS_QUERY_MAX bytes) into lower-case words kept in buf
 * (PS_QUERY_MAX + 1 bytes). Returns the number of words; -EINVAL for none or
 * a query too long, -E2BIG for more than PS_QUERY_MAX_WORDS. */
int ps_query_words(const char *query, char *buf, const char **words, size_t *lens);
/* 2 when word (lower case) stands as a whole word in text, 1 as part of one, 0 not at all. */
int ps_text_match(const char *text, const char *word, size_t wlen);

typedef struct ps_match ps_match;
/* Sorts all[0..found) best first, copies up to cap of them to ret (may be
 * NULL), frees all, and returns found (capped at INT32_MAX). */
int ps_matches_finish(ps_match *all, size_t found, ps_match *ret, size_t cap);

#endif
