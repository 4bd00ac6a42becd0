#!/bin/bash
# ab3.sh rounds : routing Probe, alternated: minimal, ringcast (own views), ringcast (EventReader); mem-walk before each
rounds=$1
J=/work/main/bench/target/benchmarks.jar
for r in $(seq $rounds); do for v in minimal own reader; do
  mw=$(java -cp $J io.ringcast.bench.load.MemoryWalk 2>&1 | tail -1)
  case $v in minimal) p=disruptor-minimal-blocking; o="";; own) p=ringcast; o="";; reader) p=ringcast; o="-Dringcast.bench.reader=true";; esac
  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g $o -cp $J io.ringcast.bench.harness.Probe $p 10000 10000 0 6 2>&1 | tail -n 3 > /tmp/ab3.$$
  echo -n "mw=$mw "; python3 /work/tmp31/parse.py "$v" "$r" < /tmp/ab3.$$
done; done
