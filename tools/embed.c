/* SPDX-License-Identifier: MIT */
#include "embed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int embed_write_if_changed(const char *path, const void *data, size_t len)
{
        FILE *f = fopen(path, "rb");
        if (f) {
                char *old = malloc(len + 1);
                size_t n = old ? fread(old, 1, len + 1, f) : 0;
                int same = old && n == len && !memcmp(old, data, len);
                free(old);
                fclose(f);
                if (same)
                        return 0;
        }
        if (!(f = fopen(path, "wb")))
                return -errno;
        size_t n = fwrite(data, 1, len, f);
        int r = ferror(f) || n != len ? -EIO : 0;
        if (fclose(f) != 0 && !r)
                r = -errno;
        return r;
}

int embed_write_stub(const char *stub_path, const char *image_path, const char *name,
                     const void *image, size_t size)
{
        char stub[8192];
        unsigned long long h = 0xcbf29ce484222325ull; /* FNV-1a */
        for (size_t i = 0; i < size; i++)
                h = (h ^ ((const unsigned char *)image)[i]) * 0x100000001b3ull;
        if (strpbrk(image_path, "\"\\\n") ||
            strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name))
                return -EINVAL;
        int n = snprintf(stub, sizeof(stub),
                         "/* Generated at build time; embeds %s (%zu bytes, FNV-1a %016llx). */\n"
                         "        .section .rodata.portscope_%s, \"a\"\n"
                         "        .balign 64\n"
                         "        .globl ps_builtin_%s_start\n"
                         "        .hidden ps_builtin_%s_start\n"
                         "ps_builtin_%s_start:\n"
                         "        .incbin \"%s\"\n"
                         "        .globl ps_builtin_%s_end\n"
                         "        .hidden ps_builtin_%s_end\n"
                         "ps_builtin_%s_end:\n"
                         "        .section .note.GNU-stack, \"\", @progbits\n",
                         image_path, size, h, name, name, name, name, image_path, name, name, name);
        if (n < 0 || (size_t)n >= sizeof(stub))
                return -ENAMETOOLONG;
        return embed_write_if_changed(stub_path, stub, (size_t)n);
}
