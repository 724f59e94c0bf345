#!/usr/bin/env bash
# The portscope command line: reports, exit statuses and bad input.
set -u
PS=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
# Reports may write the prevalence cache: keep it out of the user's home.
export XDG_CACHE_HOME="$tmp/cache"
trap 'rm -rf "$tmp"' EXIT

run() { # run ARGS...: sets out, err, rc
        "$PS" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        out=$(cat "$tmp/out")
        err=$(cat "$tmp/err")
}

# expect_bad ARG PATTERN: exit 2, one line on stderr naming the problem, nothing on stdout.
expect_bad() {
        local label=$1
        shift
        local pat=$1
        shift
        run "$@"
        local lines
        lines=$(printf '%s' "$err" | grep -c '')
        [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ -z "$out" ] &&
                printf '%s' "$err" | grep -qE "$pat"
        check "bad input $label: exit 2, one line, names the problem" $?
        [ "$rc" -eq 2 ] || diag "rc=$rc err=$err"
}

expect_bad 65536 'out of range' 65536
expect_bad -1 'negative' -- -1
expect_bad "-1 (as option)" 'negative' -1
expect_bad 12a 'not a port' 12a
expect_bad 0x50 'decimal' 0x50
expect_bad 5-3 'backwards' 5-3
expect_bad "empty string" 'empty' ''
expect_bad "10000 chars" 'too long' "$(printf '1%.0s' $(seq 1 10000))"
expect_bad "10000-char name" 'too long' "$(printf 'a%.0s' $(seq 1 10000))"
expect_bad "unknown protocol" 'unknown protocol' 80/xyz
expect_bad "--protocol xyz" 'unknown protocol' --protocol xyz 80
expect_bad "unknown option" 'unknown option' --frobnicate 80
expect_bad "--color bad" 'auto, always or never' --color=sometimes 80
expect_bad "missing option value" 'expects a value' 80 --db
expect_bad "--db missing file" 'cannot use' --db "$tmp/nope.db" 80
printf 'not a database' >"$tmp/junk.db"
expect_bad "--db junk file" 'malformed' --db "$tmp/junk.db" 80
export PORTSCOPE_DB="$tmp/junk.db"
expect_bad "PORTSCOPE_DB junk" 'malformed' 80
unset PORTSCOPE_DB

# Arguments are quoted in messages: their control characters must neither
# break the one line nor reach the terminal.
expect_bad "a newline inside the port" 'not a port' $'80\nx'
run name $'no\033]0;owned\007such'
[ "$rc" -eq 1 ] && [ "$(printf '%s' "$err" | grep -c '')" -eq 1 ] && [ -z "$out" ] &&
        ! printf '%s' "$err" | grep -q $'[\033\007]' && printf '%s' "$err" | grep -q 'no service'
check "an unknown name with escape sequences: exit 1, one line, no control characters" $?
run search $'zzq\nqzz'
[ "$rc" -eq 1 ] && [ "$(printf '%s' "$err" | grep -c '')" -eq 1 ]
check "a search word with a newline: exit 1, one line" $?

# getopt stops inside "-80" after its first digit; the message must name the
# word, not the one before it. A flag given a value gets its own message.
expect_bad "-80 before any command" '^portscope: -80: not a port: negative' -80
expect_bad "port -80" '^portscope: -80: not a port: negative' port -80
expect_bad "--json=1" '^portscope: --json: takes no value$' --json=1 80
expect_bad "--no-color=x" '^portscope: --no-color: takes no value$' --no-color=x 80
expect_bad "ls --all=1" '^portscope: --all: takes no value$' ls --all=1
fixture=$(cd "$(dirname "$0")/data/proc" && pwd)
"$PS" --proc-root "$fixture" ls -4 >"$tmp/after" 2>/dev/null
run --proc-root "$fixture" -4 ls
[ "$rc" -eq 0 ] && [ -n "$out" ] && cmp -s "$tmp/out" "$tmp/after"
check "-4 before ls is ls's option, not a negative port" $?

# A write that fails is exit 3 whatever the status would have been.
for args in "--help" "--version" "diff builtin builtin"; do
        # shellcheck disable=SC2086
        "$PS" $args >/dev/full 2>"$tmp/err"
        rc=$?
        [ "$rc" -eq 3 ] && grep -q 'writing output' "$tmp/err"
        check "$args to a full disk: exit 3, says so" $?
done

# No note has a dccp port: the empty list must not reach qsort (UBSan).
run -p dccp notes
[ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "portscope: notes: no notes for dccp" ]
check "notes for a protocol without notes: exit 1, one line" $?

