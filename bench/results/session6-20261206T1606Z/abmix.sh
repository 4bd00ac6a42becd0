#!/usr/bin/env bash
# abmix.sh <wl> <rounds> "<label>|<extra jvm options>|<server args>"...
wl=$1; rounds=$2; shift 2
for r in $(seq $rounds); do
  for spec in "$@"; do
    IFS='|' read -r label extra args <<< "$spec"
    opts=/work/tmp20/jvm-$label-$wl-$r.options
    grep -v '^-Xlog' /work/main/server/jvm.options > $opts
    for o in $extra; do echo "$o" >> $opts; done
    echo "-Xlog:gc*:file=/work/tmp20/gc-$label-$wl-$r.log:uptime" >> $opts
    JAR=${JAR:-/work/tmp19/ringcast-server-direct.jar} bash /work/tmp19/run.sh ringcast $opts $label-$wl-$r $wl $args
  done
done
