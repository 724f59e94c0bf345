#!/usr/bin/env bash
# The vote store with real SQLite and a real PostgreSQL 15 in a temporary
# directory (initdb, pg_ctl, a Unix socket), as an unprivileged user: root
# would ignore the read-only file. Faults: a read-only and a corrupted file,
# a full disk (a 512 KiB tmpfs, where mounting is allowed), PostgreSQL
# stopped mid-run.
#   test-votes-store.sh TEST-BINARY
set -u
bin=$1
pgbin=/usr/lib/postgresql/15/bin

tmp=$(mktemp -d /tmp/portscope-votes.XXXXXX)
cleanup() {
        [ -f "$tmp/pg/postmaster.pid" ] && as_user "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1
        mountpoint -q "$tmp/full" 2>/dev/null && umount "$tmp/full"
        rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"

# Root runs everything as nobody; the binary is copied where nobody can read it.
if [ "$(id -u)" -eq 0 ]; then
        user=nobody
        as_user() { (cd "$tmp" && setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"); }
else
        user=$(id -un)
        as_user() { (cd "$tmp" && "$@"); }
fi
cp "$bin" "$tmp/test-votes-store"
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

if [ ! -x "$pgbin/initdb" ]; then
        args+=(--pg-skip "PostgreSQL: $pgbin/initdb missing (Debian package postgresql-15)")
else
        as_user mkdir -m 0700 "$tmp/pg" "$tmp/sock"
        pgctl="$pgbin/pg_ctl -D $tmp/pg -l $tmp/pg.log -w -t 30"
        start="$pgctl -o '-k $tmp/sock -c listen_addresses= -c fsync=on' start"
        if as_user env LC_ALL=C "$pgbin/initdb" -D "$tmp/pg" -A trust -U portscope \
                --no-sync >"$tmp/initdb.log" 2>&1 && as_user sh -c "$start" >/dev/null 2>&1; then
                args+=(--pg "postgresql:///postgres?host=$tmp/sock&user=portscope"
                       --pg-stop "$pgctl -m immediate stop >/dev/null 2>&1"
                       --pg-start "$start >/dev/null 2>&1")
        else
                args+=(--pg-skip "PostgreSQL: initdb or pg_ctl start failed as $user: $(tail -n1 "$tmp/initdb.log" "$tmp/pg.log" 2>/dev/null | tr '\n' ' ')")
        fi
fi
as_user "$tmp/test-votes-store" "${args[@]}"
