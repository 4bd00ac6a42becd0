#!/usr/bin/env bash
# What the journal costs the engine: Ringcast with the journal on (as the server runs by default) against Ringcast
# in memory only, on the engine suite's workloads (broadcast to 1, 16 and 256 subscribers; routing over 10,000), in
# paired rounds: each JMH invocation runs both peers on one workload, and the order of the two alternates from round
# to round. Prints each round's ratio and the median (io.ringcast.bench.report.JournalOverhead).
#
#   bench/journal-overhead.sh                 # 3 rounds, about 12 minutes on 2 cores
#   bench/journal-overhead.sh --rounds 5
#   bench/journal-overhead.sh --no-build      # reuse bench/target/benchmarks.jar (or the jar JAR= names)
#   bench/journal-overhead.sh --only b1,routing
#   bench/journal-overhead.sh --peers ringcast-journal,ringcast-chronicle,ringcast-follower
#                                             # the journal's stand-ins beside it: Chronicle Queue as the follower,
#                                             # and a follower that writes nothing (the mechanism's own cost)
#
# Output: bench/results/journal-overhead-<UTC timestamp>/{machine.txt,round-N-<workload>.json,.log,summary.md}
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3; build=1; only="b1,b16,b256,routing"; others="ringcast-journal"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --no-build) build=0 ;;
    --only) only="$2"; shift ;;
    --peers) others="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
JAVA="${JAVA:-java}"
out="bench/results/journal-overhead-$(date -u +%Y%m%dT%H%MZ)"
mkdir -p "$out"
if [ "$build" = 1 ]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
JAR="${JAR:-bench/target/benchmarks.jar}"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "nproc: $(nproc)"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "load before: $(cat /proc/loadavg)"
} > "$out/machine.txt"
cat "$out/machine.txt"

RUN="-wi 1 -i 3 -f 1 -p stepMs=500"
# Chronicle Queue needs the JDK's internals opened (bench/journal-peers.options); the forks' own options come first
JVM_ARGS=(-jvmArgsAppend "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g")
case ",$others," in
  *,ringcast-chronicle,*) JVM_ARGS=(-jvmArgsAppend "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g \
$(tr '\n' ' ' < bench/journal-peers.options)") ;;
esac
for r in $(seq 1 "$rounds"); do
  # the order alternates: memory only first in odd rounds, last in even ones
  if [ $((r % 2)) = 1 ]; then peers="ringcast,$others"; else peers="$others,ringcast"; fi
  for w in ${only//,/ }; do
    case "$w" in
      b1) args="BroadcastBenchmark -p subscribers=1" ;;
      b16) args="BroadcastBenchmark -p subscribers=16" ;;
      b256) args="BroadcastBenchmark -p subscribers=256" ;;
      routing) args="RoutingBenchmark" ;;
    esac
    echo "== round $r $w ($peers) $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2086
    "$JAVA" -jar "$JAR" $args -p peer="$peers" $RUN "${JVM_ARGS[@]}" -rf json -rff "$out/round-$r-$w.json" > "$out/round-$r-$w.log" 2>&1 \
      || echo "   FAILED, see $out/round-$r-$w.log" >&2
  done
done
echo "load after: $(cat /proc/loadavg)" >> "$out/machine.txt"
"$JAVA" -cp "$JAR" io.ringcast.bench.report.JournalOverhead "$out"/round-*.json | tee "$out/summary.md"
echo "results: $out"
