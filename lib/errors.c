/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "portscope/portscope.h"
#include "util.h"

PS_EXPORT const char *ps_version(void)
{
        return PS_VERSION_STRING;
}

PS_EXPORT const char *ps_strerror(int code)
{
        switch (-code) {
        case 0:
                return "success";
        case EBADMSG:
                return "malformed data";
        case EPROTONOSUPPORT:
                return "unknown or unsupported protocol or format";
        case ERANGE:
                return "number out of range";
        case E2BIG:
                return "input exceeds a size limit";
        case EFBIG:
                return "file too large";
        default:
                return strerror(code < 0 ? -code : code);
        }
}
