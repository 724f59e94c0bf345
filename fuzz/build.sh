#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang, ASan and UBSan.
#
#   fuzz/build.sh [OUTDIR]      (default: build-fuzz in the source tree)
#
# Needs clang and libFuzzer's runtime (Debian: clang, libclang-rt-14-dev)
# plus the library's own dependencies (libexpat1-dev, zlib1g-dev).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build-fuzz}
mkdir -p "$out"
CC=${CC:-clang}
flags=(-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=undefined -std=gnu11 -D_GNU_SOURCE
       '-DPS_VERSION_STRING="fuzz"' -I"$src/include" -I"$src/lib" -I"$src/lib/basic")
# The library without the embedded registry (lib/registry-builtin.c), which the
# readers do not need.
lib=(basic/dynbuf basic/fileio basic/parse basic/utf8 errors prevalence prevalence-cache
     registry-iana-csv registry-iana-xml ranges registry-read registry-set registry search notes)
objs=()
for f in "${lib[@]}"; do
        "$CC" "${flags[@]/-fsanitize=fuzzer,/-fsanitize=fuzzer-no-link,}" -c "$src/lib/$f.c" -o "$out/${f##*/}.o"
        objs+=("$out/${f##*/}.o")
done
for h in xml csv portspec registry db prevcache notes; do
        "$CC" "${flags[@]}" "$src/fuzz/fuzz-$h.c" "${objs[@]}" -lexpat -lz -o "$out/fuzz-$h"
done
# The site's router alone: it never calls the page handlers it names, so
# they stay unresolved rather than pull in the whole site. Its language
# rules (lang.c) call the dynamic buffer, and i18n.c the language table of
# i18n-format.c; both must be linked: an unresolved function call does not
# load.
"$CC" "${flags[@]}" -I"$src/src/web" -I"$src/src/shared" "$src/fuzz/fuzz-router.c" \
        "$src/src/web/routes.c" "$src/src/web/lang.c" "$src/src/shared/i18n.c" \
        "$src/src/shared/i18n-format.c" "$out/dynbuf.o" \
        '-DPS_LOCALEDIR="/nonexistent"' -Wl,--unresolved-symbols=ignore-all -o "$out/fuzz-router"
echo "fuzz/build.sh: built $out/fuzz-xml, fuzz-csv, fuzz-portspec, fuzz-registry, fuzz-db, fuzz-prevcache, fuzz-notes, fuzz-router" >&2
