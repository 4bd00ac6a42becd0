#!/bin/bash
# sat.sh subs topics secs rounds peers...
subs=$1; topics=$2; secs=$3; rounds=$4; shift 4
for r in $(seq $rounds); do for p in "$@"; do
 echo "== $p"
 java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -cp /work/main/bench/target/benchmarks.jar io.ringcast.bench.harness.Probe $p $subs $topics 0 $secs 2>&1 | grep -v "^ringcast:\|^submission\|^disruptor" | tail -n $((secs/2)) | sed 's/offered=[0-9]* (\([0-9]*\) ev\/s)/\1ev\/s/; s/delivered=[0-9]* //; s/peerDrops=[0-9]* //; s/alloc=[0-9.]* B\/delivery//; s/cpu://'
done; done
