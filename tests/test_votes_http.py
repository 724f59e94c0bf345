#!/usr/bin/env python3
"""Votes over HTTP, against a real portscope-web server, SQLite and a real
PostgreSQL 15: the form (303, same-origin check) and the API (201, tallies),
a changed vote replacing, X-Forwarded-For only from a trusted proxy, the body
cap, the rate limit; faults (a newer schema refused at start, a read-only
and a full disk, PostgreSQL stopped) answered 503 while pages are served,
with one log line per fault; and durability: 10,000 votes from 200 clients,
the server SIGKILLed mid-load and restarted, then every vote that got no
answer retried: the stored count equals the votes answered 2xx, each once.

Usage: test_votes_http.py PORTSCOPE_WEB PORTSCOPE PG_CLUSTER_SH SCHEMA_DIR
"""
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, Tap  # noqa: E402

t = Tap()
web, portscope, pg_cluster, schema_dir = sys.argv[1:5]
try:
    import jsonschema
except ImportError:
    jsonschema = None


def valid(doc, kind):
    """Whether doc matches docs/schema/KIND.schema.json; None without jsonschema."""
    if jsonschema is None:
        return None
    with open(os.path.join(schema_dir, f"{kind}.schema.json")) as f:
        try:
            jsonschema.validate(doc, json.load(f))
            return True
        except jsonschema.ValidationError as e:
            print(f"# {e.message}")
            return False
tmp = tempfile.mkdtemp(prefix="portscope-votes-http.")
os.chmod(tmp, 0o755)
mounted = []


def form(srv, port, value, headers=None, body=None):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers if headers is not None else {"Origin": srv.base})
    return srv.request("POST", f"/ports/{port}/vote", h,
                       body if body is not None else f"vote={value}")


def api(srv, port, value, xff=None, lang=None):
    h = {"Content-Type": "application/json"}
    if xff:
        h["X-Forwarded-For"] = xff
    doc = {"vote": value}
    if lang:
        doc["lang"] = lang
    st, hd, body = srv.request("POST", f"/api/v1/ports/{port}/votes", h, json.dumps(doc))
    try:
        return st, hd, json.loads(body)
    except ValueError:
        return st, hd, {}


def tally(srv, port):
    st, _, body = srv.get(f"/api/v1/ports/{port}/votes")
    return json.loads(body)["totals"] if st == 200 else None


