/* SPDX-License-Identifier: MIT */
/*
 * Per-report cost of prevalence in one process: ps_prevalence_port_cached()
 * (a warm cache in a scratch $XDG_CACHE_HOME) against ps_prevalence_port(),
 * which reads the whole nmap-services, over the same pseudo-random ports.
 *
 *   bench-prevalence [FILE]   (default: the installed nmap-services)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "portscope/portscope.h"

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
        const char *path = argc > 1 ? argv[1] : PS_NMAP_SERVICES_PATH;
        char dir[] = "/tmp/ps-bench-prevalence-XXXXXX", cmd[64];
        enum { FAST = 20000, SLOW = 200 };
        ps_prevalence_entry e[8];
        unsigned long sink = 0, seed = 1712;
        if (!mkdtemp(dir))
                return 1;
        setenv("XDG_CACHE_HOME", dir, 1);
        unsetenv("PORTSCOPE_NO_CACHE");
        int r = ps_prevalence_port_cached(path, 1712, e, 8); /* fills the cache */
        if (r < 0) {
                fprintf(stderr, "bench-prevalence: %s: %s\n", path, ps_strerror(r));
                return 1;
        }
        double t0 = now();
        for (int i = 0; i < FAST; i++) {
                seed = seed * 1103515245u + 12345u;
                sink += (unsigned long)ps_prevalence_port_cached(path, (seed >> 8) % 65536, e, 8);
        }
        double cached = (now() - t0) / FAST;
        t0 = now();
        for (int i = 0; i < SLOW; i++) {
                seed = seed * 1103515245u + 12345u;
                sink += (unsigned long)ps_prevalence_port(path, (seed >> 8) % 65536, e, 8);
        }
        double full = (now() - t0) / SLOW;
        printf("prevalence: cached %.1f us, uncached %.1f us per report, ratio %.0fx (sink %lu)\n",
               cached * 1e6, full * 1e6, full / cached, sink % 10);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        return system(cmd) != 0;
}
