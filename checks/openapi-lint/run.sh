#!/usr/bin/env bash
# Lints an OpenAPI document with Redocly CLI (pinned in package-lock.json) under redocly.yaml:
# Redocly's recommended rules, any warning an error. Without an argument it lints the committed
# snapshot src/test/resources/openapi/files-api.json, which OpenApiSnapshotTest keeps equal to
# what /q/openapi serves. Installs Node.js and npm from Debian if missing (Redocly CLI needs
# Node.js 20.19 or later: npm ci refuses an older one). The last line printed is always
# "N passed, N failed"; the exit code is non-zero on any problem.
set -uo pipefail
check_name=openapi-lint
check_summary=true
. "$(dirname "$0")/../lib.sh"
here="$repo/checks/openapi-lint"
document=$(realpath "${1:-$repo/src/test/resources/openapi/files-api.json}")

cd "$here" || give_up "no $here"
[ -f "$document" ] || give_up "no such document: $document"
need_node
if npm_ci_needed @redocly/cli; then
  npm ci --engine-strict --no-audit --no-fund --loglevel=error ||
    give_up "npm ci failed (Redocly CLI needs Node.js 20.19 or later; this is $(node --version))"
fi

if node_modules/.bin/redocly lint --config redocly.yaml "$document"; then
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
  exit 1
fi
