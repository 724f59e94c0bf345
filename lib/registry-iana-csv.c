/* SPDX-License-Identifier: MIT */
/*
 * Reader for IANA's service-names-port-numbers.csv (RFC 4180 style: quoted
 * fields may hold commas, line breaks and doubled quotes).
 *
 * The file is untrusted input. It is read as a stream, byte by byte through
 * one state machine, so a 100 MB line costs no more memory than a field's
 * cap: every field is capped, the record count is capped, the text must be
 * valid UTF-8 without control characters, and the first problem stops the
 * read with its line and column.
 *
 * The CSV has no <people> section: people appear only as "[Id]" references
 * in the Assignee and Contact columns. Each distinct id becomes a person
 * with that id and nothing else (no name, organisation or address), so the
 * records keep exactly the ids the XML would give them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dynbuf.h"
#include "parse.h"
#include "registry-format.h"
#include "registry-set.h"
#include "utf8.h"
#include "util.h"

#define CSV_FIELDS 12
#define CSV_ID_MAX 256

enum col {
        C_NAME,
        C_PORT,
        C_PROTO,
        C_DESC,
        C_ASSIGNEE,
        C_CONTACT,
        C_REGISTERED,
        C_MODIFIED,
        C_REFERENCE,
        C_SC,
        C_UNAUTHORIZED,
        C_NOTES,
};

const char *const ps_csv_columns[CSV_FIELDS] = {
        "Service Name", "Port Number",  "Transport Protocol",        "Description",
        "Assignee",     "Contact",      "Registration Date",         "Modification Date",
        "Reference",    "Service Code", "Unauthorized Use Reported", "Assignment Notes",
};

enum state { S_START, S_UNQUOTED, S_QUOTED, S_QUOTE };

struct csv_state {
        ps_regset *set;
        enum state st;
        ps_dynbuf field[CSV_FIELDS];
        unsigned n_fields;
        unsigned long line, col;  /* of the byte being read */
        unsigned long rec_line;   /* where the current record started */
        unsigned long quote_line; /* where the open quoted field started */
        unsigned long n_records;  /* header included */
        int pending_cr;
        int record_started;
        /* UTF-8 decoding: continuation bytes still expected, and the range
         * allowed for the next one (it excludes overlongs and surrogates). */
        int utf8_need;
        unsigned char utf8_lo, utf8_hi;
        int err;
        char *errbuf;
        size_t errsize;
};

