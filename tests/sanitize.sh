#!/usr/bin/env bash
# The whole test suite again, on a build with AddressSanitizer and
# UndefinedBehaviorSanitizer: every out-of-bounds access, use after free,
# leak and undefined operation that a test reaches fails it. CI runs it
# (.ci/run); the everyday `./dev.sh test` does not, for its few minutes.
#
#   tests/sanitize.sh [BUILDDIR]     (default: build-sanitize)
#
# The static portscope is off there (sanitizers need the shared runtime).
# The few checks of what the sanitizers change themselves (peak memory,
# address-space limits, linked libraries, symbols, thread timing) skip,
# saying so: the tests read PORTSCOPE_SANITIZE (tests/meson.build).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-sanitize}
if [ ! -f "$out/build.ninja" ]; then
        meson setup "$out" -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$out" >/dev/null
# Leaks too; UBSan stops at its first report, so that the test fails.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
tests/run-all "$out"
