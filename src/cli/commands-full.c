/* SPDX-License-Identifier: MIT */
/*
 * The options of the commands that portscope-full runs (votes, exporter,
 * and update, diff and export, which read IANA's XML and CSV files with
 * expat and zlib). They live apart from the commands so that portscope
 * itself can list them in help, completions and option parsing without
 * linking the commands and the libraries they load.
 */
#include "cli.h"

const struct cli_option votes_options[] = {
        { "csv", VOTES_OPT_CSV, no_argument, NULL, N_("print CSV instead of a table"), NULL },
        { "votes", VOTES_OPT_VOTES, required_argument, "STORE",
          N_("the vote store: a SQLite file or a postgresql:// URL"), "@file" },
        { 0 },
};

const struct cli_option exporter_options[] = {
        { "config", EXPORTER_OPT_CONFIG, required_argument, "PATH",
          N_("accepted findings (default /etc/portscope/audit.conf)"), "@file" },
        { "listen", EXPORTER_OPT_LISTEN, required_argument, "ADDR:PORT",
          N_("serve /metrics there (default 127.0.0.1:2693)"), NULL },
        { "netns", EXPORTER_OPT_NETNS, required_argument, "PATH",
          N_("inspect the network namespace at PATH (/run/netns/NAME)"), "@file" },
        { "textfile", EXPORTER_OPT_TEXTFILE, required_argument, "DIR",
          N_("write DIR/portscope.prom once, for node_exporter, and exit"), "@dir" },
        { 0 },
};

const struct cli_option diff_options[] = {
        { "all", DIFF_OPT_ALL, no_argument, NULL, N_("also unnamed blocks (Unassigned, Reserved)"),
          NULL },
        { 0 },
};

const struct cli_option export_options[] = {
        { "format", EXPORT_OPT_FORMAT, required_argument, "FORMAT",
          N_("csv (default), xml, services or json"), "csv xml services json" },
        { 0 },
};

const struct cli_option update_options[] = {
        { "fetch", UPDATE_OPT_FETCH, no_argument, NULL,
          N_("download FILE from a URL (default: IANA's XML) instead"), NULL },
        { "timeout", UPDATE_OPT_TIMEOUT, required_argument, "SECONDS",
          N_("--fetch: give up after SECONDS, 1-3600 (default 60)"), NULL },
        { 0 },
};
