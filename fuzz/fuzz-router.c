/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the site's router and its path and query parser
 * (src/web/routes.c). The first byte picks the method; the rest is the raw
 * request-target. Whatever it accepts must be a clean path: no '.' or '..'
 * segment, no control byte, within the caps, on a route of the table.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "OPTIONS", "G(T" };
        char target[4096];
        web_req rq;
        const web_route *route;
        const char *detail;

        if (size < 1 || size >= sizeof(target))
                return 0;
        const char *method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
        memcpy(target, data + 1, size - 1);
        target[size - 1] = '\0';
        if (strlen(target) != size - 1)
                return 0; /* the server never sees a NUL inside the target */
        char *q = strchr(target, '?');
        if (q)
                *q++ = '\0';

        int r = web_route_match(method, target, q, &rq, &route, &detail);
        if (r != 0 && r != 301 && r != 400 && r != 404 && r != 405 && r != 414)
                HARNESS_FAIL("unexpected status");
        if ((r == 400 || r == 405 || r == 301) && !detail)
                HARNESS_FAIL("refused without a reason");
        if (r != 0)
                return 0;
        if (!route)
                HARNESS_FAIL("accepted without a route");
        if (rq.path[0] != '/' || strstr(rq.path, "/../") || strstr(rq.path, "/./") ||
            strstr(rq.path, "//"))
                HARNESS_FAIL("accepted a path that climbs or has empty segments");
        size_t plen = strlen(rq.path);
        if (plen > WEB_PATH_MAX || (plen >= 3 && !strcmp(rq.path + plen - 3, "/..")))
                HARNESS_FAIL("accepted path over the cap or ending in '..'");
        for (size_t i = 0; i < plen; i++)
                if ((unsigned char)rq.path[i] <= 0x20 || (unsigned char)rq.path[i] >= 0x7f ||
                    rq.path[i] == '\\')
                        HARNESS_FAIL("a control, space, non-ASCII or '\\' byte in a path");
        if (rq.n_seg > WEB_SEGMENTS_MAX || rq.n_params > WEB_PARAMS_MAX)
                HARNESS_FAIL("over the segment or parameter cap");
        for (unsigned i = 0; i < rq.n_params; i++) {
                const char *v = rq.params[i].value;
                if (strlen(v) > WEB_PARAM_MAX)
                        HARNESS_FAIL("parameter over the cap");
                for (; *v; v++)
                        if ((unsigned char)*v < 0x20 || *v == 0x7f)
                                HARNESS_FAIL("a control byte in a parameter");
        }
        return 0;
}
