#!/usr/bin/env python3
"""portscope export and diff on the real snapshots: the CSV and XML round
trips, /etc/services checked with Python's own reading and with getent, and
diff between the 2024-06 CSV and the 2025-12-15 XML.

Usage: test_export.py PORTSCOPE DATA-DIR
"""
import csv
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Tap  # noqa: E402

PS, DATA = os.path.realpath(sys.argv[1]), sys.argv[2]
XML = os.path.join(DATA, "service-names-port-numbers.xml.gz")
CSV = os.path.join(DATA, "service-names-port-numbers-2024-06.csv.gz")
tmp = tempfile.mkdtemp()
env = dict(os.environ, XDG_DATA_HOME=os.path.join(tmp, "xdg"), HOME=tmp)
env.pop("PORTSCOPE_DB", None)


tap = Tap()
ok = tap.ok


def ps(*args, check=True):
    p = subprocess.run([PS, *args], capture_output=True, env=env)
    if check and p.returncode != 0:
        print("# portscope", *args, "->", p.returncode, p.stderr.decode()[:300])
    return p


def records(source):
    return json.loads(ps("export", "--format", "json", source).stdout)["records"]


def ids_only(r, note_as_text=False):
    r = dict(r)
    r["assignees"] = [p["id"] for p in r["assignees"]]
    r["contacts"] = [p["id"] for p in r["contacts"]]
    r["references"] = [("text" if note_as_text and x["type"] == "note" else x["type"], x["data"])
                       for x in r["references"]]
    return r


orig = records(XML)
ok(len(orig) == 14496, f"export json of the XML: {len(orig)} records")

# The JSON export is written record by record: the bytes are still those of
# the whole document dumped at once (two-space indent, \uXXXX in capitals as
# jansson writes them), and its peak memory stays near the CSV export's.
for source in (XML, CSV):
    text = ps("export", "--format", "json", source).stdout.decode()
    doc = json.loads(text)
    whole = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(),
                   json.dumps(doc, indent=2, ensure_ascii=True)) + "\n"
    ok(text == whole, f"export json of {os.path.basename(source)}: the same bytes as one dump "
       f"({len(doc['records'])} records, {len(doc['people'])} people)")