def stored(store, pages=None):
    """The total over pages (a set of paths, or all) from `portscope votes --json`."""
    r = subprocess.run([portscope, "votes", "--votes", store, "--json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    doc = json.loads(r.stdout)
    return sum(x["total"] for x in doc["tallies"] if pages is None or x["page"] in pages)


def stop(srv):
    srv.stop()
    return srv.proc.stderr.read().decode(errors="replace")


def basics(store):
    srv = Server(web, "--no-access-log", "--votes", store, "--trusted-proxy", "127.0.0.1",
                 "--vote-rate", "5")
    try:
        st, h, _ = form(srv, 1712, "helpful")
        t.ok(st == 303 and h.get("location") == "/ports/1712?voted=helpful#vote",
             "form vote: 303 back to the page, which thanks", (st, h.get("location")))
        t.ok(tally(srv, 1712) == {"unhelpful": 0, "neutral": 0, "helpful": 1, "total": 1},
             "GET /api/v1/ports/1712/votes counts it", tally(srv, 1712))
        st, _, _ = form(srv, 1712, "unhelpful")
        t.ok(st == 303 and tally(srv, 1712)["total"] == 1 and tally(srv, 1712)["unhelpful"] == 1,
             "the same client's second vote that day replaces the first", tally(srv, 1712))
        st, _, _ = form(srv, 1712, "helpful", {"Sec-Fetch-Site": "same-origin"})
        t.ok(st == 303, "a form post with Sec-Fetch-Site: same-origin is taken", st)
        for name, hdr in [("Origin of another site", {"Origin": "http://evil.example"}),
                          ("Sec-Fetch-Site: cross-site",
                           {"Sec-Fetch-Site": "cross-site", "Origin": srv.base}),
                          ("no Origin, Referer or Sec-Fetch-Site", {})]:
            st, _, body = form(srv, 1712, "helpful", hdr)
            t.ok(st == 403 and b"cross-site" in body, f"a cross-site form post is refused: {name}",
                 (st, body[:200]))
        t.ok(tally(srv, 1712)["total"] == 1, "and nothing of them was counted")
        # A browser without Sec-Fetch-Site sends what the page's Referrer-Policy
        # allows (Fetch standard, "serializing a request origin" and the
        # referrer policy). Under no-referrer that was Origin: null and no
        # Referer, so the site refused its own form; the policy must leave
        # the CSRF check something to see.
        _, h, _ = srv.get("/ports/1712")
        policy = h.get("referrer-policy", "")
        page = srv.base + "/ports/1712"
        sent = {
            "no-referrer": {"Origin": "null"},
            "same-origin": {"Origin": srv.base, "Referer": page},
            "strict-origin": {"Origin": srv.base, "Referer": srv.base + "/"},
            "strict-origin-when-cross-origin": {"Origin": srv.base, "Referer": page},
        }.get(policy)
        # From a client of its own (through the trusted proxy): the rate limit
        # of 5 a minute stays with the votes below.
        st, _, body = form(srv, 1713, "helpful", dict(sent or {}, **{"X-Forwarded-For": "192.0.2.13"}))
        t.ok(sent is not None and st == 303,
             f"Referrer-Policy {policy}: a same-origin form post without Sec-Fetch-Site "
             "is taken", (st, body[:120]))
        st, _, _ = form(srv, 1713, "helpful", {"Origin": "null", "X-Forwarded-For": "192.0.2.13"})
        t.ok(st == 403, "Origin: null without a Referer (a cross-site post under "
             "same-origin) is refused", st)

        st, h, doc = api(srv, 80, "neutral", lang="de")
        t.ok(st == 201 and doc.get("kind") == "vote" and doc.get("page") == "/ports/80" and
             doc.get("lang") == "de" and doc.get("vote") == "neutral" and
             doc.get("replaced") is False,
             "API vote: 201 with the vote", (st, doc))
        if jsonschema is None:
            t.skip("the vote matches docs/schema/vote.schema.json", "no python3-jsonschema")
        else:
            t.ok(valid(doc, "vote"), "the vote matches docs/schema/vote.schema.json")
        st, _, doc = api(srv, 80, "helpful", lang="de")
        t.ok(st == 201 and doc.get("replaced") is True and tally(srv, 80)["total"] == 1,
             "API: a changed vote replaces", (st, doc))
        st, _, doc = api(srv, 80, "helpful", xff="192.0.2.7")
        t.ok(st == 201 and not doc.get("replaced") and tally(srv, 80)["total"] == 2,
             "behind a trusted proxy, X-Forwarded-For names the client", (st, doc))

        st, h, body = srv.request("POST", "/api/v1/ports/80/votes",
                                  {"Content-Type": "application/json"}, "{\"vote\": \"great\"}")
        t.ok(st == 400 and h.get("content-type") == "application/problem+json",
             "a bad vote: 400 problem document", (st, h.get("content-type")))
        st, _, _ = srv.request("POST", "/api/v1/ports/80/votes",
                               {"Content-Type": "text/plain"}, "{\"vote\": \"helpful\"}")
        t.ok(st == 415, "a vote that is not JSON: 415", st)
        st, _, _ = form(srv, 80, "helpful", None, "vote=helpful&pad=" + "x" * 4000)
        t.ok(st == 413, "a body over the cap: 413", st)

        codes = [api(srv, 2000 + i, "helpful", xff="198.51.100.9")[0] for i in range(6)]
        st, h, _ = api(srv, 2010, "helpful", xff="198.51.100.9")
        t.ok(codes[:5] == [201] * 5 and codes[5] == 429 and st == 429 and "retry-after" in h,
             "the sixth vote a minute from one client (--vote-rate 5): 429 with Retry-After",
             codes)
        t.ok(api(srv, 2010, "helpful", xff="198.51.100.10")[0] == 201,
             "another client is not limited by it")
        total = tally(srv, 1712)["total"] + tally(srv, 80)["total"]
        st, h, body = srv.get("/api/v1/ports/80/votes")
        t.ok(st == 200 and h.get("access-control-allow-origin") == "*",
             "GET tallies: 200, readable from other origins", (st, h))
        if jsonschema is None:
            t.skip("the tallies match docs/schema/port_votes.schema.json", "no python3-jsonschema")
        else:
            t.ok(valid(json.loads(body), "port_votes"),
                 "the tallies match docs/schema/port_votes.schema.json")
    finally:
        stop(srv)
    t.ok(stored(store, {"/ports/1712", "/ports/80"}) == total,
         "portscope votes reads what the server stored", (stored(store), total))

    # Without --trusted-proxy, X-Forwarded-For is the client's own claim.
    srv = Server(web, "--no-access-log", "--votes", store)
    try:
        api(srv, 443, "helpful", xff="203.0.113.1")
        st, _, doc = api(srv, 443, "helpful", xff="203.0.113.2")
        t.ok(st == 201 and doc.get("replaced") is True and tally(srv, 443)["total"] == 1,
             "X-Forwarded-For from a peer that is not a trusted proxy is ignored", doc)
    finally:
        stop(srv)


def newer_schema():
    path = os.path.join(tmp, "newer.db")
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    r = subprocess.run([web, "serve", "--listen", "127.0.0.1:0", "--votes", path],
                       capture_output=True, text=True, timeout=30)
    t.ok(r.returncode != 0 and "newer" in r.stderr and len(r.stderr.splitlines()) == 1,
         "a store from a newer schema: the server refuses to start, with one clear line",
         r.stderr)


def fault_lines(log):
    return [line for line in log.splitlines() if "votes:" in line]


def as_nobody():
    """portscope-web as nobody (root ignores file modes), or as is."""
    if os.geteuid() != 0:
        return web
    d = os.path.join(tmp, "bin")
    os.mkdir(d)
    shutil.copy(web, os.path.join(d, "portscope-web"))
    wrapper = os.path.join(d, "web-as-nobody")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec setpriv --reuid=nobody --regid=nogroup --clear-groups -- "
                f"{d}/portscope-web \"$@\"\n")
    os.chmod(wrapper, 0o755)
    return wrapper


def readonly_file():
    d = os.path.join(tmp, "ro")
    os.mkdir(d)
    store = os.path.join(d, "votes.db")
    exe = as_nobody()
    if os.geteuid() == 0:
        os.chown(d, 65534, 65534)
    srv = Server(exe, "--no-access-log", "--votes", store, "--trusted-proxy", "127.0.0.1")
    try:
        t.ok(api(srv, 25, "helpful", xff="10.2.0.1")[0] == 201, "a vote into a writable file")
        os.chmod(store, 0o444)
        stop(srv)
        srv = Server(exe, "--no-access-log", "--votes", store, "--trusted-proxy", "127.0.0.1")
        res = [api(srv, 25, "helpful", xff=f"10.2.1.{i}") for i in range(5)]
        t.ok(all(st == 503 and h.get("content-type") == "application/problem+json"
                 for st, h, _ in res),
             "a read-only file: API votes get a 503 problem document", [r[0] for r in res])
        st, _, body = form(srv, 25, "helpful")
        t.ok(st == 503 and b"Nothing was recorded" in body, "and the form a 503 page", st)
        t.ok(srv.get("/about")[0] == 200 and tally(srv, 25)["total"] == 1,
             "pages are served and the tally read meanwhile")
        os.chmod(store, 0o644)
        t.ok(api(srv, 25, "neutral", xff="10.2.0.2")[0] == 201,
             "writable again: votes are stored without a restart")
    finally:
        log = stop(srv)
    lines = fault_lines(log)
    t.ok(len(lines) == 2 and "read-only" in lines[0] and "stored again" in lines[1],
         "one log line for the fault and one for the recovery, not one per failed vote", log)
    t.ok(stored(store) == 2, "every acknowledged vote is stored, no other", stored(store))


def full_disk():
    fs = os.path.join(tmp, "fs")
    os.mkdir(fs)
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=512k", "portscope-votes", fs],
            capture_output=True).returncode != 0:
        t.skip("full disk under the server", "mounting a tmpfs is not allowed here")
        return
    mounted.append(fs)
    store = os.path.join(fs, "votes.db")
    srv = Server(web, "--no-access-log", "--votes", store, "--trusted-proxy", "127.0.0.1")
    try:
        t.ok(api(srv, 22, "helpful", xff="10.0.0.1")[0] == 201, "a vote on a small disk")
        try:
            with open(os.path.join(fs, "filler"), "wb") as f:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
        except OSError:
            pass
        codes = [api(srv, 22 + i, "helpful", xff=f"10.0.2.{i}")[0] for i in range(40)]
        t.ok(codes[-1] == 503 and set(codes) <= {201, 503}, "full disk: votes get 503", codes)
        acked = 1 + codes.count(201)
        t.ok(srv.get("/about")[0] == 200, "and pages are served")
        os.unlink(os.path.join(fs, "filler"))
        t.ok(api(srv, 22, "neutral", xff="10.0.0.3")[0] == 201, "space again: votes are stored")
        acked += 1
    finally:
        log = stop(srv)
    lines = fault_lines(log)
    t.ok(len(lines) == 2 and "full" in lines[0] and "stored again" in lines[1],
         "one log line for the fault and one for the recovery", log)
    t.ok(stored(store) == acked, "every acknowledged vote is stored, no other",
         (stored(store), acked))


