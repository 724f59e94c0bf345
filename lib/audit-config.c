/* SPDX-License-Identifier: MIT */
/*
 * audit.conf: which findings the administrator has accepted.
 *
 *   # comment
 *   ignore RULE|* [port=PORT[/PROTO]] [process=NAME] [address=ADDR]
 *
 * Every condition given must match for a finding to be silenced.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "portscope/audit.h"
#include "ps-limits.h"
#include "util.h"

#define CONFIG_MAX_RULES 4096

struct ignore {
        char *rule; /* NULL: every rule */
        int port;   /* -1: any */
        ps_proto proto;
        char *process;
        char *address;
};

struct ps_audit_config {
        struct ignore *v;
        size_t n;
};

PS_EXPORT void ps_audit_config_free(ps_audit_config *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < c->n; i++) {
                free(c->v[i].rule);
                free(c->v[i].process);
                free(c->v[i].address);
        }
        free(c->v);
        free(c);
}

static int bad(char *errbuf, size_t errsize, const char *name, unsigned line, const char *fmt, ...)
{
        if (errbuf && errsize) {
                int n = snprintf(errbuf, errsize, "%s:%u: ", name, line);
                if (n > 0 && (size_t)n < errsize) {
                        va_list ap;
                        va_start(ap, fmt);
                        vsnprintf(errbuf + n, errsize - n, fmt, ap);
                        va_end(ap);
                }
        }
        return -EBADMSG;
}

static bool rule_known(const char *id)
{
        const ps_audit_rule *rules;
        size_t n = ps_audit_rules(&rules);
        for (size_t i = 0; i < n; i++)
                if (!strcmp(rules[i].id, id))
                        return true;
        return false;
}

static int parse_line(char *p, struct ignore *ig, const char *name, unsigned line, char *errbuf,
                      size_t errsize)
{
        char *save = NULL, *word = strtok_r(p, " \t", &save);
        if (strcmp(word, "ignore"))
                return bad(errbuf, errsize, name, line,
                           "unknown directive \"%.40s\" (expected \"ignore\")", word);
        char *rule = strtok_r(NULL, " \t", &save);
        if (!rule)
                return bad(errbuf, errsize, name, line, "\"ignore\" needs a rule id or *");
        if (strcmp(rule, "*") && !rule_known(rule))
                return bad(errbuf, errsize, name, line, "unknown rule \"%.60s\"", rule);
        ig->port = -1;
        ig->proto = PS_PROTO_ANY;
        if (strcmp(rule, "*") && !(ig->rule = strdup(rule)))
                return -ENOMEM;
        for (char *kv; (kv = strtok_r(NULL, " \t", &save));) {
                char *eq = strchr(kv, '=');
                if (!eq || eq == kv || !eq[1])
                        return bad(errbuf, errsize, name, line, "expected KEY=VALUE, not \"%.40s\"",
                                   kv);
                *eq = '\0';
                const char *v = eq + 1;
                if (!strcmp(kv, "port")) {
                        ps_port_spec spec;
                        if (ig->port >= 0)
                                return bad(errbuf, errsize, name, line, "port= given twice");
                        if (ps_parse_port_spec(v, &spec) < 0 || spec.lo != spec.hi)
                                return bad(errbuf, errsize, name, line,
                                           "port=%.40s: expected PORT or PORT/PROTO", v);
                        ig->port = (int)spec.lo;
                        ig->proto = spec.proto;
                } else if (!strcmp(kv, "process")) {
                        if (ig->process)
                                return bad(errbuf, errsize, name, line, "process= given twice");
                        if (!(ig->process = strdup(v)))
                                return -ENOMEM;
                } else if (!strcmp(kv, "address")) {
                        if (ig->address)
                                return bad(errbuf, errsize, name, line, "address= given twice");
                        if (strlen(v) > 47 || strspn(v, "0123456789abcdefABCDEF.:*%") != strlen(v))
                                return bad(errbuf, errsize, name, line,
                                           "address=%.40s: expected an IP address or *", v);
                        if (!(ig->address = strdup(v)))
                                return -ENOMEM;
                } else {
                        return bad(errbuf, errsize, name, line,
                                   "unknown key \"%.40s\" (port, process or address)", kv);
                }
        }
        return 0;
}

