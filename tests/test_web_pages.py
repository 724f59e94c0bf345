#!/usr/bin/env python3
"""The port pages and the API against a real server: the seed facts on
/ports/1712, 1322, 912, 1647 and 817 (the facts the CLI tests check), every
internal link of those pages answering 200, well-formed HTML, the FAQ as
JSON-LD, API documents against docs/schema/ and the OpenAPI document, no
host data without --local, --local only on loopback, and the static export.

Usage: test_web_pages.py PORTSCOPE_WEB SOURCE_ROOT
"""
import getpass
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, Tap, broken_links, check_well_formed  # noqa: E402

t = Tap()
exe, root = sys.argv[1], sys.argv[2]
try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:
    jsonschema = None

SEEDS = {
    1712: ["registrar", "resource monitoring service", "Ron Lawson", "User port (1024-49151)",
           "tcp and udp", "lsof -nP -i :1712", "findstr /C:&quot;:1712 &quot;",
           "Get-NetTCPConnection -LocalPort 1712", "Exchange Information Store"],
    817: ["Unassigned (part of 811-827)", "System port", "lsof -nP -i :817"],
    912: ["apex-mesh", "APEX relay-relay service", "System port (0-1023)"],
    1322: ["novation", "Alan Dano"],
    1647: ["rsap", "Holger Reif"],
}

schemas = {}
sdir = os.path.join(root, "docs", "schema")
if jsonschema and os.path.isdir(sdir):
    for f in os.listdir(sdir):
        if f.endswith(".json"):
            with open(os.path.join(sdir, f)) as fh:
                doc = json.load(fh)
            schemas[f] = doc


def validator_for(name):
    if name not in schemas:
        return None
    store = {s.get("$id", k): s for k, s in schemas.items()}
    try:
        from jsonschema import RefResolver
        resolver = RefResolver(schemas[name].get("$id", ""), schemas[name], store=store)
        return Draft202012Validator(schemas[name], resolver=resolver)
    except ImportError:
        return None


def check_doc(doc, name, what):
    v = validator_for(name)
    if v is None:
        t.skip(what, f"docs/schema/{name} is not in this tree")
        return
    errs = sorted(v.iter_errors(doc), key=lambda e: e.path)
    t.ok(not errs, what, "\n".join(f"{list(e.path)}: {e.message}" for e in errs[:5]))


