# Shared by the benchmarks: a temporary directory and background processes
# removed on exit, and the busy server of bench/sockhold.py. Source it from
# the repository's root.

tmp=$(mktemp -d)
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        rm -rf "$tmp"
}
trap cleanup EXIT

# hold_sockets N: N sockets in one process, under a service account when we
# can switch to one (as a real server would run); sets hpid and hport (a
# listener in the middle of the set).
hold_sockets() {
        local nsock=$1 runas=() py
        py=$(command -v python3)
        # The service account needs an interpreter outside root's home (not a pyenv shim).
        [ -x /usr/bin/python3 ] && py=/usr/bin/python3
        if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
                runas=(setpriv --reuid=65534 --regid=65534 --clear-groups)
                chmod 1777 "$tmp"
        fi
        ulimit -n $((nsock + 2048))
        "${runas[@]}" "$py" bench/sockhold.py "$nsock" "$tmp/ready" &
        pids+=($!)
        for _ in $(seq 1 600); do
                [ -s "$tmp/ready" ] && break
                kill -0 "$!" 2>/dev/null || { echo "bench: the socket helper failed" >&2; exit 3; }
                sleep 0.1
        done
        read -r hpid hport <"$tmp/ready"
}