def pg_faults(url):
    srv = Server(web, "--no-access-log", "--votes", url, "--trusted-proxy", "127.0.0.1")
    try:
        t.ok(api(srv, 5432, "helpful", xff="10.1.0.1")[0] == 201, "PostgreSQL: a vote")
        subprocess.run([pg_cluster, "stop", pgdir], check=True)
        res = [api(srv, 5432, "helpful", xff=f"10.1.1.{i}")[0] for i in range(3)]
        t.ok(res == [503] * 3, "PostgreSQL stopped: votes get 503", res)
        t.ok(srv.get("/about")[0] == 200, "and pages are served")
        subprocess.run([pg_cluster, "restart", pgdir], check=True)
        t.ok(api(srv, 5432, "helpful", xff="10.1.0.2")[0] == 201,
             "PostgreSQL back: votes are stored again without a restart")
    finally:
        log = stop(srv)
    lines = fault_lines(log)
    t.ok(len(lines) == 2 and "PostgreSQL cannot be reached" in lines[0],
         "one log line for the outage, one for the recovery", log)


class Load:
    """N votes from `clients` threads, each vote from its own address (via
    X-Forwarded-For through the trusted proxy 127.0.0.1) on one of many
    pages. outcome[i]: 2xx status, another status, or None (no answer)."""

    def __init__(self, n, first_port):
        self.n = n
        self.first_port = first_port
        self.outcome = [None] * n
        self.next = 0
        self.lock = threading.Lock()
        # The worker that receives answer number kill_at runs on_kill itself:
        # a watcher thread polling the count could wake only after the whole
        # load was answered on a fast machine.
        self.kill_at, self.on_kill, self.answered = None, None, 0

    def vote(self, i):
        return (self.first_port + i % 5000, ("unhelpful", "neutral", "helpful")[i % 3],
                f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}")

    def run(self, srv_port, todo, clients):
        queue = list(todo)

        def worker():
            c = None
            while True:
                with self.lock:
                    if not queue:
                        break
                    i = queue.pop()
                port, value, xff = self.vote(i)
                try:
                    if c is None:
                        c = http.client.HTTPConnection("127.0.0.1", srv_port, timeout=30)
                    c.request("POST", f"/api/v1/ports/{port}/votes", json.dumps({"vote": value}),
                              {"Content-Type": "application/json", "X-Forwarded-For": xff})
                    r = c.getresponse()
                    r.read()
                    self.outcome[i] = r.status
                    if 200 <= r.status < 300 and self.on_kill:
                        with self.lock:
                            self.answered += 1
                            kill = self.answered == self.kill_at
                        if kill:
                            self.on_kill()
                    if r.getheader("Connection", "").lower() == "close":
                        c.close()
                        c = None
                except (OSError, http.client.HTTPException):
                    self.outcome[i] = None
                    if c:
                        c.close()
                    c = None
            if c:
                c.close()

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for th in threads:
            th.start()
        return threads

    def acked(self):
        return sum(1 for o in self.outcome if o is not None and 200 <= o < 300)


