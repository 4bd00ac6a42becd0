#!/bin/bash
# latp.sh publisher rounds peers... : LatencyBenchmark per peer (bench jar as built), alternated
pub=$1; rounds=$2; shift 2
for r in $(seq $rounds); do for p in "$@"; do
  java -cp /work/main/bench/target/benchmarks.jar org.openjdk.jmh.Main LatencyBenchmark -p publisher=$pub -p peer=$p -p warmupMs=3000 -p measureMs=5000 -p verbose=true -i 1 -f 1 -wf 1 2>&1 > /tmp/latp.out
  pct() { grep -E "^\s+[0-9.]+\s+$1" /tmp/latp.out | tail -1 | awk '{print $1}'; }
  echo "[$p] $pub p50=$(pct 0.5000) p90=$(pct 0.9000) p99=$(pct 0.990625) p999=$(grep -E "p999Us:" /tmp/latp.out | grep -v Secondary | tail -1 | awk "{print \$2}") lost=$(grep -E "lost:" /tmp/latp.out | grep -v Secondary | tail -1 | awk "{print \$2}")"
done; done
