/* SPDX-License-Identifier: MIT */
/* Output helpers shared by the commands: messages, styling, wrapping, JSON. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "registry-set.h"
#include "utf8.h"

int cli_error(int status, const char *fmt, ...)
{
        char msg[4096];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        /* Messages quote arguments and file contents: a control character
         * there would break the one line or drive the terminal. */
        ps_text_sanitize(msg);
        fprintf(stderr, "portscope: %s%s\n", msg, n >= (int)sizeof(msg) ? "..." : "");
        return status;
}

int cli_fail(int code, const char *what)
{
        int status = code == -ENOMEM || code == -EIO ? EXIT_SYSTEM : EXIT_USAGE;
        return cli_error(status, "%s: %s", what, ps_strerror(code));
}

int cli_db(struct cli *c, ps_db **ret_db)
{
        if (!c->db) {
                int r;
                if (c->db_path)
                        r = ps_db_open_file(c->db_path, &c->db);
                else
                        r = ps_db_open_default(&c->db, NULL);
                if (r < 0) {
                        const char *p = c->db_path ? c->db_path : getenv("PORTSCOPE_DB");
                        return cli_error(r == -ENOMEM ? EXIT_SYSTEM : EXIT_USAGE,
                                         "%s: cannot use this registry database: %s",
                                         p && *p ? p : "registry",
                                         r == -EINVAL ? "not a regular file" : ps_strerror(r));
                }
        }
        *ret_db = c->db;
        return 0;
}

const char *sty_bold(const struct cli *c)
{
        return c->color ? "\033[1m" : "";
}

const char *sty_dim(const struct cli *c)
{
        return c->color ? "\033[2m" : "";
}

const char *sty_head(const struct cli *c)
{
        return c->color ? "\033[1;36m" : "";
}

const char *sty_warn(const struct cli *c)
{
        return c->color ? "\033[1;33m" : "";
}

const char *sty_off(const struct cli *c)
{
        return c->color ? "\033[0m" : "";
}

unsigned out_width(void)
{
        struct winsize ws;
        if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
                return ws.ws_col > 120 ? 120 : ws.ws_col;
        return 80;
}

/* Counts display columns of UTF-8 text, one per code point. */
static unsigned cols(const char *s, size_t n)
{
        unsigned c = 0;
        for (size_t i = 0; i < n; i++)
                if (((unsigned char)s[i] & 0xc0) != 0x80)
                        c++;
        return c;
}

void out_wrap(FILE *f, const char *text, unsigned indent, unsigned first_col, unsigned width)
{
        unsigned col = first_col;
        int line_start = 1;
        const char *p = text;
        if (width < indent + 20)
                width = indent + 20;
        while (*p) {
                if (*p == '\n') {
                        fprintf(f, "\n%*s", (int)indent, "");
                        col = indent;
                        line_start = 1;
                        p++;
                        continue;
                }
                if (*p == ' ') {
                        p++;
                        continue;
                }
                size_t n = strcspn(p, " \n");
                unsigned w = cols(p, n);
                if (!line_start && col + 1 + w > width) {
                        fprintf(f, "\n%*s", (int)indent, "");
                        col = indent;
                        line_start = 1;
                }
                if (!line_start) {
                        fputc(' ', f);
                        col++;
                }
                fwrite(p, 1, n, f);
                col += w;
                line_start = 0;
                p += n;
        }
        fputc('\n', f);
}

json_t *json_text(const char *s)
{
        if (ps_utf8_valid(s, strlen(s)))
                return json_string(s);
        /* Not UTF-8 (a file name, an argument): JSON strings must be, so
         * the offending bytes become '?' rather than the document failing. */
        char *t = strdup(s);
        if (!t)
                return NULL;
        ps_text_sanitize(t);
        json_t *j = json_string(t);
        free(t);
        return j;
}

json_t *json_str_or_null(const char *s)
{
        return s && *s ? json_text(s) : json_null();
}

static json_t *json_person(const ps_person *p)
{
        return json_pack("{s:s, s:o, s:o, s:o, s:o}", "id", p->id, "name",
                         json_str_or_null(p->name), "org", json_str_or_null(p->org), "uri",
                         json_str_or_null(p->uri), "updated", json_str_or_null(p->updated));
}

