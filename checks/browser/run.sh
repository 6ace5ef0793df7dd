#!/usr/bin/env bash
# The uploader page (/upload/) and real Uppy (@uppy/dashboard + @uppy/aws-s3 against /v1/uppy) in
# real headless Chromium against the packaged service on its embedded default. Installs what is
# missing (Debian's chromium, Node.js, playwright-core, Uppy and esbuild from npm), builds the jar if
# it is missing or older than the sources, runs upload.spec.mjs and uppy.spec.mjs, and
# azure.spec.mjs (the page on Azurite) where Azurite is installed.
# The last line printed is always "N passed, N failed"; the exit code is non-zero on failure.
set -uo pipefail
check_name=browser-test
check_summary=true
. "$(dirname "$0")/../lib.sh"
cd "$repo/checks/browser" || give_up "no checks/browser"

need_chromium
need_node
if npm_ci_needed playwright-core @uppy/aws-s3 @uppy/dashboard; then
  npm ci --no-audit --no-fund --loglevel=error || give_up "npm ci failed"
fi
need_default_jar

log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
failed=0
status=0
specs="upload.spec.mjs uppy.spec.mjs"
# The page on Azure Blob, where Azurite is installed (.ci/run installs it for the tests).
azurite_bin=${FILES_TEST_AZURITE_BIN:-/opt/files-azurite/node_modules/.bin/azurite-blob}
if [ -x "$azurite_bin" ]; then
  specs="$specs azure.spec.mjs"
else
  say "azure.spec.mjs skipped: no Azurite at $azurite_bin"
fi
for spec in $specs; do
  FILES_JAR="$default_jar" node "$spec" 2>&1 | tee "$log"
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
