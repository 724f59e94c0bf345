#!/usr/bin/env python3
"""Every --json and --ndjson document of every command, validated against
docs/schema/ by its "kind" (docs/json.md).

The commands come from the program's own help, so a new command or a new
--ndjson user fails here until it has a case below. A document whose kind has
no schema fails, and so does a schema no command ever produced.

Usage: test_json_schema.py PORTSCOPE SOURCE-ROOT
"""
import json
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Tap  # noqa: E402

PS, ROOT = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
SCHEMA_DIR = os.path.join(ROOT, "docs/schema")
PROC = os.path.join(ROOT, "tests/data/proc")
NMAP = os.path.join(ROOT, "tests/data/nmap-services-fixture")
CSV = os.path.join(ROOT, "data/iana/service-names-port-numbers-2024-06.csv.gz")
# Kinds no command prints on stdout (none now: the exporter's problem
# documents are fetched over HTTP below).
HTTP_ONLY = set()

tmp = tempfile.mkdtemp()
env = dict(os.environ, XDG_DATA_HOME=os.path.join(tmp, "xdg"), HOME=tmp,
           XDG_CACHE_HOME=os.path.join(tmp, "cache"), PORTSCOPE_NMAP_SERVICES=NMAP)
env.pop("PORTSCOPE_DB", None)


tap = Tap()
ok = tap.ok


def load_schemas():
    schemas, resources = {}, []
    for f in sorted(os.listdir(SCHEMA_DIR)):
        if not f.endswith(".schema.json"):
            continue
        with open(os.path.join(SCHEMA_DIR, f)) as fh:
            s = json.load(fh)
        Draft202012Validator.check_schema(s)
        resources.append((s["$id"], Resource.from_contents(s)))
        kind = f[: -len(".schema.json")]
        if kind != "defs":
            schemas[kind] = s
    registry = Registry().with_resources(resources)
    return {k: Draft202012Validator(s, registry=registry) for k, s in schemas.items()}


VALIDATORS = load_schemas()
with open(os.path.join(SCHEMA_DIR, "defs.schema.json")) as fh:
    DEFS = json.load(fh)
SAMPLE = 25
seen_kinds = set()


def problems(doc):
    """Why doc does not follow docs/json.md: a list of strings, empty when it does."""
    if not isinstance(doc, dict):
        return ["not an object"]
    keys = list(doc)
    if keys[:2] != ["schema_version", "kind"]:
        return [f"first members are {keys[:2]}, not schema_version and kind"]
    kind = doc["kind"]
    if kind not in VALIDATORS:
        return [f"kind {kind!r} has no schema in docs/schema/"]
    seen_kinds.add(kind)
    errs = sorted(VALIDATORS[kind].iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}"
            for e in errs[:5]]


def thin(doc):
    """A whole registry (export) in full takes jsonschema about a minute:
    every record and person is checked for its member names here, and one
    in SAMPLE goes through the schema. The record encoder is the one search,
    range and diff use, and those documents are validated whole."""
    if not isinstance(doc, dict) or doc.get("kind") != "export":
        return doc, []
    errs = []
    for key, ref in (("records", "record_members"), ("people", "person")):
        want = set(DEFS["$defs"][ref]["required"])
        bad = [i for i, o in enumerate(doc.get(key, [])) if set(o) != want]
        if bad:
            errs.append(f"{key}[{bad[0]}]: members {sorted(doc[key][bad[0]])}, not {sorted(want)}")
    small = dict(doc)
    for key in ("records", "people"):
        if isinstance(doc.get(key), list):
            small[key] = doc[key][::SAMPLE]
    return small, errs


