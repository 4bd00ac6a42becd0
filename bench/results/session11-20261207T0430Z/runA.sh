#!/bin/bash
# As run in the eleventh session: the write interval came from a temporary system property
# (-Dringcast.journal.writeIntervalMs, read by JournalConfig in that build only), set through EXTRA_JVM.
# usage: runA.sh <label> <server args...>: starts the server, runs the A load at 0.3x, prints p99 and per-thread CPU/run-queue wait
label=$1; shift
cd /work/main
rm -rf /tmp/rcdata
java @server/jvm.options ${EXTRA_JVM} -jar server/target/ringcast-server.jar --port 18080 "$@" > /tmp/rcserver.log 2>&1 &
for i in $(seq 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
PID=$(pgrep -f "ringcast-server.jar --port 18080")
snap() { for t in /proc/$PID/task/*; do echo "$(cat $t/comm | tr ' ' _)_$(basename $t) $(cat $t/schedstat)"; done | sort; }
java @bench/sse-load.jvm.options -cp bench/target/benchmarks.jar io.ringcast.bench.load.SseLoad --target ringcast --url http://127.0.0.1:18080 --streams 1000 --topics 10 --rate 600 --duration 30 --warmup 20 --threads 2 --publishers 8 --server-pid $PID 2>/dev/null | grep -v '^  t=' > /tmp/loadA.out &
LP=$!
sleep 25; snap > /tmp/s1; sleep 20; snap > /tmp/s2
wait $LP
echo "== $label $(date +%T) $(grep 'RESULT latency' /tmp/loadA.out | sed 's/RESULT latency ms //') $(grep -o 'server pid.*window' /tmp/loadA.out | grep -o '= [0-9]*% of one core')"
join /tmp/s1 /tmp/s2 | awk '{cpu=($5-$2)/20e6; wait=($6-$3)/20e6; n=($7-$4)/20; if (cpu>2 || wait>2) printf "   %-28s cpu %6.1f ms/s  runq-wait %6.1f ms/s  slices %7.1f /s\n", $1, cpu, wait, n}'
kill $PID; sleep 1
