#!/usr/bin/env bash
# portscope audit and suggest against real listeners opened here.
set -u
PS=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
        wait 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT

# listen PYTHON PROTO ADDR PORT: a listener in the background; prints "PID PORT".
# It runs in a subshell (process substitution), so callers record the pid.
listen() {
        local py=$1 proto=$2 addr=$3 port=$4 fifo
        fifo=$tmp/ready.$RANDOM
        mkfifo "$fifo"
        "$py" - "$proto" "$addr" "$port" >"$fifo" 2>/dev/null <<'PY' &
import socket, sys, time
proto, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
if fam == socket.AF_INET6:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind((addr, port))
if proto == "tcp":
    s.listen()
print(s.getsockname()[1], flush=True)
sys.stdout.close()
time.sleep(120)
PY
        local pid=$!
        local got
        read -r got <"$fifo"
        rm -f "$fifo"
        echo "$pid $got"
}

free_port() { # free_port PROTO PORT: 0 when nothing is bound there
        python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM)
try:
    s.bind(("0.0.0.0", int(sys.argv[2])))
except OSError:
    sys.exit(1)
PY
}

# finding RULE PORT [PID]: the last audit JSON has that finding.
finding() {
        python3 - "$tmp/audit.json" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rule, port = sys.argv[2], int(sys.argv[3])
pid = int(sys.argv[4]) if len(sys.argv) > 4 else None
hits = [f for f in d["findings"] if f["rule"] == rule and f["port"] == port
        and (pid is None or f["pid"] == pid)]
sys.exit(0 if hits else 1)
PY
}

