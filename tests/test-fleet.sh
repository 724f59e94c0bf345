#!/usr/bin/env bash
# A fleet in a box: three "hosts" (network namespaces made here, each with its
# own listeners), one exporter per host on its own 127.0.0.N in this
# namespace inspecting its host with --netns, and one real Prometheus
# (Debian's) scraping them every second with docs/prometheus/alerts.yml
# loaded ("for:" shortened to 0s), and node_exporter reading host a's
# textfile. Asserts through Prometheus' HTTP API:
# the host listening on 1712 is the one answered by
# portscope_listening_socket_info{port="1712"}; an exposed Redis-like
# listener on 0.0.0.0:6379 raises PortscopeServiceExposed; a stopped
# exporter fires PortscopeExporterDown. Every connection stays on 127.0.0.0/8.
# Needs root (namespaces, setns); skips cleanly otherwise.
# Usage: test-fleet.sh PORTSCOPE   (run from tests/)
ps=$1
. ./lib.sh
N=6
skip_all() {
        for _ in $(seq 1 $N); do skip "$1"; done
        done_testing
        exit 0
}
command -v prometheus >/dev/null || skip_all "prometheus not installed (Debian prometheus)"
command -v ip >/dev/null || skip_all "ip (iproute2) not installed"
unshare -n true 2>/dev/null || skip_all "cannot create network namespaces (needs root)"

use_tmp
wait_for() { # TRIES CMD...: retries CMD every 0.2 s
        local n=$1
        shift
        for _ in $(seq 1 "$n"); do
                "$@" && return 0
                sleep 0.2
        done
        return 1
}

# The hosts: a (1712, an Exchange relic, plus a loopback database), b (a
# Redis-like server on every interface), c (a web server).
declare -A hostpid
start_host() { # NAME COMM SPECS...
        local name=$1
        shift
        unshare -n python3 fleet-host.py "$tmp/$name.ready" "$@" 2>"$tmp/$name.err" &
        hostpid[$name]=$!
        pids+=($!)
}
start_host a store.exe tcp:0.0.0.0:1712 tcp:127.0.0.1:5432
start_host b redis-server tcp:0.0.0.0:6379
start_host c nginx tcp:0.0.0.0:80
for h in a b c; do
        wait_for 100 test -s "$tmp/$h.ready" || skip_all "host $h did not start: $(cat "$tmp/$h.err")"
done

# One exporter per host, each on its own loopback address.
port=$(unused_port 127.0.0.2)
declare -A addr expid
i=2
for h in a b c; do
        addr[$h]=127.0.0.$i:$port
        "$ps" exporter --listen "${addr[$h]}" --netns "/proc/${hostpid[$h]}/ns/net" \
                2>"$tmp/exporter-$h.err" &
        expid[$h]=$!
        pids+=($!)
        i=$((i + 1))
done
for h in a b c; do
        wait_for 100 curl -sf -o "$tmp/scrape-$h" "http://${addr[$h]}/metrics" ||
                skip_all "exporter $h did not start: $(cat "$tmp/exporter-$h.err")"
done

# The scrape lints clean.
if command -v promtool >/dev/null; then
        promtool check metrics <"$tmp/scrape-a" >"$tmp/lint" 2>&1
        check "promtool check metrics: no problem in a host's scrape" $?
        [ -s "$tmp/lint" ] && diag "$(cat "$tmp/lint")"
else
        skip "promtool not installed"
fi

# The textfile mode: host a's metrics through node_exporter's textfile
# collector (only that collector), on 127.0.0.5.
textdir=$tmp/textfile
mkdir "$textdir"
"$ps" exporter --textfile "$textdir" --netns "/proc/${hostpid[a]}/ns/net" 2>"$tmp/textfile.err"
node=
if command -v prometheus-node-exporter >/dev/null && [ -s "$textdir/portscope.prom" ]; then
        node=127.0.0.5:$port
        prometheus-node-exporter --web.listen-address="$node" --collector.disable-defaults \
                --collector.textfile --collector.textfile.directory="$textdir" 2>"$tmp/node.err" &
        pids+=($!)
        wait_for 100 curl -sf -o /dev/null "http://$node/metrics" || node=
fi

