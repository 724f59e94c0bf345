/* SPDX-License-Identifier: MIT */
/* Knowledge notes: the parser's caps and checks, the compiled image, the
 * built-in seed notes, search, and nmap prevalence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notes-set.h"
#include "portscope/portscope.h"
#include "tap.h"

#define GOOD                                                                                       \
        "ports: 5000/tcp 6000-6010\n"                                                              \
        "title: A fixture note\n"                                                                  \
        "tags: vendor no-expose\n"                                                                 \
        "source: vendor | Fixture manual | https://example.org/manual\n"                           \
        "quote: 2026-12-04 | \"The fixture listens on port 5000.\"\n"                              \
        "source: cve | CVE-2000-0001 | https://example.org/cve\n"                                  \
        "quote: 2024-02-29 | unreadable: the record page needs JavaScript\n"                       \
        "confidence: low\n"                                                                        \
        "---\n"                                                                                    \
        "\n"                                                                                       \
        "First paragraph.\n"                                                                       \
        "\n"                                                                                       \
        "- a list item\n"                                                                          \
        "\n\n"

static char err[1024];

/* Parses text as a note named file; returns the code and leaves err set. */
static int parse(const char *file, const char *text, size_t len)
{
        ps_noteset set;
        ps_noteset_init(&set);
        int r = ps_noteset_add(&set, file, text, len, err, sizeof(err));
        ps_noteset_free(&set);
        return r;
}

static void test_caps(void)
{
        size_t big = PS_NOTE_MAX_FILE + 1;
        char *buf = malloc(big + 1);
        memset(buf, 'x', big);
        memcpy(buf, GOOD, strlen(GOOD));
        is_int(parse("t/big.md", buf, big), -EBADMSG, "a file over 16 KiB is refused");
        ok(strstr(err, "t/big.md:1: the file has 16385 bytes") != NULL, "  with FILE:1 (%s)", err);

        /* A body line longer than the line cap. */
        size_t n = strlen(GOOD);
        memcpy(buf, GOOD, n);
        memset(buf + n, 'y', PS_NOTE_MAX_LINE + 1);
        buf[n + PS_NOTE_MAX_LINE + 1] = '\n';
        is_int(parse("t/long.md", buf, n + PS_NOTE_MAX_LINE + 2), -EBADMSG,
               "a line over the cap is refused");
        ok(strstr(err, "t/long.md:16: line of 4097 bytes") != NULL, "  with FILE:LINE (%s)", err);

        memcpy(buf, GOOD, n);
        buf[30] = '\0';
        is_int(parse("t/nul.md", buf, n), -EBADMSG, "a NUL byte is refused");
        ok(strstr(err, "t/nul.md:2: NUL byte") != NULL, "  with FILE:LINE (%s)", err);
        free(buf);

        ps_noteset set;
        ps_noteset_init(&set);
        int r = 0;
        char name[32];
        for (unsigned i = 0; i <= PS_NOTES_MAX_NOTES && r == 0; i++) {
                snprintf(name, sizeof(name), "t/n%u.md", i);
                r = ps_noteset_add(&set, name, GOOD, strlen(GOOD), err, sizeof(err));
        }
        is_int(r, -E2BIG, "more notes than PS_NOTES_MAX_NOTES are refused");
        is_int(set.n, PS_NOTES_MAX_NOTES, "  after exactly the cap");
        ps_noteset_free(&set);
}

