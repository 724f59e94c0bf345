/* SPDX-License-Identifier: MIT */
/*
 * Reader for IANA's service-names-port-numbers.xml, built on expat.
 *
 * The file is untrusted input: every field has a size cap, the record and
 * people counts are capped, DTDs (and so entity expansion) are refused, and
 * the first problem stops the read with its line and column.
 */
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "dynbuf.h"
#include "parse.h"
#include "ps-limits.h"
#include "registry-format.h"
#include "registry-set.h"
#include "utf8.h"
#include "util.h"

enum field {
        F_NONE,
        F_NAME,
        F_PROTOCOL,
        F_DESCRIPTION,
        F_NUMBER,
        F_NOTE,
        F_UNAUTHORIZED,
        F_SC,
        F_XREF_TEXT,
        F_DATE,
        F_P_NAME,
        F_P_ORG,
        F_P_URI,
        F_P_UPDATED,
        F_FOOTNOTE,
};

struct footnote {
        char *anchor, *text;
};

struct xml_state {
        XML_Parser parser;
        ps_regset *set;
        int depth;
        const char *path[PS_XML_MAX_DEPTH]; /* element names, for context checks */
        ps_rawrec *rec;
        ps_rawperson *person;
        int in_assignee, in_contact, saw_assignee;
        char **bare;
        size_t n_bare;
        enum field field;
        int field_depth;
        ps_dynbuf text;
        int space_pending;
        struct footnote notes[PS_XML_MAX_FOOTNOTES];
        size_t n_notes;
        char *footnote_anchor;
        int have_date;
        XML_Index last_event; /* where the latest token expat reported starts */
        int err;
        char *errbuf;
        size_t errsize;
};

