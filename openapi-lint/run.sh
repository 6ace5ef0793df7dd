#!/usr/bin/env bash
# Lints an OpenAPI document with Redocly CLI (pinned in package-lock.json) under redocly.yaml:
# Redocly's recommended rules, any warning an error. Without an argument it lints the committed
# snapshot src/test/resources/openapi/files-api.json, which OpenApiSnapshotTest keeps equal to
# what /q/openapi serves. Installs Node.js and npm from Debian if missing (Redocly CLI needs
# Node.js 20.19 or later: npm ci refuses an older one). The last line printed is always
# "N passed, N failed"; the exit code is non-zero on any problem.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
document=$(realpath "${1:-$here/../src/test/resources/openapi/files-api.json}")

give_up() {
  echo "openapi-lint: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1; fi
}

cd "$here"
[ -f "$document" ] || give_up "no such document: $document"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "openapi-lint: installing Node.js and npm from Debian"
  { as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      nodejs npm >/dev/null; } || give_up "cannot install nodejs and npm (needs root or sudo)"
fi
if [ ! -f node_modules/@redocly/cli/package.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --engine-strict --no-audit --no-fund --loglevel=error ||
    give_up "npm ci failed (Redocly CLI needs Node.js 20.19 or later; this is $(node --version))"
fi

if node_modules/.bin/redocly lint --config redocly.yaml "$document"; then
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
  exit 1
fi
