#!/usr/bin/env bash
# Builds the JVM image (Dockerfile.jvm, with its AOT training stage) and checks it running as the
# Helm chart runs it (helm/files-api/values.yaml): the chart's user id, a read-only root file
# system with /tmp on tmpfs, every capability dropped, no new privileges, memory limited to the
# chart's request; against a PostgreSQL (Debian's binaries, free port) and an S3Proxy on the host.
# Prints "N passed, N failed" and the figures (BENCHMARKS.md, Container); exits non-zero on a
# failure.
#
#   checks/container/run.sh                      build what is missing or stale, then every group
#   checks/container/run.sh --groups=api,shutdown  only these groups (api, big, shutdown, memory,
#                                                 cpu, streaming); default: all
#   checks/container/run.sh --build-only         only the jar, the base image and the image
#   checks/container/run.sh --memory=256m        run the image with this limit instead of the chart's
#   checks/container/run.sh --load-seconds=60    the steady load's length (memory group)
#   checks/container/run.sh --java-tool-options="-XX:MaxRAMPercentage=75.0 -Xss512k"
#                                                 JAVA_TOOL_OPTIONS instead of the chart's javaToolOptions
#
# Groups: api (lifecycle, simple and base64 uploads, listing, download, delete, a webhook
# delivered to a receiver on the host), big (a 2 GiB upload through presigned parts), shutdown
# (SIGTERM while clients send on keep-alive connections), memory (initiate, PUT, complete at
# c = 8; cgroup peak and anonymous memory), cpu (with memory: the same load against the bare jar on
# the host, for the CPU per round trip), streaming (issue 25 item 5: a 512 MB simple upload, a
# 683 MB base64 upload, a 524 MB form refused with 413, the container alive afterwards).
#
# Environment: CONTAINER_ENGINE=podman|docker (default: docker when its engine answers, else
# podman, always with runc); JAVA25_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64) for the
# local base image; BASE_IMAGE to use a given base image instead; IMAGE (default
# localhost/files-api:jvm-check).
#
# The base image: eclipse-temurin:25-jre when it can be pulled; otherwise a local one, made once
# and then reused (its tag carries a hash of the recipe below): Debian 12 (debootstrap
# --variant=minbase) with a jlinked Temurin 25 runtime in /opt/java/openjdk, as in the official
# image.
set -euo pipefail
check_name=container-check
check_timestamps=true
. "$(dirname "$0")/../lib.sh"
cd "$repo"

groups="api,big,shutdown,memory,cpu,streaming"
build_only=false
memory=""
load_seconds=60
java_tool_options="unset"
for arg in "$@"; do
  case "$arg" in
    --groups=*) groups="${arg#--groups=}" ;;
    --build-only) build_only=true ;;
    --memory=*) memory="${arg#--memory=}" ;;
    --load-seconds=*) load_seconds="${arg#--load-seconds=}" ;;
    --java-tool-options=*) java_tool_options="${arg#--java-tool-options=}" ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done

t_start=$(date +%s)

# ---- the container engine ----
engine="${CONTAINER_ENGINE:-}"
if [ -z "$engine" ]; then
  if command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
    engine=docker
  else
    engine=podman
  fi
fi
if [ "$engine" = podman ]; then
  if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
    say "installing podman, runc and debootstrap"
    apt_install --with-recommends podman runc debootstrap
  fi
  # The sandboxes these checks run in refuse setrlimit, which the default ulimits need.
  if [ ! -e /etc/containers/containers.conf ]; then
    mkdir -p /etc/containers
    printf '[containers]\ndefault_ulimits = []\n' > /etc/containers/containers.conf
  fi
  # crun fails on hybrid cgroups here; runc works.
  ENGINE=(podman --runtime runc)
else
  ENGINE=(docker)
fi

# ---- the production jar (Dockerfile.jvm copies target/production/quarkus-app) and the kit ----
# The production build has its own build directory, target/production (pom.xml: buildDirectory),
# so the default build's target/quarkus-app (the embedded default) is never replaced; clean
# empties only target/production.
mvn=(./mvnw -B -q --no-transfer-progress)
production=target/production
jar=$production/quarkus-app/quarkus-run.jar
if stale "$jar" || compgen -G "$production/quarkus-app/lib/main/org.gaul.s3proxy*" >/dev/null \
    || compgen -G "$production/quarkus-app/lib/main/io.zonky*" >/dev/null; then
  say "packaging the production jar (./mvnw clean package -DskipTests -Dproduction -DbuildDirectory=$production)"
  "${mvn[@]}" clean package -DskipTests -Dproduction "-DbuildDirectory=$repo/$production"
fi
if stale target/aot-kit/classes src/bench src/embedded || [ "$jar" -nt target/aot-kit/classes ]; then
  say "compiling the benchmark harness and the training kit"
  "${mvn[@]}" -Pbench process-classes
  bench/run.sh --aot-kit
fi

# ---- the base image ----
java25="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# The modules of the runtime: everything the JRE has except the desktop, RMI and tool modules
# (BENCHMARKS.md, Container: what trimming changed). The training harness needs the same set.
modules="${JLINK_MODULES:-java.base,java.compiler,java.datatransfer,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.scripting,java.security.jgss,java.security.sasl,java.rmi,java.sql,java.transaction.xa,java.xml,java.xml.crypto,java.desktop,jdk.charsets,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr,jdk.localedata,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs,jdk.jcmd,jdk.attach}"
base_recipe="bookworm minbase $modules $("$java25/bin/java" -version 2>&1 | tr -d '\n' || true) v1"
base_local="localhost/files-api-base:25-$(printf '%s' "$base_recipe" | sha256sum | cut -c1-12)"
base="${BASE_IMAGE:-}"
if [ -z "$base" ]; then
  if "${ENGINE[@]}" image exists eclipse-temurin:25-jre 2>/dev/null \
      || timeout 60 "${ENGINE[@]}" pull -q docker.io/library/eclipse-temurin:25-jre >/dev/null 2>&1; then
    base=docker.io/library/eclipse-temurin:25-jre
  else
    base="$base_local"
  fi
