#!/usr/bin/env bash
# Durable votes per second through portscope-web serve at 64 concurrent
# clients, into SQLite and into PostgreSQL 15, and how much voting slows
# reading: page requests per second alone and while votes run, in one run.
# wrk posts to /api/v1/ports/N/votes (a Lua script: random page, value and
# client address in X-Forwarded-For through the trusted proxy 127.0.0.1, so
# no vote replaces another and the rate limit does not apply); every vote
# counted is a 201, answered after its transaction is on disk.
#
#   bench/votes.sh [BUILDDIR]   (SECONDS_PER_RUN=10, CONNECTIONS=64, THREADS=2,
#                                VOTE_RATE=1000, ROUNDS=3)
#
# Reading while voting is measured three ways: while 64 clients vote as fast
# as they can (a saturating load, which takes its share of the 2 cores like
# any other), against a control (64 clients reading another page instead),
# and while 64 clients vote at a steady pace of VOTE_RATE votes/s together
# (each waits CONNECTIONS * 1000 / VOTE_RATE ms between votes): the goal
# "page throughput within 10% of the no-vote figure" is judged on that one.
#
# Needs wrk (Debian package) and, for PostgreSQL, postgresql-15. Figures go
# to docs/benchmarks.md.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
secs=${SECONDS_PER_RUN:-10}
conns=${CONNECTIONS:-64}
threads=${THREADS:-2}
rounds=${ROUNDS:-3}
web=$build/portscope-web
page=${PAGE:-/ranges}
command -v wrk >/dev/null || { echo "bench/votes.sh: wrk is not installed" >&2; exit 2; }

tmp=$(mktemp -d /tmp/portscope-bench-votes.XXXXXX)
chmod 0755 "$tmp"
pid=
cleanup() {
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
        "$src/tests/pg-cluster.sh" stop "$tmp/pgc" 2>/dev/null || true
        rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/vote.lua" <<'LUA'
-- One vote per request: a random port page, value and client address.
local values = { "unhelpful", "neutral", "helpful" }
math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
request = function()
        local port = math.random(1, 65535)
        local ip = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
                                 math.random(1, 254))
        local body = string.format('{"vote":"%s"}', values[math.random(1, 3)])
        return wrk.format("POST", "/api/v1/ports/" .. port .. "/votes",
                          { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip },
                          body)
end
LUA
# The same votes at a steady pace: wrk waits delay() ms before each request
# of a connection.
{
        cat "$tmp/vote.lua"
        echo "delay = function() return $(( conns * 1000 / ${VOTE_RATE:-1000} )) end"
} >"$tmp/vote-paced.lua"

