#!/usr/bin/env bash
# portscope update: both IANA formats, the default database, and hostile
# input. Every refused file must give exit 2, one line naming where it went
# wrong, and leave the installed database byte for byte as it was.
set -u
PS=$(realpath "$1")
DATA=$(cd "$(dirname "$0")/../data/iana" && pwd)
XML=$DATA/service-names-port-numbers.xml.gz
CSV=$DATA/service-names-port-numbers-2024-06.csv.gz
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/xdg HOME=$tmp/home
unset PORTSCOPE_DB

run() { # run ARGS...: sets out, err, rc
        "$PS" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        out=$(cat "$tmp/out")
        err=$(cat "$tmp/err")
}

# Installs the CSV as the default database; the hostile cases must keep it.
run update "$CSV"
db=$XDG_DATA_HOME/portscope/registry.db
[ "$rc" -eq 0 ] && [ -f "$db" ] && grep -q "Updated $db" "$tmp/out"
check "update CSV.gz: installs \$XDG_DATA_HOME/portscope/registry.db" $?
run info --json
python3 - "$tmp/out" "$db" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["path"] == sys.argv[2], d
assert d["compiled_from"] == "IANA CSV, service-names-port-numbers-2024-06.csv.gz", d
assert d["records_total"] == 14447 and d["registry_date"] == "2024-04-30", d
assert d["records_by_protocol"] == {"tcp": 6562, "udp": 6329, "sctp": 92, "dccp": 11, "none": 1453}, d
EOF
check "info: later commands use it; date, counts and source recorded" $?
run info
grep -q "From       IANA CSV, service-names-port-numbers-2024-06.csv.gz" "$tmp/out"
check "info (text): says where the registry came from" $?
run --no-color 1712
[ "$rc" -eq 0 ] && grep -q 'registrar' "$tmp/out" && grep -q 'Ron_Lawson' "$tmp/out"
check "lookups use the CSV database; CSV people show as their ids" $?
cp "$db" "$tmp/saved.db"

# expect_refused DESC PATTERN FILE: exit 2, one line naming the place, db unchanged.
expect_refused() {
        local desc=$1 pat=$2
        shift 2
        run update "$@"
        local lines
        lines=$(printf '%s' "$err" | grep -c '')
        [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ -z "$out" ] &&
                printf '%s' "$err" | grep -qE "$pat"
        check "refused: $desc: exit 2, one line, says where" $?
        [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] || diag "rc=$rc err=${err:0:300}"
        printf '%s' "$err" | grep -qE "$pat" || diag "err=${err:0:300}"
        cmp -s "$db" "$tmp/saved.db" && [ -z "$(ls "$XDG_DATA_HOME/portscope" | grep -v '^registry.db$')" ]
        check "refused: $desc: database byte-for-byte unchanged, no temporary file left" $?
}

zcat "$CSV" >"$tmp/full.csv"
zcat "$XML" >"$tmp/full.xml"
hdr=$(head -1 "$tmp/full.csv")
csv() { printf '%s\n' "$hdr"; printf "$@"; }