static void fail(struct xml_state *s, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void fail(struct xml_state *s, int code, const char *fmt, ...)
{
        if (s->err)
                return;
        s->err = code;
        if (s->errbuf && s->errsize) {
                int n = snprintf(s->errbuf, s->errsize, "line %lu, column %lu: ",
                                 (unsigned long)XML_GetCurrentLineNumber(s->parser),
                                 (unsigned long)XML_GetCurrentColumnNumber(s->parser) + 1);
                if (n > 0 && (size_t)n < s->errsize) {
                        va_list ap;
                        va_start(ap, fmt);
                        vsnprintf(s->errbuf + n, s->errsize - n, fmt, ap);
                        va_end(ap);
                }
        }
        XML_StopParser(s->parser, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *key)
{
        for (; atts && atts[0]; atts += 2)
                if (!strcmp(atts[0], key))
                        return atts[1];
        return NULL;
}

static const char *parent(const struct xml_state *s, int up)
{
        int i = s->depth - 1 - up;
        return i >= 0 && i < PS_XML_MAX_DEPTH ? s->path[i] : "";
}

/* Appends text, folding runs of white space into one space. Runs of other
 * characters go in whole: this is the reader's innermost loop. */
static void text_add(struct xml_state *s, const char *p, size_t len)
{
        size_t i = 0;
        while (i < len && !s->err) {
                char c = p[i];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                        s->space_pending = 1;
                        i++;
                        continue;
                }
                size_t j = i + 1;
                while (j < len && p[j] != ' ' && p[j] != '\t' && p[j] != '\n' && p[j] != '\r')
                        j++;
                int r = 0;
                if (s->space_pending && s->text.len && s->text.buf[s->text.len - 1] != '\n')
                        r = ps_dynbuf_addc(&s->text, ' ');
                s->space_pending = 0;
                if (r >= 0)
                        r = ps_dynbuf_add(&s->text, p + i, j - i);
                if (r < 0)
                        fail(s, r, "a field is longer than %u bytes", PS_FIELD_MAX);
                i = j;
        }
}

static void text_break(struct xml_state *s)
{
        s->space_pending = 0;
        if (s->text.len && s->text.buf[s->text.len - 1] != '\n' &&
            ps_dynbuf_addc(&s->text, '\n') < 0)
                fail(s, -E2BIG, "a field is longer than %u bytes", PS_FIELD_MAX);
}

static char *text_take(struct xml_state *s)
{
        while (s->text.len && s->text.buf[s->text.len - 1] == '\n')
                s->text.buf[--s->text.len] = '\0';
        s->space_pending = 0;
        return ps_dynbuf_steal(&s->text);
}

static void start_field(struct xml_state *s, enum field f)
{
        s->field = f;
        s->field_depth = s->depth;
        ps_dynbuf_reset(&s->text);
        s->space_pending = 0;
}

static int parse_ref_type(const char *t, ps_ref_type *ret)
{
        static const char *const names[] = { "rfc", "draft", "uri", "person", "text", "note" };
        for (size_t i = 0; i < PS_ELEMENTSOF(names); i++)
                if (t && !strcmp(t, names[i])) {
                        *ret = (ps_ref_type)i;
                        return 0;
                }
        return -EINVAL;
}

/* An <xref> inside running text is rendered the way IANA's CSV renders it. */
static void inline_xref(struct xml_state *s, const char *type, const char *data)
{
        if (!data)
                return;
        char buf[512];
        if (type && (!strcmp(type, "rfc") || !strcmp(type, "draft"))) {
                size_t i = 0;
                for (; data[i] && i < sizeof(buf) - 1; i++)
                        buf[i] = !ps_strncasecmp_ascii(data, "rfc", 3) && i < 3
                                         ? (char)(data[i] & ~0x20)
                                         : data[i];
                buf[i] = '\0';
                data = buf;
        }
        text_add(s, "[", 1);
        text_add(s, data, strlen(data));
        text_add(s, "]", 1);
}

/* Notes that expat finished a token: see the token cap in ps_parse_iana_xml(). */
static void progress(struct xml_state *s)
{
        s->last_event = XML_GetCurrentByteIndex(s->parser);
}

static void on_token(void *ud, const XML_Char *a)
{
        (void)a;
        progress(ud);
}

static void on_pi(void *ud, const XML_Char *target, const XML_Char *data)
{
        (void)target, (void)data;
        progress(ud);
}

static void on_cdata(void *ud)
{
        progress(ud);
}

static void on_decl(void *ud, const XML_Char *version, const XML_Char *encoding, int standalone)
{
        (void)version, (void)encoding, (void)standalone;
        progress(ud);
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
        struct xml_state *s = ud;
        progress(s);
        if (s->err)
                return;
        if (s->depth >= PS_XML_MAX_DEPTH) {
                fail(s, -EBADMSG, "elements nested deeper than %d", PS_XML_MAX_DEPTH);
                return;
        }
        s->path[s->depth++] = NULL; /* filled below for the names we know */

        if (s->field != F_NONE) {
                /* Markup inside a text field. */
                if (!strcmp(name, "br"))
                        text_break(s);
                else if (!strcmp(name, "paragraph"))
                        text_break(s);
                else if (!strcmp(name, "xref"))
                        inline_xref(s, attr(atts, "type"), attr(atts, "data"));
                return;
        }

        const char *up = s->depth >= 2 ? parent(s, 1) : "";
        up = up ? up : "";
#define KNOWN(n) (s->path[s->depth - 1] = (n))
        if (s->depth == 1) {
                if (strcmp(name, "registry"))
                        fail(s, -EBADMSG, "not an IANA registry: the root element is <%s>", name);
                KNOWN("registry");
        } else if (!strcmp(up, "registry")) {
                if (!strcmp(name, "record")) {
                        KNOWN("record");
                        if (!(s->rec = ps_regset_add_rec(s->set))) {
                                fail(s, -E2BIG, "more than %u records", PS_DB_MAX_RECORDS);
                                return;
                        }
                        s->rec->line = (unsigned)XML_GetCurrentLineNumber(s->parser);
                        const char *d = attr(atts, "date"), *u = attr(atts, "updated");
                        if ((d && !ps_date_ok(d)) || (u && !ps_date_ok(u))) {
                                fail(s, -EBADMSG, "\"%.40s\" is not a date (YYYY-MM-DD)",
                                     d && !ps_date_ok(d) ? d : u);
                                return;
                        }
                        s->rec->registered = d ? strdup(d) : NULL;
                        s->rec->modified = u ? strdup(u) : NULL;
                        s->in_assignee = s->in_contact = s->saw_assignee = 0;
                } else if (!strcmp(name, "updated") && !s->have_date) {
                        KNOWN("updated");
                        start_field(s, F_DATE);
                } else if (!strcmp(name, "people")) {
                        KNOWN("people");
                } else if (!strcmp(name, "footnote")) {
                        KNOWN("footnote");
                        const char *a = attr(atts, "anchor");
                        free(s->footnote_anchor);
                        s->footnote_anchor = a ? strndup(a, 64) : NULL;
                        start_field(s, F_FOOTNOTE);
                }
        } else if (!strcmp(up, "record")) {
                static const struct {
                        const char *n;
                        enum field f;
                } fields[] = {
                        { "name", F_NAME },
                        { "protocol", F_PROTOCOL },
                        { "description", F_DESCRIPTION },
                        { "number", F_NUMBER },
                        { "note", F_NOTE },
                        { "unauthorized", F_UNAUTHORIZED },
                        { "sc", F_SC },
                };
                for (size_t i = 0; i < PS_ELEMENTSOF(fields); i++)
                        if (!strcmp(name, fields[i].n)) {
                                KNOWN(fields[i].n);
                                start_field(s, fields[i].f);
                                return;
                        }
                if (!strcmp(name, "assignee")) {
                        KNOWN("assignee");
                        s->in_assignee = s->saw_assignee = 1;
                } else if (!strcmp(name, "contact")) {
                        KNOWN("contact");
                        s->in_contact = 1;
                } else if (!strcmp(name, "xref")) {
                        KNOWN("xref");
                        const char *type = attr(atts, "type"), *data = attr(atts, "data");
                        ps_ref_type t;
                        if (parse_ref_type(type, &t) < 0) {
                                fail(s, -EBADMSG, "unknown reference type \"%.40s\"",
                                     type ? type : "");
                                return;
                        }
                        if (data && strlen(data) > PS_FIELD_MAX) {
                                fail(s, -E2BIG, "a reference is longer than %u bytes",
                                     PS_FIELD_MAX);
                                return;
                        }
                        int r = 0;
                        if (t == PS_REF_PERSON) {
                                if (!data || !*data) {
                                        fail(s, -EBADMSG, "a person reference has no id");
                                        return;
                                }
                                r = ps_rawrec_add_person(&s->bare, &s->n_bare, data);
                        } else if (t == PS_REF_TEXT || (t != PS_REF_NOTE && !data)) {
                                /* The reference is the element's own text. */
                                start_field(s, F_XREF_TEXT);
                                s->path[s->depth - 1] = t == PS_REF_TEXT ? "xref-text" : "xref-uri";
                        } else {
                                r = ps_rawrec_add_ref(s->rec, t, data ? data : "");
                        }
                        if (r < 0)
                                fail(s, r, "too many references on one record");
                }
        } else if (!strcmp(up, "assignee") || !strcmp(up, "contact")) {
                if (!strcmp(name, "xref")) {
                        KNOWN("xref");
                        const char *type = attr(atts, "type"), *data = attr(atts, "data");
                        if (!type || strcmp(type, "person") || !data || !*data) {
                                fail(s, -EBADMSG, "<%s> holds something other than a person", up);
                                return;
                        }
                        if (strlen(data) > 256) {
                                fail(s, -E2BIG, "a person id is too long");
                                return;
                        }
                        int r = s->in_assignee ? ps_rawrec_add_person(&s->rec->assignees,
                                                                      &s->rec->n_assignees, data)
                                               : ps_rawrec_add_person(&s->rec->contacts,
                                                                      &s->rec->n_contacts, data);
                        if (r < 0)
                                fail(s, r, "too many people on one record");
                }
        } else if (!strcmp(up, "people")) {
                if (!strcmp(name, "person")) {
                        KNOWN("person");
                        const char *id = attr(atts, "id");
                        if (!id || !*id || strlen(id) > 256) {
                                fail(s, -EBADMSG, "a <person> has no usable id");
                                return;
                        }
                        if (!(s->person = ps_regset_add_person(s->set)) ||
                            !(s->person->id = strdup(id))) {
                                fail(s, -E2BIG, "more than %u people", PS_DB_MAX_PEOPLE);
                                return;
                        }
                }
        } else if (!strcmp(up, "person") && s->person) {
                static const struct {
                        const char *n;
                        enum field f;
                } fields[] = {
                        { "name", F_P_NAME },
                        { "org", F_P_ORG },
                        { "uri", F_P_URI },
                        { "updated", F_P_UPDATED },
                };
                for (size_t i = 0; i < PS_ELEMENTSOF(fields); i++)
                        if (!strcmp(name, fields[i].n)) {
                                KNOWN(fields[i].n);
                                start_field(s, fields[i].f);
                        }
        }
#undef KNOWN
}

static int parse_number(const char *p, unsigned *ret)
{
        return ps_parse_port_n(p, strlen(p), ret);
}

static void set_number(struct xml_state *s, char *t)
{
        ps_rawrec *r = s->rec;
        if (!*t) {
                r->has_port = 0;
                return;
        }
        char *dash = strchr(t, '-');
        int e;
        if (dash) {
                *dash = '\0';
                e = parse_number(t, &r->port_lo);
                if (e >= 0)
                        e = parse_number(dash + 1, &r->port_hi);
                *dash = '-';
        } else {
                e = parse_number(t, &r->port_lo);
                r->port_hi = r->port_lo;
        }
        if (e >= 0 && r->port_lo > r->port_hi)
                e = -ERANGE;
        if (e < 0) {
                fail(s, -EBADMSG, "bad port number \"%.40s\"", t);
                return;
        }
        r->has_port = 1;
}

static void end_field(struct xml_state *s)
{
        enum field f = s->field;
        const char *elem = parent(s, 0);
        char *t = text_take(s);
        char **dst = NULL;
        const char *sep = NULL;
        s->field = F_NONE;
        if (!t) {
                fail(s, -ENOMEM, "out of memory");
                return;
        }
        switch (f) {
        case F_NAME:
                dst = &s->rec->name;
                break;
        case F_DESCRIPTION:
                dst = &s->rec->description;
                break;
        case F_NOTE:
                /* Several <note>s: keep them all, one paragraph each. */
                dst = &s->rec->note;
                sep = "\n";
                break;
        case F_UNAUTHORIZED:
                dst = &s->rec->unauthorized;
                break;
        case F_SC:
                dst = &s->rec->service_code;
                break;
        case F_PROTOCOL:
                if (s->rec->proto != PS_PROTO_NONE) {
                        fail(s, -EBADMSG, "<protocol> appears twice in one entry");
                } else if (*t && ps_proto_from_string(t, &s->rec->proto) < 0) {
                        fail(s, -EBADMSG, "unknown protocol \"%.40s\"", t);
                } else if (s->rec->proto == PS_PROTO_ANY) {
                        fail(s, -EBADMSG, "unknown protocol \"%.40s\"", t);
                }
                free(t);
                return;
        case F_NUMBER:
                if (s->rec->has_port)
                        fail(s, -EBADMSG, "<number> appears twice in one entry");
                else
                        set_number(s, t);
                free(t);
                return;
        case F_XREF_TEXT: {
                ps_ref_type type = elem && !strcmp(elem, "xref-text") ? PS_REF_TEXT : PS_REF_URI;
                int r = ps_rawrec_add_ref(s->rec, type, t);
                free(t);
                if (r < 0)
                        fail(s, r, "too many references on one record");
                return;
        }
        case F_DATE:
                if (!ps_date_ok(t)) {
                        fail(s, -EBADMSG, "<updated> \"%.40s\" is not a date (YYYY-MM-DD)", t);
                        free(t);
                        return;
                }
                snprintf(s->set->date, sizeof(s->set->date), "%s", t);
                s->have_date = 1;
                free(t);
                return;
        case F_P_NAME:
                dst = &s->person->name;
                break;
        case F_P_ORG:
                dst = &s->person->org;
                break;
        case F_P_URI:
                /* Some people have several addresses. */
                dst = &s->person->uri;
                sep = ", ";
                break;
        case F_P_UPDATED:
                dst = &s->person->updated;
                break;
        case F_FOOTNOTE:
                if (s->n_notes >= PS_XML_MAX_FOOTNOTES) {
                        free(t);
                        fail(s, -E2BIG, "more than %d <footnote>s", PS_XML_MAX_FOOTNOTES);
                        return;
                }
                if (s->footnote_anchor) {
                        s->notes[s->n_notes].anchor = s->footnote_anchor;
                        s->notes[s->n_notes++].text = t;
                        s->footnote_anchor = NULL;
                        return;
                }
                free(t);
                return;
        case F_NONE:
                break;
        }
        if (!dst) {
                free(t);
                return;
        }
        if (*dst && !sep) {
                free(t);
                fail(s, -EBADMSG, "<%s> appears twice in one entry", elem ? elem : "?");
                return;
        }
        if (*dst && *t) {
                size_t a = strlen(*dst), b = strlen(t), c = strlen(sep);
                char *j = a + b + c < PS_FIELD_MAX ? malloc(a + b + c + 1) : NULL;
                if (!j) {
                        free(t);
                        fail(s, -E2BIG, "<%s> repeats beyond %u bytes", elem ? elem : "?",
                             PS_FIELD_MAX);
                        return;
                }
                memcpy(j, *dst, a);
                memcpy(j + a, sep, c);
                memcpy(j + a + c, t, b + 1);
                free(t);
                t = j;
        }
        free(*dst);
        *dst = t;
}

static void finish_record(struct xml_state *s)
{
        ps_rawrec *r = s->rec;
        /* IANA's convention (and its CSV): without <assignee>, the listed
         * people are both assignee and contact. */
        for (size_t i = 0; i < s->n_bare && !s->err; i++) {
                int e = 0;
                if (!s->saw_assignee)
                        e = ps_rawrec_add_person(&r->assignees, &r->n_assignees, s->bare[i]);
                if (e >= 0 && !s->in_contact)
                        e = ps_rawrec_add_person(&r->contacts, &r->n_contacts, s->bare[i]);
                if (e < 0)
                        fail(s, e, "too many people on one record");
        }
        for (size_t i = 0; i < s->n_bare; i++)
                free(s->bare[i]);
        free(s->bare);
        s->bare = NULL;
        s->n_bare = 0;
        if (!s->err && !r->description)
                r->description = strdup("");
        s->rec = NULL;
}

static void on_end(void *ud, const XML_Char *name)
{
        struct xml_state *s = ud;
        (void)name;
        progress(s);
        if (s->err)
                return;
        if (s->field != F_NONE && s->depth == s->field_depth)
                end_field(s);
        const char *e = parent(s, 0);
        if (e && s->rec && !strcmp(e, "record"))
                finish_record(s);
        else if (e && !strcmp(e, "assignee"))
                s->in_assignee = 0;
        else if (e && !strcmp(e, "person"))
                s->person = NULL;
        s->depth--;
}

static void on_text(void *ud, const XML_Char *p, int len)
{
        struct xml_state *s = ud;
        progress(s);
        if (!s->err && s->field != F_NONE)
                text_add(s, p, (size_t)len);
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                       int has_internal)
{
        (void)name, (void)sysid, (void)pubid, (void)has_internal;
        fail(ud, -EBADMSG, "a DOCTYPE is not allowed in a registry file");
}

static void on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int len,
                      const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
                      const XML_Char *notation)
{
        (void)name, (void)is_param, (void)value, (void)len, (void)base, (void)sysid, (void)pubid,
                (void)notation;
        fail(ud, -EBADMSG, "entity declarations are not allowed");
}

