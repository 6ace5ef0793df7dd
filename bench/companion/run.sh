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
check_name="companion bench"
. "$(dirname "$0")/../../checks/lib.sh"
cd "$repo/bench/companion"

need_chromium
need_node
# Companion 6.2.2 requires Node.js ^20.19.3 or >= 22 (Debian 12's own nodejs is 18).
node_at_least 20 19 ||
  give_up "Node.js $(node --version) is too old for @uppy/companion 6.2.2 (needs ^20.19.3 or >= 22)"
if npm_ci_needed @uppy/companion; then
  npm ci --no-audit --no-fund --loglevel=error
fi
need_default_jar
exec node run.mjs "$@"