def durability(name, store, first_port):
    n, clients = 10000, 200
    pages = {f"/ports/{first_port + i}" for i in range(5000)}
    load = Load(n, first_port)
    args = ["--no-access-log", "--votes", store, "--trusted-proxy", "127.0.0.1",
            "--vote-rate", "1000", "--max-connections", "1000"]
    srv = Server(web, *args)
    start = time.monotonic()
    # SIGKILL in the middle of the load, from the worker that gets answer n // 3.
    load.kill_at, load.on_kill = n // 3, srv.proc.kill
    threads = load.run(srv.port, range(n), clients)
    for th in threads:
        th.join()
    srv.proc.wait()
    load.on_kill = None
    for th in threads:
        th.join()
    acked = load.acked()
    unanswered = sum(1 for o in load.outcome if o is None)
    refused = [o for o in load.outcome if o is not None and not 200 <= o < 300]
    t.ok(acked >= n // 3 and acked < n and not refused,
         f"{name}: SIGKILL under load from {clients} clients after {acked} votes were answered",
         (acked, refused[:5]))
    got = stored(store, pages)
    t.ok(got is not None and acked <= got <= acked + min(unanswered, clients),
         f"{name}: after the kill every answered vote is stored ({got} stored, {acked} "
         f"answered, at most {clients} in flight)", (got, acked, unanswered))
    # Restart; every vote that got no answer is sent again, as a client would.
    srv = Server(web, *args)
    try:
        retry = [i for i, o in enumerate(load.outcome) if o is None]
        for th in load.run(srv.port, retry, clients):
            th.join()
    finally:
        stop(srv)
    acked = load.acked()
    got = stored(store, pages)
    t.ok(acked == n and got == n,
         f"{name}: after the retries the stored count equals the 2xx answers ({got} == {acked}),"
         f" each vote once", (got, acked))
    print(f"# {name}: the durability run took {time.monotonic() - start:.0f} s", flush=True)


pgdir = os.path.join(tmp, "pgc")
os.mkdir(pgdir)
try:
    basics(os.path.join(tmp, "basic.db"))
    newer_schema()
    readonly_file()
    full_disk()
    r = subprocess.run([pg_cluster, "start", pgdir], capture_output=True, text=True)
    url = r.stdout.strip() if r.returncode == 0 else None
    durability("SQLite", os.path.join(tmp, "durable.db"), 10000)
    if url:
        pg_faults(url)
        durability("PostgreSQL", url, 20000)
    else:
        t.skip("PostgreSQL faults and durability", r.stderr.strip() or "pg-cluster.sh failed")
finally:
    subprocess.run([pg_cluster, "stop", pgdir], capture_output=True)
    for m in mounted:
        subprocess.run(["umount", m], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
