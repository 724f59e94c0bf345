/* SPDX-License-Identifier: MIT */
/*
 * The options of the commands that portscope-full runs (votes, exporter).
 * They live apart from the commands so that portscope itself can list them
 * in help, completions and option parsing without linking the commands and
 * the libraries they load.
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