static int person_known(const ps_regset *set, const uint32_t *order, const char *id);

static int cmp_people_id(const void *a, const void *b, void *ud);

/* Checks what can only be checked once everything is read. */
static void finish(struct xml_state *s)
{
        ps_regset *set = s->set;
        size_t expanded = 0;
        if (!set->n_recs) {
                snprintf(s->errbuf, s->errsize, "the file holds no <record>");
                s->err = -EBADMSG;
                return;
        }
        uint32_t *order = malloc((set->n_people + 1) * sizeof(uint32_t));
        if (!order) {
                s->err = -ENOMEM;
                return;
        }
        for (size_t i = 0; i < set->n_people; i++)
                order[i] = (uint32_t)i;
        ps_qsort_r(order, set->n_people, sizeof(uint32_t), cmp_people_id, set);
        for (size_t i = 1; i < set->n_people && !s->err; i++)
                if (!strcmp(set->people[order[i]].id, set->people[order[i - 1]].id)) {
                        snprintf(s->errbuf, s->errsize, "person \"%.80s\" is defined twice",
                                 set->people[order[i]].id);
                        s->err = -EBADMSG;
                }
        for (size_t i = 0; i < set->n_recs && !s->err; i++) {
                ps_rawrec *r = &set->recs[i];
                char **lists[2] = { r->assignees, r->contacts };
                size_t ns[2] = { r->n_assignees, r->n_contacts };
                for (int l = 0; l < 2 && !s->err; l++)
                        for (size_t j = 0; j < ns[l]; j++)
                                if (!person_known(set, order, lists[l][j])) {
                                        snprintf(s->errbuf, s->errsize,
                                                 "line %u: the record names person \"%.80s\", "
                                                 "who is missing from <people>",
                                                 r->line, lists[l][j]);
                                        s->err = -EBADMSG;
                                        break;
                                }
                /* A footnote reference carries the footnote's text. The
                 * copies are counted: a few KB of references to one long
                 * footnote would otherwise cost gigabytes. */
                for (size_t j = 0; j < r->n_refs && !s->err; j++) {
                        if (r->refs[j].type != PS_REF_NOTE)
                                continue;
                        for (size_t k = 0; k < s->n_notes; k++) {
                                if (strcmp(s->notes[k].anchor, r->refs[j].data))
                                        continue;
                                size_t len = strlen(s->notes[k].text);
                                if (len > PS_FOOTNOTES_EXPANDED_MAX - expanded) {
                                        snprintf(s->errbuf, s->errsize,
                                                 "line %u: footnote references expand to more "
                                                 "than %u MiB of text",
                                                 r->line, PS_FOOTNOTES_EXPANDED_MAX >> 20);
                                        s->err = -E2BIG;
                                        break;
                                }
                                expanded += len;
                                char *t = strdup(s->notes[k].text);
                                if (!t) {
                                        s->err = -ENOMEM;
                                        break;
                                }
                                free(r->refs[j].data);
                                r->refs[j].data = t;
                                break;
                        }
                }
        }
        free(order);
        if (!s->err && !s->have_date) {
                snprintf(s->errbuf, s->errsize, "the file has no <updated> date");
                s->err = -EBADMSG;
        }
}

