#!/usr/bin/env bash
# abopts.sh <wl> <rounds> <label:extra-options>...  same jar, different JVM options
wl=$1; rounds=$2; shift 2
for r in $(seq $rounds); do
  for spec in "$@"; do
    label=${spec%%:*}; extra=${spec#*:}
    opts=/work/tmp20/jvm-$label-$wl-$r.options
    grep -v '^-Xlog' /work/main/server/jvm.options | grep -v '^-Xmn' > $opts
    for o in $extra; do echo "$o" >> $opts; done
    echo "-Xlog:gc*:file=/work/tmp20/gc-$label-$wl-$r.log:uptime" >> $opts
    JAR=${JAR:-/work/tmp19/ringcast-server-direct.jar} bash /work/tmp19/run.sh ringcast $opts $label-$wl-$r $wl
  done
done
