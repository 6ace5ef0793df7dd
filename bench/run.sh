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
#   bench/run.sh --startup[=N]   start, warm-up and footprint (issue 20): N starts (default 3) of the jar
#                                with the image's JDK and options and its AOT cache (trained first when
#                                missing or older than the jar): bench/results/startup-latest.json;
#                                with --smoke one short start: target/bench/startup-smoke.json
#   bench/run.sh --train-aot     only the AOT training run: target/quarkus-app/app.aot
#   bench/run.sh --aot-kit       the training harness for the JVM image's training stage: target/aot-kit
#   bench/run.sh --scale=N       the reads of one organization with N files and N uploads, seeded in
#                                SQL (issue 18): bench/results/scale-N.json; with --scale-data=DIR the
#                                database lives in DIR and is seeded only once (later runs reuse it)
#
# Builds what is missing or stale: the packaged application (target/quarkus-app) and the
# benchmark classes (target/bench-classes, profile -Pbench). Never part of ./mvnw verify.
# The service's JVM options are the JVM image's (Dockerfile.jvm); others: BENCH_SERVICE_JVM="-Xmx256m ..."
set -euo pipefail
check_name=bench
. "$(dirname "$0")/../checks/lib.sh"
cd "$repo"

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
    --startup|--startup=*) mode=startup; main=dev.filesapi.bench.StartupBench; args+=("$arg") ;;
    --train-aot) mode=train ;;
    --aot-kit) mode=kit ;;
    *) args+=("$arg") ;;
  esac
done

mvn=(./mvnw -B -q --no-transfer-progress)
jar=target/quarkus-app/quarkus-run.jar
if [ "$mode" != jmh ] && [ "$mode" != kit ] && stale "$jar"; then
  say "packaging the application"
  "${mvn[@]}" -Pbench package -DskipTests
fi
if stale target/bench-classpath-jmh.txt || stale target/bench-classes/META-INF/BenchmarkList src/bench; then
  say "compiling the benchmarks"
  "${mvn[@]}" -Pbench process-classes
fi
cp="target/bench-classes:target/classes:$(cat target/bench-classpath.txt):$(cat target/bench-classpath-jmh.txt)"

if [ "$mode" = jmh ]; then
  mkdir -p target/bench
  exec java -cp "$cp" org.openjdk.jmh.Main -rf json -rff target/bench/jmh.json "${args[@]}"
fi

# By default the service runs with the JVM image's memory options (src/main/docker/Dockerfile.jvm),
# so the RSS measured is that of what ships; BENCH_SERVICE_JVM replaces them.
image_jvm=$(sed -n 's/^ARG JVM_OPTIONS="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm)
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
if [ "$mode" = kit ]; then
  # What the image's training stage runs: the harness (src/bench), the embedded PostgreSQL and
  # S3Proxy (src/embedded) and their libraries, apart from the packaged application.
  rm -rf target/aot-kit
  mkdir -p target/aot-kit/classes target/aot-kit/lib
  cp -r target/bench-classes/. target/classes/. target/aot-kit/classes/
  # (the file has no final newline: without "|| [ -n ]" read would drop the last jar)
  tr ':' '\n' < target/bench-classpath.txt | while read -r j || [ -n "$j" ]; do
    if [ -f "$j" ]; then cp "$j" target/aot-kit/lib/; fi
  done
  say "target/aot-kit: $(du -sh target/aot-kit | cut -f1)"
  exit 0
fi

if [ "$mode" = startup ] || [ "$mode" = train ]; then
  # The image's JDK (25, for its AOT cache) when this machine has it; BENCH_SERVICE_JAVA overrides.
  service_java="${BENCH_SERVICE_JAVA:-}"
  if [ -z "$service_java" ]; then
    for candidate in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "$(command -v java)"; do
      [ -x "$candidate" ] && { service_java=$candidate; break; }
    done
  fi
  feature=$("$service_java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  harness=(java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp" dev.filesapi.bench.StartupBench
    "--service-java=$service_java")
  for opt in ${BENCH_SERVICE_JVM-$image_jvm}; do harness+=("--service-jvm=$opt"); done
  cache="$PWD/target/quarkus-app/app.aot"
  if [ "${feature:-0}" -ge 25 ] && [ -z "${BENCH_SERVICE_JVM+set}" ]; then
    if [ "$mode" = train ] || [ ! -s "$cache" ] || [ -n "$(find target/quarkus-app -newer "$cache" -type f ! -name app.aot -print -quit)" ]; then
      say "AOT training run with $service_java"
      "${harness[@]}" "--train=$cache"
    fi
    [ "$mode" = train ] && exit 0
    harness+=("--service-jvm=-XX:AOTCache=$cache")
  elif [ "$mode" = train ]; then
    give_up "an AOT cache needs JDK 25 or later; $service_java is $feature"
  else
    say "$service_java (Java $feature): no AOT cache"
  fi
  exec "${harness[@]}" ${args[@]+"${args[@]}"}
fi

exec java -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$cp" "$main" ${args[@]+"${args[@]}"} ${service_jvm[@]+"${service_jvm[@]}"} \
  "--image-jvm=$image_jvm"
