#!/usr/bin/env bash
# Issue 35, deliverable 3: `files upload` side by side with `aws s3 cp` and `rclone copyto` on one
# machine and one S3Proxy. S3Proxy 2.6.0 runs as its own process (stock org.gaul.s3proxy.Main from
# the packaged service's lib/, jclouds filesystem store in a temporary directory); the packaged
# service (embedded PostgreSQL, default 8 MiB parts) uses it as its bucket; aws and rclone write
# straight to the same bucket. Each command is timed whole (its start included), rounds
# interleaved; every object is deleted after its round.
#
#   ./mvnw -B -q package -DskipTests && ./mvnw -B -q -f cli/pom.xml package -DskipTests
#   apt-get install -y awscli rclone
#   cli/bench/compare.sh [SIZE…]        # sizes for head -c, default 1G; ROUNDS=2
# With SOURCE_CLIENT_DIR (a checkout of archetypeai/python-client, not part of this repository),
# the source API's Python client's direct_upload runs too (cli/bench/source-client-direct.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
unset AWS_CA_BUNDLE # rclone 1.60 cannot load a CA bundle into its transport; the store is http
root=$PWD
sizes=("${@:-1G}")
rounds=${ROUNDS:-2}
aws=${AWS:-/usr/bin/aws}
work=$(mktemp -d /tmp/files-cli-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

s3port=$(free_port)
access=bench-access-key
secret=bench-secret-key
mkdir -p "$work/objects/files"
cat > "$work/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$access
s3proxy.credential=$secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/objects
jclouds.identity=local
jclouds.credential=local
CONF
java -cp "$root/target/quarkus-app/lib/main/*" org.gaul.s3proxy.Main --properties "$work/s3proxy.conf" \
  > "$work/s3proxy.log" 2>&1 &
pids+=($!)

mkdir -p "$work/service"
(
  cd "$work/service"
  export QUARKUS_HTTP_PORT=0 FILES_STORAGE_BUCKET=files
  export QUARKUS_S3_ENDPOINT_OVERRIDE=http://127.0.0.1:$s3port QUARKUS_S3_PATH_STYLE_ACCESS=true
  export QUARKUS_S3_AWS_CREDENTIALS_TYPE=static
  export QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID=$access
  export QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY=$secret
  exec java -jar "$root/target/quarkus-app/quarkus-run.jar" > service.log 2>&1
) &
pids+=($!)
for _ in $(seq 1 600); do
  port=$(grep -o 'Listening on: http://[^ ]*' "$work/service/service.log" 2>/dev/null | sed 's/.*://' || true)
  [ -n "$port" ] && [ -f "$work/service/.files-api/api-key" ] && break
  sleep 0.5
done
[ -n "${port:-}" ] || { echo "the service did not start"; tail -50 "$work/service/service.log"; exit 1; }

export FILES_API_URL=http://127.0.0.1:$port/v1 FILES_API_KEY=$(cat "$work/service/.files-api/api-key")
export AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret AWS_DEFAULT_REGION=us-east-1
touch "$work/rclone.conf"
export RCLONE_CONFIG=$work/rclone.conf RCLONE_CONFIG_S3P_TYPE=s3 RCLONE_CONFIG_S3P_PROVIDER=Other
export RCLONE_CONFIG_S3P_ENDPOINT=http://127.0.0.1:$s3port
export RCLONE_CONFIG_S3P_ACCESS_KEY_ID=$access RCLONE_CONFIG_S3P_SECRET_ACCESS_KEY=$secret
endpoint=http://127.0.0.1:$s3port

if [ -n "${KEEP:-}" ]; then
  trap - EXIT
  declare -p FILES_API_URL FILES_API_KEY AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY endpoint > "$KEEP"
  echo "pids ${pids[*]} work $work"
  exit 0
fi
echo "# $(date -u +%FT%TZ) $(nproc) cores; $("$aws" --version 2>&1 | cut -d' ' -f1); $(rclone version | head -1); files $("$root/cli/bin/files" --version | cut -d' ' -f2)"
printf '%-8s %-28s %6s %9s %10s  %s\n' size tool round seconds MiB/s "load average"
timed() { # label size round command…
  local label=$1 size=$2 round=$3; shift 3
  local start end
  start=$(date +%s.%N)
  "$@" > "$work/out.log" 2>&1 || { echo "$label failed:"; cat "$work/out.log"; exit 1; }
  end=$(date +%s.%N)
  python3 - "$label" "$size" "$round" "$start" "$end" "$bytes" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import sys
label, size, rnd, start, end, n, load = sys.argv[1:]
s = float(end) - float(start)
print(f"{size:<8} {label:<28} {rnd:>6} {s:9.1f} {int(n) / s / 1048576:10.1f}  {load}")
PY
}

for size in "${sizes[@]}"; do
  head -c "$size" /dev/urandom > "$work/file.bin"
  bytes=$(stat -c %s "$work/file.bin")
  for round in $(seq 1 "$rounds"); do
    timed "files upload (8 parallel)" "$size" "$round" \
      "$root/cli/bin/files" upload "$work/file.bin" --name "files-$round" --quiet --no-resume
    "$root/cli/bin/files" rm "files-$round" --quiet
    timed "aws s3 cp (defaults: 10)" "$size" "$round" \
      "$aws" s3 cp "$work/file.bin" "s3://files/aws-$round" --endpoint-url "$endpoint" --only-show-errors
    "$aws" s3 rm "s3://files/aws-$round" --endpoint-url "$endpoint" --only-show-errors
    timed "rclone copyto (defaults: 4)" "$size" "$round" \
      rclone copyto "$work/file.bin" "s3p:files/rclone-$round"
    rclone deletefile "s3p:files/rclone-$round"
    timed "rclone copyto (8, 8M chunks)" "$size" "$round" \
      rclone copyto --s3-upload-concurrency 8 --s3-chunk-size 8M "$work/file.bin" "s3p:files/rclone8-$round"
    rclone deletefile "s3p:files/rclone8-$round"
    if [ -n "${SOURCE_CLIENT_DIR:-}" ]; then
      # The file's name is its file_id for the client; one name per round.
      cp "$work/file.bin" "$work/client-$round.bin"
      timed "source client (8 parallel)" "$size" "$round" \
        python3 "$root/cli/bench/source-client-direct.py" "$FILES_API_KEY" "$FILES_API_URL" \
        "$work/client-$round.bin"
      "$root/cli/bin/files" rm "client-$round.bin" --quiet
      rm -f "$work/client-$round.bin"
    fi
  done
  rm -f "$work/file.bin"
done
