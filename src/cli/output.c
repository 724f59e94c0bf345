/* SPDX-License-Identifier: MIT */
/* Output helpers shared by the commands: messages, styling, wrapping, JSON. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"
#include "registry-internal.h"
#include "registry-set.h"
#include "report-phrases.h"
#include "utf8.h"

/* U+200E LEFT-TO-RIGHT MARK or U+200F RIGHT-TO-LEFT MARK at s. */
static bool is_mark(const char *s)
{
        return (unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 &&
               ((unsigned char)s[2] == 0x8e || (unsigned char)s[2] == 0x8f);
}

/* msg with every control character made '?' (ps_text_sanitize), except the
 * direction marks the translation itself put in: plain is the same message
 * formatted without them, so a mark in msg that plain lacks came from the
 * format. Marks in the arguments are in both and become '?' as before. */
static void sanitize_keeping_marks(char *msg, const char *plain)
{
        size_t out = 0, i = 0, j = 0, n = strlen(msg), m = strlen(plain);
        while (i < n) {
                size_t k = 1;
                uint32_t cp;
                if (is_mark(msg + i) && !(j + 3 <= m && !memcmp(msg + i, plain + j, 3))) {
                        memmove(msg + out, msg + i, 3);
                        out += 3, i += 3;
                        continue;
                }
                k = ps_utf8_decode(msg + i, n - i, &cp);
                if (!k || ps_char_is_control(cp)) {
                        msg[out++] = '?';
                        k = k ? k : 1;
                } else {
                        memmove(msg + out, msg + i, k);
                        out += k;
                }
                i += k;
                j += k;
        }
        msg[out] = '\0';
}

int cli_error(int status, const char *fmt, ...)
{
        char msg[4096];
        va_list ap, ap2;
        va_start(ap, fmt);
        va_copy(ap2, ap);
        int n = vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        /* Messages quote arguments and file contents: a control character
         * there would break the one line or drive the terminal. Uyghur
         * translations mark direction (docs/translations.md); those marks
         * are the translation's and stay. */
        if (strstr(fmt, "\u200e") || strstr(fmt, "\u200f")) {
                char plainfmt[1024], plain[4096];
                size_t o = 0;
                for (const char *p = fmt; *p && o + 1 < sizeof(plainfmt);)
                        if (is_mark(p))
                                p += 3;
                        else
                                plainfmt[o++] = *p++;
                plainfmt[o] = '\0';
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
                vsnprintf(plain, sizeof(plain), plainfmt, ap2);
#pragma GCC diagnostic pop
                sanitize_keeping_marks(msg, plain);
        } else
                ps_text_sanitize(msg);
        va_end(ap2);
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
                        /* Named by its path, so the user knows which file to remove. */
                        char def[4096];
                        const char *p = c->db_path ? c->db_path : getenv("PORTSCOPE_DB");
                        if (!(p && *p))
                                p = ps_db_default_path(def, sizeof(def)) == 0 ? def : "registry";
                        return cli_error(r == -ENOMEM ? EXIT_SYSTEM : EXIT_USAGE,
                                         _("%s: cannot use this registry database: %s"), p,
                                         r == -EINVAL ? _("not a regular file")
                                         : r == -EPERM
                                                 ? _("another user owns it or may write it, so "
                                                     "it is not trusted")
                                                 : ps_strerror(r));
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
        /* Asked once: a report wraps dozens of paragraphs, and the CLI runs
         * one command per process. */
        static unsigned width;
        struct winsize ws;
        if (width)
                return width;
        if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
                width = ws.ws_col > 120 ? 120 : ws.ws_col;
        else
                width = 80;
        return width;
}

unsigned out_cols(const char *s, size_t n)
{
        unsigned c = 0;
        for (size_t i = 0; i < n;) {
                /* Printable ASCII is one column in every locale: most text. */
                if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
                        c++;
                        i++;
                        continue;
                }
                uint32_t cp;
                size_t k = ps_utf8_decode(s + i, n - i, &cp);
                if (!k) {
                        c++;
                        i++;
                        continue;
                }
                /* Latin-1 to IPA, dashes, quotes, bullets, currency and
                 * letterlike symbols: one column for glibc's wcwidth() in
                 * every UTF-8 locale, and in the C locale, which does not
                 * know them (-1, counted as one below). */
                if ((cp >= 0xa0 && cp <= 0x2ff) || (cp >= 0x2010 && cp <= 0x2027) ||
                    (cp >= 0x2030 && cp <= 0x205e) || (cp >= 0x20a0 && cp <= 0x20c0) ||
                    (cp >= 0x2100 && cp <= 0x214f)) {
                        c++;
                        i += k;
                        continue;
                }
                /* wcwidth() in the locale: 0 for combining marks (Arabic
                 * vowel signs), 2 for wide characters; one column for a
                 * character it does not know (the C locale). */
                ps_i18n_ctype();
                int w = wcwidth((wchar_t)cp);
                c += w >= 0 ? (unsigned)w : 1;
                i += k;
        }
        return c;
}

