/* SPDX-License-Identifier: MIT */
/* The note-file parser, the cross-note checks and the compiler. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "dynbuf.h"
#include "fileio.h"
#include "notes-set.h"
#include "registry-set.h"
#include "util.h"

enum {
        KEY_TRANSLATES,
        KEY_PORTS,
        KEY_TITLE,
        KEY_TAGS,
        KEY_SOURCE,
        KEY_QUOTE,
        KEY_CONFIDENCE,
        _KEY_MAX
};
static const char *const key_names[] = { "translates", "ports", "title",     "tags",
                                         "source",     "quote", "confidence" };

/* The languages notes are translated into (po/LINGUAS). */
static const char *const l10n_langs[] = { "de", "cs", "pt", "el", "ug" };

/* Tags a note may carry together with `unknown`: they claim no use. */
#define TAGS_NO_USE ((1ull << PS_TAG_OFFICIAL) | (1ull << PS_TAG_UNKNOWN))

struct parser {
        const char *file;
        const char *lang; /* a translation's language, or NULL */
        unsigned line;
        char *err;
        size_t errsize;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
        va_list ap;
        int n = snprintf(p->err, p->errsize, "%s:%u: ", p->file, p->line);
        if (n >= 0 && (size_t)n < p->errsize) {
                va_start(ap, fmt);
                vsnprintf(p->err + n, p->errsize - (size_t)n, fmt, ap);
                va_end(ap);
        }
        return -EBADMSG;
}

void ps_noteset_init(ps_noteset *set)
{
        memset(set, 0, sizeof(*set));
}

static void note_free(ps_rawnote *n)
{
        free(n->file);
        free(n->slug);
        free(n->title);
        free(n->body);
        for (size_t i = 0; i < n->n_sources; i++) {
                free(n->sources[i].title);
                free(n->sources[i].url);
                free(n->sources[i].quote);
        }
        free(n->sources);
}

void ps_noteset_free(ps_noteset *set)
{
        for (size_t i = 0; i < set->n; i++)
                note_free(&set->notes[i]);
        free(set->notes);
        for (size_t i = 0; i < set->n_l10n; i++)
                note_free(&set->l10n[i]);
        free(set->l10n);
        ps_noteset_init(set);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
        size_t len;
        unsigned cp;
        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xe0) == 0xc0)
                len = 2, cp = s[0] & 0x1f;
        else if ((s[0] & 0xf0) == 0xe0)
                len = 3, cp = s[0] & 0x0f;
        else if ((s[0] & 0xf8) == 0xf0)
                len = 4, cp = s[0] & 0x07;
        else
                return 0;
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are not text. */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                return 0;
        return len;
}

/* Checks one line: UTF-8, no NUL, no CR, no other control but tab. */
static int check_line(struct parser *p, const char *s, size_t n)
{
        if (n > PS_NOTE_MAX_LINE)
                return fail(p, "line of %zu bytes, over the %u-byte limit", n, PS_NOTE_MAX_LINE);
        for (size_t i = 0; i < n;) {
                unsigned char c = (unsigned char)s[i];
                if (c == '\r')
                        return fail(p, "carriage return: use Unix (LF) line endings");
                if ((c < 0x20 && c != '\t') || c == 0x7f)
                        return fail(p, "control character 0x%02x", c);
                size_t l = utf8_len((const unsigned char *)s + i, n - i);
                if (!l)
                        return fail(p, "invalid UTF-8 at byte %zu of the line", i + 1);
                i += l;
        }
        return 0;
}

static size_t count_chars(const char *s)
{
        size_t c = 0;
        for (; *s; s++)
                if (((unsigned char)*s & 0xc0) != 0x80)
                        c++;
        return c;
}

static char *trim(char *s)
{
        while (*s == ' ' || *s == '\t')
                s++;
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                s[--n] = '\0';
        return s;
}

static int dup_to(struct parser *p, char **dst, const char *s)
{
        if (!(*dst = strdup(s)))
                return -ENOMEM;
        return 0;
}

static const char *port_str(const ps_note_port *pp, char *buf, size_t size)
{
        if (pp->lo == pp->hi)
                snprintf(buf, size, "%u/%s", pp->lo, ps_proto_name(pp->proto));
        else
                snprintf(buf, size, "%u-%u/%s", pp->lo, pp->hi, ps_proto_name(pp->proto));
        return buf;
}

static int ports_overlap(const ps_note_port *a, const ps_note_port *b)
{
        return a->proto == b->proto && a->lo <= b->hi && b->lo <= a->hi;
}

static int add_port(struct parser *p, ps_rawnote *n, unsigned lo, unsigned hi, ps_proto proto)
{
        ps_note_port pp = { .lo = (uint16_t)lo, .hi = (uint16_t)hi, .proto = proto };
        char a[32], b[32];
        for (size_t i = 0; i < n->n_ports; i++)
                if (ports_overlap(&n->ports[i], &pp))
                        return fail(p, "%s overlaps %s, listed before", port_str(&pp, a, sizeof(a)),
                                    port_str(&n->ports[i], b, sizeof(b)));
        if (n->n_ports >= PS_NOTE_MAX_PORT_ITEMS)
                return fail(p, "more than %u port items", PS_NOTE_MAX_PORT_ITEMS);
        n->port_line[n->n_ports] = p->line;
        n->ports[n->n_ports++] = pp;
        return 0;
}

