#!/usr/bin/env bash
# The benchmarks of BENCHMARKS.md. Needs only Java 17 (the Maven wrapper fetches the rest).
#
#   bench/run.sh                 service benchmark, full run (~6 min): bench/results/latest.json
#   bench/run.sh --smoke         a few iterations of everything (< 2 min): target/bench/smoke.json
#   bench/run.sh --jmh [ARGS]    JMH micro-benchmarks; ARGS go to JMH (e.g. -f 1 -wi 3 -i 5 Presign)
#   bench/run.sh --jfr           full run with a JFR recording of the service: target/bench/service.jfr
#   bench/run.sh --profile[=EVENT]  with async-profiler (from Maven Central) as the service's agent:
#                                target/bench/service-EVENT.collapsed (EVENT: itimer (default), wall, alloc)
#   bench/run.sh --phases=initiate,complete,small,throughput   only these parts (default: all)
#   bench/run.sh --scale=N       the reads of one organization with N files and N uploads, seeded in
#                                SQL (issue 18): bench/results/scale-N.json; with --scale-data=DIR the
#                                database lives in DIR and is seeded only once (later runs reuse it)
#
# Builds what is missing or stale: the packaged application (target/quarkus-app) and the
# benchmark classes (target/bench-classes, profile -Pbench). Never part of ./mvnw verify.
# The service's JVM options are the JVM image's (Dockerfile.jvm); others: BENCH_SERVICE_JVM="-Xmx256m ..."
set -euo pipefail
cd "$(dirname "$0")/.."

mode=service
main=dev.filesapi.bench.ServiceBench
args=()
jfr=false
profile=
for arg in "$@"; do
  case "$arg" in
    --jmh) mode=jmh ;;
    --jfr) jfr=true ;;
    --profile) profile=itimer ;;
    --profile=*) profile="${arg#--profile=}" ;;
    --scale=*) main=dev.filesapi.bench.ScaleBench; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

mvn=(./mvnw -B -q --no-transfer-progress)
jar=target/quarkus-app/quarkus-run.jar
stale() { # true when any file under src/main or the pom is newer than $1
  [ ! -e "$1" ] || [ -n "$(find src/main src/embedded pom.xml -newer "$1" -type f -print -quit)" ]
}
if [ "$mode" = service ] && stale "$jar"; then
  echo "[bench] packaging the application"
  "${mvn[@]}" -Pbench package -DskipTests
fi
if [ ! -e target/bench-classpath-jmh.txt ] || stale target/bench-classpath-jmh.txt || [ ! -e target/bench-classes/META-INF/BenchmarkList ] \
    || [ -n "$(find src/bench -newer target/bench-classes/META-INF/BenchmarkList -type f -print -quit)" ]; then
  echo "[bench] compiling the benchmarks"
  "${mvn[@]}" -Pbench process-classes
fi
cp="target/bench-classes:target/classes:$(cat target/bench-classpath.txt):$(cat target/bench-classpath-jmh.txt)"

if [ "$mode" = jmh ]; then
  mkdir -p target/bench
  exec java -cp "$cp" org.openjdk.jmh.Main -rf json -rff target/bench/jmh.json "${args[@]}"
fi

# By default the service runs with the JVM image's memory options (src/main/docker/Dockerfile.jvm),
# so the RSS measured is that of what ships; BENCH_SERVICE_JVM replaces them.
image_jvm=$(sed -n 's/^ENV JAVA_OPTS_APPEND="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm | tr ' ' '\n' | grep '^-X' | tr '\n' ' ')
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-$(sed -n 's/^ENV MALLOC_ARENA_MAX=//p' src/main/docker/Dockerfile.jvm)}"
service_jvm=()
for opt in ${BENCH_SERVICE_JVM-$image_jvm}; do service_jvm+=("--service-jvm=$opt"); done
if [ "$jfr" = true ]; then
  mkdir -p target/bench
  service_jvm+=("--service-jvm=-XX:StartFlightRecording=filename=$PWD/target/bench/service.jfr,settings=profile")
fi
if [ -n "$profile" ]; then
  # async-profiler's Linux x64 build, as Maven Central serves it (the jar holds the agent library).
  ap_version=3.0
  ap_jar="$HOME/.m2/repository/tools/profiler/async-profiler/$ap_version/async-profiler-$ap_version-linux-x64.jar"
  [ -e "$ap_jar" ] || "${mvn[@]}" dependency:get -Dtransitive=false \
    "-Dartifact=tools.profiler:async-profiler:$ap_version:jar:linux-x64"
  mkdir -p target/bench/async-profiler
  (cd target/bench/async-profiler && jar xf "$ap_jar" linux-x64/libasyncProfiler.so)
  service_jvm+=("--service-jvm=-agentpath:$PWD/target/bench/async-profiler/linux-x64/libasyncProfiler.so=start,event=$profile,interval=1ms,threads,collapsed,file=$PWD/target/bench/service-$profile.collapsed")
fi
exec java -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$cp" "$main" ${args[@]+"${args[@]}"} ${service_jvm[@]+"${service_jvm[@]}"} \
  "--image-jvm=$image_jvm"
