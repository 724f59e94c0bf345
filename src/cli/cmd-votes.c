/* SPDX-License-Identifier: MIT */
/* `portscope votes`: the "was this page helpful" tallies per page and
 * language, from the site's vote store, as a table, JSON or CSV. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "votes-json.h"
#include "votes-store.h"

/* The command's options; the CLI runs one command per process. */
static bool csv;
static const char *location;

int votes_option(struct cli *c, int opt, const char *arg)
{
        (void)c;
        switch (opt) {
        case VOTES_OPT_CSV:
                csv = true;
                return 0;
        case VOTES_OPT_VOTES:
                if (!*arg)
                        return cli_error(EXIT_USAGE, _("--votes: expected a file or a "
                                                       "postgresql:// URL"));
                location = arg;
                return 0;
        default:
                return cli_error(EXIT_USAGE, _("unexpected option"));
        }
}

static uint64_t row_total(const struct votes_tally *t)
{
        return t->count[VOTE_UNHELPFUL] + t->count[VOTE_NEUTRAL] + t->count[VOTE_HELPFUL];
}

static int print_json(const votes_store *s, const struct votes_tally *t, size_t n)
{
        json_t *doc = json_pack("{s:i, s:s, s:s}", "schema_version", 1, "kind", "votes", "store",
                                votes_backend(s));
        if (doc && votes_json_add(doc, t, n) < 0) {
                json_decref(doc);
                doc = NULL;
        }
        return json_emit(doc);
}

/* RFC 4180 with a header line; pages and languages never need quoting (the
 * store accepts only letters, digits and "/._~-" in them). */
static void print_csv(const struct votes_tally *t, size_t n)
{
        printf("page,lang,unhelpful,neutral,helpful,total\r\n");
        for (size_t i = 0; i < n; i++)
                printf("%s,%s,%llu,%llu,%llu,%llu\r\n", t[i].page, t[i].lang,
                       (unsigned long long)t[i].count[VOTE_UNHELPFUL],
                       (unsigned long long)t[i].count[VOTE_NEUTRAL],
                       (unsigned long long)t[i].count[VOTE_HELPFUL],
                       (unsigned long long)row_total(&t[i]));
}

static void print_table(struct cli *c, const struct votes_tally *t, size_t n)
{
        const char *head[] = { _("Page"),    _("Language"), _("Unhelpful"),
                               _("Neutral"), _("Helpful"),  _("Total") };
        /* Widths in terminal columns: a Greek heading takes two bytes a letter. */
        int w[6];
        for (int k = 0; k < 6; k++)
                w[k] = (int)out_cols(head[k], strlen(head[k]));
        for (size_t i = 0; i < n; i++) {
                if ((int)strlen(t[i].page) > w[0])
                        w[0] = (int)strlen(t[i].page);
                if ((int)strlen(t[i].lang) > w[1])
                        w[1] = (int)strlen(t[i].lang);
        }
        if (n == 0) {
                printf("%s\n", _("No votes yet."));
                return;
        }
        char pad[2][OUT_PAD_MAX];
        printf("%s%s  %s", sty_bold(c), out_padded(head[0], (unsigned)w[0], pad[0]),
               out_padded(head[1], (unsigned)w[1], pad[1]));
        /* The counts' headings are right-aligned, as the counts are. */
        for (int k = 2; k < 6; k++)
                printf("  %s", out_padded_right(head[k], (unsigned)w[k], pad[0]));
        printf("%s\n", sty_off(c));
        for (size_t i = 0; i < n; i++)
                printf("%-*s  %-*s  %*llu  %*llu  %*llu  %*llu\n", w[0], t[i].page, w[1], t[i].lang,
                       w[2], (unsigned long long)t[i].count[VOTE_UNHELPFUL], w[3],
                       (unsigned long long)t[i].count[VOTE_NEUTRAL], w[4],
                       (unsigned long long)t[i].count[VOTE_HELPFUL], w[5],
                       (unsigned long long)row_total(&t[i]));
}

static int store_error(const char *where, int r, const char *detail)
{
        char shown[512];
        votes_location_redacted(where, shown, sizeof(shown));
        int status = r == -ENOENT || r == -EINVAL || r == -EBADMSG || r == -EPROTONOSUPPORT
                             ? EXIT_USAGE
                             : EXIT_SYSTEM;
        if (r == -ENOENT)
                return cli_error(status,
                                 _("%s: no vote store there (the server creates it at the first "
                                   "vote; or give --votes)"),
                                 shown);
        if (detail && *detail)
                return cli_error(status, "%s: %s (%s)", shown, _(votes_strerror(r)), detail);
        return cli_error(status, "%s: %s", shown, _(votes_strerror(r)));
}

int cmd_votes(struct cli *c, int argc, char **argv)
{
        char *fallback = NULL, detail[256] = "";
        struct votes_tally *t = NULL;
        votes_store *s = NULL;
        size_t n = 0;
        int r;

        (void)argv;
        if (argc)
                return cli_error(EXIT_USAGE, _("votes: takes no arguments"));
        if (csv && c->json)
                return cli_error(EXIT_USAGE, _("votes: --csv and --json exclude each other"));
        if (!location && votes_default_location(&fallback) < 0)
                return cli_error(EXIT_USAGE,
                                 _("votes: no default vote store (neither $STATE_DIRECTORY, "
                                   "$XDG_STATE_HOME nor $HOME is set): give --votes"));
        const char *where = location ? location : fallback;
        r = votes_open(where, 0, detail, sizeof(detail), &s);
        if (r >= 0 && (r = votes_tallies(s, NULL, &t, &n)) < 0)
                votes_last_error(s, detail, sizeof(detail));
        if (r < 0) {
                r = store_error(where, r, detail);
        } else if (c->json) {
                r = print_json(s, t, n);
        } else {
                if (csv)
                        print_csv(t, n);
                else
                        print_table(c, t, n);
                r = EXIT_FOUND;
        }
        free(t);
        votes_close(s);
        free(fallback);
        return r;
}