static void test_roundtrip(void)
{
        ps_noteset set;
        void *img;
        size_t size;
        ps_notes *notes;
        ps_note note;
        ps_note_port p;
        ps_note_source s;

        ps_noteset_init(&set);
        is_int(ps_noteset_add(&set, "dir/5000-fixture.md", GOOD, strlen(GOOD), err, sizeof(err)), 0,
               "a good note parses");
        is_int(ps_noteset_check(&set, NULL, NULL), 0, "  and has no conflicts");
        is_int(ps_noteset_compile(&set, NULL, NULL, &img, &size, err, sizeof(err)), 0,
               "  and compiles");
        ps_noteset_free(&set);
        if (!ok(ps_notes_open_memory(img, size, &notes) == 0, "the image validates"))
                return;
        is_int(ps_notes_count(notes), 1, "one note");
        ps_notes_get(notes, 0, &note);
        is_str(note.slug, "5000-fixture", "slug from the file name");
        is_str(note.title, "A fixture note", "title");
        is_str(note.body, "First paragraph.\n\n- a list item", "body without outer blank lines");
        is_int(note.confidence, PS_CONFIDENCE_LOW, "confidence");
        ok(ps_note_has_tag(&note, PS_TAG_VENDOR) && ps_note_has_tag(&note, PS_TAG_NO_EXPOSE) &&
                   !ps_note_has_tag(&note, PS_TAG_MALWARE),
           "tags");
        is_int(note.n_ports, 3, "a bare range means tcp and udp");
        ps_note_get_port(notes, &note, 2, &p);
        ok(p.lo == 6000 && p.hi == 6010 && p.proto == PS_PROTO_UDP, "  6000-6010/udp");
        is_int(note.n_sources, 2, "two sources");
        ps_note_get_source(notes, &note, 0, &s);
        ok(!strcmp(s.quote, "The fixture listens on port 5000.") &&
                   !strcmp(s.read_date, "2026-12-04") && !s.unreadable,
           "  the first with its quote, without the double quotes, and the date it was read");
        ps_note_get_source(notes, &note, 1, &s);
        ok(s.kind == PS_SOURCE_CVE && !strcmp(s.url, "https://example.org/cve"), "  the second");
        ok(s.unreadable && !strcmp(s.quote, "the record page needs JavaScript") &&
                   !strcmp(s.read_date, "2024-02-29"),
           "  which could not be read, and says why (2024-02-29 is a real date)");
        is_int(ps_note_get_source(notes, &note, 2, &s), -ENOENT, "  no third");
        is_int(ps_notes_port_has_tag(notes, 6005, PS_PROTO_UDP, PS_TAG_NO_EXPOSE), 1,
               "6005/udp is no-expose (inside the range)");
        is_int(ps_notes_port_has_tag(notes, 5000, PS_PROTO_UDP, PS_TAG_NO_EXPOSE), 0,
               "5000/udp has no note");
        is_int(ps_notes_port_has_tag(notes, 5000, PS_PROTO_TCP, (ps_tag)99), -EINVAL,
               "an unknown tag is -EINVAL");
        ps_notes_free(notes);

        /* Any flipped byte is caught: the CRC covers everything past the header. */
        unsigned char *bad = malloc(size);
        int caught = 1;
        for (size_t i = 0; i < size; i += 7) {
                memcpy(bad, img, size);
                bad[i] ^= 0x5a;
                if (ps_notes_open_memory(bad, size, &notes) == 0) {
                        ps_notes_free(notes);
                        caught = 0;
                        printf("#   byte %zu flipped went unnoticed\n", i);
                        break;
                }
        }
        ok(caught, "a corrupted image is refused");
        is_int(ps_notes_open_memory(img, size - 4, &notes), -EBADMSG, "a truncated image too");
        free(bad);
        free(img);
}

static void test_builtin(void)
{
        ps_notes *notes, *copy;
        ps_notes_iter it;
        ps_note note;
        size_t size;

        if (!ok(ps_notes_open_builtin(&notes) == 0, "open the built-in notes"))
                return;
        const void *img = ps_notes_image(notes, &size);
        ok(ps_notes_open_memory(img, size, &copy) == 0, "the built-in image passes validation");
        ps_notes_free(copy);
        ok(ps_notes_count(notes) >= 5, "at least the five seed notes");

        int found = 0;
        ps_notes_iter_port(&it, notes, 1712, PS_PROTO_TCP);
        while (ps_notes_iter_next(&it, &note) > 0)
                if (strstr(note.title, "Exchange") && strstr(note.body, "MSExchangeIS") &&
                    ps_note_has_tag(&note, PS_TAG_LEGACY))
                        found = 1;
        ok(found, "1712/tcp: the Exchange static-port note");
        is_int(ps_notes_port_has_tag(notes, 1647, PS_PROTO_ANY, PS_TAG_UNKNOWN), 1,
               "1647 is tagged unknown");
        is_int(ps_notes_port_has_tag(notes, 1322, PS_PROTO_TCP, PS_TAG_VENDOR), 1,
               "1322/tcp carries vendor (Exchange store)");
        is_int(ps_notes_port_has_tag(notes, 912, PS_PROTO_UDP, PS_TAG_OFFICIAL), 1,
               "912/udp: APEX, official");
        is_int(ps_notes_port_has_tag(notes, 817, PS_PROTO_TCP, PS_TAG_MALWARE), 0,
               "817 is not tagged malware");

        ps_match m[8];
        int n = ps_notes_search(notes, "exchange", PS_PROTO_ANY, m, 8);
        found = 0;
        for (int i = 0; i < n && i < 8; i++) {
                ps_notes_get(notes, m[i].id, &note);
                found |= strstr(note.slug, "1712") != NULL;
        }
        ok(found, "search \"exchange\" finds the 1712 note");
        is_int(ps_notes_search(notes, "zzz-no-such-word", PS_PROTO_ANY, m, 8), 0,
               "a word in no note matches nothing");
        is_int(ps_notes_search(notes, "   ", PS_PROTO_ANY, m, 8), -EINVAL, "an empty query");
        ps_notes_free(notes);
}

