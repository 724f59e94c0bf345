#!/usr/bin/env bash
# The public ABI: each header stands alone, the shared library exports only
# the ps_ prefix, and a program built against it alone works.
set -u
SRC=$1 LIB=$2
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CC=${CC:-cc}

for h in "$SRC"/include/portscope/*.h; do
        name=$(basename "$h")
        printf '#include <portscope/%s>\nint main(void) { return 0; }\n' "$name" >"$tmp/h.c"
        $CC -std=c11 -Wall -Wextra -Werror -I"$SRC/include" -c "$tmp/h.c" -o "$tmp/h.o" 2>"$tmp/err"
        check "portscope/$name compiles on its own as C11" $?
        [ -s "$tmp/err" ] && diag "$(cat "$tmp/err")"
done

bad=$(nm -D --defined-only "$LIB" | awk '$2 ~ /^[TDBR]$/ {print $3}' | grep -v '^ps_' | head -5)
[ -z "$bad" ]
check "libportscope exports only ps_ symbols" $?
[ -z "$bad" ] || diag "also exported: $bad"
nm -D --defined-only "$LIB" | grep -q ' ps_db_open_builtin@@PORTSCOPE_0.1$'
check "exported symbols carry the PORTSCOPE_0.1 version" $?

cat >"$tmp/use.c" <<'C'
#include <portscope/portscope.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
        ps_db *db;
        ps_iter it;
        ps_record r;
        int found = 0;
        if (ps_db_open_builtin(&db) < 0)
                return 1;
        ps_iter_port(&it, db, 1712, PS_PROTO_TCP);
        while (ps_iter_next(&it, &r) > 0)
                found += !strcmp(r.name, "registrar");
        ps_db_free(db);
        return found == 1 ? 0 : 2;
}
C
if sanitized; then
        skip "a program linked against the shared library alone: a sanitized library needs the sanitizers' runtime too"
else
        $CC -std=c11 -I"$SRC/include" "$tmp/use.c" -o "$tmp/use" -L"$(dirname "$LIB")" -lportscope \
                -Wl,-rpath,"$(dirname "$LIB")" 2>"$tmp/err" && "$tmp/use"
        check "a program linked against the shared library alone looks 1712/tcp up" $?
fi

done_testing