# Prometheus, with its own configuration, storage and loopback port.
pport=$(unused_port 127.0.0.1)
sed -E 's/^( *)for: [0-9]+[smh]$/\1for: 0s/' ../docs/prometheus/alerts.yml >"$tmp/alerts.yml"
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $tmp/alerts.yml
scrape_configs:
  - job_name: portscope
    static_configs:
      - targets: ['${addr[a]}', '${addr[b]}', '${addr[c]}']
EOF
[ -n "$node" ] && cat >>"$tmp/prometheus.yml" <<EOF
  - job_name: node
    static_configs:
      - targets: ['$node']
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
        --web.listen-address="127.0.0.1:$pport" --log.level=warn 2>"$tmp/prometheus.log" &
pids+=($!)
api="http://127.0.0.1:$pport/api/v1"
wait_for 150 curl -sf -o /dev/null "$api/status/buildinfo" ||
        skip_all "prometheus did not start: $(tail -3 "$tmp/prometheus.log")"

query() { # PROMQL: prints one line per series, "instance label=value..."
        curl -sf --data-urlencode "query=$1" "$api/query" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["data"]["result"]:
    m = r["metric"]
    print(m.get("instance", ""), " ".join("%s=%s" % kv for kv in sorted(m.items())))'
}
alerts() { # NAME: prints "instance port" per firing alert of that name
        curl -sf "$api/alerts" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["data"]["alerts"]:
    if a["labels"]["alertname"] == sys.argv[1] and a["state"] == "firing":
        print(a["labels"].get("instance", ""), a["labels"].get("port", ""))' "$1"
}
# Prometheus scrapes its three targets at different moments: wait for all three.
has_listener_data() { [ "$(query 'count by (instance) (portscope_listening_socket_info)' | wc -l)" -eq 3 ]; }
wait_for 100 has_listener_data

# Which hosts listen on 1712? Host a, and only a.
q1712() { query 'portscope_listening_socket_info{job="portscope",port="1712"}' >"$tmp/q1712" && [ -s "$tmp/q1712" ]; }
wait_for 50 q1712
[ "$(awk '{print $1}' "$tmp/q1712" | sort -u)" = "${addr[a]}" ] &&
        grep -q 'bind=any' "$tmp/q1712" && grep -q 'process=store.exe' "$tmp/q1712"
check "the host listening on 1712 is the one in portscope_listening_socket_info{port=\"1712\"}" $?
[ -s "$tmp/q1712" ] && diag "$(cat "$tmp/q1712")"

# Every host is seen through its own namespace: 6379 only on b, 80 only on c.
own_namespace() {
        [ "$(query 'portscope_listening_socket_info{port="6379"}' | awk '{print $1}')" = "${addr[b]}" ] &&
                [ "$(query 'portscope_listening_socket_info{port="80"}' | awk '{print $1}')" = "${addr[c]}" ]
}
wait_for 50 own_namespace
check "each exporter reports its own host's namespace" $?

# An exposed Redis raises the alert, on host b and port 6379.
redis_alert() { [ "$(alerts PortscopeServiceExposed)" = "${addr[b]} 6379" ]; }
wait_for 100 redis_alert
check "Redis-like on 0.0.0.0:6379 fires PortscopeServiceExposed for host b" $?

# The textfile reached Prometheus through node_exporter, parsed cleanly.
if [ -n "$node" ]; then
        via_node() {
                [ "$(query 'portscope_listening_socket_info{job="node",port="1712"}' | awk '{print $1}')" = "$node" ] &&
                        [ "$(query 'node_textfile_scrape_error{job="node"} == 0' | wc -l)" -eq 1 ]
        }
        wait_for 100 via_node
        check "the textfile reaches Prometheus through node_exporter, without a parse error" $?
else
        skip "prometheus-node-exporter not installed, or the textfile was not written"
fi

# Stop host c's exporter: Prometheus sees it down and the alert fires.
kill "${expid[c]}"
down_alert() { [ "$(alerts PortscopeExporterDown)" = "${addr[c]} " ]; }
wait_for 100 down_alert
check "a stopped exporter fires PortscopeExporterDown for its instance, only that one" $?
[ "$(alerts PortscopeExporterDown)" = "${addr[c]} " ] || diag "firing: $(alerts PortscopeExporterDown)"

done_testing
