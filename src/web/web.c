/* SPDX-License-Identifier: MIT */
/* The site's data (registry, notes, nmap-services), opened once and shared
 * read-only by every thread, and the 404 page's "did you mean". */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "parse.h"
#include "web.h"

/* The previous registry (data/iana/service-names-port-numbers-2024-06.csv.gz),
 * compiled by psgen into previous-db.S. */
extern const unsigned char ps_builtin_previous_db_start[];
extern const unsigned char ps_builtin_previous_db_end[];

struct web_changes {
        pthread_mutex_t lock;
        bool done;
        int error;
        ps_db *previous;
        ps_diff *diff;
};

int web_changes(const web *w, const ps_db **ret_previous, const ps_diff **ret_diff)
{
        struct web_changes *c = w->changes;
        pthread_mutex_lock(&c->lock);
        if (!c->done) {
                c->error = ps_db_open_memory(
                        ps_builtin_previous_db_start,
                        (size_t)(ps_builtin_previous_db_end - ps_builtin_previous_db_start),
                        &c->previous);
                if (c->error >= 0)
                        c->error = ps_diff_build(c->previous, w->db, 0, &c->diff);
                c->done = true;
        }
        pthread_mutex_unlock(&c->lock);
        if (c->error < 0)
                return c->error;
        *ret_previous = c->previous;
        *ret_diff = c->diff;
        return 0;
}

int web_open(web *w, char *errbuf, size_t errlen)
{
        const char *path = NULL;
        int r = ps_db_open_default(&w->db, &path);
        if (r < 0) {
                snprintf(errbuf, errlen, _("opening the registry%s%s: %s"), path ? " " : "",
                         path ? path : "", ps_strerror(r));
                return r;
        }
        r = ps_notes_open_builtin(&w->notes);
        if (r < 0) {
                snprintf(errbuf, errlen, _("opening the built-in notes: %s"), ps_strerror(r));
                web_close(w);
                return r;
        }
        w->changes = calloc(1, sizeof(*w->changes));
        if (!w->changes) {
                snprintf(errbuf, errlen, "%s", _("out of memory"));
                web_close(w);
                return -ENOMEM;
        }
        pthread_mutex_init(&w->changes->lock, NULL);
        /* nmap-services is optional: without it pages say prevalence is unknown. */
        if (ps_prevalence_open(NULL, &w->prevalence) < 0)
                w->prevalence = NULL;

        struct tm tm = { 0 };
        const char *date = ps_db_date(w->db);
        if (date && strptime(date, "%Y-%m-%d", &tm))
                w->last_modified = timegm(&tm);
        else
                w->last_modified = 0;
        gmtime_r(&w->last_modified, &tm);
        strftime(w->last_modified_http, sizeof(w->last_modified_http), "%a, %d %b %Y %H:%M:%S GMT",
                 &tm);
        return 0;
}

void web_close(web *w)
{
        if (w->changes) {
                ps_diff_free(w->changes->diff);
                ps_db_free(w->changes->previous);
                pthread_mutex_destroy(&w->changes->lock);
                free(w->changes);
                w->changes = NULL;
        }
        ps_prevalence_free(w->prevalence);
        ps_notes_free(w->notes);
        ps_db_free(w->db);
        w->prevalence = NULL;
        w->notes = NULL;
        w->db = NULL;
}

int web_parse_uint_opt(const char *name, const char *arg, unsigned lo, unsigned hi, unsigned *ret)
{
        unsigned v;
        if (ps_parse_unsigned(arg, hi, &v) < 0 || v < lo) {
                fprintf(stderr,
                        _("portscope-web: --%s: expected a number from %u to %u, got '%s'\n"), name,
                        lo, hi, arg);
                return -1;
        }
        *ret = v;
        return 0;
}

int web_set_base_url(web *w, const char *url)
{
        if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
                fprintf(stderr,
                        _("portscope-web: --base-url: expected an http:// or https:// URL, got "
                          "'%s'\n"),
                        url);
                return -1;
        }
        if (strlen(url) >= sizeof(w->base_url)) {
                fprintf(stderr, _("portscope-web: --base-url: longer than %zu bytes\n"),
                        sizeof(w->base_url) - 1);
                return -1;
        }
        snprintf(w->base_url, sizeof(w->base_url), "%s", url);
        size_t n = strlen(w->base_url);
        while (n && w->base_url[n - 1] == '/')
                w->base_url[--n] = '\0';
        return 0;
}

static unsigned distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        unsigned row[WEB_PATH_MAX + 2];
        if (la > WEB_PATH_MAX || lb > WEB_PATH_MAX)
                return 1000;
        for (size_t j = 0; j <= lb; j++)
                row[j] = (unsigned)j;
        for (size_t i = 1; i <= la; i++) {
                unsigned diag = row[0];
                row[0] = (unsigned)i;
                for (size_t j = 1; j <= lb; j++) {
                        unsigned up = row[j];
                        unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
                        unsigned best = diag + cost;
                        if (up + 1 < best)
                                best = up + 1;
                        if (row[j - 1] + 1 < best)
                                best = row[j - 1] + 1;
                        row[j] = best;
                        diag = up;
                }
        }
        return row[lb];
}

static size_t add(char out[][WEB_PATH_MAX + 1], size_t n, size_t max, const char *path)
{
        for (size_t i = 0; i < n; i++)
                if (!strcmp(out[i], path))
                        return n;
        if (n < max)
                snprintf(out[n++], WEB_PATH_MAX + 1, "%s", path);
        return n;
}

size_t web_did_you_mean(const web *w, const char *path, char out[][WEB_PATH_MAX + 1], size_t max)
{
        size_t n = 0;
        char buf[WEB_PATH_MAX + 1];

        /* A number anywhere ("/port/1712", "/1712", "/ports/01712"): its page. */
        const char *d = path + strcspn(path, "0123456789");
        if (*d) {
                size_t len = strspn(d, "0123456789");
                while (len > 1 && *d == '0')
                        d++, len--;
                if (len <= 5) {
                        unsigned long v = strtoul(d, NULL, 10);
                        if (v <= 65535) {
                                snprintf(buf, sizeof(buf), "/ports/%lu", v);
                                n = add(out, n, max, buf);
                        }
                }
        }
        /* The last segment as a service name. */
        const char *last = strrchr(path, '/');
        last = last ? last + 1 : path;
        if (*last && strlen(last) < 64) {
                ps_iter it;
                ps_record rec;
                ps_iter_name(&it, w->db, last, PS_PROTO_ANY);
                if (ps_iter_next(&it, &rec) > 0) {
                        snprintf(buf, sizeof(buf), "/services/%s", rec.name);
                        n = add(out, n, max, buf);
                }
        }
        /* The fixed pages, by edit distance. */
        size_t nr;
        const web_route *r = web_routes(&nr);
        for (unsigned limit = 1; limit <= 3 && n < max; limit++)
                for (size_t i = 0; i < nr; i++)
                        if (r[i].in_sitemap && strcmp(r[i].pattern, "/") &&
                            distance(path, r[i].pattern) == limit)
                                n = add(out, n, max, r[i].pattern);
        return n;
}
