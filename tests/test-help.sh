#!/usr/bin/env bash
# Help per command, the synopsis against portscope(1), typo hints, several
# ports at once and NAME/PROTO.
set -u
PS=$1
. "$(dirname "$0")/lib.sh"
man=$(dirname "$0")/../man/portscope.1
tmp=$(mktemp -d)
export XDG_CACHE_HOME="$tmp/cache"
trap 'rm -rf "$tmp"' EXIT

run() { # run ARGS...: sets out, err, rc
        "$PS" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        out=$(cat "$tmp/out")
        err=$(cat "$tmp/err")
}

# The man page's SYNOPSIS as text, one line per .br: the same lines usage() starts with.
python3 "$(dirname "$0")/man-synopsis.py" "$man" >"$tmp/man-synopsis"
"$PS" --help | sed -n '1,/^$/p' | sed -e 's/^Usage: //' -e 's/^       //' -e '/^$/d' >"$tmp/usage-synopsis"
cmp -s "$tmp/man-synopsis" "$tmp/usage-synopsis"
check "usage() starts with portscope(1)'s SYNOPSIS, line for line" $?
cmp -s "$tmp/man-synopsis" "$tmp/usage-synopsis" || diag "$(diff "$tmp/man-synopsis" "$tmp/usage-synopsis")"