static int cmp_people_id(const void *a, const void *b, void *ud)
{
        const ps_regset *set = ud;
        return strcmp(set->people[*(const uint32_t *)a].id, set->people[*(const uint32_t *)b].id);
}

static int person_known(const ps_regset *set, const uint32_t *order, const char *id)
{
        size_t lo = 0, hi = set->n_people;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(id, set->people[order[mid]].id);
                if (!c)
                        return 1;
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return 0;
}

static void state_free(struct xml_state *s)
{
        ps_dynbuf_free(&s->text);
        for (size_t i = 0; i < s->n_bare; i++)
                free(s->bare[i]);
        free(s->bare);
        for (size_t i = 0; i < s->n_notes; i++) {
                free(s->notes[i].anchor);
                free(s->notes[i].text);
        }
        free(s->footnote_anchor);
        if (s->parser)
                XML_ParserFree(s->parser);
}

static int read_gz(void *src, char *buf, size_t size)
{
        int n = gzread((gzFile)src, buf, (unsigned)size);
        if (n < 0) {
                int e;
                gzerror((gzFile)src, &e);
                return e == Z_ERRNO ? -errno : -EBADMSG;
        }
        return n;
}

struct memsrc {
        const char *p;
        size_t left;
};

static int read_mem(void *src, char *buf, size_t size)
{
        struct memsrc *m = src;
        size_t n = m->left < size ? m->left : size;
        memcpy(buf, m->p, n);
        m->p += n;
        m->left -= n;
        return (int)n;
}

