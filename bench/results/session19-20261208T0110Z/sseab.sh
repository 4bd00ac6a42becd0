#!/bin/bash
# sseab.sh rounds variants... : SSE workload A at 0.3x (1,000 streams, 10 topics, 600 events/s), alternated.
# variants: base (ringcast), late (ringcast -Dringcast.experiment.lateFlush=true), nchan1
cd /work/main
rounds=$1; shift
J=bench/target/benchmarks.jar
for r in $(seq $rounds); do for v in "$@"; do
  rm -rf /tmp/rcd; mkdir -p /tmp/rcd
  mw=$(java -cp $J io.ringcast.bench.load.MemoryWalk 2>/dev/null)
  case $v in
    base|late)
      o=""; [ $v = late ] && o="-Dringcast.experiment.lateFlush=true"
      java @server/jvm.options $o -jar server/target/ringcast-server.jar --port 18080 --data-dir /tmp/rcd > /tmp/rcs-$v.log 2>&1 &
      pid=$!; for i in $(seq 100); do curl -sf http://127.0.0.1:18080/healthz > /dev/null && break; sleep 0.2; done
      tgt=ringcast; port=18080 ;;
    nchan1)
      pid=$(WORKERS=1 bench/peers/nchan/nchan.sh start 18081); tgt=nchan; port=18081 ;;
  esac
  out=$(java @bench/sse-load.jvm.options -cp $J io.ringcast.bench.load.SseLoad --target $tgt --url http://127.0.0.1:$port \
    --streams 1000 --topics 10 --rate 600 --duration 30 --warmup 20 --threads 2 --publishers 8 --server-pid $pid 2>&1 | grep -v '^  t=')
  echo "$out" > /work/tmp31/sseab-$v-r$r.out
  lat=$(echo "$out" | grep "RESULT latency" | sed 's/RESULT latency ms //')
  cpu=$(echo "$out" | grep -o "CPU [0-9.]* s = [0-9]*% of one core over" | head -1)
  lost=$(echo "$out" | grep -o "lost=[0-9]*")
  echo "r$r $(date -u +%T) mw=$mw $v: $lat | server $cpu | $lost"
  case $v in base|late) kill $pid; wait $pid 2>/dev/null ;; nchan1) bench/peers/nchan/nchan.sh stop >/dev/null 2>&1; sleep 1 ;; esac
done; done
