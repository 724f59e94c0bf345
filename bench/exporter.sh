#!/usr/bin/env bash
# Benchmarks a scrape of `portscope exporter` against `portscope ls` and
# against node_exporter's own scrape on the same host, in one run, with
# 10,000 sockets held by a helper process (as bench/sockets.sh does).
#
#   bench/exporter.sh [BUILDDIR] [NSOCKETS]
#
# Prints hyperfine's table, each scrape's response size and series count, the
# ratios, and whether the goals hold: a scrape costs less than one
# `portscope ls`, and the series grow with listeners, not with connections.
# Run as root so every tool sees every process. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
nsock=${2:-10000}
ps=$build/portscope

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v curl >/dev/null || need+=(curl)
command -v prometheus-node-exporter >/dev/null || need+=(prometheus-node-exporter)
if [ ${#need[@]} -gt 0 ]; then
        echo "bench: installing ${need[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x "$ps" ] || { echo "bench: build first (./dev.sh test or ninja -C $build)" >&2; exit 2; }

. bench/lib.sh
free_port() {
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

hold_sockets "$nsock"

eport=$(free_port)
"$ps" exporter --listen "127.0.0.1:$eport" 2>"$tmp/exporter.err" &
epid=$!
pids+=($!)
nport=$(free_port)
# node_exporter with Debian's default collectors, as a host would run it.
prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" 2>"$tmp/node.err" &
npid=$!
pids+=($!)
for url in "http://127.0.0.1:$eport/metrics" "http://127.0.0.1:$nport/metrics"; do
        for _ in $(seq 1 100); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
done

curl -s "http://127.0.0.1:$eport/metrics" >"$tmp/portscope.prom"
curl -s "http://127.0.0.1:$nport/metrics" >"$tmp/node.prom"
listeners=$("$ps" ls 2>/dev/null | tail -n +2 | grep -c .)
all=$("$ps" ls -a 2>/dev/null | tail -n +2 | grep -c .)
echo "machine: $(nproc) cores, $(uname -r); sockets held: $(ls /proc/"$hpid"/fd | wc -l) fds in pid $hpid"
echo "sockets here: $all, of which listening: $listeners"

# CPU time of a process in clock ticks (utime + stime): the servers' own cost
# per scrape, which hyperfine cannot see (it times curl).
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
e0=$(cpu "$epid") n0=$(cpu "$npid")
hyperfine -N --warmup 3 --min-runs 20 --export-json "$tmp/scrape.json" \
        "curl -s -o /dev/null http://127.0.0.1:$eport/metrics" \
        "curl -s -o /dev/null http://127.0.0.1:$nport/metrics" \
        "$ps ls"
e1=$(cpu "$epid") n1=$(cpu "$npid")

python3 - "$tmp" "$listeners" "$all" "$((e1 - e0))" "$((n1 - n0))" "$(getconf CLK_TCK)" <<'PY'
import json, sys
d, listeners, allsocks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
etick, ntick, hz = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
def series(path):
    lines = [l for l in open(path, encoding="utf-8") if l.strip() and not l.startswith("#")]
    return len(lines), sum(1 for l in lines if l.startswith("portscope_listening_socket_info"))
res = json.load(open(f"{d}/scrape.json"))["results"]
exp, node, ls = res
size_p, size_n = (len(open(f"{d}/{n}.prom", "rb").read()) for n in ("portscope", "node"))
(ser_p, info_p), (ser_n, _) = series(f"{d}/portscope.prom"), series(f"{d}/node.prom")
print()
print(f"  portscope exporter scrape  {exp['mean']*1000:7.1f} ms (median {exp['median']*1000:.1f}), "
      f"{size_p} bytes, {ser_p} series ({info_p} listener info series)")
print(f"  node_exporter scrape       {node['mean']*1000:7.1f} ms (median {node['median']*1000:.1f}), "
      f"{size_n} bytes, {ser_n} series")
print(f"  portscope ls               {ls['mean']*1000:7.1f} ms (median {ls['median']*1000:.1f})")
# Every request hyperfine made: 3 warm-up runs and the timed ones.
ecpu = etick / hz / (3 + len(exp["times"]))
ncpu = ntick / hz / (3 + len(node["times"]))
lscpu = ls["user"] + ls["system"]
print(f"  CPU per scrape: portscope exporter {ecpu*1000:.1f} ms, node_exporter {ncpu*1000:.1f} ms; "
      f"CPU of one portscope ls {lscpu*1000:.1f} ms")
print(f"  exporter scrape / node_exporter scrape: {exp['mean']/node['mean']:.2f}x wall, "
      f"{ecpu/ncpu if ncpu else float('nan'):.2f}x CPU")
r, rc = exp["mean"] / ls["mean"], ecpu / lscpu
print(f"  goal: scrape < one portscope ls: {r:.2f}x wall, {rc:.2f}x CPU, "
      f"{'met' if rc < 1 and r < 1 else 'NOT met'}")
print(f"  goal: series bounded by listeners: {info_p} info series for {listeners} listeners "
      f"and {allsocks} sockets, {'met' if info_p <= listeners else 'NOT met'}")
PY
