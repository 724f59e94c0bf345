#!/usr/bin/env bash
# Benchmarks `portscope ls` and `portscope who PORT` against ss and fuser on a
# machine with many small processes, each holding one listener among a few
# other files (the common shape of a server: hundreds of daemons and workers).
#
#   bench/sockets-many.sh [BUILDDIR] [NPROCS]
#
# Prints hyperfine's tables and portscope's time over each peer's. Run as root
# so every tool sees every process.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
nproc_=${2:-300}
ps=$build/portscope

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v ss >/dev/null || need+=(iproute2)
command -v fuser >/dev/null || need+=(psmisc)
if [ ${#need[@]} -gt 0 ]; then
        echo "bench: installing ${need[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x "$ps" ] || { echo "bench: build first (./dev.sh test or ninja -C $build)" >&2; exit 2; }

tmp=$(mktemp -d)
holder=
cleanup() {
        [ -n "$holder" ] && kill -- -"$holder" 2>/dev/null || true
        rm -rf "$tmp"
}
trap cleanup EXIT

# One parent forks NPROCS children; each keeps stdin, stdout, stderr, one
# listener and 20 more open files (/dev/null), then waits.
setsid python3 -c '
import os, signal, socket, sys, time
n, ready = int(sys.argv[1]), sys.argv[2]
for fd in range(3, 1024):
    try: os.close(fd)
    except OSError: pass
ports = []
for i in range(n):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    ports.append(s.getsockname()[1])
    if os.fork() == 0:
        s.listen(8)
        keep = [os.open("/dev/null", os.O_RDONLY) for _ in range(20)]
        signal.pause()
        os._exit(0)
    s.close()
open(ready + ".tmp", "w").write("%d\n" % ports[len(ports) // 2])
os.rename(ready + ".tmp", ready)
signal.pause()' "$nproc_" "$tmp/ready" </dev/null >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 300); do
        [ -s "$tmp/ready" ] && break
        kill -0 "$holder" 2>/dev/null || { echo "bench: the process helper failed" >&2; exit 3; }
        sleep 0.1
done
port=$(cat "$tmp/ready")

echo "machine: $(nproc) cores, $(uname -r); processes: $(ls -d /proc/[0-9]* | wc -l), $nproc_ of them holding a listener"
hf() { # NAME COMMANDS...
        local name=$1
        shift
        hyperfine -N --warmup 3 --min-runs 20 --export-json "$tmp/$name.json" "$@"
}
hf ls "$ps ls" "ss -ltnp"
hf who "$ps who $port" "ss -ltnp 'sport = :$port'" "fuser $port/tcp"

python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
print()
for name in ("ls", "who"):
    res = json.load(open(f"{d}/{name}.json"))["results"]
    mine = [r for r in res if "portscope" in r["command"]][0]
    cmd = "portscope " + mine["command"].split("portscope ", 1)[1]
    for r in res:
        shown = cmd if r is mine else r["command"]
        print(f"  {shown:<42} {r['mean'] * 1000:7.1f} ms  (median {r['median'] * 1000:.1f})")
    for p in res:
        if p is not mine:
            print(f"  {cmd} / {p['command']}: {mine['mean'] / p['mean']:.2f}x")
PY
