/* SPDX-License-Identifier: MIT */
/* The built-in registry: integrity, seed ports, lookups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "portscope/portscope.h"
#include "tap.h"

static ps_db *db;

/* Finds the record for name/proto on port, or returns -1. */
static int find(unsigned port, const char *name, ps_proto proto, ps_record *ret)
{
        ps_iter it;
        ps_iter_port(&it, db, port, proto);
        while (ps_iter_next(&it, ret) > 0)
                if (!strcmp(ret->name, name))
                        return 0;
        return -1;
}

static const char *assignee_name(const ps_record *r)
{
        static ps_person p;
        if (ps_record_assignee(db, r, 0, &p) < 0)
                return NULL;
        return *p.name ? p.name : p.org;
}

static void seed(unsigned port, const char *name, const char *desc, const char *assignee)
{
        ps_record r;
        for (ps_proto p = PS_PROTO_TCP; p <= PS_PROTO_UDP; p++) {
                int found = find(port, name, p, &r) == 0;
                ok(found, "%u/%s is %s", port, ps_proto_name(p), name);
                if (!found)
                        continue;
                is_str(r.description, desc, "  description");
                if (assignee)
                        is_str(assignee_name(&r), assignee, "  assignee");
        }
}

int main(void)
{
        ps_record r;
        ps_iter it;
        size_t size;

        if (!ok(ps_db_open_builtin(&db) == 0, "open the built-in registry"))
                return tap_done();
        const void *img = ps_db_image(db, &size);
        ps_db *copy;
        ok(ps_db_open_memory(img, size, &copy) == 0, "the built-in image passes full validation");
        ps_db_free(copy);
        is_str(ps_db_date(db), "2025-12-15", "registry date");
        is_int(ps_db_count(db), 14496, "every record of the 2025-12-15 file");

        seed(1712, "registrar", "resource monitoring service", "Ron Lawson");
        seed(1322, "novation", "Novation", "Alan Dano");
        seed(912, "apex-mesh", "APEX relay-relay service", NULL);
        seed(1647, "rsap", "rsap", "Holger Reif");

        ps_range_info ri;
        ok(ps_range_classify(912, &ri) == 0 && ri.cls == PS_RANGE_SYSTEM, "912 is a system port");
        ok(ps_range_classify(1712, &ri) == 0 && ri.cls == PS_RANGE_USER, "1712 is a user port");

        /* 817 sits in the Unassigned block 811-827. */
        ps_iter_port(&it, db, 817, PS_PROTO_ANY);
        int n = 0, unassigned = 0;
        while (ps_iter_next(&it, &r) > 0) {
                n++;
                if ((r.flags & PS_REC_UNASSIGNED) && r.port_lo == 811 && r.port_hi == 827)
                        unassigned++;
        }
        ok(n >= 1 && unassigned == n, "817 is only Unassigned, in 811-827 (%d records)", n);

        /* A range query sees records that start below it. */
        ps_iter_range(&it, db, 815, 830, PS_PROTO_ANY);
        int saw_block = 0, saw_828 = 0, out_of_range = 0;
        while (ps_iter_next(&it, &r) > 0) {
                if (r.port_lo == 811 && r.port_hi == 827)
                        saw_block = 1;
                if (r.port_lo == 828)
                        saw_828 = 1;
                if (r.port_hi < 815 || r.port_lo > 830)
                        out_of_range = 1;
        }
        ok(saw_block && saw_828 && !out_of_range, "range 815-830 overlaps correctly");

        /* Name lookup ignores case and honours the protocol filter. */
        int ssh = 0;
        ps_iter_name(&it, db, "SSH", PS_PROTO_TCP);
        while (ps_iter_next(&it, &r) > 0)
                ssh += r.port_lo == 22 && r.proto == PS_PROTO_TCP;
        is_int(ssh, 1, "SSH/tcp by name is port 22");
        ps_iter_name(&it, db, "no-such-service-x", PS_PROTO_ANY);
        is_int(ps_iter_next(&it, &r), 0, "unknown name finds nothing");

        /* People and references resolve. */
        ok(find(80, "http", PS_PROTO_TCP, &r) == 0, "80/tcp is http");
        ps_person p;
        ok(ps_record_assignee(db, &r, 0, &p) == 0 && !strcmp(p.id, "IESG"), "http assignee IESG");
        ok(ps_record_contact(db, &r, 0, &p) == 0 && !strcmp(p.id, "IETF_Chair"),
           "http contact IETF_Chair");
        ps_ref ref;
        char url[256];
        ok(ps_record_ref(db, &r, 0, &ref) == 0 && ref.type == PS_REF_RFC &&
                   ps_ref_url(&ref, url, sizeof(url)) > 0 &&
                   !strcmp(url, "https://www.rfc-editor.org/rfc/rfc9110"),
           "http references RFC 9110 with its URL");
        ok(ps_ref_url(&ref, url, 8) == -ENOBUFS, "a short URL buffer is refused");
        char pt[16];
        ok(ps_record_port_text(&r, pt, sizeof(pt)) == 2 && !strcmp(pt, "80"), "80/tcp's port text");
        ok(ps_record_port_text(&r, pt, 2) == -ENOBUFS, "a short port buffer is refused");
        ok(find(79, "finger", PS_PROTO_TCP, &r) == 0 && strstr(r.unauthorized, "RFC4146"),
           "finger carries its unauthorized-use note");

        /* Name-only entries are kept. */
        ps_iter_all(&it, db, PS_PROTO_ANY);
        int noport = 0, bad_text = 0, ranges = 0;
        while (ps_iter_next(&it, &r) > 0) {
                noport += !(r.flags & PS_REC_HAS_PORT);
                /* The port text: none for a name alone, "lo-hi" for a block. */
                char want[16] = "";
                int wn = !(r.flags & PS_REC_HAS_PORT) ? -ENOENT
                         : r.port_lo == r.port_hi
                                 ? snprintf(want, sizeof(want), "%u", r.port_lo)
                                 : snprintf(want, sizeof(want), "%u-%u", r.port_lo, r.port_hi);
                ranges += r.port_lo != r.port_hi;
                bad_text += ps_record_port_text(&r, pt, sizeof(pt)) != wn ||
                            (wn > 0 && strcmp(pt, want));
        }
        ok(noport > 1000, "name-only entries are kept (%d)", noport);
        ok(ranges > 10 && bad_text == 0, "port text of every record, %d of them blocks (%d wrong)",
           ranges, bad_text);

        /* Search ranks an exact name first. */
        ps_match m[3];
        int k = ps_db_search(db, "registrar", PS_PROTO_ANY, m, 3);
        ok(k >= 1 && ps_db_record(db, m[0].id, &r) == 0 && !strcmp(r.name, "registrar"),
           "search: exact name ranks first");
        k = ps_db_search(db, "Lawson", PS_PROTO_ANY, m, 3);
        ok(k >= 2, "search finds assignees (%d)", k);
        is_int(ps_db_search(db, "   ", PS_PROTO_ANY, m, 3), -EINVAL, "search: empty query");

        /* Corruption anywhere is caught by validation. */
        unsigned char *bad = malloc(size);
        int caught = 0, tries = 0;
        for (size_t off = 0; off < size; off += size / 97 + 1, tries++) {
                memcpy(bad, img, size);
                bad[off] ^= 0x5a;
                ps_db *x = NULL;
                if (ps_db_open_memory(bad, size, &x) < 0)
                        caught++;
                else
                        ps_db_free(x);
        }
        is_int(caught, tries, "every flipped byte is detected");
        ok(ps_db_open_memory(img, size - 1, &copy) < 0, "a truncated image is refused");
        free(bad);
        ps_db_free(db);
        return tap_done();
}
