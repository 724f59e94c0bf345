#!/usr/bin/env bash
# A short fuzzing run of every harness, for CI: builds them, then fuzzes
# each for FUZZ_SECONDS (default 30) starting from the seed corpora. Exits
# non-zero when a harness crashes; the input is left in OUTDIR/crashes.
#
#   fuzz/smoke.sh [OUTDIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build-fuzz}
secs=${FUZZ_SECONDS:-30}
# On a fresh Debian 12 CI machine (as root), install the fuzzing toolchain.
need=()
command -v clang >/dev/null || need+=(clang)
[ -n "$(find /usr/lib/llvm-*/lib/clang -name 'libclang_rt.fuzzer-x86_64.a' 2>/dev/null | head -1)" ] ||
        need+=(libclang-rt-14-dev)
if [ ${#need[@]} -ne 0 ]; then
        if [ "$(id -u)" -ne 0 ]; then
                echo "fuzz/smoke.sh: missing ${need[*]} (run as root, or install them)" >&2
                exit 2
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${need[@]}" libexpat1-dev zlib1g-dev >/dev/null
fi
"$src/fuzz/build.sh" "$out"
mkdir -p "$out/crashes"
status=0
for h in xml csv portspec registry db prevcache notes router; do
        # The seeds are copied, so a run never writes into the repository.
        work="$out/corpus-$h"
        rm -rf "$work"
        mkdir -p "$work"
        cp "$src/fuzz/corpus/$h/"* "$work/"
        dict=()
        [ -f "$src/fuzz/$h.dict" ] && dict=(-dict="$src/fuzz/$h.dict")
        echo "fuzz/smoke.sh: fuzz-$h for ${secs}s" >&2
        # A compiled database is at least 256 KiB (its cover index).
        maxlen=65536
        [ "$h" = db ] && maxlen=600000
        if ! "$out/fuzz-$h" "${dict[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
                -max_len=$maxlen -print_final_stats=1 -artifact_prefix="$out/crashes/$h-" \
                "$work" 2>"$out/fuzz-$h.log"; then
                echo "fuzz/smoke.sh: fuzz-$h FAILED; see $out/fuzz-$h.log and $out/crashes" >&2
                tail -30 "$out/fuzz-$h.log" >&2
                status=1
        fi
        grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$out/fuzz-$h.log" >&2 || true
done
exit $status