head -c 300000 "$tmp/full.xml" >"$tmp/trunc.xml"
expect_refused "truncated XML" '^portscope: .*trunc.xml: line [0-9]+, column [0-9]+: ' "$tmp/trunc.xml"
head -c 100000 "$XML" >"$tmp/trunc.xml.gz"
expect_refused "truncated gzip" 'line [0-9]+.*(truncated|corrupt)' "$tmp/trunc.xml.gz"
# Cut inside the quoted, multi-line note of whois++ (line 135).
awk 'NR < 137' "$tmp/full.csv" >"$tmp/trunc.csv"
expect_refused "truncated CSV inside a quoted field" 'line 137: the file ends inside the quoted field that starts on line 135' "$tmp/trunc.csv"
python3 -c 'import random, sys; r = random.Random(6335); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))' >"$tmp/random.bin"
expect_refused "random bytes" 'line 1, column 1: not an IANA registry' "$tmp/random.bin"
{ printf '%s\n' "$hdr"; cat "$tmp/random.bin"; } >"$tmp/random.csv"
expect_refused "random bytes after a CSV header" 'line [0-9]+, column [0-9]+: ' "$tmp/random.csv"
: >"$tmp/empty.csv"
expect_refused "an empty file" 'line 1: the file is empty' "$tmp/empty.csv"
printf '%s\n' "$hdr" >"$tmp/header-only.csv"
expect_refused "a header and no records" 'no records' "$tmp/header-only.csv"
printf '\xef\xbb\xbf\xef\xbb\xbf%s\n' "$hdr" >"$tmp/bom2.csv"
expect_refused "two byte order marks" 'line 1, column 1: not an IANA registry' "$tmp/bom2.csv"
csv 'a,1,tcp,x,,,,,,,,\r\rb,2,tcp,y,,,,,,,,\n' >"$tmp/cr.csv"
expect_refused "a bare carriage return" 'line 2, column [0-9]+: a carriage return not followed' "$tmp/cr.csv"
csv 'a,1,tcp,x,,,,,,,,\nb\xff,2,tcp,y,,,,,,,,\n' >"$tmp/utf8.csv"
expect_refused "invalid UTF-8 (CSV)" 'line 3, column 2: invalid UTF-8' "$tmp/utf8.csv"
csv 'a,1,tcp,x,,,,,,,,\nb\xc0\xaf,2,tcp,overlong,,,,,,,,\n' >"$tmp/overlong.csv"
expect_refused "overlong UTF-8 (CSV)" 'line 3, column 2: invalid UTF-8' "$tmp/overlong.csv"
csv 'a,1,tcp,x,,,,,,,,\nb,2,tcp,\xed\xa0\x80,,,,,,,,\n' >"$tmp/surrogate.csv"
expect_refused "a UTF-8 surrogate (CSV)" 'line 3, column 10: invalid UTF-8' "$tmp/surrogate.csv"
awk 'NR==100{print "<record><name>x\377</name></record>"} {print}' "$tmp/full.xml" >"$tmp/utf8.xml"
expect_refused "invalid UTF-8 (XML)" 'line 100, column [0-9]+: not well-formed' "$tmp/utf8.xml"
csv 'a,1,tcp,x,,,,,,,,\nb,2,tcp,y,,,,,,,,\na,1,tcp,x,,,,,,,,\n' >"$tmp/dup.csv"
expect_refused "a duplicate record (CSV)" 'line 4: duplicate record: "a" 1/tcp repeats the record on line 2' "$tmp/dup.csv"
python3 - "$tmp/full.xml" "$tmp/dup.xml" <<'EOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
i = s.index("<record>", s.index("<name>echo</name>") - 200)
j = s.index("</record>", i) + len("</record>")
open(sys.argv[2], "w", encoding="utf-8").write(s[:j] + "\n" + s[i:j] + s[j:])
EOF
expect_refused "a duplicate record (XML)" 'line [0-9]+: duplicate record: "[a-z]*" [0-9]+/[a-z]+ repeats the record on line [0-9]+' "$tmp/dup.xml"
csv 'a,65536,tcp,x,,,,,,,,\n' >"$tmp/range.csv"
expect_refused "port 65536 (CSV)" 'line 2 \(record 2\), field "Port Number": port number out of range "65536"' "$tmp/range.csv"
csv 'a,5-3,tcp,x,,,,,,,,\n' >"$tmp/range2.csv"
expect_refused "a backwards range (CSV)" 'field "Port Number": port number out of range "5-3"' "$tmp/range2.csv"
csv 'a,-1,tcp,x,,,,,,,,\n' >"$tmp/range3.csv"
expect_refused "a negative port (CSV)" 'field "Port Number": bad port number "-1"' "$tmp/range3.csv"
sed '0,/<number>7<\/number>/s//<number>70000<\/number>/' "$tmp/full.xml" >"$tmp/range.xml"
expect_refused "port 70000 (XML)" 'line [0-9]+, column [0-9]+: bad port number "70000"' "$tmp/range.xml"
csv 'a,1,quic,x,,,,,,,,\n' >"$tmp/proto.csv"
expect_refused "an unknown protocol (CSV)" 'field "Transport Protocol": unknown protocol "quic"' "$tmp/proto.csv"
csv 'a,1,any,x,,,,,,,,\n' >"$tmp/proto2.csv"
expect_refused "protocol \"any\" (CSV)" 'unknown protocol "any"' "$tmp/proto2.csv"
sed '0,/<protocol>udp<\/protocol>/s//<protocol>quic<\/protocol>/' "$tmp/full.xml" >"$tmp/proto.xml"
expect_refused "an unknown protocol (XML)" 'line [0-9]+, column [0-9]+: unknown protocol "quic"' "$tmp/proto.xml"
python3 - "$tmp/full.xml" "$tmp/people.xml" <<'EOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
i = s.index('<person id="Jon_Postel">')
j = s.index("</person>", i) + len("</person>")
open(sys.argv[2], "w", encoding="utf-8").write(s[:i] + s[j:])
EOF
expect_refused "a person missing from <people>" 'line [0-9]+: the record names person "Jon_Postel", who is missing from <people>' "$tmp/people.xml"
sed 's/<people>/<nopeople>/; s/<\/people>/<\/nopeople>/' "$tmp/full.xml" >"$tmp/nopeople.xml"
expect_refused "no <people> section at all" 'missing from <people>' "$tmp/nopeople.xml"
csv 'a,1,tcp,x,,,,,,,\n' >"$tmp/fields11.csv"
expect_refused "11 fields" "line 2: the record has 11 fields; IANA's CSV has 12" "$tmp/fields11.csv"
csv 'a,1,tcp,x,,,,,,,,,\n' >"$tmp/fields13.csv"
expect_refused "13 fields" 'line 2, column 19: more than 12 fields' "$tmp/fields13.csv"
csv 'a,1,tcp,x"y,,,,,,,,\n' >"$tmp/quote.csv"
expect_refused "a quote in an unquoted field" 'line 2, column 10: a quote inside an unquoted field' "$tmp/quote.csv"
csv 'a,1,tcp,"x"y,,,,,,,,\n' >"$tmp/quote2.csv"
expect_refused "text after a closing quote" 'line 2, column 12: text after a closing quote' "$tmp/quote2.csv"
csv 'a,1,tcp,x\001,,,,,,,,\n' >"$tmp/ctl.csv"
expect_refused "a control character" 'line 2, column 10: control character 0x01' "$tmp/ctl.csv"
csv 'a,1,tcp,x,Jon_Postel,,,,,,,\n' >"$tmp/person.csv"
expect_refused "a contact not in brackets" 'field "Assignee": expected person ids in brackets' "$tmp/person.csv"
csv 'a,1,tcp,x,,,2024-13,,,,,\n' >"$tmp/date.csv"
expect_refused "a malformed date" 'field "Registration Date": "2024-13" is not a date' "$tmp/date.csv"
sed 's/^Service Name,Port Number/Service Name,Port/' "$tmp/full.csv" >"$tmp/header.csv"
expect_refused "a wrong header" 'line 1: not IANA.s CSV: column 2 is "Port", expected "Port Number"' "$tmp/header.csv"
printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n<registry>&b;</registry>\n' >"$tmp/entity.xml"
expect_refused "a DOCTYPE with entities" 'line 2, column [0-9]+: a DOCTYPE is not allowed' "$tmp/entity.xml"
printf '<registry><record><name>a</name><number>1</number><xref type="person" data="x"/><xref type="person" data="x"/>%s</record></registry>' "$(printf '<b>%.0s' $(seq 40))" >"$tmp/deep.xml"
expect_refused "elements nested too deep" 'nested deeper than' "$tmp/deep.xml"

