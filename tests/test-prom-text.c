/* SPDX-License-Identifier: MIT */
/* The exposition writer (src/shared/prom-text.c): names per format, escaping,
 * values, the cap, and Accept negotiation. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "prom-text.h"
#include "tap.h"

static char *render(prom_format fmt, prom_type type, const char *unit, const char *help,
                    const char *const *labels, size_t n, double value)
{
        struct prom_writer w;
        prom_writer_init(&w, fmt, 1 << 16);
        prom_family(&w, "t_metric", type, unit, help);
        prom_sample(&w, labels, n, value);
        char *out = prom_finish(&w) == 0 ? ps_dynbuf_steal(&w.out) : NULL;
        prom_writer_free(&w);
        return out;
}

#define check_render(want, what, ...)                                                              \
        do {                                                                                       \
                char *_o = render(__VA_ARGS__);                                                    \
                is_str(_o, want, what);                                                            \
                free(_o);                                                                          \
        } while (0)

int main(void)
{
        const char *odd[] = { "v", "a\"b\\c\nd\xff"
                                   "e" };
        check_render("# HELP t_metric_info x\\\\y\\nz \"q\"\n# TYPE t_metric_info gauge\n"
                     "t_metric_info{v=\"a\\\"b\\\\c\\nd\xef\xbf\xbd"
                     "e\"} 1\n",
                     "text: info is a gauge named _info; HELP and label values escaped",
                     PROM_FORMAT_TEXT, PROM_INFO, NULL, "x\\y\nz \"q\"", odd, 1, 1);
        check_render("# HELP t_metric x \\\"q\\\"\n# TYPE t_metric info\n"
                     "t_metric_info{v=\"a\\\"b\\\\c\\nd\xef\xbf\xbd"
                     "e\"} 1\n# EOF\n",
                     "OpenMetrics: info family without suffix, quote escaped in HELP, # EOF",
                     PROM_FORMAT_OPENMETRICS, PROM_INFO, NULL, "x \"q\"", odd, 1, 1);
        check_render("# HELP t_metric_total h\n# TYPE t_metric_total counter\nt_metric_total 3\n",
                     "text: counter named _total", PROM_FORMAT_TEXT, PROM_COUNTER, NULL, "h", NULL,
                     0, 3);
        check_render("# HELP t_metric h\n# TYPE t_metric counter\nt_metric_total 3\n# EOF\n",
                     "OpenMetrics: counter family without _total", PROM_FORMAT_OPENMETRICS,
                     PROM_COUNTER, NULL, "h", NULL, 0, 3);
        check_render("# HELP t_metric h\n# TYPE t_metric gauge\n# UNIT t_metric seconds\n"
                     "t_metric 0.25\n# EOF\n",
                     "OpenMetrics: UNIT line", PROM_FORMAT_OPENMETRICS, PROM_GAUGE, "seconds", "h",
                     NULL, 0, 0.25);
        check_render("# HELP t_metric h\n# TYPE t_metric gauge\nt_metric NaN\n", "NaN",
                     PROM_FORMAT_TEXT, PROM_GAUGE, NULL, "h", NULL, 0, NAN);
        check_render("# HELP t_metric h\n# TYPE t_metric gauge\nt_metric +Inf\n", "+Inf",
                     PROM_FORMAT_TEXT, PROM_GAUGE, NULL, "h", NULL, 0, INFINITY);
        check_render("# HELP t_metric h\n# TYPE t_metric gauge\nt_metric 1765756800\n",
                     "large integers print whole", PROM_FORMAT_TEXT, PROM_GAUGE, NULL, "h", NULL, 0,
                     1765756800.0);

        /* A long label value is cut, whole characters only. */
        char big[2000];
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        const char *lv[] = { "v", big };
        char *o = render(PROM_FORMAT_TEXT, PROM_GAUGE, NULL, "h", lv, 1, 1);
        ok(o && strlen(o) < 700, "a label value is capped");
        free(o);

        /* The cap: past it, -E2BIG and no output. */
        struct prom_writer w;
        prom_writer_init(&w, PROM_FORMAT_TEXT, 64);
        prom_family(&w, "t_metric", PROM_GAUGE, NULL, "a help text long enough to pass the cap");
        prom_sample(&w, NULL, 0, 1);
        is_int(prom_finish(&w), -E2BIG, "the output cap is an error, not a cut exposition");
        prom_writer_free(&w);

        static const struct {
                const char *accept;
                prom_format want;
        } cases[] = {
                { NULL, PROM_FORMAT_TEXT },
                { "", PROM_FORMAT_TEXT },
                { "*/*", PROM_FORMAT_TEXT },
                { "text/plain", PROM_FORMAT_TEXT },
                { "application/openmetrics-text", PROM_FORMAT_OPENMETRICS },
                /* What Prometheus 2.42 sends. */
                { "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                  "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                  PROM_FORMAT_OPENMETRICS },
                { "application/openmetrics-text; q=0.2, text/plain; q=0.9", PROM_FORMAT_TEXT },
                { "application/openmetrics-text;q=0", PROM_FORMAT_TEXT },
                { "application/openmetrics-text;q=1.5", PROM_FORMAT_TEXT },
                { "application/openmetrics-text;q=0.1234", PROM_FORMAT_TEXT },
                { "Application/OpenMetrics-Text;q=1.000", PROM_FORMAT_OPENMETRICS },
                { "application/openmetrics-textual", PROM_FORMAT_TEXT },
                { ",,,;;;q=", PROM_FORMAT_TEXT },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                is_int(prom_negotiate(cases[i].accept), cases[i].want,
                       cases[i].accept ? cases[i].accept : "(no Accept)");
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
