/* SPDX-License-Identifier: MIT */
/* Port and protocol argument parsing. */
#include <errno.h>
#include <string.h>

#include "portscope/portscope.h"
#include "tap.h"

static void good(const char *s, unsigned lo, unsigned hi, ps_proto proto)
{
        ps_port_spec sp = { 99, 99, 99 };
        int r = ps_parse_port_spec(s, &sp);
        ok(r == 0 && sp.lo == lo && sp.hi == hi && sp.proto == proto, "\"%s\" parses", s);
}

static void bad(const char *s, int want)
{
        ps_port_spec sp = { 7, 7, PS_PROTO_UDP };
        int r = ps_parse_port_spec(s, &sp);
        ok(r == want && sp.lo == 7 && sp.hi == 7 && sp.proto == PS_PROTO_UDP,
           "\"%.20s\" is refused (%d) and the output untouched", s, r);
}

int main(void)
{
        char big[10001];
        good("0", 0, 0, PS_PROTO_ANY);
        good("65535", 65535, 65535, PS_PROTO_ANY);
        good("1712/tcp", 1712, 1712, PS_PROTO_TCP);
        good("53/UDP", 53, 53, PS_PROTO_UDP);
        good("9/dccp", 9, 9, PS_PROTO_DCCP);
        good("811-827", 811, 827, PS_PROTO_ANY);
        good("811-827/sctp", 811, 827, PS_PROTO_SCTP);
        good("00080", 80, 80, PS_PROTO_ANY);
        bad("65536", -ERANGE);
        bad("999999", -ERANGE);
        bad("-1", -EINVAL);
        bad("12a", -EINVAL);
        bad("0x50", -EINVAL);
        bad("5-3", -ERANGE);
        bad("", -EINVAL);
        bad(" 80", -EINVAL);
        bad("80 ", -EINVAL);
        bad("+80", -EINVAL);
        bad("80/", -EPROTONOSUPPORT);
        bad("80/xyz", -EPROTONOSUPPORT);
        bad("1-2-3", -EINVAL);
        bad("1-", -EINVAL);
        memset(big, '1', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        bad(big, -ERANGE);
        unsigned p = 5;
        ok(ps_parse_port("000065535", &p) == -ERANGE && p == 5, "more than five digits refused");
        ps_proto pr;
        ok(ps_proto_from_string("any", &pr) == 0 && pr == PS_PROTO_ANY, "\"any\" protocol");
        ok(ps_proto_from_string("icmp", &pr) == -EPROTONOSUPPORT, "icmp is not a port protocol");
        return tap_done();
}
