#!/usr/bin/env bash
# What the journal costs the engine: Ringcast with the journal on (as the server runs by default) against Ringcast
# in memory only, on the engine suite's workloads (broadcast to 1, 16 and 256 subscribers; routing over 10,000), in
# paired rounds: each JMH invocation runs both peers on one workload, and the order of the two alternates from round
# to round. Prints each round's ratio and the median (io.ringcast.bench.report.JournalOverhead).
#
#   bench/journal-overhead.sh                 # 3 rounds, about 12 minutes on 2 cores
#   bench/journal-overhead.sh --rounds 5
#   bench/journal-overhead.sh --no-build      # reuse bench/target/benchmarks.jar
#
# Output: bench/results/journal-overhead-<UTC timestamp>/{machine.txt,round-N-<workload>.json,.log,summary.md}
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3; build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
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
JAR=bench/target/benchmarks.jar
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "nproc: $(nproc)"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "load before: $(cat /proc/loadavg)"
} > "$out/machine.txt"
cat "$out/machine.txt"

RUN="-wi 1 -i 3 -f 1 -p stepMs=500"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then peers="ringcast,ringcast-journal"; else peers="ringcast-journal,ringcast"; fi
  for w in b1 b16 b256 routing; do
    case "$w" in
      b1) args="BroadcastBenchmark -p subscribers=1" ;;
      b16) args="BroadcastBenchmark -p subscribers=16" ;;
      b256) args="BroadcastBenchmark -p subscribers=256" ;;
      routing) args="RoutingBenchmark" ;;
    esac
    echo "== round $r $w ($peers) $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2086
    "$JAVA" -jar "$JAR" $args -p peer="$peers" $RUN -rf json -rff "$out/round-$r-$w.json" > "$out/round-$r-$w.log" 2>&1 \
      || echo "   FAILED, see $out/round-$r-$w.log" >&2
  done
done
echo "load after: $(cat /proc/loadavg)" >> "$out/machine.txt"
for r in $(seq 1 "$rounds"); do
  # one JSON array per round: the report pairs the two peers within a file
  merged="$out/round-$r.json"
  { echo "["; first=1
    for f in "$out"/round-"$r"-*.json; do
      body=$(sed -e '1s/^\[//' -e '$s/\]$//' "$f")
      [ -n "$(echo "$body" | tr -d '[:space:]')" ] || continue
      [ $first = 1 ] || echo ","
      echo "$body"; first=0
    done
    echo "]"; } > "$merged"
done
# shellcheck disable=SC2046
"$JAVA" -cp "$JAR" io.ringcast.bench.report.JournalOverhead $(ls "$out"/round-*.json | grep -E '/round-[0-9]+\.json$') \
  | tee "$out/summary.md"
echo "results: $out"
