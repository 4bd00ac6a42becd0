#!/bin/bash
# ab2.sh rounds peer "optsA" "optsB" : Probe routing alternating two JVM option sets
rounds=$1; peer=$2; A=$3; B=$4
for r in $(seq $rounds); do for o in "$A" "$B"; do
  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g $o -cp /work/main/bench/target/benchmarks.jar io.ringcast.bench.harness.Probe $peer 10000 10000 0 6 2>&1 | tail -n 3 > /tmp/ab2.$$
  python3 /work/tmp31/parse.py "$peer[${o:-default}]" "$r" < /tmp/ab2.$$
done; done
