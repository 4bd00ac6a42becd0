#!/usr/bin/env bash
# abn.sh <workload> <rounds> <label:jar>...  : Nchan first in each round, then each jar
wl=$1; rounds=$2; shift 2
for r in $(seq $rounds); do
  bash /work/tmp19/run.sh nchan - nchan-$wl-$r $wl
  for spec in "$@"; do
    label=${spec%%:*}; jar=${spec#*:}
    opts=/work/tmp20/jvm-$label-$wl-$r.options
    grep -v '^-Xlog' /work/main/server/jvm.options > $opts
    echo "-Xlog:gc*,gc+phases=debug:file=/work/tmp20/gc-$label-$wl-$r.log:uptime" >> $opts
    JAR=$jar bash /work/tmp19/run.sh ringcast $opts $label-$wl-$r $wl
  done
done
