/* SPDX-License-Identifier: MIT */
/*
 * libportscope: explain network ports.
 *
 * Conventions, shared by every function in this library:
 *  - Functions that can fail return 0 (or a count) on success and a negative
 *    errno-style code on failure; ps_strerror() turns a code into text.
 *  - Output parameters are named ret_* and come last; they are written only
 *    on success.
 *  - The library never prints, exits or aborts.
 *  - Enumerations are append-only: a value, once published, keeps its number.
 *  - Public structs grow only at their end. A struct the library allocates
 *    (the reports of report.h) is read through a pointer and never copied,
 *    embedded or allocated by a program; its arrays are reached through
 *    *_at() functions, since an element may grow. A struct a program fills
 *    for the library (ps_report_opts) carries its own size, set by its
 *    *_INIT macro, and the library treats fields beyond that size as zero.
 *    Structs published before this rule (ps_record, ps_note, ps_socket...)
 *    keep their layout until the next major version.
 */
#ifndef PORTSCOPE_PORTSCOPE_H
#define PORTSCOPE_PORTSCOPE_H

#ifdef __cplusplus
extern "C" {
#endif

#define PS_VERSION_MAJOR 0
#define PS_VERSION_MINOR 1
#define PS_VERSION_PATCH 0

/* The library's own version, "MAJOR.MINOR.PATCH". */
const char *ps_version(void);

/* Text for a negative code returned by this library (or a plain -errno). */
const char *ps_strerror(int code);

#ifdef __cplusplus
}
#endif

#include <portscope/notes.h>
#include <portscope/prevalence.h>
#include <portscope/ranges.h>
#include <portscope/registry.h>
#include <portscope/report.h>
#include <portscope/sockets.h>

#endif
