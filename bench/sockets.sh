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

tmp=$(mktemp -d)
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        rm -rf "$tmp"
}
trap cleanup EXIT

# The busy server: 10,000 sockets in one process, under a service account when
# we can switch to one (as a real server would run).
runas=()
py=$(command -v python3)
# The service account needs an interpreter outside root's home (not a pyenv shim).
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
        runas=(setpriv --reuid=65534 --regid=65534 --clear-groups)
        chmod 1777 "$tmp"
fi
ulimit -n $((nsock + 2048))
"${runas[@]}" "$py" bench/sockhold.py "$nsock" "$tmp/ready" &
pids+=($!)
for _ in $(seq 1 600); do
        [ -s "$tmp/ready" ] && break
        kill -0 "${pids[0]}" 2>/dev/null || { echo "bench: the socket helper failed" >&2; exit 3; }
        sleep 0.1
done
read -r hpid hport <"$tmp/ready"
# A small service of its own, like sshd next to the busy server.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
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
hf who-small "$ps who $sport" "ss -ltnup 'sport = :$sport'" "fuser $sport/tcp"
hf who-busy "$ps who $hport" "ss -ltnup 'sport = :$hport'" "fuser $hport/tcp"

python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
goals = {"ls": ("ss -ltnup", 0.4), "who-small": ("ss -ltnup", 0.1), "who-busy": ("ss -ltnup", 0.1)}
print()
for name, label in [("ls", "portscope ls"), ("who-small", "portscope who PORT (a small service)"),
                    ("who-busy", "portscope who PORT (a port of the 10,000-socket process)")]:
    res = json.load(open(f"{d}/{name}.json"))["results"]
    base = res[0]["mean"]
    print(f"{label}: {base * 1000:.1f} ms")
    for r in res[1:]:
        print(f"  vs {r['command']:<34} {r['mean'] * 1000:8.1f} ms   portscope/peer = {base / r['mean']:.2f}")
    peer, goal = goals[name]
    m = [r for r in res[1:] if r["command"].startswith(peer)][0]
    ratio = base / m["mean"]
    print(f"  goal <= {goal}x {peer}: {ratio:.2f}x {'met' if ratio <= goal else 'NOT met'}")
PY
