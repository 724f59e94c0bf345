#!/usr/bin/env python3
"""Prints a man page's SYNOPSIS as text, one line per .br, words separated by
one space: what usage() must start with (tests/test-help.sh,
tests/test-help-web.sh).

Usage: man-synopsis.py PAGE
"""
import shlex
import sys

block = open(sys.argv[1]).read().split(".SH SYNOPSIS\n")[1].split(".SH ")[0]
lines, cur = [], []
for line in block.splitlines():
    if line == ".br":
        lines.append(" ".join(cur))
        cur = []
        continue
    macro, _, rest = line.partition(" ")
    words = shlex.split(rest.replace("\\-", "-"))
    cur.append("".join(words) if macro in (".RI", ".IR", ".BI", ".IB", ".BR", ".RB") else " ".join(words))
lines.append(" ".join(cur))
print("\n".join(lines))
