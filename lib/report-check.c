/* SPDX-License-Identifier: MIT */
/* The commands that show what uses a port, per system and protocol. */
#include <stdarg.h>
#include <stdio.h>

#include "report-internal.h"

static void add(struct check_store *s, ps_os os, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void add(struct check_store *s, ps_os os, const char *fmt, ...)
{
        ps_report_check *c = &s->checks[os];
        if (c->n_commands >= 4)
                return;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->text[os][c->n_commands], sizeof(s->text[os][0]), fmt, ap);
        va_end(ap);
        s->ptr[os][c->n_commands] = s->text[os][c->n_commands];
        c->n_commands++;
}

/*
 * Which tool can filter which protocol: ss has -t, -u, -S (SCTP) and -d
 * (DCCP); lsof's -i knows only TCP and UDP; macOS and Windows have no
 * SCTP or DCCP in their kernels. Windows' netstat prints the protocol
 * first ("  TCP    0.0.0.0:135 ..."), so findstr can match it with the port;
 * /C: keeps ":135 " from matching ":1350".
 */
void report_checks(unsigned port, ps_proto proto, unsigned extra, struct check_store *s)
{
        bool any = proto == PS_PROTO_ANY;
        bool tcp = any || proto == PS_PROTO_TCP, udp = any || proto == PS_PROTO_UDP;
        bool sctp = proto == PS_PROTO_SCTP || (any && (extra & PS_PROTO_BIT(PS_PROTO_SCTP)));
        bool dccp = proto == PS_PROTO_DCCP || (any && (extra & PS_PROTO_BIT(PS_PROTO_DCCP)));
        char flags[8];
        int n = 0;

        for (int os = 0; os < _PS_OS_MAX; os++) {
                s->checks[os] = (ps_report_check){ .os = (ps_os)os, .commands = s->ptr[os] };
        }
        if (port == 0) {
                /* Nothing listens on 0: what there is to see is traffic. */
                for (int os = PS_OS_LINUX; os <= PS_OS_MACOS; os++) {
                        s->checks[os].gap = PS_CHECK_PORT_ZERO;
                        add(s, (ps_os)os, "sudo tcpdump -n 'tcp port 0 or udp port 0'");
                }
                s->checks[PS_OS_WINDOWS].gap = PS_CHECK_PORT_ZERO;
                return;
        }

        flags[n++] = '-';
        if (tcp)
                flags[n++] = 't';
        if (udp)
                flags[n++] = 'u';
        if (sctp)
                flags[n++] = 'S';
        if (dccp)
                flags[n++] = 'd';
        flags[n] = '\0';
        add(s, PS_OS_LINUX, "ss %sapn 'sport = :%u or dport = :%u'", flags, port, port);
        if (tcp && udp)
                add(s, PS_OS_LINUX, "sudo lsof -nP -i :%u", port);
        else if (tcp || udp)
                add(s, PS_OS_LINUX, "sudo lsof -nP -i%s:%u", tcp ? "TCP" : "UDP", port);

        if (tcp && udp) {
                add(s, PS_OS_MACOS, "sudo lsof -nP -i :%u", port);
                add(s, PS_OS_MACOS, "netstat -anv | grep '[.]%u '", port);
                add(s, PS_OS_WINDOWS, "netstat -ano | findstr /C:\":%u \"", port);
                add(s, PS_OS_WINDOWS,
                    "Get-NetTCPConnection -LocalPort %u | Select-Object OwningProcess", port);
                add(s, PS_OS_WINDOWS,
                    "Get-NetUDPEndpoint -LocalPort %u | Select-Object OwningProcess", port);
        } else if (tcp || udp) {
                const char *up = tcp ? "TCP" : "UDP", *low = tcp ? "tcp" : "udp";
                add(s, PS_OS_MACOS, "sudo lsof -nP -i%s:%u", up, port);
                add(s, PS_OS_MACOS, "netstat -anv -p %s | grep '[.]%u '", low, port);
                add(s, PS_OS_WINDOWS, "netstat -ano | findstr /R /C:\"%s .*:%u \"", up, port);
                add(s, PS_OS_WINDOWS, "Get-Net%s -LocalPort %u | Select-Object OwningProcess",
                    tcp ? "TCPConnection" : "UDPEndpoint", port);
        } else {
                s->checks[PS_OS_MACOS].gap = PS_CHECK_NO_PROTOCOL;
                s->checks[PS_OS_WINDOWS].gap = PS_CHECK_NO_PROTOCOL;
        }
}
