#!/usr/bin/env bash
# usage: tasks.sh PID SECONDS -- per-thread CPU ms/s, run-queue wait ms/s, and timeslices/s over the interval
pid=$1; secs=$2
declare -A c0 w0 n0 name
for t in /proc/$pid/task/*; do id=${t##*/}; read -r c w n < $t/schedstat; c0[$id]=$c; w0[$id]=$w; n0[$id]=$n; name[$id]=$(cat $t/comm); done
sleep $secs
for t in /proc/$pid/task/*; do id=${t##*/}; [ -n "${c0[$id]:-}" ] || continue; read -r c w n < $t/schedstat
  dc=$(( (c-c0[$id])/1000000/secs )); dw=$(( (w-w0[$id])/1000000/secs )); dn=$(( (n-n0[$id])/secs ))
  [ $dc -gt 0 -o $dw -gt 0 ] && printf "%-28s cpu %4d ms/s  wait %4d ms/s  slices %6d/s\n" "${name[$id]}" $dc $dw $dn
done | sort -k3 -n -r
