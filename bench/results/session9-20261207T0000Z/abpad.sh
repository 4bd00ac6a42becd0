#!/usr/bin/env bash
# alternates Probe <subs> saturated for base and padded jars; prints the last 4 seconds' CPU per event by thread
subs=$1; rounds=$2
for r in $(seq $rounds); do for v in base pad; do
  printf "round %s %-4s " $r $v
  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp /work/tmp23/bench-$v.jar io.ringcast.bench.harness.Probe ringcast $subs 1 0 7 2>&1 | tail -4 | \
    awk '{for (i=1;i<=NF;i++) {if ($i ~ /^main=/) m=m" "substr($i,6); if ($i ~ /^ringcast-dispatcher-bench=/) d=d" "substr($i,27); if ($i ~ /^bench-consumer=/) c=c" "substr($i,16); if ($i ~ /deliveries\/s$/) {} } if ($0 ~ /->/) {split($0,a,"-> "); split(a[2],b," "); dl=dl" "b[1]}} END {print "pub" m " | disp" d " | cons" c " | deliv/s" dl}'
done; done
