/* SPDX-License-Identifier: MIT */
/* `portscope-web site --out DIR`: the site's pages as files, for a static
 * host or a CDN. Every file is written under a temporary name and renamed
 * into place, so an interrupted or failed export never leaves a half page;
 * SIGINT and SIGTERM stop it between pages. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "macro.h"
#include "util.h"
#include "web.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
        (void)sig;
        interrupted = 1;
}

/* The service and range pages the written pages link to: exported after
 * them, round by round, so that a static host has no broken link of the
 * site's own but to what only the server answers (the search, the API and
 * the votes; docs/hosting.md). Single ports are --ports' to choose. */
#define LINKS_MAX (1u << 17) /* 6 languages of every service and block */

typedef struct linkset {
        pthread_mutex_t lock;
        char (*path)[WEB_PATH_MAX + 1]; /* in the order found */
        size_t n, n_cap;
        size_t *index; /* open addressing into path[], SIZE_MAX free */
        size_t cap;
        bool full; /* a link was dropped: the export fails */
} linkset;

static void links_put_index(size_t *index, size_t cap, const char *path, size_t i)
{
        size_t k = ps_fnv1a64(PS_FNV1A64_INIT, path, strlen(path)) & (cap - 1);
        while (index[k] != SIZE_MAX)
                k = (k + 1) & (cap - 1);
        index[k] = i;
}

/* Adds path unless present. Under the set's lock. */
static void links_add_locked(linkset *ls, const char *path)
{
        if (ls->cap) {
                for (size_t k = ps_fnv1a64(PS_FNV1A64_INIT, path, strlen(path)) & (ls->cap - 1);
                     ls->index[k] != SIZE_MAX; k = (k + 1) & (ls->cap - 1))
                        if (!strcmp(ls->path[ls->index[k]], path))
                                return;
        }
        if (ls->n >= LINKS_MAX) {
                ls->full = true;
                return;
        }
        if (ls->n == ls->n_cap) {
                size_t n_cap = ls->n_cap ? ls->n_cap * 2 : 1024;
                void *p = realloc(ls->path, n_cap * sizeof(*ls->path));
                if (!p) {
                        ls->full = true;
                        return;
                }
                ls->path = p;
                ls->n_cap = n_cap;
        }
        if ((ls->n + 1) * 2 > ls->cap) {
                size_t cap = ls->cap ? ls->cap * 2 : 2048;
                size_t *index = malloc(cap * sizeof(*index));
                if (!index) {
                        ls->full = true;
                        return;
                }
                memset(index, 0xff, cap * sizeof(*index));
                for (size_t i = 0; i < ls->n; i++)
                        links_put_index(index, cap, ls->path[i], i);
                free(ls->index);
                ls->index = index;
                ls->cap = cap;
        }
        snprintf(ls->path[ls->n], sizeof(ls->path[ls->n]), "%s", path);
        links_put_index(ls->index, ls->cap, path, ls->n);
        ls->n++;
}

/* Whether a path of the site's is a service or range page: "/services/NAME"
 * or "/ports/LO-HI", after an optional language segment. */
static bool is_linked_page(const char *path, const bool *langs)
{
        const char *p = path, *lang = "en";
        size_t seg = strcspn(p + 1, "/");
        if (p[1 + seg] == '/' && (lang = web_lang_of_segment(p + 1, seg)))
                p += 1 + seg;
        if (!lang)
                lang = "en";
        /* Only in the languages exported. */
        for (int i = 0; i < PS_I18N_N_LANGUAGES; i++)
                if (!strcmp(lang, ps_i18n_languages[i]) && !langs[i])
                        return false;
        if (!strncmp(p, "/services/", 10))
                return p[10] != '\0';
        if (strncmp(p, "/ports/", 7))
                return false;
        p += 7;
        size_t lo = strspn(p, "0123456789");
        return lo && p[lo] == '-' && strspn(p + lo + 1, "0123456789") == strlen(p + lo + 1) &&
               p[lo + 1];
}

