# shellcheck shell=bash
# The shell library of the checks (checks/*/run.sh) and the benchmarks (bench/run.sh,
# bench/companion/run.sh), and of .ci/run. Source it after setting check_name, which prefixes
# every message, and check_summary=true when the script's last line is always "N passed, N failed":
#
#   check_name=openapi-lint
#   check_summary=true
#   . "$(dirname "$0")/../lib.sh"
#
# It sets repo (the repository's root) and changes no shell option and no directory.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
check_name=${check_name:-check}

# say MESSAGE: a progress line on stdout; with check_timestamps=true it carries the UTC time.
say() {
  if [ "${check_timestamps:-false}" = true ]; then
    echo "$check_name: $(date -u +%H:%M:%S) $*"
  else
    echo "$check_name: $*"
  fi
}

# give_up MESSAGE: the message on stderr and exit 1; a check whose last line is always
# "N passed, N failed" (check_summary=true) prints "0 passed, 1 failed" after it.
give_up() {
  echo "$check_name: $1" >&2
  if [ "${check_summary:-false}" = true ]; then echo "0 passed, 1 failed"; fi
  exit 1
}

# as_root COMMAND...: runs it as root (directly, or through a sudo that asks no password); fails
# when neither is possible.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1; fi
}

# apt_install [--with-recommends] PACKAGE...: installs Debian packages quietly, without their
# recommended packages unless asked (podman wants its own).
apt_install() {
  local recommends=--no-install-recommends
  if [ "$1" = --with-recommends ]; then recommends=; shift; fi
  as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${recommends:+"$recommends"} "$@" >/dev/null
}

# need_node: Node.js and npm, from Debian when missing.
need_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "installing Node.js and npm from Debian"
    apt_install nodejs npm || give_up "cannot install nodejs and npm (needs root or sudo)"
  fi
}

# need_chromium: Debian's chromium at $CHROMIUM (default /usr/bin/chromium), exported for the specs.
need_chromium() {
  CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
  export CHROMIUM
  if [ ! -x "$CHROMIUM" ]; then
    say "installing Debian's chromium"
    apt_install chromium || give_up "cannot install chromium (needs root or sudo)"
  fi
}

# node_at_least MAJOR MINOR: true when the node on the PATH is that version or later.
node_at_least() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number);
    const [x, y] = process.argv.slice(1).map(Number);
    process.exit(a > x || (a === x && b >= y) ? 0 : 1)' "$1" "$2"
}

# npm_ci_needed PACKAGE...: true when node_modules (in the current directory) lacks one of the
# packages or is older than package-lock.json.
npm_ci_needed() {
  local package
  for package in "$@"; do
    [ -f "node_modules/$package/package.json" ] || return 0
  done
  [ package-lock.json -nt node_modules/.package-lock.json ]
}

# stale FILE [PATH...]: true when FILE is missing or a file under the paths (relative to the
# repository; default: what the application is built from) is newer. The Dockerfiles do not count.
stale() {
  local file
  file=$(realpath -m -- "$1")
  shift
  local paths=("$@")
  [ ${#paths[@]} -gt 0 ] || paths=(src/main src/embedded pom.xml)
  [ ! -e "$file" ] || [ -n "$(cd "$repo" && find "${paths[@]}" -newer "$file" -type f ! -path 'src/main/docker/*' -print -quit)" ]
}

# need_default_jar: sets default_jar to the default build's jar (the embedded default), packaged
# first when it is missing or older than the sources.
need_default_jar() {
  default_jar="$repo/target/quarkus-app/quarkus-run.jar"
  if stale "$default_jar"; then
    say "building the jar"
    (cd "$repo" && ./mvnw -B --no-transfer-progress -q package -DskipTests) || give_up "the build failed"
  fi
}
