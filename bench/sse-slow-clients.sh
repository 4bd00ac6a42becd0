#!/usr/bin/env bash
# The slow-client scenario: 50 clients that never read beside 100 healthy streams, one topic carrying 60 KB events,
# against the server jar with a 512 MB heap. Prints per-second server RSS, unwritten bytes and cut-offs by cause,
# then what the healthy streams lost (nothing) and when the last stalled client was cut off.
#
#   bench/sse-slow-clients.sh [--no-build] [server flags...]    e.g. --write-timeout-ms 5000
# Output: bench/results/sse-slow-clients-<UTC timestamp>.log
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
if [ "${1:-}" = --no-build ]; then build=0; shift; fi
JAVA="${JAVA:-java}"
PORT=18081
log="bench/results/sse-slow-clients-$(date -u +%Y%m%dT%H%MZ).log"
mkdir -p bench/results
if [ "$build" = 1 ]; then mvn -B -q package -DskipTests; fi
"$JAVA" -Xmx512m @server/jvm.options -jar server/target/ringcast-server.jar --port "$PORT" "$@" \
  >/tmp/ringcast-slow-clients-server.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  load: $(cut -d' ' -f1-3 /proc/loadavg)  git: $(git rev-parse --short HEAD)"
  echo "server: -Xmx512m $*"
  "$JAVA" -cp bench/target/benchmarks.jar io.ringcast.bench.load.StalledClients --url "http://127.0.0.1:$PORT" \
    --server-pid "$pid" --healthy 100 --stalled 50 --event-bytes 60000 --rate 20 --duration 40
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$log"
echo "log: $log"
