/* SPDX-License-Identifier: MIT */
/*
 * portscope-fetch: downloads one registry file for `portscope update --fetch`.
 *
 * A program of its own so that libcurl, with the TLS and compression
 * libraries it pulls in, is loaded only by the command that needs the
 * network: every other portscope command starts without them (a port
 * lookup's whole run is shorter than loading libcurl's dependencies).
 *
 * Usage (by portscope only): portscope-fetch URL OUTFILE TIMEOUT MAXBYTES ETAG LASTMOD
 * ETAG and LASTMOD are the validators of the copy in use ("" for none),
 * sent as If-None-Match and If-Modified-Since. The body goes to OUTFILE.
 * Prints "etag VALUE" and "last-modified VALUE" lines for the new copy.
 * Exit status: 0 downloaded, 4 not modified (304), 2 the server's answer was
 * refused (HTTP error, too big, redirects), 3 no answer (offline, timeout,
 * TLS failure, I/O). One line on stderr says why.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "i18n.h"
#include "parse.h"

enum { FETCH_OK = 0, FETCH_REFUSED = 2, FETCH_FAILED = 3, FETCH_NOT_MODIFIED = 4 };

#define HEADER_MAX 512 /* validators longer than this are not kept */

struct transfer {
        int fd;
        uint64_t written, max;
        bool too_big, write_error;
        char etag[HEADER_MAX], last_modified[HEADER_MAX];
};

static int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int status, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        for (char *p = msg; *p; p++)
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                        *p = '?';
        fprintf(stderr, "portscope: %s\n", msg);
        return status;
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
        struct transfer *t = userdata;
        size_t len = size * n;
        if (t->written + len > t->max) {
                t->too_big = true;
                return 0; /* libcurl stops with CURLE_WRITE_ERROR */
        }
        for (size_t off = 0; off < len;) {
                ssize_t k = write(t->fd, data + off, len - off);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0) {
                        t->write_error = true;
                        return 0;
                }
                off += (size_t)k;
        }
        t->written += len;
        return len;
}

/* Keeps ETag and Last-Modified of the last response (after redirects). */
static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
        struct transfer *t = userdata;
        size_t len = size * n;
        if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
                t->etag[0] = t->last_modified[0] = '\0';
                return len;
        }
        static const struct {
                const char *name;
                size_t off;
        } keep[] = {
                { "etag:", offsetof(struct transfer, etag) },
                { "last-modified:", offsetof(struct transfer, last_modified) },
        };
        for (size_t i = 0; i < 2; i++) {
                size_t k = strlen(keep[i].name);
                if (len <= k || strncasecmp(data, keep[i].name, k))
                        continue;
                const char *v = data + k;
                size_t vl = len - k;
                while (vl && (*v == ' ' || *v == '\t'))
                        v++, vl--;
                while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
                        vl--;
                char *dst = (char *)t + keep[i].off;
                bool clean = vl < HEADER_MAX;
                for (size_t j = 0; j < vl && clean; j++)
                        clean = (unsigned char)v[j] >= 0x20 && v[j] != 0x7f;
                if (clean) {
                        memcpy(dst, v, vl);
                        dst[vl] = '\0';
                }
        }
        return len;
}

static const char *host_of(const char *url, char *buf, size_t size)
{
        const char *p = strstr(url, "://");
        p = p ? p + 3 : url;
        size_t n = strcspn(p, "/:?#");
        snprintf(buf, size, "%.*s", (int)n, p);
        return buf;
}

