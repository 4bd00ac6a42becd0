#!/bin/bash
# ll.sh subs rounds variants... : BroadcastBenchmark (quick profile: 400 ms steps, 1+3 searches), alternated: lossless events/s and saturated
subs=$1; rounds=$2; shift 2
for r in $(seq $rounds); do for v in "$@"; do
  if [[ $v == minimal* || $v == submission* ]]; then peer=$v; [[ $v == minimal* ]] && peer=disruptor-$v; cp=/work/main/bench/target/benchmarks.jar; else peer=ringcast; cp=/work/tmp27/eng-$v:/work/main/bench/target/benchmarks.jar; fi
  java -cp $cp org.openjdk.jmh.Main 'io.ringcast.bench.BroadcastBenchmark' -p subscribers=$subs -p peer=$peer -p stepMs=400 -wi 1 -i 3 -f 1 > /tmp/ll.out 2>&1
  ll=$(grep -E "^\s+losslessEventsPerSec:" /tmp/ll.out | awk '{printf "%.0fk ", $2/1000}')
  sat=$(grep -E "^\s+saturatedDeliveriesPerSec:" /tmp/ll.out | awk '{printf "%.1fM ", $2/1e6}')
  sh=$(grep -E "^\s+saturatedDeliveredPct:" /tmp/ll.out | awk '{printf "%.0f%% ", $2}')
  echo "[$v] $subs lossless: $ll| saturated: $sat| share: $sh"
done; done
