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
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
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
        char *argv[] = { "getent", "passwd", "--", (char *)key, NULL };
        char line[GETENT_MAX];
        int status;
        bool ran;

        int r = cli_run_read(GETENT_PATH, argv, true, line, sizeof(line), &status, &ran);
        if (r < 0)
                return r;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return -ENOENT;

        /* name:password:uid:... */
        char *name_end = strchr(line, ':');
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
