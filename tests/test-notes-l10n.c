/* SPDX-License-Identifier: MIT */
/* Translated notes (data/notes/l10n/LL/SLUG.md, docs/translations.md): the
 * parser, the checks against the original, staleness, the compiled image and
 * ps_note_translate(); then every committed translation. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notes-set.h"
#include "portscope/portscope.h"
#include "tap.h"

static const char original[] = "ports: 1712/tcp\n"
                               "title: Exchange store on a static port\n"
                               "tags: unofficial legacy\n"
                               "source: vendor | KB Q155831 | https://example.com/kb\n"
                               "---\n"
                               "The body.\n";

static char last[1024];
static int reported;

static void collect(void *ctx, const char *msg)
{
        snprintf(last, sizeof(last), "%s", msg);
        reported++;
}

/* Parses the original and one translation, runs the checks; returns the
 * number of problems, or the add's error code. */
static int try_l10n(const char *lang, const char *text, ps_noteset *set)
{
        char err[1024];
        ps_noteset_init(set);
        reported = 0;
        last[0] = '\0';
        ps_noteset_add(set, "n/1712-x.md", original, strlen(original), err, sizeof(err));
        int r = ps_noteset_add_l10n(set, "n/l10n/de/1712-x.md", lang, text, strlen(text), err,
                                    sizeof(err));
        if (r < 0) {
                snprintf(last, sizeof(last), "%s", err);
                return r;
        }
        return ps_noteset_check(set, collect, NULL);
}

static char *translation(uint64_t rev, const char *ports, const char *extra)
{
        static char buf[1024];
        snprintf(buf, sizeof(buf),
                 "translates: %016" PRIx64 "\nports: %s\ntitle: Exchange-Speicher auf festem "
                 "Port\n%s---\nDer Text.\n",
                 rev, ports, extra);
        return buf;
}

