#!/usr/bin/env bash
# Knowledge notes end to end: the validator's messages, the seed notes in the
# port report (text and JSON), search, `portscope notes`, nmap prevalence.
#
#   test-notes.sh PORTSCOPE PSNOTES [BUILDDIR]  (run from tests/)
set -u
PS=$1
PSNOTES=$2
BUILD=${3:-}
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PORTSCOPE_NMAP_SERVICES="$PWD/data/nmap-services-fixture"
# The prevalence cache goes to a scratch directory, never the user's.
export XDG_CACHE_HOME="$tmp/cache"
unset PORTSCOPE_NO_CACHE

run() { # run ARGS...: sets out, err, rc
        "$PS" --no-color "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        out=$(cat "$tmp/out")
        err=$(cat "$tmp/err")
        flat=$(tr -s ' \n' '  ' <"$tmp/out") # wrapped lines joined, for phrases
}

# The validator: every class of bad note, with the exact FILE:LINE.
while IFS='|' read -r file want; do
        [ -z "$file" ] && continue
        "$PSNOTES" --check "data/notes-bad/$file" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        first=$(head -n1 "$tmp/err")
        [ "$rc" -eq 1 ] && case "$first" in "data/notes-bad/$file:$want"*) true ;; *) false ;; esac
        check "psnotes rejects $file: $want" $?
        [ "$rc" -eq 1 ] || diag "rc=$rc"
        case "$first" in "data/notes-bad/$file:$want"*) ;; *) diag "got: $first" ;; esac
done <<'EOF'
Bad_Name.md|1: file name
backwards-range.md|1: range 5010-5000: the end must be above the start
bad-confidence.md|5: confidence "sure"
bad-kind.md|4: unknown source kind "blog"
bad-port.md|1: "70000" is not a port
bad-proto.md|1: unknown protocol "icmp"
bad-tag.md|3: unknown tag "sparkly"
bad-url.md|4: "ftp://example.org/fixture" is not a URL
bad-utf8.md|6: invalid UTF-8
blank-in-header.md|4: blank line in the header
control-char.md|6: control character 0x07
crlf.md|1: carriage return
empty-body.md|7: the body is empty
empty-file.md|1: no line "---" ends the header
key-order.md|2: "ports" after "title"
no-ports.md|4: the header has no "ports" line
no-separator.md|5: expected "key: value"
no-source.md|4: the header has no "source" line
no-space.md|2: expected a space after "title:"
overlap-ports.md|1: 4990-5005/tcp overlaps 5000/tcp
quote-date.md|5: "2025-02-30" is not the date the source was read
quote-long.md|5: quote of 401 characters, over 400
quote-orphan.md|4: a "quote:" line follows the "source:" line it quotes
quote-twice.md|6: the source has a quote already
quote-unquoted.md|5: the quoted text stands in double quotes
quote-unreadable-empty.md|5: say why the source could not be read
source-fields.md|4: a source is "KIND | TITLE | URL"
tag-twice.md|3: tag "legacy" given twice
title-long.md|2: title of 101 characters
title-period.md|2: the title ends with a period
title-twice.md|3: "title" given twice
unknown-key.md|2: unknown key "color"
unknown-with-use.md|3: tag "unknown" says no use is known
wide-range.md|1: range 0-65535 covers more than half of all ports
EOF
n_bad=$(ls data/notes-bad | wc -l)
"$PSNOTES" --check data/notes-bad >/dev/null 2>"$tmp/err"
[ "$(grep -c '^data/notes-bad/.*:[0-9]*: ' "$tmp/err")" -eq "$n_bad" ]
check "psnotes on the directory reports each of the $n_bad bad notes, one line each" $?

"$PSNOTES" --check data/notes-conflict 2>"$tmp/err" >/dev/null
[ $? -eq 1 ] && grep -q '^data/notes-conflict/5000-nothing-known.md:3: conflict: tagged unknown, but data/notes-conflict/5000-vendor-use.md documents use of 5000/tcp' "$tmp/err" &&
        [ "$(grep -c conflict: "$tmp/err")" -eq 1 ]
