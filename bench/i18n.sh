#!/usr/bin/env bash
# The cost of translated sentences per page (docs/translations.md): every single-line
# message of the sources looked up as one page, English against German per thread and
# German serialised, in one run. Usage: bench/i18n.sh [BUILDDIR]
set -eu
cd "$(dirname "$0")/.."
b=${1:-build}
ninja -C "$b" bench/bench-i18n >/dev/null
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ -o - $(cat po/POTFILES) 2>/dev/null |
        python3 -c '
import re, sys
for m in re.finditer(r"^msgid \"(.+)\"$", sys.stdin.read(), re.M):
    s = m.group(1)
    if "\\\\" not in s:
        print(s)' >"$tmp"
PORTSCOPE_LOCALEDIR=$b/po "$b/bench/bench-i18n" "$tmp" "${2:-2000}"
