#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs what is missing,
# builds, then runs portscope or the whole test suite.
#
#   ./dev.sh run ARGS...   build, then run build/portscope ARGS...
#   ./dev.sh test          build, then run every test; ends with "N passed, N failed"
#   ./dev.sh serve [ARGS]  build, then serve the reference site on http://127.0.0.1:2194/
#                          and the exporter's metrics on http://127.0.0.1:2693/metrics
#   ./dev.sh exporter      build, then only the exporter (docs/prometheus/README.md)
#   ./dev.sh bench NAME [ARGS]  install the benchmark's peers, build, run bench/NAME.sh
#                          (registry, sockets, web, votes, exporter, ...; docs/benchmarks.md)
#   ./dev.sh deps          only install the build and test dependencies
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the build and the tests need.
PACKAGES=(meson ninja-build pkg-config gcc python3 libexpat1-dev zlib1g-dev libxxhash-dev
          libjansson-dev libcmark-dev libcurl4-openssl-dev zsh fish nmap-common libmicrohttpd-dev
          libsqlite3-dev libpq-dev libssl-dev postgresql-15 util-linux python3-jsonschema
          gettext locales-all python3-html5lib chromium
          # Uyghur's Arabic-script letters in the browser tests' screenshots
          # (the site's font stack ends in DejaVu Sans).
          fonts-dejavu-core
          # The exporter's tests: a real Prometheus and promtool, namespaces,
          # systemd-analyze for the units; the Debian package and its checks.
          prometheus curl iproute2 systemd debhelper dpkg-dev fakeroot lintian
          # helgrind for tests/test-threads-helgrind.sh (the thread contract).
          valgrind
          # tests/test-cli-users.sh: a user only an NSS module knows, and
          # which shared objects the static portscope opens.
          libnss-extrausers strace
          # tests/test_hosting.py: nginx serving the export as docs/hosting.md says.
          nginx-light)

# install_missing PACKAGE...: install, as root, those not installed yet.
install_missing() {
        local missing=()
        for p in "$@"; do
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
                        missing+=("$p")
        done
        [ ${#missing[@]} -eq 0 ] && return 0
        if [ "$(id -u)" -ne 0 ]; then
                echo "dev.sh: missing packages: ${missing[*]} (run as root, or install them)" >&2
                exit 2
        fi
        echo "dev.sh: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

deps() {
        local had_nginx=0
        command -v nginx >/dev/null && had_nginx=1
        install_missing "${PACKAGES[@]}"
        # The tests start their own nginx; the one the package starts on port
        # 80 is not wanted (one that was here before is left alone).
        [ "$had_nginx" = 1 ] || systemctl disable --now nginx >/dev/null 2>&1 || true
}

# The browser tests' npm packages (tests/web/package-lock.json): puppeteer-core
# drives Debian's chromium, axe-core checks accessibility. Without npm the
# browser tests skip.
npm_deps() {
        if ! command -v npm >/dev/null; then
                if [ "$(id -u)" -eq 0 ]; then
                        apt-get install -y -qq --no-install-recommends npm >/dev/null || true
                fi
        fi
        command -v npm >/dev/null || return 0
        if [ ! -d tests/web/node_modules ] ||
                [ tests/web/package-lock.json -nt tests/web/node_modules ]; then
                npm ci --prefix tests/web --no-audit --no-fund --ignore-scripts --loglevel=error \
                        >/dev/null && touch tests/web/node_modules
        fi
}

# The peers the benchmarks run beside portscope (bench/*.sh): hyperfine, wrk,
# nginx, ss/lsof/netstat/fuser, node_exporter.
BENCH_PACKAGES=(hyperfine wrk nginx-light lsof net-tools psmisc prometheus-node-exporter)

bench_deps() {
        install_missing "${BENCH_PACKAGES[@]}"
        # The benchmarks start their own servers; the packages' services are not wanted.
        systemctl disable --now nginx prometheus-node-exporter >/dev/null 2>&1 || true
}

build() {
        if [ ! -f build/build.ninja ]; then
                meson setup build >/dev/null
        fi
        ninja -C build >/dev/null
}

cmd=${1:-}
case "$cmd" in
deps)
        deps
        ;;
run)
        shift
        deps
        build
        # The uninstalled catalogs: messages follow LANG/LANGUAGE (docs/translations.md).
        PORTSCOPE_LOCALEDIR=$PWD/build/po exec build/portscope "$@"
        ;;
test)
        shift
        deps
        npm_deps
        build
        exec tests/run-all build "$@"
        ;;
serve)
        shift
        deps
        build
        # The Prometheus exporter beside the site; both stop together.
        build/portscope exporter &
        exporter=$!
        build/portscope-web serve "$@" &
        web=$!
        trap 'kill "$exporter" "$web" 2>/dev/null || true' EXIT INT TERM
        echo "dev.sh: metrics on http://127.0.0.1:2693/metrics" >&2
        wait "$web"
        ;;
exporter)
        shift
        deps
        build
        echo "dev.sh: serving http://127.0.0.1:2693/metrics (Ctrl-C stops)" >&2
        exec build/portscope exporter "$@"
        ;;
bench)
        shift
        if [ $# -eq 0 ] || [ ! -f "bench/$1.sh" ]; then
                echo "usage: ./dev.sh bench NAME [ARGS...]; NAME is one of:" $(cd bench && ls *.sh | sed '/^lib\.sh$/d; s/\.sh$//') >&2
                exit 2
        fi
        name=$1
        shift
        deps
        bench_deps
        build
        exec "bench/$name.sh" build "$@"
        ;;
*)
        echo "usage: ./dev.sh run ARGS... | ./dev.sh test | ./dev.sh serve [ARGS...] | ./dev.sh exporter [OPTIONS] | ./dev.sh bench NAME [ARGS...] | ./dev.sh deps" >&2
        exit 2
        ;;
esac
