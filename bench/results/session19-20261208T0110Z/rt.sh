#!/bin/bash
# rt.sh rounds out peers... : RoutingBenchmark per peer, alternated
rounds=$1; out=$2; shift 2; mkdir -p $out
JAR=/work/main/bench/target/benchmarks.jar
for r in $(seq $rounds); do for p in "$@"; do
  java -jar $JAR io.ringcast.bench.RoutingBenchmark -p peer=$p -p stepMs=400 -p verbose=true -wi 2 -i 3 -f 1 -rf json -rff $out/routing-$p-r$r.json > $out/routing-$p-r$r.log 2>&1
  echo "[$p] r$r $(date -u +%T) $(grep -E 'saturated' $out/routing-$p-r$r.log | grep -oE '[0-9.]+ deliveries/s' | tr '\n' ' ' | head -c 400)"
done; done
