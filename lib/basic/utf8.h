/* SPDX-License-Identifier: MIT */
#ifndef PS_UTF8_H
#define PS_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The one strict UTF-8 checker: shortest form only, no surrogates, nothing
 * above U+10FFFF, no truncated sequence. Everything that takes text from
 * outside (files, processes, arguments) goes through it.
 */

/* The length (1-4) of the valid sequence at s (at most n bytes) and its code
 * point in *ret_cp, or 0 when the bytes there are not UTF-8. */
size_t ps_utf8_decode(const char *s, size_t n, uint32_t *ret_cp);

/* Whether all n bytes at s are UTF-8 (a NUL is a valid character here). */
bool ps_utf8_valid(const char *s, size_t n);

/* Whether a terminal would act on cp rather than show it: C0, DEL, C1 and
 * the bidirectional formatting characters that reorder what follows. */
bool ps_char_is_control(uint32_t cp);

/* Whether the n bytes at s are UTF-8 without any control character; a
 * newline passes only when allow_newline. */
bool ps_text_valid(const char *s, size_t n, bool allow_newline);

/* Rewrites s in place so that it prints as itself: every byte that is not
 * part of a UTF-8 character and every control character becomes one '?'.
 * The result is never longer; returns how many were replaced. */
size_t ps_text_sanitize(char *s);

/* The same into dst (size bytes, size >= 1), cut at a character boundary
 * when it does not fit; returns dst. For printing text from outside. */
char *ps_text_sanitize_to(char *dst, size_t size, const char *src);

/* A copy of s with every run of white space (space, tab, CR, LF) made one
 * space and none at either end; NULL when out of memory. IANA's CSV keeps
 * the XML's line breaks and indentation where the XML reader folds them. */
char *ps_text_fold_space(const char *s);

#endif
