"""Shared helpers of the Python tests: TAP output for all of them; for the web
tests a real portscope-web server on a free 127.0.0.1 port (port 0, read back
from its first line) and real HTTP clients (http.client, raw sockets)."""
import http.client
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, diag=None):
        self.n += 1
        print(f"{'' if cond else 'not '}ok {self.n} - {what}", flush=True)
        if not cond:
            self.failed += 1
            if diag:
                for line in str(diag).splitlines()[:20]:
                    print(f"#   {line}")
        return cond

    def skip(self, what, why):
        self.n += 1
        print(f"ok {self.n} - {what} # SKIP {why}", flush=True)

    def done(self):
        print(f"1..{self.n}", flush=True)
        sys.exit(1 if self.failed else 0)


class Server:
    """portscope-web serve on 127.0.0.1, a free port, stopped on exit."""

    def __init__(self, exe, *args, env=None):
        e = dict(os.environ)
        # The default vote store goes to a directory of the test's own.
        self.state = tempfile.TemporaryDirectory(prefix="portscope-web-state.")
        e["XDG_STATE_HOME"] = self.state.name
        e.pop("STATE_DIRECTORY", None)
        e.update(env or {})
        self.proc = subprocess.Popen(
            [exe, "serve", "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
        # Lines before "serving" (a fault logged at start, the metrics
        # address) are kept in self.early.
        line, self.early = b"", []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.proc.stderr], [], [], 0.5)
            if r:
                # Buffered: later lines may already be read, so no more select.
                line = self.proc.stderr.readline()
                while line and b"serving http://" not in line:
                    self.early.append(line)
                    line = self.proc.stderr.readline()
                break
            if self.proc.poll() is not None:
                break
        m = re.search(rb"serving http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"server did not start: {line!r}")
        self.port = int(m.group(1))
        self.base = f"http://127.0.0.1:{self.port}"

    def request(self, method, path, headers=None, body=None, timeout=10):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers)

    def raw(self, data, timeout=5):
        """Sends bytes as they are; returns what came back before the close."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(data)
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not chunk:
                    break
                out += chunk
                if b"\r\n\r\n" in out:
                    head, _, rest = out.partition(b"\r\n\r\n")
                    m = re.search(rb"content-length: *(\d+)", head, re.I)
                    if m and len(rest) >= int(m.group(1)):
                        break
            return out
        finally:
            s.close()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        out = self.proc.stdout.read() if self.proc.stdout else b""
        return self.proc.returncode, out


def status_of(raw):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None


def links(html):
    """Internal links (href="/...") of a page, without fragments."""
    out = set()
    for m in re.finditer(r'href="(/[^"#]*)', html):
        out.add(m.group(1).replace("&amp;", "&"))
    return sorted(out)


def check_well_formed(t, body, path):
    """One TAP line: body parses as HTML5 without a single parse error."""
    try:
        import html5lib
    except ImportError:
        t.skip(f"{path} is well-formed HTML", "python3-html5lib is not installed")
        return
    try:
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(body)
        t.ok(True, f"{path} is well-formed HTML")
    except Exception as e:
        t.ok(False, f"{path} is well-formed HTML", e)


def broken_links(srv, pages):
    """The internal links of the pages (HTML strings) that do not answer 200,
    with their status, and how many links there were."""
    all_links = set()
    for page in pages:
        all_links.update(links(page))
    bad = []
    for link in sorted(all_links):
        st, _, _ = srv.get(link)
        if st != 200:
            bad.append((link, st))
    return bad, len(all_links)