/* Every href="/..." of an HTML page that is a service or range page. */
static void links_scan(linkset *ls, const bool *langs, const char *page, size_t len)
{
        static const char key[] = "href=\"/";
        const char *end = page + len;
        for (const char *p = page; (p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1));) {
                p += sizeof(key) - 2; /* at the "/" */
                size_t n = 0;
                while (p + n < end && !strchr("\"#?&%<> ", p[n]))
                        n++;
                if (p + n < end && (p[n] == '"' || p[n] == '#') && n <= WEB_PATH_MAX &&
                    p[1] != '/') {
                        char path[WEB_PATH_MAX + 1];
                        memcpy(path, p, n);
                        path[n] = '\0';
                        if (is_linked_page(path, langs)) {
                                pthread_mutex_lock(&ls->lock);
                                links_add_locked(ls, path);
                                pthread_mutex_unlock(&ls->lock);
                        }
                }
                p += n;
        }
}

typedef struct job {
        const web *w;
        int dirfd;
        const unsigned char *ports; /* one byte a port: export it */
        const bool *langs;          /* one a language of ps_i18n_languages: export it */
        char (*fixed)[WEB_PATH_MAX + 1];
        size_t n_fixed;
        atomic_size_t next; /* fixed pages first, then ports */
        atomic_size_t written;
        atomic_int failed;
        linkset *links; /* the pages written link to */
} job;

/* An HTML page is NAME.html ("/" is "index.html", "/ports/1712" is
 * "ports/1712.html", "/services/z39.50" is "services/z39.50.html"); anything
 * else keeps its path ("/static/style.css", "/sitemap.xml"). */
