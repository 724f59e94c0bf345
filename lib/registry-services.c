/* SPDX-License-Identifier: MIT */
/*
 * This machine's services file (services(5), /etc/services): the names it
 * gives one port, for the port report's local facts. A site's or a
 * distribution's own names, never the registry: the report says them as
 * local names beside IANA's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "parse.h"
#include "registry-internal.h"
#include "utf8.h"

/* Debian's file is 12 KB; a services file a thousand times that is not one. */
#define SERVICES_FILE_MAX (16u << 20)

const char *ps_services_default_path(void)
{
        const char *env = getenv("PORTSCOPE_SERVICES");
        return env && *env ? env : "/etc/services";
}

static bool blank(char c)
{
        return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated word of the line at *p, NUL-terminated in place;
 * NULL at the end of the line. */
static char *word(char **p)
{
        char *s = *p;
        while (blank(*s))
                s++;
        if (!*s)
                return NULL;
        char *e = s;
        while (*e && !blank(*e))
                e++;
        if (*e)
                *e++ = '\0';
        *p = e;
        return s;
}

/* Parses "name port/proto [aliases...]" (the comment already cut off) into
 * e when it is for port; 1 for an entry, 0 to skip the line. Malformed
 * lines are skipped, as the C library's own reader skips them. */
static int parse_line(char *line, unsigned port, struct ps_services_entry *e)
{
        char *p = line, *name = word(&p), *pp = word(&p), *slash;
        unsigned n;
        ps_proto proto;
        if (!name || !pp || !(slash = strchr(pp, '/')))
                return 0;
        *slash = '\0';
        if (ps_parse_port_n(pp, strlen(pp), &n) < 0 || n != port ||
            ps_proto_from_string(slash + 1, &proto) < 0 || proto == PS_PROTO_ANY ||
            strlen(name) > PS_SERVICE_NAME_MAX)
                return 0;
        ps_text_sanitize_to(e->name, sizeof(e->name), name);
        e->proto = proto;
        e->aliases[0] = '\0';
        size_t len = 0;
        for (char *a; (a = word(&p));) {
                size_t k = strlen(a);
                if (k > PS_SERVICE_NAME_MAX || len + k + 2 > sizeof(e->aliases))
                        continue;
                if (len)
                        e->aliases[len++] = ' ';
                memcpy(e->aliases + len, a, k + 1);
                len += k;
        }
        ps_text_sanitize(e->aliases);
        return 1;
}

int ps_services_port(const char *path, unsigned port, struct ps_services_entry *ret, size_t cap)
{
        char *buf, key[8];
        size_t len, n = 0;
        int r = ps_read_full(path, SERVICES_FILE_MAX, 0, &buf, &len);
        if (r < 0)
                return r;
        /* Only a line holding "PORT/" can be for the port (a port is digits,
         * leading zeros included, and "01712/" holds "1712/"): each such line
         * is parsed in full, the others are not looked at. The buffer ends in
         * a NUL, so the last line is a string too. */
        snprintf(key, sizeof(key), "%u/", port);
        char *end = buf + len, *done = buf;
        /* strstr() stops at a NUL: one in the file ends a stretch, the search
         * goes on after it. */
        for (char *pos = buf; n < cap && pos < end;) {
                char *hit = strstr(pos, key);
                if (!hit) {
                        pos += strlen(pos) + 1;
                        continue;
                }
                char *line = hit;
                while (line > done && line[-1] != '\n')
                        line--;
                char *nl = memchr(hit, '\n', (size_t)(end - hit));
                /* The rest of this line is not searched again. */
                pos = done = nl ? nl + 1 : end;
                if (nl)
                        *nl = '\0';
                char *hash = strchr(line, '#');
                if (hash)
                        *hash = '\0';
                n += (size_t)parse_line(line, port, &ret[n]);
        }
        free(buf);
        return (int)n;
}
