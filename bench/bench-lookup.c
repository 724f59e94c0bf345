/* SPDX-License-Identifier: MIT */
/*
 * Per-lookup cost: libportscope's port lookup against the C library's
 * getservbyport(), over the same pseudo-random ports, in one process.
 *
 *   bench-lookup [ROUNDS]
 */
#include <arpa/inet.h>
#include <netdb.h>
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
        long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 5;
        enum { N = 4096 };
        static unsigned ports[N];
        unsigned seed = 6335;
        ps_db *db;
        if (ps_db_open_builtin(&db) < 0)
                return 1;
        for (int i = 0; i < N; i++) {
                seed = seed * 1103515245u + 12345u;
                /* Mostly the ports /etc/services knows, so getservbyport finds some. */
                ports[i] = i % 2 ? (seed >> 8) % 1024 : (seed >> 8) % 65536;
        }

        double best_ps = 1e9, best_libc = 1e9;
        unsigned long sink = 0;
        for (long r = 0; r < rounds; r++) {
                /* Many passes for the fast side, so the clock resolution does not matter. */
                double t0 = now();
                for (int pass = 0; pass < 200; pass++)
                        for (int i = 0; i < N; i++) {
                                ps_iter it;
                                ps_record rec;
                                ps_iter_port(&it, db, ports[i], PS_PROTO_TCP);
                                while (ps_iter_next(&it, &rec) > 0)
                                        sink += rec.port_lo;
                        }
                double ps = (now() - t0) / (200.0 * N);
                t0 = now();
                for (int i = 0; i < N / 8; i++) {
                        struct servent *s = getservbyport(htons((uint16_t)ports[i]), "tcp");
                        if (s)
                                sink += (unsigned)s->s_port;
                }
                double libc = (now() - t0) / (N / 8);
                if (ps < best_ps)
                        best_ps = ps;
                if (libc < best_libc)
                        best_libc = libc;
        }
        printf("lookup: portscope %.1f ns, getservbyport %.1f ns, ratio %.0fx (sink %lu)\n",
               best_ps * 1e9, best_libc * 1e9, best_libc / best_ps, sink % 10);
        ps_db_free(db);
        return 0;
}
