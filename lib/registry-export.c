/* SPDX-License-Identifier: MIT */
/* A registry written out as IANA's CSV, IANA-style XML or services(5)
 * (include/portscope/export.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"
#include "portscope/export.h"
#include "registry-set.h"
#include "util.h"

/* The output, handed to the caller's writer in pieces of about this size. */
#define OUT_CHUNK (64u << 10)

struct out {
        ps_dynbuf b;
        ps_export_write write;
        void *userdata;
        int err; /* the first error; everything after it is dropped */
};

static void out_flush(struct out *o)
{
        if (!o->err && o->b.len) {
                int r = o->write(o->b.buf, o->b.len, o->userdata);
                if (r < 0)
                        o->err = r;
        }
        ps_dynbuf_reset(&o->b);
}

static void out_add(struct out *o, const char *s, size_t n)
{
        if (o->err)
                return;
        if (ps_dynbuf_add(&o->b, s, n) < 0)
                o->err = -ENOMEM;
        else if (o->b.len >= OUT_CHUNK)
                out_flush(o);
}

static void out_s(struct out *o, const char *s)
{
        out_add(o, s, strlen(s));
}

static void out_c(struct out *o, char c)
{
        out_add(o, &c, 1);
}

/* Returns the number of bytes written, like printf(). */
static int out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int out_printf(struct out *o, const char *fmt, ...)
{
        char small[256];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(small, sizeof(small), fmt, ap);
        va_end(ap);
        if (n < 0) {
                o->err = o->err ? o->err : -EINVAL;
                return 0;
        }
        if ((size_t)n < sizeof(small)) {
                out_add(o, small, (size_t)n);
                return n;
        }
        char *big = malloc((size_t)n + 1);
        if (!big) {
                o->err = o->err ? o->err : -ENOMEM;
                return 0;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        out_add(o, big, (size_t)n);
        free(big);
        return n;
}

/* RFC 4180 quoting, as IANA does it: only when the text needs it. */
static void csv_field(struct out *o, const char *s, bool last)
{
        if (strpbrk(s, ",\"\n\r")) {
                out_c(o, '"');
                for (; *s; s++) {
                        if (*s == '"')
                                out_c(o, '"');
                        out_c(o, *s);
                }
                out_c(o, '"');
        } else
                out_s(o, s);
        out_c(o, last ? '\n' : ',');
}

/* One list field, "[a][b]": people by id, or references (IANA's CSV spells
 * RFCs "RFC959", its XML "rfc959"). */
static void csv_list(struct out *o, const ps_db *db, const ps_record *r, int which)
{
        ps_dynbuf b;
        ps_person p;
        ps_ref ref;
        unsigned n = which == 0 ? r->n_assignees : which == 1 ? r->n_contacts : r->n_refs;
        ps_dynbuf_init(&b, 1u << 24);
        for (unsigned i = 0; i < n; i++) {
                const char *d = NULL;
                bool rfc = false;
                if (which == 0 && ps_record_assignee(db, r, i, &p) >= 0)
                        d = p.id;
                else if (which == 1 && ps_record_contact(db, r, i, &p) >= 0)
                        d = p.id;
                else if (which == 2 && ps_record_ref(db, r, i, &ref) >= 0) {
                        d = ref.data;
                        rfc = ref.type == PS_REF_RFC && !ps_strncasecmp_ascii(d, "rfc", 3);
                }
                if (!d)
                        continue;
                if (ps_dynbuf_addc(&b, '[') < 0 || (rfc && ps_dynbuf_add(&b, "RFC", 3) < 0) ||
                    ps_dynbuf_add(&b, d + (rfc ? 3 : 0), strlen(d) - (rfc ? 3 : 0)) < 0 ||
                    ps_dynbuf_addc(&b, ']') < 0) {
                        o->err = o->err ? o->err : -ENOMEM;
                        break;
                }
        }
        csv_field(o, b.buf ? b.buf : "", false);
        ps_dynbuf_free(&b);
}

static void export_csv(struct out *o, const ps_db *db)
{
        ps_iter it;
        ps_record r;
        char port[16];
        for (int i = 0; i < 12; i++)
                csv_field(o, ps_csv_columns[i], i == 11);
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (!o->err && ps_iter_next(&it, &r) > 0) {
                csv_field(o, r.name, false);
                csv_field(o, ps_record_port_text(&r, port, sizeof(port)) >= 0 ? port : "", false);
                csv_field(o, ps_proto_name(r.proto), false);
                csv_field(o, r.description, false);
                csv_list(o, db, &r, 0);
                csv_list(o, db, &r, 1);
                csv_field(o, r.registered, false);
                csv_field(o, r.modified, false);
                csv_list(o, db, &r, 2);
                csv_field(o, r.service_code, false);
                csv_field(o, r.unauthorized, false);
                csv_field(o, r.note, true);
        }
}

/* XML text: escaped, line breaks as <br/> the way IANA marks them. */
static void xml_text(struct out *o, const char *s, bool attr)
{
        for (; *s; s++) {
                switch (*s) {
                case '&':
                        out_s(o, "&amp;");
                        break;
                case '<':
                        out_s(o, "&lt;");
                        break;
                case '>':
                        out_s(o, "&gt;");
                        break;
                case '"':
                        out_s(o, attr ? "&quot;" : "\"");
                        break;
                case '\n':
                        out_s(o, attr ? "&#10;" : "<br/>");
                        break;
                default:
                        out_c(o, *s);
                }
        }
}

static void xml_elem(struct out *o, const char *indent, const char *name, const char *text)
{
        if (!*text)
                return;
        out_printf(o, "%s<%s>", indent, name);
        xml_text(o, text, false);
        out_printf(o, "</%s>\n", name);
}

static void xml_attr(struct out *o, const char *name, const char *value)
{
        if (!*value)
                return;
        out_printf(o, " %s=\"", name);
        xml_text(o, value, true);
        out_c(o, '"');
}

static void xml_people(struct out *o, const ps_db *db, const ps_record *r, bool contacts)
{
        unsigned n = contacts ? r->n_contacts : r->n_assignees;
        const char *tag = contacts ? "contact" : "assignee";
        ps_person p;
        if (!n)
                return;
        out_printf(o, "    <%s>\n", tag);
        for (unsigned i = 0; i < n; i++) {
                if ((contacts ? ps_record_contact(db, r, i, &p)
                              : ps_record_assignee(db, r, i, &p)) < 0)
                        continue;
                out_s(o, "      <xref type=\"person\" data=\"");
                xml_text(o, p.id, true);
                out_s(o, "\"/>\n");
        }
        out_printf(o, "    </%s>\n", tag);
}

static void export_xml(struct out *o, const ps_db *db)
{
        ps_iter it;
        ps_record r;
        ps_person p;
        ps_ref ref;
        char port[16];
        /* Footnotes: the reader resolves <xref type="note"> to their text. */
        const char *notes[64];
        unsigned n_notes = 0;

        out_s(o, "<?xml version='1.0' encoding='UTF-8'?>\n"
                 "<registry xmlns=\"http://www.iana.org/assignments\" "
                 "id=\"service-names-port-numbers\">\n"
                 "  <title>Service Name and Transport Protocol Port Number Registry</title>\n");
        /* A registry without dates (a CSV without any) is dated "unknown",
         * which the XML reader rightly refuses as <updated>. */
        if (strcmp(ps_db_date(db), "unknown"))
                xml_elem(o, "  ", "updated", ps_db_date(db));
        ps_iter_all(&it, db, PS_PROTO_ANY);
        while (!o->err && ps_iter_next(&it, &r) > 0) {
                out_s(o, "  <record");
                xml_attr(o, "date", r.registered);
                xml_attr(o, "updated", r.modified);
                out_s(o, ">\n");
                xml_elem(o, "    ", "name", r.name);
                xml_elem(o, "    ", "protocol", ps_proto_name(r.proto));
                out_s(o, "    <description>");
                xml_text(o, r.description, false);
                out_s(o, "</description>\n");
                if (ps_record_port_text(&r, port, sizeof(port)) >= 0)
                        xml_elem(o, "    ", "number", port);
                xml_people(o, db, &r, false);
                xml_people(o, db, &r, true);
                for (unsigned i = 0; i < r.n_refs; i++) {
                        if (ps_record_ref(db, &r, i, &ref) < 0)
                                continue;
                        if (ref.type == PS_REF_TEXT) {
                                out_s(o, "    <xref type=\"text\">");
                                xml_text(o, ref.data, false);
                                out_s(o, "</xref>\n");
                                continue;
                        }
                        if (ref.type == PS_REF_NOTE) {
                                unsigned k = 0;
                                while (k < n_notes && strcmp(notes[k], ref.data))
                                        k++;
                                if (k == n_notes && n_notes < 64)
                                        notes[n_notes++] = ref.data;
                                out_printf(o, "    <xref type=\"note\" data=\"%u\"/>\n", k + 1);
                                continue;
                        }
                        out_printf(o, "    <xref type=\"%s\" data=\"", ps_ref_type_name(ref.type));
                        xml_text(o, ref.data, true);
                        out_s(o, "\"/>\n");
                }
                xml_elem(o, "    ", "note", r.note);
                xml_elem(o, "    ", "unauthorized", r.unauthorized);
                xml_elem(o, "    ", "sc", r.service_code);
                out_s(o, "  </record>\n");
        }
        for (unsigned k = 0; k < n_notes; k++) {
                out_printf(o, "  <footnote anchor=\"%u\">", k + 1);
                xml_text(o, notes[k], false);
                out_s(o, "</footnote>\n");
        }
        out_s(o, "  <people>\n");
        for (uint32_t i = 0; !o->err && ps_db_person(db, i, &p) >= 0; i++) {
                out_s(o, "    <person id=\"");
                xml_text(o, p.id, true);
                out_s(o, "\">\n");
                xml_elem(o, "      ", "name", p.name);
                xml_elem(o, "      ", "org", p.org);
                xml_elem(o, "      ", "uri", p.uri);
                xml_elem(o, "      ", "updated", p.updated);
                out_s(o, "    </person>\n");
        }
        out_s(o, "  </people>\n</registry>\n");
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

static void export_services(struct out *o, const ps_db *db)
{
        ps_iter it;
        ps_record r;
        out_printf(o,
                   "# Network services, from the IANA Service Name and Transport Protocol\n"
                   "# Port Number Registry of %s (%s), written by portscope export.\n"
                   "# Format: see services(5). Port ranges and name-only entries are left out.\n",
                   ps_db_date(db), ps_db_source(db));
        for (unsigned port = 0; port <= 65535 && !o->err; port++) {
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
                                        dup |= !ps_strcasecmp_ascii(names[k], r.name);
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
                        int col = out_printf(o, "%-15s %s", names[0], pp);
                        for (unsigned k = 1; k < nn; k++)
                                col += out_printf(o, " %s", names[k]);
                        if (desc && *desc) {
                                out_printf(o, "%*s# ", col < 40 ? 40 - col : 1, "");
                                for (const char *d = desc; *d; d++)
                                        out_c(o, *d == '\n' || *d == '\r' || *d == '\t' ? ' ' : *d);
                        }
                        out_c(o, '\n');
                }
        }
}

PS_EXPORT int ps_db_export(const ps_db *db, ps_export_format format, ps_export_write write,
                           void *userdata)
{
        if (!db || !write || (unsigned)format >= _PS_EXPORT_FORMAT_MAX)
                return -EINVAL;
        struct out o = { .write = write, .userdata = userdata };
        ps_dynbuf_init(&o.b, 1u << 24);
        if (format == PS_EXPORT_CSV)
                export_csv(&o, db);
        else if (format == PS_EXPORT_XML)
                export_xml(&o, db);
        else
                export_services(&o, db);
        out_flush(&o);
        ps_dynbuf_free(&o.b);
        return o.err;
}
