/* SPDX-License-Identifier: MIT */
/*
 * The thread contract of include/portscope/portscope.h: threads share one
 * registry, one notes set and one nmap-services, and build port, name and
 * range reports, look names up, search and suggest at the same time. Every
 * answer, encoded as the JSON the CLI and the site print, must be the one a
 * single thread got. Half the threads run with the character
 * classes of tr_TR.UTF-8 (uselocale),
 * where strcasecmp() says "IMAP" and "imap" differ: the library's answers
 * may not depend on the locale.
 *
 * Usage: test-threads [THREADS [ROUNDS [STRIDE]]]: 8 threads, 3 rounds, every
 * job; the helgrind run (tests/test-threads-helgrind.sh) keeps every
 * STRIDE-th job to stay within seconds.
 */
#include <jansson.h>
#include <locale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-report.h"
#include "portscope/audit.h"
#include "portscope/portscope.h"
#include "tap.h"

static ps_db *db;
static ps_notes *notes;
static ps_prevalence *prev;

enum job_kind { JOB_PORT, JOB_NAME, JOB_RANGE, JOB_LOOKUP, JOB_SEARCH, JOB_SUGGEST };

struct job {
        enum job_kind kind;
        unsigned lo, hi;
        ps_proto proto;
        const char *text;
        char *want; /* the single-threaded answer */
};

static struct job jobs[512];
static size_t n_jobs;

static unsigned stride = 1, n_offered;

static void add(enum job_kind kind, unsigned lo, unsigned hi, ps_proto proto, const char *text)
{
        if (n_offered++ % stride == 0 && n_jobs < sizeof(jobs) / sizeof(jobs[0]))
                jobs[n_jobs++] = (struct job){ kind, lo, hi, proto, text, NULL };
}

static void opts_init(ps_report_opts *o)
{
        *o = (ps_report_opts)PS_REPORT_OPTS_INIT;
        o->db = db;
        o->notes = notes;
        o->prevalence = prev;
        o->proc_root = "data/proc";
        o->flags = PS_REPORT_PREVALENCE | PS_REPORT_NO_CACHE;
}

/* Appends a JSON document to a string, consuming it. */
static char *take_json(json_t *doc)
{
        char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        json_decref(doc);
        return s;
}

/* One job's answer as text: the JSON encoders print every member of the
 * model, so two equal strings mean two equal answers. */
static char *run(const struct job *j)
{
        ps_report_opts o;
        opts_init(&o);
        char buf[256];
        switch (j->kind) {
        case JOB_PORT: {
                ps_port_report *r = NULL;
                /* Every third port also reads this "machine" (the fixture):
                 * bounds and listeners, the code that had a static buffer. */
                if (j->lo % 3 == 0)
                        o.flags |= PS_REPORT_LOCAL;
                int k = ps_port_report_build(&o, j->lo, j->proto, &r);
                if (k < 0)
                        return snprintf(buf, sizeof(buf), "error %d", k), strdup(buf);
                char *s = take_json(json_port_report(r, db, notes));
                ps_port_report_free(r);
                return s;
        }
        case JOB_NAME: {
                ps_name_report *r = NULL;
                int k = ps_name_report_build(&o, j->text, j->proto, &r);
                if (k < 0)
                        return snprintf(buf, sizeof(buf), "error %d", k), strdup(buf);
                char *s = take_json(json_name_report(r, db));
                ps_name_report_free(r);
                return s;
        }
        case JOB_RANGE: {
                ps_range_report *r = NULL;
                int k = ps_range_report_build(&o, j->lo, j->hi, j->proto, &r);
                if (k < 0)
                        return snprintf(buf, sizeof(buf), "error %d", k), strdup(buf);
                char *s = take_json(json_range_report(r, db));
                ps_range_report_free(r);
                return s;
        }
        case JOB_LOOKUP: {
                /* The iterators the reports use, directly: ids in order. */
                ps_iter it;
                ps_record rec;
                json_t *a = json_array();
                if (j->text)
                        ps_iter_name(&it, db, j->text, j->proto);
                else
                        ps_iter_port(&it, db, j->lo, j->proto);
                while (ps_iter_next(&it, &rec) > 0)
                        json_array_append_new(a, json_pack("[i,s?,i,i]", (json_int_t)rec.id,
                                                           rec.name, rec.port_lo, rec.port_hi));
                ps_notes_iter nit;
                ps_note note;
                ps_notes_iter_port(&nit, notes, j->lo, j->proto);
                while (!j->text && ps_notes_iter_next(&nit, &note) > 0)
                        json_array_append_new(a, json_string(note.slug));
                return take_json(a);
        }
        case JOB_SEARCH: {
                ps_match m[32];
                json_t *a = json_array();
                int n = ps_db_search(db, j->text, j->proto, m, 32);
                json_array_append_new(a, json_integer(n));
                for (int i = 0; i < n && i < 32; i++)
                        json_array_append_new(a,
                                              json_pack("[i,i]", (json_int_t)m[i].id, m[i].score));
                n = ps_notes_search(notes, j->text, j->proto, m, 32);
                json_array_append_new(a, json_integer(n));
                for (int i = 0; i < n && i < 32; i++)
                        json_array_append_new(a,
                                              json_pack("[i,i]", (json_int_t)m[i].id, m[i].score));
                return take_json(a);
        }
        case JOB_SUGGEST: {
                ps_suggest_opts so = {
                        .db = db,
                        .notes = notes,
                        .protocols = j->lo,
                        .range = j->hi ? PS_RANGE_DYNAMIC : PS_RANGE_USER,
                        .for_name = j->text,
                        .seed = 1712,
                        .nmap_services = "data/nmap-services-fixture",
                        .no_local = true,
                };
                ps_suggestion s[8];
                int n = ps_suggest(&so, s, 8);
                json_t *a = json_array();
                json_array_append_new(a, json_integer(n));
                for (int i = 0; i < n; i++)
                        json_array_append_new(a,
                                              json_pack("[i,f]", s[i].port, s[i].open_frequency));
                return take_json(a);
        }
        }
        return NULL;
}

