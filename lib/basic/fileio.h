/* SPDX-License-Identifier: MIT */
#ifndef PS_FILEIO_H
#define PS_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

enum {
        /* Stop at max bytes and return 1, rather than fail with -EFBIG. */
        PS_READ_TRUNCATE = 1 << 0,
        /* Refuse a symbolic link as the last component (-ELOOP). */
        PS_READ_NOFOLLOW = 1 << 1,
        /* Read whatever the user named (/dev/null, a pipe), blocking as usual;
         * only for a path given on the command line, never for one found. */
        PS_READ_ANY_TYPE = 1 << 2,
};

/*
 * The one reader of whole files: path relative to dirfd (AT_FDCWD for the
 * working directory), at most max bytes, into a NUL-terminated buffer the
 * caller frees. It opens with O_NONBLOCK|O_CLOEXEC|O_NOCTTY and reads only
 * regular files, so a FIFO, a device or a terminal planted where a file is
 * expected (in a --proc-root tree, say) is refused at once: -EISDIR for a
 * directory, -EINVAL for anything else. -EFBIG past max. Returns 0, or 1
 * when PS_READ_TRUNCATE cut the file. ret_st (optional) gets its fstat().
 */
int ps_read_full_at(int dirfd, const char *path, size_t max, unsigned flags, char **ret_buf,
                    size_t *ret_len, struct stat *ret_st);
/* Opens a regular file for reading the same way, for a reader that streams
 * it: the fd, or -errno (-EISDIR, -EINVAL as above). */
int ps_open_regular_at(int dirfd, const char *path, unsigned flags, struct stat *ret_st);
int ps_read_full(const char *path, size_t max, unsigned flags, char **ret_buf, size_t *ret_len);

/*
 * The one atomic writer: a temporary file in path's directory, written,
 * given mode, fsync'd and renamed over path, then the directory fsync'd. A
 * reader sees the old file or the new one, whole; on failure nothing is
 * left behind.
 */
int ps_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* mkdir -p for dir itself, every directory created with mode. */
int ps_mkdir_p(const char *dir, mode_t mode);

/*
 * Whether a file or directory of a per-user location may be trusted: owned
 * by the user (or root) and writable by no one else (group write only when
 * the group is the user's own). With a shared HOME, another user could
 * otherwise plant a database or forge a cache.
 */
bool ps_stat_trusted(const struct stat *st);

#endif
