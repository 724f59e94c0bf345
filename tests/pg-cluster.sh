#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the vote tests: initdb in DIR/pg, a
# Unix socket in DIR/sock (no TCP), trust authentication, run as nobody when
# called as root (PostgreSQL refuses to run as root).
#   pg-cluster.sh start DIR   prints the cluster's URL; exit 77 and one line
#                             on stderr when PostgreSQL cannot run here
#   pg-cluster.sh stop DIR    immediate shutdown (as a crash)
#   pg-cluster.sh restart DIR start again after stop
set -u
cmd=$1
dir=$2
pgbin=/usr/lib/postgresql/15/bin

as_user() {
        if [ "$(id -u)" -eq 0 ]; then
                (cd "$dir" && setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@")
        else
                (cd "$dir" && "$@")
        fi
}
start() {
        as_user "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 60 \
                -o "-k $dir/sock -c listen_addresses= -c fsync=on" start >/dev/null 2>&1
}

case "$cmd" in
start)
        if [ ! -x "$pgbin/initdb" ]; then
                echo "PostgreSQL 15 is not installed ($pgbin/initdb; Debian package postgresql-15)" >&2
                exit 77
        fi
        [ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$dir"
        as_user mkdir -m 0700 "$dir/pg" "$dir/sock" || exit 77
        if ! as_user env LC_ALL=C "$pgbin/initdb" -D "$dir/pg" -A trust -U portscope --no-sync \
                >"$dir/initdb.log" 2>&1; then
                echo "initdb failed: $(tail -n1 "$dir/initdb.log")" >&2
                exit 77
        fi
        if ! start; then
                echo "pg_ctl start failed: $(tail -n1 "$dir/pg.log" 2>/dev/null)" >&2
                exit 77
        fi
        echo "postgresql:///postgres?host=$dir/sock&user=portscope"
        ;;
stop)
        [ -f "$dir/pg/postmaster.pid" ] && as_user "$pgbin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1
        ;;
restart)
        start
        ;;
*)
        echo "usage: pg-cluster.sh start|stop|restart DIR" >&2
        exit 2
        ;;
esac
