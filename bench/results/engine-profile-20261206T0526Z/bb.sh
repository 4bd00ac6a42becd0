#!/usr/bin/env bash
# usage: bb.sh "<jars>" subs -> JMH BroadcastBenchmark, ringcast and disruptor-minimal in the same invocation
for j in $1; do
  echo "# $j $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
  java -jar jars/$j.jar BroadcastBenchmark -p peer=ringcast,disruptor-minimal -p subscribers=$2 -p stepMs=400 -wi 1 -i 3 -f 1 -rf json -rff bb-$j-$2.json > bb-$j-$2.log 2>&1
  echo "# end $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
  java -cp jars/$j.jar io.ringcast.bench.report.Summary bb-$j-$2.json 2>&1 | grep -E "^\| (ringcast|disruptor)" 
done