def run(args, codes=(0,), ndjson=False, kind=None):
    """Runs portscope, validates what it printed; returns the documents."""
    desc = "portscope " + " ".join(args)
    t0 = time.monotonic()
    p = subprocess.run([PS, *args], capture_output=True, env=env, cwd=ROOT)
    t1 = time.monotonic()
    if p.returncode not in codes:
        ok(False, f"{desc}: exit {p.returncode}")
        print("#", p.stderr.decode(errors="replace")[:300])
        return []
    try:
        text = p.stdout.decode()
        docs = ([json.loads(l) for l in text.splitlines()] if ndjson else [json.loads(text)])
        # Several ports or names: an array of the documents each prints alone.
        if kind and kind.endswith("[]"):
            if not isinstance(docs[0], list) or len(docs[0]) < 2:
                ok(False, f"{desc}: not an array of documents")
                return []
            docs, kind = docs[0], kind[:-2]
    except ValueError as e:
        ok(False, f"{desc}: not JSON: {e}")
        return []
    errs = []
    for i, d in enumerate(docs):
        d, pre = thin(d)
        errs += [f"document {i}: {e}" for e in pre + problems(d)]
    if kind and any(isinstance(d, dict) and d.get("kind") != kind for d in docs):
        errs.append(f"expected kind {kind}")
    for e in errs[:5]:
        print("#", e)
    print(f"# {desc}: {t1 - t0:.2f}s run, {time.monotonic() - t1:.2f}s validate")
    ok(not errs, f"{desc}: {len(docs)} document(s) valid")
    return docs


# Every schema names its own kind and requires schema_version and kind.
for kind, v in sorted(VALIDATORS.items()):
    sch = v.schema
    ok(sch.get("properties", {}).get("kind", {}).get("const") == kind
       and {"schema_version", "kind"} <= set(sch.get("required", [])),
       f"{kind}.schema.json: requires schema_version and kind \"{kind}\"")

# The test checks itself: documents that break the rules must be caught.
ok(problems({"schema_version": 1, "kind": "no-such-kind"}) != [],
   "a document whose kind has no schema is refused")
ok(problems({"kind": "notes", "schema_version": 1, "notes": []}) != [],
   "schema_version and kind must come first")
ok(problems({"schema_version": 1, "kind": "notes", "notes": [], "extra": 1}) != [],
   "a member the schema does not list is refused")
ok(problems({"schema_version": 1, "kind": "notes", "notes": []}) == [],
   "a minimal valid document passes")

# The commands, from the program: a new one fails until it has a case, and
# so does a command whose own help starts to offer --ndjson.
help_text = subprocess.run([PS, "--help"], capture_output=True, env=env).stdout.decode()
section = help_text.split("Commands:", 1)[1].split("\n\n", 1)[0]
commands = set(re.findall(r"^  ([a-z][a-z-]*)", section, re.M))
ndjson_commands = set()
for cmd in commands:
    own = subprocess.run([PS, "help", cmd], capture_output=True, env=env).stdout.decode()
    if "--ndjson" in own:
        ndjson_commands.add(cmd)
ok(len(commands) >= 10 and {"ls", "who"} <= ndjson_commands,
   f"help lists {len(commands)} commands, --ndjson for {sorted(ndjson_commands)}")
# Commands whose documents another test validates, because they need a
# server's store: that test must keep doing so.
ELSEWHERE = {"votes": "tests/test-votes-store.sh"}
# Variants of a command validated elsewhere because they need a server:
# that test must keep validating them.
VARIANTS = {"update --fetch": ("tests/test-update-fetch.sh", "update.schema.json")}
for what, (test, schema) in sorted(VARIANTS.items()):
    with open(os.path.join(ROOT, test)) as fh:
        text = fh.read()
    ok(f"--json {what}" in text and schema in text,
       f"{what} --json is validated against {schema} by {test}")
for cmd, test in sorted(ELSEWHERE.items()):
    with open(os.path.join(ROOT, test)) as fh:
        text = fh.read()
    ok(f"{cmd} --json" in text and f"{cmd}.schema.json" in text,
       f"{cmd} --json is validated against {cmd}.schema.json by {test}")
    seen_kinds.add(cmd)
# Kinds only the site's API serves, validated by the web tests against the
# running server: those tests must keep doing so.
API_ONLY = {"api_index": "tests/test_web_pages.py", "ranges": "tests/test_web_pages.py", "vote": "tests/test_votes_http.py",
            "port_votes": "tests/test_votes_http.py"}