# A database port the knowledge base says must not face the network.
dbport=$("$PS" notes --json | python3 -c '
import json, sys, socket
for n in json.load(sys.stdin)["notes"]:
    if "no-expose" in n["tags"] and "database" in n["tags"]:
        for p in n["ports"]:
            if p["protocol"] == "tcp" and p["port"] == p["port_high"] and p["port"] >= 1024:
                s = socket.socket()
                try:
                    s.bind(("0.0.0.0", p["port"])); s.close(); print(p["port"]); sys.exit(0)
                except OSError:
                    pass
')
read -r dbpid _ < <(listen python3 tcp 0.0.0.0 "$dbport")
pids+=("$dbpid")
# A port the notes associate with malware, which python3 does not serve.
malport=$("$PS" notes --json | python3 -c '
import json, sys, socket
for n in json.load(sys.stdin)["notes"]:
    if "malware" in n["tags"]:
        for p in n["ports"]:
            if p["protocol"] == "tcp" and p["port"] == p["port_high"] and p["port"] >= 10000:
                s = socket.socket()
                try:
                    s.bind(("127.0.0.1", p["port"])); s.close(); print(p["port"]); sys.exit(0)
                except OSError:
                    pass
')
read -r malpid _ < <(listen python3 tcp 127.0.0.1 "$malport")
pids+=("$malpid")
read -r ephpid ephport < <(listen python3 tcp 0.0.0.0 0)
pids+=("$ephpid")
cp "$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')" "$tmp/pylisten"
read -r delpid delport < <(listen "$tmp/pylisten" tcp 127.0.0.1 0)
pids+=("$delpid")
rm -f "$tmp/pylisten"
regpid=
if free_port tcp 1712; then
        read -r regpid _ < <(listen python3 tcp 127.0.0.1 1712)
        pids+=("$regpid")
fi
syspid=
if [ "$(id -u)" -eq 0 ] && free_port tcp 817; then
        read -r syspid _ < <(listen python3 tcp 127.0.0.1 817)
        pids+=("$syspid")
fi

"$PS" audit --json --config /dev/null >"$tmp/audit.json"
check "audit --json runs (exit 0 without --fail-on)" $?
finding exposed-service "$dbport" "$dbpid"
check "exposed-service: database port $dbport on 0.0.0.0, right pid" $?
finding ephemeral-range-listener "$ephport" "$ephpid"
check "ephemeral-range-listener: port $ephport the kernel picked" $?
finding deleted-executable "$delport" "$delpid"
check "deleted-executable: a copied interpreter, removed after start" $?
if [ -n "$regpid" ]; then
        finding unexpected-process 1712 "$regpid"
        check "unexpected-process: python on registrar's port 1712" $?
else
        skip "port 1712 is busy on this machine"
fi
if [ -n "$syspid" ]; then
        finding unassigned-system-port 817 "$syspid"
        check "unassigned-system-port: 817 (unassigned, 811-827)" $?
else
        skip "unassigned system port: needs root and a free port 817"
fi
finding malware-port "$malport" "$malpid"
check "malware-port: python3 on $malport, a port known from malware" $?
! finding exposed-service "$delport"
check "loopback listeners are not exposed-service" $?

"$PS" audit --config /dev/null --fail-on high >"$tmp/out" 2>&1
check "--fail-on high: exit 1 when a high finding exists" $([ $? -eq 1 ]; echo $?)
grep -q 'exposed-service' "$tmp/out" && grep -qE '^[0-9]+ findings? \(' "$tmp/out"
check "table output names rules and ends with a summary" $?

echo 'ignore *' >"$tmp/all.conf"
"$PS" audit --config "$tmp/all.conf" --fail-on info --json >"$tmp/audit.json"
rc=$?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert not d["findings"] and d["silenced_total"] > 0' "$tmp/audit.json"
check "ignore * silences everything; --fail-on info then exits 0" $([ $? -eq 0 ] && [ $rc -eq 0 ]; echo $?)

printf '# accepted\nignore exposed-service port=%s/tcp\n' "$dbport" >"$tmp/one.conf"
"$PS" audit --config "$tmp/one.conf" --json >"$tmp/audit.json"
! finding exposed-service "$dbport" && finding ephemeral-range-listener "$ephport"
check "one accepted finding silenced, the others kept" $?

"$PS" audit --config /dev/null --sarif >"$tmp/sarif.json"
python3 - "$tmp/sarif.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
run = d["runs"][0]
ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
assert len(ids) == 8 and len(set(ids)) == 8
for r in run["results"]:
    assert r["ruleId"] in ids and ids[r["ruleIndex"]] == r["ruleId"]
    assert r["level"] in ("error", "warning", "note") and r["message"]["text"]
assert run["results"]
PY
check "--sarif: SARIF 2.1.0 with every rule and valid results" $?

bad_conf() { # bad_conf LABEL TEXT PATTERN
        printf '%b' "$2" >"$tmp/bad.conf"
        "$PS" audit --config "$tmp/bad.conf" >"$tmp/out" 2>"$tmp/err"
        local rc=$?
        [ $rc -eq 2 ] && [ "$(grep -c '' "$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] &&
                grep -qE "$3" "$tmp/err"
        check "bad audit.conf ($1): exit 2, one line with file:line" $?
}
bad_conf "unknown directive" 'ignore *\nignor exposed-service\n' 'bad.conf:2: unknown directive'
bad_conf "unknown rule" '\n\nignore exposed-servise\n' 'bad.conf:3: unknown rule'
bad_conf "bad port" 'ignore * port=70000\n' 'bad.conf:1: port=70000'
bad_conf "unknown key" 'ignore * colour=red\n' 'bad.conf:1: unknown key'
bad_conf "duplicate key" 'ignore * port=1 port=2\n' 'bad.conf:1: port= given twice'
bad_conf "not key=value" 'ignore * 8080\n' 'bad.conf:1: expected KEY=VALUE'
"$PS" audit --config "$tmp/missing.conf" >/dev/null 2>"$tmp/err"
check "a missing --config file: exit 2" $([ $? -eq 2 ] && grep -q 'missing.conf' "$tmp/err"; echo $?)
"$PS" audit --fail-on severe >/dev/null 2>"$tmp/err"
check "--fail-on with an unknown severity: exit 2" $([ $? -eq 2 ]; echo $?)

# Unprivileged: every socket still listed, unresolved owners counted and explained.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
        setpriv --reuid=65534 --regid=65534 --clear-groups "$PS" audit --config /dev/null --json \
                >"$tmp/audit.json" 2>"$tmp/err"
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["listeners_total"] > 0 and d["unowned_total"] > 0' "$tmp/audit.json"
        check "as nobody: listeners still audited, unresolved owners counted" $?
        finding exposed-service "$dbport"
        check "as nobody: exposed-service still found (by socket, not process)" $?
else
        skip "unprivileged run needs root and setpriv"
        skip "unprivileged run needs root and setpriv"
fi

# suggest
"$PS" suggest --count 10 --json >"$tmp/s.json"
check "suggest --count 10 --json" $?
python3 - "$tmp/s.json" "$PS" <<'PY'
import json, socket, subprocess, sys
d = json.load(open(sys.argv[1]))
lo, hi = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
ports = [s["port"] for s in d["suggestions"]]
assert len(ports) == 10 and len(set(ports)) == 10, ports
for p in ports:
    assert 1024 <= p <= 49151 and not (lo <= p <= hi), p
    rep = json.loads(subprocess.run([sys.argv[2], "--json", str(p)], capture_output=True).stdout)
    for r in rep["records"]:
        assert r["status"] == "unassigned" or r["protocol"] not in ("tcp", "udp", None), (p, r)
    for n in rep["notes"]:
        for q in n["ports"]:
            if q["port"] <= p <= q["port_high"]:
                assert q["port_high"] - q["port"] >= 64, (p, n["title"])
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        s.bind(("0.0.0.0", p))
        s.close()
PY
check "suggestions are unassigned, outside the ephemeral range, note-free and bindable" $?
a=$("$PS" suggest --for billing-api --count 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["suggestions"][0]["port"])')
b=$("$PS" suggest --for billing-api --count 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["suggestions"][0]["port"])')
c=$("$PS" suggest --for other-service --count 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["suggestions"][0]["port"])')
[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != "$c" ]
check "--for NAME is stable ($a, $b) and differs by name ($c)" $?
read -r takenpid _ < <(listen python3 tcp 0.0.0.0 "$a")
pids+=("$takenpid")
d=$("$PS" suggest --for billing-api --count 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["suggestions"][0]["port"])')
[ "$d" != "$a" ]
check "--for NAME moves on when its port is taken ($a -> $d)" $?
"$PS" suggest --check --proto udp --range dynamic --count 3 --json >"$tmp/s.json"
python3 -c '
import json,sys
d=json.load(open(sys.argv[1])); lo,hi=map(int,open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
assert d["protocols"]==["udp"] and d["range"]["class"]=="dynamic"
for s in d["suggestions"]:
    assert s["checked"] and s["port"]>=49152 and not (lo<=s["port"]<=hi)' "$tmp/s.json"
check "--check --proto udp --range dynamic: bound, above 49152, outside ephemeral" $?
"$PS" suggest >"$tmp/out"
grep -q 'Why these are safe' "$tmp/out"
check "suggest explains why each port is safe" $?
for bad in "--count 0" "--count 101" "--count 5x" "--proto icmp" "--range huge" "--for ''"; do
        eval "\"$PS\" suggest $bad" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        [ $rc -eq 2 ] && [ "$(grep -c '' "$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ]
        check "suggest $bad: exit 2, one line" $?
done

# A broken nmap-services only loses the ordering, as in the port report.
head -c 4096 /dev/urandom >"$tmp/nmap-junk"
PORTSCOPE_NMAP_SERVICES=$tmp/nmap-junk "$PS" suggest --count 3 --json >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '' "$tmp/err")" -eq 1 ] && grep -q 'ignoring nmap-services' "$tmp/err" &&
        python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["suggestions"]) == 3' "$tmp/out"
check "suggest with a malformed nmap-services: one warning, suggestions still given" $?

# A fixture /proc: unreadable sockets are exit 3 for audit and suggest as for
# ls; a malformed port setting is bad input, exit 2, and says which.
cp -r "$(dirname "$0")/data/proc" "$tmp/proc"
head -c 2000 /dev/urandom >"$tmp/proc/net/tcp"
for cmd in ls audit suggest; do
        "$PS" --proc-root "$tmp/proc" $cmd >"$tmp/out" 2>"$tmp/err"
        rc=$?
        [ $rc -eq 3 ] && [ ! -s "$tmp/out" ] && [ "$(grep -c '' "$tmp/err")" -eq 1 ] &&
                grep -q "cannot list this machine's sockets" "$tmp/err"
        check "$cmd with a garbled /proc/net/tcp: exit 3, one line" $?
done
cp "$(dirname "$0")/data/proc/net/tcp" "$tmp/proc/net/tcp"
echo "9 1" >"$tmp/proc/sys/net/ipv4/ip_local_port_range"
for cmd in audit suggest; do
        "$PS" --proc-root "$tmp/proc" $cmd >"$tmp/out" 2>"$tmp/err"
        rc=$?
        [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(grep -c '' "$tmp/err")" -eq 1 ] &&
                grep -q "port settings" "$tmp/err"
        check "$cmd with a backwards ip_local_port_range: exit 2, names the settings" $?
done

done_testing
