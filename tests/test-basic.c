/* SPDX-License-Identifier: MIT */
/* lib/basic/: the one UTF-8 checker and sanitizer, number parser and file I/O. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "parse.h"
#include "tap.h"
#include "utf8.h"

static void utf8_cases(void)
{
        static const struct {
                const char *s;
                int valid;
                const char *what;
        } cases[] = {
                { "plain", 1, "ASCII" },
                { "caf\xc3\xa9", 1, "two-byte" },
                { "\xe2\x82\xac", 1, "three-byte" },
                { "\xf0\x9f\x98\x80", 1, "four-byte" },
                { "\xf4\x8f\xbf\xbf", 1, "U+10FFFF" },
                { "\xed\xa0\x80x", 0, "a surrogate (issue 10 item 1)" },
                { "\xed\xbf\xbf", 0, "the last surrogate" },
                { "\xe0\x80\xaf", 0, "an overlong '/' (issue 10 item 1)" },
                { "\xc0\xaf", 0, "a two-byte overlong" },
                { "\xf0\x80\x80\xaf", 0, "a four-byte overlong" },
                { "\xf4\x90\x80\x80", 0, "past U+10FFFF (issue 10 item 1)" },
                { "\xe2\x82", 0, "truncated" },
                { "\x80", 0, "a lone continuation byte" },
                { "\xff", 0, "0xff" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                ok(ps_utf8_valid(cases[i].s, strlen(cases[i].s)) == cases[i].valid, "utf8: %s %s",
                   cases[i].what, cases[i].valid ? "is valid" : "is refused");
}

static void sanitize_case(const char *in, const char *want, const char *what)
{
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", in);
        ps_text_sanitize(buf);
        is_str(buf, want, what);
}

static void sanitize_cases(void)
{
        sanitize_case("nginx", "nginx", "sanitize: plain text stays");
        sanitize_case("caf\xc3\xa9", "caf\xc3\xa9", "sanitize: UTF-8 stays");
        sanitize_case("a\nb\tc\x1b[31m", "a?b?c?[31m", "sanitize: C0 shown as '?'");
        sanitize_case("x\x7fy", "x?y", "sanitize: DEL");
        sanitize_case("\xc2\x9b"
                      "31m\xc2\x9d"
                      "0;t\xc2\x9c",
                      "?31m?0;t?", "sanitize: C1 CSI, OSC, ST (issue 10 item 6)");
        sanitize_case("evil\xe2\x80\xaetxt.exe", "evil?txt.exe",
                      "sanitize: U+202E right-to-left override (item 6)");
        sanitize_case("\xe2\x81\xa6x\xe2\x81\xa9", "?x?", "sanitize: isolates U+2066..U+2069");
        sanitize_case("\xed\xa0\x80x", "???x", "sanitize: a surrogate, byte by byte");
        sanitize_case("\xf4\x90\x80\x80", "????", "sanitize: past U+10FFFF");
        sanitize_case("ab\xe2\x82", "ab??", "sanitize: a cut character");
        ok(ps_text_valid("a\nb", 3, true) && !ps_text_valid("a\nb", 3, false),
           "text_valid: a newline only where allowed");
        ok(!ps_text_valid("\xc2\x85", 2, true), "text_valid: C1 NEL is not a newline");

        char small[6];
        is_str(ps_text_sanitize_to(small, sizeof(small), "abc\xe2\x82\xac"), "abc",
               "sanitize_to: cut before a character that does not fit");
        is_str(ps_text_sanitize_to(small, sizeof(small), "a\x1b"), "a?", "sanitize_to: copies");
}

static void parse_cases(void)
{
        uint64_t v = 7;
        unsigned u = 7;
        ok(ps_parse_uint("0", 10, &v) == 0 && v == 0, "parse: 0");
        ok(ps_parse_uint("18446744073709551615", UINT64_MAX, &v) == 0 && v == UINT64_MAX,
           "parse: UINT64_MAX");
        v = 7;
        ok(ps_parse_uint("18446744073709551616", UINT64_MAX, &v) == -ERANGE && v == 7,
           "parse: UINT64_MAX + 1 is out of range, output untouched");
        ok(ps_parse_uint("99999999999999999999999x", UINT64_MAX, &v) == -EINVAL,
           "parse: digits then junk are not a number, however long");
        static const char *bad[] = { "", "-1", "+1", " 1", "1 ", "0x10", "1e3", "1.0", "١" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ok(ps_parse_uint(bad[i], 1000, &v) == -EINVAL && v == 7, "parse: \"%s\" refused",
                   bad[i]);
        ok(ps_parse_uint(NULL, 1, &v) == -EINVAL, "parse: NULL refused");
        ok(ps_parse_uint("101", 100, &v) == -ERANGE, "parse: above max");
        ok(ps_parse_uint_n("12345", 3, 1000, &v) == 0 && v == 123, "parse_n: a prefix");
        ok(ps_parse_unsigned("100", 100, &u) == 0 && u == 100, "parse_unsigned: max itself");
        ok(ps_parse_port_n("65535", 5, &u) == 0 && u == 65535, "port: 65535");
        ok(ps_parse_port_n("000080", 6, &u) == -ERANGE, "port: six digits (000080) refused");
        ok(ps_parse_port_n("65536", 5, &u) == -ERANGE, "port: 65536 out of range");
}

static void fileio_cases(void)
{
        char dir[] = "/tmp/ps-basic-XXXXXX", path[256], *buf = NULL;
        size_t len = 0;
        int r;
        if (!mkdtemp(dir)) {
                tap_skip("no temporary directory");
                return;
        }
        snprintf(path, sizeof(path), "%s/fifo", dir);
        if (mkfifo(path, 0600) == 0) {
                /* Before: open() waited for a writer forever (issue 10 item 5). */
                r = ps_read_full(path, 100, 0, &buf, &len);
                is_int(r, -EINVAL, "read_full: a FIFO is refused at once (item 5)");
                r = ps_read_full(path, 100, PS_READ_TRUNCATE, &buf, &len);
                is_int(r, -EINVAL, "read_full: also when truncating");
                int fd = ps_open_regular_at(AT_FDCWD, path, 0, NULL);
                is_int(fd, -EINVAL, "open_regular: a FIFO is refused");
                unlink(path);
        } else {
                tap_skip("mkfifo failed");
        }
        is_int(ps_read_full(dir, 100, 0, &buf, &len), -EISDIR, "read_full: a directory");
        is_int(ps_read_full("/dev/null", 100, 0, &buf, &len), -EINVAL,
               "read_full: a device is refused");
        r = ps_read_full_at(AT_FDCWD, "/dev/null", 100, PS_READ_ANY_TYPE, &buf, &len, NULL);
        ok(r == 0 && len == 0 && buf && !*buf, "read_full: a device when the user named it");
        free(buf);

        snprintf(path, sizeof(path), "%s/file", dir);
        r = ps_write_atomic(path, "hello world", 11, 0640);
        struct stat st;
        ok(r == 0 && stat(path, &st) == 0 && (st.st_mode & 07777) == 0640 && st.st_size == 11,
           "write_atomic: written with its mode");
        r = ps_write_atomic(path, "bye", 3, 0600);
        buf = NULL;
        ok(r == 0 && ps_read_full(path, 100, 0, &buf, &len) == 0 && len == 3 && !strcmp(buf, "bye"),
           "write_atomic: replaces, read_full reads it back");
        free(buf);
        r = ps_read_full(path, 2, 0, &buf, &len);
        is_int(r, -EFBIG, "read_full: over the cap is -EFBIG");
        r = ps_read_full(path, 3, 0, &buf, &len);
        ok(r == 0 && len == 3, "read_full: exactly the cap is fine");
        free(buf);
        r = ps_read_full(path, 2, PS_READ_TRUNCATE, &buf, &len);
        ok(r == 1 && len == 2 && !strcmp(buf, "by"), "read_full: truncated says so");
        free(buf);
        r = ps_read_full(path, 4, 0, &buf, &len);
        ok(r == 0 && len == 3 && !strcmp(buf, "bye"), "read_full: a byte under the cap");
        free(buf);
        /* Read whole with one buffer of its size and a byte (no realloc). */
        char big[10000];
        for (size_t i = 0; i < sizeof(big); i++)
                big[i] = (char)('a' + i % 26);
        r = ps_write_atomic(path, big, sizeof(big), 0600);
        ok(r == 0 && ps_read_full(path, 1 << 20, 0, &buf, &len) == 0 && len == sizeof(big) &&
                   !memcmp(buf, big, sizeof(big)) && buf[len] == '\0',
           "read_full: a file of 10,000 bytes, NUL-terminated");
        free(buf);
        r = ps_read_full("/proc/self/status", 1 << 20, 0, &buf, &len);
        ok(r == 0 && len > 0 && strstr(buf, "Uid:"), "read_full: /proc files (size 0) read whole");
        free(buf);
        snprintf(path, sizeof(path), "%s/no/such/dir/file", dir);
        ok(ps_write_atomic(path, "x", 1, 0600) == -ENOENT, "write_atomic: a missing directory");
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "ls -A %s | grep -c tmp >/dev/null", dir);
        ok(system(cmd) != 0, "write_atomic: no temporary file left behind");

        st.st_uid = geteuid();
        st.st_gid = getegid();
        st.st_mode = S_IFREG | 0644;
        ok(ps_stat_trusted(&st), "trusted: the user's own file");
        st.st_mode = S_IFREG | 0646;
        ok(!ps_stat_trusted(&st), "trusted: not when others may write it");
        st.st_mode = S_IFREG | 0644;
        st.st_uid = geteuid() + 1;
        ok(geteuid() + 1 == 0 || !ps_stat_trusted(&st), "trusted: not another user's");
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0)
                printf("# could not remove %s\n", dir);
}

int main(void)
{
        utf8_cases();
        sanitize_cases();
        parse_cases();
        fileio_cases();
        return tap_done();
}
