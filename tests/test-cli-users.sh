#!/usr/bin/env bash
# Login names in ls and who, from every NSS source. The static portscope
# reads /etc/passwd itself and asks getent(1) for the rest
# (src/cli/users-static.c); portscope-full asks NSS (users-nss.c). Both must
# name a user that only an NSS module knows (libnss-extrausers stands in for
# LDAP, SSSD or a systemd dynamic user), show a uid nobody knows as a number,
# and never load a module into the static program: that crashed it.
set -u
PS=$1
FULL=$2
. "$(dirname "$0")/lib.sh"
use_tmp

module=
for d in /usr/lib /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu; do
        [ -e "$d/libnss_extrausers.so.2" ] && module=$d/libnss_extrausers.so.2
done
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v setpriv >/dev/null; then
        skip "users from NSS modules: needs root, unshare and setpriv"
        done_testing
        exit
elif ! unshare -m true 2>/dev/null; then
        skip "users from NSS modules: unshare -m is not permitted here"
        done_testing
        exit
elif [ -z "$module" ]; then
        skip "users from NSS modules: needs libnss-extrausers (./dev.sh deps)"
        done_testing
        exit
fi

# In a mount namespace of its own: nsswitch.conf with the extrausers source,
# which reads /var/lib/extrausers/passwd (a tmpfs here, so the machine's /var
# is not touched), and two listeners, one of a user only that file knows and
# one of a uid nobody knows.
cat >"$tmp/nsswitch.conf" <<'EOF'
passwd: files extrausers
group: files
EOF
cat >"$tmp/run.sh" <<'EOF'
set -eu
tmp=$1 PS=$2 FULL=$3
mount --bind "$tmp/nsswitch.conf" /etc/nsswitch.conf
mount -t tmpfs tmpfs /var/lib
mkdir /var/lib/extrausers
echo 'psextra:x:54321:54321:portscope test:/nonexistent:/usr/sbin/nologin' >/var/lib/extrausers/passwd
# A name with a terminal escape sequence in it, as a hostile directory could serve.
printf 'ps\033[31mevil:x:54323:54323::/nonexistent:/usr/sbin/nologin\n' >>/var/lib/extrausers/passwd
listen() { # UID: a listener of that uid; prints its port
        setpriv --reuid="$1" --regid="$1" --clear-groups /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$tmp/port-$1" &
        for _ in $(seq 1 100); do [ -s "$tmp/port-$1" ] && break; sleep 0.05; done
}
listen 54321
listen 54322
listen 54323
p1=$(cat "$tmp/port-54321") p2=$(cat "$tmp/port-54322") p3=$(cat "$tmp/port-54323")
echo "== port $p1"
for prog in "$PS" "$FULL"; do
        name=$(basename "$prog")
        echo "== $name getent $(getent passwd psextra | cut -d: -f1)"
        echo "== $name ls-known $("$prog" ls --port "$p1" 2>/dev/null | awk 'NR == 2 { print $6 }')"
        echo "== $name ls-unknown $("$prog" ls --port "$p2" 2>/dev/null | awk 'NR == 2 { print $6 }')"
        echo "== $name user-filter $("$prog" ls --user psextra 2>/dev/null | awk 'NR > 1 && $1 == "tcp" { print $3 }' | sort | tr '\n' ' ')"
        echo "== $name who $("$prog" who "$p1" 2>/dev/null | grep -c psextra)"
        "$prog" ls --port "$p3" >"$tmp/hostile-$name" 2>/dev/null
        echo "== $name hostile $(awk 'NR == 2 { print $6 }' "$tmp/hostile-$name") $(tr -d -c '\033' <"$tmp/hostile-$name" | wc -c)"
        rc=0
        "$prog" ls --user psextra-none >/dev/null 2>"$tmp/err-$name" || rc=$?
        echo "== $name no-user $rc $(cat "$tmp/err-$name")"
done
# Which shared objects the static program itself opened (getent, its child,
# loads its own): none, or it would load a module into a static glibc.
if command -v strace >/dev/null; then
        strace -e trace=openat -o "$tmp/trace" "$PS" ls --port "$p2" >/dev/null 2>&1
        echo "== opened-so $(grep -c '\.so' "$tmp/trace")"
fi
kill %1 %2 %3
EOF
out=$(unshare -m --propagation private bash "$tmp/run.sh" "$tmp" "$PS" "$FULL" 2>&1)
diag "$(printf '%s\n' "$out" | sed -n 's/^== //p' | tr '\n' ';')"
field() { printf '%s\n' "$out" | sed -n "s/^== $1 //p"; }
[ "$(field "portscope-full getent")" = psextra ]
check "the namespace's NSS names the extrausers user (getent)" $?
for name in portscope portscope-full; do
        [ "$(field "$name ls-known")" = psextra ]
        check "$name ls: a user only an NSS module knows is named" $?
        [ "$(field "$name ls-unknown")" = 54322 ]
        check "$name ls: a uid no source knows is shown as a number" $?
        [ "$(field "$name user-filter")" = "127.0.0.1:$(field port) " ]
        check "$name ls --user NAME: the module's user's listener" $?
        [ "$(field "$name who")" -ge 1 ] 2>/dev/null
        check "$name who PORT: the module's user is named" $?
        [ "$(field "$name no-user")" = "2 portscope: --user: no user \"psextra-none\"" ]
        check "$name ls --user with a name no source knows: usage error" $?
        [ "$(field "$name hostile")" = "ps?[31mevil 0" ]
        check "$name ls: a login name's escape sequence is shown as ?, not sent to the terminal" $?
done
if readelf -l "$PS" 2>/dev/null | grep -q INTERP; then
        skip "the static portscope loads no shared object: this build's portscope is dynamic (static_cli)"
elif [ -n "$(field opened-so)" ]; then
        [ "$(field opened-so)" = 0 ]
        check "the static portscope loads no shared object (no NSS module)" $?
else
        skip "the static portscope loads no shared object: needs strace"
fi
done_testing
