#!/usr/bin/env bash
# The Debian package: dpkg-buildpackage -us -uc -b in a copy of the tree, the
# file list (dpkg-deb -c), lintian (no errors), then the .deb extracted into
# a scratch root: its portscope explains 1712, and
# a program builds against its headers, pkg-config file and library.
# Slow (a full build, a few minutes on a busy machine): it runs when
# PORTSCOPE_TEST_PACKAGE=1, as .ci/run sets; otherwise it skips.
# Usage: test-package.sh SOURCEDIR
src=$1
cd "$(dirname "$0")" && . ./lib.sh
N=6
skip_all() {
        for _ in $(seq 1 $N); do skip "$1"; done
        done_testing
        exit 0
}
[ "${PORTSCOPE_TEST_PACKAGE:-}" = 1 ] ||
        skip_all "the package build is slow; PORTSCOPE_TEST_PACKAGE=1 runs it (.ci/run does)"
command -v dpkg-buildpackage >/dev/null || skip_all "dpkg-buildpackage not installed (dpkg-dev)"
(cd "$src" && dpkg-checkbuilddeps) >/dev/null 2>&1 || skip_all "the Build-Depends are not installed"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
(cd "$src" && tar --exclude=./build --exclude='./build-*' --exclude=./.git --exclude='./obj-*' \
        --exclude=./debian/portscope --exclude=./debian/.debhelper -cf - .) | tar -C "$tmp/src" -xf -
(cd "$tmp/src" && DEB_BUILD_OPTIONS="nocheck noddebs" dpkg-buildpackage -us -uc -b) \
        >"$tmp/build.log" 2>&1
check "dpkg-buildpackage -us -uc -b builds the package" $?
deb=$(ls "$tmp"/portscope_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { diag "$(tail -20 "$tmp/build.log")"; skip_all "no .deb was built"; }

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/files"
missing=
for f in /usr/bin/portscope /usr/libexec/portscope/portscope-full \
        /usr/lib/x86_64-linux-gnu/libportscope.so.0 \
        /usr/include/portscope/portscope.h /usr/include/portscope/sockets.h \
        /usr/lib/x86_64-linux-gnu/pkgconfig/libportscope.pc /usr/share/man/man1/portscope.1.gz \
        /lib/systemd/system/portscope-exporter.service \
        /lib/systemd/system/portscope-exporter-textfile.timer \
        /usr/share/bash-completion/completions/portscope /usr/share/zsh/vendor-completions/_portscope \
        /usr/share/fish/vendor_completions.d/portscope.fish \
        /usr/share/doc/portscope/copyright /usr/share/doc/portscope/prometheus/alerts.yml.gz; do
        f=${f/x86_64-linux-gnu/$(dpkg-architecture -qDEB_HOST_MULTIARCH)}
        grep -qx "$f" "$tmp/files" || missing="$missing $f"
done
[ -z "$missing" ]
check "the .deb holds the tool, library, headers, pkg-config file, man page, completions, units and docs" $?
[ -n "$missing" ] && diag "missing:$missing"

if command -v lintian >/dev/null; then
        lintian "$deb" >"$tmp/lintian" 2>&1
        ! grep -q '^E:' "$tmp/lintian"
        check "lintian reports no error" $?
        diag "$(grep -v 'root privileges' "$tmp/lintian")"
else
        skip "lintian not installed"
fi

# A scratch root: the package extracted, run from there.
root=$tmp/root
dpkg-deb -x "$deb" "$root"
libdir=$root/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
LD_LIBRARY_PATH=$libdir "$root/usr/bin/portscope" 1712 >"$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q '^Port 1712: registrar' "$tmp/out"
check "the installed portscope explains 1712" $?
! LD_LIBRARY_PATH=$libdir ldd "$root/usr/bin/portscope" "$libdir/libportscope.so.0" | grep -q 'not found'
check "the tool and the library find every shared library they need" $?

cat >"$tmp/x.c" <<'EOC'
#include <portscope/portscope.h>
#include <stdio.h>
int main(void)
{
        ps_db *db;
        ps_record r;
        ps_iter it;
        if (ps_db_open_builtin(&db) < 0)
                return 1;
        ps_iter_port(&it, db, 1712, PS_PROTO_TCP);
        if (ps_iter_next(&it, &r) <= 0)
                return 1;
        printf("%s\n", r.name);
        ps_db_free(db);
        return 0;
}
EOC
pc=$libdir/pkgconfig
cflags=$(PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$root pkg-config --cflags libportscope)
libs=$(PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$root pkg-config --libs libportscope)
cc $cflags "$tmp/x.c" $libs -o "$tmp/x" 2>"$tmp/cc.err" &&
        [ "$(LD_LIBRARY_PATH=$libdir "$tmp/x")" = registrar ]
check "a program builds against the packaged headers and pkg-config file" $?
[ -s "$tmp/cc.err" ] && diag "$(cat "$tmp/cc.err")"
done_testing