# A 100 MB line: refused at the field cap, streaming (never held in memory).
expect_refused "a 100 MB CSV line" 'line 2, column 65537: field "Service Name" is longer than 65536 bytes' \
        <(printf '%s\n' "$hdr"; head -c 100000000 /dev/zero | tr '\0' a)
expect_refused "a 100 MB XML line" 'line 1, column [0-9]+: a field is longer than 65536 bytes' \
        <(printf '<registry><record><description>'; head -c 100000000 /dev/zero | tr '\0' a)
# Caps on the whole: input size (a small gzip of 70 MB) and record count.
python3 -c '
import gzip, sys
with gzip.open(sys.argv[1], "wb") as f:
    f.write(sys.argv[2].encode() + b"\n")
    for _ in range(70):
        f.write(b"\n" * (1 << 20))' "$tmp/big.csv.gz" "$hdr"
expect_refused "70 MB after decompression" 'line [0-9]+: the file is larger than 64 MiB' "$tmp/big.csv.gz"
expect_refused "1000001 records" 'line 1000002: more than 1000000 records' \
        <(printf '%s\n' "$hdr"; awk 'BEGIN { for (i = 0; i <= 1000000; i++) printf "s%d,1,tcp,,,,,,,,,\n", i }')
expect_refused "257 assignees on one record" 'line 2 \(record 2\), field "Assignee": more than 256 people' \
        <(printf '%s\n' "$hdr"; printf 'a,1,tcp,x,'; for i in $(seq 257); do printf '[p%d]' "$i"; done; printf ',,,,,,,\n')
