#!/bin/bash
# ab5.sh rounds subs topics jarA jarB [peerA] [peerB]: Probe saturated, alternating two jars; mem-walk before each
rounds=$1; subs=$2; topics=$3; A=$4; B=$5; pa=${6:-ringcast}; pb=${7:-ringcast}
for r in $(seq $rounds); do for v in A B; do
  if [ $v = A ]; then J=$A; p=$pa; else J=$B; p=$pb; fi
  mw=$(java -cp $J io.ringcast.bench.load.MemoryWalk 2>&1 | tail -1)
  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -cp $J io.ringcast.bench.harness.Probe $p $subs $topics 0 6 2>&1 | tail -n 3 > /tmp/ab5.$$
  echo -n "mw=$mw "; python3 /work/tmp31/parse.py "$(basename $J .jar):$p" "$r" < /tmp/ab5.$$
done; done