int main(void)
{
        ps_noteset set;
        uint64_t rev = ps_note_revision("Exchange store on a static port", "The body.");

        is_int(try_l10n("de", translation(rev, "1712/tcp", ""), &set), 0,
               "a current translation is valid");
        ps_noteset_free(&set);

        ok(try_l10n("fr", translation(rev, "1712/tcp", ""), &set) == -EBADMSG &&
                   strstr(last, "not a language portscope is translated into"),
           "a language portscope is not translated into is refused");
        ps_noteset_free(&set);

        is_int(try_l10n("de", translation(rev, "1712/udp", ""), &set), 1,
               "other ports than the original's are a problem");
        ok(strstr(last, "n/l10n/de/1712-x.md:2: the ports differ") != NULL, "  ... at the line");
        ps_noteset_free(&set);

        ok(try_l10n("de", translation(rev, "1712/tcp", "tags: legacy\n"), &set) == -EBADMSG &&
                   strstr(last, ":4: \"tags\" in a translation"),
           "tags, sources and confidence stay the original's");
        ps_noteset_free(&set);

        ok(try_l10n("de", "ports: 1712/tcp\ntitle: T\n---\nText.\n", &set) == -EBADMSG &&
                   strstr(last, "no \"translates\" line"),
           "a translation names the revision it translates");
        ps_noteset_free(&set);

        ok(try_l10n("de", "translates: 12\nports: 1712/tcp\ntitle: T\n---\nText.\n", &set) ==
                           -EBADMSG &&
                   strstr(last, "16 hex digits"),
           "the revision is 16 hex digits");
        ps_noteset_free(&set);

        char err[1024];
        ps_noteset_init(&set);
        ps_noteset_add(&set, "n/1712-x.md", original, strlen(original), err, sizeof(err));
        const char *t = translation(rev, "1712/tcp", "");
        ps_noteset_add_l10n(&set, "n/l10n/de/9-y.md", "de", t, strlen(t), err, sizeof(err));
        reported = 0;
        is_int(ps_noteset_check(&set, collect, NULL), 1, "a translation of no note is a problem");
        ps_noteset_free(&set);

        /* Compiled: one current (de), one stale (cs), none for el. */
        ps_noteset_init(&set);
        ps_noteset_add(&set, "n/1712-x.md", original, strlen(original), err, sizeof(err));
        t = translation(rev, "1712/tcp", "");
        ps_noteset_add_l10n(&set, "n/l10n/de/1712-x.md", "de", t, strlen(t), err, sizeof(err));
        t = translation(rev ^ 1, "1712/tcp", "");
        ps_noteset_add_l10n(&set, "n/l10n/cs/1712-x.md", "cs", t, strlen(t), err, sizeof(err));
        reported = 0;
        is_int(ps_noteset_check(&set, collect, NULL), 0, "a stale translation is no problem");
        is_int(ps_noteset_stale(&set, collect, NULL), 1, "... but it is reported as stale");
        ok(strstr(last, "n/l10n/cs/1712-x.md:1: stale") != NULL, "  ... naming the file");
        void *img;
        size_t size;
        ps_notes *notes = NULL;
        is_int(ps_noteset_compile(&set, NULL, NULL, &img, &size, err, sizeof(err)), 0, "compiles");
        is_int(ps_notes_open_memory(img, size, &notes), 0, "the image validates");
        ps_note n, tr;
        ps_notes_get(notes, 0, &n);
        is_int(ps_note_translate(notes, &n, "de", &tr), 0, "de: translated");
        is_str(tr.title, "Exchange-Speicher auf festem Port", "  ... title");
        is_str(tr.body, "Der Text.", "  ... body");
        ok(tr.n_sources == n.n_sources && tr.tags == n.tags && tr.id == n.id,
           "  ... sources, tags and id stay the original's");
        memset(&tr, 0, sizeof(tr));
        is_int(ps_note_translate(notes, &n, "cs", &tr), -ESTALE, "cs: stale");
        ok(tr.title == NULL, "  ... and the output untouched");
        is_int(ps_note_translate(notes, &n, "el", &tr), -ENOENT, "el: not translated");
        is_int(ps_note_translate(notes, &n, "deu", &tr), -ENOENT, "a longer code is no match");
        ps_notes_free(notes);
        /* A corrupt translation entry is refused by the validation. */
        struct ps_noteshdr *h = img;
        unsigned char *e = (unsigned char *)img + h->off_l10n;
        e[0] = 0xff; /* the note index */
        ok(ps_notes_open_memory(img, size, &notes) < 0, "a bad note index in a translation is "
                                                        "refused");
        free(img);
        ps_noteset_free(&set);

        /* The committed translations: every one valid, and reported when stale. */
        ps_notes *builtin;
        size_t current = 0, stale = 0;
        const char *langs[] = { "de", "cs", "pt", "el", "ug" };
        is_int(ps_notes_open_builtin(&builtin), 0, "built-in notes open");
        for (uint32_t i = 0; i < ps_notes_count(builtin); i++) {
                ps_notes_get(builtin, i, &n);
                for (size_t l = 0; l < 5; l++) {
                        int r = ps_note_translate(builtin, &n, langs[l], &tr);
                        current += r == 0;
                        stale += r == -ESTALE;
                }
        }
        printf("# built-in: %zu current translations, %zu stale\n", current, stale);
        const char *seeds[] = { "1712-exchange-static-mapi", "1322-novation-exchange-store",
                                "912-apex-mesh", "1647-rsap-unknown",
                                "817-unassigned-netinfo-range" };
        for (size_t s = 0; s < 5; s++) {
                int have = 0;
                for (uint32_t i = 0; i < ps_notes_count(builtin); i++) {
                        ps_notes_get(builtin, i, &n);
                        if (strcmp(n.slug, seeds[s]))
                                continue;
                        for (size_t l = 0; l < 5; l++)
                                have += ps_note_translate(builtin, &n, langs[l], &tr) != -ENOENT;
                }
                is_int(have, 5, seeds[s]);
        }
        ps_notes_free(builtin);
        return tap_done();
}
