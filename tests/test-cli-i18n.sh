#!/usr/bin/env bash
# The terminal in other languages (docs/translations.md): the report's headings, advice and
# notes, Czech plurals, how LANG/LANGUAGE/LC_ALL decide, JSON staying language-neutral.
# Usage: test-cli-i18n.sh PORTSCOPE BUILDDIR
set -u
. "$(dirname "$0")/lib.sh"
PS=$1
export PORTSCOPE_LOCALEDIR=$2/po
cd "$(dirname "$0")" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache" PORTSCOPE_NMAP_SERVICES="$PWD/data/nmap-services-fixture"
unset LC_ALL LC_MESSAGES LANG LANGUAGE

if [ ! -f "$PORTSCOPE_LOCALEDIR/de/LC_MESSAGES/portscope.mo" ]; then
        skip "no compiled catalogs (msgfmt, Debian gettext, is not installed)"
        done_testing
        exit
fi

LANGUAGE=de "$PS" --no-color 1712 >"$tmp/de" 2>&1
grep -q '^Bereich$' "$tmp/de" && grep -q '^Auf diesem Rechner$' "$tmp/de" &&
        grep -q '^IANA-Register (' "$tmp/de" && grep -q '^Notizen$' "$tmp/de" &&
        grep -q '^Prüfen, was ihn nutzt$' "$tmp/de"
check "LANGUAGE=de portscope 1712: German headings" $?
grep -qE 'Auf Port 1712 lauscht hier gerade nichts.|^  [0-9]+ lauschende?r? Sockets?:' "$tmp/de" &&
        grep -q 'Zuverlässigkeit: mittel' "$tmp/de" &&
        grep -q '^ *Was tun: Ein Dienst, der heute auf 1712 lauscht' "$tmp/de" &&
        grep -q 'Exchange-Informationsspeicher auf einen festen MAPI-Port gelegt' "$tmp/de"
check "LANGUAGE=de portscope 1712: German advice and the translated note" $?
! grep -q 'What to do:\|^Range$\|Nothing listens' "$tmp/de"
check "LANGUAGE=de portscope 1712: none of those sentences in English" $?

# The language from LANG when no LANGUAGE is set: with the locale generated or, on a fresh
# machine, without it; an explicit C keeps English for scripts.
LANG=de_DE.UTF-8 "$PS" --no-color 1712 | grep -q '^Auf diesem Rechner$'
check "LANG=de_DE.UTF-8 gives German, whether or not that locale is installed" $?
LANG=cs_XX.UTF-8 "$PS" --no-color 1712 | grep -q '^Na tomto počítači$'
check "LANG naming a locale that does not exist still gives its language (Czech)" $?
LC_ALL=C LANGUAGE=de "$PS" --no-color 1712 | grep -q '^On this machine$'
check "LC_ALL=C LANGUAGE=de keeps English, as GNU tools do" $?
LANGUAGE=xx:el "$PS" --no-color 1712 | grep -q '^Σε αυτό το μηχάνημα$'
check "LANGUAGE is a priority list (xx:el gives Greek)" $?

# JSON is language-neutral.
"$PS" --json 1712 >"$tmp/en.json"
LANGUAGE=ug "$PS" --json 1712 >"$tmp/ug.json"
cmp -s "$tmp/en.json" "$tmp/ug.json"
check "--json is the same in English and Uyghur" $?

# An untranslated note says so and shows the English (Redis's port: its notes are not
# among those of the 50 most-met ports, which are all translated).
LANGUAGE=pt "$PS" --no-color 6379/tcp >"$tmp/pt6379"
if grep -q '^Notas$' "$tmp/pt6379" && ! [ -f ../data/notes/l10n/pt/6379-redis.md ]; then
        grep -q 'Esta nota ainda não está traduzida; segue-se o original em inglês.' "$tmp/pt6379"
        check "pt: an untranslated note says it follows in English" $?
else
        skip "port 6379's note is translated into Portuguese"
fi

# Czech plurals: 1, 3 and 5 sockets (one form each), from recorded /proc trees.
for n in 1 3 5; do
        d=$tmp/proc$n
        cp -r data/proc "$d"
        for f in tcp6 udp udp6; do head -1 "data/proc/net/$f" >"$d/net/$f"; done
        head -$((n + 1)) data/proc/net/tcp >"$d/net/tcp"
        got=$(LANGUAGE=cs "$PS" --no-color --proc-root "$d" ls --summary 2>&1 | head -1)
        case $n in
        1) want='Celkem: 1 soket' ;;
        3) want='Celkem: 3 sokety' ;;
        5) want='Celkem: 5 soketů' ;;
        esac
        [ "$got" = "$want" ]
        check "cs: $n sockets reads \"$want\"" $?
        [ "$got" = "$want" ] || diag "got: $got"
