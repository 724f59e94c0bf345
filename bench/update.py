#!/usr/bin/env python3
"""Benchmark of `portscope update` against `xmllint --noout` on the same file.

  bench/update.py [PORTSCOPE] [RUNS]

Reads the 2025-12-15 XML (3.8 MB) and the 2024-06 CSV (1.1 MB), plain, from
data/iana (decompressed into a temporary directory first, so neither tool
pays for gzip). Each command runs RUNS times (default 21), interleaved so
that machine noise hits both alike; prints the median wall time, the ratio
to xmllint's median on the XML, and peak memory (max RSS).
The goal is an update under 150 ms; the machine is noisy, so compare ratios.
"""
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ps = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "portscope"))
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 21
xmllint = shutil.which("xmllint")
if not xmllint:
    sys.exit("bench/update.py: needs xmllint (Debian: libxml2-utils)")

tmp = tempfile.mkdtemp()
xml = os.path.join(tmp, "service-names-port-numbers.xml")
csv = os.path.join(tmp, "service-names-port-numbers.csv")
with gzip.open(os.path.join(root, "data/iana/service-names-port-numbers.xml.gz")) as f:
    open(xml, "wb").write(f.read())
with gzip.open(os.path.join(root, "data/iana/service-names-port-numbers-2024-06.csv.gz")) as f:
    open(csv, "wb").write(f.read())
db = os.path.join(tmp, "registry.db")

cmds = {
    "xmllint --noout XML": [xmllint, "--noout", xml],
    "portscope update XML": [ps, "update", xml, "--db", db],
    "portscope update CSV": [ps, "update", csv, "--db", db],
}


def run(cmd):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t
    if status != 0:
        sys.exit(f"bench/update.py: {cmd} failed ({status})")
    return dt, ru.ru_maxrss


times = {k: [] for k in cmds}
rss = {k: 0 for k in cmds}
for _ in range(runs):
    for k, c in cmds.items():
        dt, m = run(c)
        times[k].append(dt)
        rss[k] = max(rss[k], m)
base = statistics.median(times["xmllint --noout XML"])
print(f"{'command':24} {'median ms':>10} {'min ms':>8} {'ratio':>7} {'max RSS':>10}")
for k in cmds:
    med = statistics.median(times[k])
    print(f"{k:24} {med * 1000:10.1f} {min(times[k]) * 1000:8.1f} {med / base:7.2f} "
          f"{rss[k] / 1024:8.1f}MB")
print(f"({runs} runs each, interleaved; ratio = median / median of xmllint --noout on the XML; "
      f"XML {os.path.getsize(xml)} bytes, CSV {os.path.getsize(csv)} bytes)")
shutil.rmtree(tmp)
