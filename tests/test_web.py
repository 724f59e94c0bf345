#!/usr/bin/env python3
"""The reference site against a real server and real clients: pages, links,
well-formed HTML, headers, conditional requests, gzip, errors.

Usage: test_web.py PORTSCOPE_WEB
"""
import gzip
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, Tap, links  # noqa: E402

t = Tap()
try:
    import html5lib
except ImportError:
    html5lib = None

exe = sys.argv[1]
srv = Server(exe)

PAGES = ["/", "/ranges", "/about", "/notes", "/notes/malware", "/suggest",
         "/search", "/search?q=exchange"]


def well_formed(body):
    if html5lib is None:
        return True, None
    p = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        p.parse(body)
        return True, None
    except Exception as e:  # html5lib raises ParseError with the position
        return False, e


try:
    seen = {}
    for path in PAGES:
        st, h, body = srv.get(path)
        seen[path] = body.decode()
        t.ok(st == 200 and h.get("content-type") == "text/html; charset=utf-8",
             f"GET {path}: 200 text/html", (st, h.get("content-type")))
        if html5lib is None:
            t.skip(f"{path} is well-formed HTML", "python3-html5lib is not installed")
        else:
            good, err = well_formed(body)
            t.ok(good, f"{path} is well-formed HTML (html5lib, strict)", err)
        page = body.decode()
        t.ok("<script" not in page.replace('<script type="application/ld+json">', ""),
             f"{path} has no script but JSON-LD")
        t.ok(' style="' not in page and "<style" not in page, f"{path} has no inline style")

    # Every internal link of the home page answers 200.
    bad = []
    for link in links(seen["/"]):
        st, _, _ = srv.get(link)
        if st != 200:
            bad.append((link, st))
    t.ok(not bad, f"every internal link on / answers 200 ({len(links(seen['/']))} links)", bad)

    # Security headers on pages, errors and the API.
    for path in ["/", "/nope", "/static/style.css"]:
        st, h, _ = srv.get(path)
        csp = h.get("content-security-policy", "")
        t.ok("default-src 'none'" in csp and "frame-ancestors 'none'" in csp
             and "script-src" not in csp and "unsafe-inline" not in csp,
             f"{path}: CSP without script or inline", csp)
        t.ok(h.get("x-content-type-options") == "nosniff" and
             h.get("referrer-policy") == "same-origin", f"{path}: nosniff, Referrer-Policy")

    # Conditional requests: ETag and Last-Modified give 304.
    st, h, body = srv.get("/ranges")
    etag, lm = h.get("etag"), h.get("last-modified")
    t.ok(etag and lm, "ETag and Last-Modified on a page", h)
    st2, h2, b2 = srv.get("/ranges", {"If-None-Match": etag})
    t.ok(st2 == 304 and b2 == b"" and h2.get("etag") == etag, "If-None-Match: 304", (st2, h2))
    st2, _, _ = srv.get("/ranges", {"If-None-Match": '"other"'})
    t.ok(st2 == 200, "another ETag: 200")
    st2, _, _ = srv.get("/ranges", {"If-Modified-Since": lm})
    t.ok(st2 == 304, "If-Modified-Since the data date: 304")
    st2, _, _ = srv.get("/ranges", {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    t.ok(st2 == 200, "If-Modified-Since an older date: 200")

    # gzip only when asked, with its own validator.
    st, h, gz = srv.get("/ranges", {"Accept-Encoding": "gzip, deflate"})
    t.ok(h.get("content-encoding") == "gzip" and gzip.decompress(gz) == body,
         "gzip when asked; the same bytes once decompressed")
    t.ok(h.get("etag") != etag and "accept-encoding" in h.get("vary", "").lower(),
         "gzip has its own ETag and Vary: Accept-Encoding")
    st, h, _ = srv.get("/ranges", {"Accept-Encoding": "gzip;q=0"})
    t.ok("content-encoding" not in h, "gzip;q=0 is respected")

    # A page from the cache answers as it did when rendered, also for the
    # percent-encoded form of its path ("%31" is "1"), with HEAD, gzip and
    # 304 (a fast path for cached pages, tried, would have to pass these).
    def same(h):
        return {k: v for k, v in h.items() if k != "date"}
    srv.get("/ports/1712")
    st, h, b = srv.get("/ports/1712")
    st2, h2, b2 = srv.get("/ports/%31712")
    t.ok(st == st2 == 200 and same(h) == same(h2) and b == b2 and b"1712" in b,
         "a cached page: the same status, headers and body as through the router",
         (st, st2, set(same(h).items()) ^ set(same(h2).items())))
    st, h3, b3 = srv.request("HEAD", "/ports/1712")
    t.ok(st == 200 and b3 == b"" and same(h3) == same(h), "HEAD of a cached page: its headers")
    st, h3, b3 = srv.get("/ports/1712", {"Accept-Encoding": "gzip", "If-None-Match": h2["etag"]})
    t.ok(st == 200 and gzip.decompress(b3) == b, "a cached page: gzip, and the plain ETag "
         "does not match the gzip answer")
    st, h4, _ = srv.get("/ports/1712", {"Accept-Encoding": "gzip", "If-None-Match": h3["etag"]})
    t.ok(st == 304 and h4.get("etag") == h3["etag"], "a cached page: 304 for its gzip ETag")
    st, h, _ = srv.request("POST", "/ports/1712")
    t.ok(st == 405, "POST of a cached page still goes to the router: 405", st)
    # The English home page is cached, yet "/" still follows Accept-Language.
    srv.get("/")
    st, h, _ = srv.get("/", {"Accept-Language": "de"})
    t.ok(st == 302 and h.get("location") == "/de", "/ after caching: German readers redirected",
         (st, h.get("location")))

    # HEAD: headers only.
    st, h, b = srv.request("HEAD", "/")
    t.ok(st == 200 and b == b"" and int(h.get("content-length", "0")) > 0, "HEAD: no body")

    # Methods: 405 with Allow.
    for m in ["DELETE", "PUT", "POST", "OPTIONS"]:
        st, h, b = srv.request(m, "/ranges")
        t.ok(st == 405 and h.get("allow") == "GET, HEAD", f"{m} /ranges: 405, Allow: GET, HEAD",
             (st, h.get("allow")))

    # Errors: HTML for pages, RFC 9457 problem documents for the API.
    st, h, b = srv.get("/port/1712")
    t.ok(st == 404 and b'href="/ports/1712"' in b, "404 page suggests /ports/1712 for /port/1712")
    st, h, b = srv.get("/aboot")
    t.ok(st == 404 and b'href="/about"' in b, "404 page suggests /about for /aboot")
    st, h, b = srv.get("/api/v1/nothing")
    doc = json.loads(b) if h.get("content-type") == "application/problem+json" else {}
    t.ok(st == 404 and doc.get("status") == 404 and doc.get("type") == "about:blank"
         and doc.get("title") == "Not Found", "API 404 is a problem document", (st, h, b[:200]))
    st, h, b = srv.get("/ports/x", {"Accept": "application/problem+json"})
    t.ok(st == 404 and h.get("content-type") == "application/problem+json",
         "a client asking for problem+json gets one")
    st, h, b = srv.get("/ranges/")
    t.ok(st == 301 and h.get("location") == "/ranges", "trailing '/' redirects (301)", h)
    st, h, b = srv.get("/search?q=%ZZ")
    t.ok(st == 400, "malformed query encoding: 400")
    st, h, b = srv.get("/search?q=%C0%80")
    t.ok(st == 400, "overlong UTF-8 in a query: 400")
    st, h, b = srv.get("/search?q=1712")
    t.ok(st == 303 and h.get("location") == "/ports/1712", "searching a port number: 303")
    st, h, b = srv.get("/search?q=" + "a" * 1100)
    t.ok(st == 414, "query over the cap: 414", st)

    # Resources.
    st, h, b = srv.get("/static/style.css")
    t.ok(st == 200 and h.get("content-type", "").startswith("text/css") and
         b"prefers-color-scheme: dark" in b, "one stylesheet with a dark mode")
    st, h, b = srv.get("/robots.txt")
    t.ok(st == 200 and b"Sitemap: http://127.0.0.1:" in b, "robots.txt names the sitemap")
    st, h, b = srv.get("/sitemap.xml")
    t.ok(st == 200 and b"/ports/1712</loc>" in b and b"/ports/2194</loc>" not in b
         and b.count(b"<url>") < 50000, "sitemap lists ports with content, under 50,000 URLs")
    st, h, b = srv.get("/healthz")
    t.ok(st == 200 and b.startswith(b"ok "), "/healthz")

    # The suggester decides by registry and notes alone, never this host.
    st, _, b = srv.get("/suggest")
    t.ok(st == 200 and b"32768-60999" in b, "suggest: by the registry, Linux's default range")
finally:
    rc, log = srv.stop()
t.ok(rc == 0, "SIGTERM stops the server cleanly", rc)
lines = log.decode().splitlines()
t.ok(any('"GET /ranges HTTP/1.1" 304 0' in l for l in lines) and
     all(l.startswith("127.0.0.1 - - [") for l in lines),
     "access log on stdout in the Combined Log Format", "\n".join(lines[:3]))
t.done()
