#!/bin/bash
# usage: probe.sh <round>; alternates base ringcast, new ringcast, minimal (new jar) per workload
cd /work/tmp-wt-e13
for w in "1 1" "16 1" "256 1" "10000 10000"; do
  for v in "base.jar ringcast" "new.jar ringcast" "new.jar disruptor-minimal"; do
    set -- $v; jar=$1; peer=$2
    echo "## $w $jar $peer $(date -u +%T) load=$(cut -d' ' -f1 /proc/loadavg)"
    java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -cp $jar io.ringcast.bench.harness.Probe $peer $w 0 5 2>&1 | grep saturated | tail -4
  done
done
