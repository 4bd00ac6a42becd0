#!/bin/bash
cd /work/tmp-wt-e13
run() { name=$1; jar=$2; shift 2; echo "== $name $jar start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"; java -jar $jar.jar "$@" -rf json -rff runs/q-$name-$jar.json > runs/q-$name-$jar.log 2>&1; echo "== $name $jar end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
run bcast new BroadcastBenchmark -p peer=ringcast,disruptor-minimal -p subscribers=1,16,256 -p stepMs=400 -wi 1 -i 3 -f 1
run bcast base BroadcastBenchmark -p peer=ringcast -p subscribers=1,16,256 -p stepMs=400 -wi 1 -i 3 -f 1
run bcast16sp new BroadcastBenchmark -p peer=submission-publisher -p subscribers=16 -p stepMs=400 -wi 1 -i 3 -f 1
run routing new RoutingBenchmark -p peer=ringcast,disruptor-minimal -p stepMs=400 -wi 1 -i 3 -f 1
run latency new LatencyBenchmark -p peer=ringcast,disruptor-minimal,submission-publisher,reactor -p warmupMs=3000 -p measureMs=10000 -f 1
