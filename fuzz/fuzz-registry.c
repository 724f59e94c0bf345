/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: what `portscope update` reads, whole: gzip detection and
 * inflation, the format sniffing, either reader, the checks, the compiler and
 * the validator.
 */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        ps_regset set;
        ps_regfmt fmt;
        char err[512];
        if (ps_read_registry_mem(data, size, &set, &fmt, err, sizeof(err)) < 0) {
                harness_check_error(err);
                return 0;
        }
        harness_compile(&set);
        return 0;
}
