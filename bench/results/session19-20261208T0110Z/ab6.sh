#!/bin/bash
# ab6.sh rounds subs topics : ringcast own views vs through one EventReader (same jar, property), alternated
rounds=$1; subs=$2; topics=$3; J=/work/tmp31/reader.jar
for r in $(seq $rounds); do for o in "" "-Dringcast.bench.reader=true"; do
  mw=$(java -cp $J io.ringcast.bench.load.MemoryWalk 2>&1 | tail -1)
  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g $o -cp $J io.ringcast.bench.harness.Probe ringcast $subs $topics 0 6 2>&1 | tail -n 3 > /tmp/ab6.$$
  echo -n "mw=$mw "; python3 /work/tmp31/parse.py "ringcast${o:+-reader}" "$r" < /tmp/ab6.$$
done; done
