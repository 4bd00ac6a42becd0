#!/bin/bash
pub=$1; rounds=$2; shift 2
for r in $(seq $rounds); do for p in "$@"; do
java -cp /work/main/bench/target/benchmarks.jar org.openjdk.jmh.Main LatencyBenchmark -p publisher=$pub -p peer=$p -p warmupMs=3000 -p measureMs=8000 -p verbose=true -i 1 -f 1 -wf 0 > /tmp/cd.out 2>&1
echo "[$p] $pub p99=$(grep -E "^\s+[0-9.]+\s+0.990625" /tmp/cd.out | tail -1 | awk '{print $1}') $(grep CONSUMER /tmp/cd.out)"
done; done
