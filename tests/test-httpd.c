/* SPDX-License-Identifier: MIT */
/* The HTTP wrapper (src/shared/httpd.c) against raw sockets on 127.0.0.1:
 * keep-alive, the checks libmicrohttpd leaves out, caps, the absolute
 * request deadline, the access log, socket activation and SIGTERM. */
#include "httpd.h"
#include "tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A deferred answer, finished by another thread after delay_ms (0: at once,
 * before the handler has even returned). */
struct later {
        httpd_deferred *d;
        unsigned delay_ms;
};

static void *finish_later(void *arg)
{
        struct later *l = arg;
        struct timespec ts = { l->delay_ms / 1000, (long)(l->delay_ms % 1000) * 1000000 };
        nanosleep(&ts, NULL);
        httpd_response *r = httpd_deferred_response(l->d);
        httpd_response_status(r, 200);
        httpd_response_header(r, "Content-Type", "text/plain");
        httpd_response_body_static(r, "deferred\n", 9);
        httpd_deferred_finish(l->d);
        free(l);
        return NULL;
}

static void defer_answer(httpd_response *resp, unsigned delay_ms)
{
        struct later *l = malloc(sizeof(*l));
        pthread_t t;
        l->d = httpd_response_defer(resp);
        l->delay_ms = delay_ms;
        /* Something the handler set before deferring is dropped. */
        httpd_response_status(resp, 500);
        if (delay_ms == 0) {
                finish_later(l);
                return;
        }
        pthread_create(&t, NULL, finish_later, l);
        pthread_detach(t);
}

/* One answer prepared once and sent to every request for /prepared. */
static httpd_prepared *prepared;
static int prepared_released;

static void release_prepared(void *p)
{
        free(p);
        __atomic_add_fetch(&prepared_released, 1, __ATOMIC_SEQ_CST);
}

static void handler(const httpd_request *req, httpd_response *resp, void *userdata)
{
        char *body;
        int n;
        (void)userdata;
        if (!req->refuse && !strcmp(req->path, "/prepared")) {
                /* Something set before is dropped. */
                httpd_response_header(resp, "X-Dropped", "1");
                httpd_response_prepared(resp, prepared);
                return;
        }
        if (!req->refuse && !strcmp(req->path, "/thread")) {
                /* Which worker thread serves this connection. */
                n = asprintf(&body, "thread=%ld\n", (long)syscall(SYS_gettid));
                if (n < 0)
                        return;
                httpd_response_status(resp, 200);
                httpd_response_body_take(resp, body, (size_t)n);
                return;
        }
        if (!req->refuse && !strcmp(req->path, "/defer")) {
                defer_answer(resp, 1500);
                return;
        }
        if (!req->refuse && !strcmp(req->path, "/defer-now")) {
                defer_answer(resp, 0);
                return;
        }
        if (req->refuse) {
                httpd_response_status(resp, req->refuse);
                httpd_response_body_static(resp, "refused\n", 8);
                return;
        }
        const char *ua = httpd_request_header(req, "user-agent");
        const char *xa = httpd_request_header(req, "x-a");
        n = asprintf(&body, "%s path=%s query=%s body=%zu:%s ua=%s xa=%s\n", req->method, req->path,
                     req->query ? req->query : "-", req->body_size, (const char *)req->body,
                     ua ? ua : "-", xa ? xa : "-");
        if (n < 0)
                return;
        httpd_response_status(resp, 200);
        httpd_response_header(resp, "Content-Type", "text/plain");
        httpd_response_body_take(resp, body, (size_t)n);
}

static int connect_to(unsigned port)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                if (fd >= 0)
                        close(fd);
                return -1;
        }
        return fd;
}

/* Reads until the peer closes, a whole response with Content-Length has
 * arrived, or timeout_ms passes. Returns bytes read. */
static size_t read_response(int fd, char *buf, size_t size, int timeout_ms)
{
        size_t n = 0;
        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                if (poll(&p, 1, timeout_ms) <= 0)
                        break;
                ssize_t r = read(fd, buf + n, size - 1 - n);
                if (r <= 0)
                        break;
                n += (size_t)r;
                buf[n] = '\0';
                const char *end = strstr(buf, "\r\n\r\n");
                const char *cl = strcasestr(buf, "Content-Length:");
                if (end && cl && (size_t)(end + 4 - buf) + strtoul(cl + 15, NULL, 10) <= n)
                        break;
                if (n + 1 >= size)
                        break;
        }
        buf[n] = '\0';
        return n;
}

