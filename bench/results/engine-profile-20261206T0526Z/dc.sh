#!/usr/bin/env bash
# usage: dc.sh "<jars>" rounds subs  -> DutyCycle ns/event, min and median of iterations, alternated per round
jars=($1); rounds=$2; subs=$3
echo "# $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
for r in $(seq 1 $rounds); do
  for j in "${jars[@]}"; do
    java -jar JARS/$j.jar DutyCycleBenchmark -p subscribers=$subs -wi 3 -w 500ms -i 6 -r 500ms -f 1 -rf json -rff ./dc-$j.json > /dev/null 2>&1
    python3 - "$j" "$r" <<'PY'
import json,sys,statistics as st
d=json.load(open(f"./dc-{sys.argv[1]}.json"))
out=[]
for b in d:
    raw=[x for f in b['primaryMetric']['rawData'] for x in f]
    out.append(f"{b['params']['peer'][:8]}/{b['params']['subscribers']}: min {min(raw):7.1f} med {st.median(raw):7.1f}")
print(f"r{sys.argv[2]} {sys.argv[1]:5s} " + " | ".join(out))
PY
  done
done
echo "# end $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
