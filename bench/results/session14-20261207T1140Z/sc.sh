#!/bin/bash
# sc.sh subs rounds h variants... : alternates variants (eng-<v> or "minimal")
subs=$1; rounds=$2; h=$3; shift 3
J="java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms1g -Xmx1g -Dh=$h -Dlim=64"
for r in $(seq $rounds); do for v in "$@"; do
 if [ $v = minimal ]; then $J -cp /work/tmp26/final.jar:/work/tmp26/sc StageCastB minimal $subs 1024 40 | sed "s/^/[$v] /";
 else $J -cp /work/tmp27/eng-$v:/work/tmp26/final.jar:/work/tmp26/sc StageCastB ringcast $subs 1024 40 | sed "s/^/[$v] /"; fi
done; done
