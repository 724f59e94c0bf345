/* SPDX-License-Identifier: MIT */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

size_t ps_utf8_decode(const char *s, size_t n, uint32_t *ret_cp)
{
        const unsigned char *p = (const unsigned char *)s;
        uint32_t cp, min;
        size_t len;
        if (!n)
                return 0;
        if (p[0] < 0x80) {
                *ret_cp = p[0];
                return 1;
        }
        if (p[0] >= 0xc2 && p[0] <= 0xdf)
                len = 2, cp = p[0] & 0x1fu, min = 0x80;
        else if (p[0] >= 0xe0 && p[0] <= 0xef)
                len = 3, cp = p[0] & 0x0fu, min = 0x800;
        else if (p[0] >= 0xf0 && p[0] <= 0xf4)
                len = 4, cp = p[0] & 0x07u, min = 0x10000;
        else
                return 0; /* a continuation byte, C0/C1 (overlong) or F5-FF */
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (p[i] & 0x3fu);
        }
        /* Overlong forms, UTF-16 surrogates and code points past Unicode. */
        if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                return 0;
        *ret_cp = cp;
        return len;
}

bool ps_utf8_valid(const char *s, size_t n)
{
        uint32_t cp;
        for (size_t i = 0; i < n;) {
                if ((unsigned char)s[i] < 0x80) {
                        i++;
                        continue;
                }
                size_t k = ps_utf8_decode(s + i, n - i, &cp);
                if (!k)
                        return false;
                i += k;
        }
        return true;
}

bool ps_char_is_control(uint32_t cp)
{
        return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || /* Arabic letter mark */
               (cp >= 0x200e && cp <= 0x200f) ||                          /* LRM, RLM */
               (cp >= 0x2028 && cp <= 0x202e) || /* separators, embeddings, overrides */
               (cp >= 0x2066 && cp <= 0x2069) || /* isolates */
               cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

bool ps_text_valid(const char *s, size_t n, bool allow_newline)
{
        uint32_t cp;
        for (size_t i = 0; i < n;) {
                size_t k = ps_utf8_decode(s + i, n - i, &cp);
                if (!k || (ps_char_is_control(cp) && !(allow_newline && cp == '\n')))
                        return false;
                i += k;
        }
        return true;
}

size_t ps_text_sanitize(char *s)
{
        size_t n = strlen(s), out = 0, bad = 0;
        uint32_t cp;
        for (size_t i = 0; i < n;) {
                size_t k = ps_utf8_decode(s + i, n - i, &cp);
                if (!k || ps_char_is_control(cp)) {
                        s[out++] = '?';
                        i += k ? k : 1;
                        bad++;
                        continue;
                }
                memmove(s + out, s + i, k);
                out += k;
                i += k;
        }
        s[out] = '\0';
        return bad;
}

char *ps_text_sanitize_to(char *dst, size_t size, const char *src)
{
        size_t n = strnlen(src, size - 1);
        /* Cut at a character boundary, so the cut is not shown as a '?'. */
        if (src[n]) {
                size_t i = n;
                while (i > 0 && ((unsigned char)src[i] & 0xc0) == 0x80)
                        i--;
                n = i;
        }
        memcpy(dst, src, n);
        dst[n] = '\0';
        ps_text_sanitize(dst);
        return dst;
}

char *ps_text_fold_space(const char *s)
{
        char *o = malloc(strlen(s) + 1), *p = o;
        if (!o)
                return NULL;
        bool space = false;
        for (; *s; s++) {
                if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
                        space = p != o;
                        continue;
                }
                if (space)
                        *p++ = ' ';
                space = false;
                *p++ = *s;
        }
        *p = '\0';
        return o;
}
