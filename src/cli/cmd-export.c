/* SPDX-License-Identifier: MIT */
/*
 * `portscope export --format FMT [SOURCE]`: writes a registry out as IANA's
 * CSV, IANA-style XML, /etc/services, or JSON. The CSV and XML read back
 * (portscope update) into the same records.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "registry-set.h"

enum { OPT_FORMAT = 'f' };
enum fmt { FMT_CSV, FMT_XML, FMT_SERVICES, FMT_JSON };

const struct cli_option export_options[] = {
        { "format", OPT_FORMAT, required_argument, "FORMAT",
          N_("csv (default), xml, services or json"), "csv xml services json" },
        { 0 },
};

static enum fmt format = FMT_CSV;

int export_option(struct cli *c, int opt, const char *arg)
{
        static const char *const names[] = { "csv", "xml", "services", "json" };
        (void)c;
        if (opt != OPT_FORMAT)
                return cli_error(EXIT_USAGE, "unexpected option");
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (!strcmp(arg, names[i])) {
                        format = (enum fmt)i;
                        return 0;
                }
        return cli_error(EXIT_USAGE, "--format: expected csv, xml, services or json, not \"%.40s\"",
                         arg);
}

/* RFC 4180 quoting, as IANA does it: only when the text needs it. */
static void csv_field(const char *s, bool last)
{
        if (strpbrk(s, ",\"\n\r")) {
                putchar('"');
                for (; *s; s++) {
                        if (*s == '"')
                                putchar('"');
                        putchar(*s);
                }
                putchar('"');
        } else {
                fputs(s, stdout);
        }
        putchar(last ? '\n' : ',');
}

static void csv_people(const ps_db *db, const ps_record *r, bool contacts)
{
        unsigned n = contacts ? r->n_contacts : r->n_assignees;
        size_t len = 0;
        for (unsigned i = 0; i < n; i++) {
                ps_person p;
                if ((contacts ? ps_record_contact(db, r, i, &p)
                              : ps_record_assignee(db, r, i, &p)) >= 0)
                        len += strlen(p.id) + 2;
        }
        char *buf = malloc(len + 1), *o = buf;
        if (!buf)
                return;
        for (unsigned i = 0; i < n; i++) {
                ps_person p;
                if ((contacts ? ps_record_contact(db, r, i, &p)
                              : ps_record_assignee(db, r, i, &p)) >= 0)
                        o += sprintf(o, "[%s]", p.id);
        }
        *o = '\0';
        csv_field(buf, false);
        free(buf);
}

static void csv_refs(const ps_db *db, const ps_record *r)
{
        size_t len = 0;
        ps_ref ref;
        for (unsigned i = 0; i < r->n_refs; i++)
                if (ps_record_ref(db, r, i, &ref) >= 0)
                        len += strlen(ref.data) + 2;
        char *buf = malloc(len + 1), *o = buf;
        if (!buf)
                return;
        for (unsigned i = 0; i < r->n_refs; i++) {
                if (ps_record_ref(db, r, i, &ref) < 0)
                        continue;
                *o++ = '[';
                /* IANA's CSV spells RFCs "RFC959", its XML "rfc959". */
                size_t n = strlen(ref.data);
                memcpy(o, ref.data, n);
                if (ref.type == PS_REF_RFC && n >= 3 && !strncasecmp(o, "rfc", 3))
                        o[0] = 'R', o[1] = 'F', o[2] = 'C';
                o += n;
                *o++ = ']';
        }
        *o = '\0';
        csv_field(buf, false);
        free(buf);
}

static void export_csv(const ps_db *db)
{
        ps_iter it;
        ps_record r;
        char port[16];
        for (int i = 0; i < 12; i++)
                csv_field(ps_csv_columns[i], i == 11);
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (ps_iter_next(&it, &r) > 0) {
                csv_field(r.name, false);
                csv_field(r.flags & PS_REC_HAS_PORT ? port_label(&r, port, sizeof(port)) : "",
                          false);
                csv_field(ps_proto_name(r.proto), false);
                csv_field(r.description, false);
                csv_people(db, &r, false);
                csv_people(db, &r, true);
                csv_field(r.registered, false);
                csv_field(r.modified, false);
                csv_refs(db, &r);
                csv_field(r.service_code, false);
                csv_field(r.unauthorized, false);
                csv_field(r.note, true);
        }
}

