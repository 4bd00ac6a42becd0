#!/usr/bin/env bash
# ab.sh <A|B> <label:jar>...  runs each in order
wl=$1; shift
for lj in "$@"; do
  label=${lj%%:*}; jar=${lj#*:}
  JAR=$jar BJAR=/work/tmp22/bench-new.jar bash /work/tmp22/run4.sh ringcast /work/tmp22/jvm-gc.options $label $wl
  ls -t /work/tmp22/gc-*.log | head -1 | xargs -I{} mv {} /work/tmp22/gc-$wl-$label-$(date +%H%M%S).log
done
