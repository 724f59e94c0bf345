"""The notes of "the 50 ports people meet most" are translated (issue 14, item 5;
docs/translations.md, "The 50 ports people meet most"): the first 50 distinct port
numbers of nmap's nmap-services ordered by open frequency (either protocol), and every
note whose ports include one of them, ranges wider than 200 ports left out. Each of
those notes needs a current (not stale) translation in de, cs, pt, el and ug.

Usage: test_notes_top50.py PSNOTES SOURCE_ROOT [NMAP_SERVICES]
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Tap  # noqa: E402

LANGS = ["de", "cs", "pt", "el", "ug"]
TOP = 50
WIDEST = 200


def top_ports(path):
    """The first TOP distinct port numbers, highest open frequency first; equal
    frequencies keep the file's order."""
    entries = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for i, line in enumerate(f):
            if line.startswith("#"):
                continue
            fields = line.split()
            if len(fields) < 3 or "/" not in fields[1]:
                continue
            port, _, _ = fields[1].partition("/")
            try:
                entries.append((-float(fields[2]), i, int(port)))
            except ValueError:
                continue
    ports = []
    for _, _, port in sorted(entries):
        if port not in ports:
            ports.append(port)
        if len(ports) == TOP:
            break
    return ports


def note_ports(path):
    """The (low, high) port items of a note's ports: line, protocol ignored."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("ports:"):
                items = []
                for item in line.split()[1:]:
                    m = re.fullmatch(r"(\d+)(?:-(\d+))?(?:/\w+)?", item)
                    if m:
                        lo = int(m.group(1))
                        items.append((lo, int(m.group(2) or lo)))
                return items
            if line.startswith("---"):
                break
    return []


def main():
    t = Tap()
    psnotes, root = sys.argv[1], sys.argv[2]
    services = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/nmap/nmap-services"
    if not os.path.exists(services):
        t.skip("the top-50 notes are translated", f"{services} is missing (Debian nmap-common)")
        t.done()
    ports = top_ports(services)
    t.ok(len(ports) == TOP, f"nmap-services gives {TOP} distinct ports", ports)

    notes_dir = os.path.join(root, "data", "notes")
    wanted = []
    for name in sorted(os.listdir(notes_dir)):
        if not name.endswith(".md"):
            continue
        items = note_ports(os.path.join(notes_dir, name))
        if any(hi - lo + 1 <= WIDEST and lo <= p <= hi for lo, hi in items for p in ports):
            wanted.append(name[:-3])
    t.ok(len(wanted) >= TOP, f"{len(wanted)} notes cover those ports", wanted)

    # The revision each translation must name: what psnotes --revision prints.
    paths = [os.path.join(notes_dir, s + ".md") for s in wanted]
    p = subprocess.run([psnotes, "--revision", *paths], capture_output=True, text=True)
    revision = {}
    for line in p.stdout.splitlines():
        rev, _, path = line.partition(" ")
        revision[os.path.basename(path.strip())[:-3]] = rev
    t.ok(p.returncode == 0 and len(revision) == len(wanted),
         "psnotes --revision answers for every one of them", p.stderr)

    for lang in LANGS:
        missing, stale = [], []
        for slug in wanted:
            path = os.path.join(notes_dir, "l10n", lang, slug + ".md")
            try:
                with open(path, encoding="utf-8") as f:
                    head = f.readline()
            except OSError:
                missing.append(slug)
                continue
            m = re.match(r"translates: ([0-9a-f]{16})$", head.strip())
            if not m or m.group(1) != revision.get(slug):
                stale.append(slug)
        gaps = [f"missing: {s}" for s in missing] + [f"stale: {s}" for s in stale]
        t.ok(not gaps, f"{lang}: all {len(wanted)} notes of the top {TOP} ports translated and "
             f"current ({len(missing)} missing, {len(stale)} stale)", "\n".join(gaps))
    t.done()


main()