check "conflict: unknown vs. a note documenting use (a registry-only note is no conflict)" $?
"$PSNOTES" --check data/notes-dup 2>"$tmp/err" >/dev/null
[ $? -eq 1 ] && grep -q '^data/notes-dup/6000-two.md:2: duplicate: the same title as data/notes-dup/6000-one.md, for 6000/tcp' "$tmp/err" &&
        [ "$(grep -c duplicate: "$tmp/err")" -eq 1 ]
check "duplicate: the same title for the same port (another port may reuse it)" $?
"$PSNOTES" --check data/notes-stray 2>"$tmp/err" >/dev/null
[ $? -eq 1 ] && grep -q '^data/notes-stray/stray.txt:1: not a note' "$tmp/err" &&
        ! grep -q '^data/notes-stray/README' "$tmp/err"
check "a stray file beside the notes is reported; README is allowed" $?
"$PSNOTES" --check ../data/notes >"$tmp/out" 2>"$tmp/err"
check "the project's own notes validate" $?
grep -Eq '^psnotes: [0-9]+ notes are valid; [0-9]+ sources: [0-9]+ quoted, [0-9]+ unreadable, [0-9]+ without a quote$' "$tmp/out"
check "psnotes --check counts the sources with and without a quote" $?
"$PSNOTES" --check --require-quotes data/notes-bad/bad-kind.md data/notes-conflict/5000-vendor-use.md >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q '^data/notes-conflict/5000-vendor-use.md:1: source 1 (.*) has no "quote:" line' "$tmp/err"
check "--require-quotes refuses a source without a quote" $?
"$PSNOTES" data/notes-conflict "$tmp/c.notes" "$tmp/c.S" --require-quotes >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q '^data/notes-conflict/5000-vendor-use.md:1: source 1 (.*) has no "quote:" line' "$tmp/err"
check "the build's compile step refuses a source without a quote too (--require-quotes)" $?
"$PSNOTES" --check data/notes-unreadable >/dev/null 2>"$tmp/err"
check "a source marked unreadable is valid in a draft (psnotes --check)" $?
"$PSNOTES" --check --require-quotes data/notes-unreadable >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q '^data/notes-unreadable/7777-unread.md:1: source 2 (Gone) is marked unreadable' "$tmp/err" &&
        [ "$(grep -c 'source 1' "$tmp/err")" -eq 0 ]
check "--require-quotes refuses a source marked unreadable, and only that one" $?
"$PSNOTES" --check --require-quotes ../data/notes >/dev/null 2>"$tmp/err"
check "every source of the project's own notes has a quote line (the build requires it)" $?
[ -s "$tmp/err" ] && diag "$(cat "$tmp/err")"

