/* SPDX-License-Identifier: MIT */
/* Range classes and this machine's bounds, from fixture proc roots. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "portscope/portscope.h"
#include "tap.h"

static char root[] = "/tmp/ps-ranges-XXXXXX";

static void put(const char *name, const char *text)
{
        char p[512];
        snprintf(p, sizeof(p), "%s/sys/net/ipv4/%s", root, name);
        FILE *f = fopen(p, "w");
        if (f) {
                fputs(text, f);
                fclose(f);
        }
}

int main(void)
{
        ps_range_info ri;
        ps_host_ports *h = malloc(sizeof(*h));

        ok(ps_range_classify(0, &ri) == 0 && ri.cls == PS_RANGE_SYSTEM, "0 is system");
        ok(ps_range_classify(1023, &ri) == 0 && ri.cls == PS_RANGE_SYSTEM, "1023 is system");
        ok(ps_range_classify(1024, &ri) == 0 && ri.cls == PS_RANGE_USER, "1024 is user");
        ok(ps_range_classify(49151, &ri) == 0 && ri.cls == PS_RANGE_USER, "49151 is user");
        ok(ps_range_classify(49152, &ri) == 0 && ri.cls == PS_RANGE_DYNAMIC, "49152 is dynamic");
        ok(ps_range_classify(65535, &ri) == 0 && ri.cls == PS_RANGE_DYNAMIC, "65535 is dynamic");
        ok(ps_range_classify(65536, &ri) == -ERANGE, "65536 is out of range");

        if (!mkdtemp(root))
                return tap_done();
        char d[512];
        snprintf(d, sizeof(d), "%s/sys", root);
        mkdir(d, 0755);
        snprintf(d, sizeof(d), "%s/sys/net", root);
        mkdir(d, 0755);
        snprintf(d, sizeof(d), "%s/sys/net/ipv4", root);
        mkdir(d, 0755);

        ok(ps_host_ports_read(root, h) == 0 && !h->have_ephemeral && !h->have_reserved,
           "missing files: nothing known, no error");
        put("ip_local_port_range", "32768\t60999\n");
        put("ip_unprivileged_port_start", "1024\n");
        put("ip_local_reserved_ports", "8080,9000-9010\n");
        ok(ps_host_ports_read(root, h) == 0, "fixture proc root reads");
        ok(h->have_ephemeral && h->ephemeral_lo == 32768 && h->ephemeral_hi == 60999,
           "ephemeral range");
        ok(ps_host_port_ephemeral(h, 40000) && !ps_host_port_ephemeral(h, 1712),
           "ephemeral membership");
        ok(ps_host_port_reserved(h, 8080) && ps_host_port_reserved(h, 9005) &&
                   !ps_host_port_reserved(h, 9011),
           "reserved list with a range");
        ok(ps_host_port_privileged(h, 80) && !ps_host_port_privileged(h, 1024),
           "privileged below the start");
        put("ip_unprivileged_port_start", "0\n");
        ok(ps_host_ports_read(root, h) == 0 && !ps_host_port_privileged(h, 80),
           "unprivileged_port_start 0 makes every port unprivileged");

        ps_host_ports keep = *h;
        put("ip_local_port_range", "60999 32768\n");
        ok(ps_host_ports_read(root, h) == -EBADMSG, "backwards ephemeral range refused");
        put("ip_local_port_range", "32768 70000\n");
        ok(ps_host_ports_read(root, h) == -EBADMSG, "out-of-range ephemeral bound refused");
        put("ip_local_port_range", "32768 60999\n");
        put("ip_local_reserved_ports", "8080,,x\n");
        ok(ps_host_ports_read(root, h) == -EBADMSG && h->ephemeral_lo == keep.ephemeral_lo,
           "malformed reserved list refused, output untouched");
        put("ip_local_reserved_ports", "\n");
        ok(ps_host_ports_read(root, h) == 0 && h->have_reserved && h->n_reserved == 0,
           "empty reserved list");

        ok(ps_host_ports_read(NULL, h) == 0, "the real /proc reads");
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        if (system(cmd) != 0)
                printf("# could not remove %s\n", root);
        free(h);
        return tap_done();
}
