/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the port, range and protocol argument parser. A spec
 * it accepts must be in range and must read back the same once printed.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char s[64], again[64];
        if (size >= sizeof(s))
                return 0; /* longer arguments are refused before parsing */
        memcpy(s, data, size);
        s[size] = '\0';
        ps_port_spec sp = { 1, 2, PS_PROTO_UDP }, sp2;
        int r = ps_parse_port_spec(s, &sp);
        if (r < 0) {
                if (sp.lo != 1 || sp.hi != 2 || sp.proto != PS_PROTO_UDP)
                        HARNESS_FAIL("output written on failure");
                return 0;
        }
        if (sp.lo > sp.hi || sp.hi > 65535 ||
            (sp.proto != PS_PROTO_ANY && (unsigned)sp.proto >= _PS_PROTO_MAX))
                HARNESS_FAIL("accepted an out-of-range spec");
        if (sp.proto == PS_PROTO_ANY)
                snprintf(again, sizeof(again), "%u-%u", sp.lo, sp.hi);
        else
                snprintf(again, sizeof(again), "%u-%u/%s", sp.lo, sp.hi, ps_proto_name(sp.proto));
        if (ps_parse_port_spec(again, &sp2) < 0 || sp2.lo != sp.lo || sp2.hi != sp.hi ||
            sp2.proto != sp.proto)
                HARNESS_FAIL("a printed spec does not read back");
        unsigned lo, hi;
        if (ps_parse_port_field(s, &lo, &hi) == 0 && (lo > hi || hi > 65535))
                HARNESS_FAIL("port field out of range");
        return 0;
}