/* XML text: escaped, line breaks as <br/> the way IANA marks them. */
static void xml_text(const char *s, bool attr)
{
        for (; *s; s++) {
                switch (*s) {
                case '&':
                        fputs("&amp;", stdout);
                        break;
                case '<':
                        fputs("&lt;", stdout);
                        break;
                case '>':
                        fputs("&gt;", stdout);
                        break;
                case '"':
                        fputs(attr ? "&quot;" : "\"", stdout);
                        break;
                case '\n':
                        fputs(attr ? "&#10;" : "<br/>", stdout);
                        break;
                default:
                        putchar(*s);
                }
        }
}

static void xml_elem(const char *indent, const char *name, const char *text)
{
        if (!*text)
                return;
        printf("%s<%s>", indent, name);
        xml_text(text, false);
        printf("</%s>\n", name);
}

static void export_xml(const ps_db *db)
{
        ps_iter it;
        ps_record r;
        ps_person p;
        ps_ref ref;
        char port[16];
        /* Footnotes: the reader resolves <xref type="note"> to their text. */
        const char *notes[64];
        unsigned n_notes = 0;

        printf("<?xml version='1.0' encoding='UTF-8'?>\n"
               "<registry xmlns=\"http://www.iana.org/assignments\" "
               "id=\"service-names-port-numbers\">\n"
               "  <title>Service Name and Transport Protocol Port Number Registry</title>\n");
        /* A registry without dates (a CSV without any) is dated "unknown",
         * which the XML reader rightly refuses as <updated>. */
        if (strcmp(ps_db_date(db), "unknown"))
                xml_elem("  ", "updated", ps_db_date(db));
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (ps_iter_next(&it, &r) > 0) {
                printf("  <record");
                if (*r.registered) {
                        printf(" date=\"");
                        xml_text(r.registered, true);
                        putchar('"');
                }
                if (*r.modified) {
                        printf(" updated=\"");
                        xml_text(r.modified, true);
                        putchar('"');
                }
                printf(">\n");
                xml_elem("    ", "name", r.name);
                xml_elem("    ", "protocol", ps_proto_name(r.proto));
                printf("    <description>");
                xml_text(r.description, false);
                printf("</description>\n");
                if (r.flags & PS_REC_HAS_PORT)
                        xml_elem("    ", "number", port_label(&r, port, sizeof(port)));
                for (int k = 0; k < 2; k++) {
                        unsigned n = k ? r.n_contacts : r.n_assignees;
                        if (!n)
                                continue;
                        printf("    <%s>\n", k ? "contact" : "assignee");
                        for (unsigned i = 0; i < n; i++) {
                                if ((k ? ps_record_contact(db, &r, i, &p)
                                       : ps_record_assignee(db, &r, i, &p)) < 0)
                                        continue;
                                printf("      <xref type=\"person\" data=\"");
                                xml_text(p.id, true);
                                printf("\"/>\n");
                        }
                        printf("    </%s>\n", k ? "contact" : "assignee");
                }
                for (unsigned i = 0; i < r.n_refs; i++) {
                        if (ps_record_ref(db, &r, i, &ref) < 0)
                                continue;
                        const char *t = ps_ref_type_name(ref.type);
                        if (ref.type == PS_REF_TEXT) {
                                printf("    <xref type=\"text\">");
                                xml_text(ref.data, false);
                                printf("</xref>\n");
                                continue;
                        }
                        if (ref.type == PS_REF_NOTE) {
                                unsigned k = 0;
                                while (k < n_notes && strcmp(notes[k], ref.data))
                                        k++;
                                if (k == n_notes && n_notes < 64)
                                        notes[n_notes++] = ref.data;
                                printf("    <xref type=\"note\" data=\"%u\"/>\n", k + 1);
                                continue;
                        }
                        printf("    <xref type=\"%s\" data=\"", t);
                        xml_text(ref.data, true);
                        printf("\"/>\n");
                }
                xml_elem("    ", "note", r.note);
                xml_elem("    ", "unauthorized", r.unauthorized);
                xml_elem("    ", "sc", r.service_code);
                printf("  </record>\n");
        }
        for (unsigned k = 0; k < n_notes; k++) {
                printf("  <footnote anchor=\"%u\">", k + 1);
                xml_text(notes[k], false);
                printf("</footnote>\n");
        }
        printf("  <people>\n");
        for (uint32_t i = 0; ps_db_person(db, i, &p) >= 0; i++) {
                printf("    <person id=\"");
                xml_text(p.id, true);
                printf("\">\n");
                xml_elem("      ", "name", p.name);
                xml_elem("      ", "org", p.org);
                xml_elem("      ", "uri", p.uri);
                xml_elem("      ", "updated", p.updated);
                printf("    </person>\n");
        }
        printf("  </people>\n</registry>\n");
}