# A services file with local names for 1712: the public site never shows them.
SERVICES = {"PORTSCOPE_SERVICES": os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                               "data", "services-fixture")}
srv = Server(exe, env=SERVICES)
try:
    pages = {}
    for port, facts in SEEDS.items():
        st, h, body = srv.get(f"/ports/{port}")
        page = body.decode()
        pages[port] = page
        missing = [f for f in facts if f not in page]
        t.ok(st == 200 and not missing, f"/ports/{port}: the seed facts", missing)
        check_well_formed(t, body, f"/ports/{port}")
        m = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        ld = json.loads(m.group(1)) if m else {}
        qs = [q["name"] for q in ld.get("mainEntity", [])]
        t.ok(ld.get("@type") == "FAQPage" and len(qs) >= 5 and
             all(q in page for q in qs), f"/ports/{port}: FAQ and its FAQPage JSON-LD agree", qs)
        t.ok(f'action="/ports/{port}/vote"' in page and page.count('name="vote"') == 3 and
             page.count("aria-label=") >= 3, f"/ports/{port}: the vote form, three labelled faces")
        t.ok(f'<link rel="canonical" href="{srv.base}/ports/{port}">' in page,
             f"/ports/{port}: canonical link")

    # Every internal link of the five pages and the home page answers 200.
    st, _, home = srv.get("/")
    bad, n = broken_links(srv, [home.decode(), *pages.values()])
    t.ok(not bad, f"every internal link of / and the five pages answers 200 ({n})", bad)

    # Other pages of the model.
    st, _, b = srv.get("/ports/0-1023")
    t.ok(st == 200 and b'/ports/912"' in b and b"apex-mesh" in b, "/ports/0-1023 lists 912")
    st, _, b = srv.get("/services/registrar")
    t.ok(st == 200 and b'href="/ports/1712"' in b, "/services/registrar links port 1712")
    st, _, b = srv.get("/services/registra")
    t.ok(st == 404 and b"/services/registrar" in b, "an unknown name: 404 with similar names")
    # Historical names hold a '*' or a '/': their pages answer at the
    # links the other pages give them.
    for name, port in (("sql*net", 66), ("914c/g", 211), ("EtherNet/IP-1", 2222), ("cl/1", 172)):
        st, _, b = srv.get(f"/services/{name}")
        st2, _, page = srv.get(f"/ports/{port}")
        t.ok(st == 200 and f"<h1>Service {name}</h1>".encode() in b and
             f'href="/services/{name}"'.encode() in page,
             f"/services/{name}: its page, linked from /ports/{port}")
    st, _, _ = srv.get("/api/v1/services/914c/g")
    t.ok(st == 200, "/api/v1/services/914c/g")
    st, _, _ = srv.get("/services/ssh/x")
    t.ok(st == 404, "/services/ssh/x: no such name")
    st, _, b = srv.get("/ports/65536")
    t.ok(st == 404, "/ports/65536: 404")
    st, _, b = srv.get("/ports/01712")
    t.ok(st == 404 and b'href="/ports/1712"' in b, "/ports/01712: 404 suggesting /ports/1712")

    # The vote form: validated; without a vote store, 503 and nothing kept.
    st, _, b = srv.request("POST", "/ports/1712/vote", {
        "Content-Type": "application/x-www-form-urlencoded"}, "vote=maybe")
    t.ok(st == 400, "a vote that is not one of the three faces: 400", st)

    # The API: the CLI's documents, CORS, problem documents.
    st, h, b = srv.get("/api/v1/ports/1712")
    doc = json.loads(b)
    t.ok(st == 200 and h.get("content-type") == "application/json" and
         h.get("access-control-allow-origin") == "*" and doc.get("kind") == "port_report" and
         doc.get("port") == 1712, "/api/v1/ports/1712: the port report, CORS", h)
    cli = subprocess.run([os.path.join(os.path.dirname(exe), "portscope"), "--json", "1712"],
                         capture_output=True, text=True)
    if cli.returncode == 0:
        c = json.loads(cli.stdout)
        d = dict(doc)
        for k in ("local", "host", "sockets"):  # this machine's facts: the CLI's only
            c.pop(k, None)
            d.pop(k, None)
        t.ok(c == d, "the API document is the CLI's --json (but this machine's facts)",
             [k for k in c if c.get(k) != d.get(k)])
    else:
        t.skip("the API document is the CLI's --json", "portscope --json 1712 failed")
    check_doc(doc, "port_report.schema.json", "/api/v1/ports/1712 follows the schema")
    st, h, b = srv.get("/api/v1/ports/811-827")
    check_doc(json.loads(b), "range_report.schema.json", "/api/v1/ports/811-827 follows the schema")
    st, h, b = srv.get("/api/v1")
    check_doc(json.loads(b), "api_index.schema.json", "/api/v1 follows the schema")
    st, h, b = srv.get("/api/v1/ranges")
    check_doc(json.loads(b), "ranges.schema.json", "/api/v1/ranges follows the schema")
    st, h, b = srv.get("/api/v1/services/registrar")
    check_doc(json.loads(b), "name_report.schema.json", "/api/v1/services/registrar follows the schema")
    # search, notes and suggest: the CLI's documents too (search and notes
    # have no facts of this machine), valid for their schema.
    for path, args, kind in [("/api/v1/search?q=exchange+mapi", ["search", "exchange", "mapi"], "search"),
                             ("/api/v1/notes", ["notes"], "notes")]:
        st, h, b = srv.get(path)
        doc = json.loads(b)
        t.ok(st == 200 and doc.get("kind") == kind and
             h.get("access-control-allow-origin") == "*", f"{path}: the {kind} document, CORS")
        cli = subprocess.run([os.path.join(os.path.dirname(exe), "portscope"), "--json", *args],
                             capture_output=True, text=True)
        t.ok(cli.returncode == 0 and json.loads(cli.stdout) == doc,
             f"{path} is `portscope --json {' '.join(args)}`")
        check_doc(doc, f"{kind}.schema.json", f"{path} follows the schema")
    st, h, b = srv.get("/api/v1/search?q=zzqqxxjj")
    doc = json.loads(b)
    t.ok(st == 404 and doc.get("kind") == "search" and doc["records"] == [] and doc["notes"] == [],
         "a search matching nothing: 404 with the empty search document")
    st, h, b = srv.get("/api/v1/notes/malware")
    doc = json.loads(b)
    t.ok(st == 200 and doc["notes"] and all("malware" in n["tags"] for n in doc["notes"]),
         "/api/v1/notes/malware: only notes tagged malware")
    check_doc(doc, "notes.schema.json", "/api/v1/notes/malware follows the schema")
    st, h, b = srv.get("/api/v1/notes?protocol=udp")
    doc = json.loads(b)
    t.ok(st == 200 and doc["notes"] and all(any(p["protocol"] == "udp" for p in n["ports"])
                                             for n in doc["notes"]),
         "/api/v1/notes?protocol=udp: notes with a udp port", doc["notes"][:1])
    st, h, b = srv.get("/api/v1/suggest?count=3&for=billing-api&protocol=udp&range=dynamic")
    doc = json.loads(b)
    t.ok(st == 200 and [s["port"] for s in doc["suggestions"]] and len(doc["suggestions"]) == 3 and
         all(49152 <= s["port"] <= 65535 for s in doc["suggestions"]) and
         doc["protocols"] == ["udp"] and doc["requested_name"] == "billing-api" and
         doc["ephemeral"] is None, "/api/v1/suggest with count, for, protocol, range", doc)
    check_doc(doc, "suggest.schema.json", "/api/v1/suggest follows the schema")
    st2, _, b2 = srv.get("/api/v1/suggest?count=3&for=billing-api&protocol=udp&range=dynamic")
    t.ok(b2 == b, "the same name gets the same ports")
    # /changes: the library's diff of the bundled previous registry and the
    # served one, the same as `portscope diff --json`.
    csv = os.path.join(root, "data", "iana", "service-names-port-numbers-2024-06.csv.gz")
    st, h, b = srv.get("/api/v1/changes")
    doc = json.loads(b)
    t.ok(st == 200 and doc.get("kind") == "diff", "/api/v1/changes: the diff document")
    check_doc(doc, "diff.schema.json", "/api/v1/changes follows the schema")
    cli = subprocess.run([os.path.join(os.path.dirname(exe), "portscope"), "--json", "diff", csv,
                          "builtin"], capture_output=True, text=True)
    if cli.returncode in (0, 1) and cli.stdout:
        c = json.loads(cli.stdout)
        same = [k for k in ("added", "removed", "changed") if c.get(k) != doc.get(k)]
        t.ok(not same and c["added"] and c["changed"],
             "/api/v1/changes lists what `portscope diff CSV builtin` lists", same)
    else:
        t.skip("/api/v1/changes is `portscope diff`", cli.stderr[:200])
    st, h, b = srv.get("/changes")
    s = b.decode()
    added = [r for r in doc.get("added", []) if r.get("service") and r.get("port") is not None]
    t.ok(st == 200 and "2024" in s and added and
         f'href="/services/{added[0]["service"]}"' in s and 'href="/api/v1/changes"' in s,
         "/changes: both registries' dates, an added service linked, the API")

    st, h, b = srv.get("/api/v1/notes")
    st, h2, _ = srv.request("GET", "/api/v1/notes", {"If-None-Match": h.get("etag", "-")})
    t.ok(st == 304 and h2.get("etag") == h.get("etag"), "/api/v1/notes: ETag and 304", st)
    for path, status in [("/api/v1/search", 400), ("/api/v1/search?q=ssh&protocol=ip", 400),
                         ("/api/v1/notes/no-such-tag", 404), ("/api/v1/suggest?count=0", 400),
                         ("/api/v1/suggest?count=101", 400), ("/api/v1/suggest?range=system", 400),
                         ("/api/v1/suggest?protocol=sctp", 400)]:
        st, h, b = srv.get(path)
        doc = json.loads(b)
        t.ok(st == status and h.get("content-type") == "application/problem+json" and
             doc.get("status") == status and doc.get("detail"), f"{path}: {status} problem", (st, doc))
        check_doc(doc, "problem.schema.json", f"{path}: the problem follows the schema")

    st, h, b = srv.get("/api/v1/ports/99999")
    doc = json.loads(b)
    t.ok(st == 404 and h.get("content-type") == "application/problem+json", "API 404: a problem")
    pv = Draft202012Validator(oa_problem := json.loads(srv.get("/api/v1/openapi.json")[2])[
        "components"]["schemas"]["Problem"]) if jsonschema else None
    if pv:
        errs = list(pv.iter_errors(doc))
        t.ok(not errs, "the problem document follows the OpenAPI document's Problem schema",
             [e.message for e in errs])
    else:
        t.skip("the problem document follows the Problem schema", "python3-jsonschema missing")
    check_doc(doc, "problem.schema.json", "the problem document follows docs/schema/problem.schema.json")

    st, h, b = srv.get("/api/v1/openapi.json")
    oa = json.loads(b)
    t.ok(st == 200 and oa.get("openapi") == "3.1.0" and oa["info"].get("title"),
         "/api/v1/openapi.json: OpenAPI 3.1")
    # Every API route of the server is described, and every described path answers
    # with a docs/json.md document: schema_version and kind first, valid for its kind.
    undocumented, unschemed = [], []
    for p in [""] + list(oa["paths"]):
        sample = p.replace("{port}", "1712").replace("{low}", "811").replace("{high}", "827") \
                  .replace("{name}", "registrar").replace("{tag}", "malware")
        # A path whose required query parameter the sample must carry.
        sample += {"/search": "?q=ssh"}.get(p, "")
        st, _, body = srv.get("/api/v1" + sample)
        if st != 200:
            undocumented.append((p, st))
            continue
        d = json.loads(body)
        kind = d.get("kind") if isinstance(d, dict) else None
        v = validator_for(f"{kind}.schema.json") if kind else None
        if list(d)[:2] != ["schema_version", "kind"] or (schemas and v is None):
            unschemed.append((p or "/", list(d)[:2]))
        elif v is not None:
            unschemed += [(p or "/", e.message[:100]) for e in list(v.iter_errors(d))[:2]]
    t.ok(not undocumented, "every path of the OpenAPI document answers 200", undocumented)
    t.ok(not unschemed, "every API answer is a document of docs/json.md, valid for its kind",
         unschemed)
    refs = re.findall(r'"\$ref": "https://portscope.invalid/schema/([^"]+)"', b.decode())
    missing = [r for r in set(refs) if r not in schemas]
    if "port_report.schema.json" in schemas:
        t.ok(not missing, "every schema the OpenAPI document names is in docs/schema/", missing)
    else:
        t.skip("every schema the OpenAPI document names is in docs/schema/", "no docs/schema")

    # Never this host's data without --local.
    me = getpass.getuser()
    cmdline = open(f"/proc/{srv.proc.pid}/cmdline", "rb").read().replace(b"\0", b" ").strip()
    leaks = []
    for port in list(SEEDS) + [22, 2194, srv.port]:
        _, _, b = srv.get(f"/ports/{port}")
        s = b.decode()
        if "On this machine" in s or cmdline.decode() in s or f"({srv.proc.pid})" in s:
            leaks.append(port)
        if me != "root" and re.search(rf"\b{re.escape(me)}\b", s):
            leaks.append((port, "user"))
    t.ok(not leaks, "no pid, user, command line or local panel without --local", leaks)
    _, _, b = srv.get("/ports/1712")
    s = b.decode()
    t.ok("mon-agent" not in s and "services-fixture" not in s,
         "no local names from this host's services file without --local")
    t.ok('href="https://www.iana.org/assignments/service-names-port-numbers/'
         'service-names-port-numbers.xhtml?search=1712"' in s, "/ports/1712 links IANA's own record")
    blocked = "Browsers refuse to connect to this port"
    _, _, b22 = srv.get("/ports/22")
    t.ok(blocked in b22.decode() and blocked not in s,
         "the browsers' blocked-port advice: on /ports/22 (a Fetch bad port), not on /ports/1712")