static atomic_int mismatches, done_jobs;
static int rounds = 3;
static locale_t turkish;

struct worker {
        pthread_t tid;
        unsigned index;
        int first_bad; /* a job that differed, or -1 */
};

static void *work(void *arg)
{
        struct worker *w = arg;
        if (turkish && w->index % 2)
                uselocale(turkish);
        for (int r = 0; r < rounds; r++)
                for (size_t i = 0; i < n_jobs; i++) {
                        /* Each thread walks the jobs from another start, so
                         * different calls overlap. */
                        size_t k = (i + w->index * 37 + (size_t)r * 11) % n_jobs;
                        char *got = run(&jobs[k]);
                        if (!got || strcmp(got, jobs[k].want)) {
                                atomic_fetch_add(&mismatches, 1);
                                if (w->first_bad < 0)
                                        w->first_bad = (int)k;
                        }
                        free(got);
                        atomic_fetch_add(&done_jobs, 1);
                }
        return NULL;
}

int main(int argc, char **argv)
{
        int n_threads = argc > 1 ? atoi(argv[1]) : 8;
        if (argc > 2)
                rounds = atoi(argv[2]);
        if (argc > 3)
                stride = (unsigned)atoi(argv[3]);
        if (n_threads < 2 || n_threads > 64 || rounds < 1 || rounds > 100 || stride < 1 ||
            stride > 16) {
                fprintf(stderr,
                        "usage: test-threads [THREADS 2-64 [ROUNDS 1-100 [STRIDE 1-16]]]\n");
                return 2;
        }

        if (!ok(ps_db_open_builtin(&db) == 0, "the built-in registry opens") ||
            !ok(ps_notes_open_builtin(&notes) == 0, "the built-in notes open") ||
            !ok(ps_prevalence_open("data/nmap-services-fixture", &prev) == 0,
                "the nmap-services fixture opens"))
                return tap_done();

        /* Ports: the seeds, the ports issue 9 found wrong, the system range
         * in steps, a few user and dynamic ones. */
        static const unsigned seeds[] = { 0,   1,    7,    15,   22,   53,   80,   443,   585,  817,
                                          912, 1322, 1647, 1712, 3306, 5353, 8080, 29660, 60000 };
        for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
                add(JOB_PORT, seeds[i], 0, PS_PROTO_ANY, NULL);
                add(JOB_PORT, seeds[i], 0, PS_PROTO_TCP, NULL);
                add(JOB_LOOKUP, seeds[i], 0, PS_PROTO_ANY, NULL);
        }
        add(JOB_PORT, 1712, 0, PS_PROTO_SCTP, NULL);
        add(JOB_PORT, 53, 0, PS_PROTO_UDP, NULL);
        for (unsigned p = 2; p < 1024; p += 29)
                add(JOB_PORT, p, 0, PS_PROTO_ANY, NULL);
        for (unsigned p = 1100; p < 65536; p += 4099)
                add(JOB_PORT, p, 0, PS_PROTO_ANY, NULL);
        /* Names, in the case a person types them. */
        static const char *const names[] = { "ssh",     "SSH",          "IMAP",       "imaps",
                                             "http",    "Http",         "ntp",        "registrar",
                                             "domain",  "no-such-name", "monitoring", "ldap",
                                             "Kerberos" };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                add(JOB_NAME, 0, 0, PS_PROTO_ANY, names[i]);
                add(JOB_LOOKUP, 0, 0, PS_PROTO_ANY, names[i]);
        }
        add(JOB_NAME, 0, 0, PS_PROTO_TCP, "http");
        add(JOB_RANGE, 811, 827, PS_PROTO_TCP, NULL);
        add(JOB_RANGE, 1000, 1030, PS_PROTO_ANY, NULL);
        add(JOB_RANGE, 29170, 29998, PS_PROTO_ANY, NULL);
        add(JOB_RANGE, 0, 100, PS_PROTO_UDP, NULL);
        static const char *const queries[] = { "ssh",         "exchange mapi", "Remote Desktop",
                                               "DNS",         "printer",       "IMAP mail",
                                               "game server", "Kerberos" };
        for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
                add(JOB_SEARCH, 0, 0, PS_PROTO_ANY, queries[i]);
        add(JOB_SEARCH, 0, 0, PS_PROTO_UDP, "dns");
        add(JOB_SUGGEST, PS_SUGGEST_TCP, 0, 0, "billing-api");
        add(JOB_SUGGEST, PS_SUGGEST_TCP | PS_SUGGEST_UDP, 1, 0, "game-lobby");
        add(JOB_SUGGEST, PS_SUGGEST_UDP, 0, 0, NULL);

        /* The answers of one thread, in the C locale. */
        size_t failed = 0;
        for (size_t i = 0; i < n_jobs; i++)
                if (!(jobs[i].want = run(&jobs[i])) || !strncmp(jobs[i].want, "error", 5))
                        failed++;
        ok(failed == 0, "%zu jobs answered by one thread (%zu failed)", n_jobs, failed);
        /* The lookup the locale check is about finds something to compare. */
        struct job imap = { JOB_LOOKUP, 0, 0, PS_PROTO_ANY, "IMAP", NULL };
        char *got = run(&imap);
        ok(got && strstr(got, "\"imap\""), "IMAP finds imap in the C locale");
        free(got);

        turkish = newlocale(LC_CTYPE_MASK | LC_COLLATE_MASK, "tr_TR.UTF-8", (locale_t)0);
        if (turkish) {
                /* The same lookup in a thread of its own under tr_TR. */
                struct worker one = { .index = 1, .first_bad = -1 };
                int saved = rounds;
                rounds = 1;
                pthread_create(&one.tid, NULL, work, &one);
                pthread_join(one.tid, NULL);
                rounds = saved;
                ok(atomic_load(&mismatches) == 0,
                   "under tr_TR.UTF-8 every answer is the C locale's (first differing: %s)",
                   one.first_bad < 0 ? "none" : jobs[one.first_bad].text);
                atomic_store(&mismatches, 0);
                atomic_store(&done_jobs, 0);
        } else
                tap_skip("tr_TR.UTF-8 is not installed: the locale check");

        struct worker w[64];
        for (int t = 0; t < n_threads; t++) {
                w[t] = (struct worker){ .index = (unsigned)t, .first_bad = -1 };
                if (pthread_create(&w[t].tid, NULL, work, &w[t]) != 0) {
                        ok(0, "thread %d starts", t);
                        return tap_done();
                }
        }
        int first_bad = -1;
        for (int t = 0; t < n_threads; t++) {
                pthread_join(w[t].tid, NULL);
                if (first_bad < 0)
                        first_bad = w[t].first_bad;
        }
        ok(atomic_load(&done_jobs) == n_threads * rounds * (int)n_jobs,
           "%d threads ran %d rounds of %zu jobs", n_threads, rounds, n_jobs);
        if (!ok(atomic_load(&mismatches) == 0,
                "every answer of every thread is the single-threaded one (%d differed)",
                atomic_load(&mismatches)))
                printf("# first differing job: kind %d, port %u, text %s\n", jobs[first_bad].kind,
                       jobs[first_bad].lo, jobs[first_bad].text ? jobs[first_bad].text : "-");

        for (size_t i = 0; i < n_jobs; i++)
                free(jobs[i].want);
        if (turkish)
                freelocale(turkish);
        ps_prevalence_free(prev);
        ps_notes_free(notes);
        ps_db_free(db);
        return tap_done();
}
