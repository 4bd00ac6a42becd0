#!/usr/bin/env bash
# ab2.sh <A|B> <label:optsfile>...  (new jar)
wl=$1; shift
for lo in "$@"; do
  label=${lo%%:*}; opts=${lo#*:}
  JAR=/work/tmp22/rc-new.jar BJAR=/work/tmp22/bench-new.jar bash /work/tmp21/run3.sh ringcast $opts $label $wl
  ls -t /work/tmp22/gc-*[0-9].log | head -1 | xargs -I{} mv {} /work/tmp22/gc-$wl-$label-$(date +%H%M%S).log
done
