#!/usr/bin/env bash
# Builds bench/target/benchmarks.jar and runs Ringcast's benchmark suite against its peers, writing JMH JSON
# (-rf json) per workload into an output directory and printing a Markdown summary (each peer's figures and
# Ringcast's ratio to it, then the goals).
#
#   bench/run.sh            # quick profile, about 20 minutes on a 2-core machine
#   bench/run.sh --full     # longer steps, more iterations and two forks: for real hardware (about 1 hour)
#   bench/run.sh --only broadcast,latency   # a subset: broadcast routing latency producers publish-drain sse
#   bench/run.sh --rounds 3 # broadcast, routing and latency (the goals' workloads) 3 times over, each round running
#                           # every peer once: a host whose speed swings between minutes then spreads each peer's
#                           # searches over the run's phases; the summary pools the rounds (medians of all searches)
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/run.sh   # another JVM
#
# Output: bench/results/<UTC timestamp>/{machine.txt,<workload>.json,<workload>.log,summary.md}; rounds after the
# first write <workload>-r<N>.json and .log
set -euo pipefail
cd "$(dirname "$0")/.."

profile=quick
only=""
out=""
rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) profile=quick ;;
    --full) profile=full ;;
    --only) only="$2"; shift ;;
    --out) out="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$rounds" in [1-9]) ;; *) echo "--rounds must be 1 to 9, got '$rounds'" >&2; exit 2 ;; esac
JAVA="${JAVA:-java}"
out="${out:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"

echo "== building bench/target/benchmarks.jar"
mvn -B -q -pl bench -am package -DskipTests
JAR=bench/target/benchmarks.jar

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "profile: $profile"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "java: $("$JAVA" -version 2>&1 | tr '\n' ' ')"
  echo "load before: $(cat /proc/loadavg)"
} > "$out/machine.txt"
cat "$out/machine.txt"

# The latency runs start each peer's measured fork after a warm-up fork of the same peer (-wf 1): on 2 cores the first
# fork of a JMH invocation runs beside the JMH host JVM's own start-up, and its p99.9 came out 3-5x that of the same
# peer measured later in the invocation (bench/results/NOTES-2026-12-06.md, "Eighth session"), a penalty that always
# fell on the first peer listed.
# Broadcast and routing warm up with two searches, each with its saturated step: after one, Ringcast's first measured
# routing search was below its others in most suites, and with two its routing median was 5.10M against 3.58M
# deliveries/s (18 searches each, six alternated pairs, 18:38-18:45 UTC 2026-12-07) while the blocking minimal
# design's did not move (5.88M against 6.58M, 3 pairs of 6 each way) (bench/results/NOTES-2026-12-06.md, "Sixteenth
# session").
if [ "$profile" = quick ]; then
  STEP=400; TPUT="-wi 2 -i 3 -f 1"; HEAD="-wi 2 -i 5 -f 1"; ONE="-wi 1 -i 2 -f 1"
  LAT="-p warmupMs=3000 -p measureMs=10000 -f 1 -wf 1"; SSE="-wi 2 -w 1 -i 5 -r 1 -f 1"
else
  STEP=1000; TPUT="-wi 2 -i 5 -f 2"; HEAD="-wi 2 -i 5 -f 2"; ONE="-wi 2 -i 5 -f 2"
  LAT="-p warmupMs=5000 -p measureMs=10000 -i 3 -f 2 -wf 1"; SSE="-wi 5 -w 1 -i 10 -r 1 -f 2"
fi
PEERS5="ringcast,submission-publisher,sharing-bus,reactor,disruptor-minimal"

wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

jmh() {
  local name="$1"; shift
  echo "== $name: $*"
  if ! "$JAVA" -jar "$JAR" "$@" -rf json -rff "$out/$name.json" > "$out/$name.log" 2>&1; then
    echo "   FAILED, see $out/$name.log" >&2
  fi
  echo "   $(grep -cE '^# Run complete' "$out/$name.log" || true) run(s) complete, $(grep -c '<failure>' "$out/$name.log" || true) failure(s); log: $out/$name.log"
}

for round in $(seq "$rounds"); do
  r=""; [ "$round" = 1 ] || r="-r$round"
  [ "$rounds" = 1 ] || echo "== round $round of $rounds"
  if wanted broadcast; then
    jmh broadcast-16$r 'io.ringcast.bench.BroadcastBenchmark' -p subscribers=16 -p stepMs=$STEP $HEAD -prof gc
    jmh broadcast-1-256$r 'io.ringcast.bench.BroadcastBenchmark' -p subscribers=1,256 -p stepMs=$STEP $TPUT -prof gc
  fi
  if wanted routing; then
    jmh routing$r 'io.ringcast.bench.RoutingBenchmark' -p stepMs=$STEP $TPUT -prof gc
  fi
  if wanted latency; then
    jmh latency$r 'io.ringcast.bench.LatencyBenchmark' $LAT
  fi
done
if wanted producers; then
  jmh producers-1 'io.ringcast.bench.ProducersBenchmark' -p producers=1 -p stepMs=$STEP $ONE
  jmh producers-2 'io.ringcast.bench.ProducersBenchmark' -p producers=2 -p peer=$PEERS5 -p stepMs=$STEP $ONE
fi
if wanted publish-drain; then
  jmh publish-drain 'io.ringcast.bench.PublishDrainBenchmark' -p stepMs=$STEP $ONE -prof gc
fi
if wanted sse; then
  jmh sse 'io.ringcast.bench.SseFrameBenchmark' $SSE -prof gc
fi

echo "load after: $(cat /proc/loadavg)" >> "$out/machine.txt"
echo
"$JAVA" -cp "$JAR" io.ringcast.bench.report.Summary "$out"/*.json | tee "$out/summary.md"
echo
echo "results: $out"
