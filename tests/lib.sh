# TAP helpers for the shell tests. Source it; call done_testing at the end.
_n=0
_failed=0

ok() { # ok DESCRIPTION CMD...
        local d=$1
        shift
        _n=$((_n + 1))
        if "$@" >/dev/null 2>&1; then
                echo "ok $_n - $d"
        else
                echo "not ok $_n - $d"
                _failed=$((_failed + 1))
        fi
}

check() { # check DESCRIPTION CONDITION-RESULT (0 = pass)
        _n=$((_n + 1))
        if [ "$2" -eq 0 ]; then
                echo "ok $_n - $1"
        else
                echo "not ok $_n - $1"
                _failed=$((_failed + 1))
        fi
}

skip() {
        _n=$((_n + 1))
        echo "ok $_n # SKIP $1"
}

diag() { printf '# %s\n' "$@"; }

# Whether this build has ASan or UBSan in it (meson's b_sanitize).
sanitized() { [ -n "${PORTSCOPE_SANITIZE:-}" ] && [ "$PORTSCOPE_SANITIZE" != none ]; }

done_testing() {
        echo "1..$_n"
        [ "$_failed" -eq 0 ]
}

# use_tmp: a temporary directory in $tmp and background processes in the
# pids array, killed and removed when the test exits.
use_tmp() {
        tmp=$(mktemp -d)
        pids=()
        trap '_tmp_cleanup' EXIT
}
_tmp_cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
        wait 2>/dev/null
        rm -rf "$tmp"
}

# unused_port [ADDRESS]: a TCP port nothing is bound to now on ADDRESS (127.0.0.1).
unused_port() {
        python3 -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' \
                "${1:-127.0.0.1}"
}
