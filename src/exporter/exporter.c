/* SPDX-License-Identifier: MIT */
/*
 * `portscope exporter`: this machine's listeners and audit findings for
 * Prometheus, served over HTTP on /metrics or written as a node_exporter
 * textfile (docs/prometheus/README.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "exporter.h"
#include "fileio.h"
#include "i18n.h"
#include "macro.h"
#include "metrics.h"

#define DEFAULT_CONFIG "/etc/portscope/audit.conf"
#define TEXTFILE_NAME "portscope.prom"

static struct {
        const char *config, *listen, *netns, *textfile;
} opt;

int exporter_option(struct cli *c, int o, const char *arg)
{
        const char **slot = o == EXPORTER_OPT_CONFIG     ? &opt.config
                            : o == EXPORTER_OPT_LISTEN   ? &opt.listen
                            : o == EXPORTER_OPT_NETNS    ? &opt.netns
                            : o == EXPORTER_OPT_TEXTFILE ? &opt.textfile
                                                         : NULL;
        if (!slot)
                return cli_error(EXIT_USAGE, _("unexpected option"));
        if (!*arg)
                return cli_error(EXIT_USAGE, _("exporter: an option was given an empty value"));
        *slot = arg;
        return 0;
}

/* Opens the namespace to inspect and our own, so that a scan can enter the
 * one and return to the other. */
static int open_netns(const char *path, int *ret_netns_fd, int *ret_home_fd)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC), home = -1;
        if (fd < 0)
                return cli_error(errno == ENOENT || errno == ENOTDIR ? EXIT_USAGE : EXIT_SYSTEM,
                                 _("--netns: %s: %s"), path, strerror(errno));
        home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home < 0)
                return cli_error(EXIT_SYSTEM, _("--netns: cannot open this thread's namespace: %s"),
                                 strerror(errno));
        /* Try it once now, so a mistake is an error at start, not a scrape error. */
        if (setns(fd, CLONE_NEWNET) < 0) {
                int err = errno;
                if (err == EINVAL)
                        return cli_error(EXIT_USAGE, _("--netns: %s: not a network namespace"),
                                         path);
                if (err == EPERM)
                        return cli_error(EXIT_SYSTEM,
                                         _("--netns: %s: entering a network namespace needs "
                                           "CAP_SYS_ADMIN (run as root)"),
                                         path);
                return cli_error(EXIT_SYSTEM, _("--netns: %s: %s"), path, strerror(err));
        }
        if (setns(home, CLONE_NEWNET) < 0)
                return cli_error(EXIT_SYSTEM, _("--netns: cannot return to this namespace: %s"),
                                 strerror(errno));
        *ret_netns_fd = fd;
        *ret_home_fd = home;
        fd = home = -1;
        return 0;
}

/* Writes DIR/portscope.prom: a temporary file in DIR, fsync'd, renamed over it. */
static int write_textfile(struct exporter *e, const char *dir)
{
        struct stat st;
        _cleanup_free_ char *buf = NULL, *path = NULL;
        size_t len;
        int r;

        if (stat(dir, &st) < 0)
                return cli_error(errno == ENOENT ? EXIT_USAGE : EXIT_SYSTEM,
                                 _("--textfile: %s: %s"), dir, strerror(errno));
        if (!S_ISDIR(st.st_mode))
                return cli_error(EXIT_USAGE, _("--textfile: %s: not a directory"), dir);
        if (asprintf(&path, "%s/%s", dir, TEXTFILE_NAME) < 0) {
                path = NULL;
                return cli_error(EXIT_SYSTEM, _("out of memory"));
        }
        r = exporter_scrape(e, PROM_FORMAT_TEXT, &buf, &len);
        if (r < 0)
                r = cli_error(EXIT_SYSTEM, _("exporter: the metrics could not be written: %s"),
                              ps_strerror(r));
        else if ((r = ps_write_atomic(path, buf, len, 0644)) < 0)
                r = cli_error(EXIT_SYSTEM, _("--textfile: writing %s: %s"), path, strerror(-r));
        return r;
}

static void audit_config_freep(ps_audit_config **conf)
{
        ps_audit_config_free(*conf);
}

int cmd_exporter(struct cli *c, int argc, char **argv)
{
        struct exporter e = { .netns_fd = -1, .home_netns_fd = -1 };
        const char *config = opt.config ? opt.config : DEFAULT_CONFIG;
        _cleanup_(audit_config_freep) ps_audit_config *conf = NULL;
        _cleanup_close_ int netns_fd = -1, home_fd = -1;
        char err[512];
        int r;

        if (argc != 0)
                return cli_error(EXIT_USAGE, _("exporter: unexpected argument \"%.40s\""), argv[0]);
        /* A server that ignored --json would run forever where a script
         * expected one document. */
        if (c->json)
                return cli_error(EXIT_USAGE,
                                 _("exporter: --json does not apply: the metrics are "
                                   "Prometheus text (portscope ls --json lists sockets)"));
        if (opt.textfile && opt.listen)
                return cli_error(EXIT_USAGE, _("exporter: --textfile and --listen exclude each "
                                               "other (a file, or a server)"));
        if ((r = cli_db(c, (ps_db **)&e.db)))
                return r;
        if ((r = cli_notes(c, (ps_notes **)&e.notes)))
                return r;
        r = ps_audit_config_load(config, &conf, err, sizeof(err));
        /* The default file is optional; one named with --config is not. */
        if (r == -EBADMSG)
                return cli_error(EXIT_USAGE, "%s", err);
        if (r < 0 && !(r == -ENOENT && !opt.config))
                return cli_error(r == -ENOENT ? EXIT_USAGE : EXIT_SYSTEM, _("--config: %s: %s"),
                                 config, ps_strerror(r));
        e.config = conf;
        e.proc_root = c->proc_root;
        if (opt.netns && (r = open_netns(opt.netns, &netns_fd, &home_fd)))
                return r;
        e.netns_fd = netns_fd;
        e.home_netns_fd = home_fd;
        if (opt.textfile)
                return write_textfile(&e, opt.textfile);
        return exporter_serve(&e, opt.listen ? opt.listen : EXPORTER_DEFAULT_LISTEN);
}
