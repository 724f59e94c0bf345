#!/usr/bin/env bash
# portscope-web's usage against portscope-web(1): each command's --help is
# the man page's SYNOPSIS line for it, option for option, and the short
# usage points to that page.
set -u
WEB=$1
. "$(dirname "$0")/lib.sh"
man=$(dirname "$0")/../man/portscope-web.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The SYNOPSIS as text, one line per .br, words separated by one space.
python3 "$(dirname "$0")/man-synopsis.py" "$man" >"$tmp/man"

for cmd in serve site; do
        LANG=C.UTF-8 "$WEB" $cmd --help >"$tmp/help" 2>&1
        check "portscope-web $cmd --help exits 0" $?
        # The usage lines joined: "Usage: " off, continuation indents folded.
        tr -s ' \n' ' ' <"$tmp/help" | sed -e 's/^Usage: //' -e 's/ $//' >"$tmp/usage"
        grep -x "portscope-web $cmd.*" "$tmp/man" >"$tmp/line"
        echo >>"$tmp/usage"
        cmp -s "$tmp/line" "$tmp/usage"
        same=$?
        check "portscope-web $cmd --help is portscope-web(1)'s SYNOPSIS line" $same
        [ $same = 0 ] || diag "$(diff "$tmp/line" "$tmp/usage")"
done

LANG=C.UTF-8 "$WEB" --help >"$tmp/help" 2>&1
check "portscope-web --help exits 0" $?
grep -q "^See portscope-web(1)\.$" "$tmp/help"
check "portscope-web --help points to portscope-web(1)" $?
"$WEB" nonsense >/dev/null 2>"$tmp/err"
check "an unknown command exits 2" $(($? != 2))
grep -q "unknown command 'nonsense'" "$tmp/err"
check "  and names it" $?

done_testing
