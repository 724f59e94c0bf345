/* SPDX-License-Identifier: MIT */
/* Ranked full-text search over the registry. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "portscope/portscope.h"
#include "textmatch.h"
#include "util.h"

static char lower(char c)
{
        return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Case-insensitive substring search; word is already lower case. */
static const char *ci_find(const char *hay, const char *word, size_t wlen)
{
        for (; *hay; hay++) {
                size_t i = 0;
                while (i < wlen && hay[i] && lower(hay[i]) == word[i])
                        i++;
                if (i == wlen)
                        return hay;
        }
        return NULL;
}

static int is_alnum(char c)
{
        c = lower(c);
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int ps_text_match(const char *text, const char *word, size_t wlen)
{
        int best = 0;
        for (const char *p = text; (p = ci_find(p, word, wlen)); p++) {
                int whole = (p == text || !is_alnum(p[-1])) && !is_alnum(p[wlen]);
                if (whole)
                        return 2;
                best = 1;
        }
        return best;
}

static int people_match(const ps_db *db, const ps_record *r, const char *w, size_t wlen)
{
        ps_person p;
        for (unsigned i = 0; i < r->n_assignees + r->n_contacts; i++) {
                int e = i < r->n_assignees ? ps_record_assignee(db, r, i, &p)
                                           : ps_record_contact(db, r, i - r->n_assignees, &p);
                if (e >= 0 && (ps_text_match(p.name, w, wlen) || ps_text_match(p.org, w, wlen) ||
                               ps_text_match(p.id, w, wlen)))
                        return 1;
        }
        return 0;
}

static int word_score(const ps_db *db, const ps_record *r, const char *w, size_t wlen)
{
        size_t nlen = strlen(r->name);
        int s = 0, m;
        if (nlen == wlen && ci_find(r->name, w, wlen) == r->name)
                s = 100;
        else if (nlen > wlen && ci_find(r->name, w, wlen) == r->name)
                s = 60;
        else if (ci_find(r->name, w, wlen))
                s = 30;
        if ((m = ps_text_match(r->description, w, wlen)))
                s += m == 2 ? 20 : 8;
        if (!s && people_match(db, r, w, wlen))
                s = 8;
        if (!s && (ps_text_match(r->note, w, wlen) || ps_text_match(r->unauthorized, w, wlen)))
                s = 5;
        if (!s && (r->flags & PS_REC_HAS_PORT)) {
                unsigned port;
                if (ps_parse_port(w, &port) >= 0 && port >= r->port_lo && port <= r->port_hi)
                        s = 100;
        }
        return s;
}

int ps_query_words(const char *query, char *buf, const char **words, size_t *lens)
{
        size_t nw = 0;
        if (!query || strnlen(query, PS_QUERY_MAX + 1) > PS_QUERY_MAX)
                return -EINVAL;
        size_t qlen = strlen(query);
        for (size_t i = 0; i <= qlen; i++)
                buf[i] = lower(query[i]);
        /* Words are runs of anything but blanks; punctuation inside stays, so
         * "ms-sql" and "x11" match as typed. */
        for (char *p = buf; *p;) {
                while (*p == ' ' || *p == '\t' || *p == '\n')
                        *p++ = '\0';
                if (!*p)
                        break;
                if (nw == PS_QUERY_MAX_WORDS)
                        return -E2BIG;
                words[nw] = p;
                while (*p && *p != ' ' && *p != '\t' && *p != '\n')
                        p++;
                lens[nw] = (size_t)(p - words[nw]);
                nw++;
        }
        if (!nw)
                return -EINVAL;
        return (int)nw;
}

static int cmp_match(const void *a, const void *b)
{
        const ps_match *x = a, *y = b;
        if (x->score != y->score)
                return x->score > y->score ? -1 : 1;
        return x->id < y->id ? -1 : x->id > y->id;
}

int ps_matches_finish(ps_match *all, size_t found, ps_match *ret, size_t cap)
{
        ps_qsort(all, found, sizeof(*all), cmp_match);
        if (ret)
                memcpy(ret, all, (found < cap ? found : cap) * sizeof(*all));
        free(all);
        return found > INT32_MAX ? INT32_MAX : (int)found;
}

PS_EXPORT int ps_db_search(const ps_db *db, const char *query, ps_proto proto,
                           ps_match *ret_matches, size_t cap)
{
        char buf[PS_QUERY_MAX + 1];
        const char *words[PS_QUERY_MAX_WORDS];
        size_t lens[PS_QUERY_MAX_WORDS];
        int k = ps_query_words(query, buf, words, lens);
        if (k < 0)
                return k;
        size_t nw = (size_t)k;

        size_t n = ps_db_count(db), found = 0;
        ps_match *all = malloc((n ? n : 1) * sizeof(*all));
        if (!all)
                return -ENOMEM;
        ps_iter it;
        ps_record r;
        ps_iter_all(&it, db, proto);
        while (ps_iter_next(&it, &r) > 0) {
                int total = 0;
                for (size_t w = 0; w < nw; w++) {
                        int s = word_score(db, &r, words[w], lens[w]);
                        if (!s) {
                                total = 0;
                                break;
                        }
                        total += s;
                }
                if (total > 0)
                        all[found++] = (ps_match){ .id = r.id, .score = total };
        }
        return ps_matches_finish(all, found, ret_matches, cap);
}
