#!/usr/bin/env bash
# Issue 28's benchmark, one command: Uppy Companion 6.2.2 and this service's Uppy routes side by
# side on one S3Proxy process (see run.mjs). Installs what is missing (Debian's chromium, Node.js;
# Companion, Uppy, esbuild and playwright-core from npm as package-lock.json pins them), builds the
# jar if it is missing or older than the sources, then runs run.mjs with the arguments given.
#
#   bench/companion/run.sh            full run (~25 min on the shared 2-core VM):
#                                     bench/results/companion-<date>.jsonl
#   bench/companion/run.sh --smoke    200 parts and a 20 MiB upload, < 1 min once installed:
#                                     target/bench/companion-smoke.jsonl (proves both servers run)
#   other arguments: --rounds=N --e2e-rounds=N --no-e2e --out=FILE
set -euo pipefail
cd "$(dirname "$0")"
repo=$(cd ../.. && pwd)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else echo "companion bench: $* needs root or sudo" >&2; return 1; fi
}
apt_install() {
  as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || apt_install chromium
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
# Companion 6.2.2 requires Node.js ^20.19.3 or >= 22 (Debian 12's own nodejs is 18).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "companion bench: Node.js $(node --version) is too old for @uppy/companion 6.2.2 (needs ^20.19.3 or >= 22)" >&2
  exit 1
fi
if [ ! -f node_modules/@uppy/companion/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
jar="$repo/target/quarkus-app/quarkus-run.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$repo/src/main" "$repo/src/embedded" "$repo/pom.xml" -newer "$jar" -type f -print -quit)" ]; then
  echo "companion bench: building the jar"
  (cd "$repo" && ./mvnw -B --no-transfer-progress -q package -DskipTests)
fi
exec node run.mjs "$@"
