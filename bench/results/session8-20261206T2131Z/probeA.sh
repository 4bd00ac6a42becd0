#!/usr/bin/env bash
# probeA.sh <ringcast|nchan> <label> [jar]: an A run with per-thread samples of server and tool at 28-48 s
target=$1; label=$2; jar=${3:-/work/tmp22/rc-new.jar}
JAR=$jar BJAR=/work/tmp22/bench-new.jar bash /work/tmp21/run3.sh $target /work/main/server/jvm.options $label A > run-$label.txt 2>&1 &
sleep 28
ps -eo pid,args | grep -v grep | grep -E "java|nginx" | cut -c1-150 > ps-$label.txt
if [ $target = ringcast ]; then spid=$(pgrep -f "jar /work/tmp2" | head -1); else spid=$(pgrep -f "nginx: worker" | head -1); fi
tpid=$(pgrep -f "load.SseLoad" | head -1); echo "srv $spid tool $tpid" >> ps-$label.txt
(/work/tmp22/tasks.sh $spid 20 > srv-$label.txt) & (/work/tmp22/tasks.sh $tpid 20 > tool-$label.txt) & wait %2 %3
wait
