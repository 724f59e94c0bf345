#!/usr/bin/env bash
# Knowledge notes and prevalence (issue 6), each against its peer in the same run:
#  1. `portscope 1712` with nmap-services read for prevalence vs without it;
#  2. the prevalence lookup alone vs awk answering the same question (the port's
#     frequency and its rank among the tcp ports) over the same file.
# Usage: bench/notes.sh [BUILDDIR]   (needs hyperfine and nmap-common)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
NS=/usr/share/nmap/nmap-services
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[ -r "$NS" ] || { echo "bench: needs $NS (apt-get install nmap-common)" >&2; exit 2; }
ninja -C "$B" portscope >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/rank.awk" <<'AWK'
BEGIN { FS = "\t" }
$2 ~ /\/tcp$/ { f[NR] = $3 + 0; if ($2 == "1712/tcp") { me = $3 + 0; name = $1 } }
END { r = 1; for (i in f) if (f[i] > me) r++; print name, me, r }
AWK

hyperfine -N --warmup 50 --runs 500 --export-json "$tmp/h.json" \
        "env PORTSCOPE_NMAP_SERVICES=$NS $B/portscope 1712" \
        "env PORTSCOPE_NMAP_SERVICES=/nonexistent $B/portscope 1712" \
        "awk -f $tmp/rank.awk $NS" >/dev/null 2>"$tmp/h.err"
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
with_ns, without, awk = (x["median"] for x in r)
print(f"report:     portscope 1712 with / without nmap-services = {with_ns / without:.2f}x "
      f"(+{(with_ns - without) * 1000:.1f} ms, median of {len(r[0]['times'])} runs each)")
print(f"prevalence: (with - without) / awk rank of 1712/tcp = {(with_ns - without) / awk:.2f}x")
PY
