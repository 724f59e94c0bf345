#!/usr/bin/env bash
# The systemd units in units/: valid (systemd-analyze verify, with ExecStart
# pointed at the build), and hardened: each service's exposure stays at or
# below 2.5 of 10 (systemd-analyze security --offline=yes --threshold=25).
# Usage: test-units.sh PORTSCOPE   (run from tests/)
ps=$1
. ./lib.sh
if ! command -v systemd-analyze >/dev/null ||
        ! systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
        skip "systemd-analyze with security --offline (systemd 250+) is not installed"
        done_testing
        exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for u in ../units/*.service ../units/*.timer; do
        name=$(basename "$u")
        sed "s|/usr/bin/portscope|$ps|g" "$u" >"$tmp/$name"
done
for u in "$tmp"/*; do
        name=$(basename "$u")
        out=$(cd "$tmp" && systemd-analyze verify --man=no "./$name" 2>&1)
        check "$name: systemd-analyze verify" $?
        [ -n "$out" ] && diag "$out"
done
for u in "$tmp"/*.service; do
        name=$(basename "$u")
        out=$(cd "$tmp" && systemd-analyze security --offline=yes --threshold=25 "./$name" 2>&1)
        r=$?
        check "$name: exposure at most 2.5 ($(echo "$out" | grep -o 'level for [^:]*: [0-9.]*' | awk '{print $NF}'))" $r
done
done_testing
