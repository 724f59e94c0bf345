/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the per-user prevalence cache as a forger would write it.
 * The input is the cache file; the harness makes its checksums and its key (the
 * source's path, device, inode, size and time) agree with the bytes, so the
 * fuzzer reaches the section checks and lookups behind them.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "prevalence-internal.h"
#include "utf8.h"

static char dir[64], file[96];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct cache_header h;
        struct stat st = { 0 };
        char source[4097];
        if (!*dir) {
                snprintf(dir, sizeof(dir), "/tmp/fuzz-prevcache-XXXXXX");
                if (!mkdtemp(dir))
                        HARNESS_FAIL("no temporary directory");
                snprintf(file, sizeof(file), "%s/cache", dir);
        }
        uint8_t *img = malloc(size ? size : 1);
        if (!img)
                return 0;
        memcpy(img, data, size);
        if (size >= sizeof(h)) {
                memcpy(&h, img, sizeof(h));
                h.file_size = size;
                size_t pl = h.path_len < sizeof(source) - 1 ? h.path_len : sizeof(source) - 1;
                if (sizeof(h) + pl > size)
                        pl = size - sizeof(h);
                memcpy(source, img + sizeof(h), pl);
                source[pl] = '\0';
                st.st_dev = (dev_t)h.dev;
                st.st_ino = (ino_t)h.ino;
                st.st_size = (off_t)h.size;
                st.st_mtim.tv_sec = (time_t)h.mtime_sec;
                st.st_mtim.tv_nsec = (long)h.mtime_nsec;
                memcpy(img, &h, sizeof(h));
                /* The sums agree with the bytes whenever the layout fits the size. */
                (void)ps_prevcache_seal(img, size);
        } else {
                snprintf(source, sizeof(source), "/x");
        }
        int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || write(fd, img, size) != (ssize_t)size)
                HARNESS_FAIL("cannot write the cache file");
        close(fd);
        free(img);
        static const unsigned ports[] = { 0, 22, 80, 443, 65535 };
        for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
                ps_prevalence_entry e[_PS_PROTO_MAX];
                int n = ps_prevcache_read(file, source, &st, ports[i], e, _PS_PROTO_MAX);
                for (int k = 0; k < n; k++) {
                        if (e[k].port != ports[i] || e[k].frequency < 0 || e[k].frequency > 1 ||
                            !memchr(e[k].service, '\0', sizeof(e[k].service)))
                                HARNESS_FAIL("an accepted cache gives an impossible entry");
                        if (!ps_text_valid(e[k].service, strlen(e[k].service), false))
                                HARNESS_FAIL("a service name from the cache is not clean text");
                }
        }
        return 0;
}
