#!/usr/bin/env python3
"""The README's examples, run: every fenced block that shows `$ portscope ...`
with its output is run from the source tree and its output compared line by
line, so that the README cannot drift from what the program prints. A line "..." stands for lines the README leaves out.

What depends on the machine is left out on both sides: the report's "On this
machine" section, and the prevalence lines where nmap-services is missing.
Examples that need root, another user, a downloaded file or a state of this
machine's sockets (sudo, "as nobody", update, info, suggest --check) are
named in a comment and not run.

Usage: test_readme.py PORTSCOPE SOURCE-ROOT
"""
import difflib
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Tap  # noqa: E402

PS, ROOT = os.path.realpath(sys.argv[1]), sys.argv[2]
SKIP = re.compile(r"^sudo |# as nobody|^portscope update service-names|^portscope info$|suggest .*--check")
NMAP = os.path.exists(os.environ.get("PORTSCOPE_NMAP_SERVICES", "/usr/share/nmap/nmap-services"))

t = Tap()
tmp = tempfile.mkdtemp()
bindir = os.path.join(tmp, "bin")
os.mkdir(bindir)
os.symlink(PS, os.path.join(bindir, "portscope"))
env = {
    "PATH": bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
    "HOME": tmp,
    "XDG_DATA_HOME": os.path.join(tmp, "data"),
    "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
    "LANG": "C.UTF-8",
    "NO_COLOR": "1",
}
if "PORTSCOPE_NMAP_SERVICES" in os.environ:
    env["PORTSCOPE_NMAP_SERVICES"] = os.environ["PORTSCOPE_NMAP_SERVICES"]


def examples(text):
    """(command, expected lines) for every `$ ` line of every fenced block."""
    for block in re.findall(r"^```\n(.*?)^```", text, re.S | re.M):
        cmd, out = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if cmd:
                    yield cmd, out
                cmd, out = line[2:], []
            elif cmd:
                out.append(line)
        if cmd:
            yield cmd, out


def matches(want, have):
    """Whether have is want, where a line of want that is "..." alone (after
    its indentation) stands for any number of lines, as the README shortens."""
    if not want:
        return not have
    if want[0].strip() == "...":
        return any(matches(want[1:], have[i:]) for i in range(len(have) + 1))
    return bool(have) and want[0] == have[0] and matches(want[1:], have[1:])


def machine_free(lines):
    """The lines without the parts that differ from machine to machine."""
    kept, skipping = [], False
    for line in lines:
        if line == "On this machine":
            skipping = True
            continue
        if skipping and line and not line.startswith(" "):
            skipping = False
        if skipping:
            continue
        kept.append(line)
    # Kernels without SCTP or DCCP say so on standard error.
    kept = [l for l in kept if not re.match(r"portscope: this machine cannot list (sctp|dccp) sockets", l)]
    if not NMAP:
        # "  Prevalence ..." and its indented continuation lines.
        out, in_prev = [], False
        for line in kept:
            if line.startswith("  Prevalence "):
                in_prev = True
                continue
            if in_prev and line.startswith("     "):
                continue
            in_prev = False
            out.append(line)
        kept = out
    return kept


with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
    readme = f.read()
with open(os.path.join(tmp, "bad.xml"), "w") as f:
    f.write("hello\n")

ran = 0
for cmd, expected in examples(readme):
    if not cmd.startswith(("portscope ", "sudo ")):
        continue
    if SKIP.search(cmd):
        # Not a test skipped for want of something: an example no test can
        # reproduce anywhere, so it is only named.
        print(f"# not run: {cmd} (needs root, another user, a download or this machine's state)")
        continue
    # The exporter example writes to /tmp: to this test's directory instead.
    run = cmd.replace("--textfile /tmp", f"--textfile {tmp}").replace("/tmp/portscope.prom",
                                                                      f"{tmp}/portscope.prom")
    run = run.replace("update bad.xml", f"update {tmp}/bad.xml")
    p = subprocess.run(["sh", "-c", run + " 2>&1"], cwd=ROOT, env=env, capture_output=True)
    got = p.stdout.decode("utf-8", "replace").replace(f"{tmp}/bad.xml", "bad.xml").splitlines()
    want, have = machine_free(expected), machine_free(got)
    ran += 1
    t.ok(matches(want, have), f"README: {cmd}",
         "\n".join(difflib.unified_diff(want, have, "README.md", "portscope", lineterm="", n=1)))

t.ok(ran >= 10, f"{ran} README examples run")

# The figures the README states about the data.
notes = len([f for f in os.listdir(os.path.join(ROOT, "data/notes")) if f.endswith(".md")])
m = re.search(r"([0-9][0-9,]*) cited notes", readme)
t.ok(m and int(m.group(1).replace(",", "")) == notes,
   f"README's count of notes: {m and m.group(1)}, data/notes/ has {notes}")
t.done()