static int parse_ports(struct parser *p, ps_rawnote *n, char *v)
{
        for (char *save = NULL, *item = strtok_r(v, " \t", &save); item;
             item = strtok_r(NULL, " \t", &save)) {
                char *slash = strchr(item, '/'), *dash;
                unsigned lo, hi;
                ps_proto proto = PS_PROTO_ANY;
                int r;
                if (slash) {
                        *slash = '\0';
                        const char *ps = slash + 1;
                        if (!strcmp(ps, "tcp"))
                                proto = PS_PROTO_TCP;
                        else if (!strcmp(ps, "udp"))
                                proto = PS_PROTO_UDP;
                        else if (!strcmp(ps, "sctp"))
                                proto = PS_PROTO_SCTP;
                        else if (!strcmp(ps, "dccp"))
                                proto = PS_PROTO_DCCP;
                        else
                                return fail(p,
                                            "unknown protocol \"%.20s\" in \"%.20s/%.20s\" "
                                            "(use tcp, udp, sctp or dccp)",
                                            ps, item, ps);
                }
                dash = strchr(item, '-');
                if (dash)
                        *dash = '\0';
                if ((r = ps_parse_port(item, &lo)) < 0)
                        return fail(p, "\"%.20s\" is not a port (0-65535)", item);
                hi = lo;
                if (dash) {
                        if ((r = ps_parse_port(dash + 1, &hi)) < 0)
                                return fail(p, "\"%.20s\" is not a port (0-65535)", dash + 1);
                        if (hi <= lo)
                                return fail(p, "range %u-%u: the end must be above the start", lo,
                                            hi);
                        if (hi - lo > PS_NOTE_MAX_SPAN)
                                return fail(p, "range %u-%u covers more than half of all ports", lo,
                                            hi);
                }
                if (proto != PS_PROTO_ANY) {
                        r = add_port(p, n, lo, hi, proto);
                } else if ((r = add_port(p, n, lo, hi, PS_PROTO_TCP)) >= 0) {
                        /* A bare number means both transports. */
                        r = add_port(p, n, lo, hi, PS_PROTO_UDP);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_tags(struct parser *p, ps_rawnote *n, char *v)
{
        for (char *save = NULL, *t = strtok_r(v, " \t", &save); t;
             t = strtok_r(NULL, " \t", &save)) {
                ps_tag tag;
                if (ps_tag_from_string(t, &tag) < 0)
                        return fail(p, "unknown tag \"%.40s\" (see docs/notes.md for the list)", t);
                if (n->tags & (1ull << tag))
                        return fail(p, "tag \"%s\" given twice", t);
                n->tags |= 1ull << tag;
        }
        if ((n->tags & (1ull << PS_TAG_UNKNOWN)) && (n->tags & ~TAGS_NO_USE))
                return fail(p, "tag \"unknown\" says no use is known; it goes only with "
                               "\"official\"");
        return 0;
}

static int url_ok(const char *u)
{
        const char *rest;
        if (!strncmp(u, "https://", 8))
                rest = u + 8;
        else if (!strncmp(u, "http://", 7))
                rest = u + 7;
        else
                return 0;
        if (!*rest || *rest == '/' || *rest == '.')
                return 0;
        for (const char *c = u; *c; c++)
                if (*c == ' ' || *c == '\t' || *c == '"' || *c == '<' || *c == '>')
                        return 0;
        return 1;
}

static int parse_source(struct parser *p, ps_rawnote *n, char *v)
{
        char *f[4];
        size_t nf = 0;
        for (char *s = v;; s++) {
                if (nf == 4)
                        break;
                f[nf++] = s;
                s = strchr(s, '|');
                if (!s)
                        break;
                *s = '\0';
        }
        if (nf != 3)
                return fail(p, "a source is \"KIND | TITLE | URL\" (found %s fields)",
                            nf > 3    ? "more than 3"
                            : nf == 2 ? "2"
                                      : "1");
        for (size_t i = 0; i < 3; i++)
                f[i] = trim(f[i]);
        ps_source_kind kind;
        if (ps_source_kind_from_string(f[0], &kind) < 0)
                return fail(p,
                            "unknown source kind \"%.20s\" (use rfc, vendor, cve, advisory, "
                            "project, paper or other)",
                            f[0]);
        if (!*f[1])
                return fail(p, "the source has no title");
        if (count_chars(f[1]) > PS_NOTE_MAX_SOURCE_TITLE)
                return fail(p, "source title of %zu characters, over %u", count_chars(f[1]),
                            PS_NOTE_MAX_SOURCE_TITLE);
        if (strlen(f[2]) > PS_NOTE_MAX_URL)
                return fail(p, "URL longer than %u bytes", PS_NOTE_MAX_URL);
        if (!url_ok(f[2]))
                return fail(p,
                            "\"%.60s\" is not a URL (https://HOST/... or http://HOST/..., "
                            "no spaces)",
                            f[2]);
        if (n->n_sources >= PS_NOTE_MAX_SOURCES)
                return fail(p, "more than %u sources", PS_NOTE_MAX_SOURCES);
        if (n->n_sources % 8 == 0) {
                ps_rawsource *s = realloc(n->sources, (n->n_sources + 8) * sizeof(*s));
                if (!s)
                        return -ENOMEM;
                n->sources = s;
        }
        ps_rawsource *s = &n->sources[n->n_sources];
        memset(s, 0, sizeof(*s));
        s->kind = kind;
        s->title = strdup(f[1]);
        s->url = strdup(f[2]);
        n->n_sources++; /* counted even on failure, so note_free() frees it */
        if (!s->title || !s->url)
                return -ENOMEM;
        return 0;
}

/* Whether s is a real calendar date written YYYY-MM-DD, from 1990 on. */
static int date_ok(const char *s)
{
        return strlen(s) == 10 && strcmp(s, "1990") >= 0 && ps_date_ok(s);
}

/* "quote: YYYY-MM-DD | \"TEXT\"" or "quote: YYYY-MM-DD | unreadable: WHY", right after
 * the source it belongs to: what the source said when it was read, so that
 * anyone can check the note's claims against it. */
static int parse_quote(struct parser *p, ps_rawnote *n, char *v, int last_key)
{
        if (last_key == KEY_QUOTE)
                return fail(p, "the source has a quote already (one quote per source)");
        if (last_key != KEY_SOURCE || !n->n_sources)
                return fail(p, "a \"quote:\" line follows the \"source:\" line it quotes");
        ps_rawsource *s = &n->sources[n->n_sources - 1];
        char *bar = strchr(v, '|');
        if (!bar)
                return fail(p, "a quote is \"YYYY-MM-DD | \\\"TEXT\\\"\" or \"YYYY-MM-DD | "
                               "unreadable: WHY\"");
        *bar = '\0';
        char *date = trim(v), *text = trim(bar + 1);
        if (!date_ok(date))
                return fail(p, "\"%.20s\" is not the date the source was read (YYYY-MM-DD)", date);
        size_t len = strlen(text);
        if (!strncmp(text, "unreadable:", 11)) {
                text = trim(text + 11);
                if (!*text)
                        return fail(p, "say why the source could not be read");
                s->unreadable = true;
        } else {
                if (len < 3 || text[0] != '"' || text[len - 1] != '"')
                        return fail(p, "the quoted text stands in double quotes: \"...\"");
                text[len - 1] = '\0';
                text++;
        }
        if (count_chars(text) > PS_NOTE_MAX_QUOTE)
                return fail(p, "quote of %zu characters, over %u", count_chars(text),
                            PS_NOTE_MAX_QUOTE);
        memcpy(s->read_date, date, 11);
        return dup_to(p, &s->quote, text);
}

static int slug_from_file(struct parser *p, ps_rawnote *n)
{
        const char *base = strrchr(p->file, '/');
        base = base ? base + 1 : p->file;
        size_t len = strlen(base);
        if (len < 4 || strcmp(base + len - 3, ".md"))
                return fail(p, "a note file's name ends in \".md\"");
        len -= 3;
        if (len > 64 || strspn(base, "abcdefghijklmnopqrstuvwxyz0123456789-") != len)
                return fail(p,
                            "file name \"%.80s\": use at most 64 of a-z, 0-9 and - before "
                            "\".md\"",
                            base);
        if (!(n->slug = strndup(base, len)))
                return -ENOMEM;
        return 0;
}

static int parse_header_line(struct parser *p, ps_rawnote *n, char *line, int *last_key,
                             unsigned *seen)
{
        size_t kl = strspn(line, "abcdefghijklmnopqrstuvwxyz");
        if (!*line)
                return fail(p, "blank line in the header (a line \"---\" ends the header)");
        if (!kl || line[kl] != ':')
                return fail(p, "expected \"key: value\" or the line \"---\" that ends the header");
        line[kl] = '\0';
        int key = -1;
        for (int k = 0; k < _KEY_MAX; k++)
                if (!strcmp(line, key_names[k]))
                        key = k;
        if (key < 0 || (key == KEY_TRANSLATES && !p->lang))
                return fail(p,
                            "unknown key \"%.20s\" (keys: ports, title, tags, source, "
                            "quote, confidence)",
                            line);
        if (p->lang && key > KEY_TITLE)
                return fail(p,
                            "\"%s\" in a translation: it has only translates, ports and "
                            "title; tags, sources and confidence are the original's",
                            key_names[key]);
        /* Each source may be followed by its quote, then the next source. */
        if (key < *last_key && !(key == KEY_SOURCE && *last_key == KEY_QUOTE))
                return fail(p,
                            "\"%s\" after \"%s\": keys come in the order ports, title, tags, "
                            "source (each with its quote), confidence",
                            key_names[key], key_names[*last_key]);
        if ((seen[key]) && key != KEY_PORTS && key != KEY_SOURCE && key != KEY_QUOTE)
                return fail(p, "\"%s\" given twice", key_names[key]);
        if (line[kl + 1] && line[kl + 1] != ' ' && line[kl + 1] != '\t')
                return fail(p, "expected a space after \"%s:\"", key_names[key]);
        char *v = trim(line + kl + 1);
        if (!*v)
                return fail(p, "\"%s\" has no value", key_names[key]);
        int prev_key = *last_key;
        *last_key = key;
        seen[key]++;
        switch (key) {
        case KEY_TRANSLATES: {
                char *end;
                if (strlen(v) != 16 || strspn(v, "0123456789abcdef") != 16)
                        return fail(p, "translates: expected the original's revision, 16 "
                                       "hex digits (psnotes --revision FILE)");
                n->revision = strtoull(v, &end, 16);
                return 0;
        }
        case KEY_PORTS:
                return parse_ports(p, n, v);
        case KEY_TITLE: {
                size_t c = count_chars(v);
                if (c > PS_NOTE_MAX_TITLE)
                        return fail(p, "title of %zu characters, over %u", c, PS_NOTE_MAX_TITLE);
                if (v[strlen(v) - 1] == '.')
                        return fail(p, "the title ends with a period");
                n->title_line = p->line;
                return dup_to(p, &n->title, v);
        }
        case KEY_TAGS:
                n->tags_line = p->line;
                return parse_tags(p, n, v);
        case KEY_SOURCE:
                return parse_source(p, n, v);
        case KEY_QUOTE:
                return parse_quote(p, n, v, prev_key);
        default:
                if (ps_confidence_from_string(v, &n->confidence) < 0)
                        return fail(p, "confidence \"%.20s\": use high, medium or low", v);
                return 0;
        }
}

static int is_blank(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (s[i] != ' ' && s[i] != '\t')
                        return 0;
        return 1;
}

static int parse_note(struct parser *p, ps_rawnote *n, const char *data, size_t len)
{
        char line[PS_NOTE_MAX_LINE + 1];
        unsigned seen[_KEY_MAX] = { 0 };
        int last_key = 0, r;
        size_t pos = 0;
        int in_header = 1;
        const char *body = NULL, *body_end = NULL;
        unsigned body_line = 0;

        p->line = 1;
        if ((r = slug_from_file(p, n)) < 0)
                return r;
        if (len > PS_NOTE_MAX_FILE)
                return fail(p, "the file has %zu bytes, over the %u-byte limit for a note", len,
                            PS_NOTE_MAX_FILE);
        if (memchr(data, '\0', len)) {
                const char *z = memchr(data, '\0', len);
                p->line = 1;
                for (const char *c = data; c < z; c++)
                        p->line += *c == '\n';
                return fail(p, "NUL byte: a note is text");
        }
        p->line = 0;
        while (pos < len) {
                const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
                size_t n_line = nl ? (size_t)(nl - s) : len - pos;
                pos += n_line + (nl ? 1 : 0);
                p->line++;
                if ((r = check_line(p, s, n_line)) < 0)
                        return r;
                if (!in_header) {
                        if (!is_blank(s, n_line)) {
                                if (!body) {
                                        body = s;
                                        body_line = p->line;
                                }
                                body_end = s + n_line;
                        }
                        continue;
                }
                if (n_line == 3 && !memcmp(s, "---", 3)) {
                        in_header = 0;
                        static const int required[] = { KEY_PORTS, KEY_TITLE, KEY_TAGS,
                                                        KEY_SOURCE };
                        static const int required_l10n[] = { KEY_TRANSLATES, KEY_PORTS, KEY_TITLE };
                        const int *req = p->lang ? required_l10n : required;
                        size_t n_req =
                                p->lang ? PS_ELEMENTSOF(required_l10n) : PS_ELEMENTSOF(required);
                        for (size_t k = 0; k < n_req; k++)
                                if (!seen[req[k]])
                                        return fail(p, "the header has no \"%s\" line%s",
                                                    key_names[req[k]],
                                                    req[k] == KEY_SOURCE
                                                            ? " (every note cites a source)"
                                                            : "");
                        continue;
                }
                memcpy(line, s, n_line);
                line[n_line] = '\0';
                if ((r = parse_header_line(p, n, line, &last_key, seen)) < 0)
                        return r;
        }
        if (in_header) {
                if (!p->line)
                        p->line = 1;
                return fail(p, "no line \"---\" ends the header");
        }
        if (!body) {
                return fail(p, "the body is empty: write at least one sentence");
        }
        (void)body_line;
        if (!(n->body = strndup(body, (size_t)(body_end - body))))
                return -ENOMEM;
        return 0;
}

/* Parses one original (lang NULL) or translation into the set. */
static int add_note(ps_noteset *set, const char *file, const char *lang, const char *data,
                    size_t len, char *err, size_t errsize)
{
        struct parser p = { .file = file, .lang = lang, .err = err, .errsize = errsize };
        ps_rawnote n, **arr = lang ? &set->l10n : &set->notes;
        size_t *count = lang ? &set->n_l10n : &set->n,
               *alloc = lang ? &set->alloc_l10n : &set->alloc;
        size_t cap = lang ? PS_NOTES_MAX_NOTES * PS_NOTE_MAX_L10N : PS_NOTES_MAX_NOTES;
        int r;

        if (errsize)
                err[0] = '\0';
        memset(&n, 0, sizeof(n));
        if (*count >= cap) {
                p.line = 1;
                fail(&p, "more than %zu %s", cap, lang ? "translations" : "notes");
                return -E2BIG;
        }
        if (lang) {
                size_t k = 0;
                while (k < PS_ELEMENTSOF(l10n_langs) && strcmp(lang, l10n_langs[k]))
                        k++;
                p.line = 1;
                if (k == PS_ELEMENTSOF(l10n_langs))
                        return fail(&p,
                                    "\"%.20s\" is not a language portscope is translated "
                                    "into (de, cs, pt, el, ug)",
                                    lang);
                memcpy(n.lang, lang, strlen(lang) + 1);
        }
        if (!(n.file = strdup(file)))
                return -ENOMEM;
        if ((r = parse_note(&p, &n, data, len)) < 0) {
                if (r == -ENOMEM)
                        snprintf(err, errsize, "%s: out of memory", file);
                note_free(&n);
                return r;
        }
        if (*count == *alloc) {
                size_t a = *alloc ? *alloc * 2 : 64;
                ps_rawnote *nn = realloc(*arr, a * sizeof(*nn));
                if (!nn) {
                        note_free(&n);
                        return -ENOMEM;
                }
                *arr = nn;
                *alloc = a;
        }
        (*arr)[(*count)++] = n;
        return 0;
}

int ps_noteset_add(ps_noteset *set, const char *file, const char *data, size_t len, char *err,
                   size_t errsize)
{
        return add_note(set, file, NULL, data, len, err, errsize);
}

int ps_noteset_add_l10n(ps_noteset *set, const char *file, const char *lang, const char *data,
                        size_t len, char *err, size_t errsize)
{
        return add_note(set, file, lang, data, len, err, errsize);
}

static int add_file(ps_noteset *set, const char *path, const char *lang, char *err, size_t errsize)
{
        char *buf;
        size_t got;
        /* One byte over the cap is enough to tell that a file is too big. */
        int r = ps_read_full_at(AT_FDCWD, path, PS_NOTE_MAX_FILE + 1, PS_READ_TRUNCATE, &buf, &got,
                                NULL);
        if (r < 0) {
                snprintf(err, errsize, "%s: %s", path, strerror(-r));
                return r;
        }
        r = add_note(set, path, lang, buf, got, err, errsize);
        free(buf);
        return r;
}

int ps_noteset_add_file(ps_noteset *set, const char *path, char *err, size_t errsize)
{
        return add_file(set, path, NULL, err, errsize);
}

int ps_noteset_add_l10n_file(ps_noteset *set, const char *path, const char *lang, char *err,
                             size_t errsize)
{
        return add_file(set, path, lang, err, errsize);
}

static int cmp_slug(const void *a, const void *b)
{
        const ps_rawnote *x = a, *y = b;
        return strcmp(x->slug, y->slug);
}

/* The first port item of a that overlaps one of b, or -1. */
static int overlap(const ps_rawnote *a, const ps_rawnote *b, size_t *ret_j)
{
        for (size_t i = 0; i < a->n_ports; i++)
                for (size_t j = 0; j < b->n_ports; j++)
                        if (ports_overlap(&a->ports[i], &b->ports[j])) {
                                *ret_j = j;
                                return (int)i;
                        }
        return -1;
}

static void reportf(ps_note_report report, void *ctx, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void reportf(ps_note_report report, void *ctx, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        report(ctx, msg);
}

static const char *tags_str(uint64_t tags, char *buf, size_t size)
{
        size_t len = 0;
        buf[0] = '\0';
        for (int t = 0; t < _PS_TAG_MAX; t++)
                if (tags & (1ull << t)) {
                        int k = snprintf(buf + len, size - len, "%s%s", len ? " " : "",
                                         ps_tag_name((ps_tag)t));
                        if (k < 0 || (size_t)k >= size - len)
                                break;
                        len += (size_t)k;
                }
        return buf;
}

static int cmp_l10n(const void *a, const void *b)
{
        const ps_rawnote *x = a, *y = b;
        int c = strcmp(x->slug, y->slug);
        return c ? c : strcmp(x->lang, y->lang);
}

/* The original of a translation in a set sorted by slug, or NULL. */
static const ps_rawnote *original_of(const ps_noteset *set, const ps_rawnote *t)
{
        ps_rawnote key = { .slug = t->slug };
        return bsearch(&key, set->notes, set->n, sizeof(*set->notes), cmp_slug);
}

static bool same_ports(const ps_rawnote *a, const ps_rawnote *b)
{
        if (a->n_ports != b->n_ports)
                return false;
        for (size_t i = 0; i < a->n_ports; i++) {
                bool found = false;
                for (size_t j = 0; j < b->n_ports && !found; j++)
                        found = !memcmp(&a->ports[i], &b->ports[j], sizeof(a->ports[i]));
                if (!found)
                        return false;
        }
        return true;
}

uint64_t ps_note_revision(const char *title, const char *body)
{
        uint64_t h = ps_fnv1a64(PS_FNV1A64_INIT, title, strlen(title));
        h = ps_fnv1a64(h, "\n", 1);
        return ps_fnv1a64(h, body, strlen(body));
}

/* Translations: of an existing note, for its ports, each language once. */
static int check_l10n(ps_noteset *set, ps_note_report report, void *ctx)
{
        int problems = 0;
        if (set->n_l10n) /* ps_qsort() wants a pointer even for none */
                ps_qsort(set->l10n, set->n_l10n, sizeof(*set->l10n), cmp_l10n);
        for (size_t i = 0; i < set->n_l10n; i++) {
                const ps_rawnote *t = &set->l10n[i];
                const ps_rawnote *o = original_of(set, t);
                if (i && !cmp_l10n(&set->l10n[i - 1], t)) {
                        reportf(report, ctx, "%s:1: a second %s translation of %s (also %s)",
                                t->file, t->lang, t->slug, set->l10n[i - 1].file);
                        problems++;
                }
                if (!o) {
                        reportf(report, ctx,
                                "%s:1: translates no note: there is no %s.md beside "
                                "data/notes/l10n/",
                                t->file, t->slug);
                        problems++;
                } else if (!same_ports(t, o)) {
                        reportf(report, ctx,
                                "%s:%u: the ports differ from the original's (%s): a "
                                "translation covers the same ports",
                                t->file, t->port_line[0], o->file);
                        problems++;
                }
        }
        return problems;
}

int ps_noteset_stale(const ps_noteset *set, ps_note_report report, void *ctx)
{
        int stale = 0;
        for (size_t i = 0; i < set->n_l10n; i++) {
                const ps_rawnote *t = &set->l10n[i], *o = original_of(set, t);
                uint64_t rev = o ? ps_note_revision(o->title, o->body) : 0;
                if (!o || rev == t->revision)
                        continue;
                reportf(report, ctx,
                        "%s:1: stale: translates revision %016" PRIx64 " of %s, which is now "
                        "%016" PRIx64 "; shown in English until it is updated",
                        t->file, t->revision, o->file, rev);
                stale++;
        }
        return stale;
}

int ps_noteset_check(ps_noteset *set, ps_note_report report, void *ctx)
{
        int problems = 0;
        char pb[32], tb[256];
        ps_qsort(set->notes, set->n, sizeof(*set->notes), cmp_slug);
        for (size_t i = 0; i < set->n; i++) {
                const ps_rawnote *a = &set->notes[i];
                if (i && !strcmp(set->notes[i - 1].slug, a->slug)) {
                        reportf(report, ctx, "%s:1: the same note name as %s", a->file,
                                set->notes[i - 1].file);
                        problems++;
                }
                for (size_t j = i + 1; j < set->n; j++) {
                        const ps_rawnote *b = &set->notes[j];
                        size_t bj;
                        int ai = overlap(a, b, &bj);
                        if (ai < 0)
                                continue;
                        port_str(&a->ports[ai], pb, sizeof(pb));
                        if (!ps_strcasecmp_ascii(a->title, b->title)) {
                                reportf(report, ctx,
                                        "%s:%u: duplicate: the same title as %s, for %s", b->file,
                                        b->title_line, a->file, pb);
                                problems++;
                        }
                        /* `unknown` says nothing is known; another note showing use
                         * of the same port contradicts it. */
                        for (int k = 0; k < 2; k++) {
                                const ps_rawnote *u = k ? b : a, *o = k ? a : b;
                                if (!(u->tags & (1ull << PS_TAG_UNKNOWN)) ||
                                    !(o->tags & ~TAGS_NO_USE))
                                        continue;
                                reportf(report, ctx,
                                        "%s:%u: conflict: tagged unknown, but %s documents use "
                                        "of %s (tags: %s); drop one or merge them",
                                        u->file, u->tags_line, o->file, pb,
                                        tags_str(o->tags & ~TAGS_NO_USE, tb, sizeof(tb)));
                                problems++;
                        }
                }
        }
        problems += check_l10n(set, report, ctx);
        return problems;
}

/* A string pool for the compiler: offset 0 is "". */
static int pool_add(ps_dynbuf *b, const char *s, uint32_t *ret_off)
{
        if (!*s) {
                *ret_off = 0;
                return 0;
        }
        size_t off = b->len;
        int r = ps_dynbuf_add(b, s, strlen(s) + 1);
        if (r < 0)
                return r;
        *ret_off = (uint32_t)off;
        return 0;
}

static size_t align4(size_t n)
{
        return (n + 3) & ~(size_t)3;
}

static int cmp_index(const void *a, const void *b)
{
        const struct ps_dbnoteindex *x = a, *y = b;
        if (x->port != y->port)
                return x->port < y->port ? -1 : 1;
        return (x->item > y->item) - (x->item < y->item);
}

/* The port items again, for lookups by port: those of one port sorted by
 * port, the ranges in item order (notes-format.h). */
static int build_index(const struct ps_dbnoteport *ports, size_t n_ports,
                       struct ps_dbnoteindex **ret_index, size_t *ret_n_index,
                       struct ps_dbnotespan **ret_spans, size_t *ret_n_spans)
{
        struct ps_dbnoteindex *index = calloc(n_ports ? n_ports : 1, sizeof(*index));
        struct ps_dbnotespan *spans = calloc(n_ports ? n_ports : 1, sizeof(*spans));
        size_t ni = 0, ns = 0;
        if (!index || !spans) {
                free(index);
                free(spans);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n_ports; i++) {
                const struct ps_dbnoteport *p = &ports[i];
                if (p->lo == p->hi)
                        index[ni++] = (struct ps_dbnoteindex){ .port = p->lo,
                                                               .proto = p->proto,
                                                               .item = (uint32_t)i };
                else
                        spans[ns++] = (struct ps_dbnotespan){
                                .lo = p->lo, .hi = p->hi, .proto = p->proto, .item = (uint32_t)i
                        };
        }
        ps_qsort(index, ni, sizeof(*index), cmp_index);
        *ret_index = index;
        *ret_n_index = ni;
        *ret_spans = spans;
        *ret_n_spans = ns;
        return 0;
}

void ps_rawblocks_free(ps_rawblock *blocks, size_t n)
{
        for (size_t i = 0; blocks && i < n; i++)
                free(blocks[i].text);
        free(blocks);
}

/* A body's terminal form, through parse, as doc d: its blocks appended. */
static int add_doc(ps_note_parse_fn parse, void *ctx, const char *file, const char *md,
                   uint32_t body, struct ps_dbnotedoc *d, ps_dynbuf *blocks, ps_dynbuf *strings,
                   char *err, size_t errsize)
{
        ps_rawblock *raw = NULL;
        size_t n = 0;
        char why[512] = "";
        int r = 0;
        d->body = body;
        d->first_block = (uint32_t)(blocks->len / sizeof(struct ps_dbnoteblock));
        d->n_blocks = 0;
        if (!parse)
                return 0;
        if ((r = parse(ctx, md, &raw, &n, why, sizeof(why))) < 0) {
                if (r == -EBADMSG)
                        snprintf(err, errsize, "%s:1: %s", file, why);
                return r;
        }
        if (n > PS_NOTE_MAX_BLOCKS) {
                snprintf(err, errsize, "%s:1: the body makes %zu blocks for the terminal, over %u",
                         file, n, PS_NOTE_MAX_BLOCKS);
                r = -EBADMSG;
        }
        for (size_t i = 0; i < n && r >= 0; i++) {
                struct ps_dbnoteblock b = { .kind = raw[i].kind,
                                            .blank = raw[i].blank,
                                            .indent = raw[i].indent,
                                            .first = raw[i].first };
                if ((r = pool_add(strings, raw[i].text ? raw[i].text : "", &b.text)) >= 0)
                        r = ps_dynbuf_add(blocks, &b, sizeof(b));
        }
        ps_rawblocks_free(raw, n);
        if (r >= 0)
                d->n_blocks = (uint32_t)n;
        return r;
}

int ps_noteset_compile(const ps_noteset *set, ps_note_parse_fn parse, void *ctx, void **ret_image,
                       size_t *ret_size, char *err, size_t errsize)
{
        ps_dynbuf strings, blocks;
        size_t n_ports = 0, n_sources = 0;
        int r = 0;

        if (set->n > PS_NOTES_MAX_NOTES)
                return -E2BIG;
        for (size_t i = 0; i < set->n; i++) {
                n_ports += set->notes[i].n_ports;
                n_sources += set->notes[i].n_sources;
        }
        struct ps_dbnote *notes = calloc(set->n ? set->n : 1, sizeof(*notes));
        struct ps_dbnoteport *ports = calloc(n_ports ? n_ports : 1, sizeof(*ports));
        struct ps_dbnotesource *sources = calloc(n_sources ? n_sources : 1, sizeof(*sources));
        struct ps_dbnotel10n *l10n = calloc(set->n_l10n ? set->n_l10n : 1, sizeof(*l10n));
        struct ps_dbnotedoc *docs = calloc(set->n + set->n_l10n + 1, sizeof(*docs));
        struct ps_dbnoteindex *index = NULL;
        struct ps_dbnotespan *spans = NULL;
        size_t n_l10n = 0, n_index = 0, n_spans = 0, n_docs = 0;
        if (errsize)
                err[0] = '\0';
        ps_dynbuf_init(&strings, PS_NOTES_MAX_SIZE / 2);
        ps_dynbuf_init(&blocks, PS_NOTES_MAX_SIZE / 4);
        if (!notes || !ports || !sources || !l10n || !docs || ps_dynbuf_addc(&strings, '\0') < 0) {
                r = -ENOMEM;
                goto out;
        }
        size_t pi = 0, si = 0;
        for (size_t i = 0; i < set->n && r >= 0; i++) {
                const ps_rawnote *n = &set->notes[i];
                struct ps_dbnote *d = &notes[i];
                if ((r = pool_add(&strings, n->slug, &d->slug)) < 0 ||
                    (r = pool_add(&strings, n->title, &d->title)) < 0 ||
                    (r = pool_add(&strings, n->body, &d->body)) < 0 ||
                    (r = add_doc(parse, ctx, n->file, n->body, d->body, &docs[n_docs++], &blocks,
                                 &strings, err, errsize)) < 0)
                        break;
                d->tags_lo = (uint32_t)n->tags;
                d->tags_hi = (uint32_t)(n->tags >> 32);
                d->confidence = (uint32_t)n->confidence;
                d->first_port = (uint32_t)pi;
                d->n_ports = (uint32_t)n->n_ports;
                d->first_source = (uint32_t)si;
                d->n_sources = (uint32_t)n->n_sources;
                for (size_t k = 0; k < n->n_ports; k++, pi++) {
                        ports[pi].lo = n->ports[k].lo;
                        ports[pi].hi = n->ports[k].hi;
                        ports[pi].proto = (uint8_t)n->ports[k].proto;
                }
                for (size_t k = 0; k < n->n_sources && r >= 0; k++, si++) {
                        sources[si].kind = (uint32_t)n->sources[k].kind;
                        const ps_rawsource *rs = &n->sources[k];
                        sources[si].flags = rs->unreadable ? PS_DBSOURCE_UNREADABLE : 0;
                        if ((r = pool_add(&strings, rs->title, &sources[si].title)) >= 0 &&
                            (r = pool_add(&strings, rs->url, &sources[si].url)) >= 0 &&
                            (r = pool_add(&strings, rs->quote ? rs->quote : "",
                                          &sources[si].quote)) >= 0)
                                r = pool_add(&strings, rs->read_date, &sources[si].read_date);
                }
        }
        /* Translations, in the check's order: by slug (the notes' order), then language. */
        for (size_t i = 0; i < set->n_l10n && r >= 0; i++) {
                const ps_rawnote *t = &set->l10n[i], *o = original_of(set, t);
                if (!o)
                        continue;
                struct ps_dbnotel10n *d = &l10n[n_l10n++];
                d->note = (uint32_t)(o - set->notes);
                memcpy(d->lang, t->lang, sizeof(d->lang));
                d->flags = ps_note_revision(o->title, o->body) == t->revision ? 0 : PS_DBL10N_STALE;
                if ((r = pool_add(&strings, t->title, &d->title)) >= 0 &&
                    (r = pool_add(&strings, t->body, &d->body)) >= 0)
                        r = add_doc(parse, ctx, t->file, t->body, d->body, &docs[n_docs++], &blocks,
                                    &strings, err, errsize);
        }
        if (r < 0 || (r = build_index(ports, n_ports, &index, &n_index, &spans, &n_spans)) < 0)
                goto out;

        struct ps_noteshdr h = { 0 };
        memcpy(h.magic, PS_NOTES_MAGIC, 8);
        h.version = PS_NOTES_VERSION;
        h.hdr_size = sizeof(h);
        h.n_notes = (uint32_t)set->n;
        h.n_ports = (uint32_t)n_ports;
        h.n_sources = (uint32_t)n_sources;
        h.n_l10n = (uint32_t)n_l10n;
        h.n_index = (uint32_t)n_index;
        h.n_spans = (uint32_t)n_spans;
        h.n_docs = (uint32_t)n_docs;
        h.n_blocks = (uint32_t)(blocks.len / sizeof(struct ps_dbnoteblock));
        h.strings_size = (uint32_t)strings.len;
        /* The sections in image order: one list places them and copies them,
         * so that the offsets written and the bytes copied cannot disagree. */
        const struct {
                uint32_t *off;
                const void *data;
                size_t len;
        } sections[] = {
                { &h.off_notes, notes, set->n * sizeof(*notes) },
                { &h.off_ports, ports, n_ports * sizeof(*ports) },
                { &h.off_sources, sources, n_sources * sizeof(*sources) },
                { &h.off_l10n, l10n, n_l10n * sizeof(*l10n) },
                { &h.off_index, index, n_index * sizeof(*index) },
                { &h.off_spans, spans, n_spans * sizeof(*spans) },
                { &h.off_docs, docs, n_docs * sizeof(*docs) },
                { &h.off_blocks, blocks.buf, blocks.len },
                { &h.off_strings, strings.buf, strings.len },
        };
        size_t off = sizeof(h);
        for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
                *sections[i].off = (uint32_t)off;
                off = align4(off + sections[i].len);
        }
        if (off > PS_NOTES_MAX_SIZE) {
                r = -E2BIG;
                goto out;
        }
        h.total_size = (uint32_t)off;
        unsigned char *img = calloc(1, off);
        if (!img) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
                if (sections[i].len)
                        memcpy(img + *sections[i].off, sections[i].data, sections[i].len);
        h.crc32 = (uint32_t)crc32(0L, img + sizeof(h), (uInt)(off - sizeof(h)));
        memcpy(img, &h, sizeof(h));
        *ret_image = img;
        *ret_size = off;
out:
        free(notes);
        free(ports);
        free(sources);
        free(l10n);
        free(index);
        free(spans);
        free(docs);
        ps_dynbuf_free(&strings);
        ps_dynbuf_free(&blocks);
        return r;
}
