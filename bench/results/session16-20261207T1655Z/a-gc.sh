#!/bin/bash
# a-gc.sh label [extra server args...]: Ringcast alone under A@0.3 with a GC log; prints the GC pauses in the window
label=$1; shift
cd /work/main
d=$(mktemp -d); log=/work/tmp28/gc-$label.log
java @server/jvm.options -Xlog:gc:file=$log:uptime -jar server/target/ringcast-server.jar --port 18080 --data-dir $d "$@" > /work/tmp28/srv-$label.log 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
java @bench/sse-load.jvm.options -cp bench/target/benchmarks.jar io.ringcast.bench.load.SseLoad --target ringcast --url http://127.0.0.1:18080 --streams 1000 --topics 10 --rate 600 --duration 30 --warmup 20 --threads 2 --publishers 8 --server-pid $pid | grep -E "RESULT latency|server pid|using most|max latency per second of the window"
kill $pid; wait $pid 2>/dev/null; rm -rf $d
echo "GC pauses in the log (all):"; grep -c Pause $log; grep Pause $log | tail -25 | awk '{print $1, $(NF)}' | tr '\n' ' '; echo
