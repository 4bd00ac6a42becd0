#!/usr/bin/env bash
# The engine's no-GC run: Ringcast as it ships (default ring, history, BLOCKING wait strategy), one publisher at a fixed
# rate, 16 subscribers of one topic drained by one consumer thread (the bench harness's Probe), for a number of
# seconds, with the JVM's GC log on. Passes when the log shows no collection at all (no "Pause" line) and every
# second delivered what was offered; prints each second's figures (CPU per event by thread, bytes allocated per
# delivery across all threads).
#
#   bench/no-gc.sh                         # 1,000,000 events/s x 16 subscribers for 60 s
#   bench/no-gc.sh --rate 500000 --seconds 30 --subscribers 16 --no-build
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/no-gc.sh
#
# Output: bench/results/no-gc-<UTC timestamp>/{probe.txt,gc.txt,machine.txt} (.txt: *.log is ignored by git)
set -euo pipefail
cd "$(dirname "$0")/.."

rate=1000000
seconds=60
subscribers=16
build=1
heap=1g
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --subscribers) subscribers="$2"; shift ;;
    --heap) heap="$2"; shift ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
JAVA="${JAVA:-java}"
out="bench/results/no-gc-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
if [ "$build" = 1 ]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "java: $("$JAVA" -version 2>&1 | tr '\n' ' ')"
  echo "nproc: $(nproc)"
  echo "load before: $(cat /proc/loadavg)"
  echo "command: $JAVA -Xms$heap -Xmx$heap -Xlog:gc*:file=$out/gc.txt ... Probe ringcast $subscribers 1 $rate $seconds"
} > "$out/machine.txt"

"$JAVA" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms"$heap" -Xmx"$heap" -XX:+AlwaysPreTouch \
  -Xlog:gc*:file="$out/gc.txt":uptime,level,tags \
  -cp bench/target/benchmarks.jar io.ringcast.bench.harness.Probe ringcast "$subscribers" 1 "$rate" "$seconds" \
  | tee "$out/probe.txt"
echo "load after: $(cat /proc/loadavg)" >> "$out/machine.txt"

pauses=$(grep -c 'Pause' "$out/gc.txt" || true)
steps=$(grep -c 'offered=' "$out/probe.txt" || true)
failed=$(grep -c -- '-> fail' "$out/probe.txt" || true)
echo
echo "GC pauses in $out/gc.txt: $pauses; seconds: $steps; seconds that lost events: $failed"
grep -h 'garbage-first heap\|region size' "$out/gc.txt" | sed 's/^/heap at exit (everything the JVM allocated since start, no collection): /' || true
cat "$out/machine.txt"
if [ "$pauses" != 0 ] || [ "$steps" != "$seconds" ]; then
  echo "FAILED: the run collected garbage or did not complete (see $out/gc.txt)" >&2
  exit 1
fi
echo "PASSED: no collection in $seconds s at $rate events/s x $subscribers subscribers"