done
# Label columns are padded by display width, not bytes: in Greek and Uyghur (two bytes a
# letter) the value after "Description" and "Tags" starts in column 17, as in English.
for l in el ug; do
        LANGUAGE=$l "$PS" --no-color 1712 >"$tmp/cols-$l" 2>&1
        python3 - "$tmp/cols-$l" "$(LANG=C.UTF-8 TEXTDOMAINDIR=$PORTSCOPE_LOCALEDIR LANGUAGE=$l gettext -d portscope Description)" \
                "$(LANG=C.UTF-8 TEXTDOMAINDIR=$PORTSCOPE_LOCALEDIR LANGUAGE=$l gettext -d portscope Tags)" <<'PY'
import sys, unicodedata
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
def col(line, label):
    rest = line[4 + len(label):]
    value = 4 + len(label) + len(rest) - len(rest.lstrip(" "))
    return sum(1 for ch in line[:value] if not unicodedata.combining(ch))
found = [col(l, lab) for lab in sys.argv[2:] for l in lines if l.startswith("    " + lab + " ")]
sys.exit(0 if len(found) >= 2 and set(found) == {17} else 1)
PY
        check "LANGUAGE=$l: the report's label column is 12 display columns wide" $?
done

# Numbers and dates as each language writes them (docs/translations.md, "Numbers and
# dates"): portscope info's record count and registry date. English under C stays as
# scripts read it.
nbsp=$(printf '\302\240')
declare -A num=([de]='[0-9]{1,3}(\.[0-9]{3})+' [cs]="[0-9]{1,3}(${nbsp}[0-9]{3})+"
        [ug]='[0-9]{1,3}(,[0-9]{3})+' [C]='[0-9]{4,}')
declare -A day=([de]='[0-9]{2}\.[0-9]{2}\.[0-9]{4}' [cs]='[0-9]{1,2}\. [0-9]{1,2}\. [0-9]{4}'
        [ug]='[0-9]{4}-[0-9]{2}-[0-9]{2}' [C]='[0-9]{4}-[0-9]{2}-[0-9]{2}')
for l in de cs ug C; do
        if [ "$l" = C ]; then
                LC_ALL=C "$PS" info >"$tmp/info-$l" 2>&1
        else
                LANGUAGE=$l "$PS" info >"$tmp/info-$l" 2>&1
        fi
        # The 3rd line is the date, the 6th the records: "LABEL   VALUE".
        sed -n 3p "$tmp/info-$l" | grep -qE "^[^0-9]+ ${day[$l]}\$" &&
                sed -n 6p "$tmp/info-$l" | grep -qE "^[^0-9]+ ${num[$l]} \("
        check "portscope info in $l: the date and the record count written as $l writes them" $?
        [ $? -eq 0 ] || diag "$(sed -n '3p;6p' "$tmp/info-$l")"
done
LANGUAGE=de PORTSCOPE_NMAP_SERVICES="$PWD/data/nmap-services-fixture" "$PS" --no-color 22 |
        grep -qE 'bei [0-9]+,[0-9]+ % der von nmap gescannten Hosts'
check "LANGUAGE=de portscope 22: nmap's percentage with a decimal comma" $?

# The exporter's errors follow the language too (it runs inside portscope's main).
LANGUAGE=de "$PS" exporter extra 2>&1 | grep -q 'unerwartetes Argument'
check "LANGUAGE=de portscope exporter: errors in German" $?

# The downloader of update --fetch speaks the user's language too.
fetch="$(dirname "$PS")/portscope-fetch"
LANGUAGE=cs "$fetch" 2>"$tmp/fetch"
[ $? -eq 2 ] && grep -q 'je spouštěn příkazem portscope update --fetch' "$tmp/fetch"
check "LANGUAGE=cs portscope-fetch: its error in Czech" $?

