#!/usr/bin/env bash
# The library keeps no writable data of its own (include/portscope/portscope.h,
# threads): no object of lib/ may define a variable in .data, .bss or a
# thread-local section; constant tables (.rodata, .data.rel.ro) are fine.
# Reads the symbol tables of libportscope-internal.a, every object of lib/.
set -u
archive=$1
. "$(dirname "$0")/lib.sh"
if ! command -v objdump >/dev/null 2>&1; then
        skip "objdump (binutils) is not installed"
        done_testing
        exit
elif sanitized; then
        skip "the sanitizers add writable variables of their own to every object"
        done_testing
        exit
fi
found=$(objdump -t "$archive" | awk '
        /^In archive/ { next }
        /file format/ { obj = $1; sub(/:$/, "", obj); next }
        / O / { for (i = 1; i <= NF; i++)
                        if ($i ~ /^\.(data|bss|tdata|tbss)/ && $i !~ /^\.data\.rel\.ro/)
                                print obj ": " $NF " (" $i ")" }')
objects=$(objdump -t "$archive" | grep -c 'file format')
[ "$objects" -gt 20 ] && [ -z "$found" ]
check "$objects objects of lib/ define no writable variable" $?
[ -n "$found" ] && diag "$found"
done_testing
