/* SPDX-License-Identifier: MIT */
/* Sockets from PROC_ROOT/net/{tcp,tcp6,udp,udp6}: the fallback when netlink is
 * missing, and the way tests read recorded fixtures. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "parse.h"
#include "ps-limits.h"
#include "sockets-internal.h"

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

/* Parses exactly n hex digits into *ret. */
static int hexn(const char *p, size_t n, uint32_t *ret)
{
        uint32_t v = 0;
        for (size_t i = 0; i < n; i++) {
                int h = hexval(p[i]);
                if (h < 0)
                        return -EBADMSG;
                v = v << 4 | (uint32_t)h;
        }
        *ret = v;
        return 0;
}

/* "0100007F:1F90": the address words are printed in host order. */
static int parse_endpoint(const char *p, size_t len, int family, uint8_t addr[16], unsigned *port)
{
        size_t words = family == 4 ? 1 : 4;
        uint32_t v;
        if (len != words * 8 + 5 || p[words * 8] != ':')
                return -EBADMSG;
        for (size_t i = 0; i < words; i++) {
                if (hexn(p + i * 8, 8, &v) < 0)
                        return -EBADMSG;
                memcpy(addr + i * 4, &v, 4);
        }
        if (hexn(p + words * 8 + 1, 4, &v) < 0)
                return -EBADMSG;
        *port = v;
        return 0;
}

/* Splits line into at most max whitespace-separated fields. */
static size_t split(char *line, char **f, size_t *fl, size_t max)
{
        size_t n = 0;
        char *p = line;
        while (*p && n < max) {
                while (*p == ' ' || *p == '\t' || *p == '\n')
                        p++;
                if (!*p)
                        break;
                f[n] = p;
                while (*p && *p != ' ' && *p != '\t' && *p != '\n')
                        p++;
                fl[n] = (size_t)(p - f[n]);
                n++;
        }
        return n;
}

static int parse_uint(const char *p, size_t len, uint64_t max, uint64_t *ret)
{
        return ps_parse_uint_n(p, len, max, ret) < 0 ? -EBADMSG : 0;
}

static int read_file(const char *path, ps_proto proto, int family, const ps_socket_query *q,
                     ps_sockvec *vec)
{
        char line[PS_PROCNET_LINE_MAX + 2];
        /* Only a regular file: a FIFO in a --proc-root tree would block. */
        int fd = ps_open_regular_at(AT_FDCWD, path, 0, NULL);
        if (fd < 0)
                return fd;
        FILE *f = fdopen(fd, "r");
        if (!f) {
                close(fd);
                return -ENOMEM;
        }
        int r = 0;
        bool header = true;
        while (fgets(line, sizeof(line), f)) {
                size_t len = strlen(line);
                if (len > PS_PROCNET_LINE_MAX || (len && line[len - 1] != '\n' && !feof(f))) {
                        r = -EBADMSG;
                        break;
                }
                if (header) {
                        header = false;
                        continue;
                }
                /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode ... */
                char *fld[10];
                size_t fl[10];
                if (split(line, fld, fl, 10) < 10) {
                        r = -EBADMSG;
                        break;
                }
                ps_socket s;
                uint32_t st;
                uint64_t uid, inode;
                memset(&s, 0, sizeof(s));
                s.proto = proto;
                s.family = family;
                if (parse_endpoint(fld[1], fl[1], family, s.local_addr, &s.local_port) < 0 ||
                    parse_endpoint(fld[2], fl[2], family, s.remote_addr, &s.remote_port) < 0 ||
                    fl[3] != 2 || hexn(fld[3], 2, &st) < 0 ||
                    parse_uint(fld[7], fl[7], UINT32_MAX, &uid) < 0 ||
                    parse_uint(fld[9], fl[9], UINT64_MAX, &inode) < 0) {
                        r = -EBADMSG;
                        break;
                }
                s.state = st < _PS_STATE_MAX ? (ps_sock_state)st : PS_STATE_UNKNOWN;
                s.uid = (unsigned)uid;
                /* "tx_queue:rx_queue", 8 hex digits each. */
                uint32_t tx, rx;
                if (fl[4] == 17 && fld[4][8] == ':' && hexn(fld[4], 8, &tx) == 0 &&
                    hexn(fld[4] + 9, 8, &rx) == 0) {
                        s.send_queue = tx;
                        s.recv_queue = rx;
                }
                s.inode = inode;
                if (!ps_socket_match(q, &s))
                        continue;
                if ((r = ps_sockvec_push(vec, &s)) < 0)
                        break;
        }
        if (!r && ferror(f))
                r = -EIO;
        fclose(f);
        return r;
}

int ps_sockets_procnet(const char *proc_root, const ps_socket_query *q, ps_sockvec *vec,
                       unsigned *unsupported)
{
        static const struct {
                const char *name;
                ps_proto proto;
                int family;
        } files[] = {
                { "tcp", PS_PROTO_TCP, 4 },
                { "tcp6", PS_PROTO_TCP, 6 },
                { "udp", PS_PROTO_UDP, 4 },
                { "udp6", PS_PROTO_UDP, 6 },
        };
        const char *root = proc_root && *proc_root ? proc_root : "/proc";
        unsigned want = ps_query_protocols(q);
        unsigned fams = q->families ? q->families : PS_FAMILY_INET4 | PS_FAMILY_INET6;
        bool any = false, tried = false;
        char path[4096];

        /* These files know nothing of SCTP associations or DCCP. */
        *unsupported |= want & (1u << PS_PROTO_SCTP | 1u << PS_PROTO_DCCP);
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                if (!(want & 1u << files[i].proto) ||
                    !(fams & (files[i].family == 4 ? PS_FAMILY_INET4 : PS_FAMILY_INET6)))
                        continue;
                tried = true;
                if ((size_t)snprintf(path, sizeof(path), "%s/net/%s", root, files[i].name) >=
                    sizeof(path))
                        return -ENAMETOOLONG;
                int r = read_file(path, files[i].proto, files[i].family, q, vec);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                any = true;
        }
        return any || !tried ? 0 : -ENOENT;
}