# ls's headings are translated, and each column starts where its heading does, though a
# Greek letter takes two bytes (a listener of the test's own, on loopback).
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
# A connection the client closes first: its end waits in TIME_WAIT, held by no process.
c = socket.create_connection(s.getsockname())
a, _ = s.accept()
c.close()
time.sleep(0.2)
a.close()
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
time.sleep(60)' "$tmp/port" &
lpid=$!
for _ in $(seq 1 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
lport=$(cat "$tmp/port")
columns_line_up() { # FILE: the row's LOCAL ADDRESS starts under its heading, in characters
        python3 - "$1" "$lport" <<'PY'
import sys
# Direction marks take no column.
text = open(sys.argv[1], encoding="utf-8").read().replace("\u200e", "").replace("\u200f", "")
lines = text.splitlines()
head, row = lines[0], next(l for l in lines[1:] if ":" + sys.argv[2] + " " in l)
cols = [i for i, ch in enumerate(head) if i and head[i - 1] == " " and ch != " "]
ok = row.index("127.0.0.1:") in cols and head.split()[0] != "" and len(head) >= 40
sys.exit(0 if ok else 1)
PY
}
LANGUAGE=el "$PS" --no-color ls --sport="$lport" >"$tmp/ls-el" 2>/dev/null
head -1 "$tmp/ls-el" | grep -q '^ΠΡΩΤ\. *ΚΑΤΑΣΤΑΣΗ *ΤΟΠΙΚΗ ΔΙΕΥΘΥΝΣΗ .*ΥΠΗΡΕΣΙΑ$' &&
        columns_line_up "$tmp/ls-el"
check "LANGUAGE=el portscope ls: Greek headings over their columns" $?
[ $? -eq 0 ] || diag "$(cat "$tmp/ls-el")"
LANGUAGE=de "$PS" --no-color ls --sport="$lport" >"$tmp/ls-de" 2>/dev/null
head -1 "$tmp/ls-de" | grep -q '^PROTO ZUSTAND *LOKALE ADRESSE ' && columns_line_up "$tmp/ls-de"
check "LANGUAGE=de portscope ls: German headings over their columns" $?
LANGUAGE=el "$PS" --no-color ls -a --dport="$lport" >"$tmp/ls-tw" 2>/dev/null
python3 - "$tmp/ls-tw" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head, row = lines[0], next(l for l in lines[1:] if "TIME-WAIT" in l)
# The translated "(no process)" is 17 letters in 33 bytes; SERVICE still starts in line.
at = head.index("ΥΠΗΡΕΣΙΑ")
sys.exit(0 if "(καμία διεργασία)" in row and row[at - 1] == " " and row[at] != " " else 1)
PY
check "LANGUAGE=el portscope ls -a: a translated (no process) keeps the columns" $?
[ $? -eq 0 ] || diag "$(cat "$tmp/ls-tw")"
# In Uyghur each heading ends with a left-to-right mark: without it a terminal that
# orders text by direction (Konsole, VTE) shows a run of right-to-left headings in
# reverse, each over another column.
LANGUAGE=ug "$PS" --no-color ls --sport="$lport" >"$tmp/ls-ug1" 2>/dev/null
python3 - "$tmp/ls-ug1" "$lport" <<'PY'
import sys, unicodedata
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head, row = lines[0], next(l for l in lines[1:] if ":" + sys.argv[2] + " " in l)
# The columns start where the row's fields do (PID's digits within its own).
starts = [i for i, ch in enumerate(row) if ch != " " and (i == 0 or row[i - 1] == " ")]
regions, col = {}, 0
for ch in head:
    k = max([j for j, at in enumerate(starts) if at <= col] or [0])
    regions.setdefault(k, []).append(ch)
    if unicodedata.category(ch) not in ("Mn", "Me", "Cf"):
        col += 1
# In each column's heading, a left-to-right mark after the last right-to-left letter.
for chs in regions.values():
    rtl = [i for i, ch in enumerate(chs) if unicodedata.bidirectional(ch) in ("R", "AL")]
    if rtl and "\u200e" not in chs[rtl[-1]:]:
        sys.exit(1)
sys.exit(0 if len(regions) >= 7 else 1)
PY
ug_order=$?
columns_line_up "$tmp/ls-ug1"
[ $ug_order -eq 0 ] && [ $? -eq 0 ]
check "LANGUAGE=ug portscope ls: headings over their columns, each closed by a left-to-right mark" $?
[ $? -eq 0 ] || diag "$(cat "$tmp/ls-ug1")"
LANGUAGE=ug "$PS" --no-color ls -s --sport="$lport" >"$tmp/ls-ug" 2>/dev/null
python3 - "$tmp/ls-ug" <<'PY'
import sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
head = next(l for l in lines if "IPv4" in l).replace("\u200e", "")
row = next(l for l in lines if l.startswith("tcp "))
# TOTAL is right-aligned: its heading and the count end in the same column.
end_head = head.index("جەمئىي") + len("جەمئىي")
sys.exit(0 if row[:end_head].rstrip() == row[:end_head] and row[end_head] == " " else 1)
PY
check "LANGUAGE=ug portscope ls -s: the Uyghur TOTAL heading over its counts" $?
[ $? -eq 0 ] || diag "$(cat "$tmp/ls-ug")"
kill "$lpid" 2>/dev/null
wait "$lpid" 2>/dev/null

done_testing
