/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: IANA's CSV through the reader, the whole-set checks,
 * the compiler and the database validator.
 */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        ps_regset set;
        char err[512];
        if (ps_read_iana_csv_mem(data, size, &set, err, sizeof(err)) < 0) {
                harness_check_error(err);
                return 0;
        }
        harness_compile(&set);
        return 0;
}
