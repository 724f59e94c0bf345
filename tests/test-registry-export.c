/* SPDX-License-Identifier: MIT */
/* The library's export (include/portscope/export.h): CSV and XML read back
 * into the same registry (ps_diff finds nothing), services(5) lines, and a
 * writer's error stops the export. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dynbuf.h"
#include "portscope/portscope.h"
#include "registry-set.h"
#include "tap.h"

static int to_buf(const void *data, size_t len, void *userdata)
{
        return ps_dynbuf_add(userdata, data, len);
}

struct failing {
        size_t calls;
};

static int fail_second(const void *data, size_t len, void *userdata)
{
        struct failing *f = userdata;
        (void)data, (void)len;
        return ++f->calls > 1 ? -ENOSPC : 0;
}

/* Exports db as format into a file, reads it back and diffs the two. */
static void round_trip(const ps_db *db, ps_export_format format, const char *what)
{
        ps_dynbuf b;
        ps_dynbuf_init(&b, 1u << 26);
        int r = ps_db_export(db, format, to_buf, &b);
        ok(r == 0 && b.len > 100000, "%s: exported, %zu bytes", what, b.len);
        char path[] = "/tmp/test-registry-export-XXXXXX";
        int fd = mkstemp(path);
        bool written = fd >= 0 && write(fd, b.buf, b.len) == (ssize_t)b.len;
        if (fd >= 0)
                close(fd);
        ps_db *back = NULL;
        char err[256] = "";
        ps_diff *d = NULL;
        r = written ? ps_db_open_registry(path, &back, NULL, err, sizeof(err)) : -EIO;
        if (!ok(r == 0, "%s: reads back", what))
                printf("# %s\n", err);
        else if (ok(ps_diff_build(db, back, PS_DIFF_BLOCKS, &d) == 0, "%s: diffs", what))
                ok(d->n_entries == 0 && d->n_hidden == 0, "%s: the same records (%zu differ)", what,
                   d->n_entries);
        ps_diff_free(d);
        ps_db_free(back);
        unlink(path);
        ps_dynbuf_free(&b);
}

int main(void)
{
        ps_db *db = NULL;
        if (!ok(ps_db_open_builtin(&db) == 0, "the built-in registry opens"))
                return tap_done();

        ps_dynbuf b;
        ps_dynbuf_init(&b, 1u << 26);
        ok(ps_db_export(NULL, PS_EXPORT_CSV, to_buf, &b) == -EINVAL, "no registry: -EINVAL");
        ok(ps_db_export(db, _PS_EXPORT_FORMAT_MAX, to_buf, &b) == -EINVAL,
           "an unknown format: -EINVAL");
        ok(ps_db_export(db, PS_EXPORT_CSV, NULL, NULL) == -EINVAL, "no writer: -EINVAL");
        ok(b.len == 0, "nothing was written for a refused call");

        round_trip(db, PS_EXPORT_CSV, "CSV");
        round_trip(db, PS_EXPORT_XML, "XML");

        ok(ps_db_export(db, PS_EXPORT_SERVICES, to_buf, &b) == 0, "services(5) exported");
        ok(b.buf && strstr(b.buf, "\nssh             22/tcp") &&
                   strstr(b.buf, "\ndomain          53/udp"),
           "services(5): ssh 22/tcp and domain 53/udp, name in a 15-column field");
        ok(b.buf && !strstr(b.buf, "\n811-827"), "services(5): no port ranges");
        ps_dynbuf_free(&b);

        struct failing f = { 0 };
        int r = ps_db_export(db, PS_EXPORT_XML, fail_second, &f);
        ok(r == -ENOSPC && f.calls == 2,
           "a writer's -ENOSPC stops the export and is returned (%zu calls)", f.calls);

        ps_db_free(db);
        return tap_done();
}
