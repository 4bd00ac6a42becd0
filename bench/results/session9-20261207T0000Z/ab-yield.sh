#!/usr/bin/env bash
# alternates ringcast latency (parking publisher) with yieldNanos 0 and $1, $2 rounds
for r in $(seq $2); do for y in 0 $1; do
  java -jar /work/tmp23/bench-yield.jar io.ringcast.bench.LatencyBenchmark -p peer=ringcast -p publisher=${3:-park} -p warmupMs=3000 -p measureMs=10000 -f 1 -wf 1 -jvmArgsAppend "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -Dringcast.experiment.yieldNanos=$y" -rf json -rff /work/tmp23/y-$y-$r.json > /work/tmp23/y-$y-$r.log 2>&1
  printf "round %s yield %7s: " $r $y; grep -E 'latency:p(50|99|999)Us ' /work/tmp23/y-$y-$r.log | awk '{printf "%s=%s ", $1, $(NF-1)}' | sed 's/LatencyBenchmark.latency://g'; echo
done; done
