#!/usr/bin/env bash
# portscope-web serve against nginx serving `portscope-web site`'s export of
# the same pages, in one run: wrk on loopback, /ports/1712 alone and a mix of
# 1,000 port pages, at 64 and 256 connections. Prints req/s and their ratio,
# p50/p99 latency, errors (socket errors and non-2xx answers) and each
# server's RSS and CPU time per request; then the time of a full export of
# all 65,536 port pages.
#
#   bench/web.sh [BUILDDIR]   (SECONDS_PER_RUN=10, ROUNDS=3, THREADS=half the
#                              cores (at least 1),
#                              PARTS="nginx render export": which parts run,
#                              BASELINE=/path/to/another/portscope-web,
#                              PIN=1: servers on CPU 0, wrk on CPU 1,
#                              WRK_THREADS=N: wrk's threads (the other cores;
#                              1 with PIN=1),
#                              ACCESS_LOG=1: portscope writes its access
#                              log (to /dev/null), as by default; nginx's
#                              stays off)
#
# BASELINE adds a second portscope-web (an older build, copied aside) to the
# same rounds: an A/B comparison of two builds with nginx as the fixed peer,
# each row then also shows the baseline's figures (the "base" columns).
# The cores are shared out: half to the server under test, the rest to wrk.
# The load generator needs a core of its own: with wrk -t2 beside two server
# threads on 2 cores, every thread waited its turn for a core, and those
# waits, tick-long, were most of both servers' p99 (portscope's 7.6-10 ms at
# 256 connections, nginx's 10.7-13.7), measured as latency.
# PIN=1 gives the load generator and the servers cores of their own, so that
# what is left of the tail is not their fight for a core; wrk then runs one
# thread, since two threads on its one core measure each other's time slices:
# a response that arrives while its thread waits for the core is counted as
# the server's latency (with -t2 on CPU 1, portscope's p99 at 64 connections
# was 4.45 ms at 68,419 req/s; with -t1, 0.97 ms at 67,641).
#
# Each row is ROUNDS pairs of runs, the two servers one after the other in
# turn (which one goes first alternates): the row shows medians, and the
# ratio is the median of the pairs' ratios, so that a burst of load from
# elsewhere on the machine hits one pair rather than one server. CPU time per
# request (all of a server's processes, from /proc) is the steadier figure on
# a shared machine: it does not count time spent waiting for a core.
#
# Needs wrk and nginx (Debian packages). Both servers get THREADS: nginx
# that many workers (sendfile, open_file_cache, access log off, and
# docs/hosting/nginx-static.conf, so that it sends the headers portscope's
# answers carry: 518 bytes of them against nginx's own 241), portscope
# that many HTTP threads. Figures go to docs/benchmarks.md.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
secs=${SECONDS_PER_RUN:-10}
rounds=${ROUNDS:-3}
parts=${PARTS:-nginx render export}
cores=$(nproc)
threads=${THREADS:-$((cores / 2 > 0 ? cores / 2 : 1))}
wrk_threads=$((cores - threads > 0 ? cores - threads : 1))
srv_pin= wrk_pin=
if [ "${PIN:-0}" = 1 ]; then srv_pin="taskset -c 0" wrk_pin="taskset -c 1" wrk_threads=1; fi
wrk_threads=${WRK_THREADS:-$wrk_threads}
web=$build/portscope-web
for tool in wrk nginx; do
        command -v $tool >/dev/null || { echo "bench/web.sh: $tool is not installed" >&2; exit 2; }
done
tmp=$(mktemp -d /tmp/portscope-bench-web.XXXXXX)
# nginx's workers run as nobody when started by root: they must be able to
# read the export (mktemp's 0700 made them answer 403, fast, to most requests).
chmod 755 "$tmp"
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
        rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The 1,000-port mix: every 65th port, plus 1712.