def peak_kib(*args):
    probe = ("import resource, subprocess, sys; "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    p = subprocess.run([sys.executable, "-c", probe, PS, *args], capture_output=True, env=env)
    return int(p.stdout) if p.returncode == 0 else None


if os.environ.get("PORTSCOPE_SANITIZE", "none") not in ("", "none"):
    tap.skip("export json's peak memory", "a sanitized build: ASan's own memory would be measured")
else:
    csv_kib, json_kib = peak_kib("export", "--format", "csv"), peak_kib("export", "--format", "json")
    ok(csv_kib and json_kib and json_kib < csv_kib + 8192,
       f"export json's peak memory {json_kib} KiB, csv's {csv_kib} KiB (a whole tree took 60 MB)")

# XML -> CSV -> update -> the same records.
out = ps("export", "--format", "csv", XML).stdout
open(os.path.join(tmp, "rt.csv"), "wb").write(out)
rows = list(csv.reader(io.StringIO(out.decode(), newline="")))
ok(rows[0][:4] == ["Service Name", "Port Number", "Transport Protocol", "Description"]
   and all(len(r) == 12 for r in rows) and len(rows) == 14497,
   "export csv: IANA's 12 columns, one row per record, readable by Python's csv")
iana = list(csv.reader(io.StringIO(gzip.open(CSV).read().decode(), newline="")))
ok(rows[0] == iana[0], "export csv: the header is IANA's own")
ps("update", os.path.join(tmp, "rt.csv"), "--db", os.path.join(tmp, "rt.db"))
back = records(os.path.join(tmp, "rt.db"))
same = [ids_only(a, True) == ids_only(b, True) for a, b in zip(orig, back)]
ok(len(back) == len(orig) and all(same),
   f"round trip XML -> csv -> update: {same.count(False)} of {len(orig)} records differ")
notes = sum(1 for r in orig for x in r["references"] if x["type"] == "note")
ok(notes == 8 and all(ids_only(a) == ids_only(b) for a, b in zip(orig, back)
                      if not any(x["type"] == "note" for x in a["references"])),
   "round trip: exact but for the 8 footnote references, which CSV cannot type")

# XML -> XML -> update: exact, people included.
out = ps("export", "--format", "xml", XML).stdout
open(os.path.join(tmp, "rt.xml"), "wb").write(out)
ps("update", os.path.join(tmp, "rt.xml"), "--db", os.path.join(tmp, "rtx.db"))
full = json.loads(ps("export", "-f", "json", XML).stdout)
again = json.loads(ps("export", "-f", "json", os.path.join(tmp, "rtx.db")).stdout)
ok(full["records"] == again["records"] and full["people"] == again["people"]
   and full["registry_date"] == again["registry_date"],
   "round trip XML -> xml -> update: identical records and people")
ok(ps("diff", XML, os.path.join(tmp, "rt.csv"), check=False).returncode == 1,
   "diff of the XML and its own CSV export: no differences, exit 1")

# /etc/services.
svc = ps("export", "--format", "services", XML).stdout.decode()
path = os.path.join(tmp, "services")
open(path, "w").write(svc)
entries = {}
bad = 0
for line in svc.splitlines():
    fields = line.split("#", 1)[0].split()
    if not fields:
        continue
    if len(fields) < 2 or not re.fullmatch(r"\d{1,5}/(tcp|udp|sctp|dccp)", fields[1]):
        bad += 1
        continue
    port, proto = fields[1].split("/")
    for name in [fields[0]] + fields[2:]:
        entries.setdefault((name, proto), int(port))
ok(bad == 0 and len(svc.splitlines()) > 11000, f"services: every line is 'name port/proto aliases # comment' ({bad} bad)")
ok(entries.get(("http", "tcp")) == 80 and entries.get(("www-http", "tcp")) == 80
   and entries.get(("registrar", "udp")) == 1712 and entries.get(("ssh", "sctp")) == 22,
   "services: http 80/tcp with alias www-http, registrar 1712/udp, ssh 22/sctp")
want = {(r["service"], r["protocol"]) for r in orig
        if r["service"] and r["port"] is not None and r["port"] == r["port_high"] and r["protocol"]
        and " " not in r["service"]}
missing = [k for k in want if k not in entries]
ok(not missing, f"services: every single-port named record is there ({len(missing)} missing)")

# getent reads /etc/services through glibc's own parser; it needs a private
# mount namespace to see our file there, which containers may not allow.
probe = None
if os.geteuid() == 0 and shutil.which("unshare") and shutil.which("getent"):
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind '{path}' /etc/services"],
                           capture_output=True, text=True)
if probe is not None and probe.returncode == 0:
    p = subprocess.run(["unshare", "-m", "sh", "-c",
                        f"mount --bind '{path}' /etc/services && "
                        "getent -s files services http/tcp && getent -s files services 1712/udp && "
                        "getent -s files services www-http/tcp && getent -s files services | wc -l"],
                       capture_output=True, text=True)
    lines = p.stdout.split("\n")
    ok(p.returncode == 0 and re.match(r"http\s+80/tcp www www-http", lines[0])
       and re.match(r"registrar\s+1712/udp", lines[1]) and lines[2].startswith("http ")
       and int(lines[3]) == len([l for l in svc.splitlines() if l and l[0] != "#"]),
       "getent -s files services accepts every line of the export")
else:
    why = probe.stderr.strip()[:80] if probe is not None else "needs root, unshare and getent"
    tap.skip("getent check", f"no private mount namespace ({why})")

# diff between the two snapshots.
p = ps("diff", CSV, XML)
text = p.stdout.decode()
ok(p.returncode == 0 and "Added (" in text and "Removed (" in text and "Changed (" in text,
   "diff CSV 2024-06 -> XML 2025-12-15: added, removed and changed sections, exit 0")