/* services(5): "name port/protocol aliases... # comment". Every record with
 * a service name, a single port and a protocol gives a line; the first name
 * on a port/protocol is the official one and later names are its aliases,
 * the way IANA's alias entries (www-http for http) are meant. */
static bool service_name_ok(const char *s)
{
        if (!*s)
                return false;
        for (; *s; s++)
                if ((unsigned char)*s <= ' ' || *s == '#' || (unsigned char)*s >= 0x7f)
                        return false;
        return true;
}

static void export_services(const ps_db *db)
{
        ps_iter it;
        ps_record r;
        printf("# Network services, from the IANA Service Name and Transport Protocol\n"
               "# Port Number Registry of %s (%s), written by portscope export.\n"
               "# Format: see services(5). Port ranges and name-only entries are left out.\n",
               ps_db_date(db), ps_db_source(db));
        for (unsigned port = 0; port <= 65535; port++) {
                for (int proto = PS_PROTO_TCP; proto < _PS_PROTO_MAX; proto++) {
                        const char *names[64];
                        const char *desc = NULL;
                        unsigned nn = 0;
                        ps_iter_port(&it, db, port, (ps_proto)proto);
                        while (ps_iter_next(&it, &r) > 0) {
                                if (r.port_lo != r.port_hi || !service_name_ok(r.name))
                                        continue;
                                bool dup = false;
                                for (unsigned k = 0; k < nn; k++)
                                        dup |= !strcasecmp(names[k], r.name);
                                if (dup || nn == 64)
                                        continue;
                                if (!nn)
                                        desc = r.description;
                                names[nn++] = r.name;
                        }
                        if (!nn)
                                continue;
                        /* Columns as in Debian's /etc/services: name, port/proto,
                         * aliases, then the comment from column 40. */
                        char pp[24];
                        snprintf(pp, sizeof(pp), "%u/%s", port, ps_proto_name((ps_proto)proto));
                        int col = printf("%-15s %s", names[0], pp);
                        for (unsigned k = 1; k < nn; k++)
                                col += printf(" %s", names[k]);
                        if (desc && *desc) {
                                printf("%*s# ", col < 40 ? 40 - col : 1, "");
                                for (const char *d = desc; *d; d++)
                                        putchar(*d == '\n' || *d == '\r' || *d == '\t' ? ' ' : *d);
                        }
                        putchar('\n');
                }
        }
}

static int export_json(const ps_db *db)
{
        json_t *recs = json_array(), *people = json_array();
        ps_iter it;
        ps_record r;
        ps_person p;
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (ps_iter_next(&it, &r) > 0)
                json_array_append_new(recs, json_record(db, &r));
        for (uint32_t i = 0; ps_db_person(db, i, &p) >= 0; i++)
                json_array_append_new(people, json_pack("{s:s, s:o, s:o, s:o, s:o}", "id", p.id,
                                                        "name", json_str_or_null(p.name), "org",
                                                        json_str_or_null(p.org), "uri",
                                                        json_str_or_null(p.uri), "updated",
                                                        json_str_or_null(p.updated)));
        return json_emit(
                json_doc("export", json_pack("{s:s, s:s, s:o, s:o}", "registry_date",
                                             ps_db_date(db), "compiled_from", ps_db_source(db),
                                             "records", recs, "people", people)));
}

int cmd_export(struct cli *c, int argc, char **argv)
{
        ps_db *db = NULL, *own = NULL;
        int r;
        if (argc > 1)
                return cli_error(EXIT_USAGE, "export: expects at most one SOURCE");
        if (argc == 1)
                r = cli_open_source(argv[0], &own), db = own;
        else
                r = cli_db(c, &db);
        if (r)
                return r;
        if (format == FMT_JSON || c->json)
                r = export_json(db);
        else if (format == FMT_CSV)
                export_csv(db);
        else if (format == FMT_XML)
                export_xml(db);
        else
                export_services(db);
        ps_db_free(own);
        if (!r && (fflush(stdout) == EOF || ferror(stdout)))
                r = cli_error(EXIT_SYSTEM, "writing output: %s", strerror(errno));
        return r;
}
