#!/usr/bin/env python3
"""docs/hosting/ against a real nginx: the static export served with
nginx-static.conf gives the headers `portscope-web serve` gives, the pages
byte for byte, and each language's 404 page; nginx-dynamic.conf passes the
search, the API and a vote to a real portscope-web behind. Skips, and says
so, without nginx.

Usage: test_hosting.py PORTSCOPE-WEB SOURCE-ROOT
"""
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, Tap  # noqa: E402

exe, root = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
t = Tap()
nginx = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
if not nginx:
    print("1..0 # SKIP nginx is not installed (Debian: nginx-light or nginx)")
    sys.exit(0)

SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy",
            "x-frame-options", "cross-origin-opener-policy", "cache-control")

tmp = tempfile.mkdtemp(prefix="portscope-hosting.")
os.chmod(tmp, 0o755)  # nginx's workers run as nobody when started by root
site = os.path.join(tmp, "site")
p = subprocess.run([exe, "site", "--out", site, "--ports", "22,1712", "--languages", "en,de",
                    "--base-url", "https://ports.example.org"],
                   capture_output=True, text=True, timeout=300)
t.ok(p.returncode == 0, "the export for nginx", p.stderr[-300:])
for a, dirs, fs in os.walk(tmp):
    for x in dirs:
        os.chmod(os.path.join(a, x), 0o755)

backend = Server(exe, "--no-access-log", "--base-url", "https://ports.example.org",
                 "--trusted-proxy", "127.0.0.1")
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
with open(os.path.join(tmp, "nginx.conf"), "w") as f:
    f.write(f"""
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
        access_log off;
        client_body_temp_path {tmp}/body;
        proxy_temp_path {tmp}/proxy;
        fastcgi_temp_path {tmp}/fastcgi;
        uwsgi_temp_path {tmp}/uwsgi;
        scgi_temp_path {tmp}/scgi;
        upstream portscope_web {{ server 127.0.0.1:{backend.port}; keepalive 4; }}
        server {{
                listen 127.0.0.1:{port};
                root {site};
                include {root}/docs/hosting/nginx-static.conf;
                include {root}/docs/hosting/nginx-dynamic.conf;
        }}
}}
""")
p = subprocess.run([nginx, "-c", f"{tmp}/nginx.conf", "-p", tmp, "-e", f"{tmp}/error.log"],
                   capture_output=True, text=True)
started = p.returncode == 0
# A warning (a duplicate MIME type, a directive in the wrong place) is what a
# deployment's `nginx -t` would show its operator too.
t.ok(started and "[warn]" not in p.stderr,
     "nginx starts with docs/hosting/nginx-static.conf and nginx-dynamic.conf, without warnings",
     p.stderr[-500:])


def get(path, method="GET", headers=None, body=None):
    for _ in range(50):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        except ConnectionRefusedError:
            time.sleep(0.1)
    raise RuntimeError("nginx does not answer")


try:
    if started:
        for path in ("/ports/1712", "/de/ports/22", "/", "/de", "/static/style.css",
                     "/services/ssh", "/ports/0-1023"):
            st, h, b = get(path)
            sst, sh, sb = backend.get(path)
            same = {k: (h.get(k), sh.get(k)) for k in SECURITY + ("content-type",)
                    if h.get(k) != sh.get(k)}
            t.ok(st == 200 and sst == 200 and not same and b == sb,
                 f"{path}: the server's page, byte for byte, with its headers", (st, sst, same))
        for path, lang in (("/ports/9", 'lang="en"'), ("/de/ports/9", 'lang="de"'),
                           ("/de/nowhere", 'lang="de"')):
            st, h, b = get(path)
            t.ok(st == 404 and lang.encode() in b and
                 h.get("content-security-policy") == backend.get("/")[1]["content-security-policy"],
                 f"{path}: 404 with the {lang} not-found page and the security headers")
        st, h, b = get("/search?q=ssh")
        t.ok(st == 200 and b"ssh" in b and h.get("content-security-policy", "").count("default-src") == 1,
             "/search through nginx-dynamic.conf: the server's answer, its headers once")
        st, h, b = get("/api/v1/ports/22")
        t.ok(st == 200 and h.get("content-type", "").startswith("application/json"),
             "/api/v1/ports/22 through nginx: JSON")
        st, h, b = get("/ports/1712/vote", "POST",
                       {"Content-Type": "application/x-www-form-urlencoded",
                        "Origin": f"http://127.0.0.1:{port}"}, "vote=helpful")
        t.ok(st == 303, "a vote through nginx: 303, the server's answer to the form", (st, b[:200]))
        st, _, _ = get("/healthz")
        t.ok(st == 200, "/healthz through nginx")
finally:
    if os.path.exists(f"{tmp}/nginx.pid"):
        with open(f"{tmp}/nginx.pid") as f:
            pid = int(f.read())
        subprocess.run([nginx, "-c", f"{tmp}/nginx.conf", "-p", tmp, "-s", "quit"],
                       capture_output=True)
        for _ in range(50):
            try:
                os.kill(pid, 0)
                time.sleep(0.1)
            except ProcessLookupError:
                break
    backend.stop()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
