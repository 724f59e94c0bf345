#!/usr/bin/env python3
"""Checks the compiled registry against IANA's XML, read independently here
with Python's own XML parser: record counts per protocol, and a field-by-field
comparison of a sample of records through `portscope --json`.

Usage: test_iana_xml.py PORTSCOPE REGISTRY.xml.gz
"""
import collections
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Tap  # noqa: E402

NS = "{http://www.iana.org/assignments}"
PS, XML = sys.argv[1], sys.argv[2]
# Reports may write the prevalence cache: keep it out of the user's home.
_cache = tempfile.TemporaryDirectory(prefix="ps-test-iana-")
os.environ["XDG_CACHE_HOME"] = _cache.name


tap = Tap()
ok = tap.ok


def text(el):
    """Element text as portscope renders it: <br/> and <paragraph> are line
    breaks, inline <xref> is [DATA], runs of white space fold to one space."""
    if el is None:
        return ""
    parts = []

    def walk(e, top):
        if not top:
            tag = e.tag.replace(NS, "")
            if tag in ("br", "paragraph"):
                parts.append("\0")
            elif tag == "xref":
                d = e.get("data") or ""
                if e.get("type") in ("rfc", "draft") and d.lower().startswith("rfc"):
                    d = d[:3].upper() + d[3:]
                parts.append("[" + d + "]")
        if e.text:
            parts.append(e.text)
        for c in e:
            walk(c, False)
            if c.tail:
                parts.append(c.tail)

    walk(el, True)
    s = "".join(parts)
    lines = [re.sub(r"[ \t\r\n]+", " ", l).strip() for l in s.split("\0")]
    return "\n".join(l for l in lines if l)


root = ET.parse(gzip.open(XML)).getroot()
records = root.findall(NS + "record")
people = {p.get("id"): p for p in root.find(NS + "people")}

# Counts per protocol, taken here and by portscope.
counts = collections.Counter((r.findtext(NS + "protocol") or "none").strip() for r in records)
info = json.loads(subprocess.run([PS, "info", "--json"], capture_output=True, check=True).stdout)
ok(info["records_total"] == len(records), f"record total {info['records_total']} == {len(records)}")
for proto in ("tcp", "udp", "sctp", "dccp", "none"):
    ok(info["records_by_protocol"][proto] == counts[proto],
       f"{proto}: {info['records_by_protocol'][proto]} == {counts[proto]}")
ok(info["people_total"] == len(people), f"people {info['people_total']} == {len(people)}")


def expect(r):
    """What portscope should say about one XML record."""
    num = r.findtext(NS + "number")
    lo = hi = None
    if num:
        a, _, b = num.strip().partition("-")
        lo, hi = int(a), int(b or a)
    assignee = r.find(NS + "assignee")
    bare = [x.get("data") for x in r.findall(NS + "xref") if x.get("type") == "person"]
    assignees = [x.get("data") for x in assignee.findall(NS + "xref")] if assignee is not None else bare
    refs = []
    for x in r.findall(NS + "xref"):
        t = x.get("type")
        if t == "person":
            continue
        d = x.get("data")
        if t == "text" or d is None:
            d = text(x)
        refs.append((t, d))
    desc = text(r.find(NS + "description"))
    name = (r.findtext(NS + "name") or "").strip()
    status = "assigned"
    low = desc.lower()
    if not name and low == "unassigned":
        status = "unassigned"
    elif not name and low == "reserved":
        status = "reserved"
    elif not name:
        # Nameless records say in their description what the port is.
        if low.startswith(("de-registered", "de-commissioned", "decomissioned",
                           "decommissioned", "deprecated", "removed")):
            status = "de_registered"
        elif low.startswith("reserved"):
            status = "reserved"
        elif low.startswith("any private"):
            status = "private_use"
        else:
            status = "unassigned"
    notes = "\n".join(text(x) for x in r.findall(NS + "note"))
    return {
        "service": name or None,
        "port": lo,
        "port_high": hi,
        "protocol": (r.findtext(NS + "protocol") or "").strip() or None,
        "status": status,
        "description": desc,
        "assignees": assignees,
        "contacts": bare,
        "registered": r.get("date"),
        "modified": r.get("updated"),
        "references": refs,
        "assignment_note": notes or None,
        "unauthorized_use": text(r.find(NS + "unauthorized")) or None,
        "service_code": (r.findtext(NS + "sc") or "").strip() or None,
    }


def person_ok(got, pid):
    p = people[pid]
    want = {
        "id": pid,
        "name": (p.findtext(NS + "name") or "").strip() or None,
        "org": (p.findtext(NS + "org") or "").strip() or None,
        "uri": ", ".join(u.text.strip() for u in p.findall(NS + "uri")) or None,
        "updated": (p.findtext(NS + "updated") or "").strip() or None,
    }
    return got == want


def normalize(got):
    return {
        **{k: got[k] for k in ("service", "port", "port_high", "protocol", "status", "description",
                               "registered", "modified", "assignment_note", "unauthorized_use",
                               "service_code")},
        "assignees": [p["id"] for p in got["assignees"]],
        "contacts": [p["id"] for p in got["contacts"]],
        "references": [(x["type"], x["data"]) for x in got["references"]],
    }


rng = random.Random(6335)
ported = [r for r in records if r.findtext(NS + "number")]
sample = rng.sample(ported, 600)
# Always include the seed ports and some awkward records.
for r in ported:
    num = r.findtext(NS + "number")
    if num in ("1712", "1322", "912", "1647", "811-827", "80", "79", "2083", "9"):
        sample.append(r)

by_port = {}
mismatch = 0
checked = 0
for r in sample:
    want = expect(r)
    port = want["port"]
    if port not in by_port:
        out = subprocess.run([PS, "--json", str(port)], capture_output=True)
        by_port[port] = json.loads(out.stdout)["records"]
    cands = [normalize(g) for g in by_port[port]]
    raw = [g for g in by_port[port]]
    match = [i for i, g in enumerate(cands) if g == want]
    checked += 1
    if not match:
        mismatch += 1
        if mismatch <= 5:
            print("# no match for", json.dumps(want))
            for g in cands:
                if g["service"] == want["service"] and g["protocol"] == want["protocol"]:
                    print("#  got", json.dumps(g))
        continue
    g = raw[match[0]]
    for p in g["assignees"] + g["contacts"]:
        if not person_ok(p, p["id"]):
            mismatch += 1
            print("# person differs:", json.dumps(p))
            break
ok(checked >= 500 and mismatch == 0,
   f"{checked} records compared field by field with the XML, {mismatch} differ")

# Name-only records are reachable by name.
noport = [r for r in records if not r.findtext(NS + "number") and r.findtext(NS + "name")]
s = rng.sample(noport, 50)
bad = 0
for r in s:
    want = expect(r)
    out = subprocess.run([PS, "--json", "name", want["service"]], capture_output=True)
    got = [normalize(g) for g in json.loads(out.stdout)["records"]]
    if want not in got:
        bad += 1
        if bad <= 3:
            print("# name-only record missing:", json.dumps(want))
ok(bad == 0, f"50 name-only records found by name, {bad} differ")

tap.done()
