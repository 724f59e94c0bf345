#!/usr/bin/env bash
# Knowledge notes and prevalence (issue 6), each against its peer in the same run:
#  1. `portscope 1712` with prevalence from the cache, and with nmap-services
#     read in full (PORTSCOPE_NO_CACHE=1), vs without nmap-services;
#  2. the prevalence lookup alone vs awk answering the same question (the port's
#     frequency and its rank among the tcp ports) over the same file;
#  3. in one process: a cached prevalence answer vs reading the whole file.
# Usage: bench/notes.sh [BUILDDIR]   (needs hyperfine and nmap-common)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
NS=/usr/share/nmap/nmap-services
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[ -r "$NS" ] || { echo "bench: needs $NS (apt-get install nmap-common)" >&2; exit 2; }
ninja -C "$B" portscope bench/bench-prevalence >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The prevalence cache lives in the scratch directory; the warmup runs fill it.
export XDG_CACHE_HOME="$tmp/cache"
cat >"$tmp/rank.awk" <<'AWK'
BEGIN { FS = "\t" }
$2 ~ /\/tcp$/ { f[NR] = $3 + 0; if ($2 == "1712/tcp") { me = $3 + 0; name = $1 } }
END { r = 1; for (i in f) if (f[i] > me) r++; print name, me, r }
AWK

# Every portscope run goes through env, so each pays the same extra exec.
hyperfine -N --warmup 50 --runs 500 --export-json "$tmp/h.json" \
        "env PORTSCOPE_NMAP_SERVICES=$NS $B/portscope 1712" \
        "env PORTSCOPE_NMAP_SERVICES=$NS PORTSCOPE_NO_CACHE=1 $B/portscope 1712" \
        "env PORTSCOPE_NMAP_SERVICES=/nonexistent $B/portscope 1712" \
        "awk -f $tmp/rank.awk $NS" >/dev/null 2>"$tmp/h.err"
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
cached, full, without, awk = (x["median"] for x in r)
n = len(r[0]["times"])
print(f"report:     portscope 1712 cached / without nmap-services = {cached / without:.2f}x "
      f"({(cached - without) * 1000:+.2f} ms, median of {n} runs each)")
print(f"report:     portscope 1712 uncached / without nmap-services = {full / without:.2f}x "
      f"({(full - without) * 1000:+.2f} ms, PORTSCOPE_NO_CACHE=1)")
print(f"prevalence: (uncached - without) / awk rank of 1712/tcp = {(full - without) / awk:.2f}x")
PY

"$B/bench/bench-prevalence" "$NS"
