#!/usr/bin/env bash
# Set up everything oihkg needs on a fresh Debian machine: a JRE for HermiT,
# a virtual environment in .venv, the package with its test extras, and the
# SPARQL editor's browser assets (YASGUI, from the npm registry with npm ci and
# the committed lockfile in api/static; Debian's nodejs and npm when missing).
# With --browser (the tests), also Debian's chromium for the Playwright map tests:
# Playwright drives /usr/bin/chromium and never downloads a browser of its own.
# With --bench (make bench), also Debian's wrk, the load generator of bench/bench_routes.py.
# With --browser or --virtuoso, also Debian's Virtuoso (virtuoso-opensource-7-bin: the server and isql, no system
# service), which scripts/virtuoso.py starts on 127.0.0.1 and the tests serve the API over.
# Idempotent: a second run with an unchanged pyproject.toml does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
if [ "${1:-}" = "--browser" ] && ! [ -x /usr/bin/chromium ]; then
    need_apt+=(chromium)
fi
if [ "${1:-}" = "--bench" ] && ! command -v wrk >/dev/null 2>&1; then
    need_apt+=(wrk)
fi
case "${1:-}" in --browser|--virtuoso)
    command -v virtuoso-t >/dev/null 2>&1 || need_apt+=(virtuoso-opensource-7-bin) ;;
esac
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

# the editor's assets: reinstalled when the lockfile changes
assets="api/static/node_modules/.oihkg-stamp"
lock="$(sha256sum api/static/package-lock.json | cut -d' ' -f1)"
if ! [ -f "$assets" ] || [ "$(cat "$assets")" != "$lock" ]; then
    echo "setup: installing the SPARQL editor's assets (npm ci in api/static)"
    npm ci --prefix api/static --ignore-scripts --omit=dev --no-audit --no-fund --loglevel=error
    echo "$lock" > "$assets"
fi

stamp=".venv/.setup-stamp"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
echo "setup: creating .venv and installing oihkg[test]"
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
echo "$want" > "$stamp"