json_t *json_record(const ps_db *db, const ps_record *rec)
{
        json_t *o = json_object(), *a = json_array(), *ct = json_array(), *refs = json_array();
        ps_person p;
        ps_ref ref;
        char url[1024];
        const char *status = rec->flags & PS_REC_UNASSIGNED ? "unassigned"
                             : rec->flags & PS_REC_RESERVED ? "reserved"
                                                            : "assigned";

        for (unsigned i = 0; i < rec->n_assignees; i++)
                if (ps_record_assignee(db, rec, i, &p) >= 0)
                        json_array_append_new(a, json_person(&p));
        for (unsigned i = 0; i < rec->n_contacts; i++)
                if (ps_record_contact(db, rec, i, &p) >= 0)
                        json_array_append_new(ct, json_person(&p));
        for (unsigned i = 0; i < rec->n_refs; i++) {
                if (ps_record_ref(db, rec, i, &ref) < 0)
                        continue;
                int n = ps_ref_url(&ref, url, sizeof(url));
                json_array_append_new(refs,
                                      json_pack("{s:s, s:s, s:o}", "type",
                                                ps_ref_type_name(ref.type), "data", ref.data, "url",
                                                n >= 0 ? json_string(url) : json_null()));
        }
        bool has_port = rec->flags & PS_REC_HAS_PORT;
        json_object_set_new(o, "service", json_str_or_null(rec->name));
        json_object_set_new(o, "port", has_port ? json_integer(rec->port_lo) : json_null());
        json_object_set_new(o, "port_high", has_port ? json_integer(rec->port_hi) : json_null());
        json_object_set_new(o, "protocol", json_str_or_null(ps_proto_name(rec->proto)));
        json_object_set_new(o, "status", json_string(status));
        json_object_set_new(o, "description", json_string(rec->description));
        json_object_set_new(o, "assignees", a);
        json_object_set_new(o, "contacts", ct);
        json_object_set_new(o, "registered", json_str_or_null(rec->registered));
        json_object_set_new(o, "modified", json_str_or_null(rec->modified));
        json_object_set_new(o, "references", refs);
        json_object_set_new(o, "assignment_note", json_str_or_null(rec->note));
        json_object_set_new(o, "unauthorized_use", json_str_or_null(rec->unauthorized));
        json_object_set_new(o, "service_code", json_str_or_null(rec->service_code));
        return o;
}

json_t *json_doc(const char *kind, json_t *body)
{
        json_t *doc = json_pack("{s:i, s:s}", "schema_version", JSON_SCHEMA_VERSION, "kind", kind);
        if (!doc || !body || json_object_update(doc, body) < 0) {
                json_decref(doc);
                doc = NULL;
        }
        json_decref(body);
        return doc;
}

static _Thread_local bool json_broken;

int cli_json_set(json_t *o, const char *key, json_t *v)
{
        if (!v || (json_object_set_new)(o, key, v) < 0) {
                json_broken = true;
                return -1;
        }
        return 0;
}

int cli_json_append(json_t *a, json_t *v)
{
        if (!v || (json_array_append_new)(a, v) < 0) {
                json_broken = true;
                return -1;
        }
        return 0;
}

bool json_build_failed(void)
{
        bool b = json_broken;
        json_broken = false;
        return b;
}

int json_emit(json_t *doc)
{
        if (json_build_failed() || !doc) {
                json_decref(doc);
                return cli_error(EXIT_SYSTEM, "cannot build the JSON document (out of memory, "
                                              "or text that is not UTF-8)");
        }
        int r = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
        json_decref(doc);
        if (r < 0 || fputc('\n', stdout) == EOF || fflush(stdout) == EOF)
                return cli_error(EXIT_SYSTEM, "writing output: %s", strerror(errno));
        return 0;
}

const char *port_label(const ps_record *rec, char *buf, size_t size)
{
        if (!(rec->flags & PS_REC_HAS_PORT))
                snprintf(buf, size, "-");
        else if (rec->port_lo == rec->port_hi)
                snprintf(buf, size, "%u", rec->port_lo);
        else
                snprintf(buf, size, "%u-%u", rec->port_lo, rec->port_hi);
        return buf;
}

static bool same_people(const ps_db *db, const ps_record *a, const ps_record *b, bool contacts)
{
        unsigned n = contacts ? a->n_contacts : a->n_assignees;
        if (n != (contacts ? b->n_contacts : b->n_assignees))
                return false;
        for (unsigned i = 0; i < n; i++) {
                ps_person x, y;
                int r1 = contacts ? ps_record_contact(db, a, i, &x)
                                  : ps_record_assignee(db, a, i, &x);
                int r2 = contacts ? ps_record_contact(db, b, i, &y)
                                  : ps_record_assignee(db, b, i, &y);
                if (r1 < 0 || r2 < 0 || x.id != y.id)
                        return false;
        }
        return true;
}

bool record_same_but_proto(const ps_db *db, const ps_record *a, const ps_record *b)
{
        /* Strings are interned, so equal text means an equal pointer. */
        if (a->port_lo != b->port_lo || a->port_hi != b->port_hi || a->flags != b->flags ||
            a->name != b->name || a->description != b->description || a->note != b->note ||
            a->unauthorized != b->unauthorized || a->registered != b->registered ||
            a->modified != b->modified || a->service_code != b->service_code ||
            a->n_refs != b->n_refs || !same_people(db, a, b, false) || !same_people(db, a, b, true))
                return false;
        for (unsigned i = 0; i < a->n_refs; i++) {
                ps_ref x, y;
                if (ps_record_ref(db, a, i, &x) < 0 || ps_record_ref(db, b, i, &y) < 0 ||
                    x.type != y.type || x.data != y.data)
                        return false;
        }
        return true;
}