int main(int argc, char **argv)
{
        /* Its messages reach the user through portscope update --fetch. */
        ps_i18n_init();
        if (argc != 7)
                return fail(FETCH_REFUSED, _("portscope-fetch is run by portscope update --fetch"));
        const char *url = argv[1], *out = argv[2], *etag = argv[5], *lastmod = argv[6];
        unsigned timeout;
        uint64_t max;
        if (ps_parse_unsigned(argv[3], 3600, &timeout) < 0 || !timeout ||
            ps_parse_uint(argv[4], UINT64_MAX, &max) < 0)
                return fail(FETCH_REFUSED, _("portscope-fetch: bad timeout or size"));

        struct transfer t = { .max = max };
        t.fd = open(out, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
        if (t.fd < 0)
                return fail(FETCH_FAILED, "%s: %s", out, strerror(errno));
        if (curl_global_init(CURL_GLOBAL_DEFAULT))
                return fail(FETCH_FAILED, _("cannot start libcurl"));
        CURL *h = curl_easy_init();
        if (!h)
                return fail(FETCH_FAILED, _("cannot start libcurl"));
        struct curl_slist *hdrs = NULL;
        char line[HEADER_MAX + 32];
        if (*etag) {
                snprintf(line, sizeof(line), "If-None-Match: %s", etag);
                hdrs = curl_slist_append(hdrs, line);
        }
        if (*lastmod) {
                snprintf(line, sizeof(line), "If-Modified-Since: %s", lastmod);
                hdrs = curl_slist_append(hdrs, line);
        }
        char errbuf[CURL_ERROR_SIZE] = "";
        bool https = !strncasecmp(url, "https://", 8);
        curl_easy_setopt(h, CURLOPT_URL, url);
        /* Never downgrade: an https URL may only redirect to https. */
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)(timeout < 15 ? timeout : 15));
        curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout);
        curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "portscope/" PS_VERSION_STRING);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

        CURLcode rc = curl_easy_perform(h);
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        char host[256];
        host_of(url, host, sizeof(host));
        int status = FETCH_OK;
        const char *why = *errbuf ? errbuf : curl_easy_strerror(rc);
        switch (rc) {
        case CURLE_OK:
                if (code == 304)
                        status = FETCH_NOT_MODIFIED;
                else if (code != 200)
                        status = fail(FETCH_REFUSED, _("%s: the server answered HTTP %ld"), url,
                                      code);
                break;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
                status = fail(FETCH_FAILED,
                              _("cannot reach %s (%s): offline? Download the file and run "
                                "portscope update FILE"),
                              host, why);
                break;
        case CURLE_OPERATION_TIMEDOUT:
                status = fail(FETCH_FAILED, _("%s: no complete answer within %u s (--timeout)"),
                              url, timeout);
                break;
        case CURLE_TOO_MANY_REDIRECTS:
                status = fail(FETCH_REFUSED, _("%s: more than 5 redirects"), url);
                break;
        case CURLE_FILESIZE_EXCEEDED:
                t.too_big = true;
                /* fall through */
        case CURLE_WRITE_ERROR:
                if (t.too_big)
                        status = fail(FETCH_REFUSED,
                                      _("%s: larger than %llu bytes, so not a registry file"), url,
                                      (unsigned long long)max);
                else
                        status =
                                fail(FETCH_FAILED, _("%s: cannot write: %s"), out, strerror(errno));
                break;
        case CURLE_PARTIAL_FILE:
                status = fail(FETCH_FAILED, _("%s: the transfer ended early (%s)"), url, why);
                break;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
                status = fail(FETCH_FAILED, _("%s: TLS failed, nothing was used (%s)"), url, why);
                break;
        case CURLE_UNSUPPORTED_PROTOCOL:
                status = fail(FETCH_REFUSED, _("%s: only http and https URLs (%s)"), url, why);
                break;
        default:
                status = fail(FETCH_FAILED, "%s: %s", url, why);
        }
        if (status == FETCH_OK || status == FETCH_NOT_MODIFIED) {
                if (*t.etag)
                        printf("etag %s\n", t.etag);
                if (*t.last_modified)
                        printf("last-modified %s\n", t.last_modified);
        }
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(h);
        curl_global_cleanup();
        if (close(t.fd) < 0 && status == FETCH_OK)
                status = fail(FETCH_FAILED, "%s: %s", out, strerror(errno));
        if (fflush(stdout) == EOF)
                status = FETCH_FAILED;
        return status;
}