: >"$tmp/mix.txt"
list=1712
for i in $(seq 0 999); do
        echo "/ports/$((i * 65))" >>"$tmp/mix.txt"
        list="$list,$((i * 65))"
done
has() { [[ " $parts " == *" $1 "* ]]; }
# nginx serves the English pages (the peer has no per-language logic).
if has nginx; then
        "$web" site --out "$tmp/site" --ports "$list" --languages en 2>/dev/null
fi

# The requests are formatted once: with wrk.format() in request(), wrk's one
# thread spent its core on Lua and capped both servers' req/s on the mix.
cat >"$tmp/mix.lua" <<'LUA'
local reqs = {}
-- In init, after wrk has set the Host header.
init = function(args)
        for line in io.lines(os.getenv("MIX")) do reqs[#reqs + 1] = wrk.format("GET", line) end
end
local i = 0
request = function()
        i = i % #reqs + 1
        return reqs[i]
end
LUA

nport=$(free_port)
cat >"$tmp/nginx.conf" <<NGINX
worker_processes $threads;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 4096; }
http {
        access_log off;
        sendfile on;
        tcp_nopush on;
        open_file_cache max=4096 inactive=60s;
        open_file_cache_valid 60s;
        keepalive_requests 1000000;
        server {
                listen 127.0.0.1:$nport;
                root $tmp/site;
                # As docs/hosting.md serves the export: the server's headers.
                include $src/docs/hosting/nginx-static.conf;
        }
}
NGINX
$srv_pin nginx -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/nginx-error.log"
# Without ACCESS_LOG=1 portscope's log is off, as nginx's is.
log_opt=--no-access-log
[ "${ACCESS_LOG:-0}" = 1 ] && log_opt=
# In a session of its own, as nginx daemonized is and as a service runs: with
# the kernel's autogroups a server in wrk's session shares wrk's share of the
# CPU, while nginx gets a share of its own.
$srv_pin setsid "$web" serve --listen 127.0.0.1:0 --threads "$threads" $log_opt >/dev/null 2>"$tmp/serve.err" &
pids+=($!)
wpid=$!
for _ in $(seq 100); do grep -q serving "$tmp/serve.err" && break; sleep 0.1; done
wport=$(sed -n 's/.*serving http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/serve.err")
bport=
if [ -n "${BASELINE:-}" ]; then
        $srv_pin setsid "$BASELINE" serve --listen 127.0.0.1:0 --threads "$threads" $log_opt \
                >/dev/null 2>"$tmp/base.err" &
        pids+=($!)
        bpid=$!
        for _ in $(seq 100); do grep -q serving "$tmp/base.err" && break; sleep 0.1; done
        bport=$(sed -n 's/.*serving http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/base.err")
fi
sleep 0.5

# Both must answer the same page with 200 before anything is measured (nginx
# serves an export only when its part runs: PARTS=render alone has none).
ports_to_check="$wport $bport"
has nginx && ports_to_check="$wport $bport $nport"
for port in $ports_to_check; do
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ports/1712")
        [ "$code" = 200 ] || { echo "bench/web.sh: port $port answered $code" >&2; exit 1; }
done

rss() { # the resident memory of every process of a server, in MiB
        local total=0
        for p in "$@"; do
                kb=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
                total=$((total + kb))
        done
        echo "$((total / 1024))"
}
cpu_ticks() { # user and system time of every process of a server, in clock ticks
        local total=0
        for p in "$@"; do
                total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
        done
        echo "$total"
}
nginx_pids() { echo "$(cat "$tmp/nginx.pid") $(pgrep -P "$(cat "$tmp/nginx.pid")" | tr '\n' ' ')"; }
hz=$(getconf CLK_TCK)

run() { # url script conns pids... -> "req/s p50 p99 errors cpu-us-per-request"
        local url=$1 script=$2 conns=$3 out t0 t1 with_script=()
        shift 3
        [ -n "$script" ] && with_script=(-s "$script")
        t0=$(cpu_ticks "$@")
        out=$(MIX="$tmp/mix.txt" $wrk_pin wrk -t"$wrk_threads" -c"$conns" -d"${secs}s" --latency "${with_script[@]}" "$url")
        t1=$(cpu_ticks "$@")
        local rps p50 p99 errs non2xx n
        rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
        p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        errs=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
        non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
        n=$(awk '/requests in/ {print $1}' <<<"$out")
        echo "$rps $p50 $p99 $(( ${errs:-0} + ${non2xx:-0} ))" \
                "$(awk -v t=$((t1 - t0)) -v hz="$hz" -v n="${n:-0}" \
                        'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
}
median_in() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms() { # wrk's latency ("850.00us", "1.20ms", "2.01s") in ms
        awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[0-9]s$/) v *= 1000;
               printf "%.2f", v }' <<<"$1"
}