PS_EXPORT int ps_audit_config_parse(const char *text, size_t len, const char *name,
                                    ps_audit_config **ret_config, char *errbuf, size_t errsize)
{
        ps_audit_config *c = calloc(1, sizeof(*c));
        char buf[PS_AUDIT_CONFIG_LINE_MAX + 1];
        unsigned line = 0;
        size_t pos = 0;
        int r = 0;

        if (!c)
                return -ENOMEM;
        if (len > PS_AUDIT_CONFIG_MAX) {
                free(c);
                return bad(errbuf, errsize, name, 0, "larger than %u bytes", PS_AUDIT_CONFIG_MAX);
        }
        while (pos < len && r >= 0) {
                const char *nl = memchr(text + pos, '\n', len - pos);
                size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
                line++;
                if (l > PS_AUDIT_CONFIG_LINE_MAX) {
                        r = bad(errbuf, errsize, name, line, "line longer than %d bytes",
                                PS_AUDIT_CONFIG_LINE_MAX);
                        break;
                }
                memcpy(buf, text + pos, l);
                buf[l] = '\0';
                pos += l + 1;
                if (memchr(buf, '\0', l)) {
                        r = bad(errbuf, errsize, name, line, "a NUL byte");
                        break;
                }
                if (l && buf[l - 1] == '\r')
                        buf[--l] = '\0';
                char *p = buf + strspn(buf, " \t");
                if (!*p || *p == '#')
                        continue;
                if (c->n == CONFIG_MAX_RULES) {
                        r = bad(errbuf, errsize, name, line, "more than %d rules",
                                CONFIG_MAX_RULES);
                        break;
                }
                struct ignore *v = reallocarray(c->v, c->n + 1, sizeof(*v));
                if (!v) {
                        r = -ENOMEM;
                        break;
                }
                c->v = v;
                memset(&v[c->n], 0, sizeof(v[0]));
                c->n++;
                r = parse_line(p, &v[c->n - 1], name, line, errbuf, errsize);
        }
        if (r < 0) {
                ps_audit_config_free(c);
                return r;
        }
        *ret_config = c;
        return 0;
}

PS_EXPORT int ps_audit_config_load(const char *path, ps_audit_config **ret_config, char *errbuf,
                                   size_t errsize)
{
        char *text;
        size_t got;
        /* The user names this file: /dev/null and a pipe are theirs to give.
         * One byte over the cap lets the parser say the file is too large. */
        int r = ps_read_full_at(AT_FDCWD, path, PS_AUDIT_CONFIG_MAX + 1,
                                PS_READ_TRUNCATE | PS_READ_ANY_TYPE, &text, &got, NULL);
        if (r < 0)
                return r;
        r = ps_audit_config_parse(text, got, path, ret_config, errbuf, errsize);
        free(text);
        return r;
}

/* Exact, but "*" is the wildcard address, which findings carry as printed
 * by ps_socket_addr(): 0.0.0.0 or ::. */
static bool address_matches(const char *want, const char *addr)
{
        if (!strcmp(want, "*"))
                return !strcmp(addr, "0.0.0.0") || !strcmp(addr, "::") || !strcmp(addr, "*");
        return !strcmp(want, addr);
}

PS_EXPORT bool ps_audit_config_silences(const ps_audit_config *c, const ps_finding *f)
{
        for (size_t i = 0; c && i < c->n; i++) {
                const struct ignore *ig = &c->v[i];
                if (ig->rule && strcmp(ig->rule, f->rule))
                        continue;
                if (ig->port >= 0 && (unsigned)ig->port != f->port)
                        continue;
                if (ig->proto != PS_PROTO_ANY && ig->proto != f->proto)
                        continue;
                if (ig->process && strcmp(ig->process, f->process))
                        continue;
                if (ig->address && !address_matches(ig->address, f->address))
                        continue;
                return true;
        }
        return false;
}