/* Lookups by port go through the image's index. For every port and protocol
 * they must find what the walk over all port items found: each note with an
 * item containing the port once, in id order. The walk's answers for all
 * 65,536 ports at once: every item spread over the ports it contains. */
static void test_index(void)
{
        static const ps_proto protos[] = { PS_PROTO_ANY, PS_PROTO_TCP, PS_PROTO_UDP, PS_PROTO_SCTP,
                                           PS_PROTO_DCCP };
        ps_notes *notes;
        if (!ok(ps_notes_open_builtin(&notes) == 0, "open the built-in notes"))
                return;
        size_t count = ps_notes_count(notes), total = 0;
        size_t *start = calloc(65537, sizeof(*start));
        for (int pass = 0; pass < 2; pass++) {
                static uint32_t *ids;
                static unsigned char *proto;
                size_t *fill = pass ? calloc(65536, sizeof(*fill)) : NULL;
                if (pass) {
                        for (unsigned port = 0; port < 65536; port++)
                                start[port + 1] += start[port];
                        total = start[65536];
                        ids = malloc((total ? total : 1) * sizeof(*ids));
                        proto = malloc(total ? total : 1);
                }
                for (uint32_t id = 0; id < count; id++) {
                        ps_note note;
                        ps_note_port p;
                        ps_notes_get(notes, id, &note);
                        for (unsigned i = 0; i < note.n_ports; i++) {
                                ps_note_get_port(notes, &note, i, &p);
                                for (unsigned port = p.lo; port <= p.hi; port++) {
                                        if (!pass) {
                                                start[port + 1]++;
                                                continue;
                                        }
                                        size_t k = start[port] + fill[port]++;
                                        ids[k] = id;
                                        proto[k] = (unsigned char)p.proto;
                                }
                        }
                }
                if (!pass)
                        continue;
                size_t checked = 0, found = 0, bad = 0;
                for (unsigned port = 0; port < 65536; port++) {
                        for (size_t q = 0; q < sizeof(protos) / sizeof(protos[0]); q++) {
                                ps_notes_iter it;
                                ps_note note;
                                size_t k = start[port], end = start[port + 1], got = 0;
                                long last = -1;
                                bool same = true;
                                ps_notes_iter_port(&it, notes, port, protos[q]);
                                while (ps_notes_iter_next(&it, &note) > 0) {
                                        /* The next note the walk would find. */
                                        while (k < end && ((protos[q] != PS_PROTO_ANY &&
                                                            proto[k] != (unsigned)protos[q]) ||
                                                           (long)ids[k] == last))
                                                k++;
                                        if (k == end || ids[k] != note.id)
                                                same = false;
                                        else
                                                last = ids[k++];
                                        got++;
                                }
                                while (k < end && ((protos[q] != PS_PROTO_ANY &&
                                                    proto[k] != (unsigned)protos[q]) ||
                                                   (long)ids[k] == last))
                                        k++;
                                if (k != end)
                                        same = false; /* a note the index missed */
                                if (!same && bad++ < 5)
                                        printf("#   port %u, protocol %d: the index differs "
                                               "from the walk\n",
                                               port, (int)protos[q]);
                                checked++;
                                found += got;
                        }
                }
                is_int(bad, 0,
                       "every port and protocol: the index finds what the walk over "
                       "the port items finds");
                ok(checked == 65536 * 5 && found > 1000, "  %zu lookups, %zu notes found", checked,
                   found);
                free(fill);
                free(ids);
                free(proto);
        }
        free(start);
        ps_notes_free(notes);
}

