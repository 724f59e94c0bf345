#!/usr/bin/env bash
# Benchmarks `portscope ls` and `portscope who PORT` against ss, lsof, netstat
# and fuser, in one run, with 10,000 sockets held by a helper process.
#
#   bench/sockets.sh [BUILDDIR] [NSOCKETS]
#
# Prints hyperfine's tables, then each peer's time as a multiple of portscope's
# and the ratio the goals are stated in (portscope / peer). Run as root so
# every tool sees every process.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
nsock=${2:-10000}
ps=$build/portscope

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v ss >/dev/null || need+=(iproute2)
command -v lsof >/dev/null || need+=(lsof)
command -v netstat >/dev/null || need+=(net-tools)
command -v fuser >/dev/null || need+=(psmisc)
if [ ${#need[@]} -gt 0 ]; then
        echo "bench: installing ${need[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x "$ps" ] || { echo "bench: build first (./dev.sh test or ninja -C $build)" >&2; exit 2; }

. bench/lib.sh
hold_sockets "$nsock"
# A small service of its own, like sshd next to the busy server.
# Port 22 (or 2222 when taken) lies below the ephemeral range, so none of the
# helper's sockets shares its number.
python3 -c '
import socket, sys, time
s = socket.socket()
try:
    s.bind(("127.0.0.1", 22))
except OSError:
    s.bind(("127.0.0.1", 2222))
s.listen()
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1]); time.sleep(3600)' "$tmp/small" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$tmp/small" ] && break; sleep 0.1; done
sport=$(cat "$tmp/small")

echo "machine: $(nproc) cores, $(uname -r); sockets held: $(ls /proc/"$hpid"/fd | wc -l) fds in pid $hpid"
echo "portscope ls rows: $("$ps" ls 2>/dev/null | tail -n +2 | wc -l)  ss -ltnup rows: $(ss -ltnup | tail -n +2 | wc -l)"

hf() { # NAME COMMANDS...
        local name=$1
        shift
        hyperfine -N --warmup 3 --min-runs 15 --export-json "$tmp/$name.json" "$@"
}
hf ls "$ps ls" "ss -ltnup" "lsof -nP -i" "netstat -ltnup"
# ls against ss again, interleaved: ROUNDS rounds of 5 runs each, the two in
# turn, so that a change of load falls on both (docs/benchmarks.md).
rounds=${ROUNDS:-10}
for i in $(seq 1 "$rounds"); do
        if [ $((i % 2)) -eq 1 ]; then set -- "$ps ls" "ss -ltnup"; else set -- "ss -ltnup" "$ps ls"; fi
        hyperfine -N --warmup 1 --runs 5 --export-json "$tmp/ls-r$i.json" "$@" >/dev/null 2>&1
done
hf who-small "$ps who $sport" "$ps who -l $sport" "ss -ltnup 'sport = :$sport'" "fuser $sport/tcp"
hf who-busy "$ps who $hport" "$ps who -l $hport" "ss -ltnup 'sport = :$hport'" "fuser $hport/tcp"

python3 - "$tmp" "$rounds" <<'PY'
import json, statistics, sys
d = sys.argv[1]
goals = {"ls": 0.4, "who-small": 0.1, "who-busy": 0.1}
titles = {"ls": "ls, 10,000 sockets held (6,000 of them listening)",
          "who-small": "who PORT, a small service's port (the 10,000 sockets belong to another user)",
          "who-busy": "who PORT, a port of the 10,000-socket process"}
print()
for name in ("ls", "who-small", "who-busy"):
    res = json.load(open(f"{d}/{name}.json"))["results"]
    mine = [r for r in res if "portscope" in r["command"]]
    peers = [r for r in res if "portscope" not in r["command"]]
    ss = [r for r in peers if r["command"].startswith("ss ")][0]
    print(titles[name])
    for r in res:
        print(f"  {r['command'].split('/')[-1] if 'portscope' in r['command'] else r['command']:<42} "
              f"{r['mean'] * 1000:7.1f} ms  (median {r['median'] * 1000:.1f})")
    for m in mine:
        cmd = "portscope " + m["command"].split("portscope ", 1)[1]
        for p in peers:
            print(f"  {cmd} / {p['command']}: {m['mean'] / p['mean']:.2f}x")
        ratio = m["mean"] / ss["mean"]
        goal = goals[name]
        print(f"  goal {cmd} <= {goal}x ss: {ratio:.2f}x, {'met' if ratio <= goal else 'NOT met'}")
    if name == "ls":
        ratios = []
        for i in range(1, int(sys.argv[2]) + 1):
            res = json.load(open(f"{d}/ls-r{i}.json"))["results"]
            m = [r["median"] for r in res if "portscope" in r["command"]][0]
            p = [r["median"] for r in res if r["command"].startswith("ss ")][0]
            ratios.append(m / p)
        ratios.sort()
        med = statistics.median(ratios)
        print(f"  interleaved, {len(ratios)} rounds of 5 runs: portscope ls / ss -ltnup "
              f"{med:.2f}x (rounds {ratios[0]:.2f}-{ratios[-1]:.2f}x), "
              f"{'met' if med <= goals['ls'] else 'NOT met'}")
PY
