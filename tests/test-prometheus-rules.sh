#!/usr/bin/env bash
# docs/prometheus/alerts.yml: valid for Prometheus (promtool check rules) and
# firing when it should (promtool test rules, tests/data/prometheus/).
# Usage: test-prometheus-rules.sh   (run from tests/)
. ./lib.sh
if ! command -v promtool >/dev/null; then
        skip "promtool not installed (Debian prometheus)"
        skip "promtool not installed (Debian prometheus)"
        done_testing
        exit
fi
out=$(promtool check rules ../docs/prometheus/alerts.yml 2>&1)
check "promtool check rules accepts docs/prometheus/alerts.yml" $?
echo "$out" | grep -q SUCCESS || diag "$out"
out=$(cd data/prometheus && promtool test rules alerts-test.yml 2>&1)
check "promtool test rules: every alert fires when it should, and only then" $?
echo "$out" | grep -q SUCCESS || diag "$out"
done_testing