static void test_prevalence(const char *fixture)
{
        ps_prevalence *p;
        ps_prevalence_entry e;
        char path[512];

        if (!ok(ps_prevalence_open(fixture, &p) == 0, "read the fixture nmap-services"))
                return;
        ok(ps_prevalence_lookup(p, 80, PS_PROTO_TCP, &e) == 0 && e.rank == 1 && e.listed == 6,
           "80/tcp ranks 1 of 6");
        ok(ps_prevalence_lookup(p, 1712, PS_PROTO_TCP, &e) == 0 && e.rank == 4 &&
                   !strcmp(e.service, "fixture-a") && e.frequency == 0.000076,
           "1712/tcp ranks 4, its frequency exact");
        ok(ps_prevalence_lookup(p, 1713, PS_PROTO_TCP, &e) == 0 && e.rank == 4,
           "a tie shares the rank");
        ok(ps_prevalence_lookup(p, 22, PS_PROTO_TCP, &e) == 0 && e.rank == 3 &&
                   !strcmp(e.service, "ssh"),
           "a port listed twice keeps its first line");
        ok(ps_prevalence_lookup(p, 1647, PS_PROTO_TCP, &e) == 0 && e.rank == 0,
           "never seen open: rank 0");
        ok(ps_prevalence_lookup(p, 1712, PS_PROTO_UDP, &e) == 0 && e.rank == 2 && e.listed == 2,
           "ranks are per protocol");
        is_int(ps_prevalence_lookup(p, 9999, PS_PROTO_TCP, &e), -ENOENT, "an unlisted port");
        ps_prevalence_free(p);

        /* The streaming lookup agrees with the table. */
        ps_prevalence_entry pe[8];
        int n = ps_prevalence_port(fixture, 1712, pe, 8);
        ok(n == 2 && pe[0].proto == PS_PROTO_TCP && pe[0].rank == 4 && pe[0].listed == 6 &&
                   !strcmp(pe[0].service, "fixture-a") && pe[1].proto == PS_PROTO_UDP &&
                   pe[1].rank == 2 && pe[1].frequency == 0.00033,
           "ps_prevalence_port: 1712 over tcp and udp, as the table says");
        n = ps_prevalence_port(fixture, 22, pe, 8);
        ok(n == 1 && pe[0].rank == 3 && !strcmp(pe[0].service, "ssh"),
           "ps_prevalence_port: a duplicate line is ignored here too");
        is_int(ps_prevalence_port(fixture, 9999, pe, 8), 0, "ps_prevalence_port: unlisted, 0");
        is_int(ps_prevalence_port("/nonexistent/nmap-services", 80, pe, 8), -ENOENT,
               "ps_prevalence_port: a missing file is -ENOENT");
        is_int(ps_prevalence_open("/nonexistent/nmap-services", &p), -ENOENT,
               "a missing file is -ENOENT");
        snprintf(path, sizeof(path), "%s", "/tmp/ps-test-nmap-XXXXXX");
        FILE *f = fdopen(mkstemp(path), "w");
        fputs("http\t80/tcp\tlots\n", f);
        fclose(f);
        is_int(ps_prevalence_open(path, &p), -EBADMSG, "a malformed frequency is -EBADMSG");
        is_int(ps_prevalence_port(path, 80, pe, 8), -EBADMSG, "  for ps_prevalence_port too");
        f = fopen(path, "w");
        for (int i = 0; i < 5000; i++)
                fputc('x', f);
        fclose(f);
        is_int(ps_prevalence_port(path, 80, pe, 8), -EBADMSG, "a line over 4 KiB is -EBADMSG");
        f = fopen(path, "w");
        fputs("a\t1/tcp\t0.5\nb\t2/tcp\t0.25", f); /* no final newline */
        fclose(f);
        n = ps_prevalence_port(path, 2, pe, 8);
        ok(n == 1 && pe[0].rank == 2 && pe[0].listed == 2, "the last line needs no newline");
        truncate(path, PS_NMAP_SERVICES_MAX + 1);
        is_int(ps_prevalence_port(path, 2, pe, 8), -EFBIG, "a file over the cap is -EFBIG");
        unlink(path);

        setenv("PORTSCOPE_NMAP_SERVICES", fixture, 1);
        ok(ps_prevalence_open(NULL, &p) == 0 && !strcmp(ps_prevalence_path(p), fixture),
           "PORTSCOPE_NMAP_SERVICES overrides the path");
        ps_prevalence_free(p);
        unsetenv("PORTSCOPE_NMAP_SERVICES");

        int r = ps_prevalence_open(PS_NMAP_SERVICES_PATH, &p);
        if (r == -ENOENT) {
                tap_skip("nmap-services is not installed (Debian package nmap-common)");
                return;
        }
        ok(r == 0, "the installed nmap-services parses");
        if (r < 0)
                return;
        ok(ps_prevalence_lookup(p, 80, PS_PROTO_TCP, &e) == 0 && e.rank == 1 &&
                   !strcmp(e.service, "http"),
           "installed file: 80/tcp (http) is the most often open tcp port");
        ok(ps_prevalence_lookup(p, 1712, PS_PROTO_TCP, &e) == 0 &&
                   !strcmp(e.service, "registrar") && e.rank > 1 && e.rank <= e.listed,
           "installed file: 1712/tcp is registrar, ranked");
        int agree = 1;
        for (unsigned port = 0; port < 2000; port += 7) {
                int k = ps_prevalence_port(PS_NMAP_SERVICES_PATH, port, pe, 8);
                for (int i = 0; i < k; i++)
                        if (ps_prevalence_lookup(p, port, pe[i].proto, &e) < 0 ||
                            e.rank != pe[i].rank || e.listed != pe[i].listed ||
                            e.frequency != pe[i].frequency || strcmp(e.service, pe[i].service))
                                agree = 0;
        }
        ok(agree, "installed file: streaming and table lookups agree on every 7th port");
        ps_prevalence_free(p);
}

int main(int argc, char **argv)
{
        test_caps();
        test_roundtrip();
        test_builtin();
        test_index();
        test_prevalence(argc > 1 ? argv[1] : "data/nmap-services-fixture");
        return tap_done();
}
