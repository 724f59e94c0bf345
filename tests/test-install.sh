#!/usr/bin/env bash
# meson install: the program, the man page, the documents --help points to,
# and the shell completions, under a temporary DESTDIR.
set -u
BUILD=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$BUILD" --no-rebuild --destdir "$tmp/root" >"$tmp/log" 2>&1
check "meson install into a DESTDIR" $?
[ $? -eq 0 ] || diag "$(tail -5 "$tmp/log")"
docdir=$("$BUILD/portscope" --help | sed -n 's/^Manual: man portscope; documents: //p')
[ -n "$docdir" ] && [ -d "$tmp/root$docdir" ]
check "--help names the doc dir, and meson installs it ($docdir)" $?
bad=0
for f in audit/README.md audit/unexpected-process.md notes.md README.md; do
        [ -s "$tmp/root$docdir/$f" ] || { bad=1; diag "missing $docdir/$f"; }
done
ls "$tmp/root$docdir"/schema/*.schema.json >/dev/null 2>&1 || { bad=1; diag "no JSON schemas"; }
check "the audit rule pages, the notes guide and the JSON schemas are installed" $bad
# Every audit rule's page, as SARIF points to it.
bad=0
"$BUILD/portscope" audit --sarif 2>/dev/null >"$tmp/sarif"
python3 - "$tmp/sarif" "$tmp/root" <<'PY' || bad=1
import json, os, sys
d = json.load(open(sys.argv[1]))
rules = d["runs"][0]["tool"]["driver"]["rules"]
assert rules
for r in rules:
    path = r["help"]["text"].split()[1].rstrip(".")
    assert os.path.isfile(sys.argv[2] + path), path
PY
check "audit --sarif: each rule's help names its installed page" $bad
prefix=$(dirname "$(dirname "$(dirname "$docdir")")")
for f in share/bash-completion/completions/portscope share/zsh/vendor-completions/_portscope \
        share/fish/vendor_completions.d/portscope.fish share/man/man1/portscope.1 bin/portscope \
        libexec/portscope/portscope-full libexec/portscope/portscope-fetch; do
        [ -s "$tmp/root$prefix/$f" ] || { bad=1; diag "missing $prefix/$f"; }
done
check "the completions, the man page, the program and its helpers are installed" $bad

done_testing
