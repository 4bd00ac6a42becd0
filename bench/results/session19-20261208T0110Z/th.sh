#!/bin/bash
peer=$1; subs=$2; topics=$3
java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g ${JOPTS:-} -cp /work/main/bench/target/benchmarks.jar io.ringcast.bench.harness.Probe $peer $subs $topics 0 10 > /tmp/th.out 2>&1 &
jpid=$!
sleep 4
python3 /work/tmp31/th.py $jpid 4
wait $jpid
grep deliveries /tmp/th.out | tail -5 | sed 's/.*-> //' | cut -c1-150
