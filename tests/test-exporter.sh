#!/usr/bin/env bash
# portscope exporter: the textfile over the recorded /proc (exact series),
# the atomic write, the HTTP side (formats, errors) on a free loopback port,
# label escaping of a hostile process name, and bad usage.
# Usage: test-exporter.sh PORTSCOPE   (run from tests/)
ps=$1
. ./lib.sh
use_tmp

# The textfile over the recorded /proc: every listener, with its labels.
"$ps" --proc-root data/proc exporter --textfile "$tmp" 2>"$tmp/err"
check "textfile mode exits 0" $?
prom=$tmp/portscope.prom
grep -q '^portscope_listening_socket_info{proto="udp",family="ipv4",bind="any",port="53",service="domain",range="system",iana="assigned",process="dnsmasq",unit="dnsmasq.service"} 1$' "$prom"
check "the info series names protocol, bind class, port, service, range, status, process, unit" $?
grep -q '^portscope_listening_socket_info{proto="tcp",family="ipv6",bind="loopback",port="631",.*process="dnsmasq"' "$prom"
check "a loopback listener is bind=\"loopback\"" $?
grep -q '^portscope_listening_socket_info{proto="tcp",family="ipv4",bind="any",port="8080",service="http-alt",.*process="",unit=""} 1$' "$prom"
check "a listener whose owner is hidden has empty process and unit" $?
[ "$(grep -c '^portscope_listening_socket_info' "$prom")" -eq 6 ]
check "one info series per listener (6 in the recording)" $?
grep -q '^portscope_listening_sockets{proto="tcp",range="system",iana="assigned"} 3$' "$prom"
check "counts by protocol, range and registry status" $?
grep -q '^portscope_audit_findings{rule="amplification-exposed",severity="high"} 1$' "$prom" &&
        grep -q '^portscope_audit_findings{rule="malware-port",severity="medium"} 0$' "$prom"
check "findings by rule and severity, zeros included" $?
grep -q '^portscope_audit_finding_info{rule="amplification-exposed",severity="high",proto="udp",family="ipv4",port="53",process="dnsmasq"} 1$' "$prom"
check "each finding says where" $?
grep -q '^portscope_sockets_owner_unknown 1$' "$prom"
check "listeners without a visible owner are counted" $?
grep -q '^portscope_registry_info{date="2025-12-15",source="builtin"} 1$' "$prom" &&
        grep -q '^portscope_registry_date_seconds 1765756800$' "$prom" &&
        grep -q '^portscope_build_info{version="[0-9.]*"} 1$' "$prom"
check "registry date and build info" $?
grep -q '^portscope_scrape_errors_total{stage="sockets"} 0$' "$prom" &&
        grep -q '^portscope_scrape_duration_seconds [0-9.e-]*$' "$prom"
check "scrape errors by stage and the scrape duration" $?
! grep -E '^portscope.*(pid|cmdline|inode|remote|peer)=' "$prom" >/dev/null
check "no pid, command line, inode or remote endpoint labels" $?
# Every label of every series: bounded by what listens, never by connections.
labels=$(grep -v '^#' "$prom" | grep -o '[a-z_]*="' | sort -u | tr -d '="' | tr '\n' ' ')
[ "$labels" = "bind date family iana port process proto range rule service severity source stage unit version " ]
check "only the documented labels" $?
[ "$(stat -c %a "$prom")" = 644 ] && [ "$(ls -A "$tmp" | grep -vc '^err$')" -eq 1 ]
check "the file is 0644 and no temporary file is left" $?
if command -v promtool >/dev/null; then
        promtool check metrics <"$prom" >"$tmp/lint" 2>&1
        check "promtool check metrics finds no problem in the textfile" $?
        [ -s "$tmp/lint" ] && diag "$(cat "$tmp/lint")"
else
        skip "promtool not installed (Debian prometheus)"
fi

# Numbers are the exposition's, not the locale's: 0.5, never 0,5.
if LC_ALL=de_DE.UTF-8 bash -c "printf '%g' 0,5" 2>/dev/null | grep -q ,; then
        LC_ALL=de_DE.UTF-8 "$ps" --proc-root data/proc exporter --textfile "$tmp" 2>/dev/null
        grep -Eq '^portscope_scrape_duration_seconds [0-9]+(\.[0-9]+)?(e[-+][0-9]+)?$' "$prom"
        check "with LC_ALL=de_DE.UTF-8 the numbers keep their decimal point" $?
else
        skip "no de_DE.UTF-8 locale (Debian locales-all)"
fi

# Rewriting keeps readers safe: the old file is replaced whole (rename), so
# its inode changes while the name always holds a complete exposition.
ino1=$(stat -c %i "$prom")
"$ps" --proc-root data/proc exporter --textfile "$tmp" 2>/dev/null
ino2=$(stat -c %i "$prom")
[ "$ino1" != "$ino2" ] && tail -1 "$prom" | grep -q '^portscope_scrape_duration_seconds '
check "a second run renames a new file over the old one" $?