expect_refused "1000001 people" 'the records name more than 1000000 people' \
        <(printf '%s\n' "$hdr"; awk 'BEGIN { for (r = 0; r < 3907; r++) { printf "s%d,1,tcp,,", r;
                for (i = 0; i < 256; i++) printf "[p%d]", r * 256 + i; printf ",,,,,,,\n" } }')
expect_refused "ranges covering too many ports" 'line 18: the records. port ranges add up to more than 1048576 ports' \
        <(printf '%s\n' "$hdr"; for i in $(seq 20); do printf 'r%d,0-65535,tcp,,,,,,,,,\n' "$i"; done)
csv 'a,"1\n2",tcp,x,,,,,,,,\n' >"$tmp/nl.csv"
expect_refused "a line break quoted in an error message" 'bad port number "1\?2"' "$tmp/nl.csv"
expect_refused "a missing file" 'cannot open: No such file' "$tmp/nope.csv"

# Line ends and byte order marks that IANA's own files may carry are fine.
# IANA ends records with CRLF (and lines inside quoted fields with LF).
mkdir "$tmp/crlf" "$tmp/bom"
cp "$tmp/full.csv" "$tmp/crlf/r.csv"
{ printf '\xef\xbb\xbf'; cat "$tmp/full.csv"; } >"$tmp/bom/r.csv"
tr -d '\r' <"$tmp/full.csv" >"$tmp/r.csv"
"$PS" update "$tmp/r.csv" --db "$tmp/plain.db" >/dev/null &&
        "$PS" update "$tmp/crlf/r.csv" --db "$tmp/crlf.db" >/dev/null &&
        "$PS" update "$tmp/bom/r.csv" --db "$tmp/bom.db" >/dev/null &&
        cmp -s "$tmp/plain.db" "$tmp/crlf.db" && cmp -s "$tmp/plain.db" "$tmp/bom.db"
check "CRLF and LF line ends and a byte order mark read as the same records" $?
{ printf '\xef\xbb\xbf'; cat "$tmp/full.xml"; } >"$tmp/bom/x.xml"
cp "$tmp/full.xml" "$tmp/x.xml"
"$PS" update "$tmp/x.xml" --db "$tmp/x.db" >/dev/null &&
        "$PS" update "$tmp/bom/x.xml" --db "$tmp/xbom.db" >/dev/null && cmp -s "$tmp/x.db" "$tmp/xbom.db"
check "XML with a byte order mark reads the same" $?
mkdir "$tmp/gz"
gzip -c "$tmp/r.csv" >"$tmp/gz/r.csv"
"$PS" update "$tmp/gz/r.csv" --db "$tmp/gz.db" >/dev/null && cmp -s "$tmp/plain.db" "$tmp/gz.db"
check "gzip-compressed input (told by content, not name) reads the same records" $?

