#!/usr/bin/env bash
# usage: [MODE=perf|tasks] [OPTS=jvm.options] [TOOL_PREFIX='nice -n -10'] sysc.sh <ringcast|nchan> <rate> [extra server args]
# runs B-shaped load (10,000 streams, 100 topics) and, 28 s in, counts the server's system calls over 10 s (perf) or
# prints its threads' CPU and run-queue wait (tasks.sh, same directory as /work/tmp23 then)
set -u
cd /work/main
target=$1; rate=$2; shift 2
EV="raw_syscalls:sys_enter"
for s in write writev sendto sendmsg read readv recvfrom epoll_wait epoll_pwait epoll_ctl futex sched_yield clock_nanosleep nanosleep mprotect madvise; do EV="$EV,syscalls:sys_enter_$s"; done
if [ "$target" = ringcast ]; then
  rm -rf /tmp/rc-sysc; java @${OPTS:-server/jvm.options} -jar server/target/ringcast-server.jar --port 18080 --data-dir /tmp/rc-sysc "$@" > /work/tmp23/rc-sysc.log 2>&1 &
  pid=$!; port=18080; tool=ringcast
  for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
else
  pid=$(WORKERS=1 bench/peers/nchan/nchan.sh start 18090); port=18090; tool=nchan
fi
pids=$pid; for c in $(pgrep -P $pid); do pids="$pids,$c"; done
${TOOL_PREFIX:-} java @bench/sse-load.jvm.options -cp bench/target/benchmarks.jar io.ringcast.bench.load.SseLoad --target $tool --url http://127.0.0.1:$port --streams 10000 --topics 100 --rate $rate --duration 25 --warmup 15 --threads 2 --publishers 8 --server-pid $pid 2>&1 | grep -E "RESULT|server pid|waiting for|load tool CPU" > /work/tmp23/sysc-load.out &
lp=$!
sleep 28
if [ "${MODE:-perf}" = perf ]; then perf stat -e "$EV" -p "$pids" -- sleep 10 2>&1 | grep -E 'sys_enter'
else /work/tmp23/tasks.sh $pid 10; for c in $(pgrep -P $pid); do /work/tmp23/tasks.sh $c 1; done; fi
wait $lp; cat /work/tmp23/sysc-load.out
if [ "$target" = ringcast ]; then kill $pid; wait $pid 2>/dev/null; else bench/peers/nchan/nchan.sh stop; fi