static const char *pad_to(const char *s, unsigned width, bool right, char buf[OUT_PAD_MAX])
{
        size_t n = strlen(s);
        unsigned w = out_cols(s, n);
        size_t pad = w < width ? width - w : 0;
        if (n >= OUT_PAD_MAX)
                n = OUT_PAD_MAX - 1;
        if (pad > OUT_PAD_MAX - 1 - n)
                pad = OUT_PAD_MAX - 1 - n;
        memset(buf + (right ? 0 : n), ' ', pad);
        memcpy(buf + (right ? pad : 0), s, n);
        buf[n + pad] = '\0';
        return buf;
}

const char *out_padded(const char *s, unsigned width, char buf[OUT_PAD_MAX])
{
        return pad_to(s, width, false, buf);
}

const char *out_padded_right(const char *s, unsigned width, char buf[OUT_PAD_MAX])
{
        return pad_to(s, width, true, buf);
}

/* out_wrap()'s output, gathered and written in pieces of a few KB: a report
 * wraps dozens of paragraphs, and a stdio call per word and an fprintf() per
 * line were a tenth of its time in user space. */
struct wrapbuf {
        FILE *f;
        size_t n;
        char b[4096];
};

static void wb_put_slow(struct wrapbuf *w, const char *s, size_t n)
{
        while (n) {
                if (w->n == sizeof(w->b)) {
                        fwrite(w->b, 1, w->n, w->f);
                        w->n = 0;
                }
                size_t k = sizeof(w->b) - w->n < n ? sizeof(w->b) - w->n : n;
                memcpy(w->b + w->n, s, k);
                w->n += k;
                s += k;
                n -= k;
        }
}

static inline void wb_put(struct wrapbuf *w, const char *s, size_t n)
{
        if (n <= sizeof(w->b) - w->n) {
                memcpy(w->b + w->n, s, n);
                w->n += n;
        } else
                wb_put_slow(w, s, n);
}

/* A new line, then indent spaces. */
static void wb_newline(struct wrapbuf *w, unsigned indent)
{
        static const char spaces[] = "                                ";
        wb_put(w, "\n", 1);
        for (unsigned k; indent; indent -= k) {
                k = indent < sizeof(spaces) - 1 ? indent : (unsigned)sizeof(spaces) - 1;
                wb_put(w, spaces, k);
        }
}

void out_wrap(FILE *f, const char *text, unsigned indent, unsigned first_col, unsigned width)
{
        struct wrapbuf w;
        unsigned col = first_col;
        int line_start = 1;
        const char *p = text;
        w.f = f;
        w.n = 0;
        if (width < indent + 20)
                width = indent + 20;
        while (*p) {
                if (*p == '\n') {
                        wb_newline(&w, indent);
                        col = indent;
                        line_start = 1;
                        p++;
                        continue;
                }
                if (*p == ' ') {
                        p++;
                        continue;
                }
                /* The word, and whether it is all ASCII: one column a byte
                 * then (out_cols() counts a control character as one too). */
                const char *q = p;
                unsigned char high = 0;
                while (*q && *q != ' ' && *q != '\n')
                        high |= (unsigned char)*q++;
                size_t n = (size_t)(q - p);
                unsigned cols = high < 0x80 ? (unsigned)n : out_cols(p, n);
                if (!line_start && col + 1 + cols > width) {
                        wb_newline(&w, indent);
                        col = indent;
                        line_start = 1;
                }
                if (!line_start) {
                        wb_put(&w, " ", 1);
                        col++;
                }
                wb_put(&w, p, n);
                col += cols;
                line_start = 0;
                p += n;
        }
        wb_put(&w, "\n", 1);
        fwrite(w.b, 1, w.n, f);
}

int json_emit(json_t *doc)
{
        if (json_build_failed() || !doc) {
                json_decref(doc);
                return cli_error(EXIT_SYSTEM, _("cannot build the JSON document (out of memory, "
                                                "or text that is not UTF-8)"));
        }
        int r = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
        json_decref(doc);
        if (r < 0 || fputc('\n', stdout) == EOF || fflush(stdout) == EOF)
                return cli_error(EXIT_SYSTEM, _("writing output: %s"), strerror(errno));
        return 0;
}

const char *port_label(const ps_record *rec, char *buf, size_t size)
{
        return phrase_record_port(rec, buf, size);
}
