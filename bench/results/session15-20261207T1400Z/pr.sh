#!/bin/bash
# pr.sh subs secs rounds variants... : Probe, alternated; prints the median of the last half of steps
subs=$1; secs=$2; rounds=$3; shift 3
for r in $(seq $rounds); do for v in "$@"; do
 if [ $v = minimal ]; then peer=disruptor-minimal; cp=/work/main/bench/target/benchmarks.jar; else peer=ringcast; cp=/work/tmp27/eng-$v:/work/main/bench/target/benchmarks.jar; fi
 java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -cp $cp io.ringcast.bench.harness.Probe $peer $subs ${TOPICS:-1} 0 $secs 2>&1 | grep saturated | tail -n $((secs/2)) > /tmp/pr.out
 med=$(grep -o '> [0-9]* deliveries' /tmp/pr.out | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
 share=$(grep -o 'share=[0-9.]*' /tmp/pr.out | tail -1)
 cpu=$(tail -1 /tmp/pr.out | grep -o 'cpu:.*')
 echo "[$v] $subs: $med deliveries/s $share $cpu"
done; done
