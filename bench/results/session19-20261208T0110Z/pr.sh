#!/bin/bash
# pr.sh rounds subs secs variants(ns,ns,...) : Probe ringcast saturated, alternated over overloadParkNs values
rounds=$1; subs=$2; secs=$3; IFS=, read -ra vs <<< "$4"
for r in $(seq $rounds); do for v in "${vs[@]}"; do
  out=$(java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -Dringcast.overloadParkNs=$v -cp /work/main/bench/target/benchmarks.jar io.ringcast.bench.harness.Probe ringcast $subs 1 0 $secs 2>&1)
  echo "== r$r park=$v $(date -u +%T)"; echo "$out" | tail -n $((secs/2))
done; done
