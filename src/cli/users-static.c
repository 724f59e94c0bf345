/* SPDX-License-Identifier: MIT */
/*
 * Login names for the socket tables, in the static portscope. NSS loads the
 * modules nsswitch.conf names, which a static glibc cannot do safely (it
 * crashed in libnss_systemd's start-up); so this reads /etc/passwd itself,
 * and asks getent(1), the system's own NSS client, for a name or uid the file
 * does not have: a systemd dynamic user, LDAP, SSSD. portscope-full, and a
 * dynamically linked portscope, ask NSS (src/cli/users-nss.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "macro.h"
#include "parse.h"

#define GETENT_PATH "/usr/bin/getent"
#define PASSWD_PATH "/etc/passwd"
/* One passwd line: name, password, uid, gid, GECOS, home, shell. */
#define GETENT_MAX 4096

/* A login name into buf: not empty, no field separator, no line break (the
 * caller makes it printable). */
static bool copy_name(const char *name, size_t len, char *buf, size_t size)
{
        if (len == 0 || len >= size || memchr(name, ':', len) || memchr(name, '\n', len))
                return false;
        memcpy(buf, name, len);
        buf[len] = '\0';
        return true;
}

/* The first line of `getent passwd KEY`: its name into buf and its uid.
 * 0, -ENOENT when getent knows no such user, or another negative errno. */
static int getent_passwd(const char *key, char *buf, size_t size, unsigned *ret_uid)
{
        extern char **environ;
        char *argv[] = { "getent", "passwd", "--", (char *)key, NULL };
        _cleanup_close_ int rd = -1;
        int fds[2], r;
        pid_t pid;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        rd = fds[0];
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        r = posix_spawn(&pid, GETENT_PATH, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        if (r)
                return -r;

        char line[GETENT_MAX];
        size_t n = 0;
        while (n < sizeof(line) - 1) {
                ssize_t k = read(rd, line + n, sizeof(line) - 1 - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                n += (size_t)k;
        }
        /* A getent that writes more than a line gets SIGPIPE, and ends. */
        close(rd);
        rd = -1;
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return -ENOENT;

        /* name:password:uid:... */
        line[n] = '\0';
        char *name_end = memchr(line, ':', n);
        char *pw_end = name_end ? strchr(name_end + 1, ':') : NULL;
        char *uid_end = pw_end ? strchr(pw_end + 1, ':') : NULL;
        uint64_t uid;
        if (!uid_end ||
            ps_parse_uint_n(pw_end + 1, (size_t)(uid_end - pw_end - 1), 0xffffffffu, &uid) < 0 ||
            !copy_name(line, (size_t)(name_end - line), buf, size))
                return -EINVAL;
        *ret_uid = (unsigned)uid;
        return 0;
}

/* The first entry of /etc/passwd for name, or for uid when name is NULL:
 * its name into buf and its uid. Lines of NIS's compat syntax (+, -) are
 * left to getent, as is a line longer than any login needs. */
static bool passwd_file(const char *name, unsigned uid, char *buf, size_t size, unsigned *ret_uid)
{
        FILE *f = fopen(PASSWD_PATH, "re");
        struct passwd pw, *p;
        char line[GETENT_MAX];
        bool found = false;

        if (!f)
                return false;
        while (!found && fgetpwent_r(f, &pw, line, sizeof(line), &p) == 0)
                if (p->pw_name[0] != '+' && p->pw_name[0] != '-' &&
                    (name ? !strcmp(p->pw_name, name) : p->pw_uid == uid) &&
                    copy_name(p->pw_name, strlen(p->pw_name), buf, size)) {
                        *ret_uid = (unsigned)p->pw_uid;
                        found = true;
                }
        fclose(f);
        return found;
}

bool cli_user_name(unsigned uid, char *buf, size_t size)
{
        char key[16], name[256];
        unsigned got;
        snprintf(key, sizeof(key), "%u", uid);
        /* getent takes a key of digits for a uid; the answer must be that uid. */
        if (!passwd_file(NULL, uid, name, sizeof(name), &got) &&
            (getent_passwd(key, name, sizeof(name), &got) < 0 || got != uid))
                return false;
        return copy_name(name, strlen(name), buf, size);
}

bool cli_user_uid(const char *name, unsigned *ret_uid)
{
        char got[256];
        unsigned uid;
        if (passwd_file(name, 0, got, sizeof(got), &uid)) {
                *ret_uid = uid;
                return true;
        }
        /* Digits would be taken as a uid: the caller parses those itself. */
        if (!*name || strspn(name, "0123456789") == strlen(name) ||
            getent_passwd(name, got, sizeof(got), &uid) < 0 || strcmp(got, name) != 0)
                return false;
        *ret_uid = uid;
        return true;
}