static int file_name(const char *path, web_kind kind, char *buf, size_t size)
{
        int n;
        if (!strcmp(path, "/"))
                n = snprintf(buf, size, "index.html");
        else if (kind == WEB_HTML)
                n = snprintf(buf, size, "%s.html", path + 1);
        else
                n = snprintf(buf, size, "%s", path + 1);
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int mkdirs_at(int dirfd, const char *file)
{
        char dir[WEB_PATH_MAX + 16];
        snprintf(dir, sizeof(dir), "%s", file);
        for (char *p = strchr(dir, '/'); p; p = strchr(p + 1, '/')) {
                *p = '\0';
                if (mkdirat(dirfd, dir, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        return 0;
}

/* Writes data to name under dirfd through a temporary file and rename().
 * No fsync per page (65,536 of them would take minutes); the export syncs
 * the file system once at the end. */
static int write_replace(int dirfd, const char *name, const void *data, size_t len)
{
        char tmp[WEB_PATH_MAX + 64];
        static atomic_uint counter;
        const char *slash = strrchr(name, '/');
        int dl = slash ? (int)(slash - name + 1) : 0;
        snprintf(tmp, sizeof(tmp), "%.*s.%s.%d.%u.tmp", dl, name, slash ? slash + 1 : name,
                 (int)getpid(), atomic_fetch_add(&counter, 1));
        int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        const char *p = data;
        size_t left = len;
        while (left) {
                ssize_t n = write(fd, p, left);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        int r = n < 0 ? -errno : -EIO;
                        close(fd);
                        unlinkat(dirfd, tmp, 0);
                        return r;
                }
                p += n;
                left -= (size_t)n;
        }
        if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
                int r = -errno;
                unlinkat(dirfd, tmp, 0);
                return r;
        }
        return 0;
}

static int export_path(job *j, const char *path, bool error_page)
{
        web_req rq;
        web_page pg;
        const web_route *route;
        const char *detail;
        char name[WEB_PATH_MAX + 16];
        int r;

        /* Each page in its own language, on this thread only. */
        _cleanup_(ps_i18n_leave) ps_i18n_scope scope = { 0 };
        web_page_init(&pg);
        if (error_page) {
                /* "/404" and "/de/404": the error page in each language. */
                memset(&rq, 0, sizeof(rq));
                rq.method = "GET";
                rq.lang = web_lang_of_segment(path + 1, strcspn(path + 1, "/"));
                ps_i18n_enter(&scope, web_req_lang(&rq));
                web_error(j->w, &rq, &pg, 404, NULL);
        } else {
                if (web_route_match("GET", path, NULL, &rq, &route, &detail) != 0) {
                        web_page_free(&pg);
                        fprintf(stderr, _("portscope-web: site: no page at %s\n"), path);
                        return -ENOENT;
                }
                ps_i18n_enter(&scope, web_req_lang(&rq));
                web_render(j->w, &rq, route, &pg);
        }
        if (pg.status != 200 && !error_page) {
                /* A page that does not exist on the server is not a file either. */
                web_page_free(&pg);
                return 0;
        }
        if ((r = file_name(path, pg.kind, name, sizeof(name))) < 0) {
                web_page_free(&pg);
                return r;
        }
        if (!error_page && pg.out.b.buf && pg.kind == WEB_HTML)
                links_scan(j->links, j->langs, pg.out.b.buf, pg.out.b.len);
        r = mkdirs_at(j->dirfd, name);
        if (r >= 0)
                r = write_replace(j->dirfd, name, pg.out.b.buf ? pg.out.b.buf : "", pg.out.b.len);
        web_page_free(&pg);
        if (r < 0)
                fprintf(stderr, _("portscope-web: site: writing %s: %s\n"), name, strerror(-r));
        else
                atomic_fetch_add(&j->written, 1);
        return r;
}

static void *worker(void *arg)
{
        job *j = arg;
        char path[WEB_PATH_MAX + 1];
        for (;;) {
                if (interrupted || atomic_load(&j->failed))
                        break;
                size_t i = atomic_fetch_add(&j->next, 1);
                if (i < j->n_fixed) {
                        const char *last = strrchr(j->fixed[i], '/');
                        bool err = !strcmp(last, "/404");
                        if (export_path(j, j->fixed[i], err) < 0)
                                atomic_store(&j->failed, 1);
                        continue;
                }
                i -= j->n_fixed;
                /* Every port in English, then in each other language. */
                if (!j->ports || i >= 65536 * (size_t)PS_I18N_N_LANGUAGES)
                        break;
                if (!j->ports[i % 65536] || !j->langs[i / 65536])
                        continue;
                snprintf(path, sizeof(path), "/ports/%zu", i % 65536);
                if (i >= 65536) {
                        char plain[WEB_PATH_MAX + 1];
                        snprintf(plain, sizeof(plain), "%s", path);
                        web_lang_path(ps_i18n_languages[i / 65536], plain, path, sizeof(path));
                }
                if (export_path(j, path, false) < 0)
                        atomic_store(&j->failed, 1);
        }
        return NULL;
}

/* Runs the job on threads workers (on this thread when none starts). */
static void run_workers(job *j, unsigned threads)
{
        pthread_t tids[64];
        unsigned started = 0;
        for (unsigned i = 0; i < threads && i < 64; i++)
                if (pthread_create(&tids[started], NULL, worker, j) == 0)
                        started++;
        if (!started)
                worker(j);
        for (unsigned i = 0; i < started; i++)
                pthread_join(tids[i], NULL);
}

/* "1712,22,8000-8100": the ports to export. */
static int parse_ports(const char *s, unsigned char *ports)
{
        /* Every port listed singly stays under 400 KiB. */
        if (strlen(s) > 400 * 1024)
                return -E2BIG;
        char *buf = strdup(s);
        if (!buf)
                return -ENOMEM;
        char *save = NULL;
        int r = 0;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                ps_port_spec spec;
                if (ps_parse_port_spec(tok, &spec) < 0 || spec.proto != PS_PROTO_ANY) {
                        r = -EINVAL;
                        break;
                }
                for (unsigned p = spec.lo; p <= spec.hi; p++)
                        ports[p] = 1;
        }
        free(buf);
        return r;
}

/* "de,ug": the languages to export; every one must be the site's. */
static int parse_languages(const char *s, bool *langs)
{
        char buf[64];
        char *save = NULL;
        if (strlen(s) >= sizeof(buf))
                return -E2BIG;
        snprintf(buf, sizeof(buf), "%s", s);
        memset(langs, 0, PS_I18N_N_LANGUAGES * sizeof(*langs));
        int n = 0;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), n++) {
                int k = 0;
                while (k < PS_I18N_N_LANGUAGES && strcmp(tok, ps_i18n_languages[k]))
                        k++;
                if (k == PS_I18N_N_LANGUAGES)
                        return -EINVAL;
                langs[k] = true;
        }
        return n ? 0 : -EINVAL;
}

