#!/bin/bash
# usage: probe.sh <jar> <label> <peer> <subs> <topics> <rate> <secs>
jar=$1; label=$2; shift 2
echo "== $label $* $(date -u +%H:%M:%S)"
java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -cp $jar io.ringcast.bench.harness.Probe "$@" 2>&1 | tail -n +2