# Writing: the real XML, then the HOME fallback, then places that cannot be written.
run update "$XML"
[ "$rc" -eq 0 ] && "$PS" info --json | grep -q '"registry_date": "2025-12-15"'
check "update XML.gz replaces the database; info shows the new date" $?
unset XDG_DATA_HOME
run update "$CSV"
[ "$rc" -eq 0 ] && [ -f "$HOME/.local/share/portscope/registry.db" ]
check "without XDG_DATA_HOME the database goes to ~/.local/share/portscope" $?
run update "$CSV" --db "$tmp/no/such/dir/r.db"
[ "$rc" -eq 2 ] && grep -q 'cannot write the database' "$tmp/err"
check "an unwritable --db path: exit 2, one line" $?
mkdir "$tmp/isdir.db"
run update "$CSV" --db "$tmp/isdir.db"
[ "$rc" -eq 2 ] && [ -d "$tmp/isdir.db" ] && [ "$(ls "$tmp" | grep -c 'isdir.db.')" -eq 0 ]
check "--db naming a directory: refused, nothing left behind" $?
# rename() would replace a device or a FIFO with a file (as root, --db
# /dev/null would destroy the device): anything but a file is left alone.
mkfifo "$tmp/fifo.db"
run update "$CSV" --db "$tmp/fifo.db"
[ "$rc" -eq 2 ] && [ -p "$tmp/fifo.db" ] && [ -z "$out" ] &&
        [ "$(printf '%s' "$err" | grep -c '')" -eq 1 ] && grep -q 'not a regular file' "$tmp/err" &&
        [ "$(ls "$tmp" | grep -c 'fifo.db.')" -eq 0 ]
check "--db naming a FIFO: refused, still a FIFO, nothing left behind" $?
# A symbolic link is followed: the file it names is replaced, the link stays.
mkdir -p "$tmp/real"
: >"$tmp/real/target.db"
ln -s real/target.db "$tmp/link.db"
run update "$CSV" --db "$tmp/link.db"
[ "$rc" -eq 0 ] && [ -L "$tmp/link.db" ] && [ -s "$tmp/real/target.db" ] &&
        "$PS" --db "$tmp/link.db" info >/dev/null
check "--db naming a symbolic link: its target is replaced, the link kept" $?
ln -s nowhere.db "$tmp/dangling.db"
run update "$CSV" --db "$tmp/dangling.db"
[ "$rc" -eq 2 ] && [ -L "$tmp/dangling.db" ] && grep -q 'symbolic link to nothing' "$tmp/err"
check "--db naming a dangling link: refused, the link left alone" $?
# A file name is bytes, JSON is UTF-8: a name that is not UTF-8 must neither
# fail the documents (it did, as 'out of memory', after writing the database)
# nor be stored in the database's source label.
odd=$tmp/$'r\xff'
cp "$tmp/full.csv" "$odd.csv"
run --json update "$odd.csv" --db "$odd.db"
[ "$rc" -eq 0 ] && printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["path"].endswith("/r?.db") and d["input"].endswith("/r?.csv"), d'
check "update --json with file names that are not UTF-8: exit 0, valid JSON" $?
run --json info --db "$odd.db"
[ "$rc" -eq 0 ] && printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["compiled_from"] == "IANA CSV, r?.csv", d'
check "info --json of that database: the source label is UTF-8" $?
run --json diff "$odd.db" "$odd.csv"
[ "$rc" -eq 1 ] && printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["old"]["input"].endswith("/r?.db"), d'
check "diff --json of files named so: exit 1, valid JSON" $?

# diff and export read a pipe as update does: the sniffing for a compiled
# database must not eat the first bytes of one.
run diff "$XML" <(zcat "$XML")
[ "$rc" -eq 1 ] && grep -q '^0 added, 0 removed, 0 changed' "$tmp/out"
check "diff FILE <(zcat FILE): reads the pipe, no differences" $?
run export <(zcat "$CSV")
[ "$rc" -eq 0 ] && printf '%s\n' "$out" | head -1 | grep -q '^Service Name,Port Number,' &&
        [ "$(printf '%s\n' "$out" | grep -c '')" -gt 14000 ]
check "export <(zcat CSV): reads the pipe" $?
run update
[ "$rc" -eq 2 ] && grep -q 'expects one registry file' "$tmp/err"
check "update without a file: usage error" $?

done_testing
