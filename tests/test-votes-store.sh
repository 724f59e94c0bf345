#!/usr/bin/env bash
# The vote store with real SQLite and a real PostgreSQL 15 in a temporary
# directory (initdb, pg_ctl, a Unix socket), as an unprivileged user: root
# would ignore the read-only file. Faults: a read-only and a corrupted file,
# a full disk (a 512 KiB tmpfs, where mounting is allowed), PostgreSQL
# stopped mid-run.
# Then `portscope votes` exports both stores as a table, CSV and JSON, the
# JSON checked against docs/schema/votes.schema.json.
#   test-votes-store.sh TEST-BINARY PORTSCOPE SCHEMA
set -u
bin=$1
portscope=$2
schema=$3

tmp=$(mktemp -d /tmp/portscope-votes.XXXXXX)
cleanup() {
        "$tmp/pg-cluster.sh" stop "$tmp" 2>/dev/null
        mountpoint -q "$tmp/full" 2>/dev/null && umount "$tmp/full"
        rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"

# Root runs everything as nobody; what it runs is copied where nobody can read it.
if [ "$(id -u)" -eq 0 ]; then
        as_user() { (cd "$tmp" && setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"); }
else
        as_user() { (cd "$tmp" && "$@"); }
fi
cp "$bin" "$tmp/test-votes-store"
cp "$(dirname "$0")/pg-cluster.sh" "$tmp/pg-cluster.sh"
mkdir "$tmp/sqlite" "$tmp/full"
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$tmp"

args=(--dir "$tmp/sqlite")
if [ "$(id -u)" -ne 0 ]; then
        args+=(--tmpfs-skip "full disk: mounting a tmpfs needs root")
elif mount -t tmpfs -o size=512k,mode=0700,uid=65534,gid=65534 portscope-votes "$tmp/full" 2>/dev/null; then
        args+=(--tmpfs "$tmp/full")
else
        args+=(--tmpfs-skip "full disk: mounting a tmpfs is not allowed here")
fi

if url=$("$tmp/pg-cluster.sh" start "$tmp" 2>"$tmp/pg-why"); then
        args+=(--pg "$url" --pg-stop "$tmp/pg-cluster.sh stop $tmp" --pg-start "$tmp/pg-cluster.sh restart $tmp")
else
        args+=(--pg-skip "PostgreSQL: $(cat "$tmp/pg-why")")
fi
# The C test prints TAP lines 1..N; the export checks continue the count.
as_user "$tmp/test-votes-store" "${args[@]}" | grep -v '^1\.\.' | tee "$tmp/tap"
. "$(dirname "$0")/lib.sh"
_n=$(grep -c '^\(not \)\?ok ' "$tmp/tap")
_failed=$(grep -c '^not ok ' "$tmp/tap")
valid() { # valid FILE: the JSON document matches the schema
        python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$1" "$schema"
}
export_checks() { # export_checks NAME STORE TOTAL
        local name=$1 store=$2 want=$3
        ok "$name: portscope votes --json" sh -c '"$0" votes --votes "$1" --json >"$2"' \
                "$portscope" "$store" "$tmp/$name.json"
        ok "$name: the total is every acknowledged vote ($want)" \
                python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["totals"]["total"] != int(sys.argv[2]))' \
                "$tmp/$name.json" "$want"
        if python3 -c 'import jsonschema' 2>/dev/null; then
                ok "$name: the JSON matches docs/schema/votes.schema.json" valid "$tmp/$name.json"
        else
                skip "python3-jsonschema is not installed"
        fi
        ok "$name: --csv has a header and one line per page and language" sh -c \
                '"$0" votes --votes "$1" --csv >"$2" && head -n1 "$2" | grep -q "^page,lang,unhelpful,neutral,helpful,total" &&
                 [ "$(($(wc -l <"$2") - 1))" = "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))[\"tallies\"]))" "$3")" ]' \
                "$portscope" "$store" "$tmp/$name.csv" "$tmp/$name.json"
        ok "$name: the table names /ports/1712" sh -c '"$0" votes --votes "$1" | grep -q "^/ports/1712 "' \
                "$portscope" "$store"
        # Greek takes two bytes a letter: the headings are still padded by columns,
        # the last one ending where the counts do.
        ok "$name: in Greek the table's headings end where its counts do" sh -c \
                'LANGUAGE=el "$0" votes --votes "$1" >"$2" && python3 -c "
import sys
lines = open(sys.argv[1], encoding=\"utf-8\").read().splitlines()
row = next(l for l in lines if l.startswith(\"/ports/1712 \"))
sys.exit(0 if lines[0] != lines[0].encode().decode(\"ascii\", \"ignore\") and len(lines[0]) == len(row) else 1)" "$2"' \
                "$portscope" "$store" "$tmp/$name.el"
}
export_checks sqlite "$tmp/sqlite/votes.db" 2007
if grep -q '^ok .* - PostgreSQL: opened for the stop test' "$tmp/tap"; then
        export_checks postgresql "$url" 5007
fi
ok "a missing store: exit 2 and one line" sh -c \
        '"$0" votes --votes "$1/none.db" 2>"$1/err"; [ $? = 2 ] && [ "$(wc -l <"$1/err")" = 1 ]' \
        "$portscope" "$tmp"
ok "a file that is not a store: exit 2" sh -c '"$0" votes --votes /etc/hostname; [ $? = 2 ]' "$portscope"
ok "a password in a URL is not shown" sh -c \
        '"$0" votes --votes "postgresql://u:hunter2@/x?host=/nonexistent" 2>&1 | grep -q "u:\*\*\*@"' \
        "$portscope"
ok "--csv with --json is refused" sh -c '"$0" votes --csv --json --votes "$1"; [ $? = 2 ]' \
        "$portscope" "$tmp/sqlite/votes.db"
done_testing
