#!/usr/bin/env bash
# ls and who filters and views: service names where ports go, --sport,
# --dport, --src, --dst, ranges, --state, --summary, --info, --watch; against
# sockets a helper opens on 127.0.0.1, with a registry that names its ports.
set -u
PS=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
helper=
watcher=
cleanup() {
        [ -n "$helper" ] && kill "$helper" 2>/dev/null
        [ -n "$watcher" ] && kill "$watcher" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT

run() { # run ARGS...: sets out, err, rc
        "$PS" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        out=$(cat "$tmp/out")
        err=$(cat "$tmp/err")
}

# A TCP listener with a connection whose client sent 5 bytes the server has not
# read, and a UDP socket. Prints "PID TCPPORT UDPPORT CLIENTPORT"; a line on
# stdin makes it open a second listener and print its port.
mkfifo "$tmp/ctl"
python3 -c '
import os, socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
c.sendall(b"hello")
print(os.getpid(), l.getsockname()[1], u.getsockname()[1], c.getsockname()[1], flush=True)
sys.stdin.readline()
l2 = socket.socket(); l2.bind(("127.0.0.1", 0)); l2.listen()
print(l2.getsockname()[1], flush=True)
time.sleep(600)
' <"$tmp/ctl" >"$tmp/helper" &
helper=$!
exec 3>"$tmp/ctl"
for _ in $(seq 1 100); do
        [ -s "$tmp/helper" ] && break
        sleep 0.1
done
read -r hpid tport uport cport <"$tmp/helper"
check "helper started" "$([ "$hpid" = "$helper" ]; echo $?)"

# A registry naming the helper's ports: "pstest" is the TCP listener (tcp and
# udp records), "pstestu" the UDP socket.
hdr='Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes'
printf '%s\npstest,%s,tcp,Test,,,2020-01-01,,,,,\npstest,%s,udp,Test,,,,,,,,\npstestu,%s,udp,Test U,,,,,,,,\n' \
        "$hdr" "$tport" "$tport" "$uport" >"$tmp/reg.csv"
"$PS" --db "$tmp/reg.db" update "$tmp/reg.csv" >/dev/null 2>&1
check "a registry naming the helper's ports" $?
DB=(--db "$tmp/reg.db")

run "${DB[@]}" --no-color who pstest
[ "$rc" -eq 0 ] && [ "$(grep -c "pid $hpid" "$tmp/out")" -eq 3 ] && grep -q "127.0.0.1:$tport" "$tmp/out"
check "who NAME: the name's port, listener and both ends" $?
run "${DB[@]}" --no-color who pstest/udp
[ "$rc" -eq 1 ] && grep -q "no socket on this machine uses pstest/udp" "$tmp/err"
check "who NAME/udp: only the udp port, where nothing is" $?
run "${DB[@]}" --no-color who pstestu
[ "$rc" -eq 0 ] && grep -q UNCONN "$tmp/out" && ! grep -q '^tcp' "$tmp/out"
check "who NAME of a UDP service: the UDP socket" $?
run "${DB[@]}" who nosuchname
[ "$rc" -eq 2 ] && [ -z "$out" ] && grep -q 'no port for a service by that name' "$tmp/err"
check "who with an unknown name: exit 2, one line" $?
run "${DB[@]}" --json who pstest
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["sockets"])==3 and d["ports"][0]["low"]==int(sys.argv[2]), d' "$tmp/out" "$tport"
check "who --json NAME: the sockets and the ports asked for" $?
lo=$((tport - 1))
hi=$((tport + 1))
run --no-color who "$lo-$hi/tcp"
[ "$rc" -eq 0 ] && grep -q "127.0.0.1:$tport" "$tmp/out"
check "who LOW-HIGH: a range" $?

run "${DB[@]}" --no-color ls --port pstest
[ "$rc" -eq 0 ] && grep -q "127.0.0.1:$tport" "$tmp/out" && [ "$(grep -c "127.0.0.1:" "$tmp/out")" -eq 1 ]
check "ls --port NAME: the name's listener" $?
run "${DB[@]}" --no-color ls -a --sport pstest
[ "$rc" -eq 0 ] && [ "$(awk -v p="127.0.0.1:$tport" '$3 == p' "$tmp/out" | wc -l)" -eq 2 ] &&
        [ "$(grep -c '^tcp' "$tmp/out")" -eq 2 ]