static bool peer_closed(int fd, int timeout_ms)
{
        char b[4096];
        struct pollfd p = { .fd = fd, .events = POLLIN };
        while (poll(&p, 1, timeout_ms) > 0) {
                ssize_t r = read(fd, b, sizeof(b));
                if (r <= 0)
                        return true;
        }
        return false;
}

static void exchange(unsigned port, const char *req, size_t len, char *buf, size_t size)
{
        int fd = connect_to(port);
        buf[0] = '\0';
        if (fd < 0)
                return;
        if (write(fd, req, len) == (ssize_t)len)
                read_response(fd, buf, size, 3000);
        close(fd);
}

static unsigned status_of(const char *resp)
{
        unsigned s = 0;
        if (sscanf(resp, "HTTP/1.%*d %u", &s) != 1)
                return 0;
        return s;
}

/* Opens n connections, then sends each `rounds` requests for /thread, every
 * connection's at once, and reads the answers. Returns how many answers
 * were 200; ret_tids gets the thread that answered each connection last. */
static int many_at_once(unsigned port, int n, int rounds, long *ret_tids)
{
        const char *req = "GET /thread HTTP/1.1\r\nHost: t\r\n\r\n";
        int *fds = calloc((size_t)n, sizeof(*fds)), good = 0;
        char buf[4096];

        for (int i = 0; i < n; i++)
                fds[i] = connect_to(port);
        for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < n; i++)
                        if (fds[i] < 0 || write(fds[i], req, strlen(req)) != (ssize_t)strlen(req))
                                fds[i] = fds[i] < 0 ? -1 : (close(fds[i]), -1);
                for (int i = 0; i < n; i++) {
                        if (fds[i] < 0)
                                continue;
                        read_response(fds[i], buf, sizeof(buf), 10000);
                        const char *t = strstr(buf, "thread=");
                        if (status_of(buf) == 200 && t) {
                                good++;
                                ret_tids[i] = strtol(t + 7, NULL, 10);
                        }
                }
        }
        for (int i = 0; i < n; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        free(fds);
        return good;
}

static void *runner(void *arg)
{
        httpd_run(arg);
        return NULL;
}

