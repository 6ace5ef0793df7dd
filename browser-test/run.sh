#!/usr/bin/env bash
# The uploader page (/upload/) and real Uppy (@uppy/dashboard + @uppy/aws-s3 against /v1/uppy) in
# real headless Chromium against the packaged service on its embedded default. Installs what is
# missing (Debian's chromium, Node.js, playwright-core, Uppy and esbuild from npm), builds the jar if
# it is missing or older than the sources, runs upload.spec.mjs and uppy.spec.mjs.
# The last line printed is always "N passed, N failed"; the exit code is non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")"
repo=$(cd .. && pwd)

give_up() {
  echo "browser-test: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1; fi
}

apt_install() {
  as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
if [ ! -x "$CHROMIUM" ]; then
  echo "browser-test: installing Debian's chromium"
  apt_install chromium >/dev/null || give_up "cannot install chromium (needs root or sudo)"
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "browser-test: installing Node.js and npm from Debian"
  apt_install nodejs npm >/dev/null || give_up "cannot install nodejs and npm (needs root or sudo)"
fi
if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/@uppy/aws-s3/package.json ] || [ ! -f node_modules/@uppy/dashboard/package.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || give_up "npm ci failed"
fi

jar="$repo/target/quarkus-app/quarkus-run.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$repo/src" "$repo/pom.xml" -newer "$jar" -type f -print -quit)" ]; then
  echo "browser-test: building the jar"
  (cd "$repo" && ./mvnw -B --no-transfer-progress -q package -DskipTests) || give_up "the build failed"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
failed=0
status=0
for spec in upload.spec.mjs uppy.spec.mjs; do
  FILES_JAR="$jar" node "$spec" 2>&1 | tee "$log"
  spec_status=${PIPESTATUS[0]}
  last=$(tail -n 1 "$log")
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
  else
    failed=$((failed + 1))
    spec_status=1
  fi
  [ "$spec_status" -ne 0 ] && status=1
done
echo "$passed passed, $failed failed"
exit "$status"