start_server() { # start_server STORE
        "$web" serve --listen 127.0.0.1:0 --no-access-log --threads "$threads" \
                --trusted-proxy 127.0.0.1 --vote-rate 100000 --votes "$1" 2>"$tmp/serve.err" &
        pid=$!
        for _ in $(seq 100); do
                port=$(sed -n 's/.*serving http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve.err")
                [ -n "$port" ] && return 0
                sleep 0.1
        done
        echo "bench/votes.sh: the server did not start: $(cat "$tmp/serve.err")" >&2
        exit 1
}
stop_server() {
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        pid=
}

# wrk's summary as "req/s non2xx errors".
wrk_run() { # wrk_run OUT CONNECTIONS ARGS...
        local out=$1 c=$2
        shift 2
        wrk -t1 -c"$c" -d"${secs}s" --latency "$@" >"$out" 2>&1
}
rate() { awk '/^Requests\/sec/ {print $2}' "$1"; }
bad() {
        awk '/Non-2xx/ {n += $NF} /Socket errors/ {for (i = 4; i <= NF; i += 2) n += $i} END {print n + 0}' \
                "$1" | tr -d ,
}
p99() { awk '/ 99%/ {print $2}' "$1"; }

bench_store() { # bench_store NAME STORE
        local name=$1 store=$2 base alone with votes w
        start_server "$store"
        base="http://127.0.0.1:$port"
        wrk_run "$tmp/$name-page.txt" "$conns" "$base$page"
        wrk_run "$tmp/$name-votes.txt" "$conns" -s "$tmp/vote.lua" "$base"
        # Page reads while votes run, each with its own connections: as many
        # voters as readers, then a few (4) voters.
        for v in "$conns" 4; do
                wrk_run "$tmp/$name-mixed$v-votes.txt" "$v" -s "$tmp/vote.lua" "$base" &
                w=$!
                wrk_run "$tmp/$name-mixed$v-page.txt" "$conns" "$base$page"
                wait "$w"
        done
        # Page reads while as many clients vote at a steady pace, in rounds
        # that alternate with reads alone, so that the machine's drift between
        # runs falls on both sides of each ratio.
        for r in $(seq "$rounds"); do
                wrk_run "$tmp/$name-round$r-page.txt" "$conns" "$base$page"
                wrk_run "$tmp/$name-round$r-paced-votes.txt" "$conns" -s "$tmp/vote-paced.lua" "$base" &
                w=$!
                wrk_run "$tmp/$name-round$r-paced-page.txt" "$conns" "$base$page"
                wait "$w"
        done
        # The control: page reads while as many other clients read another
        # page. Any second load of 64 connections takes its share of the 2
        # cores (and of wrk's); what voting itself costs pages is the
        # difference between this and the figure while 64 vote.
        wrk_run "$tmp/$name-control-other.txt" "$conns" "$base/about" &
        w=$!
        wrk_run "$tmp/$name-control-page.txt" "$conns" "$base$page"
        wait "$w"
        stop_server
        alone=$(rate "$tmp/$name-page.txt")
        votes=$(rate "$tmp/$name-votes.txt")
        printf '%-10s  %8s votes/s  p99 %-9s errors %s\n' "$name" "$votes" \
                "$(p99 "$tmp/$name-votes.txt")" "$(bad "$tmp/$name-votes.txt")"
        for v in "$conns" 4; do
                with=$(rate "$tmp/$name-mixed$v-page.txt")
                printf '%-10s  page %s: %8s req/s alone, %8s while %2s clients vote (%s votes/s): %s\n' \
                        "$name" "$page" "$alone" "$with" "$v" "$(rate "$tmp/$name-mixed$v-votes.txt")" \
                        "$(awk -v a="$alone" -v b="$with" 'BEGIN {printf "%.2fx", b / a}')"
        done
        with=$(rate "$tmp/$name-control-page.txt")
        printf '%-10s  page %s: %8s req/s while %s clients read /about (the control): %s; while %s vote / control: %s\n' \
                "$name" "$page" "$with" "$conns" \
                "$(awk -v a="$alone" -v b="$with" 'BEGIN {printf "%.2fx", b / a}')" "$conns" \
                "$(awk -v a="$with" -v b="$(rate "$tmp/$name-mixed$conns-page.txt")" 'BEGIN {printf "%.2fx", b / a}')"
        for r in $(seq "$rounds"); do
                printf '%-10s  round %s: page %s: %8s req/s alone, %8s while %s clients vote at a pace (%s votes/s, p99 %s, errors %s): %s\n' \
                        "$name" "$r" "$page" "$(rate "$tmp/$name-round$r-page.txt")" \
                        "$(rate "$tmp/$name-round$r-paced-page.txt")" "$conns" \
                        "$(rate "$tmp/$name-round$r-paced-votes.txt")" "$(p99 "$tmp/$name-round$r-paced-votes.txt")" \
                        "$(bad "$tmp/$name-round$r-paced-votes.txt")" \
                        "$(awk -v a="$(rate "$tmp/$name-round$r-page.txt")" \
                                -v b="$(rate "$tmp/$name-round$r-paced-page.txt")" 'BEGIN {printf "%.2fx", b / a}')"
                awk -v a="$(rate "$tmp/$name-round$r-page.txt")" \
                        -v b="$(rate "$tmp/$name-round$r-paced-page.txt")" 'BEGIN {print b / a}' >>"$tmp/$name.ratios"
        done
        sort -g "$tmp/$name.ratios" | awk -v n="$name" '{ r[NR] = $1 } END {
                m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
                printf "%-10s  goal pages while votes run at a pace >= 0.90x alone (median of %d rounds): %.2fx, %s\n",
                        n, NR, m, (m >= 0.9 ? "met" : "NOT met") }'
        [ "$name" = SQLite ] && awk -v v="$votes" -v n="$name" 'BEGIN {
                printf "%-10s  goal >= 2,000 durable votes/s at %d clients: %d, %s\n", n, '"$conns"', v,
                        (v >= 2000 ? "met" : "NOT met") }'
        echo "$votes" >"$tmp/$name.votes"
}

echo "bench/votes.sh: $conns connections, ${secs} s per run, $threads server threads, $(nproc) cores"
bench_store SQLite "$tmp/votes.db"
mkdir "$tmp/pgc"
if url=$("$src/tests/pg-cluster.sh" start "$tmp/pgc" 2>"$tmp/pg-why"); then
        bench_store PostgreSQL "$url"
        awk -v a="$(cat "$tmp/SQLite.votes")" -v b="$(cat "$tmp/PostgreSQL.votes")" \
                'BEGIN {printf "votes/s SQLite / PostgreSQL: %.2fx\n", a / b}'
else
        echo "PostgreSQL: skipped: $(cat "$tmp/pg-why")"
fi
