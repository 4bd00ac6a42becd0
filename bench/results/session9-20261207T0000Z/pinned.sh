#!/usr/bin/env bash
# pinned.sh <peer> <subs> <layout>: runs Probe saturated 8 s; after 1 s pins threads:
#   layout A: publisher(main)+dispatcher on cpu0, consumer on cpu1;  layout B: publisher on cpu0, dispatcher+consumer on cpu1
peer=$1; subs=$2; layout=$3
java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp /work/tmp23/bench-base.jar io.ringcast.bench.harness.Probe $peer $subs 1 0 8 > /work/tmp23/pinned-run.txt 2>&1 &
jp=$!
sleep 1.5
pid=$(pgrep -f "harness.Probe $peer $subs" | head -1)
for t in /proc/$pid/task/*; do
  n=$(cat $t/comm); id=${t##*/}
  case "$n" in
    main) c=0 ;;
    bench-consumer) c=1 ;;
    *dispatcher*) [ "$layout" = A ] && c=0 || c=1 ;;
    *) c="" ;;
  esac
  [ -n "$c" ] && taskset -cp $c $id > /dev/null
done
wait $jp
tail -4 /work/tmp23/pinned-run.txt | awk '{split($0,a,"-> "); split(a[2],b," "); printf "%.2fM ", b[1]/1e6; for (i=1;i<=NF;i++) if ($i ~ /ns\/ev$/) printf "%s ", $i; print ""}'
