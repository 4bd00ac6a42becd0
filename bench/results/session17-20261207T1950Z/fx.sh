#!/bin/bash
# fx.sh subs rate secs rounds variants... : fixed-rate Probe steps, alternated; per run: passes, median share, CPU/ev of each thread (median)
subs=$1; rate=$2; secs=$3; rounds=$4; shift 4
for r in $(seq $rounds); do for v in "$@"; do
 if [[ $v == minimal* || $v == submission* ]]; then peer=$v; [[ $v == minimal* ]] && peer=disruptor-$v; cp=/work/main/bench/target/benchmarks.jar; else peer=ringcast; cp=/work/tmp27/eng-$v:/work/main/bench/target/benchmarks.jar; fi
 java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -cp $cp io.ringcast.bench.harness.Probe $peer $subs ${TOPICS:-1} $rate $secs 2>&1 | grep "^rate" | tail -n +2 > /tmp/fx.out
 pass=$(grep -c PASS /tmp/fx.out)
 share=$(grep -o 'share=[0-9.]*' /tmp/fx.out | cut -d= -f2 | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
 cpu=$(grep -o '[a-z-]*=[0-9.]*ns/ev' /tmp/fx.out | sed 's/ns\/ev//; s/ringcast-dispatcher-bench/disp/; s/bench-consumer/cons/; s/main/pub/; s/disruptor-minimal-[a-z]*-dispatcher/disp/; s/submission-publisher-consumer/cons/' | awk -F= '{s[$1]=s[$1]" "$2} END {for (k in s) print k, s[k]}' | sort | while read k vals; do echo -n "$k=$(echo $vals | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}') "; done)
 echo "[$v] $rate: pass $pass/$((secs-1)) share $share $cpu"
done; done
