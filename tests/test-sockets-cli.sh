#!/usr/bin/env bash
# portscope who / ls / the port report's sockets, against sockets a helper opens.
set -u
PS=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
helper=
cleanup() {
        [ -n "$helper" ] && kill "$helper" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT

run() { # run ARGS...: sets out, err, rc
        "$PS" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        out=$(cat "$tmp/out")
        err=$(cat "$tmp/err")
}

# A helper holding a TCP listener, a UDP socket and a connected pair; it prints
# "PID TCPPORT UDPPORT CLIENTPORT" and waits until killed.
python3 -c '
import os, socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
print(os.getpid(), l.getsockname()[1], u.getsockname()[1], c.getsockname()[1], flush=True)
time.sleep(600)
' >"$tmp/helper" &
helper=$!
for _ in $(seq 1 100); do
        [ -s "$tmp/helper" ] && break
        sleep 0.1
done
read -r hpid tport uport cport <"$tmp/helper"
check "helper started" "$([ "$hpid" = "$helper" ]; echo $?)"

run --no-color who "$tport/tcp"
[ "$rc" -eq 0 ] && grep -q "LISTEN" "$tmp/out" && grep -q "pid $hpid python3" "$tmp/out" &&
        grep -q "127.0.0.1:$tport" "$tmp/out" && grep -q "user $(id -un)" "$tmp/out"
check "who TCPPORT: listener, pid, process name, user" $?
[ "$(grep -c "pid $hpid" "$tmp/out")" -eq 3 ] && grep -q "127.0.0.1:$cport" "$tmp/out"
check "who TCPPORT: listener and both ends of the connection" $?
grep -q "python3 -c" "$tmp/out"
check "who TCPPORT: full command line" $?

run --no-color who -l "$tport/tcp"
[ "$rc" -eq 0 ] && [ "$(grep -c "pid $hpid" "$tmp/out")" -eq 1 ] && ! grep -q ESTAB "$tmp/out"
check "who -l TCPPORT: the listener only" $?

# Port 0 is nobody's: unconnected sockets must not count as "remote port 0".
run who 0
[ "$rc" -eq 1 ] && [ -z "$out" ] && grep -q "no socket" "$tmp/err"
check "who 0: nothing, exit 1" $?
run who "$uport/udp"
[ "$rc" -eq 0 ] && grep -q UNCONN "$tmp/out" && grep -q "pid $hpid" "$tmp/out" &&
        ! grep -q "^tcp" "$tmp/out"
check "who UDPPORT/udp: the UDP socket, no TCP" $?

run who --json "$tport/tcp"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
pid, port = int(sys.argv[2]), int(sys.argv[3])
s = [x for x in d["sockets"] if x["state"] == "LISTEN" and x["local"]["address"] == "127.0.0.1"]
assert d["port"] == port and d["protocol"] == "tcp" and len(s) == 1, d
assert s[0]["local"]["port"] == port and s[0]["remote"] is None
assert s[0]["processes"][0]["pid"] == pid and s[0]["processes"][0]["name"] == "python3"
assert s[0]["owner_unknown"] is None and s[0]["protocol"] == "tcp" and s[0]["family"] == 4
assert d["scan"]["method"] in ("netlink", "procnet")
' "$tmp/out" "$hpid" "$tport"
check "who --json: one document, listener with pid and name" $?

run ls --ndjson
python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
port, uport = int(sys.argv[2]), int(sys.argv[3])
assert all(r["state"] in ("LISTEN", "UNCONN") for r in rows), rows
assert any(r["local"]["port"] == port for r in rows)
assert any(r["local"]["port"] == uport and r["protocol"] == "udp" for r in rows)
' "$tmp/out" "$tport" "$uport"
check "ls --ndjson: one object a line, listeners only, ours among them" $?

run ls --json --all
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = int(sys.argv[2])
assert any(s["state"] == "ESTAB" and s["local"]["port"] == c for s in d["sockets"])
' "$tmp/out" "$cport"
check "ls --json --all: includes the established connection" $?

run --no-color ls --tcp --process python3
[ "$rc" -eq 0 ] && grep -q ":$tport " "$tmp/out" && ! grep -q "^udp" "$tmp/out"
check "ls --tcp --process NAME: the listener, no UDP" $?
run ls --process "$hpid" -u
[ "$rc" -eq 0 ] && grep -q ":$uport " "$tmp/out" && ! grep -q "^tcp" "$tmp/out"
check "ls --process PID -u: the UDP socket only" $?
run ls --state estab --process "$hpid"
[ "$rc" -eq 0 ] && [ "$(grep -c ESTAB "$tmp/out")" -eq 2 ] && ! grep -q LISTEN "$tmp/out"
check "ls --state estab: both ends of the pair" $?
run ls -6 --process "$hpid"
[ "$rc" -eq 1 ]
check "ls -6 for an IPv4-only process: nothing, exit 1" $?
run ls --user "$(id -u)" --process "$hpid"
[ "$rc" -eq 0 ] && grep -q ":$tport " "$tmp/out"
check "ls --user UID" $?

run --no-color "$tport/tcp"
grep -q "On this machine" "$tmp/out" && grep -q "Listening: 1 socket:" "$tmp/out" &&
        [ "$(grep -c "pid $hpid python3" "$tmp/out")" -eq 1 ] &&
        grep -q "portscope who $tport/tcp" "$tmp/out"
check "port report: the listener under On this machine, connections left to who" $?
run --json "$tport/tcp"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
mine = [s for s in d["sockets"] if [p for p in s["processes"] if p["pid"] == int(sys.argv[2])]]
assert len(mine) == 1 and mine[0]["state"] == "LISTEN", mine
' "$tmp/out" "$hpid"
check "port report --json: a sockets array of the listeners" $?

# SCTP and DCCP: listed where the kernel can, otherwise said so; never a hang.
for p in sctp dccp; do
        timeout 20 "$PS" ls --protocol "$p" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        { [ "$rc" -eq 0 ] && grep -q "^$p " "$tmp/out"; } ||
                { [ "$rc" -eq 1 ] && grep -qE "cannot list $p|no listening socket" "$tmp/err"; }
        check "ls --protocol $p: lists them or says it cannot (exit $rc)" $?
done

expect_bad() { # LABEL PATTERN ARGS...
        local label=$1 pat=$2
        shift 2
        run "$@"
        [ "$rc" -eq 2 ] && [ -z "$out" ] && [ "$(printf '%s\n' "$err" | grep -c '')" -eq 1 ] &&
                grep -qE "$pat" "$tmp/err"
        check "bad input $label: exit 2, one line" $?
}
expect_bad "who without a port" '^portscope: who: expected PORT' who
expect_bad "who 70000" 'out of range' who 70000
expect_bad "who a backwards range" 'backwards' who 20-10
expect_bad "who 80/xyz" 'unknown protocol' who 80/xyz
expect_bad "ls --state bogus" 'unknown state' ls --state bogus
expect_bad "ls --user nosuchuser" 'no user' ls --user nosuchuser-xyz
expect_bad "ls --process 99999999999" 'not a pid' ls --process 99999999999
expect_bad "ls with an argument" 'unexpected argument' ls 80
expect_bad "ls --bogus" 'unknown option' ls --bogus

# The recorded proc root.
D=$(dirname "$0")/data/proc
run --no-color --proc-root "$D" ls
[ "$rc" -eq 0 ] && [ "$(grep -c '^tcp\|^udp' "$tmp/out")" -eq 6 ] &&
        grep -qE '^tcp +LISTEN +0\.0\.0\.0:80 +\* +4242 +root +nginx +http$' "$tmp/out" &&
        grep -qE '^udp +UNCONN +0\.0\.0\.0:53 .* dnsmasq +domain$' "$tmp/out" &&
        grep -qE '\[::1\]:631 .* dnsmasq +ipp !$' "$tmp/out" &&
        grep -q 'does not look like' "$tmp/out"
check "fixture ls: six listeners, services, the ! marker" $?
run --no-color --proc-root "$D" who 5432
grep -q "container docker:4f2a9c1e8b7d" "$tmp/out" && grep -q "not yours" "$tmp/out" &&
        grep -q "postgres -D /var/lib/postgresql/data" "$tmp/out"
check "fixture who 5432: container, foreign network namespace, command line" $?
run --no-color --proc-root "$D" who 8080
grep -q "owner unknown: no process" "$tmp/out" && ! grep -q -- "-1" "$tmp/out"
check "fixture who 8080: says why the owner is unknown" $?
run --no-color --proc-root "$D" who 80
grep -q "TIME-WAIT" "$tmp/out" && grep -q "no process: the connection is closed" "$tmp/out" &&
        grep -q "unit nginx.service" "$tmp/out"
check "fixture who 80: unit, and TIME-WAIT without a process" $?
# A process names itself: a name that is not UTF-8 dropped the process from
# the JSON, and its findings from audit --json and --sarif, where CI looks.
cp -r "$D" "$tmp/oddproc"
printf '\xff\xfeab\n' >"$tmp/oddproc/888/comm"
sed -i "s/^Name:.*/Name:\t$(printf '\xff\xfe')ab/" "$tmp/oddproc/888/status"
"$PS" --proc-root "$D" audit --json >"$tmp/a1.json" 2>/dev/null
"$PS" --proc-root "$tmp/oddproc" audit --json >"$tmp/a2.json" 2>/dev/null
"$PS" --proc-root "$tmp/oddproc" audit --sarif >"$tmp/a3.json" 2>/dev/null
"$PS" --proc-root "$tmp/oddproc" --json who 53 >"$tmp/w.json" 2>/dev/null
python3 - "$tmp" <<'EOF2'
import json, sys
t = sys.argv[1]
a1, a2 = (json.load(open(f"{t}/{n}.json"))["findings"] for n in ("a1", "a2"))
sarif = json.load(open(f"{t}/a3.json"))["runs"][0]["results"]
assert len(a1) == len(a2) == len(sarif) and any(f["pid"] == 888 for f in a2), (a1, a2)
assert all(f["process_name"] == "??ab" for f in a2 if f["pid"] == 888), a2
procs = [p for s in json.load(open(f"{t}/w.json"))["sockets"] for p in s["processes"]]
assert any(p["pid"] == 888 and p["name"] == "??ab" for p in procs), procs
EOF2
check "a process name that is not UTF-8: '?' in its place, every finding still in the JSON and SARIF" $?
expect_bad "--proc-root missing" "^portscope: --proc-root: $tmp/nope: No such file or directory\$" --proc-root "$tmp/nope" 80
expect_bad "--proc-root a file" 'not a directory' --proc-root "$D/888/comm" ls
mkdir -p "$tmp/empty"
run --no-color --proc-root "$tmp/empty" who 80
[ "$rc" -eq 3 ] && grep -q "cannot list" "$tmp/err"
check "who with a proc root without net/: exit 3, one line" $?

# A listener in a network namespace of its own, as a container's would be.
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
        skip "other network namespace: needs root and unshare"
elif ! unshare -n true 2>/dev/null; then
        skip "other network namespace: unshare -n is not permitted here"
else
        unshare -n python3 -c '
import os, socket, sys, time
s = socket.socket(); s.bind(("0.0.0.0", 0)); s.listen()
print(os.getpid(), s.getsockname()[1], os.readlink("/proc/self/ns/net"), flush=True)
time.sleep(600)
' >"$tmp/nshelper" &
        nshelper=$!
        for _ in $(seq 1 100); do
                [ -s "$tmp/nshelper" ] && break
                sleep 0.1
        done
        read -r npid nport nsname <"$tmp/nshelper"
        run --no-color who "$nport/tcp"
        [ "$rc" -eq 0 ] && grep -qF "netns $nsname" "$tmp/out" && grep -q "pid $npid python3" "$tmp/out"
        check "who: a socket in another network namespace, with its namespace and pid" $?
        run ls --json --process "$npid"
        python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = [x for x in d["sockets"] if x["local"]["port"] == int(sys.argv[2])]
assert len(s) == 1 and s[0]["netns"] == int(sys.argv[3].strip("net:[]")), s
assert d["scan"]["netns_listed"] >= 1
' "$tmp/out" "$nport" "$nsname"
        check "ls --json: the socket carries its netns" $?
        kill "$nshelper" 2>/dev/null
fi

# Unprivileged: every socket still listed, owners of root's sockets explained.
if [ "$(id -u)" -ne 0 ]; then
        skip "unprivileged run: needs root to switch to nobody"
elif ! command -v setpriv >/dev/null; then
        skip "unprivileged run: setpriv is missing"
elif ! setpriv --reuid=65534 --regid=65534 --clear-groups "$PS" --version >/dev/null 2>&1; then
        skip "unprivileged run: nobody cannot run $PS here"
else
        setpriv --reuid=65534 --regid=65534 --clear-groups "$PS" --no-color who "$tport/tcp" \
                >"$tmp/out" 2>"$tmp/err"
        rc=$?
        [ "$rc" -eq 0 ] && grep -q "127.0.0.1:$tport" "$tmp/out" &&
                grep -q "run as root (or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)" "$tmp/out" &&
                grep -q "could not be examined" "$tmp/err" && ! grep -q "pid -1" "$tmp/out"
        check "as nobody: who lists the socket and says why its owner is unknown" $?
        setpriv --reuid=65534 --regid=65534 --clear-groups "$PS" ls --json >"$tmp/out" 2>/dev/null
        python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = [x for x in d["sockets"] if x["local"]["port"] == int(sys.argv[2]) and x["protocol"] == "tcp"
     and x["local"]["address"] == "127.0.0.1"]
assert len(s) == 1 and s[0]["processes"] == [] and s[0]["owner_unknown"]["code"] == "EACCES"
assert d["scan"]["processes_unreadable"] > 0
' "$tmp/out" "$tport"
        check "as nobody: ls --json marks the owner EACCES, lists no pid" $?
fi
# A process holding hundreds of sockets: its owner is found by bisection over
# its fd numbers (lib/sockets-processes-linux.c, probe_process()) when the
# table is in inode order, and by the listing when it is not (here half of
# the sockets were closed and reopened, so fd order is no longer inode order).
python3 -c '
import os, socket, sys, time
keep = []
for i in range(600):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); keep.append(s)
shuffled = [keep[i] for i in range(0, 600, 2)]
for i in range(1, 600, 2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
    fd = keep[i].detach()
    os.dup2(s.fileno(), fd); s.close()
    keep[i] = socket.socket(fileno=fd)
print(os.getpid(), keep[300].getsockname()[1], keep[301].getsockname()[1], keep[599].getsockname()[1],
      flush=True)
time.sleep(600)
' >"$tmp/many" &
many=$!
for _ in $(seq 1 100); do
        [ -s "$tmp/many" ] && break
        sleep 0.1
done
read -r mpid sorted_port moved_port last_port <"$tmp/many"
for p in "$sorted_port" "$moved_port" "$last_port"; do
        run --no-color who "$p/tcp"
        [ "$rc" -eq 0 ] && grep -q "pid $mpid python3" "$tmp/out"
        check "a process of 600 sockets: who finds the owner of 127.0.0.1:$p" $?
done
kill "$many" 2>/dev/null
done_testing
