#!/usr/bin/env python3
"""The site's own metrics (portscope-web serve --metrics-listen): votes
counted by result and by value, the vote store's faults, served in
Prometheus text (checked by promtool when installed) and OpenMetrics on a
loopback listener of their own, never on the public one.

Usage: test_web_metrics.py PORTSCOPE_WEB
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, Tap  # noqa: E402

t = Tap()
web = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="portscope-web-metrics.")


def metrics_url(srv):
    for line in srv.early:
        m = re.search(rb"metrics at (http://127\.0\.0\.1:\d+/metrics)", line)
        if m:
            return m.group(1).decode()
    return None


def scrape(url, accept=None):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def samples(text):
    """{'name{labels}': value} of a text exposition."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            out[k] = float(v)
    return out


def vote(srv, port, value, headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    st, _, _ = srv.request("POST", f"/api/v1/ports/{port}/votes", h, json.dumps({"vote": value}))
    return st


try:
    # Only loopback: the metrics are this machine's Prometheus's, not the public's.
    p = subprocess.run([web, "serve", "--listen", "127.0.0.1:0", "--metrics-listen",
                        "0.0.0.0:0", "--votes", os.path.join(tmp, "v.db")],
                       capture_output=True, text=True, timeout=20)
    t.ok(p.returncode == 2 and "loopback" in p.stderr,
         "--metrics-listen 0.0.0.0:0 is refused (exit 2)", (p.returncode, p.stderr))

    srv = Server(web, "--no-access-log", "--metrics-listen", "127.0.0.1:0", "--vote-rate", "4",
                 "--votes", os.path.join(tmp, "v.db"))
    try:
        url = metrics_url(srv)
        t.ok(url, "the server names its metrics address", srv.early)
        st, _, _ = srv.get("/metrics")
        t.ok(st == 404, "the public listener has no /metrics", st)
        # From one client: stored, replaced, invalid, cross-site, then rate-limited
        # (4 a minute; only votes that pass the checks take a token).
        results = [vote(srv, 80, "helpful"), vote(srv, 80, "neutral"), vote(srv, 81, "maybe")]
        st, _, _ = srv.request("POST", "/ports/82/vote",
                               {"Content-Type": "application/x-www-form-urlencoded",
                                "Origin": "http://evil.example"}, "vote=helpful")
        results += [st] + [vote(srv, port, "helpful") for port in (83, 84, 85)]
        t.ok(results[:4] == [201, 201, 400, 403] and 429 in results[4:],
             "votes: 201, 201 (replaced), 400, 403, then 429", results)
        with urllib.request.urlopen(url, timeout=10) as r:
            t.ok(r.headers.get("Cache-Control") == "no-store" and r.headers.get("Vary") == "Accept",
                 "a scrape is never cached, and varies with Accept", dict(r.headers))
        st, ctype, text = scrape(url)
        s = samples(text)
        want = {'portscope_web_votes_total{result="stored"}': 1 + results[4:].count(201),
                'portscope_web_votes_total{result="replaced"}': 1,
                'portscope_web_votes_total{result="invalid"}': 1,
                'portscope_web_votes_total{result="cross_site"}': 1,
                'portscope_web_votes_total{result="rate_limited"}': results[4:].count(429),
                'portscope_web_votes_total{result="failed"}': 0,
                'portscope_web_votes_stored_total{vote="helpful"}': 1 + results[4:].count(201),
                'portscope_web_votes_stored_total{vote="neutral"}': 1,
                'portscope_web_vote_store_errors_total{error="disk_full"}': 0,
                "portscope_web_vote_store_open": 1}
        got = {k: s.get(k) for k in want}
        t.ok(st == 200 and ctype.startswith("text/plain; version=0.0.4") and got == want,
             "the scrape counts each vote by its result and value", (ctype, got, want))
        promtool = shutil.which("promtool")
        if promtool:
            p = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                               text=True, timeout=30)
            t.ok(p.returncode == 0, "promtool check metrics: no problem",
                 p.stdout + p.stderr)
        else:
            t.skip("promtool check metrics", "promtool is not installed (Debian prometheus)")
        st, ctype, om = scrape(url, "application/openmetrics-text; version=1.0.0")
        t.ok(ctype.startswith("application/openmetrics-text") and om.endswith("# EOF\n") and
             'portscope_web_votes_total{result="replaced"} 1' in om,
             "OpenMetrics when asked for", ctype)
        try:
            urllib.request.urlopen(url.replace("/metrics", "/"), timeout=10)
            t.ok(False, "the metrics listener serves /metrics only")
        except urllib.error.HTTPError as e:
            t.ok(e.code == 404, "the metrics listener serves /metrics only", e.code)
    finally:
        srv.stop()

    # A store that is not one: votes 503, counted as unavailable, and the
    # fault by its kind.
    bad = os.path.join(tmp, "bad.db")
    with open(bad, "wb") as f:
        f.write(b"this is not a database" * 200)
    srv = Server(web, "--no-access-log", "--metrics-listen", "127.0.0.1:0", "--votes", bad)
    try:
        url = metrics_url(srv)
        st = vote(srv, 80, "helpful")
        s = samples(scrape(url)[2])
        t.ok(st == 503 and s.get('portscope_web_votes_total{result="unavailable"}') == 1 and
             s.get('portscope_web_vote_store_errors_total{error="corrupted"}', 0) >= 1 and
             s.get("portscope_web_vote_store_open") == 0,
             "a corrupted store: 503, counted as unavailable and as a corrupted store",
             (st, {k: v for k, v in s.items() if "unavailable" in k or "error" in k}))
    finally:
        srv.stop()

    srv = Server(web, "--no-access-log", "--metrics-listen", "127.0.0.1:0", "--no-votes")
    try:
        s = samples(scrape(metrics_url(srv))[2])
        t.ok(s == {"portscope_web_votes_enabled": 0}, "--no-votes: votes_enabled 0 only", s)
    finally:
        srv.stop()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