for kind, test in sorted(API_ONLY.items()):
    with open(os.path.join(ROOT, test)) as fh:
        covered = re.search(rf"[\"/]{kind}\.schema\.json", fh.read()) is not None
    ok(covered, f"{kind}.schema.json is validated by {test}")
    if covered:
        seen_kinds.add(kind)
# Servers: their HTTP documents are checked below (exporter()).
SERVERS = {"exporter"}
# Commands that take --json (every command does) but print no JSON document.
NO_JSON = {"help": ["help", "--json"]}
for cmd, args in sorted(NO_JSON.items()):
    out = subprocess.run([PS, *args], capture_output=True, env=env).stdout.decode()
    try:
        json.loads(out)
        printed = True
    except ValueError:
        printed = False
    ok(not printed, f"{cmd} --json prints text, no document (or it needs a case here)")

# A real listener and a real UDP socket, for who, ls and audit on this machine.
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.bind(("127.0.0.1", 0))
tcp.listen()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
tport, uport = tcp.getsockname()[1], udp.getsockname()[1]
fixture = ["--proc-root", PROC]
db = os.path.join(tmp, "registry.db")

CASES = {
    "port": [
        (["--json", "22"], (0,), "port_report"),
        (["--json", "1712/udp"], (0,), "port_report"),
        (["--json", "817/tcp"], (0, 1), "port_report"),
        (["--json", "0"], (0, 1), "port_report"),
        (["port", "--json", "49999"], (0, 1), "port_report"),
        (fixture + ["--json", "80"], (0,), "port_report"),
        (["--json", "22", "1712/udp"], (0,), "port_report[]"),
        (["--json", str(tport)], (0, 1), "port_report"),
    ],
    "name": [
        (["--json", "ssh"], (0,), "name_report"),
        (["--json", "ssh", "http/tcp"], (0,), "name_report[]"),
        (["name", "--json", "no-such-service-here"], (1,), "name_report"),
    ],
    "range": [
        (["--json", "1000-1030"], (0,), "range_report"),
        (["range", "--json", "811-827/tcp"], (0, 1), "range_report"),
    ],
    "search": [
        (["search", "--json", "ssh"], (0,), "search"),
        (["search", "--json", "zzzqqqxxx"], (1,), "search"),
    ],
    "notes": [
        (["notes", "--json"], (0,), "notes"),
        (["notes", "--json", "--protocol", "udp"], (0,), "notes"),
    ],
    "info": [(["info", "--json"], (0,), "info")],
    "update": [(["--db", db, "update", "--json", CSV], (0,), "update")],
    "diff": [
        (["diff", "--json", "builtin", CSV], (0,), "diff"),
        (["diff", "--json", "--all", CSV, "builtin"], (0,), "diff"),
        (["diff", "--json", "builtin", "builtin"], (1,), "diff"),
    ],
    "export": [
        (["export", "--format", "json"], (0,), "export"),
        (["export", "--json", CSV], (0,), "export"),
    ],
    "suggest": [
        (["suggest", "--json"], (0,), "suggest"),
        (["suggest", "--json", "--for", "billing-api", "--proto", "udp", "--range", "dynamic"],
         (0,), "suggest"),
    ],
    "ls": [
        (fixture + ["ls", "--json"], (0,), "ls"),
        (fixture + ["ls", "--json", "--state", "estab"], (0, 1), "ls"),
        (["ls", "--json", "-a"], (0,), "ls"),
        (["ls", "--json", "--info", "-t"], (0,), "ls"),
        (["ls", "--json", "--summary"], (0,), "socket_summary"),
        (fixture + ["ls", "--json", "--summary"], (0,), "socket_summary"),
    ],
    "who": [
        (fixture + ["who", "--json", "80"], (0,), "who"),
        (["who", "--json", f"{tport}/tcp"], (0,), "who"),
        (["who", "--json", "1"], (1,), "who"),
        (["who", "--json", "--info", f"{tport}/tcp"], (0,), "who"),
        (fixture + ["who", "--json", "--summary", "80"], (0,), "socket_summary"),
    ],
    "audit": [
        (fixture + ["audit", "--json", "--config", "/dev/null"], (0,), "audit"),
        (["audit", "--json", "--config", "/dev/null", "--fail-on", "info"], (0, 1), "audit"),
    ],
}
NDJSON_CASES = {
    "ls": [fixture + ["ls", "--ndjson"], ["ls", "--ndjson", "-a"]],
    "who": [fixture + ["who", "--ndjson", "53"], ["who", "--ndjson", f"{uport}/udp"]],
}

