#!/usr/bin/env bash
# A test program under valgrind's helgrind: any data race it reports fails the test.
# tests/test-threads.c runs with two threads, one round and a fifth of the jobs,
# so that it stays within seconds; tests/test-sockets.c as it is (its owner
# scans read big fd tables in threads).
# Usage: test-threads-helgrind.sh EXE [ARG...]
# Skips when valgrind is not installed (it is not needed to build or run).
set -u
exe=$1
shift
name=$(basename "$exe")
. "$(dirname "$0")/lib.sh"
if ! command -v valgrind >/dev/null 2>&1; then
        skip "helgrind: valgrind is not installed"
        done_testing
        exit
elif sanitized; then
        skip "helgrind: valgrind cannot run a program built with ASan"
        done_testing
        exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
valgrind --tool=helgrind --suppressions=helgrind.supp --error-exitcode=99 --log-file="$tmp/log" "$exe" "$@" >"$tmp/out" 2>&1
rc=$?
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$tmp/log" | tail -1)
[ "$rc" -eq 0 ] && [ "${errors:-x}" = 0 ]
check "$name under helgrind: exit $rc, ${errors:-no} errors reported" $?
if [ "$rc" -ne 0 ]; then
        diag "$(grep -v '^ok' "$tmp/out" | head -5)"
        diag "$(grep -A12 'Possible data race' "$tmp/log" | head -40)"
fi
done_testing
