/* SPDX-License-Identifier: MIT */
/* The views ls and who share: --summary (as ss -s), --info (as ss -i) and
 * --watch (as lsof -r, printing only what changed). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sockets-view.h"
#include "util.h"

int print_summary(struct cli *c, struct sockview *v, const ps_socket *const *socks, size_t n)
{
        size_t count[_PS_PROTO_MAX][_PS_STATE_MAX] = { { 0 } }, fam[_PS_PROTO_MAX][2] = { { 0 } };
        size_t total[_PS_PROTO_MAX] = { 0 };
        unsigned used = 0;
        for (size_t i = 0; i < n; i++) {
                const ps_socket *s = socks[i];
                count[s->proto][s->state]++;
                fam[s->proto][s->family == 6]++;
                total[s->proto]++;
                used |= 1u << s->state;
        }
        if (c->json) {
                json_t *arr = json_array();
                for (int p = 0; p < _PS_PROTO_MAX; p++) {
                        if (!total[p])
                                continue;
                        json_t *st = json_object();
                        for (int k = 0; k < _PS_STATE_MAX; k++)
                                if (count[p][k])
                                        json_object_set_new(
                                                st,
                                                ps_sock_state_name((ps_sock_state)k, (ps_proto)p),
                                                json_integer((json_int_t)count[p][k]));
                        json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I, s:o}",
                                                             "protocol", ps_proto_name((ps_proto)p),
                                                             "sockets_total", (json_int_t)total[p],
                                                             "ipv4", (json_int_t)fam[p][0], "ipv6",
                                                             (json_int_t)fam[p][1], "states", st));
                }
                return json_emit(
                        json_doc("socket_summary",
                                 json_pack("{s:I, s:o, s:o}", "sockets_total", (json_int_t)n,
                                           "by_protocol", arr, "scan", json_sockets_meta(v))));
        }
        char num[PS_I18N_NUM_MAX];
        printf(ngettext("Total: %s socket\n", "Total: %s sockets\n", n),
               ps_i18n_number(num, sizeof(num), n));
        if (!n)
                return EXIT_FOUND;
        /* The headings set the first two columns' widths (6 and 7 at least). */
        const char *h_proto = _("PROTO"), *h_total = _("TOTAL");
        char pad[2][OUT_PAD_MAX];
        const char *proto = out_padded(h_proto, 6, pad[0]),
                   *tot = out_padded_right(h_total, 7, pad[1]);
        int wp = (int)out_cols(proto, strlen(proto)), wt = (int)out_cols(tot, strlen(tot));
        printf("\n%s%s %s %7s %7s", sty_bold(c), proto, tot, "IPv4", "IPv6");
        for (int k = 0; k < _PS_STATE_MAX; k++)
                if (used & 1u << k)
                        printf(" %*s", k == PS_STATE_CLOSE ? 7 : 11,
                               k == PS_STATE_CLOSE
                                       ? "UNCONN"
                                       : ps_sock_state_name((ps_sock_state)k, PS_PROTO_TCP));
        printf("%s\n", sty_off(c));
        for (int p = 0; p < _PS_PROTO_MAX; p++) {
                if (!total[p])
                        continue;
                printf("%-*s %*zu %7zu %7zu", wp, ps_proto_name((ps_proto)p), wt, total[p],
                       fam[p][0], fam[p][1]);
                for (int k = 0; k < _PS_STATE_MAX; k++)
                        if (used & 1u << k)
                                printf(" %*zu", k == PS_STATE_CLOSE ? 7 : 11, count[p][k]);
                putchar('\n');
        }
        return EXIT_FOUND;
}

const char *socket_info_text(const ps_socket *s, char *buf, size_t size)
{
        const struct ps_tcp_info *t = &s->tcp_info;
        if (s->state == PS_STATE_LISTEN) {
                snprintf(buf, size, _("accept queue %u of %u"), s->recv_queue, s->send_queue);
                return buf;
        }
        if (!s->have_tcp_info) {
                snprintf(buf, size, _("recv-q %u, send-q %u"), s->recv_queue, s->send_queue);
                return buf;
        }
        snprintf(buf, size,
                 _("recv-q %u, send-q %u, rtt %.3f/%.3f ms, rto %.0f ms, cwnd %u, mss %u, "
                   "unacked %u, lost %u, retrans %u/%u"),
                 s->recv_queue, s->send_queue, t->rtt_us / 1000.0, t->rttvar_us / 1000.0,
                 t->rto_us / 1000.0, t->snd_cwnd, t->snd_mss, t->unacked, t->lost, t->retransmits,
                 t->total_retrans);
        return buf;
}

json_t *json_socket_info(const ps_socket *s)
{
        json_t *o = json_pack("{s:I, s:I}", "recv_queue", (json_int_t)s->recv_queue, "send_queue",
                              (json_int_t)s->send_queue);
        const struct ps_tcp_info *t = &s->tcp_info;
        json_object_set_new(
                o, "tcp",
                s->have_tcp_info
                        ? json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "rtt_us",
                                    (json_int_t)t->rtt_us, "rttvar_us", (json_int_t)t->rttvar_us,
                                    "rto_us", (json_int_t)t->rto_us, "cwnd",
                                    (json_int_t)t->snd_cwnd, "mss", (json_int_t)t->snd_mss,
                                    "unacked", (json_int_t)t->unacked, "lost", (json_int_t)t->lost,
                                    "retransmits", (json_int_t)t->retransmits, "total_retransmits",
                                    (json_int_t)t->total_retrans)
                        : json_null());
        return o;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
        (void)sig;
        stop = 1;
}