int ps_parse_iana_xml(ps_read_fn rd, void *src, ps_regset *ret_set, char *errbuf, size_t errsize)
{
        struct xml_state s = { 0 };
        ps_regset set;
        size_t total = 0;
        char buf[1 << 16];
        int done = 0;

        if (errbuf && errsize)
                errbuf[0] = '\0';
        ps_regset_init(&set);
        snprintf(set.source, sizeof(set.source), "IANA XML");
        s.set = &set;
        s.errbuf = errbuf;
        s.errsize = errsize;
        ps_dynbuf_init(&s.text, PS_FIELD_MAX);
        s.parser = XML_ParserCreate("UTF-8");
        if (!s.parser) {
                state_free(&s);
                return -ENOMEM;
        }
        XML_SetUserData(s.parser, &s);
        XML_SetElementHandler(s.parser, on_start, on_end);
        XML_SetCharacterDataHandler(s.parser, on_text);
        XML_SetStartDoctypeDeclHandler(s.parser, on_doctype);
        XML_SetEntityDeclHandler(s.parser, on_entity);
        XML_SetCommentHandler(s.parser, on_token);
        XML_SetProcessingInstructionHandler(s.parser, on_pi);
        XML_SetCdataSectionHandler(s.parser, on_cdata, on_cdata);
        XML_SetXmlDeclHandler(s.parser, on_decl);

        while (!done && !s.err) {
                int n = rd(src, buf, sizeof(buf));
                if (n < 0) {
                        fail(&s, n, "cannot read the file: %s",
                             n == -EBADMSG ? "corrupt or truncated compressed data" : strerror(-n));
                        break;
                }
                total += (size_t)n;
                if (total > PS_INPUT_MAX) {
                        fail(&s, -E2BIG, "the file is larger than %u MiB", PS_INPUT_MAX >> 20);
                        break;
                }
                done = n == 0;
                if (XML_Parse(s.parser, buf, n, done) == XML_STATUS_ERROR && !s.err) {
                        enum XML_Error e = XML_GetErrorCode(s.parser);
                        fail(&s, -EBADMSG, "%s",
                             e == XML_ERROR_NO_ELEMENTS ? "the file is empty or not XML"
                                                        : XML_ErrorString(e));
                }
                /* expat (before 2.6) scans an unfinished token again on every
                 * feed: one 60 MB comment took half a minute. Every token
                 * ends in an event, so a long gap since the last one is a
                 * long token, refused once it passes the cap. */
                if (!s.err && !done &&
                    total - (size_t)(s.last_event > 0 ? s.last_event : 0) >
                            PS_XML_TOKEN_MAX + sizeof(buf))
                        fail(&s, -E2BIG, "a comment, tag or other token is longer than %u KiB",
                             PS_XML_TOKEN_MAX >> 10);
        }
        if (!s.err)
                finish(&s);
        int r = s.err;
        state_free(&s);
        if (r < 0) {
                if (errbuf && errsize)
                        ps_text_sanitize(errbuf);
                ps_regset_free(&set);
                return r;
        }
        *ret_set = set;
        return 0;
}

int ps_read_iana_xml(const char *path, ps_regset *ret_set, char *errbuf, size_t errsize)
{
        gzFile f = gzopen(path, "rb");
        if (!f) {
                int e = errno ? -errno : -ENOMEM;
                snprintf(errbuf, errsize, "cannot open: %s", strerror(-e));
                return e;
        }
        gzbuffer(f, 1 << 16);
        int r = ps_parse_iana_xml(read_gz, f, ret_set, errbuf, errsize);
        gzclose(f);
        return r;
}

int ps_read_iana_xml_mem(const void *data, size_t size, ps_regset *ret_set, char *errbuf,
                         size_t errsize)
{
        struct memsrc m = { data, size };
        return ps_parse_iana_xml(read_mem, &m, ret_set, errbuf, errsize);
}
