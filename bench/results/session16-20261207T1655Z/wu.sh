#!/bin/bash
# wu.sh rounds peers... : RoutingBenchmark with 1 and with 2 warm-up searches, alternated; saturated deliveries/s per measured search
rounds=$1; shift
for r in $(seq $rounds); do for p in "$@"; do for wi in 1 2; do
  java -jar /work/main/bench/target/benchmarks.jar 'io.ringcast.bench.RoutingBenchmark' -p peer=$p -p stepMs=400 -wi $wi -i 3 -f 1 > /tmp/wu.out 2>&1
  echo "[$p wi=$wi] $(grep -E "^\s+saturatedDeliveriesPerSec:" /tmp/wu.out | awk '{printf "%.2fM ", $2/1e6}')"
done; done; done
