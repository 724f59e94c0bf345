#!/usr/bin/env bash
# portscope runs votes and exporter in portscope-full, so that no other
# command loads the vote store's and the HTTP server's libraries; and update,
# diff and export, so that no other command carries expat's and zlib's
# relocated tables.
set -u
PS=$1
FULL=$2
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if command -v readelf >/dev/null; then
        needed=$(readelf -d "$PS" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
        ! printf '%s\n' "$needed" | grep -qE '^lib(pq|crypto|ssl|sqlite3|microhttpd|curl|gnutls)\.'
        check "portscope links none of libpq, libcrypto, SQLite, libmicrohttpd, libcurl" $?
        diag "portscope needs: $(echo $needed)"
        # Each shared object costs every report its loading (docs/benchmarks.md).
        if sanitized; then
                skip "portscope's libraries: a sanitized build links the sanitizers' runtime"
        elif readelf -l "$PS" | grep -q INTERP; then
                ! printf '%s\n' "$needed" | grep -qvE '^(libc\.so|ld-linux)'
                check "portscope needs no shared library but the C library" $?
        else
                # Static (meson's static_cli): no loader and no library, and
                # still a position-independent executable, for ASLR.
                [ -z "$needed" ] && readelf -h "$PS" | grep -q 'Type: *DYN'
                check "portscope is a static PIE: no shared library, no loader, randomised" $?
        fi
        readelf -d "$FULL" | grep -q 'NEEDED.*libmicrohttpd'
        check "portscope-full links libmicrohttpd (the exporter's server)" $?
else
        skip "readelf is not installed (binutils)"
        skip "readelf is not installed (binutils)"
        skip "readelf is not installed (binutils)"
fi

# The notes' Markdown is decided at build time (docs/notes.md, The compiled
# image): neither executable carries libcmark (its entity table alone cost
# every run 7 relocated pages).
syms=$(nm "$PS" "$FULL" 2>/dev/null)
if printf '%s\n' "$syms" | grep -q ' [Tt] main$'; then
        ! printf '%s\n' "$syms" | grep -qi ' [a-z] _*cmark_'
        check "portscope and portscope-full link no libcmark symbol" $?
        # expat's encoding tables and zlib's were 700 of the 940 pointers the
        # loader relocated at every start, on pages it then copied.
        ! nm "$PS" | grep -qE ' [A-Za-z] (XML_ParserCreate|inflate|deflate)'
        check "portscope links neither expat nor zlib (update, diff, export run in portscope-full)" $?
else
        skip "no symbol table to look at (nm missing or the binaries stripped)"
        skip "no symbol table to look at (nm missing or the binaries stripped)"
fi

# The same command line gives the same answer through portscope and directly.
for args in "votes --csv --json" "votes --votes $tmp/none.db" "exporter --bogus" \
        "exporter --json" "votes --help" "diff builtin builtin" "diff --bogus" \
        "export --format=services" "export --format=nope" "update $tmp/none.xml" "update --help"; do
        # shellcheck disable=SC2086
        "$PS" $args >"$tmp/a.out" 2>"$tmp/a.err"
        a=$?
        # shellcheck disable=SC2086
        "$FULL" $args >"$tmp/b.out" 2>"$tmp/b.err"
        b=$?
        [ "$a" -eq "$b" ] && cmp -s "$tmp/a.out" "$tmp/b.out" && cmp -s "$tmp/a.err" "$tmp/b.err"
        check "portscope $args: the same output and status as portscope-full ($a)" $?
done
"$PS" exporter --textfile "$tmp" >/dev/null 2>"$tmp/err"
[ $? -eq 0 ] && grep -q '^portscope_' "$tmp/portscope.prom"
check "portscope exporter --textfile runs the exporter" $?

# Alone, without its helper: help still lists the commands' options, and
# running one says which program is missing.
mkdir "$tmp/alone"
cp "$PS" "$tmp/alone/portscope"
"$tmp/alone/portscope" help votes >"$tmp/help" 2>&1
[ $? -eq 0 ] && grep -q -- '--csv' "$tmp/help"
check "portscope help votes works without portscope-full" $?
"$tmp/alone/portscope" votes >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 3 ]; then
        [ "$(grep -c '' "$tmp/err")" -eq 1 ] && grep -q 'cannot run .*/portscope-full' "$tmp/err" &&
                [ ! -s "$tmp/out" ]
        check "portscope votes without portscope-full: exit 3, one line naming it" $?
else
        skip "a portscope-full is installed in the libexec directory"
fi

done_testing