finally:
    srv.stop()

# --local: only on loopback, and then the panel.
p = subprocess.run([exe, "serve", "--local", "--listen", "0.0.0.0:0"], capture_output=True,
                   text=True, timeout=20)
t.ok(p.returncode == 2 and "loopback" in p.stderr, "--local on 0.0.0.0 is refused", p.stderr)
loc = Server(exe, "--local", "--no-access-log", env=SERVICES)
try:
    st, h, b = loc.get(f"/ports/{loc.port}")
    s = b.decode()
    t.ok(st == 200 and "On this machine" in s and f"({loc.proc.pid})" in s and
         h.get("cache-control") == "no-store",
         "--local on loopback: this machine's panel with the listening process, not cached")
    st, h, b = loc.get("/ports/1712")
    t.ok(st == 200 and "mon-agent" in b.decode(),
         "--local: the services file's local names for 1712")
finally:
    loc.stop()

# The static export: the same pages as files, written then renamed.
with tempfile.TemporaryDirectory() as d:
    p = subprocess.run([exe, "site", "--out", d, "--ports", "1712,817,0-3", "--base-url",
                        "https://ports.example.org"], capture_output=True,
                       text=True, timeout=120)
    files = {os.path.relpath(os.path.join(a, f), d) for a, _, fs in os.walk(d) for f in fs}
    want = {"index.html", "ports/1712.html", "ports/817.html", "ports/0.html", "ports/3.html",
            "static/style.css", "notes/malware.html", "404.html", "ranges.html"}
    t.ok(p.returncode == 0 and want <= files and "ports/4.html" not in files,
         "site --ports writes the pages asked for and the fixed ones", sorted(want - files))
    srv = Server(exe, "--no-access-log", "--base-url", "https://ports.example.org")
    try:
        _, _, served = srv.get("/ports/1712")
    finally:
        srv.stop()
    with open(os.path.join(d, "ports/1712.html"), "rb") as f:
        t.ok(f.read() == served, "an exported page is the served page, byte for byte")
    # No broken link of the site's own: the service and range pages the pages
    # link to are exported too, and so on, except what only the server
    # answers (the search and the API), single ports left out by --ports
    # and the languages of the language switch.
    broken = {}
    for a, _, fs in os.walk(d):
        for f in fs:
            if not f.endswith(".html"):
                continue
            with open(os.path.join(a, f), encoding="utf-8") as fh:
                for href in re.findall(r'href="(/[^"#?]*)', fh.read()):
                    target = os.path.join(d, "index.html" if href == "/" else href[1:])
                    if (os.path.isfile(target) or os.path.isfile(target + ".html") or
                            re.fullmatch(r"(/(de|cs|pt|el|ug))?(/search|/api/.*|/ports/[0-9]+)?", href)):
                        continue
                    broken.setdefault(href, os.path.relpath(os.path.join(a, f), d))
    t.ok(not broken and "services/914c/g.html" in files | {
         os.path.relpath(os.path.join(a, f), d) for a, _, fs in os.walk(d) for f in fs},
         "site: every linked service and range page is exported (914c/g and sql*net included)",
         sorted(broken.items())[:5])
    t.ok(os.path.isfile(os.path.join(d, "services/sql*net.html")) and
         os.path.isfile(os.path.join(d, "ports/0-1023.html")), "  sql*net and the system range")
with tempfile.TemporaryDirectory() as d:
    proc = subprocess.Popen([exe, "site", "--out", d], stderr=subprocess.PIPE)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    half, tmp, n = [], [], 0
    for a, _, fs in os.walk(d):
        for f in fs:
            path = os.path.join(a, f)
            if f.endswith(".tmp"):
                tmp.append(path)
            elif f.endswith(".html"):
                n += 1
                with open(path, "rb") as fh:
                    if not fh.read().endswith(b"</html>\n"):
                        half.append(path)
    t.ok(proc.returncode == 130 and n > 0 and not half and not tmp,
         f"an interrupted export leaves whole pages only ({n} pages, exit {proc.returncode})",
         (half[:3], tmp[:3], err[-200:]))
t.done()
