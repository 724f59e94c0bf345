/* SPDX-License-Identifier: MIT */
/* The CSV and XML readers on small inputs: field by field, and errors. */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "portscope/portscope.h"
#include "registry-set.h"
#include "tap.h"

#define HDR                                                                                        \
        "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration "   \
        "Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment "      \
        "Notes\r\n"

static int read_str(const char *s, ps_regset *set, ps_regfmt *fmt, char *err)
{
        return ps_read_registry_mem(s, strlen(s), set, fmt, err, 256);
}

static void refused(const char *what, const char *input, const char *want)
{
        ps_regset set;
        char err[256];
        int r = read_str(input, &set, NULL, err);
        ok(r < 0 && strstr(err, want), "%s is refused: \"%s\"", what, err);
}

int main(void)
{
        ps_regset set;
        ps_regfmt fmt = PS_FMT_XML;
        char err[256];

        const char *csv = HDR "echo,7,tcp,Echo,[Jon_Postel],[Jon_Postel],,,[RFC862],,,\r\n"
                              "x11,6000-6063,udp,\"X Window, \"\"System\"\"\",[A_B][C.D],[C.D],"
                              "2001-02-03,2020-05,[draft-foo-01][1][https://e.example/x][n/a],"
                              "sc1,,\"line one\nline two\"\r\n"
                              "argus,,,ARGUS Protocol,,,,,,,,\r\n";
        int r = read_str(csv, &set, &fmt, err);
        if (!ok(r == 0 && fmt == PS_FMT_CSV && set.n_recs == 3,
                "CSV with quotes, ranges, name-only"))
                printf("# %d %s\n", r, err);
        else {
                ps_rawrec *e = &set.recs[0], *x = &set.recs[1], *a = &set.recs[2];
                ok(e->has_port && e->port_lo == 7 && e->port_hi == 7 && e->proto == PS_PROTO_TCP &&
                           !strcmp(e->name, "echo") && !strcmp(e->description, "Echo"),
                   "echo 7/tcp");
                ok(e->n_refs == 1 && e->refs[0].type == PS_REF_RFC &&
                           !strcmp(e->refs[0].data, "rfc862"),
                   "[RFC862] is an RFC reference spelled as the XML spells it");
                ok(x->port_lo == 6000 && x->port_hi == 6063 && x->proto == PS_PROTO_UDP,
                   "a range 6000-6063/udp");
                is_str(x->description, "X Window, \"System\"", "doubled quotes and a comma");
                is_str(x->note, "line one\nline two", "a line break inside a quoted field");
                ok(x->n_assignees == 2 && !strcmp(x->assignees[0], "A_B") &&
                           !strcmp(x->assignees[1], "C.D") && x->n_contacts == 1,
                   "two assignees, one contact");
                ok(x->n_refs == 4 && x->refs[0].type == PS_REF_DRAFT &&
                           x->refs[1].type == PS_REF_NOTE && x->refs[2].type == PS_REF_URI &&
                           x->refs[3].type == PS_REF_TEXT && !strcmp(x->refs[3].data, "n/a"),
                   "draft, footnote, URI and text references told apart");
                ok(!strcmp(x->registered, "2001-02-03") && !strcmp(x->modified, "2020-05") &&
                           !strcmp(x->service_code, "sc1") && !x->unauthorized,
                   "dates and service code; absent fields are NULL");
                ok(!a->has_port && a->proto == PS_PROTO_NONE && !strcmp(a->name, "argus"),
                   "an empty port is a name-only entry");
                ok(set.n_people == 3 && !strcmp(set.people[0].id, "A_B") && !set.people[0].name,
                   "people: one per distinct id, with only the id");
                is_str(set.date, "2020-05", "the date is the newest date in the records");
                is_str(set.source, "IANA CSV", "source names the format");
                ps_regset_free(&set);
        }

        /* The same CSV, gzip-compressed in memory. */
        unsigned char gz[4096];
        z_stream z = { 0 };
        deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
        z.next_in = (Bytef *)csv;
        z.avail_in = (uInt)strlen(csv);
        z.next_out = gz;
        z.avail_out = sizeof(gz);
        deflate(&z, Z_FINISH);
        size_t gzlen = sizeof(gz) - z.avail_out;
        deflateEnd(&z);
        r = ps_read_registry_mem(gz, gzlen, &set, &fmt, err, sizeof(err));
        ok(r == 0 && set.n_recs == 3 && fmt == PS_FMT_CSV, "gzip-compressed CSV reads the same");
        if (r == 0)
                ps_regset_free(&set);
        r = ps_read_registry_mem(gz, gzlen - 10, &set, &fmt, err, sizeof(err));
        ok(r < 0 && strstr(err, "truncated"), "truncated gzip is refused: \"%s\"", err);

        const char *xml =
                "\xef\xbb\xbf<?xml version='1.0'?>\n<registry><updated>2025-01-02</updated>"
                "<record date='2001-01-01'><name>a</name><protocol>tcp</protocol>"
                "<description>one<br/>two</description><number>5-6</number>"
                "<xref type='person' data='P'/></record>"
                "<people><person id='P'><name>Pat</name></person></people></registry>";
        r = read_str(xml, &set, &fmt, err);
        if (ok(r == 0 && fmt == PS_FMT_XML && set.n_recs == 1, "XML with a BOM: one record")) {
                ps_rawrec *x = &set.recs[0];
                ok(x->port_lo == 5 && x->port_hi == 6 && !strcmp(x->description, "one\ntwo") &&
                           x->n_assignees == 1 && x->n_contacts == 1 &&
                           !strcmp(set.people[0].name, "Pat") && !strcmp(set.date, "2025-01-02"),
                   "XML fields, <br/>, bare person is assignee and contact");
                ps_regset_free(&set);
        } else
                printf("# %s\n", err);

        refused("garbage", "hello", "line 1, column 1: not an IANA registry");
        refused("an empty input", "", "the file is empty");
        refused("CSV port 65536", HDR "a,65536,tcp,,,,,,,,,\r\n", "port number out of range");
        refused("CSV port 0x50", HDR "a,0x50,tcp,,,,,,,,,\r\n", "bad port number \"0x50\"");
        refused("CSV port +5", HDR "a,+5,tcp,,,,,,,,,\r\n", "bad port number");
        refused("CSV port with 6 digits", HDR "a,000080,tcp,,,,,,,,,\r\n", "out of range");
        refused("CSV range with two dashes", HDR "a,1-2-3,tcp,,,,,,,,,\r\n", "bad port number");
        refused("CSV unterminated bracket", HDR "a,1,tcp,,[Jon,,,,,,,\r\n", "in brackets");
        refused("CSV empty person", HDR "a,1,tcp,,[],,,,,,,\r\n", "is not a person id");
        refused("CSV reference outside brackets", HDR "a,1,tcp,,,,,,RFC1,,,\r\n", "in brackets");
        refused("CSV truncated UTF-8", HDR "a,1,tcp,\xc3", "inside a UTF-8 sequence");
        static const char nul[] = HDR "a,1,tcp,x\0y,,,,,,,,\r\n";
        r = ps_read_registry_mem(nul, sizeof(nul) - 1, &set, NULL, err, sizeof(err));
        ok(r < 0 && strstr(err, "line 2, column 10: control character 0x00"),
           "CSV NUL byte is refused: \"%s\"", err);
        refused("XML unknown reference type",
                "<registry><record><xref type='x' data='y'/></record></registry>",
                "unknown reference type");
        refused("XML without records", "<registry></registry>", "holds no <record>");
        refused("XML with another root", "<html></html>", "root element is <html>");
        refused("XML person defined twice",
                "<registry><record><name>a</name></record><people><person id='a'/>"
                "<person id='a'/></people></registry>",
                "defined twice");
        refused("XML twice the same element",
                "<registry><record><name>a</name><name>b</name></record></registry>",
                "appears twice");

        refused("XML <number> twice",
                "<registry><record><number>1</number><number>2</number></record></registry>",
                "<number> appears twice");
        refused("XML <protocol> twice",
                "<registry><record><protocol>tcp</protocol><protocol>udp</protocol></record>"
                "</registry>",
                "<protocol> appears twice");
        refused("XML bad record date", "<registry><record date='yesterday'/></registry>",
                "\"yesterday\" is not a date");
        refused("XML bad registry date", "<registry><updated>soon</updated></registry>",
                "<updated> \"soon\" is not a date");

        {
                static char many[8192];
                size_t n = (size_t)snprintf(many, sizeof(many), "<registry><record/>");
                for (int i = 0; i < 65; i++)
                        n += (size_t)snprintf(many + n, sizeof(many) - n,
                                              "<footnote anchor='%d'>x</footnote>", i);
                snprintf(many + n, sizeof(many) - n, "</registry>");
                refused("XML with 65 footnotes", many, "more than 64 <footnote>s");
        }

        /* ps_parse_port_field is also what the fuzzers drive; its edges. */
        unsigned lo = 1, hi = 1;
        ok(ps_parse_port_field("0-65535", &lo, &hi) == 0 && lo == 0 && hi == 65535, "0-65535");
        ok(ps_parse_port_field("65535-0", &lo, &hi) == -ERANGE && lo == 0,
           "65535-0 refused, output kept");
        ok(ps_parse_port_field("", &lo, &hi) == -EINVAL &&
                   ps_parse_port_field("-", &lo, &hi) == -EINVAL,
           "empty and lone dash refused");
        return tap_done();
}
