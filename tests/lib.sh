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

done_testing() {
        echo "1..$_n"
        [ "$_failed" -eq 0 ]
}
