#!/bin/bash
# lat4.sh rounds outdir peers... : LatencyBenchmark per peer and publisher, alternated, one output file per run
rounds=$1; out=$2; shift 2; mkdir -p $out
for r in $(seq $rounds); do for pub in park yield; do for p in "$@"; do
  f=$out/$p-$pub-r$r.out
  java -cp /work/main/bench/target/benchmarks.jar org.openjdk.jmh.Main LatencyBenchmark -p publisher=$pub -p peer=$p -p warmupMs=3000 -p measureMs=5000 -p verbose=true -i 1 -f 1 -wf 1 > $f 2>&1
  pct() { grep -E "^\s+[0-9.]+\s+$1" $f | tail -1 | awk '{print $1}'; }
  echo "[$p] $pub r$r $(date -u +%T) p50=$(pct 0.5000) p90=$(pct 0.9000) p99=$(pct 0.990625) p999=$(grep -E "p999Us:" $f | grep -v Secondary | tail -1 | awk "{print \$2}")"
done; done; done