cmds=$("$PS" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}')
bad=0
for c in $cmds; do
        "$PS" help "$c" >"$tmp/h1" 2>&1 || { bad=1; diag "help $c failed"; }
        "$PS" "$c" --help >"$tmp/h2" 2>&1 || { bad=1; diag "$c --help failed"; }
        cmp -s "$tmp/h1" "$tmp/h2" || { bad=1; diag "help $c and $c --help differ"; }
        synopsis=$(sed -n 's/^Usage: portscope \[OPTIONS\] //p' "$tmp/h1")
        [ "${synopsis%% *}" = "$c" ] || { bad=1; diag "help $c: synopsis '$synopsis'"; }
        grep -A1 '^Example:' "$tmp/h1" | grep -q "^  portscope $c" ||
                { bad=1; diag "help $c: no example of $c"; }
        # The man page's entry for the command carries the same arguments.
        args=${synopsis#"$c"}
        args=${args# }
        entry=$(sed -n '/^\.SH COMMANDS/,/^\.SH OPTIONS/p' "$man" | grep -A1 '^\.TP' |
                grep -E "^\.BI? $c( |$)" | sed -e 's/\\f[RPBI]//g' -e 's/\\-/-/g' -e 's/"//g' \
                        -e "s/^\.BI\? $c *//")
        [ "$entry" = "${args#\[OPTIONS\]}" ] || [ "$args" = "[OPTIONS]" -a -z "$entry" ] ||
                { bad=1; diag "help $c: '$args', man page: '$entry'"; }
        # Every option the help lists is described in the man page.
        for o in $(sed -n '/^Options:/,/^$/p' "$tmp/h1" | grep -oE -- '--[a-z][a-z-]*'); do
                sed 's/\\-/-/g' "$man" | grep -q -- "$o" || { bad=1; diag "help $c: $o not in the man page"; }
        done
done
check "help CMD and CMD --help: the same text, synopsis, options and an example matching portscope(1)" $bad

run help nosuch
[ "$rc" -eq 2 ] && [ -z "$out" ] && [ "$err" = "portscope: help: nosuch: no such command (see portscope help)" ]
check "help for an unknown command: exit 2, one line" $?
run help lz
[ "$rc" -eq 2 ] && [ "$err" = 'portscope: help: lz: no such command; did you mean "ls"?' ]
check "help lz: did you mean ls" $?
run help
[ "$rc" -eq 0 ] && grep -q '^Usage: portscope' "$tmp/out" && grep -q 'portscope name help' "$tmp/out"
check "help alone: usage, and how to look up the service named help" $?
"$PS" name help >/dev/null
check "... which is a registered service name" $?

# Typos: a word near a command that is no service name gets a hint, and nothing runs.
for pair in lst:ls sl:ls wh:who auditt:audit sugest:suggest serach:search; do
        run "${pair%%:*}"
        [ "$rc" -eq 2 ] && [ -z "$out" ] &&
                [ "$err" = "portscope: ${pair%%:*}: neither a command nor a service name; did you mean \"portscope ${pair#*:}\"?" ]
        check "typo ${pair%%:*}: did you mean ${pair#*:}" $?
done
run whoo 22
[ "$rc" -eq 2 ] && [ -z "$out" ] && grep -q 'did you mean "portscope who"' "$tmp/err"
check "a typo before an argument: the hint, nothing runs" $?
# A word far from every command is still a name lookup.
run nosuchservicexyz
[ "$rc" -eq 1 ] && grep -q 'no service by that name' "$tmp/err"
check "a word far from every command: looked up as a name, exit 1" $?
# A service name one edit from a command: taken as the name, the command named.
run ntp
[ "$rc" -eq 0 ] && ! grep -q 'for the command' "$tmp/err"
check "a service name far from every command: no note" $?
run who
[ "$rc" -eq 2 ] && [ "$err" = 'portscope: who: expected PORT[/PROTO] (for the service named "who": portscope name who)' ]
check "who alone (a command and a service): says which it took and how to ask for the other" $?
run name who
[ "$rc" -eq 0 ] && grep -q '^Service who' "$tmp/out"
check "name who: the service" $?
run auth
[ "$rc" -eq 0 ] && grep -q '^Service auth' "$tmp/out"
check "auth: a registered name, looked up" $?
# "name" is both; "nam" is no service: a hint.
run nam
[ "$rc" -eq 2 ] && grep -q 'did you mean "portscope name"' "$tmp/err"
check "nam: did you mean name" $?
# A word close to a command that is also a registered name: the name, and a note.
for w in info2 lsa ls3 audio nat who2; do
        "$PS" name "$w" >/dev/null 2>&1 && break
        w=
done
if [ -n "$w" ]; then
        run "$w"
        [ "$rc" -eq 0 ] && grep -q "^Service" "$tmp/out" &&
                grep -q "\"$w\" is looked up as a service name; for the command: portscope" "$tmp/err"
        check "$w (a service name one edit from a command): the name, and the command named" $?
else
        skip "no service name one edit from a command in this registry"
fi

# Several ports: each reported.
run 80 443
[ "$rc" -eq 0 ] && [ "$(grep -c '^Check what uses it' "$tmp/out")" -eq 2 ] &&
        grep -q '^Port 80' "$tmp/out" && grep -q '^Port 443' "$tmp/out"
check "portscope 80 443: both reports" $?
run --json 80 443 ssh
[ "$rc" -eq 0 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d, list) and len(d)==3, d' "$tmp/out"
check "portscope --json 80 443 ssh: a JSON array of three documents" $?
run 80 70000
[ "$rc" -eq 2 ] && [ -z "$out" ] && grep -q '70000: port out of range' "$tmp/err"
check "a bad port among several: exit 2 before anything is printed" $?
run 80 nosuchservicexyz
[ "$rc" -eq 1 ] && grep -q '^Port 80' "$tmp/out"
check "a port and an unknown name: the port's report, exit 1" $?

# NAME/PROTO.
run ssh/udp
[ "$rc" -eq 0 ] && grep -q 'udp' "$tmp/out" && ! grep -qw 'tcp' "$tmp/out"
check "ssh/udp: only the udp record" $?
run name ssh/tcp
[ "$rc" -eq 0 ] && grep -qw 'tcp' "$tmp/out" && ! grep -qw 'udp' "$tmp/out"
check "name ssh/tcp: only the tcp record" $?
run ssh/xyz
[ "$rc" -eq 2 ] && [ -z "$out" ] && grep -q 'unknown protocol "xyz"' "$tmp/err"
check "ssh/xyz: unknown protocol, exit 2" $?
run -p udp ssh/tcp
[ "$rc" -eq 2 ] && grep -q 'conflicts with --protocol udp' "$tmp/err"
check "ssh/tcp with --protocol udp: a conflict, exit 2" $?

done_testing