int main(void)
{
        char buf[65536];
        int logpipe[2];
        httpd *h = NULL;
        char err[256] = "";

        signal(SIGPIPE, SIG_IGN);
        if (pipe2(logpipe, O_CLOEXEC | O_NONBLOCK) < 0)
                return 1;
        /* Room for every line of the test (about 800): the log is read
         * at the end. */
        fcntl(logpipe[1], F_SETPIPE_SZ, 1 << 20);
        httpd_config cfg = {
                .listen = "127.0.0.1:0",
                .handler = handler,
                .threads = 2,
                .request_deadline_ms = 700,
                .max_body = 64,
                .access_log_fd = logpipe[1],
        };
        char *pbody = strdup("prepared\n");
        prepared = httpd_prepared_new(203, pbody, strlen(pbody), release_prepared, pbody);
        httpd_prepared_header(prepared, "X-Prepared", "yes");
        int r = httpd_start(&cfg, &h, err, sizeof(err));
        if (!ok(r == 0, "server starts on 127.0.0.1:0 (%s)", err))
                return tap_done();
        unsigned port = httpd_port(h);
        ok(port > 0, "bound port is known: %u", port);

        /* Connections are spread evenly over the worker threads: 8
         * connections held open, 4 on each of the 2 workers (when the
         * workers accepted for themselves, one often took them all). */
        long tids[256] = { 0 };
        int good = many_at_once(port, 8, 1, tids);
        int thread_answers = good;
        long t0 = tids[0], t1 = 0;
        int on0 = 0;
        for (int i = 0; i < 8; i++) {
                on0 += tids[i] == t0;
                if (tids[i] != t0)
                        t1 = tids[i];
        }
        int on1 = 0;
        for (int i = 0; i < 8; i++)
                on1 += t1 && tids[i] == t1;
        /* A sanitized build runs each thread several times slower, and the
         * split then depends on timing this check does not control. */
        const char *san = getenv("PORTSCOPE_SANITIZE");
        if (san && *san && strcmp(san, "none"))
                tap_skip("8 connections over 2 worker threads: a sanitized build");
        else
                ok(good == 8 && on0 == 4 && on1 == 4,
                   "8 connections: 4 served by each of the 2 worker threads (%d answers, %d and "
                   "%d)",
                   good, on0, on1);
        /* 256 connections whose requests all arrive at once, twice: each
         * worker then has 128 connections ready together, which filled
         * libmicrohttpd's 128 epoll slots and put its worker to sleep for
         * the idle timeout with all of them waiting. */
        good = many_at_once(port, 256, 3, tids);
        thread_answers += good;
        is_int(good, 768, "256 connections sending at once, 3 times: every request answered");

        /* Two requests on one connection: keep-alive works. */
        int fd = connect_to(port);
        const char *get = "GET /a%20b?x=1&y HTTP/1.1\r\nHost: t\r\nUser-Agent: tap\r\n\r\n";
        ssize_t w = write(fd, get, strlen(get));
        read_response(fd, buf, sizeof(buf), 3000);
        is_int(status_of(buf), 200, "GET answers 200");
        ok(strstr(buf, "path=/a%20b query=x=1&y ") != NULL, "raw path and query reach handler");
        ok(strstr(buf, "ua=tap") != NULL, "headers are looked up case-insensitively");
        w = write(fd, get, strlen(get));
        read_response(fd, buf, sizeof(buf), 3000);
        is_int(status_of(buf), 200, "second request on the same connection");
        close(fd);
        /* A header given twice: the first one, as libmicrohttpd's lookup
         * gives it (the wrapper answers common names from its own scan). */
        const char *twice = "GET /t HTTP/1.1\r\nHost: t\r\nuser-AGENT: one\r\n"
                            "User-Agent: two\r\nX-A: x1\r\nX-A: x2\r\n\r\n";
        exchange(port, twice, strlen(twice), buf, sizeof(buf));
        ok(strstr(buf, "ua=one xa=x1\n") != NULL, "a repeated header: the first one is seen");
        (void)w;

        /* Deferred answers: finished by another thread, while the worker
         * threads (2) serve other requests meanwhile. */
        const char *now = "GET /defer-now HTTP/1.1\r\nHost: t\r\n\r\n";
        exchange(port, now, strlen(now), buf, sizeof(buf));
        ok(status_of(buf) == 200 && strstr(buf, "deferred\n"),
           "an answer finished before the handler returned is sent");
        int slow[4];
        const char *dget = "GET /defer HTTP/1.1\r\nHost: t\r\n\r\n";
        for (int i = 0; i < 4; i++) {
                slow[i] = connect_to(port);
                w = write(slow[i], dget, strlen(dget));
        }
        exchange(port, get, strlen(get), buf, sizeof(buf));
        struct pollfd pf[4];
        for (int i = 0; i < 4; i++)
                pf[i] = (struct pollfd){ .fd = slow[i], .events = POLLIN };
        ok(status_of(buf) == 200 && poll(pf, 4, 0) == 0,
           "with 4 answers deferred on 2 threads, another request is served meanwhile");
        int answered = 0;
        for (int i = 0; i < 4; i++) {
                read_response(slow[i], buf, sizeof(buf), 10000);
                answered += status_of(buf) == 200 && strstr(buf, "deferred\n") != NULL;
                close(slow[i]);
        }
        is_int(answered, 4, "each deferred request gets its answer once finished");

        /* A prepared answer, sent again and again, also as HEAD; its body
         * is released only after its creator and every send let it go. */
        const char *pget = "GET /prepared HTTP/1.1\r\nHost: t\r\n\r\n";
        int sent = 0;
        for (int i = 0; i < 3; i++) {
                exchange(port, pget, strlen(pget), buf, sizeof(buf));
                sent += status_of(buf) == 203 && strstr(buf, "X-Prepared: yes") &&
                        !strstr(buf, "X-Dropped") && strstr(buf, "\r\n\r\nprepared\n");
        }
        is_int(sent, 3, "a prepared answer is sent whole to each request");
        const char *phead = "HEAD /prepared HTTP/1.1\r\nHost: t\r\n\r\n";
        exchange(port, phead, strlen(phead), buf, sizeof(buf));
        ok(status_of(buf) == 203 && strstr(buf, "\r\n\r\n")[4] == '\0',
           "HEAD of a prepared answer has no body");
        httpd_prepared_unref(prepared);
        /* The last send's reference goes when libmicrohttpd finishes that
         * request, which may be just after the client has read it. */
        for (int i = 0; i < 200 && !__atomic_load_n(&prepared_released, __ATOMIC_SEQ_CST); i++) {
                struct timespec ts = { 0, 10 * 1000000 };
                nanosleep(&ts, NULL);
        }
        is_int(__atomic_load_n(&prepared_released, __ATOMIC_SEQ_CST), 1,
               "its body is released once its creator and the sends drop it");

        const char *head = "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n";
        exchange(port, head, strlen(head), buf, sizeof(buf));
        ok(status_of(buf) == 200 && strstr(buf, "\r\n\r\n")[4] == '\0', "HEAD has no body");

        const char *post = "POST /v HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello";
        exchange(port, post, strlen(post), buf, sizeof(buf));
        ok(strstr(buf, "body=5:hello") != NULL, "POST body reaches the handler");

        const char *big = "POST /v HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n";
        exchange(port, big, strlen(big), buf, sizeof(buf));
        is_int(status_of(buf), 413, "body over the cap: 413");

        const char *chunked = "POST /v HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "50\r\n01234567890123456789012345678901234567890123456789012345678"
                              "901234567890123456789\r\n0\r\n\r\n";
        exchange(port, chunked, strlen(chunked), buf, sizeof(buf));
        is_int(status_of(buf), 413, "chunked body over the cap: 413");

        const char *space = "GET /a b HTTP/1.1\r\nHost: t\r\n\r\n";
        exchange(port, space, strlen(space), buf, sizeof(buf));
        ok(status_of(buf) == 400 || status_of(buf) == 505 || buf[0] == '\0',
           "space in the target is refused (%u)", status_of(buf));

        const char nul[] = "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n";
        exchange(port, nul, sizeof(nul) - 1, buf, sizeof(buf));
        /* libmicrohttpd 0.9 ends the value at the NUL; nothing after it
         * may reach the handler. */
        ok(status_of(buf) == 400 || (status_of(buf) == 200 && strstr(buf, "xa=a\n")),
           "NUL in a header value: refused or cut there (%u)", status_of(buf));

        const char *badm = "G(T / HTTP/1.1\r\nHost: t\r\n\r\n";
        exchange(port, badm, strlen(badm), buf, sizeof(buf));
        is_int(status_of(buf), 400, "invalid method token: 400");

        const char *nohost = "GET / HTTP/1.1\r\n\r\n";
        exchange(port, nohost, strlen(nohost), buf, sizeof(buf));
        is_int(status_of(buf), 400, "HTTP/1.1 without Host: 400");

        const char *twocl = "POST /v HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
                            "Content-Length: 2\r\n\r\nab";
        exchange(port, twocl, strlen(twocl), buf, sizeof(buf));
        is_int(status_of(buf), 400, "duplicate Content-Length: 400");

        char *longurl = malloc(5000);
        memcpy(longurl, "GET /", 5);
        memset(longurl + 5, 'a', 3000);
        strcpy(longurl + 3005, " HTTP/1.1\r\nHost: t\r\n\r\n");
        exchange(port, longurl, strlen(longurl), buf, sizeof(buf));
        is_int(status_of(buf), 414, "target over the cap: 414");
        free(longurl);

        size_t hlen = 0;
        char *many = malloc(200000);
        hlen += (size_t)sprintf(many, "GET / HTTP/1.1\r\nHost: t\r\n");
        for (int i = 0; i < 10000; i++)
                hlen += (size_t)sprintf(many + hlen, "X-%d: v\r\n", i);
        hlen += (size_t)sprintf(many + hlen, "\r\n");
        exchange(port, many, hlen, buf, sizeof(buf));
        ok(status_of(buf) == 431 || status_of(buf) == 413, "10,000 headers refused (%u)",
           status_of(buf));
        hlen = (size_t)sprintf(many, "GET / HTTP/1.1\r\nHost: t\r\n");
        for (int i = 0; i < 150; i++)
                hlen += (size_t)sprintf(many + hlen, "X-%d: v\r\n", i);
        hlen += (size_t)sprintf(many + hlen, "\r\n");
        exchange(port, many, hlen, buf, sizeof(buf));
        is_int(status_of(buf), 431, "150 headers (over the cap, inside the pool): 431");
        free(many);

        /* A client that sends one header line every 200 ms never goes
         * idle, but the absolute deadline (700 ms) still cuts it. */
        fd = connect_to(port);
        w = write(fd, "GET / HTTP/1.1\r\n", 16);
        bool cut = false;
        for (int i = 0; i < 25 && !cut; i++) {
                struct timespec ts = { 0, 200 * 1000000 };
                nanosleep(&ts, NULL);
                if (write(fd, "X-Slow: 1\r\n", 11) < 0)
                        cut = true;
                else
                        cut = peer_closed(fd, 0);
        }
        ok(cut, "slow-trickle client is cut off by the request deadline");
        close(fd);

        /* An idle keep-alive connection is cut too; a fresh one works. */
        exchange(port, get, strlen(get), buf, sizeof(buf));
        is_int(status_of(buf), 200, "server still answers after the hostile requests");

        /* The access log: one Combined Log Format line per answered request.
         * A worker writes its lines in batches, at the latest when it has
         * nothing else to do: wait for them (up to 10 s). */
        static char logbuf[1 << 18];
        size_t logged = 0;
        for (int i = 0; i < 1000; i++) {
                ssize_t ln = read(logpipe[0], logbuf + logged, sizeof(logbuf) - 1 - logged);
                if (ln > 0)
                        logged += (size_t)ln;
                logbuf[logged] = '\0';
                if (ln <= 0 && strstr(logbuf, "\"- / HTTP/1.1\" 400"))
                        break;
                if (ln <= 0) {
                        struct timespec ts = { 0, 10 * 1000000 };
                        nanosleep(&ts, NULL);
                }
        }
        ok(strstr(logbuf, "127.0.0.1 - - [") &&
                   strstr(logbuf, "\"GET /a%20b?x=1&y HTTP/1.1\" 200 ") &&
                   strstr(logbuf, "\"tap\"\n"),
           "access log has Combined Log Format lines");
        ok(strstr(logbuf, "\"- / HTTP/1.1\" 400") != NULL, "an invalid method is logged as '-'");
        /* Both workers' batches arrive whole: every line is complete, and
         * each of the 776 answered /thread requests has its line once. */
        int lines = 0, whole = 0, threads = 0;
        for (char *l = logbuf; *l;) {
                char *nl = strchr(l, '\n');
                lines++;
                whole += nl && !strncmp(l, "127.0.0.1 - - [", 15);
                if (nl && strstr(l, "\"GET /thread HTTP/1.1\" 200 ") &&
                    strstr(l, "\"GET /thread HTTP/1.1\" 200 ") < nl)
                        threads++;
                l = nl ? nl + 1 : l + strlen(l);
        }
        ok(lines > 0 && whole == lines, "every access log line is whole (%d of %d)", whole, lines);
        is_int(threads, thread_answers, "each answered request has exactly one access log line");

        /* A request answered just before SIGTERM is in the log once the
         * server has stopped: buffered lines are written on the way out. */
        const char *last = "GET /last-before-stop HTTP/1.1\r\nHost: t\r\n\r\n";
        exchange(port, last, strlen(last), buf, sizeof(buf));

        /* SIGTERM: httpd_run() stops accepting and returns. */
        pthread_t t;
        pthread_create(&t, NULL, runner, h);
        struct timespec ts = { 0, 50 * 1000000 };
        nanosleep(&ts, NULL);
        kill(getpid(), SIGTERM);
        pthread_join(t, NULL);
        ok(connect_to(port) < 0, "SIGTERM stops the server");
        logged = 0;
        for (ssize_t ln; (ln = read(logpipe[0], logbuf + logged, sizeof(logbuf) - 1 - logged)) > 0;)
                logged += (size_t)ln;
        logbuf[logged] = '\0';
        char *lastline = strstr(logbuf, "\"GET /last-before-stop HTTP/1.1\" ");
        ok(lastline && strchr(lastline, '\n') &&
                   !strstr(strchr(lastline, '\n'), "/last-before-stop"),
           "the last request before SIGTERM is logged once, by the time the server has stopped");

        /* Socket activation: a listening socket on fd 3 and LISTEN_PID. */
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET };
        inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        socklen_t sl = sizeof(sa);
        if (s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(s, 16) == 0 &&
            getsockname(s, (struct sockaddr *)&sa, &sl) == 0 && dup2(s, 3) == 3) {
                char pid[32];
                snprintf(pid, sizeof(pid), "%d", (int)getpid());
                setenv("LISTEN_PID", pid, 1);
                setenv("LISTEN_FDS", "1", 1);
                cfg.listen = "not an address";
                r = httpd_start(&cfg, &h, err, sizeof(err));
                ok(r == 0 && httpd_socket_activated(h) && httpd_port(h) == ntohs(sa.sin_port),
                   "LISTEN_FDS: serves the socket systemd passed");
                if (r == 0) {
                        exchange(ntohs(sa.sin_port), get, strlen(get), buf, sizeof(buf));
                        is_int(status_of(buf), 200, "socket-activated server answers");
                        httpd_free(h);
                }
                if (s != 3)
                        close(s);
        } else
                tap_skip("cannot prepare a socket on fd 3");

        cfg.listen = "127.0.0.1:99999";
        r = httpd_start(&cfg, &h, err, sizeof(err));
        ok(r == -EINVAL && strstr(err, "invalid port"), "bad listen port: -EINVAL, '%s'", err);
        cfg.listen = "localhost:80";
        r = httpd_start(&cfg, &h, err, sizeof(err));
        ok(r == -EINVAL, "host names are refused: '%s'", err);
        return tap_done();
}
