#!/usr/bin/env bash
# run.sh <target: ringcast|nchan> <options-file|-> <label> <A|B> [server args...]; env SRV_CPUS / TOOL_CPUS pin with taskset
set -u
target=$1; opts=$2; label=$3; wl=$4; shift 4
cd /work/main
srv_pin=""; tool_pin=""
[ -n "${SRV_CPUS:-}" ] && srv_pin="taskset -c $SRV_CPUS"
[ -n "${TOOL_CPUS:-}" ] && tool_pin="taskset -c $TOOL_CPUS"
if [ "$target" = ringcast ]; then
  data=$(mktemp -d /tmp/rc-data.XXXX)
  $srv_pin java @"$opts" -jar ${JAR:-/work/tmp19/ringcast-server.jar} --port 18180 ${DATA_ARG:---data-dir $data} "$@" > /work/tmp19/server-$label.log 2>&1 &
  pid=$!; port=18180
  for _ in $(seq 100); do curl -sf http://127.0.0.1:18180/healthz >/dev/null && break; sleep 0.2; done
else
  pid=$(WORKERS=1 bench/peers/nchan/nchan.sh start 18190); port=18190
  [ -n "${SRV_CPUS:-}" ] && for p in $pid $(pgrep -P $pid); do taskset -a -p -c $SRV_CPUS $p >/dev/null; done
fi
case $wl in
 A) w="--streams 1000 --topics 10 --rate 2000 --duration ${DUR:-30} --warmup 20 --threads 2 --publishers 8";;
 B) w="--streams 10000 --topics 100 --rate 1000 --duration ${DUR:-30} --warmup 20 --threads 2 --publishers 8";;
esac
s0=$(date +%s%N); awk 'BEGIN {for (i = 0; i < 2e6; i++) s += i * i % 7}'; s1=$(date +%s%N)
echo "== $wl $label $(date -u +%H:%M:%SZ) load $(cut -d' ' -f1 /proc/loadavg) cpu-loop $(( (s1-s0)/1000000 )) ms"
$tool_pin java @bench/sse-load.jvm.options ${TOOL_OPTS:-} -cp ${BJAR:-/work/tmp19/benchmarks.jar} io.ringcast.bench.load.SseLoad --target $target --url http://127.0.0.1:$port $w --server-pid $pid | grep -v '^  t=' | grep -v SLF4J
tot=0; for p in $pid $(pgrep -P $pid); do tot=$((tot + $(awk '/^VmRSS/{print $2}' /proc/$p/status))); done; echo "RSS $((tot/1024)) MB"
if [ "$target" = ringcast ]; then kill $pid; wait $pid 2>/dev/null; rm -rf "$data"; else bench/peers/nchan/nchan.sh stop; sleep 1; fi