# Warm both with every page of the mix once (portscope renders each page on
# its first request, then serves it from memory; a timed warm-up left pages
# unrendered on a loaded machine, and the first runs measured rendering).
for port in "$wport" "$nport" $bport; do
        sed "s|.*|url = \"http://127.0.0.1:$port&\"\noutput = \"/dev/null\"|" "$tmp/mix.txt" |
                curl -s -K -
done

if has nginx; then
echo "wrk -t$wrk_threads -d${secs}s${PIN:+ (PIN=$PIN)}, $rounds rounds, $threads threads/workers each; medians; p50/p99 in ms"
printf '%-15s %5s | %9s %7s %7s %6s %6s %4s | %9s %7s %7s %6s %6s %4s | %6s\n' page conns \
        "portscope" p50 p99 errors us/req MiB "nginx" p50 p99 errors us/req MiB ratio
for conns in 64 256; do
        for what in single mix; do
                if [ $what = single ]; then path=/ports/1712 script=; else path= script=$tmp/mix.lua; fi
                W=() N=() B=() ratios=""
                for round in $(seq "$rounds"); do
                        # Alternate which server goes first.
                        if [ -n "$bport" ] && [ $((round % 2)) = 1 ]; then
                                b=$(run "http://127.0.0.1:$bport$path" "$script" "$conns" "$bpid")
                                B+=("$b")
                        fi
                        if [ $((round % 2)) = 1 ]; then
                                w=$(run "http://127.0.0.1:$wport$path" "$script" "$conns" "$wpid")
                                n=$(run "http://127.0.0.1:$nport$path" "$script" "$conns" $(nginx_pids))
                        else
                                n=$(run "http://127.0.0.1:$nport$path" "$script" "$conns" $(nginx_pids))
                                w=$(run "http://127.0.0.1:$wport$path" "$script" "$conns" "$wpid")
                        fi
                        if [ -n "$bport" ] && [ $((round % 2)) = 0 ]; then
                                b=$(run "http://127.0.0.1:$bport$path" "$script" "$conns" "$bpid")
                                B+=("$b")
                        fi
                        W+=("$w") N+=("$n")
                        ratios="$ratios $(awk -v a="${w%% *}" -v b="${n%% *}" \
                                'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
                done
                col() { # runs... field -> the median of that field (latencies in ms)
                        local f=${!#} vals=""
                        for r in "${@:1:$#-1}"; do
                                v=$(awk -v f="$f" '{print $f}' <<<"$r")
                                [ "$f" = 2 ] || [ "$f" = 3 ] && v=$(ms "$v")
                                vals="$vals $v"
                        done
                        echo "$vals" | median_in
                }
                errsum() { local s=0; for r in "$@"; do s=$((s + $(awk '{print $4}' <<<"$r"))); done; echo $s; }
                label=$([ $what = single ] && echo "/ports/1712" || echo "1,000-port mix")
                printf '%-15s %5s | %9s %7s %7s %6s %6s %4s | %9s %7s %7s %6s %6s %4s | %5.2fx\n' \
                        "$label" "$conns" "$(col "${W[@]}" 1)" "$(col "${W[@]}" 2)" \
                        "$(col "${W[@]}" 3)" "$(errsum "${W[@]}")" "$(col "${W[@]}" 5)" \
                        "$(rss "$wpid")" "$(col "${N[@]}" 1)" "$(col "${N[@]}" 2)" \
                        "$(col "${N[@]}" 3)" "$(errsum "${N[@]}")" "$(col "${N[@]}" 5)" \
                        "$(rss $(nginx_pids))" "$(echo "$ratios" | median_in)"
                if [ -n "$bport" ]; then
                        printf '%-15s %5s | %9s %7s %7s %6s %6s %4s |\n' "  base" "$conns" \
                                "$(col "${B[@]}" 1)" "$(col "${B[@]}" 2)" "$(col "${B[@]}" 3)" \
                                "$(errsum "${B[@]}")" "$(col "${B[@]}" 5)" "$(rss "$bpid")"
                fi
        done
done

fi

# A page's rendering in each language against English (issue 14: a German
# page within 10% of an English one). A query string bypasses the page
# cache, so every request renders /ports/1712 from the report; the -cached
# rows are the same pages from the cache, as visitors get them, each against
# English from the cache. On a shared
# machine req/s swing with the load, so the figure compared is the server's
# CPU time per page (utime + stime from /proc over the requests wrk counted);
# rounds are interleaved, and the median of each language is taken.
render_run() { # url-path -> "req/s cpu-us-per-page"
        local before after out n rps
        before=$(awk '{print $14 + $15}' "/proc/$wpid/stat")
        out=$(wrk -t2 -c8 -d"${secs}s" "http://127.0.0.1:$wport$1")
        after=$(awk '{print $14 + $15}' "/proc/$wpid/stat")
        n=$(awk '/requests in/ {print $1}' <<<"$out")
        rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
        awk -v b="$before" -v a="$after" -v n="$n" -v r="$rps" -v hz="$(getconf CLK_TCK)" \
                'BEGIN { printf "%s %.1f\n", r, (a - b) / hz / n * 1e6 }'
}
rounds=${RENDER_ROUNDS:-3}
declare -A rps cpu
for r in $(seq "$rounds"); do
        has render || break
        for l in en de ug en-cached de-cached; do
                p=/ports/1712
                [ ${l%-cached} = en ] || p=/${l%-cached}/ports/1712
                [ "$l" != "${l%-cached}" ] || p="$p?render=1"
                read -r a b < <(render_run "$p")
                rps[$l]="${rps[$l]:-} $a"
                cpu[$l]="${cpu[$l]:-} $b"
        done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
if has render; then
        en=$(median "${cpu[en]}")
        printf '\n/ports/1712 rendered per request (and -cached: from the page cache), %d rounds of %d s, wrk -t2 -c8 (medians)\n' \
                "$rounds" "$secs"
        for l in en de ug en-cached de-cached; do
                [ "$l" = en-cached ] && en=$(median "${cpu[en-cached]}")
                awk -v l="$l" -v c="$(median "${cpu[$l]}")" -v r="$(median "${rps[$l]}")" -v e="$en" \
                        -v all="${cpu[$l]}" 'BEGIN { printf "  %-9s %8.0f req/s %8.1f us CPU/page  %.3f of English  (CPU runs:%s)\n", l, r, c, c / e, all }'
        done
fi

# A full export: every port page, the fixed pages, in English (each other
# language adds as many files again).
has export || exit 0
start=$(date +%s.%N)
"$web" site --out "$tmp/full" --languages en 2>"$tmp/site.err"
end=$(date +%s.%N)
files=$(find "$tmp/full" -type f | wc -l)
awk -v s="$start" -v e="$end" -v f="$files" 'BEGIN { printf "full export: %d files in %.1f s\n", f, e - s }'
