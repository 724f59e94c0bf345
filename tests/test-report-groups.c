/* SPDX-License-Identifier: MIT */
/*
 * group_list_add() (lib/report-common.c), which folds a port's records into
 * groups that differ only in their protocol. A crafted database may put a
 * million records on one port; comparing each record with every group
 * before it was quadratic (issue 10, limits). The work is counted, not
 * timed: records compared stay within a small multiple of the records.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "portscope/portscope.h"
#include "report-internal.h"
#include "tap.h"

#define N 50000

/* Adds record i of port 5000, named by its own interned string (the address
 * is what a report compares). */
static int add(struct group_list *l, const char *names, size_t i, ps_proto proto, bool adjacent)
{
        ps_record rec = { .name = names + i,
                          .description = "",
                          .note = "",
                          .unauthorized = "",
                          .service_code = "",
                          .registered = "2020-01-01",
                          .modified = "",
                          .port_lo = 5000,
                          .port_hi = 5000,
                          .proto = proto };
        return group_list_add(l, NULL, &rec, adjacent);
}

int main(void)
{
        static char names[2 * N];
        struct group_list l = { 0 };
        int r = 0;
        for (size_t i = 0; i < 2 * N - 1; i++)
                names[i] = 'a';

        /* N distinct records, then the same N again over udp, far from their twins. */
        for (size_t i = 0; i < N && r >= 0; i++)
                r = add(&l, names, i, PS_PROTO_TCP, false);
        for (size_t i = 0; i < N && r >= 0; i++)
                r = add(&l, names, i, PS_PROTO_UDP, false);
        ok(r == 0 && l.n == N, "%d records twice: %zu groups", N, l.n);
        int order = 1, both = 1;
        for (size_t i = 0; i < l.n; i++) {
                order &= l.v[i].g.record.name == names + i;
                both &= l.v[i].g.protocols ==
                        (PS_PROTO_BIT(PS_PROTO_TCP) | PS_PROTO_BIT(PS_PROTO_UDP));
        }
        ok(order, "  in the order of their first record");
        ok(both, "  each group holds tcp and udp");
        /* Before: 2.5 * 10^9 comparisons here (N^2); now about one per record. */
        ok(l.compares <= 8 * (size_t)(2 * N),
           "  %zu records compared for %d records (at most 8 each)", l.compares, 2 * N);
        group_list_free(&l);

        /* Adjacent mode (ranges): only the last group is looked at. */
        struct group_list a = { 0 };
        for (size_t i = 0; i < N && r >= 0; i++) {
                r = add(&a, names, i, PS_PROTO_TCP, true);
                if (r >= 0)
                        r = add(&a, names, i, PS_PROTO_UDP, true);
        }
        ok(r == 0 && a.n == N && a.compares <= 2 * (size_t)N,
           "adjacent: %zu groups, %zu records compared", a.n, a.compares);
        /* Adjacent twins only: a record like an earlier, not the last, group starts its own. */
        r = add(&a, names, 0, PS_PROTO_SCTP, true);
        ok(r == 0 && a.n == N + 1, "adjacent: an earlier group's twin starts a new group");
        group_list_free(&a);
        return tap_done();
}
