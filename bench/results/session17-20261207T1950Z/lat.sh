#!/bin/bash
# lat.sh publisher rounds variants... : LatencyBenchmark for ringcast with engine class variants, alternated
pub=$1; rounds=$2; shift 2
for r in $(seq $rounds); do for v in "$@"; do
  if [ $v = minimal ]; then peer=disruptor-minimal; cp=/work/main/bench/target/benchmarks.jar; else peer=ringcast; cp=/work/tmp27/eng-$v:/work/main/bench/target/benchmarks.jar; fi
  java -cp $cp org.openjdk.jmh.Main LatencyBenchmark -p publisher=$pub -p peer=$peer -p warmupMs=3000 -p measureMs=5000 -p verbose=true -i 1 -f 1 -wf 1 2>&1 > /tmp/lat.out
  pct() { grep -E "^\s+[0-9.]+\s+$1" /tmp/lat.out | tail -1 | awk '{print $1}'; }
  echo "[$v] $pub p10=$(pct 0.1000) p50=$(pct 0.5000) p90=$(pct 0.9000) p99=$(pct 0.990625) p999=$(grep -E "p999Us:" /tmp/lat.out | grep -v Secondary | tail -1 | awk "{print \$2}")"
done; done