static void fail(struct csv_state *s, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void fail(struct csv_state *s, int code, const char *fmt, ...)
{
        if (s->err)
                return;
        s->err = code;
        if (s->errbuf && s->errsize) {
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(s->errbuf, s->errsize, fmt, ap);
                va_end(ap);
        }
}

/* Errors about a whole field or record name the line the record starts on. */
static void fail_field(struct csv_state *s, enum col c, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void fail_field(struct csv_state *s, enum col c, const char *fmt, ...)
{
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        fail(s, -EBADMSG, "line %lu (record %lu), field \"%s\": %s", s->rec_line, s->n_records,
             ps_csv_columns[c], msg);
}

static int parse_number(const char *p, const char *end, unsigned *ret)
{
        return ps_parse_port_n(p, (size_t)(end - p), ret);
}

int ps_parse_port_field(const char *t, unsigned *ret_lo, unsigned *ret_hi)
{
        const char *dash = strchr(t, '-'), *end = t + strlen(t);
        unsigned lo, hi;
        int r;
        if (dash) {
                if ((r = parse_number(t, dash, &lo)) < 0 ||
                    (r = parse_number(dash + 1, end, &hi)) < 0)
                        return r;
                if (lo > hi)
                        return -ERANGE;
        } else {
                if ((r = parse_number(t, end, &lo)) < 0)
                        return r;
                hi = lo;
        }
        *ret_lo = lo;
        *ret_hi = hi;
        return 0;
}

int ps_date_ok(const char *d)
{
        size_t n = strlen(d);
        if (n != 4 && n != 7 && n != 10)
                return 0;
        for (size_t i = 0; i < n; i++)
                if (i == 4 || i == 7 ? d[i] != '-' : (d[i] < '0' || d[i] > '9'))
                        return 0;
        int year = ((d[0] - '0') * 10 + d[1] - '0') * 100 + (d[2] - '0') * 10 + d[3] - '0';
        int month = n >= 7 ? (d[5] - '0') * 10 + d[6] - '0' : 1;
        int day = n == 10 ? (d[8] - '0') * 10 + d[9] - '0' : 1;
        static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        if (month < 1 || month > 12)
                return 0;
        /* Days as the calendar has them: no 2024-02-31, no 2025-02-29. */
        int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return day >= 1 && day <= days[month - 1] + (month == 2 && leap);
}

/* Splits "[a][b]" into its items. Text outside brackets is refused; an item
 * ends at the "]" that is followed by "[" or by the end of the field, so
 * free-text references may hold brackets themselves. */
static int next_item(const char **pp, const char **ret_start, size_t *ret_len)
{
        const char *p = *pp;
        while (*p == ' ' || *p == '\n' || *p == '\t')
                p++;
        if (!*p)
                return 0;
        if (*p != '[')
                return -EBADMSG;
        const char *start = ++p, *close = NULL;
        for (; *p; p++) {
                if (*p != ']')
                        continue;
                const char *q = p + 1;
                while (*q == ' ' || *q == '\n' || *q == '\t')
                        q++;
                if (!*q || *q == '[') {
                        close = p;
                        break;
                }
        }
        if (!close)
                return -EBADMSG;
        *ret_start = start;
        *ret_len = (size_t)(close - start);
        *pp = close + 1;
        return 1;
}

static int add_people(struct csv_state *s, enum col c, const char *t, char ***list, size_t *n)
{
        const char *start;
        size_t len;
        int r;
        while ((r = next_item(&t, &start, &len)) > 0) {
                char id[CSV_ID_MAX + 1];
                if (!len || len > CSV_ID_MAX || memchr(start, '[', len) ||
                    memchr(start, ']', len) || memchr(start, '\n', len)) {
                        fail_field(s, c, "\"[%.*s]\" is not a person id",
                                   (int)(len > 40 ? 40 : len), start);
                        return -EBADMSG;
                }
                memcpy(id, start, len);
                id[len] = '\0';
                if ((r = ps_rawrec_add_person(list, n, id)) < 0) {
                        fail_field(s, c, "more than %u people", PS_LIST_MAX);
                        return r;
                }
        }
        if (r < 0)
                fail_field(s, c, "expected person ids in brackets, like [Jon_Postel]");
        return r;
}

static ps_ref_type classify_ref(const char *d, size_t n)
{
        size_t digits = 0;
        while (digits < n && d[digits] >= '0' && d[digits] <= '9')
                digits++;
        if (digits == n)
                return PS_REF_NOTE; /* a footnote, "[1]"; the CSV lacks its text */
        if (n > 3 && !ps_strncasecmp_ascii(d, "rfc", 3) && d[3] >= '0' && d[3] <= '9' &&
            strspn(d + 3, "0123456789") == n - 3)
                return PS_REF_RFC;
        if ((n > 6 && !strncmp(d, "draft-", 6)) || (n > 4 && !strncmp(d, "RFC-", 4)))
                return PS_REF_DRAFT;
        if ((n > 7 && !strncmp(d, "http://", 7)) || (n > 8 && !strncmp(d, "https://", 8)) ||
            (n > 6 && !strncmp(d, "ftp://", 6)))
                return PS_REF_URI;
        return PS_REF_TEXT;
}

static int add_refs(struct csv_state *s, const char *t, ps_rawrec *rec)
{
        const char *start;
        size_t len;
        int r;
        while ((r = next_item(&t, &start, &len)) > 0) {
                ps_ref_type type = classify_ref(start, len);
                char *d = strndup(start, len);
                if (!d) {
                        fail(s, -ENOMEM, "out of memory");
                        return -ENOMEM;
                }
                /* The XML spells RFC references "rfc959"; the CSV "RFC959". */
                if (type == PS_REF_RFC)
                        d[0] = 'r', d[1] = 'f', d[2] = 'c';
                r = ps_rawrec_add_ref(rec, type, d);
                free(d);
                if (r < 0) {
                        fail_field(s, C_REFERENCE, "more than %u references", PS_LIST_MAX);
                        return r;
                }
        }
        if (r < 0)
                fail_field(s, C_REFERENCE, "expected references in brackets, like [RFC6335]");
        return r;
}

static int take(struct csv_state *s, enum col c, char **dst)
{
        if (!s->field[c].len) {
                *dst = NULL;
                return 0;
        }
        if (!(*dst = ps_dynbuf_steal(&s->field[c]))) {
                fail(s, -ENOMEM, "out of memory");
                return -ENOMEM;
        }
        return 0;
}

static void check_header(struct csv_state *s)
{
        for (unsigned i = 0; i < CSV_FIELDS; i++)
                if (ps_strcasecmp_ascii(s->field[i].buf ? s->field[i].buf : "",
                                        ps_csv_columns[i])) {
                        fail(s, -EBADMSG,
                             "line %lu: not IANA's CSV: column %u is \"%.40s\", expected \"%s\"",
                             s->rec_line, i + 1, s->field[i].buf ? s->field[i].buf : "",
                             ps_csv_columns[i]);
                        return;
                }
}

static void end_record(struct csv_state *s)
{
        if (s->n_fields != CSV_FIELDS) {
                fail(s, -EBADMSG, "line %lu: the record has %u field%s; IANA's CSV has %d",
                     s->rec_line, s->n_fields, s->n_fields == 1 ? "" : "s", CSV_FIELDS);
                return;
        }
        if (s->n_records++ == 0) {
                check_header(s);
                goto next;
        }
        ps_rawrec *rec = ps_regset_add_rec(s->set);
        if (!rec) {
                fail(s, -E2BIG, "line %lu: more than %u records", s->rec_line, PS_DB_MAX_RECORDS);
                return;
        }
        rec->line = (unsigned)s->rec_line;
        const char *port = s->field[C_PORT].buf ? s->field[C_PORT].buf : "";
        const char *proto = s->field[C_PROTO].buf ? s->field[C_PROTO].buf : "";
        if (*port) {
                int r = ps_parse_port_field(port, &rec->port_lo, &rec->port_hi);
                if (r < 0) {
                        fail_field(s, C_PORT, "%s \"%.40s\"",
                                   r == -ERANGE ? "port number out of range" : "bad port number",
                                   port);
                        return;
                }
                rec->has_port = 1;
        }
        if (*proto &&
            (ps_proto_from_string(proto, &rec->proto) < 0 || rec->proto == PS_PROTO_ANY)) {
                fail_field(s, C_PROTO, "unknown protocol \"%.40s\"", proto);
                return;
        }
        for (enum col c = C_REGISTERED; c <= C_MODIFIED; c++) {
                const char *d = s->field[c].buf ? s->field[c].buf : "";
                if (*d && !ps_date_ok(d)) {
                        fail_field(s, c, "\"%.40s\" is not a date (YYYY-MM-DD)", d);
                        return;
                }
        }
        if (add_people(s, C_ASSIGNEE, s->field[C_ASSIGNEE].buf ? s->field[C_ASSIGNEE].buf : "",
                       &rec->assignees, &rec->n_assignees) < 0 ||
            add_people(s, C_CONTACT, s->field[C_CONTACT].buf ? s->field[C_CONTACT].buf : "",
                       &rec->contacts, &rec->n_contacts) < 0 ||
            add_refs(s, s->field[C_REFERENCE].buf ? s->field[C_REFERENCE].buf : "", rec) < 0)
                return;
        if (take(s, C_NAME, &rec->name) < 0 || take(s, C_DESC, &rec->description) < 0 ||
            take(s, C_REGISTERED, &rec->registered) < 0 ||
            take(s, C_MODIFIED, &rec->modified) < 0 || take(s, C_SC, &rec->service_code) < 0 ||
            take(s, C_UNAUTHORIZED, &rec->unauthorized) < 0 || take(s, C_NOTES, &rec->note) < 0)
                return;
        if (!rec->description && !(rec->description = strdup(""))) {
                fail(s, -ENOMEM, "out of memory");
                return;
        }
next:
        for (unsigned i = 0; i < CSV_FIELDS; i++)
                ps_dynbuf_reset(&s->field[i]);
        s->n_fields = 0;
        s->record_started = 0;
}

static void end_field(struct csv_state *s)
{
        if (s->n_fields >= CSV_FIELDS) {
                fail(s, -EBADMSG, "line %lu, column %lu: more than %d fields in one record",
                     s->line, s->col, CSV_FIELDS);
                return;
        }
        s->n_fields++;
}

static void add_byte(struct csv_state *s, char c)
{
        if (s->n_fields >= CSV_FIELDS) {
                fail(s, -EBADMSG, "line %lu, column %lu: more than %d fields in one record",
                     s->line, s->col, CSV_FIELDS);
                return;
        }
        if (ps_dynbuf_addc(&s->field[s->n_fields], c) < 0)
                fail(s, -E2BIG, "line %lu, column %lu: field \"%s\" is longer than %u bytes",
                     s->line, s->col, ps_csv_columns[s->n_fields], PS_FIELD_MAX);
}

/* Checks one byte of the stream as UTF-8; structural bytes are all ASCII. */
static int utf8_byte(struct csv_state *s, unsigned char c)
{
        if (s->utf8_need) {
                if (c < s->utf8_lo || c > s->utf8_hi)
                        return -1;
                s->utf8_lo = 0x80;
                s->utf8_hi = 0xbf;
                s->utf8_need--;
                return 0;
        }
        if (c < 0x80)
                return 0;
        s->utf8_lo = 0x80;
        s->utf8_hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf)
                s->utf8_need = 1;
        else if (c >= 0xe0 && c <= 0xef) {
                s->utf8_need = 2;
                if (c == 0xe0)
                        s->utf8_lo = 0xa0;
                else if (c == 0xed)
                        s->utf8_hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
                s->utf8_need = 3;
                if (c == 0xf0)
                        s->utf8_lo = 0x90;
                else if (c == 0xf4)
                        s->utf8_hi = 0x8f;
        } else
                return -1;
        return 0;
}

static void line_end(struct csv_state *s)
{
        switch (s->st) {
        case S_QUOTED:
                add_byte(s, '\n');
                break;
        case S_START:
                if (!s->record_started)
                        break; /* an empty line */
                /* fall through */
        case S_UNQUOTED:
        case S_QUOTE:
                end_field(s);
                if (!s->err)
                        end_record(s);
                s->st = S_START;
                break;
        }
        s->line++;
        s->col = 0;
}

static void feed(struct csv_state *s, const char *buf, size_t len)
{
        for (size_t i = 0; i < len && !s->err; i++) {
                unsigned char c = (unsigned char)buf[i];
                s->col++;
                if (s->pending_cr) {
                        s->pending_cr = 0;
                        if (c != '\n') {
                                fail(s, -EBADMSG,
                                     "line %lu, column %lu: a carriage return not followed by a "
                                     "line feed",
                                     s->line, s->col - 1);
                                return;
                        }
                        line_end(s);
                        continue;
                }
                if (utf8_byte(s, c) < 0) {
                        fail(s, -EBADMSG, "line %lu, column %lu: invalid UTF-8 (byte 0x%02x)",
                             s->line, s->col, c);
                        return;
                }
                if (c == '\r') {
                        s->pending_cr = 1;
                        continue;
                }
                if (c == '\n') {
                        line_end(s);
                        continue;
                }
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                        fail(s, -EBADMSG, "line %lu, column %lu: control character 0x%02x", s->line,
                             s->col, c);
                        return;
                }
                if (!s->record_started) {
                        s->record_started = 1;
                        s->rec_line = s->line;
                }
                switch (s->st) {
                case S_START:
                        if (c == '"') {
                                s->st = S_QUOTED;
                                s->quote_line = s->line;
                        } else if (c == ',') {
                                end_field(s);
                        } else {
                                add_byte(s, (char)c);
                                s->st = S_UNQUOTED;
                        }
                        break;
                case S_UNQUOTED:
                        if (c == ',') {
                                end_field(s);
                                s->st = S_START;
                        } else if (c == '"') {
                                fail(s, -EBADMSG,
                                     "line %lu, column %lu: a quote inside an unquoted field",
                                     s->line, s->col);
                        } else {
                                add_byte(s, (char)c);
                        }
                        break;
                case S_QUOTED:
                        if (c == '"')
                                s->st = S_QUOTE;
                        else
                                add_byte(s, (char)c);
                        break;
                case S_QUOTE:
                        if (c == '"') {
                                add_byte(s, '"');
                                s->st = S_QUOTED;
                        } else if (c == ',') {
                                end_field(s);
                                s->st = S_START;
                        } else {
                                fail(s, -EBADMSG,
                                     "line %lu, column %lu: text after a closing quote", s->line,
                                     s->col);
                        }
                        break;
                }
        }
}

