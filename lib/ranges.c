/* SPDX-License-Identifier: MIT */
/* Port range classes (RFC 6335) and this machine's port bounds. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "parse.h"
#include "portscope/portscope.h"
#include "util.h"

static const ps_range_info classes[] = {
        { PS_RANGE_SYSTEM, 0, 1023, "system", "System port", "well-known",
          "IANA assigns these through IETF Review or IESG Approval, for services of "
          "Internet-wide standing. On Linux and most Unix systems only a privileged "
          "process may bind them." },
        { PS_RANGE_USER, 1024, 49151, "user", "User port", "registered",
          "IANA assigns these on request, by Expert Review; any process may bind them. "
          "A registration records a claim, not a guarantee that anything uses the port." },
        { PS_RANGE_DYNAMIC, 49152, 65535, "dynamic", "Dynamic port", "private or ephemeral",
          "IANA never assigns these. They are left for temporary use: operating systems "
          "pick client-side (ephemeral) ports here, and private services may use them "
          "without registering." },
};

PS_EXPORT int ps_range_describe(ps_range_class cls, ps_range_info *ret_info)
{
        if ((unsigned)cls >= PS_ELEMENTSOF(classes))
                return -EINVAL;
        *ret_info = classes[cls];
        return 0;
}

PS_EXPORT int ps_range_classify(unsigned port, ps_range_info *ret_info)
{
        if (port > 65535)
                return -ERANGE;
        return ps_range_describe(port < 1024    ? PS_RANGE_SYSTEM
                                 : port < 49152 ? PS_RANGE_USER
                                                : PS_RANGE_DYNAMIC,
                                 ret_info);
}

/* The largest /proc value read here: any reserved-port list the kernel
 * prints for 65536 ports fits. */
#define HOST_FILE_MAX (1u << 19)

/* Reads a small /proc file into *ret_text (the caller frees it); -ENOENT etc.
 * when it cannot be read, -E2BIG when it is larger than any sane value. */
static int read_small(const char *root, const char *rel, char **ret_text)
{
        char path[4096];
        int n = snprintf(path, sizeof(path), "%s/%s", root, rel);
        if (n < 0 || (size_t)n >= sizeof(path))
                return -ENAMETOOLONG;
        size_t got;
        int r = ps_read_full(path, HOST_FILE_MAX - 1, 0, ret_text, &got);
        if (r < 0)
                return r == -EFBIG ? -E2BIG : r;
        return 0;
}

/* Parses a decimal port and advances *p; no sign, at most 5 digits. */
static int take_port(const char **p, unsigned *ret)
{
        size_t n = strspn(*p, "0123456789");
        if (ps_parse_port_n(*p, n, ret) < 0)
                return -EBADMSG;
        *p += n;
        return 0;
}

static const char *skip_blank(const char *p)
{
        while (*p == ' ' || *p == '\t')
                p++;
        return p;
}

static int at_end(const char *p)
{
        while (*p == ' ' || *p == '\t' || *p == '\n')
                p++;
        return !*p;
}

PS_EXPORT int ps_host_ports_read(const char *proc_root, ps_host_ports *ret_host)
{
        /* On the heap, one per file: the library keeps no state between calls
         * (include/portscope/portscope.h, threads). */
        _cleanup_free_ char *range = NULL, *unpriv = NULL, *reserved = NULL;
        ps_host_ports h;
        const char *root = proc_root && *proc_root ? proc_root : "/proc";
        const char *p;
        int r;

        memset(&h, 0, sizeof(h));
        r = read_small(root, "sys/net/ipv4/ip_local_port_range", &range);
        if (r >= 0) {
                p = skip_blank(range);
                if (take_port(&p, &h.ephemeral_lo) < 0 || (p = skip_blank(p), 0) ||
                    take_port(&p, &h.ephemeral_hi) < 0 || !at_end(p) ||
                    h.ephemeral_lo > h.ephemeral_hi)
                        return -EBADMSG;
                h.have_ephemeral = true;
                /* Each buffer goes before the next is read: the allocator
                 * then hands the same memory back, not a fresh page. */
                free(range);
                range = NULL;
        } else if (r == -E2BIG)
                return -EBADMSG;

        r = read_small(root, "sys/net/ipv4/ip_unprivileged_port_start", &unpriv);
        if (r >= 0) {
                p = skip_blank(unpriv);
                if (take_port(&p, &h.unprivileged_start) < 0 || !at_end(p))
                        return -EBADMSG;
                h.have_unprivileged = true;
                free(unpriv);
                unpriv = NULL;
        } else if (r == -E2BIG)
                return -EBADMSG;

        r = read_small(root, "sys/net/ipv4/ip_local_reserved_ports", &reserved);
        if (r >= 0) {
                p = skip_blank(reserved);
                while (!at_end(p)) {
                        unsigned lo, hi;
                        if (take_port(&p, &lo) < 0)
                                return -EBADMSG;
                        hi = lo;
                        if (*p == '-') {
                                p++;
                                if (take_port(&p, &hi) < 0 || hi < lo)
                                        return -EBADMSG;
                        }
                        for (unsigned port = lo; port <= hi; port++) {
                                if (!(h.reserved_map[port / 8] & (1u << (port % 8))))
                                        h.n_reserved++;
                                h.reserved_map[port / 8] |= (unsigned char)(1u << (port % 8));
                        }
                        if (*p == ',')
                                p++;
                        else if (!at_end(p))
                                return -EBADMSG;
                }
                h.have_reserved = true;
        } else if (r == -E2BIG)
                return -EBADMSG;

        *ret_host = h;
        return 0;
}

PS_EXPORT bool ps_host_port_ephemeral(const ps_host_ports *host, unsigned port)
{
        return host->have_ephemeral && port >= host->ephemeral_lo && port <= host->ephemeral_hi;
}

PS_EXPORT bool ps_host_port_reserved(const ps_host_ports *host, unsigned port)
{
        return port < 65536 && (host->reserved_map[port / 8] & (1u << (port % 8)));
}

PS_EXPORT bool ps_host_port_privileged(const ps_host_ports *host, unsigned port)
{
        unsigned start = host->have_unprivileged ? host->unprivileged_start : 1024;
        return port < start;
}