ok(re.search(r"\+ 300/tcp\s+tacacss", text) and re.search(r"- 4413/tcp\s+avi-nms", text),
   "diff: tacacss 300/tcp added, avi-nms 4413/tcp removed")
ok(re.search(r"~ 25/tcp,udp\s+smtp.*\n\s+references: \[rfc5321\] -> \[RFC-ietf-emailcore", text),
   "diff: smtp's reference change shown as old -> new, tcp and udp on one line")
ok("footnote" not in text and "exp1" not in text,
   "diff: footnotes ([1] in the CSV, text in the XML) are not reported as changes")
j = json.loads(ps("diff", "--json", CSV, XML).stdout)
s = j
ok(s["added_total"] == len(j["added"]) and s["removed_total"] == len(j["removed"])
   and s["changed_total"] == len(j["changed"]) and s["added_total"] > 40 and s["changed_total"] > 20,
   f"diff --json: the totals match the lists ({s['added_total']}, {s['removed_total']}, {s['changed_total']})")
chg = [c for c in j["changed"] if c["new"]["service"] == "smtp" and c["new"]["protocol"] == "tcp"]
ok(chg and chg[0]["fields"] == [{"field": "references", "old": "[rfc5321]",
                                 "new": "[RFC-ietf-emailcore-rfc5321bis-43]"}],
   "diff --json: the changed fields of smtp/tcp")
a = json.loads(ps("diff", "--json", "--all", CSV, XML).stdout)
ok(a["hidden_total"] == 0 and s["hidden_total"] > 0
   and a["added_total"] + a["removed_total"] + a["changed_total"]
   == s["added_total"] + s["removed_total"] + s["changed_total"] + s["hidden_total"],
   "diff --all adds the unnamed blocks it otherwise only counts")
ps("update", CSV, "--db", os.path.join(tmp, "csv.db"))
p2 = ps("diff", os.path.join(tmp, "csv.db"), "builtin")
ok(p2.stdout.decode().split("\n")[2:] == text.split("\n")[2:],
   "diff reads databases and the built-in registry like the files they came from")
p = ps("diff", "builtin", os.path.join(tmp, "nope.xml"), check=False)
ok(p.returncode == 2 and p.stderr.decode().count("\n") == 1 and not p.stdout,
   "diff with a missing file: exit 2, one line")
# A CSV without any date is refused (issue 10, item 19: the registry's date
# must not become "unknown"); one dated record dates it, and its XML export
# reads back.
undated = os.path.join(tmp, "undated.csv")
with open(undated, "w", newline="") as f:
    f.write(",".join(iana[0]) + "\r\n" + "svc-a,1001,tcp,A service,,,,,,,,\r\n")
p = ps("update", undated, "--db", os.path.join(tmp, "undated.db"), check=False)
ok(p.returncode == 2 and b"no date" in p.stderr, "a registry without any date is refused")
with open(undated, "w", newline="") as f:
    f.write(",".join(iana[0]) + "\r\n" + "svc-a,1001,tcp,A service,,,2020-02-29,,,,,\r\n")
ps("update", undated, "--db", os.path.join(tmp, "undated.db"))
x = ps("export", "--format", "xml", os.path.join(tmp, "undated.db")).stdout
open(os.path.join(tmp, "undated.xml"), "wb").write(x)
p = ps("update", os.path.join(tmp, "undated.xml"), "--db", os.path.join(tmp, "undated2.db"), check=False)
ok(p.returncode == 0 and records(os.path.join(tmp, "undated2.db")) == records(os.path.join(tmp, "undated.db")),
   "a registry dated by its records: its XML export reads back into the same records")
p = ps("export", "--format", "yaml", check=False)
ok(p.returncode == 2 and b"csv, xml, services or json" in p.stderr, "export --format yaml: exit 2")

shutil.rmtree(tmp)
tap.done()