# Bad usage: one line, exit 2.
"$ps" exporter --textfile "$tmp/missing" 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'missing' "$tmp/err"
check "a missing textfile directory is a usage error, one line" $?
"$ps" exporter --textfile "$tmp" --listen 127.0.0.1:1 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'exclude' "$tmp/err"
check "--textfile and --listen together are refused" $?
"$ps" exporter --netns /nonexistent --textfile "$tmp" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q '/nonexistent' "$tmp/err"
check "--netns with a missing file is a usage error" $?
"$ps" exporter --netns /etc/hostname --textfile "$tmp" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'not a network namespace' "$tmp/err"
check "--netns with a file that is not a namespace is refused" $?
"$ps" exporter --listen nonsense 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]
check "a malformed --listen is a usage error" $?
timeout 10 "$ps" exporter --json 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- '--json' "$tmp/err"
check "--json is refused at once, not a server that never ends" $?
"$ps" exporter extra 2>"$tmp/err"
[ $? -eq 2 ]
check "an extra argument is refused" $?
"$ps" exporter --config "$tmp/none.conf" --textfile "$tmp" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'none.conf' "$tmp/err"
check "a --config that does not exist is refused" $?

# The HTTP side, with a listener whose name is hostile: a quote, a
# backslash and a byte that is not UTF-8 (the kernel's comm ends at a
# newline; test-prom-text covers that escape).
python3 - "$tmp/odd" <<'EOF' &
import socket, sys, time
with open("/proc/self/comm", "wb") as f:
    f.write(b'od"d\\x\xff')
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(60)
EOF
pids+=($!)
port=$(unused_port)
"$ps" exporter --listen "127.0.0.1:$port" 2>"$tmp/server.err" &
pids+=($!)
up=1
for _ in $(seq 1 50); do
        [ -s "$tmp/odd" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && up=0 && break
        sleep 0.1
done
check "the exporter serves /metrics on a loopback port" $up
oddport=$(cat "$tmp/odd" 2>/dev/null)
curl -s -D "$tmp/h" -o "$tmp/m" "http://127.0.0.1:$port/metrics"
grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/h"
check "the text format by default" $?
tr -d '\r' <"$tmp/h" | grep -qix 'cache-control: no-store' &&
        tr -d '\r' <"$tmp/h" | grep -qix 'vary: accept'
check "a scrape is never cached, and varies with Accept" $?
python3 - "$tmp/m" "$oddport" <<'EOF'
import sys
want = 'port="%s",' % sys.argv[2]
lines = [l for l in open(sys.argv[1], encoding="utf-8") if want in l and "_info{" in l]
# od"d\x<0xff>: quote and backslash escaped; the byte that is not UTF-8
# arrives as '?' (the library sanitizes comm) or U+FFFD (the writer's net).
sys.exit(0 if lines and ('process="od\\"d\\\\x?"' in lines[0] or
                         'process="od\\"d\\\\x\ufffd"' in lines[0]) else 1)
EOF
check "label values escaped (quote, backslash); the scrape is strict UTF-8" $?
if command -v promtool >/dev/null; then
        promtool check metrics <"$tmp/m" >"$tmp/lint" 2>&1
        check "promtool check metrics finds no problem in a scrape" $?
else
        skip "promtool not installed (Debian prometheus)"
fi
curl -s -D "$tmp/h" -o "$tmp/om" -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' "http://127.0.0.1:$port/metrics"
grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$tmp/h" &&
        [ "$(tail -1 "$tmp/om")" = "# EOF" ] &&
        grep -q '^# TYPE portscope_listening_socket info$' "$tmp/om" &&
        grep -q '^# TYPE portscope_scrape_errors counter$' "$tmp/om" &&
        grep -q '^# UNIT portscope_scrape_duration_seconds seconds$' "$tmp/om"
check "OpenMetrics when Accept prefers it: info and counter families, units, # EOF" $?
curl -s -D "$tmp/h" -o /dev/null -H 'Accept: application/openmetrics-text;q=0.2,text/plain;q=0.9' "http://127.0.0.1:$port/metrics"
grep -qi '^content-type: text/plain' "$tmp/h"
check "the text format when Accept prefers it" $?
code=$(curl -s -o "$tmp/p" -w '%{http_code} %{content_type}' "http://127.0.0.1:$port/secret")
[ "$code" = "404 application/problem+json" ] && grep -q '"status":404' "$tmp/p"
check "an unknown path is a 404 problem document" $?
code=$(curl -s -o /dev/null -D "$tmp/h" -w '%{http_code}' -X POST "http://127.0.0.1:$port/metrics")
[ "$code" = 405 ] && grep -qi '^allow: GET, HEAD' "$tmp/h"
check "POST /metrics is a 405 with Allow" $?
code=$(curl -s -o /dev/null -w '%{http_code}' -I "http://127.0.0.1:$port/metrics")
[ "$code" = 200 ]
check "HEAD /metrics answers 200" $?
"$ps" exporter --listen "127.0.0.1:$port" 2>"$tmp/err"
[ $? -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]
check "a port in use is a system error, one line" $?

done_testing