expect_bad "search with 17 words" '^portscope: search: more than 16 words$' search a b c d e f g h i j k l m n o p q

# A FIFO is not a file: refused at once, not waited on for a writer.
mkfifo "$tmp/fifo"
run_fifo() { timeout 10 "$PS" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; err=$(cat "$tmp/err"); }
run_fifo --db "$tmp/fifo" 80
[ "$rc" -eq 2 ] && [ "$err" = "portscope: $tmp/fifo: cannot use this registry database: not a regular file" ]
check "--db naming a FIFO: exit 2 at once, 'not a regular file'" $?
PORTSCOPE_NMAP_SERVICES=$tmp/fifo run_fifo 80
[ "$rc" -eq 0 ] && [ "$err" = "portscope: $tmp/fifo: ignoring nmap-services: not a regular file" ]
check "PORTSCOPE_NMAP_SERVICES naming a FIFO: one warning, the report goes on" $?

expect_bad "a range against --protocol" 'conflicts with --protocol tcp' -p tcp 1-5/udp
expect_bad "--json after --" '^portscope: --json: not a port number' -- --json

run --json search $'\xff'
[ "$rc" -eq 1 ] && printf '%s' "$out" | python3 -c 'import json,sys; assert json.load(sys.stdin)["query"] == "?"'
check "search --json with a word that is not UTF-8: the query is still in the document" $?

run --no-color 1712
[ "$rc" -eq 0 ] && grep -q 'registrar' "$tmp/out" && grep -q 'resource monitoring service' "$tmp/out" &&
        grep -q 'Ron Lawson' "$tmp/out" && grep -q 'User port (1024-49151)' "$tmp/out" &&
        grep -q 'tcp, udp' "$tmp/out"
check "1712: registrar, resource monitoring service, Ron Lawson, user range, tcp+udp" $?
grep -q "lsof -nP -i :1712" "$tmp/out" && grep -qF 'findstr /C:":1712 "' "$tmp/out"
check "1712: how to check on Linux, macOS and Windows, port filled in" $?
run 817
[ "$rc" -eq 0 ] && grep -q 'Unassigned (part of 811-827)' "$tmp/out" && grep -q 'System port' "$tmp/out"
check "817: unassigned, part of 811-827, system range" $?
# Issue 9's wrong answers: a protocol filter keeps IANA's protocol-less blocks.
for a in 817/tcp 817/udp; do
        run --no-color "$a"
        [ "$rc" -eq 0 ] && head -1 "$tmp/out" | grep -qx "Port $a: Unassigned (part of 811-827)" &&
                ! grep -q 'Nothing is registered' "$tmp/out"
        check "$a: unassigned, part of 811-827, as without the filter" $?
done
run --no-color 29660/tcp
[ "$rc" -eq 0 ] && head -1 "$tmp/out" | grep -qx 'Port 29660/tcp: Unassigned (part of 29170-29998)'
check "29660/tcp: inside the unassigned block 29170-29998" $?
run --no-color 811-827/tcp
[ "$rc" -eq 0 ] && grep -q '^811-827 *- *- *Unassigned' "$tmp/out"
check "811-827/tcp: the protocol-less block is listed" $?
# Nameless records: their own status and a readable headline.
run --no-color 585
[ "$rc" -eq 0 ] && head -1 "$tmp/out" | grep -qx 'Port 585: De-registered'
check "585: headline 'De-registered', no empty name" $?
run --json 585
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="de_registered" and d["records"][0]["status"]=="de_registered", d["status"]' "$tmp/out"
check "585 --json: status deregistered, not assigned" $?
run --no-color 15
[ "$rc" -eq 0 ] && head -1 "$tmp/out" | grep -qx 'Port 15: Unassigned (formerly netstat)'
check "15: unassigned, formerly netstat" $?
# Port 0: one story. A bind to 0 takes any free port without privilege; nothing listens there.
run --no-color 0
[ "$rc" -eq 0 ] && grep -q 'needs no privilege' "$tmp/out" && ! grep -q 'CAP_NET_BIND_SERVICE' "$tmp/out" &&
        ! grep -q 'legacy software' "$tmp/out" && ! grep -q 'Nothing listens on port 0 here' "$tmp/out" &&
        grep -q 'malformed, a scan or OS fingerprinting' "$tmp/out"
check "0: no root needed, nothing listens there, traffic to 0 is a scan; no contradiction" $?
run 912
grep -q 'apex-mesh' "$tmp/out" && grep -q 'APEX relay-relay service' "$tmp/out" &&
        grep -q 'System port (0-1023)' "$tmp/out"
