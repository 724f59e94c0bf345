#!/usr/bin/env python3
"""Hostile clients against a real portscope-web: traversal (plain and
encoded), NUL, overlong URL, 10,000 headers, binary garbage, and 1,500
slow-trickle connections while a normal client must still be served within
1 s. The server must stay up and answer correctly afterwards.

Usage: test_web_hostile.py PORTSCOPE_WEB
"""
import os
import resource
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, Tap, status_of  # noqa: E402

t = Tap()
exe = sys.argv[1]
TRICKLES = 1500
DEADLINE = 2  # --request-timeout: the trickles are cut after it

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = TRICKLES + 200
if soft < want and hard >= want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    soft = want

srv = Server(exe, "--request-timeout", str(DEADLINE), "--no-access-log")
try:
    def req(target):
        return (b"GET " + target + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")

    for target in [b"/static/../../etc/passwd", b"/static/%2e%2e/%2e%2e/etc/passwd",
                   b"/static/%2E%2E%2Fetc%2Fpasswd", b"/..%2f..%2fetc/passwd",
                   b"/static/..%5c..%5cetc%5cpasswd", b"/%2e%2e/", b"/./ranges",
                   b"/static//style.css"]:
        out = srv.raw(req(target))
        st = status_of(out)
        t.ok(st in (400, 404) and b"root:" not in out, f"traversal {target.decode()}: {st}")

    for target in [b"/ran%00ges", b"/search?q=a%00b"]:
        st = status_of(srv.raw(req(target)))
        t.ok(st == 400, f"encoded NUL {target.decode()}: 400", st)
    out = srv.raw(b"GET /ranges HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\nConnection: close\r\n\r\n")
    t.ok(status_of(out) in (200, 400), "raw NUL in a header: answered", out[:80])
    out = srv.raw(b"GET /ran\x00ges HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    t.ok(status_of(out) in (400, 404, None), "raw NUL in the target: refused", out[:80])

    st = status_of(srv.raw(req(b"/" + b"a" * 5000)))
    t.ok(st == 414, "5,000-byte target: 414", st)
    st = status_of(srv.raw(req(b"/" + b"a" * 100000)))
    t.ok(st in (414, 431, None), "100,000-byte target: refused", st)

    many = b"GET / HTTP/1.1\r\nHost: t\r\n" + b"".join(
        b"X-H%d: v\r\n" % i for i in range(10000)) + b"\r\n"
    st = status_of(srv.raw(many))
    t.ok(st in (431, 413), "10,000 headers: 431", st)
    st = status_of(srv.raw(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"x" * 20000 +
                           b"\r\n\r\n"))
    t.ok(st == 431, "a 20 KB header: 431", st)

    garbage = bytes((i * 7919 + 13) % 256 for i in range(4096))
    out = srv.raw(garbage, timeout=DEADLINE + 3)
    t.ok(status_of(out) in (400, None), "binary garbage: 400 or closed", out[:60])
    out = srv.raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
                  timeout=DEADLINE + 3)
    t.ok(status_of(out) in (400, None), "a TLS hello: 400 or closed", out[:60])
    out = srv.raw(b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")
    t.ok(status_of(out) == 400, "duplicate Content-Length: 400")
    st = status_of(srv.raw(b"POST /ports/80/vote HTTP/1.1\r\nHost: t\r\nContent-Length: 99999\r\n"
                           b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"))
    t.ok(st == 413, "a body over the cap: 413", st)
    st = status_of(srv.raw(b"BREW / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"))
    t.ok(st in (404, 405), "an unknown method: 405", st)
    st = status_of(srv.raw(b"G(T / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"))
    t.ok(st == 400, "an invalid method token: 400", st)

    # Slow trickle: TRICKLES connections each send a partial request, then a
    # header line every 0.5 s. A normal client asks meanwhile; the trickles
    # are cut at the request deadline although none of them is ever idle.
    if soft < TRICKLES + 100:
        t.skip("1,500 slow-trickle connections", f"only {soft} file descriptors allowed")
    else:
        socks = []
        for i in range(TRICKLES):
            try:
                s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
                s.setblocking(False)
                s.send(b"GET / HTTP/1.1\r\nHost: t\r\n")
                socks.append(s)
            except OSError:
                break
        t.ok(len(socks) == TRICKLES, f"{len(socks)} trickle connections open")
        stop = threading.Event()

        def trickle():
            while not stop.is_set():
                for s in socks:
                    try:
                        s.send(b"X-Slow: 1\r\n")
                    except OSError:
                        pass
                stop.wait(0.5)

        th = threading.Thread(target=trickle, daemon=True)
        th.start()
        times = []
        start = time.monotonic()
        while time.monotonic() - start < DEADLINE + 1.5:
            t0 = time.monotonic()
            try:
                st, _, body = srv.get("/ranges", {"Connection": "close"})
            except OSError:
                st = None
            times.append((time.monotonic() - t0, st))
            time.sleep(0.25)
        worst = max(d for d, _ in times)
        t.ok(all(st == 200 for _, st in times) and worst < 1.0,
             f"a normal client is served during the trickle ({len(times)} requests, "
             f"slowest {worst * 1000:.0f} ms)", times)
        # By now every trickle has passed the deadline: the server cut them.
        cut = 0
        for s in socks:
            try:
                s.setblocking(True)
                s.settimeout(0.5)
                s.send(b"X-Slow: 1\r\n")
                data = s.recv(100)
                if data == b"" or data.startswith(b"HTTP/1.1 "):
                    cut += 1
            except OSError:
                cut += 1
        stop.set()
        th.join()
        for s in socks:
            s.close()
        t.ok(cut == len(socks), f"every trickle connection was cut ({cut} of {len(socks)})")

    t.ok(srv.alive(), "the server is still running")
    st, _, body = srv.get("/ranges")
    t.ok(st == 200 and b"Port ranges" in body, "and answers correctly afterwards")
finally:
    rc, _ = srv.stop()
t.ok(rc == 0, "SIGTERM stops it cleanly", rc)
t.done()
