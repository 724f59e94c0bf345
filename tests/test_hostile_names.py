#!/usr/bin/env python3
"""Issue 10: the CLI's invocations once more, with live processes on this
machine whose names and command lines hold C0, C1, bidi controls and
malformed UTF-8 (PR_SET_NAME and an exec'd argv). Every JSON document must
parse (and validate against docs/schema/ where a schema exists) and no raw
control byte, C1 control or bidi override may reach stdout or stderr.

Usage: test_hostile_names.py PORTSCOPE SOURCE_ROOT
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Tap  # noqa: E402

PS, ROOT = sys.argv[1], sys.argv[2]


tap = Tap()
ok = tap.ok


# The names, as raw bytes: what an attacker's process can call itself.
NAMES = [
    b"\x1b[31mred\x07",          # C0: an escape sequence and a bell
    b"\xc2\x9b31mcsi",           # C1 CSI
    b"\xc2\x9d0;title\xc2\x9c",  # C1 OSC ... ST
    b"evil\xe2\x80\xaetxt",      # U+202E right-to-left override
    b"\xe2\x81\xa6iso\xe2\x81\xa9",  # an isolate
    b"\xed\xa0\x80x",            # a UTF-16 surrogate
    b"\xe0\x80\xafover",         # an overlong '/'
    b"\xf4\x90\x80\x80big",      # past U+10FFFF
    b"cut\xe2\x82",              # a truncated character
]
HELPER = r"""
import ctypes, socket, sys, time
name = bytes.fromhex(sys.argv[1])[:15]
ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0)  # PR_SET_NAME
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
sys.stdin.read()
"""

tmp = tempfile.mkdtemp()
helper = os.path.join(tmp, "helper.py")
open(helper, "w").write(HELPER)
procs, ports = [], []
for name in NAMES:
    # argv[0] and an argument carry the name too: the command line is hostile.
    argv0 = b"/usr/bin/" + name
    p = subprocess.Popen([sys.executable, helper, name.hex(), name + b"\x1b]8;;x\x07"],
                         executable=sys.executable, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    procs.append(p)
    ports.append(int(p.stdout.readline()))
# Popen cannot set a non-UTF-8 argv[0] portably; one process gets it through bash.
p = subprocess.Popen(["bash", "-c", 'exec -a "$1" "$2" "$3" "$4" "$5"', "bash",
                      b"\xc2\x9b\xed\xa0\x80\xe2\x80\xae", sys.executable, helper,
                      b"x".hex(), b"\xc2\x85nel"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
procs.append(p)
ports.append(int(p.stdout.readline()))

BAD = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def clean(data, what):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ok(False, f"{what}: not UTF-8 ({e})")
    m = BAD.search(text)
    return ok(not m, f"{what}: no raw control byte, C1 or bidi control"
              + (f" (found U+{ord(m.group()):04X})" if m else ""))


schemas = os.path.join(ROOT, "docs", "schema")
validators = {}
try:  # The schemas refer to each other by $id, as tests/test_json_schema.py loads them.
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    loaded, resources = {}, []
    for f in sorted(os.listdir(schemas)):
        if f.endswith(".schema.json"):
            d = json.load(open(os.path.join(schemas, f)))
            resources.append((d["$id"], Resource.from_contents(d)))
            loaded[f[: -len(".schema.json")]] = d
    registry = Registry().with_resources(resources)
    validators = {k: Draft202012Validator(d, registry=registry) for k, d in loaded.items()}
except ImportError:
    print("# jsonschema or referencing missing: documents are parsed, not validated")


def validate(doc, schema, what):
    v = validators.get(schema)
    if not v:
        return
    errs = list(v.iter_errors(doc))
    ok(not errs, f"{what}: valid against {schema}.schema.json"
       + (f": {errs[0].message[:200]}" if errs else ""))


env = dict(os.environ, NO_COLOR="1", XDG_CACHE_HOME=tmp, XDG_DATA_HOME=tmp, HOME=tmp)
env.pop("PORTSCOPE_DB", None)
P = str(ports[3])
RUNS = [  # args, kind (text, json, ndjson), schema
    (["ls"], "text", None), (["ls", "--all"], "text", None),
    (["ls", "--json"], "json", "ls"), (["ls", "--ndjson"], "ndjson", "socket"),
    (["ls", "--all", "--json"], "json", "ls"),
    (["who", P], "text", None), (["who", P, "--json"], "json", "who"),
    (["who", P, "--ndjson"], "ndjson", "socket"),
    (["audit", "--config", "/dev/null"], "text", None),
    (["audit", "--config", "/dev/null", "--json"], "json", "audit"),
    (["audit", "--config", "/dev/null", "--sarif"], "json", None),
    ([P], "text", None), ([P, "--json"], "json", "port_report"),
    (["suggest"], "text", None), (["suggest", "--json"], "json", "suggest"),
    (["info", "--json"], "json", "info"), (["search", "evil", "--json"], "json", "search"),
]
seen_names = set()
for args, kind, schema in RUNS:
    what = "portscope " + " ".join(args)
    r = subprocess.run([PS, *args], capture_output=True, env=env, timeout=60)
    ok(r.returncode in (0, 1), f"{what}: exit {r.returncode}")
    clean(r.stdout, what + " (stdout)")
    clean(r.stderr, what + " (stderr)")
    if kind == "text":
        continue
    try:
        docs = [json.loads(l) for l in r.stdout.splitlines()] if kind == "ndjson" \
            else [json.loads(r.stdout)]
        ok(True, f"{what}: every JSON document parses")
    except ValueError as e:
        ok(False, f"{what}: JSON does not parse: {e}")
        continue
    for d in docs:
        validate(d, schema, what)
    if args[0] in ("ls", "who"):
        for d in docs:
            for s in d.get("sockets", [d]):
                for p in s.get("processes") or []:
                    if p["pid"] in [x.pid for x in procs]:
                        seen_names.add(p["pid"])
                        ok(p["name"] and p["command"], f"{what}: pid {p['pid']} keeps name and command")
ok(len(seen_names) == len(procs), f"every hostile process appears in ls/who --json ({len(seen_names)} of {len(procs)})")
# Hidden findings (item 1): the JSON holds a finding for every pid the table names.
r = subprocess.run([PS, "audit", "--config", "/dev/null", "--json"], capture_output=True, env=env)
t = subprocess.run([PS, "audit", "--config", "/dev/null"], capture_output=True, env=env).stdout
# Only the planted processes are compared: the rest of the machine may open and
# close sockets between the two runs.
planted = {x.pid for x in procs}
json_pids = sorted(f["pid"] for f in json.loads(r.stdout)["findings"] if f.get("pid") in planted)
text_pids = sorted(int(x) for x in re.findall(rb"\(pid (\d+)\)", t) if int(x) in planted)
ok(json_pids == text_pids and len(set(text_pids)) == len(planted),
   f"audit: the same findings in the table and in --json ({len(text_pids)}, {len(planted)} planted processes)")

for p in procs:
    p.stdin.close()
    p.wait()
tap.done()
