#!/bin/bash
# Alternates the dispatcher's yield phase (20 yields, the default, against 0: spin then park) in the latency benchmark.
jar=/work/tmp25/yield.jar
run() { # peer publisher yieldTries
  java -jar $jar 'io.ringcast.bench.LatencyBenchmark' -p peer=$1 -p publisher=$2 -p warmupMs=3000 -p measureMs=10000 -f 1 -wf 1 \
    -jvmArgsAppend "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -Dringcast.yieldTries=$3" 2>&1 | awk -v tag="$1 $2 yield=$3" '/^ +p50Us:|^ +p99Us:|^ +p999Us:/ {v[$1]=$2} END {print tag, "p50", v["p50Us:"], "p99", v["p99Us:"], "p99.9", v["p999Us:"]}'
}
for round in 1 2 3; do
  for pub in park yield; do
    run ringcast $pub 20
    run ringcast $pub 0
  done
  run reactor park 20
done