static void site_usage(FILE *f)
{
        fprintf(f, "%s",
                _("Usage: portscope-web site --out DIR [--base-url URL] [--languages LIST]\n"
                  "                          [--ports LIST] [--threads N]\n"));
}

int web_site_main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "base-url", required_argument, NULL, 'b' },
                { "help", no_argument, NULL, 'h' },
                { "out", required_argument, NULL, 'o' },
                { "languages", required_argument, NULL, 'L' },
                { "ports", required_argument, NULL, 'p' },
                { "threads", required_argument, NULL, 't' },
                {},
        };
        const char *out = NULL, *ports_arg = NULL;
        web w = { 0 };
        unsigned threads = 2;
        bool langs[PS_I18N_N_LANGUAGES];
        int c;

        for (int i = 0; i < PS_I18N_N_LANGUAGES; i++)
                langs[i] = true;

        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
                switch (c) {
                case 'b':
                        if (web_set_base_url(&w, optarg) < 0)
                                return 2;
                        break;
                case 'h':
                        site_usage(stdout);
                        return 0;
                case 'o':
                        out = optarg;
                        break;
                case 'L':
                        if (parse_languages(optarg, langs) < 0) {
                                fprintf(stderr,
                                        _("portscope-web: --languages: expected languages of the "
                                          "site separated by commas (en,de,cs,pt,el,ug), got "
                                          "'%s'\n"),
                                        optarg);
                                return 2;
                        }
                        break;
                case 'p':
                        ports_arg = optarg;
                        break;
                case 't':
                        if (web_parse_uint_opt("threads", optarg, 1, 64, &threads) < 0)
                                return 2;
                        break;
                default:
                        site_usage(stderr);
                        return 2;
                }
        }
        if (!out || optind != argc) {
                site_usage(stderr);
                return 2;
        }
        unsigned char *ports = calloc(65536, 1);
        if (!ports)
                return 3;
        if (ports_arg) {
                if (parse_ports(ports_arg, ports) < 0) {
                        fprintf(stderr,
                                _("portscope-web: --ports: expected ports and ranges "
                                  "separated by commas (22,80,8000-8100), got '%s'\n"),
                                ports_arg);
                        free(ports);
                        return 2;
                }
        } else
                memset(ports, 1, 65536);

        if (mkdir(out, 0755) < 0 && errno != EEXIST) {
                fprintf(stderr, _("portscope-web: site: creating %s: %s\n"), out, strerror(errno));
                free(ports);
                return 3;
        }
        int dirfd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0) {
                fprintf(stderr, _("portscope-web: site: opening %s: %s\n"), out, strerror(errno));
                free(ports);
                return 3;
        }

        char err[512];
        if (web_open(&w, err, sizeof(err)) < 0) {
                fprintf(stderr, "portscope-web: %s\n", err);
                close(dirfd);
                free(ports);
                return 3;
        }
        /* Before the workers start: each page picks its own language. */
        ps_i18n_threads_init(false);

        /* The fixed pages: every route without a parameter, the tags, the
         * three ranges and the 404 page; the pages in every language, the
         * files such as the stylesheet once. */
        char(*fixed)[WEB_PATH_MAX + 1] =
                calloc((64 + _PS_TAG_MAX) * PS_I18N_N_LANGUAGES, sizeof(*fixed));
        size_t n_fixed = 0, nr;
        const web_route *r = web_routes(&nr);
        /* The language-neutral files come with the first language exported. */
        int first = 0;
        while (first < PS_I18N_N_LANGUAGES - 1 && !langs[first])
                first++;
        for (int l = 0; l < PS_I18N_N_LANGUAGES && fixed; l++) {
                const char *lang = ps_i18n_languages[l];
                if (!langs[l])
                        continue;
                for (size_t i = 0; i < nr; i++) {
                        if (strchr(r[i].pattern, '{') || !strcmp(r[i].pattern, "/search") ||
                            !strncmp(r[i].pattern, "/api/", 5) ||
                            !strcmp(r[i].pattern, "/healthz") ||
                            !strcmp(r[i].pattern, "/favicon.ico") ||
                            (!strcmp(r[i].pattern, "/sitemap.xml") && !*w.base_url) ||
                            !(r[i].methods & WEB_M_GET) ||
                            (l != first && !web_path_localized(r[i].pattern, strlen(r[i].pattern))))
                                continue;
                        bool localized = web_path_localized(r[i].pattern, strlen(r[i].pattern));
                        web_lang_path(localized ? lang : "en", r[i].pattern, fixed[n_fixed++],
                                      WEB_PATH_MAX + 1);
                }
                for (int t = 0; t < _PS_TAG_MAX; t++) {
                        char tag[WEB_PATH_MAX + 1];
                        snprintf(tag, sizeof(tag), "/notes/%s", ps_tag_name((ps_tag)t));
                        web_lang_path(lang, tag, fixed[n_fixed++], WEB_PATH_MAX + 1);
                }
                web_lang_path(lang, "/404", fixed[n_fixed++], WEB_PATH_MAX + 1);
        }

        struct sigaction sa = { .sa_handler = on_signal };
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);

        linkset links = { .lock = PTHREAD_MUTEX_INITIALIZER };
        job j = { .w = &w,
                  .dirfd = dirfd,
                  .ports = ports,
                  .langs = langs,
                  .fixed = fixed,
                  .n_fixed = n_fixed,
                  .links = &links };
        atomic_init(&j.next, 0);
        atomic_init(&j.written, 0);
        atomic_init(&j.failed, fixed ? 0 : 1);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        run_workers(&j, threads);
        /* Then the service and range pages those link to, round by round (a
         * range page links to services), each round from a copy of the list
         * that the round's own pages add to. */
        size_t done = 0;
        while (!interrupted && !atomic_load(&j.failed) && done < links.n) {
                size_t n = links.n - done;
                char(*round)[WEB_PATH_MAX + 1] = malloc(n * sizeof(*round));
                if (!round) {
                        atomic_store(&j.failed, 1);
                        break;
                }
                memcpy(round, links.path + done, n * sizeof(*round));
                done = links.n;
                j.fixed = round;
                j.n_fixed = n;
                j.ports = NULL;
                atomic_store(&j.next, 0);
                run_workers(&j, threads);
                free(round);
        }
        if (links.full) {
                fprintf(stderr,
                        _("portscope-web: site: more than %u linked service and range "
                          "pages\n"),
                        LINKS_MAX);
                atomic_store(&j.failed, 1);
        }
        free(links.path);
        free(links.index);
        syncfs(dirfd);
        clock_gettime(CLOCK_MONOTONIC, &t1);

        int ret = 0;
        if (interrupted) {
                char n[PS_I18N_NUM_MAX];
                size_t written = atomic_load(&j.written);
                fprintf(stderr,
                        ngettext("portscope-web: site: interrupted after %s file; every file "
                                 "written is whole\n",
                                 "portscope-web: site: interrupted after %s files; every file "
                                 "written is whole\n",
                                 written),
                        ps_i18n_number(n, sizeof(n), written));
                ret = 130;
        } else if (atomic_load(&j.failed)) {
                ret = 3;
        } else {
                char n[PS_I18N_NUM_MAX], secs[PS_I18N_NUM_MAX];
                size_t written = atomic_load(&j.written);
                fprintf(stderr,
                        ngettext("portscope-web: site: %s file in %s (%s s)\n",
                                 "portscope-web: site: %s files in %s (%s s)\n", written),
                        ps_i18n_number(n, sizeof(n), written), out,
                        ps_i18n_decimal(secs, sizeof(secs),
                                        (double)(t1.tv_sec - t0.tv_sec) +
                                                (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                                        1, 'f'));
        }
        free(fixed);
        web_close(&w);
        close(dirfd);
        free(ports);
        return ret;
}