static void finish_input(struct csv_state *s)
{
        if (s->utf8_need) {
                fail(s, -EBADMSG, "line %lu, column %lu: the file ends inside a UTF-8 sequence",
                     s->line, s->col);
                return;
        }
        if (s->st == S_QUOTED) {
                fail(s, -EBADMSG,
                     "line %lu: the file ends inside the quoted field that starts on line %lu",
                     s->line, s->quote_line);
                return;
        }
        /* A last line without its line feed still counts. */
        if (s->pending_cr || s->record_started || s->st != S_START) {
                s->pending_cr = 0;
                line_end(s);
        }
        if (s->err)
                return;
        if (!s->n_records)
                fail(s, -EBADMSG, "the file is empty");
        else if (!s->set->n_recs)
                fail(s, -EBADMSG, "the file holds no records after its header");
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* People: one per distinct id named anywhere, with only the id known. */
static int collect_people(ps_regset *set)
{
        size_t n = 0, k = 0;
        for (size_t i = 0; i < set->n_recs; i++)
                n += set->recs[i].n_assignees + set->recs[i].n_contacts;
        char **ids = malloc((n + 1) * sizeof(char *));
        if (!ids)
                return -ENOMEM;
        for (size_t i = 0; i < set->n_recs; i++) {
                for (size_t j = 0; j < set->recs[i].n_assignees; j++)
                        ids[k++] = set->recs[i].assignees[j];
                for (size_t j = 0; j < set->recs[i].n_contacts; j++)
                        ids[k++] = set->recs[i].contacts[j];
        }
        ps_qsort(ids, n, sizeof(char *), cmp_str);
        int r = 0;
        for (size_t i = 0; i < n && r >= 0; i++) {
                if (i && !strcmp(ids[i], ids[i - 1]))
                        continue;
                ps_rawperson *p = ps_regset_add_person(set);
                if (!p)
                        r = -E2BIG;
                else if (!(p->id = strdup(ids[i])))
                        r = -ENOMEM;
        }
        free(ids);
        return r;
}

/* The CSV carries no <updated>: the newest date in its records stands in. */
static void set_date(ps_regset *set)
{
        const char *best = NULL;
        for (size_t i = 0; i < set->n_recs; i++) {
                const char *d[2] = { set->recs[i].registered, set->recs[i].modified };
                for (int j = 0; j < 2; j++)
                        if (d[j] && (!best || strcmp(d[j], best) > 0))
                                best = d[j];
        }
        /* Without any date, none is made up: the check refuses the file. */
        snprintf(set->date, sizeof(set->date), "%s", best ? best : "");
}

int ps_parse_iana_csv(ps_read_fn rd, void *src, ps_regset *ret_set, char *errbuf, size_t errsize)
{
        struct csv_state s = { 0 };
        ps_regset set;
        size_t total = 0;
        char buf[1 << 16];

        if (errbuf && errsize)
                errbuf[0] = '\0';
        ps_regset_init(&set);
        snprintf(set.source, sizeof(set.source), "IANA CSV");
        s.set = &set;
        s.errbuf = errbuf;
        s.errsize = errsize;
        s.line = 1;
        for (unsigned i = 0; i < CSV_FIELDS; i++)
                ps_dynbuf_init(&s.field[i], PS_FIELD_MAX);

        int first = 1;
        while (!s.err) {
                int n = rd(src, buf, sizeof(buf));
                if (n < 0) {
                        fail(&s, n, "line %lu: cannot read the file: %s", s.line,
                             n == -EBADMSG ? "corrupt or truncated compressed data" : strerror(-n));
                        break;
                }
                if (n == 0)
                        break;
                total += (size_t)n;
                if (total > PS_INPUT_MAX) {
                        fail(&s, -E2BIG, "line %lu: the file is larger than %u MiB", s.line,
                             PS_INPUT_MAX >> 20);
                        break;
                }
                const char *p = buf;
                size_t len = (size_t)n;
                /* A UTF-8 byte order mark is allowed and skipped. */
                if (first && len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
                        p += 3, len -= 3;
                first = 0;
                feed(&s, p, len);
        }
        if (!s.err)
                finish_input(&s);
        int r = s.err;
        if (!r && (r = collect_people(&set)) < 0)
                snprintf(errbuf, errsize, "line %lu: the records name more than %u people", s.line,
                         PS_DB_MAX_PEOPLE);
        if (!r)
                set_date(&set);
        for (unsigned i = 0; i < CSV_FIELDS; i++)
                ps_dynbuf_free(&s.field[i]);
        if (r < 0) {
                if (errbuf && errsize)
                        ps_text_sanitize(errbuf);
                ps_regset_free(&set);
                return r;
        }
        *ret_set = set;
        return 0;
}
