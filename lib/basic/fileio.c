/* SPDX-License-Identifier: MIT */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"

int ps_open_regular_at(int dirfd, const char *path, unsigned flags, struct stat *ret_st)
{
        struct stat st;
        int fd = openat(dirfd, path,
                        O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY |
                                (flags & PS_READ_NOFOLLOW ? O_NOFOLLOW : 0));
        if (fd < 0)
                return -errno;
        int r = fstat(fd, &st) < 0                                    ? -errno
                : S_ISDIR(st.st_mode)                                 ? -EISDIR
                : !S_ISREG(st.st_mode) && !(flags & PS_READ_ANY_TYPE) ? -EINVAL
                : !S_ISREG(st.st_mode) && fcntl(fd, F_SETFL, 0) < 0   ? -errno
                                                                      : 0;
        if (r < 0) {
                close(fd);
                return r;
        }
        if (ret_st)
                *ret_st = st;
        return fd;
}

int ps_read_full_at(int dirfd, const char *path, size_t max, unsigned flags, char **ret_buf,
                    size_t *ret_len, struct stat *ret_st)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t len = 0, alloc;
        int truncated = 0;

        fd = ps_open_regular_at(dirfd, path, flags, &st);
        if (fd < 0)
                return fd;
        if (st.st_size > 0 && (uint64_t)st.st_size > max && !(flags & PS_READ_TRUNCATE))
                return -EFBIG;
        /* Files in /proc say 0 and have more: read until the end either way.
         * A byte of room past the size lets the read that finds the end
         * return 0 without a realloc(), which copied the whole file into a
         * buffer twice its size (4 page faults for /etc/services in every
         * report). */
        alloc = st.st_size > 0 && (uint64_t)st.st_size < max ? (size_t)st.st_size + 1 : 4096;
        if (alloc > max)
                alloc = max;
        if (!(buf = malloc(alloc + 1)))
                return -ENOMEM;
        for (;;) {
                if (len == alloc) {
                        if (alloc == max) {
                                /* One byte more tells a file at the cap from a larger one. */
                                char c;
                                ssize_t k = read(fd, &c, 1);
                                if (k < 0 && errno == EINTR)
                                        continue;
                                if (k < 0)
                                        return -errno;
                                if (k == 0)
                                        break;
                                if (!(flags & PS_READ_TRUNCATE))
                                        return -EFBIG;
                                truncated = 1;
                                break;
                        }
                        size_t na = alloc > max / 2 ? max : alloc * 2;
                        char *p = realloc(buf, na + 1);
                        if (!p)
                                return -ENOMEM;
                        buf = p;
                        alloc = na;
                }
                ssize_t k = read(fd, buf + len, alloc - len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                len += (size_t)k;
        }
        buf[len] = '\0';
        if (ret_st)
                *ret_st = st;
        if (ret_len)
                *ret_len = len;
        *ret_buf = TAKE_PTR(buf);
        return truncated;
}

int ps_read_full(const char *path, size_t max, unsigned flags, char **ret_buf, size_t *ret_len)
{
        return ps_read_full_at(AT_FDCWD, path, max, flags, ret_buf, ret_len, NULL);
}

static int write_all(int fd, const void *data, size_t len)
{
        const char *p = data;
        while (len) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int ps_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
        _cleanup_free_ char *tmp = NULL, *dir = NULL;
        const char *slash = strrchr(path, '/');
        if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
                tmp = NULL;
                return -ENOMEM;
        }
        if (!(dir = slash ? (slash == path ? strdup("/") : strndup(path, (size_t)(slash - path)))
                          : strdup(".")))
                return -ENOMEM;
        int fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        int r = write_all(fd, data, len);
        if (r == 0 && fchmod(fd, mode) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                unlink(tmp);
                return r;
        }
        _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) < 0)
                return -errno;
        return 0;
}

int ps_mkdir_p(const char *dir, mode_t mode)
{
        _cleanup_free_ char *buf = strdup(dir);
        if (!buf)
                return -ENOMEM;
        for (char *s = buf + 1;; s++) {
                if (*s && *s != '/')
                        continue;
                char c = *s;
                *s = '\0';
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = c;
                if (!c)
                        return 0;
        }
}

bool ps_stat_trusted(const struct stat *st)
{
        if (st->st_uid != geteuid() && st->st_uid != 0)
                return false;
        if (st->st_mode & S_IWOTH)
                return false;
        return !(st->st_mode & S_IWGRP) || st->st_gid == getegid();
}