check "ls -a --sport NAME: the listener and the server end, not the client" $?
run --no-color ls -a --dport "$tport"
[ "$rc" -eq 0 ] && [ "$(grep -c '^tcp' "$tmp/out")" -eq 1 ] && grep -q "127.0.0.1:$cport " "$tmp/out"
check "ls -a --dport PORT: the client end only" $?
run --no-color ls -a --sport "$tport" --dst 127.0.0.0/8
[ "$rc" -eq 0 ] && [ "$(grep -c '^tcp' "$tmp/out")" -eq 1 ] && grep -q ESTAB "$tmp/out"
check "ls -a --sport --dst CIDR: the connected server end" $?
run --no-color ls -a --sport "$tport" --dst 10.0.0.0/8
[ "$rc" -eq 1 ]
check "ls --dst another network: nothing, exit 1" $?
run --no-color ls -a --src 127.0.0.1 --sport "$tport" --state listen
[ "$rc" -eq 0 ] && [ "$(grep -c '^tcp' "$tmp/out")" -eq 1 ] && grep -q LISTEN "$tmp/out"
check "ls --src ADDR --state listen" $?
run --no-color who --state estab "$tport"
[ "$rc" -eq 0 ] && [ "$(grep -c ESTAB "$tmp/out")" -eq 2 ] && ! grep -q LISTEN "$tmp/out"
check "who --state estab PORT: both ends, no listener" $?
run --no-color ls -a --src ::1/129
[ "$rc" -eq 2 ] && grep -q 'prefix length' "$tmp/err"
check "--src with a prefix over 128: exit 2" $?
for bad in 10.0.0.0/ 10.0.0.0/08 10.0.0.0/+8 300.1.1.1 '10.0.0.0/8 '; do
        run ls --dst "$bad"
        [ "$rc" -eq 2 ] && [ -z "$out" ] && grep -q 'expected an address or a network' "$tmp/err" || break
done
check "--dst with a malformed network: exit 2, one line" $?
run ls --sport 70000
[ "$rc" -eq 2 ] && grep -q 'out of range' "$tmp/err"
check "--sport 70000: exit 2" $?

# Summary: counts by protocol, family and state.
run --no-color who -s "$tport"
[ "$rc" -eq 0 ] && grep -q '^Total: 3 sockets' "$tmp/out" &&
        awk '$1=="tcp" && $2==3 && $3==3 {ok=1} END{exit !ok}' "$tmp/out"
check "who -s PORT: 3 TCP sockets over IPv4" $?
run --json ls --summary --sport "$tport"
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["sockets_total"]==2, d
p=d["by_protocol"][0]
assert p["protocol"]=="tcp" and p["ipv4"]==2 and p["states"]=={"LISTEN":1,"ESTAB":1}, d' "$tmp/out"
check "ls --json --summary --sport: counts by state" $?

# Info: the queues, and TCP internals.
run --no-color who -i --state estab "$tport"
grep -q 'recv-q 5, send-q 0, rtt [0-9.]*/[0-9.]* ms' "$tmp/out" && grep -q 'cwnd [1-9]' "$tmp/out"
check "who -i: 5 unread bytes on the server end, rtt and cwnd" $?
run --json ls -a -i --sport "$tport" --state estab
python3 -c '
import json,sys
s=json.load(open(sys.argv[1]))["sockets"][0]
i=s["info"]
assert i["recv_queue"]==5 and i["tcp"]["cwnd"]>0 and "rtt_us" in i["tcp"] and "total_retransmits" in i["tcp"], s' "$tmp/out"
check "ls --json -i: info with recv_queue and tcp" $?
run --no-color ls -i --sport "$tport"
grep -q 'accept queue 0 of' "$tmp/out"
check "ls -i: a listener's accept queue" $?

# Watch: the first scan, then what appears.
"$PS" --no-color ls --watch=1 -t --src 127.0.0.1 >"$tmp/watch" 2>&1 &
watcher=$!
for _ in $(seq 1 100); do
        grep -q '^-- ' "$tmp/watch" && break
        sleep 0.1
done
grep -q "+ tcp   LISTEN      127.0.0.1:$tport" "$tmp/watch"
check "ls --watch: the first scan lists the listener as +" $?
echo go >&3
for _ in $(seq 1 100); do
        [ "$(wc -l <"$tmp/helper")" -ge 2 ] && break
        sleep 0.1
done
port2=$(sed -n 2p "$tmp/helper")
for _ in $(seq 1 100); do
        grep -q "127.0.0.1:$port2" "$tmp/watch" && break
        sleep 0.1
done
grep -q "+ tcp   LISTEN      127.0.0.1:$port2 " "$tmp/watch"
check "ls --watch: a new listener appears" $?
kill "$helper"
wait "$helper" 2>/dev/null
helper=
for _ in $(seq 1 100); do
        grep -q "^[0-9T:-]* - tcp   LISTEN      127.0.0.1:$port2" "$tmp/watch" && break
        sleep 0.1
done
grep -q " - tcp   LISTEN      127.0.0.1:$port2 " "$tmp/watch"
check "ls --watch: a closed listener goes" $?
kill -INT "$watcher"
wait "$watcher"
check "ls --watch: SIGINT ends it with status 0" $?
watcher=
run ls --watch=0
[ "$rc" -eq 2 ] && grep -q 'seconds from 1 to 3600' "$tmp/err"
check "--watch=0: exit 2" $?
run ls --watch=1x
[ "$rc" -eq 2 ]
check "--watch=1x: exit 2" $?

done_testing
