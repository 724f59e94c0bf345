/* SPDX-License-Identifier: MIT */
/*
 * Login names for the socket tables, in portscope-full and a dynamically
 * linked portscope: NSS, with every source nsswitch.conf names. The static
 * portscope has its own (src/cli/users-static.c).
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

bool cli_user_name(unsigned uid, char *buf, size_t size)
{
        struct passwd *pw = getpwuid(uid);
        if (!pw || !pw->pw_name || !*pw->pw_name || strlen(pw->pw_name) >= size)
                return false;
        memcpy(buf, pw->pw_name, strlen(pw->pw_name) + 1);
        return true;
}

bool cli_user_uid(const char *name, unsigned *ret_uid)
{
        struct passwd *pw = getpwnam(name);
        if (!pw)
                return false;
        *ret_uid = (unsigned)pw->pw_uid;
        return true;
}