# The build re-runs psnotes when a note is added or removed: ninja's recorded
# dependencies of the notes image name the directory itself, and every note.
if [ -n "$BUILD" ] && command -v ninja >/dev/null; then
        ninja -C "$BUILD" -t deps notes.img >"$tmp/deps" 2>&1
        notes_dir=$(cd ../data/notes && pwd)
        missing=0
        grep -qx "    $notes_dir" "$tmp/deps" || missing=1
        for f in "$notes_dir"/*.md; do
                grep -qx "    $f" "$tmp/deps" || missing=1
        done
        check "ninja tracks data/notes/ and every note as inputs of the notes image" $missing
        [ "$missing" -eq 0 ] || diag "$(head -5 "$tmp/deps")"
else
        skip "no build directory or ninja to ask"
fi

# The seed notes in the port report.
run 1712
[ "$rc" -eq 0 ] && grep -q '^Notes' "$tmp/out" && grep -q 'MSExchangeIS' "$tmp/out" &&
        grep -q 'RPC over HTTP' "$tmp/out" && grep -q 'Tags *unofficial legacy vendor' "$tmp/out" &&
        grep -q 'confidence: medium' "$tmp/out" && grep -qE '^ +1\. ' "$tmp/out" &&
        grep -q 'https://' "$tmp/out"
check "1712: the Exchange note, tags, confidence, numbered sources with URLs" $?
awk '/^IANA registry/{r=NR} /^Notes/{n=NR} /^Check what uses it/{c=NR} END{exit !(r && n > r && c > n)}' "$tmp/out"
check "1712: the Notes section comes after the IANA registry section" $?
# Only the Notes section: the report's "on this machine" part shows whatever
# process happens to hold 1712 while the suite runs, with its command line.
awk '/^Notes/{n=1} /^Check what uses it/{n=0} n && length > 80 && !/https?:\/\// && !/MSExchangeIS/ {bad=1} END{exit bad}' "$tmp/out"
check "1712: note lines are wrapped to 80 columns (URLs and long words aside)" $?
printf '%s' "$flat" | grep -q 'Prevalence 1712/tcp: found open on 0.0076% of the hosts nmap scanned; rank 4 of 6 tcp ports'

check "1712: prevalence line from the fixture (rank 4 of 6)" $?
run 1322
grep -q 'novation' "$tmp/out" && grep -q 'store.exe' "$tmp/out" && grep -q 'confidence: low' "$tmp/out"
check "1322: novation, store.exe reported, low confidence" $?
run 912
grep -q 'RFC 3340' "$tmp/out" && grep -q 'BEEP' "$tmp/out" && grep -q 'NetInfo' "$tmp/out" &&
        grep -q '10.5' "$tmp/out"
check "912: APEX (RFC 3340, BEEP), NetInfo before 10.5" $?
run 817
grep -q '811-827' "$tmp/out" && grep -q 'malware' "$tmp/out" && grep -q '600 to 1023' "$tmp/out"
check "817: unassigned block, NetInfo range, investigate" $?
run 1647
grep -q 'Holger Reif' "$tmp/out" && grep -q 'Tags *official unknown' "$tmp/out"
check "1647: rsap, tagged unknown" $?
printf '%s' "$flat" | grep -q '1647/tcp: listed by nmap as "zero" but never found open'
check "1647: a zero frequency reads as never found open" $?

# JSON.
"$PS" --json 1712 >"$tmp/j" 2>"$tmp/err"
python3 - "$tmp/j" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
notes = d["notes"]
assert isinstance(notes, list) and notes, "notes array"
n = [x for x in notes if "Exchange" in x["title"]][0]
assert set(n) >= {"title", "tags", "confidence", "body", "ports", "sources"}, n.keys()
assert n["confidence"] == "medium" and "legacy" in n["tags"]
assert "MSExchangeIS" in n["body"] and "RPC over HTTP" in n["body"]
assert n["ports"] == [{"port": 1712, "port_high": 1712, "protocol": "tcp"}]
for s in n["sources"]:
    assert set(s) == {"type", "title", "url"} and s["url"].startswith("http"), s
p = d["nmap"]
assert p["path"].endswith("nmap-services-fixture")
e = {x["protocol"]: x for x in p["entries"]}
assert e["tcp"]["rank"] == 4 and e["tcp"]["listed"] == 6 and e["tcp"]["prevalence"] == 0.000076
assert e["udp"]["rank"] == 2
PY
check "--json 1712: notes[] with title/tags/confidence/body/ports/sources, nmap{}" $?
for port in 1322 912 817 1647; do
        "$PS" --json $port | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["notes"]) >= 1 and all(n["sources"] for n in d["notes"])
if sys.argv[1] == "1647":
    assert any("unknown" in n["tags"] for n in d["notes"])
if sys.argv[1] == "1322":
    assert any(n["confidence"] == "low" and "store.exe" in n["body"] for n in d["notes"])
' $port
        check "--json $port: the seed note is there" $?
done
"$PS" --json 19991 | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["notes"] == []'
check "--json 19991 (no notes): an empty notes array" $?

# Prevalence: a missing file is tolerated, a malformed one warned about once.
PORTSCOPE_NMAP_SERVICES="$tmp/none" run 1712
[ "$rc" -eq 0 ] && [ -z "$err" ] && printf '%s' "$flat" | grep -q 'Prevalence unknown: nmap'

check "missing nmap-services: no error, the report says it is unknown" $?
PORTSCOPE_NMAP_SERVICES="$tmp/none" "$PS" --json 1712 | python3 -c 'import json,sys; assert json.load(sys.stdin)["nmap"] is None'
check "missing nmap-services: --json nmap is null" $?
printf 'http\t80/tcp\n' >"$tmp/bad-services"
PORTSCOPE_NMAP_SERVICES="$tmp/bad-services" run 1712
[ "$rc" -eq 0 ] && [ "$(printf '%s\n' "$err" | grep -c '')" -eq 1 ] &&
        printf '%s' "$err" | grep -q 'ignoring nmap-services: malformed data'
check "malformed nmap-services: one warning line, the report goes on" $?
if [ -r /usr/share/nmap/nmap-services ]; then
        want=$(awk -F'\t' '$2 == "1712/tcp" {print $1}' /usr/share/nmap/nmap-services)
        PORTSCOPE_NMAP_SERVICES= "$PS" --json 1712 | python3 -c '
import json, sys
p = json.load(sys.stdin)["nmap"]
tcp = [e for e in p["entries"] if e["protocol"] == "tcp"][0]
assert p["path"] == "/usr/share/nmap/nmap-services"
assert tcp["nmap_service"] == sys.argv[1] and 1 < tcp["rank"] <= tcp["listed"]
' "$want"
        check "installed nmap-services: 1712/tcp is \"$want\", ranked" $?
        # Cross-check the rank: 1 + the tcp ports nmap saw open more often.
        freq=$(awk -F'\t' '$2 == "1712/tcp" {print $3}' /usr/share/nmap/nmap-services)
        rank=$(awk -F'\t' -v f="$freq" '$2 ~ /\/tcp$/ && $3 + 0 > f + 0 {n++} END {print n + 1}' \
                /usr/share/nmap/nmap-services)
        PORTSCOPE_NMAP_SERVICES= run 1712
        printf '%s' "$flat" | grep -q "1712/tcp: found open on [0-9.]*% of the hosts nmap scanned; rank $rank of"
        check "installed nmap-services: rank $rank agrees with awk over the file" $?
else
        skip "nmap-services is not installed (Debian package nmap-common)"
        skip "nmap-services is not installed (Debian package nmap-common)"
fi

# The prevalence cache from the command line: a report writes it, the next
# reads it, and every way of not caching prints the same report.
cp data/nmap-services-fixture "$tmp/services"
touch -d '1 minute ago' "$tmp/services"
export PORTSCOPE_NMAP_SERVICES="$tmp/services" XDG_CACHE_HOME="$tmp/c2"
PORTSCOPE_NO_CACHE=1 "$PS" --json 1712 >"$tmp/uncached.json"
PORTSCOPE_NO_CACHE=1 "$PS" --no-color 22 >"$tmp/uncached.txt"
[ ! -e "$tmp/c2/portscope" ]
check "PORTSCOPE_NO_CACHE=1: no cache directory" $?
"$PS" --json 1712 >"$tmp/first.json" 2>"$tmp/err"
ls "$tmp/c2/portscope/"nmap-services-*.cache >/dev/null 2>&1 && [ ! -s "$tmp/err" ] &&
        cmp -s "$tmp/first.json" "$tmp/uncached.json"
check "first report: the same answer, and a cache file in \$XDG_CACHE_HOME/portscope" $?
"$PS" --json 1712 >"$tmp/second.json" && cmp -s "$tmp/second.json" "$tmp/uncached.json" &&
        "$PS" --no-color 22 | cmp -s - "$tmp/uncached.txt"
check "from the cache: the same JSON and text reports" $?
sed -i 's/^fixture-a\t1712\/tcp\t0.000076/fixture-a\t1712\/tcp\t0.500000/' "$tmp/services"
touch -d '30 seconds ago' "$tmp/services"
"$PS" --json 1712 | python3 -c '
import json, sys
tcp = [e for e in json.load(sys.stdin)["nmap"]["entries"] if e["protocol"] == "tcp"][0]
assert tcp["prevalence"] == 0.5 and tcp["rank"] == 1, tcp'
check "a rewritten nmap-services: the new figures, not the cached ones" $?
for f in "$tmp/c2/portscope/"nmap-services-*.cache; do printf 'garbage' >"$f"; done
"$PS" --json 1712 >"$tmp/out" 2>"$tmp/err"
PORTSCOPE_NO_CACHE=1 "$PS" --json 1712 | cmp -s - "$tmp/out" && [ ! -s "$tmp/err" ] &&
        [ "$(head -c 8 "$tmp/c2/portscope/"nmap-services-*.cache | tr -d '\0')" = PSNMAPC ]
check "a corrupt cache file: ignored silently and rewritten" $?
printf 'x' >"$tmp/plain"
XDG_CACHE_HOME="$tmp/plain/cache" "$PS" --json 1712 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && [ ! -s "$tmp/err" ] && PORTSCOPE_NO_CACHE=1 "$PS" --json 1712 | cmp -s - "$tmp/out"
check "an unwritable cache directory: the same report, no message" $?
env -u HOME -u XDG_CACHE_HOME "$PS" --json 1712 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && [ ! -s "$tmp/err" ] && PORTSCOPE_NO_CACHE=1 "$PS" --json 1712 | cmp -s - "$tmp/out"
check "no HOME: the same report, no message" $?
[ -z "$(find "$tmp/c2" -name '*.tmp.*')" ]
check "no temporary file left in the cache directory" $?
export PORTSCOPE_NMAP_SERVICES="$PWD/data/nmap-services-fixture" XDG_CACHE_HOME="$tmp/cache"

# Search and `portscope notes`.
run search exchange
[ "$rc" -eq 0 ] && grep -qE '^1712/tcp +Exchange Information Store' "$tmp/out"
check "search exchange: finds the 1712 note" $?
run search zzzz-no-such-thing
[ "$rc" -eq 1 ] && grep -q 'nothing matches' "$tmp/err"
check "search for nothing: exit 1" $?
"$PS" --json search store.exe | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["notes_total"] >= 1 and any(1322 == p["port"] for n in d["notes"] for p in n["ports"])
'
check "search --json: notes[] and notes_total (store.exe finds 1322)" $?

run notes
[ "$rc" -eq 0 ] && grep -qE '^1712/tcp +Exchange Information Store pinned to a static MAPI port \[unofficial legacy vendor\]' "$tmp/out" &&
        grep -qE '^1647/tcp,udp +rsap' "$tmp/out" && grep -qE '^817/tcp,udp ' "$tmp/out"
check "notes: one row per port with port/proto, title, tags" $?
awk '{split($1, a, "[-/]"); if (a[1] + 0 < last) bad = 1; last = a[1] + 0} END {exit bad}' "$tmp/out"
check "notes: rows in port order" $?
"$PS" notes --json | python3 -c '
import json, sys
d = json.load(sys.stdin)["notes"]
assert isinstance(d, list) and len(d) >= 5
for n in d:
    assert isinstance(n["ports"], list) and n["ports"] and isinstance(n["sources"], list) and n["sources"]
    assert isinstance(n["title"], str) and n["title"] and isinstance(n["tags"], list) and n["tags"]
    for p in n["ports"]:
        assert set(p) == {"port", "port_high", "protocol"}
    for s in n["sources"]:
        assert set(s) == {"type", "title", "url"}
assert {1712, 1322, 912, 817, 1647} <= {p["port"] for n in d for p in n["ports"]}
'
check "notes --json: a list of {title, tags, ports[], sources[]} with the seeds" $?
run --protocol dccp notes
[ "$rc" -eq 1 ] && grep -q 'no notes for dccp' "$tmp/err"
check "notes --protocol dccp: nothing, exit 1" $?
run notes extra
[ "$rc" -eq 2 ] && grep -q 'takes no arguments' "$tmp/err"
check "notes with an argument: usage error" $?

# The standing check: counts per confidence, quotes, and nmap coverage.
../tools/notes-coverage --missing --nmap-services data/nmap-services-coverage data/notes-conflict >"$tmp/out" 2>"$tmp/err"
check "notes-coverage runs on a fixture" $?
grep -qx 'notes       3 (3 high, 0 medium, 0 low confidence)' "$tmp/out" &&
        grep -qx 'sources     3: 0 quoted, 0 unreadable, 3 without a quote' "$tmp/out"
check "  and counts notes per confidence and sources with a quote" $?
grep -qx 'nmap top 4 tcp: 2 have a note, 2 have none' "$tmp/out" &&
        grep -qx '  missing: 6000 22' "$tmp/out" &&
        grep -qx 'nmap top 2 udp: 1 have a note, 1 have none' "$tmp/out"
check "  and the coverage of nmap's top ports, a duplicate counted once" $?
[ $? -eq 0 ] || diag "$(cat "$tmp/out")"
../tools/notes-coverage --nmap-services /nonexistent data/notes-conflict >"$tmp/out"
grep -q '^coverage    not measured: /nonexistent is missing' "$tmp/out"
check "  and says so when nmap-services is missing" $?
../tools/notes-coverage --bogus >/dev/null 2>&1
[ $? -eq 2 ]
check "  and exits 2 on a bad option" $?

done_testing
