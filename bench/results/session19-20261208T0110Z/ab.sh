#!/bin/bash
# ab.sh rounds subs topics secs peers... : Probe saturated, alternated; prints median deliveries/s and thread ns/ev of the last half of steps
rounds=$1; subs=$2; topics=$3; secs=$4; shift 4
for r in $(seq $rounds); do for p in "$@"; do
  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g ${JOPTS:-} -cp /work/main/bench/target/benchmarks.jar io.ringcast.bench.harness.Probe $p $subs $topics 0 $secs 2>&1 | tail -n $((secs/2)) > /tmp/ab.$$ 
  python3 /work/tmp31/parse.py "$p" "$r" < /tmp/ab.$$
done; done