check "912: apex-mesh in the system range" $?
run 1322
grep -q 'novation' "$tmp/out" && grep -q 'Alan Dano' "$tmp/out"
check "1322: novation, Alan Dano" $?
run 1647
grep -q 'rsap' "$tmp/out" && grep -q 'Holger Reif' "$tmp/out"
check "1647: rsap, Holger Reif" $?

run 60000
grep -q 'Dynamic port' "$tmp/out" && grep -q 'does not assign' "$tmp/out"
check "60000: dynamic, nothing registered" $?
run --json 1712/sctp
[ "$rc" -eq 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert not d["records"] and not d["notes"]' "$tmp/out"
check "1712/sctp: nothing registered or known, exit 1" $?

mkdir -p "$tmp/noproc"
run --proc-root "$tmp/noproc" 1712
[ "$rc" -eq 0 ]
check "--proc-root without settings still reports" $?
mkdir -p "$tmp/proc/sys/net/ipv4"
echo "1000 2000" >"$tmp/proc/sys/net/ipv4/ip_local_port_range"
echo "1712" >"$tmp/proc/sys/net/ipv4/ip_local_reserved_ports"
echo "2000" >"$tmp/proc/sys/net/ipv4/ip_unprivileged_port_start"
run --proc-root "$tmp/proc" --json 1712
python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h = d["host"]
assert h["ephemeral"] == {"low": 1000, "high": 2000, "contains": True}, h
assert h["reserved"] is True and h["privileged"] is True and h["unprivileged_port_start"] == 2000
PY
check "--proc-root: this machine's facts come from the given root" $?
echo "garbage" >"$tmp/proc/sys/net/ipv4/ip_local_port_range"
expect_bad "malformed proc file" 'malformed' --proc-root "$tmp/proc" 1712

run --json 1712
python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["port"] == 1712 and d["range"]["class"] == "user"
recs = d["records"]
assert sorted(r["protocol"] for r in recs) == ["tcp", "udp"]
assert [g["protocols"] for g in d["groups"]] == [["tcp", "udp"]]
for r in recs:
    assert r["service"] == "registrar" and r["assignees"][0]["name"] == "Ron Lawson"
    assert r["status"] == "assigned"
assert set(d["check"]) == {"linux", "macos", "windows"}
PY
check "--json 1712 follows the schema" $?

run --json 1712/udp
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [r["protocol"] for r in d["records"]]==["udp"]' "$tmp/out"
check "1712/udp: only the udp record" $?
run --protocol tcp --json 1712
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [r["protocol"] for r in d["records"]]==["tcp"]' "$tmp/out"
check "--protocol tcp filters" $?
expect_bad "conflicting protocols" 'conflicts' --protocol tcp 1712/udp

run ssh
[ "$rc" -eq 0 ] && grep -q '22' "$tmp/out" && grep -q 'Secure Shell' "$tmp/out"
check "name lookup: ssh" $?
run SSH
[ "$rc" -eq 0 ]
check "name lookup ignores case" $?
run http
grep -q 'Same port' "$tmp/out" && grep -q 'www' "$tmp/out"
check "name lookup shows other names on the same port" $?
run no-such-service
[ "$rc" -eq 1 ] && [ -z "$out" ] && grep -q 'no service by that name' "$tmp/err"
check "unknown name: exit 1" $?
run name who
[ "$rc" -eq 0 ] && grep -q '513' "$tmp/out"
check "'name' reaches services named like commands" $?

run 815-828
[ "$rc" -eq 0 ] && grep -q '^811-827' "$tmp/out" && grep -q 'itm-mcell-s' "$tmp/out" && ! grep -q '^829' "$tmp/out"
check "range 815-828 lists the block that overlaps it and 828, nothing beyond" $?
run --json 0-65535
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["records"]) > 13000' "$tmp/out"
check "the whole port space as one range" $?

run search resource monitoring
[ "$rc" -eq 0 ] && head -1 "$tmp/out" | grep -q registrar
check "search ranks registrar first for 'resource monitoring'" $?
run search --json Lawson
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(r["service"]=="registrar" for r in d["records"])' "$tmp/out"
check "search matches assignee names" $?
run search qqqqzzzz
[ "$rc" -eq 1 ]
check "search with no match: exit 1" $?
expect_bad "search without words" "^portscope: search: expected WORDS" search

run info --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["records_total"]==14496 and d["registry_date"]=="2025-12-15" and d["storage"]=="built-in"' "$tmp/out"
check "info: built-in registry, 14496 records" $?
run --version
[ "$rc" -eq 0 ] && grep -q '2025-12-15' "$tmp/out"
check "--version names the registry date" $?
run --help
[ "$rc" -eq 0 ] && grep -q 'Usage: portscope' "$tmp/out"
check "--help" $?
run
[ "$rc" -eq 2 ] && grep -q 'Usage' "$tmp/err"
check "no arguments: usage on stderr, exit 2" $?