for cmd in sorted(commands):
    ok(cmd in CASES or cmd in NO_JSON or cmd in ELSEWHERE or cmd in SERVERS,
       f"command {cmd} has a --json case here")
for cmd in sorted(ndjson_commands):
    ok(cmd in NDJSON_CASES, f"command {cmd} has an --ndjson case here")

for cmd in sorted(CASES):
    for args, codes, kind in CASES[cmd]:
        run(args, codes, kind=kind)
for cmd in sorted(NDJSON_CASES):
    for args in NDJSON_CASES[cmd]:
        docs = run(args, ndjson=True, kind="socket")
        ok(len(docs) > 0, f"portscope {' '.join(args)}: at least one line")



def watch():
    """ls --watch --ndjson: a socket we open appears as an event."""
    args = ["ls", "--watch=1", "--ndjson", "-t"]
    p = subprocess.Popen([PS, *args], stdout=subprocess.PIPE, env=env, text=True)
    # The watcher reports what changes after its first look, which may come
    # late on a loaded machine: a listener opened before it is part of that
    # look, not an event. So open another listener every 2 s until one of
    # ours is reported.
    extras, ports = [], set()
    docs, found, end, next_open = [], False, time.monotonic() + 60, 0.0
    while not found and time.monotonic() < end:
        if time.monotonic() >= next_open:
            extra = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            extra.bind(("127.0.0.1", 0))
            extra.listen()
            extras.append(extra)
            ports.add(extra.getsockname()[1])
            next_open = time.monotonic() + 2
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        line = p.stdout.readline() if r else ""
        if r and not line:
            break
        if line:
            docs.append(json.loads(line))
            found = docs[-1].get("socket", {}).get("local", {}).get("port") in ports
    p.terminate()
    p.wait()
    for extra in extras:
        extra.close()
    errs = [f"line {i}: {e}" for i, d in enumerate(docs) for e in problems(d)]
    for e in errs[:5]:
        print("#", e)
    ok(found and not errs and all(d["kind"] == "socket_event" for d in docs),
       f"portscope {' '.join(args)}: our new listener appears; {len(docs)} event(s) valid")


def exporter():
    """The exporter's HTTP errors are problem documents."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = subprocess.Popen([PS, "exporter", "--listen", f"127.0.0.1:{port}"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    doc, end = None, time.monotonic() + 60
    while doc is None and time.monotonic() < end and p.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page", timeout=5)
        except urllib.error.HTTPError as e:
            doc = json.loads(e.read())
        except OSError:
            time.sleep(0.2)
    p.terminate()
    p.wait()
    errs = problems(doc) if doc is not None else ["no answer"]
    for e in errs[:5]:
        print("#", e)
    ok(not errs and doc["status"] == 404, "exporter: GET /no-such-page is a valid problem document")


watch()
exporter()

# Real sockets: ours are in the documents, not only valid ones.
who = run(["who", "--ndjson", f"{uport}/udp"], ndjson=True, kind="socket")
ok(any(d["local"]["port"] == uport and d["processes"] and
       d["processes"][0].get("pid") == os.getpid() for d in who),
   "who --ndjson: our UDP socket, held by this process")

for kind in sorted(set(VALIDATORS) - seen_kinds - HTTP_ONLY):
    ok(False, f"schema {kind}.schema.json: no command printed a document of this kind")

tcp.close()
udp.close()
tap.done()
