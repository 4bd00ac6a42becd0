#!/usr/bin/env bash
# Rounds of broadcast (16, 1, 256) and routing for the given peers, quick profile as bench/run.sh.
set -u
cd /work/main
rounds=$1; peers=$2; out=$3
mkdir -p $out
JAR=bench/target/benchmarks.jar
STEP=400; TPUT="-wi 2 -i 3 -f 1"; HEAD="-wi 2 -i 5 -f 1"
for r in $(seq $rounds); do
  echo "== round $r $(date -u +%T)"
  java -jar $JAR io.ringcast.bench.BroadcastBenchmark -p peer=$peers -p subscribers=16 -p stepMs=$STEP $HEAD -prof gc -rf json -rff $out/broadcast-16-r$r.json > $out/broadcast-16-r$r.log 2>&1
  java -jar $JAR io.ringcast.bench.BroadcastBenchmark -p peer=$peers -p subscribers=1,256 -p stepMs=$STEP $TPUT -prof gc -rf json -rff $out/broadcast-1-256-r$r.json > $out/broadcast-1-256-r$r.log 2>&1
  java -jar $JAR io.ringcast.bench.RoutingBenchmark -p peer=$peers -p stepMs=$STEP $TPUT -prof gc -rf json -rff $out/routing-r$r.json > $out/routing-r$r.log 2>&1
done
echo "== done $(date -u +%T)"
java -cp $JAR io.ringcast.bench.report.Summary $out/*.json > $out/summary.md 2>&1