run --color=always 1712
grep -q $'\033\\[' "$tmp/out"
check "--color=always colours" $?
run 1712
! grep -q $'\033\\[' "$tmp/out"
check "no colour when not a terminal" $?

"$PS" 1712 >/dev/full 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] && grep -q 'writing output' "$tmp/err"
check "a failed write is reported, exit 3" $?

"$PS" --format csv export 2>/dev/null | head -1 | grep -q '^Service Name,Port Number'
check "a command's option with its value may come before the command word" $?

# usage() and every command's help mirror the man page: the same long options
# and commands, options sorted.
man=$(dirname "$0")/../man/portscope.1
"$PS" --help >"$tmp/help"
help_cmds=$(sed -n '/^Commands:/,/^$/p' "$tmp/help" | awk '/^  [a-z]/ {print $1}' | sort)
: >"$tmp/allhelp"
sorted=0
for c in $help_cmds; do
        "$PS" help "$c" >"$tmp/help-$c"
        cat "$tmp/help-$c" >>"$tmp/allhelp"
        sed -n '/^Options:/,/^$/p' "$tmp/help-$c" | grep -oE '^  (-[A-Za-z0-9], )?--[a-z-]+|^      --[a-z-]+' |
                sed 's/.*--//' >"$tmp/order"
        sort -c "$tmp/order" 2>/dev/null || { sorted=1; diag "help $c: options not sorted"; }
done
cat "$tmp/help" >>"$tmp/allhelp"
help_opts=$(grep -oE -- '--[a-z][a-z-]*' "$tmp/allhelp" | sort -u)
man_opts=$(sed 's/\\-/-/g' "$man" | grep -E '^\.(TP|B|BR|BI)|^\.B' | grep -oE -- '--[a-z][a-z-]*' | sort -u)
[ "$help_opts" = "$man_opts" ]
check "--help, every command's help and portscope(1) list the same options" $?
[ "$help_opts" = "$man_opts" ] || diag "help: $(echo $help_opts)" "man: $(echo $man_opts)"
sed -n '/^Options:/,/^$/p' "$tmp/help" | grep -oE '^  (-[A-Za-z], )?--[a-z-]+|^      --[a-z-]+' |
        sed 's/.*--//' >"$tmp/order"
sort -c "$tmp/order" 2>/dev/null
check "--help and every command's help list options sorted" $((sorted + $?))
man_cmds=$(sed -n '/^\.SH COMMANDS/,/^\.SH OPTIONS/p' "$man" | grep -A1 '^\.TP' | grep -oE '^\.BI? [a-z]+' | awk '{print $2}' | sort)
[ "$help_cmds" = "$man_cmds" ]
check "--help and portscope(1) list the same commands" $?
[ "$help_cmds" = "$man_cmds" ] || diag "help: $(echo $help_cmds)" "man: $(echo $man_cmds)"

# A service name's report links IANA's own record, as the port report does,
# searched for the name as the registry spells it (issue 11, item 7).
run --no-color SSH
[ "$rc" -eq 0 ] && printf '%s\n' "$out" | tail -1 |
        grep -qx "  IANA's own record: https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml?search=ssh"
check "portscope SSH: IANA's own record, searched for ssh" $?
run --json no-such-service-xyz
[ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q '"iana_url": null'
check "a name nobody registered: no IANA link (iana_url null)" $?

# English in C.UTF-8 loads the character-type locale only for text that needs
# wcwidth() (src/shared/i18n.c, ps_i18n_init_deferred): a wide name still
# counts two columns a character there, and one in the C locale.
printf '%s\t1712/tcp\n' "サービスサービスサービス" >"$tmp/services-cjk"
wide=$(cd "$tmp" && env -u LANGUAGE -u LC_ALL LANG=C.UTF-8 PORTSCOPE_SERVICES=services-cjk "$PS" --no-color 1712 |
        grep "This machine")
narrow=$(cd "$tmp" && env -u LANGUAGE -u LC_ALL LANG=C PORTSCOPE_SERVICES=services-cjk "$PS" --no-color 1712 |
        grep "This machine")
case $wide in *'" over tcp: a') ;; *) false ;; esac &&
        case $narrow in *'over tcp: a local name,') ;; *) false ;; esac
r=$?
check "a wide local name wraps at two columns a character in C.UTF-8, one in C" $r
[ $r -eq 0 ] || diag "C.UTF-8: $wide" "C: $narrow"

done_testing
