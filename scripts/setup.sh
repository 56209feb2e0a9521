#!/usr/bin/env bash
# Installs what the tests and benchmarks need when it is missing: Debian's
# chromium (browser tests), redis-server and postgresql-15 (the demo's
# session stores, each started by its test on a free port in a temporary
# directory), axe-core from npm (the browser tests' accessibility
# check, into the git-ignored .cache/axe) and wrk (load benchmark). Versions are pinned to
# the Debian 12 security line; when the archive has moved past the pin, the
# current package of the same line is installed and a warning printed.
set -euo pipefail
CHROMIUM_VERSION=156.0.8078.79-1~deb12u1
REDIS_VERSION=5:7.0.15-1~deb12u10
POSTGRESQL_VERSION=15.20-0+deb12u1
WRK_VERSION=4.1.0-3+b2
AXE_VERSION=4.14.1

# axe-core, exactly the pinned version, in a project-local directory.
cd "$(dirname "$0")/.."
AXE_DIR=.cache/axe
axe_version() { node -p 'require("./'"$AXE_DIR"'/node_modules/axe-core/package.json").version' 2>/dev/null; }
if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ] || [ "$(axe_version)" != "$AXE_VERSION" ]; then
  command -v npm >/dev/null 2>&1 || { echo "setup: npm is needed to install axe-core $AXE_VERSION" >&2; exit 1; }
  mkdir -p "$AXE_DIR"
  npm install --prefix "$AXE_DIR" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    --loglevel=error "axe-core@$AXE_VERSION"
  [ "$(axe_version)" = "$AXE_VERSION" ] || { echo "setup: axe-core $AXE_VERSION did not install" >&2; exit 1; }
fi

need=()
command -v chromium >/dev/null 2>&1 || need+=("chromium=$CHROMIUM_VERSION")
command -v redis-server >/dev/null 2>&1 || need+=("redis-server=$REDIS_VERSION")
# Debian keeps PostgreSQL's programs off PATH.
command -v initdb >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=("postgresql-15=$POSTGRESQL_VERSION")
if [ "${1:-}" = "bench" ]; then
  command -v wrk >/dev/null 2>&1 || need+=("wrk=$WRK_VERSION")
fi
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if ! $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; then
  echo "setup: pinned versions unavailable (${need[*]}); installing the archive's current ones" >&2
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]%%=*}"
fi