fi
if [ "$base" = "$base_local" ] && ! "${ENGINE[@]}" image inspect "$base" >/dev/null 2>&1; then
  [ -x "$java25/bin/jlink" ] || give_up "no JDK 25 at $java25 (JAVA25_HOME) for the base image"
  t0=$(date +%s)
  # Debian 12, minbase: made once and kept as its own image, so a new runtime needs no download.
  debian=localhost/files-api-debian:bookworm-minbase
  if ! "${ENGINE[@]}" image inspect "$debian" >/dev/null 2>&1; then
    command -v debootstrap >/dev/null 2>&1 || apt_install --with-recommends debootstrap
    say "making $debian (debootstrap --variant=minbase bookworm; once)"
    rootfs=$(mktemp -d /tmp/files-api-rootfs.XXXXXX)
    mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -1)
    debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" > /tmp/files-api-debootstrap.log 2>&1 \
      || { tail -20 /tmp/files-api-debootstrap.log >&2; rm -rf "$rootfs"; exit 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
      "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
    tar -C "$rootfs" -c . | "${ENGINE[@]}" import --change 'ENV LANG=C.UTF-8' - "$debian" >/dev/null
    rm -rf "$rootfs"
  fi
  say "making the base image $base (jlink from $java25)"
  context=$(mktemp -d /tmp/files-api-base.XXXXXX)
  "$java25/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --output "$context/openjdk"
  printf '%s\n' "FROM $debian" 'COPY openjdk /opt/java/openjdk' 'ENV JAVA_HOME=/opt/java/openjdk' \
    'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' > "$context/Containerfile"
  "${ENGINE[@]}" build --network=host -q -t "$base" -f "$context/Containerfile" "$context" >/dev/null
  rm -rf "$context"
  say "base image made in $(( $(date +%s) - t0 )) s"
fi

# ---- the image ----
image="${IMAGE:-localhost/files-api:jvm-check}"
stamp=target/check/image.stamp
mkdir -p target/check
if ! "${ENGINE[@]}" image inspect "$image" >/dev/null 2>&1 || [ ! -e "$stamp" ] \
    || [ "$jar" -nt "$stamp" ] || [ src/main/docker/Dockerfile.jvm -nt "$stamp" ] \
    || [ "$(cat "$stamp")" != "$base" ]; then
  say "building $image from $base (Dockerfile.jvm, AOT training stage included)"
  t0=$(date +%s)
  "${ENGINE[@]}" build --network=host --build-arg "BASE_IMAGE=$base" -f src/main/docker/Dockerfile.jvm \
    -t "$image" . > target/check/build.log 2>&1 || { tail -40 target/check/build.log >&2; exit 1; }
  echo $(( $(date +%s) - t0 )) > target/check/build-seconds
  echo "$base" > "$stamp"
  say "image built in $(cat target/check/build-seconds) s"
fi
if [ "$build_only" = true ]; then
  exit 0
fi

# ---- the check ----
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_bin" ]; then
  say "installing PostgreSQL (Debian)"
  apt_install --with-recommends postgresql
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
# The chart's settings, as the check runs the image.
values=helm/files-api/values.yaml
chart_uid=$(sed -n 's/^ *runAsUser: *\([0-9]*\).*/\1/p' "$values" | head -1)
chart_memory=$(awk '/^resources:/{r=1} r&&/requests:/{q=1} q&&/memory:/{print $2; exit}' "$values" | tr -d '"')
chart_java_tool_options=$(sed -n 's/^javaToolOptions: *"\(.*\)"$/\1/p' "$values")
[ "$java_tool_options" = unset ] || chart_java_tool_options="$java_tool_options"
chart_shutdown_delay=$(sed -n 's/^ *QUARKUS_SHUTDOWN_DELAY: *//p' "$values")
chart_shutdown_timeout=$(sed -n 's/^ *QUARKUS_SHUTDOWN_TIMEOUT: *//p' "$values")
# The bare jar (the CPU comparison of the memory group): the image's jar, JDK and options on the host.
image_jvm=$(sed -n 's/^ARG JVM_OPTIONS="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm)
# Kubernetes quantities (384Mi) as the engines take them (384m).
engine_quantity() { echo "$1" | sed -e 's/Mi$/m/' -e 's/Gi$/g/' -e 's/Ki$/k/'; }
chart_memory=$(engine_quantity "$chart_memory")
memory=$(engine_quantity "${memory:-$chart_memory}")
cp="target/bench-classes:target/classes:$(cat target/bench-classpath.txt)"
exec java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp" \
  dev.filesapi.bench.ContainerCheck \
  "--engine=${ENGINE[*]}" "--image=$image" "--base=$base" "--uid=$chart_uid" \
  "--memory=$memory" "--chart-memory=$chart_memory" "--groups=$groups" \
  "--load-seconds=$load_seconds" "--pg-bin=$pg_bin" "--script-start=$t_start" \
  "--java-tool-options=$chart_java_tool_options" "--shutdown-delay=$chart_shutdown_delay" \
  "--shutdown-timeout=$chart_shutdown_timeout" "--bare-java=$java25/bin/java" "--jvm-options=$image_jvm" \
  "--jar=$jar"