/* The identity of a socket across scans: a state change is a new line. */
static int cmp_socket(const void *a, const void *b)
{
        const ps_socket *x = *(const ps_socket *const *)a, *y = *(const ps_socket *const *)b;
        if (x->proto != y->proto)
                return x->proto < y->proto ? -1 : 1;
        if (x->family != y->family)
                return x->family < y->family ? -1 : 1;
        if (x->local_port != y->local_port)
                return x->local_port < y->local_port ? -1 : 1;
        if (x->remote_port != y->remote_port)
                return x->remote_port < y->remote_port ? -1 : 1;
        if (x->state != y->state)
                return x->state < y->state ? -1 : 1;
        int r = memcmp(x->local_addr, y->local_addr, 16);
        if (!r)
                r = memcmp(x->remote_addr, y->remote_addr, 16);
        if (!r && x->inode != y->inode)
                r = x->inode < y->inode ? -1 : 1;
        if (!r && x->netns != y->netns)
                r = x->netns < y->netns ? -1 : 1;
        return r;
}

struct scan {
        struct sockview v;
        const ps_socket **socks;
        size_t n;
};

static int scan(struct cli *c, const ps_socket_query *q, sock_keep_fn keep, struct scan *ret)
{
        int r = sockview_collect(c, q, &ret->v);
        if (r < 0)
                return r;
        ret->socks = sockfilter_select(&ret->v, keep, &ret->n, NULL);
        if (!ret->socks) {
                sockview_free(&ret->v);
                return -ENOMEM;
        }
        ps_qsort(ret->socks, ret->n, sizeof(*ret->socks), cmp_socket);
        return 0;
}

static void scan_free(struct scan *s)
{
        free(s->socks);
        sockview_free(&s->v);
}

static int event(struct cli *c, struct scan *sc, const ps_socket *s, bool appeared, bool ndjson)
{
        char when[32], l[80], r[80];
        time_t now = time(NULL);
        struct tm tm;
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", localtime_r(&now, &tm));
        if (c->json || ndjson) {
                json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:o}", "schema_version",
                                      JSON_SCHEMA_VERSION, "kind", "socket_event", "event",
                                      appeared ? "appeared" : "disappeared", "time", when, "socket",
                                      json_socket(&sc->v, s, false));
                /* --watch runs for days: each event's object goes when written. */
                int written = json_line(o, "\n");
                json_decref(o);
                return written;
        }
        const ps_process *p = s->n_pids ? sockview_process(&sc->v, s->pids[0]) : NULL;
        printf("%s %s%c%s %-5s %-11s %s -> %s", when, appeared ? "" : sty_dim(c),
               appeared ? '+' : '-', sty_off(c), ps_proto_name(s->proto),
               ps_sock_state_name(s->state, s->proto), endpoint(s, false, l, sizeof(l)),
               endpoint(s, true, r, sizeof(r)));
        if (p)
                printf("  %d %s", p->pid, p->name);
        putchar('\n');
        return 0;
}

int sockets_watch(struct cli *c, const ps_socket_query *q, sock_keep_fn keep, bool ndjson)
{
        struct sigaction sa = { .sa_handler = on_signal };
        struct scan old, cur;
        int r;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        if ((r = scan(c, q, keep, &old)) < 0)
                return cli_error(EXIT_SYSTEM, _("cannot list this machine's sockets: %s"),
                                 ps_strerror(r));
        /* The first scan: every socket, as appearing. */
        for (size_t i = 0; i < old.n; i++)
                event(c, &old, old.socks[i], true, ndjson);
        if (!c->json && !ndjson) {
                char num[PS_I18N_NUM_MAX];
                printf(ngettext("-- %s socket; every %u s, until interrupted\n",
                                "-- %s sockets; every %u s, until interrupted\n", old.n),
                       ps_i18n_number(num, sizeof(num), old.n), sockfilter.watch);
        }
        fflush(stdout);
        while (!stop) {
                struct timespec ts = { .tv_sec = sockfilter.watch };
                while (!stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
                        ;
                if (stop)
                        break;
                if ((r = scan(c, q, keep, &cur)) < 0) {
                        scan_free(&old);
                        return cli_error(EXIT_SYSTEM, _("cannot list this machine's sockets: %s"),
                                         ps_strerror(r));
                }
                size_t i = 0, j = 0;
                while (i < old.n || j < cur.n) {
                        int d = i == old.n   ? 1
                                : j == cur.n ? -1
                                             : cmp_socket(&old.socks[i], &cur.socks[j]);
                        if (d < 0)
                                event(c, &old, old.socks[i++], false, ndjson);
                        else if (d > 0)
                                event(c, &cur, cur.socks[j++], true, ndjson);
                        else
                                i++, j++;
                }
                scan_free(&old);
                old = cur;
                if (fflush(stdout) == EOF || ferror(stdout)) {
                        scan_free(&old);
                        return cli_error(EXIT_SYSTEM, _("writing output failed"));
                }
        }
        scan_free(&old);
        return EXIT_FOUND;
}
